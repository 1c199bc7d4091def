/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet release crypto, host side (OpenSSL 3 EVP): one shared body per
 * release, one 512-byte header per device (docs/formats.md §8.5, §9).
 *
 *   struct fwh_fleet_content c;
 *   fwh_fleet_content_new(&c)              random content key and IV
 *   struct fwh_fleet_enc e;
 *   fwh_fleet_enc_begin(&e, &c, chunk_size, hashes, max_chunks)
 *   fwh_fleet_enc_update(&e, in, n, out) ...   body bytes (ciphertext) out
 *   fwh_fleet_enc_finish(&e, &c)            tag, size, image SHA-256, chunk count
 *   fwh_fleet_header(pub, &c, shared, hdr)  per device: RSA-3072 stock header,
 *                                           or ECIES-P256 FWSX header (shared)
 *   fwh_fleet_content_wipe(&c)
 *
 * A single ECIES device with a stock header (the content key IS the ECDH
 * derived key): fwh_fleet_content_ecies_stock() instead of _new(). */
#ifndef FWH_FLEET_H
#define FWH_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fw_enc_ext.h"
#include "fw_enc_header.h"
#include "fw_manifest.h"

struct fwh_fleet_content {
    uint8_t key[FW_ENC_AES_KEY_SIZE];     /* secret: wipe with fwh_fleet_content_wipe */
    uint8_t iv[FW_ENC_IV_SIZE];
    uint8_t tag[FW_ENC_TAG_SIZE];         /* after fwh_fleet_enc_finish */
    uint32_t size;                        /* body = image bytes */
    uint8_t image_sha256[FW_MF_HASH_LEN];
    uint8_t key_check[FW_MF_HASH_LEN];    /* SHA-256("fwseal-keycheck1" || key) */
    uint32_t chunk_count;
    /* stock ECIES (one device): the header's server point and salt */
    int ecies_stock;
    uint8_t server_xy[FW_ENC_SERVER_PUB_SIZE];
    uint8_t salt[FW_ENC_KDF_SALT_SIZE];
};

/* Random content key and IV. */
int fwh_fleet_content_new(struct fwh_fleet_content *c);
/* Stock ECIES for ONE device: the key is derived by ECDH with dev_pub. */
int fwh_fleet_content_ecies_stock(struct fwh_fleet_content *c, EVP_PKEY *dev_pub);
void fwh_fleet_content_wipe(struct fwh_fleet_content *c);

/* SHA-256("fwseal-keycheck1" || key) (docs/formats.md §8.2 key_check). */
int fwh_fleet_key_check(const uint8_t key[FW_ENC_AES_KEY_SIZE], uint8_t out[FW_MF_HASH_LEN]);

struct fwh_fleet_enc {
    EVP_CIPHER_CTX *gcm;
    EVP_MD_CTX *image_md;                 /* plaintext SHA-256 */
    EVP_MD_CTX *chunk_md;                 /* current ciphertext chunk */
    uint32_t chunk_size;
    uint32_t in_chunk;                    /* bytes of the current chunk hashed */
    uint8_t (*hashes)[FW_MF_HASH_LEN];
    uint32_t max_chunks;
    uint32_t nchunks;
    uint64_t total;
};

/* hashes[max_chunks] receives SHA-256 of every chunk_size bytes of ciphertext. */
int fwh_fleet_enc_begin(struct fwh_fleet_enc *e, const struct fwh_fleet_content *c, uint32_t chunk_size,
                        uint8_t (*hashes)[FW_MF_HASH_LEN], uint32_t max_chunks);
/* n plaintext bytes in, n ciphertext bytes out. FW_ERR_RANGE past 4 GiB - 1
 * or past max_chunks chunks. */
int fwh_fleet_enc_update(struct fwh_fleet_enc *e, const uint8_t *in, size_t n, uint8_t *out);
/* Tag, size, image SHA-256, key_check and chunk_count into c. FW_ERR_RANGE
 * for an empty body. Frees the contexts. */
int fwh_fleet_enc_finish(struct fwh_fleet_enc *e, struct fwh_fleet_content *c);
void fwh_fleet_enc_free(struct fwh_fleet_enc *e);

/* The header of one device (after enc_finish): RSA-3072 public key -> the
 * stock header (content key wrapped, PKCS#1 v1.5); EC P-256 -> the FWSX
 * shared header (fresh ephemeral key and salt per device), or, for a
 * content from fwh_fleet_content_ecies_stock, the stock ECIES header of
 * that one device. FW_ERR_KEY for another key type. */
int fwh_fleet_header(EVP_PKEY *dev_pub, const struct fwh_fleet_content *c, uint8_t hdr[FW_ENC_HEADER_SIZE]);

/* AES-256-GCM key wrap of the FWSX extension (fresh random wrap IV). */
int fwh_fleet_ext_wrap(const uint8_t kek[FW_ENC_AES_KEY_SIZE], const uint8_t key[FW_ENC_AES_KEY_SIZE],
                       struct fw_enc_ext *x);
/* Unwrap; the tag is checked (by OpenSSL, constant time): FW_ERR_AUTH when
 * the KEK is wrong or the header was altered. key is zero on failure. */
int fwh_fleet_ext_unwrap(const uint8_t kek[FW_ENC_AES_KEY_SIZE], const struct fw_enc_ext *x,
                         uint8_t key[FW_ENC_AES_KEY_SIZE]);

#endif
