/* SPDX-License-Identifier: Apache-2.0 */
/* Key material for the encryption commands: PEM parsing from memory and
 * fixed-size secret key files. Callers read files themselves (and wipe the
 * buffers); nothing here prints key bytes. */
#ifndef FWH_ENCKEY_H
#define FWH_ENCKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* A public key from PEM ("PUBLIC KEY" / "RSA PUBLIC KEY"); a PEM private key
 * is accepted too (its public half is used). FW_ERR_KEY if neither parses. */
int fwh_enckey_pub_from_pem(const uint8_t *pem, size_t len, EVP_PKEY **out);

/* An unencrypted PEM private key (PKCS#1 or PKCS#8). Never prompts for a
 * passphrase: encrypted PEMs fail with FW_ERR_KEY. */
int fwh_enckey_priv_from_pem(const uint8_t *pem, size_t len, EVP_PKEY **out);

/* Many public keys in a row (a fleet registry): one OpenSSL decoder context
 * built once and reused, ~20x cheaper per key than fwh_enckey_pub_from_pem,
 * whose PEM_read_bio_PUBKEY builds a new decoder every call. Accepts a PEM or
 * DER SubjectPublicKeyInfo; anything else (a private key, "RSA PUBLIC KEY")
 * fails here and the caller falls back to fwh_enckey_pub_from_pem. */
struct fwh_pubkey_decoder;
struct fwh_pubkey_decoder *fwh_pubkey_decoder_new(void);
int fwh_pubkey_decoder_load(struct fwh_pubkey_decoder *d, const uint8_t *buf, size_t len, EVP_PKEY **out);
void fwh_pubkey_decoder_free(struct fwh_pubkey_decoder *d);

/* Write pk's public key as PEM (SubjectPublicKeyInfo) into a malloc'd
 * buffer (*pem, *len, NUL-terminated); caller frees. */
int fwh_enckey_pub_to_pem(EVP_PKEY *pk, char **pem, size_t *len);

#endif
