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

/* Write pk's public key as PEM (SubjectPublicKeyInfo) into a malloc'd
 * buffer (*pem, *len, NUL-terminated); caller frees. */
int fwh_enckey_pub_to_pem(EVP_PKEY *pk, char **pem, size_t *len);

#endif
