/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signing, streamed (FORMATS §2.1, §2.2; espsecure sign_data
 * --version 2 behaviour):
 *
 *   struct fwh_signer s;
 *   fwh_signer_init(&s);
 *   fwh_signer_update(&s, chunk, n) ...          data bytes [0, len)
 *   pad = fwh_sbv2_pad_len(len);                 0xFF bytes up to 4096 multiple
 *   fwh_signer_update_ff(&s, pad);               ... hashed like data
 *   fwh_signer_digest(&s, digest);               SHA-256 of [0, S)
 *   (fwh_signer_init_len(&s, 48) + fwh_signer_digest_len(): SHA-384, for P-384)
 *   fwh_sbv2_build_sector(sector, existing?, keys, n, digest, why, whylen);
 *
 * Memory: the signer holds one hash context; the caller streams the file
 * in its own buffer, so signing a file of any size uses bounded memory.
 * I/O is the caller's (cli/fwseal/cmd_sign.c writes the output atomically). */
#ifndef FWH_SIGN_H
#define FWH_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fw_sbv2.h"
#include "keys/fwh_keys.h"

#define FWH_SIGNER_MAX_TAPS 3

struct fwh_signer {
    EVP_MD_CTX *md;
    uint64_t len;
    size_t digest_len;             /* 32 (SHA-256) or 48 (SHA-384) */
    /* Keys that can only hash-and-sign (a PKCS#11 token without a
     * digest-input mechanism): every byte hashed is also streamed to them. */
    const struct fwh_key *taps[FWH_SIGNER_MAX_TAPS];
    size_t ntaps;
};

/* SHA-256: the digest RSA-3072, P-256 (and P-192) sign. */
int fwh_signer_init(struct fwh_signer *s);
/* The digest a scheme signs, by its length (fwh_sig row / fw_sbv2_digest_len):
 * 32 SHA-256, 48 SHA-384 (ECDSA P-384); else FW_ERR_INVALID_ARG. */
int fwh_signer_init_len(struct fwh_signer *s, size_t digest_len);
/* Attach keys before the first update: the ones whose external signer
 * streams (fwh_ext_signer.streams) get the data too; others are ignored. */
int fwh_signer_attach(struct fwh_signer *s, const struct fwh_key *const *keys, size_t nkeys);
int fwh_signer_update(struct fwh_signer *s, const void *p, size_t n);
/* Hash n bytes of 0xFF (the espsecure gap padding). */
int fwh_signer_update_ff(struct fwh_signer *s, uint64_t n);
/* Final SHA-256 (a signer from fwh_signer_init); the signer can only be
 * freed afterwards. */
int fwh_signer_digest(struct fwh_signer *s, uint8_t digest[32]);
/* Final digest of s->digest_len bytes into out[out_len >= that]. */
int fwh_signer_digest_len(struct fwh_signer *s, uint8_t *out, size_t out_len);
void fwh_signer_free(struct fwh_signer *s);

/* 0xFF bytes espsecure appends to len bytes of data (to a 4096 multiple). */
uint64_t fwh_sbv2_pad_len(uint64_t len);

/* Build the signature sector for digest:
 *   existing == NULL: a fresh sector with one block per key (slots 0..n-1);
 *   existing != NULL (--append): keep the leading valid blocks of the old
 *     sector (scan stops at the first invalid block), add the new blocks in
 *     the following slots; the rest of the sector is 0xFF.
 * Refused (FW_ERR_NO_SPACE) when more than 3 blocks would result, (FW_ERR_KEY)
 * when schemes are mixed (RSA and ECDSA in one sector) or a key has no
 * private part, (FW_ERR_DIGEST) when a kept block signs another digest,
 * (FW_ERR_NOT_FOUND) when appending to a sector with no valid block. */
int fwh_sbv2_build_sector(uint8_t sector[FW_SBV2_SECTOR_SIZE], const uint8_t *existing,
                          const struct fwh_key *const *keys, size_t nkeys, const uint8_t digest[32],
                          char *why, size_t whylen);
/* Same for a digest of digest_len bytes: 48 (SHA-384) for ECDSA P-384 keys,
 * 32 otherwise; a key whose scheme signs another length is FW_ERR_KEY. */
int fwh_sbv2_build_sector_len(uint8_t sector[FW_SBV2_SECTOR_SIZE], const uint8_t *existing,
                              const struct fwh_key *const *keys, size_t nkeys, const uint8_t *digest,
                              size_t digest_len, char *why, size_t whylen);

#endif
