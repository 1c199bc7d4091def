/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 block signatures with OpenSSL 3 EVP (FORMATS §2.3, §2.4):
 * make a signed block from a private key and an image digest, and check the
 * signature of a block with the key embedded in it.
 *
 *   RSA-3072: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, over the digest;
 *             signature stored byte-reversed (little-endian).
 *   ECDSA P-256: signature over the SHA-256 digest, r and s stored as 32-byte
 *             little-endian numbers.
 *   ECDSA P-384: the same over the SHA-384 digest (48-byte numbers).
 *   ECDSA P-192: verified only (SHA-256 digest, 24-byte numbers); signing
 *             with a P-192 key is refused (FW_ERR_KEY).
 * The per-scheme code is one file per scheme behind the table in keys/fwh_sig.h. */
#ifndef FWH_SBV2_CRYPTO_H
#define FWH_SBV2_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "fw_sbv2.h"
#include "keys/fwh_keys.h"

/* Build a complete block (fields, signature, CRC) signing
 * digest[digest_len] (the length the key's scheme signs, else
 * FW_ERR_INVALID_ARG) with a private key. The new signature is verified
 * before returning (a faulty signature never leaves the signer). */
int fwh_sbv2_sign_block(const struct fwh_key *k, const uint8_t *digest, size_t digest_len,
                        uint8_t blk[FW_SBV2_BLOCK_SIZE], char *why, size_t whylen);

/* Build a complete block from a signature made elsewhere (a PKCS#11 token,
 * a KMS, `openssl pkeyutl`) by k's key over digest. Accepted encodings:
 * RSA: the signature as a big-endian number (modulus length); ECDSA: r||s
 * big-endian (as KMS APIs return), r||s little-endian (each number, as the
 * block stores it), or DER (strict). Each encoding the length allows is put
 * into the block and verified against k's public key over digest; the first
 * that verifies is kept. None: FW_ERR_SIGNATURE and nothing in blk is usable. */
int fwh_sbv2_block_from_signature(const struct fwh_key *k, const uint8_t *digest, size_t digest_len,
                                  const uint8_t *sig, size_t siglen, uint8_t blk[FW_SBV2_BLOCK_SIZE], char *why,
                                  size_t whylen);
/* Largest signature in any accepted encoding (RSA-3072: 384 bytes). */
#define FWH_SIG_MAX 512u

/* Verify the signature of a structurally valid block over digest (the
 * computed image digest, digest_len bytes) with the block's own key.
 * Checks RSA modulus size (3072 bits) and the EC point (on the curve).
 * FW_OK, FW_ERR_SIGNATURE, FW_ERR_KEY (unusable embedded key),
 * FW_ERR_UNSUPPORTED (no row for the scheme), FW_ERR_CRYPTO. */
int fwh_sbv2_block_verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len,
                          char *why, size_t whylen);

#endif
