/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signature schemes on the host (OpenSSL 3 EVP), as a table:
 * one row per scheme, one file per scheme (keys/fwh_sig_<scheme>.c), keyed
 * by the one scheme enum of common/fw_sbv2.h. A row says which keys belong
 * to the scheme, how to generate one, how to lay its public half out in a
 * block, and how to sign and verify a digest (pointer + length).
 *
 * Adding a scheme: one file keys/fwh_sig_<scheme>.c defining its row, and
 * the row in the table of keys/fwh_sig.c (the device side has the same
 * recipe: device/fwd_sig.h). An ECDSA curve fills a struct fwh_ecdsa_params
 * (keys/fwh_sig_ecdsa.h: group, offsets, digest), sets it as the row's
 * params and uses the shared functions as they are, as
 * keys/fwh_sig_ecdsa_p384.c does. A verify-only scheme leaves generate
 * and sign NULL (P-192). If the scheme signs a digest other than SHA-256,
 * the signer (signer/fwh_sign.h) and verifier must compute it: both take
 * the digest length from the row. See docs/porting.md 7.2. */
#ifndef FWH_SIG_H
#define FWH_SIG_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fw_sbv2.h"

struct fwh_sig_scheme {
    enum fw_sbv2_scheme id;
    const char *cli_name;          /* "rsa3072": --type and key reports */
    const char *const *aliases;    /* other accepted spellings, NULL-terminated */
    const char *display;           /* "RSA-3072": in messages */
    size_t digest_len;             /* bytes of the digest the scheme signs */
    /* Is pk a key of this scheme? FW_OK (sets *has_private), FW_ERR_NOT_FOUND
     * (not this scheme: the caller tries the next row), or FW_ERR_KEY with a
     * reason (of this family but unusable). */
    int (*classify)(const struct fwh_sig_scheme *s, EVP_PKEY *pk, int *has_private, char *why, size_t whylen);
    EVP_PKEY *(*generate)(const struct fwh_sig_scheme *s);  /* NULL: fwseal does not make keys of this scheme */
    /* Public key fields of a block (scheme, numbers little-endian). */
    int (*key_fields)(const struct fwh_sig_scheme *s, EVP_PKEY *pk, struct fw_sbv2_block *b);
    /* Sign digest[digest_len] into the block's signature fields; NULL for
     * a verify-only scheme (P-192). */
    int (*sign)(const struct fwh_sig_scheme *s, EVP_PKEY *pk, const uint8_t *digest, size_t digest_len, struct fw_sbv2_block *b);
    /* Verify a structurally valid block over digest[digest_len] with the
     * block's own key. FW_OK, FW_ERR_SIGNATURE, FW_ERR_KEY, FW_ERR_CRYPTO. */
    int (*verify)(const struct fwh_sig_scheme *s, const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest,
                  size_t digest_len, char *why, size_t whylen);
    /* Parameters the row's functions read through s (an ECDSA row's
     * struct fwh_ecdsa_params), or NULL. */
    const void *params;
};

/* The schemes fwseal verifies (and, where sign is set, signs with), or NULL. */
const struct fwh_sig_scheme *fwh_sig_scheme_find(enum fw_sbv2_scheme id);
/* Row by CLI name or alias ("rsa3072", "ecdsa256", ...), or NULL. */
const struct fwh_sig_scheme *fwh_sig_scheme_by_name(const char *name);
/* Row i (0..), NULL past the end: for listing and classification. */
const struct fwh_sig_scheme *fwh_sig_scheme_at(size_t i);

/* The rows (one per file). */
extern const struct fwh_sig_scheme fwh_sig_rsa3072_pss;
extern const struct fwh_sig_scheme fwh_sig_ecdsa_p256;
extern const struct fwh_sig_scheme fwh_sig_ecdsa_p384;
extern const struct fwh_sig_scheme fwh_sig_ecdsa_p192;

#endif
