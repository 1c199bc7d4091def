/* SPDX-License-Identifier: Apache-2.0 */
/* Key generation for the encryption side: ECIES device HMAC keys, flash
 * encryption keys, the nvs_keys partition image (FORMATS §3.4, §4.2, §5.10).
 * Output buffers hold secrets: callers wipe them (OPENSSL_cleanse). */
#ifndef FWH_KEYGEN_ENC_H
#define FWH_KEYGEN_ENC_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define FWH_NVS_KEYS_SIZE 4096u

/* Random 32-byte HMAC key whose PBKDF2-derived scalar is in [1, n-1]
 * (retries otherwise, like esp_enc_img_gen.py), and the device key pair
 * derived from it (*dev_pub holds the private scalar too: publish only its
 * public half, e.g. with fwh_enckey_pub_to_pem). */
int fwh_keygen_ecies_p256(uint8_t hmac_key[32], EVP_PKEY **dev_pub);

/* n random bytes from the OpenSSL DRBG (XTS flash keys: 32 or 64 bytes). */
int fwh_keygen_random(uint8_t *out, size_t n);

/* nvs_keys partition image from given keys: eky || tky || LE32 CRC32-ESP of
 * the 64 key bytes || 0xFF up to 4096 bytes. */
void fwh_nvs_keys_encode(const uint8_t eky[32], const uint8_t tky[32], uint8_t out[FWH_NVS_KEYS_SIZE]);

/* Same with fresh random keys. */
int fwh_keygen_nvs_keys(uint8_t out[FWH_NVS_KEYS_SIZE]);

#endif
