/* SPDX-License-Identifier: Apache-2.0 */
/* ECIES-P256 key establishment of the ESP encrypted image (FORMATS §3.4),
 * host side, OpenSSL 3 EVP.
 *
 * Device static key: d = OS2IP(PBKDF2-HMAC-SHA256(password = 32-byte HMAC
 * key, salt = FIXED_SALT, 2048 iterations, 32 bytes)), big-endian, required
 * in [1, n-1] (no reduction). AES key: K = HKDF-SHA256(IKM = ECDH x-coord,
 * salt = kdf_salt, info = "_esp_enc_img_ecc", L = 32). */
#ifndef FWH_ECIES_H
#define FWH_ECIES_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fw_enc_header.h"

/* The derivation constants are format rules: common/fw_enc_header.h. */
#define FWH_ECIES_HMAC_KEY_SIZE FW_ENC_ECIES_HMAC_KEY_SIZE
#define FWH_ECIES_PBKDF2_ITER   FW_ENC_ECIES_PBKDF2_ITER
#define FWH_ECIES_INFO          FW_ENC_ECIES_HKDF_INFO

/* Device key pair from the 32-byte HMAC key. FW_ERR_KEY if d is 0 or >= n
 * (the caller retries with a fresh HMAC key), FW_ERR_CRYPTO on library
 * failure. The scalar never leaves this function unwiped. */
int fwh_ecies_device_key(const uint8_t hmac_key[FWH_ECIES_HMAC_KEY_SIZE], EVP_PKEY **out);

/* 32-byte AES key from our private key, the peer's public key and the salt.
 * FW_ERR_KEY if the peer key is unusable. */
int fwh_ecies_derive(EVP_PKEY *own_priv, EVP_PKEY *peer_pub, const uint8_t salt[32], uint8_t key[32]);

/* The server side of one container: a fresh ephemeral key, ECDH with the
 * device's public key dev_pub, HKDF with a fresh salt -> key; the header's
 * server point and salt into server_xy and salt. */
int fwh_ecies_wrap(EVP_PKEY *dev_pub, uint8_t key[32], uint8_t server_xy[64], uint8_t salt[32]);

/* Public P-256 key from a 64-byte X||Y big-endian point (header form).
 * FW_ERR_KEY if it is not a valid point on the curve (incl. identity). */
int fwh_ecies_point_to_pkey(const uint8_t xy[64], EVP_PKEY **out);

/* 64-byte X||Y big-endian form of a P-256 key's public point. */
int fwh_ecies_pkey_to_point(EVP_PKEY *pk, uint8_t xy[64]);

/* 1 if pk is an EC key on P-256 (prime256v1), else 0. */
int fwh_ecies_is_p256(EVP_PKEY *pk);

#endif
