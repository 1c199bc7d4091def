/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signature schemes on the device, as a table (MCUboot's one
 * file per scheme). A row names the scheme (the one enum fw_sbv2_scheme of
 * common/fw_sbv2.h), the digest it signs (algorithm and length), the block's
 * key-digest region (common/fw_sbv2.h constants) and two functions: verify a
 * block's signature over a digest, and lay out a public key's block fields
 * (for the eFuse key digest of a PEM key).
 *
 * Adding a scheme: copy a row's file (an ECDSA curve is a layout in a file like
 * device/fwd_sig_ecdsa_p384.c, over device/fwd_sig_ecdsa.c), adjust it, and add its row to the table
 * in device/fwd_sig_table_all.c; the seam (device/fwd_crypto.h) must know its curve
 * and hash. If it signs a digest other than SHA-256, the verifier must
 * compute that digest too, and it must know so before the first byte (the
 * blocks come last): device/fwd_verify.c decides from the eFuse (P-384:
 * SECURE_BOOT_SHA384_EN). See docs/porting.md 7.2. */
#ifndef FWD_SIG_H
#define FWD_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_crypto.h"
#include "fw_sbv2.h"

struct fwd_sig_scheme {
    enum fw_sbv2_scheme id;
    enum fwd_hash_alg digest_alg;     /* what the signature covers */
    size_t digest_len;                /* fwd_hash_len(digest_alg) */
    size_t key_off, key_len;          /* key-digest region of a block (§2.6) */
    /* Signature of a structurally valid block over digest[digest_len], with
     * the block's own key. FW_OK, FW_ERR_SIGNATURE, FW_ERR_KEY, FW_ERR_CRYPTO. */
    int (*verify)(const struct fwd_sig_scheme *s, const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest,
                  size_t digest_len);
    /* Block key fields (n/e/rinv/m' or curve/X/Y, little-endian as stored)
     * of a public key; FW_ERR_KEY if the key is not of this scheme. */
    int (*key_fields)(const struct fwd_sig_scheme *s, const struct fwd_pubkey *pk, struct fw_sbv2_block *b);
    /* What the shared functions need of this row (ECDSA: its block layout,
     * struct fwd_sig_ecdsa_layout); NULL for a scheme of its own. */
    const void *params;
};

/* The schemes an image verifies, chosen at link time: one object defines
 * fwd_sig_table. The device libraries carry device/fwd_sig_table_all.c
 * (RSA-3072 PSS, ECDSA P-256, P-384, P-192), pulled in only when no other
 * object defines the symbol; a port that verifies one family links its own
 * table object ahead of the library (device/fwd_sig_table_rsa.c,
 * device/fwd_sig_table_ecdsa_p256.c, or one of its own) and the rows it
 * leaves out, with their mbedTLS code, drop out of the image
 * (docs/porting.md 9.7). No #ifdef: the choice is which file is linked. */
struct fwd_sig_table {
    const char *name;                            /* for reports: "all", "rsa", ... */
    const struct fwd_sig_scheme *const *rows;
    size_t count;
};
extern const struct fwd_sig_table fwd_sig_table;

/* The scheme of the linked table with this id, or NULL (unknown, or not
 * linked into this image). */
const struct fwd_sig_scheme *fwd_sig_scheme_find(enum fw_sbv2_scheme id);
/* 1 if a scheme of the linked table signs digests of alg (SHA-384: only
 * P-384), else 0: a device whose eFuse asks for a digest no linked scheme
 * signs refuses every image (FWD_VR_SCHEME) before hashing anything. */
int fwd_sig_table_signs(enum fwd_hash_alg alg);
/* The trusted scheme of a raw block (version / curve / sha_version bytes), or NULL. */
const struct fwd_sig_scheme *fwd_sig_scheme_of_block(const uint8_t blk[FW_SBV2_BLOCK_SIZE]);

/* eFuse key digest (SHA-256 of the key region, §2.6, always 32 bytes) of
 * a raw block of a trusted scheme (FW_ERR_UNSUPPORTED otherwise), or of a
 * public key laid out as a block of its scheme (FW_ERR_KEY if no trusted
 * scheme takes the key). out_len >= FW_SBV2_KEY_DIGEST_LEN. */
int fwd_sig_block_key_digest(const uint8_t blk[FW_SBV2_BLOCK_SIZE], uint8_t *out, size_t out_len);
int fwd_sig_pubkey_key_digest(const struct fwd_pubkey *pk, uint8_t *out, size_t out_len);

/* The rows (one per file). */
extern const struct fwd_sig_scheme fwd_sig_rsa3072_pss;
extern const struct fwd_sig_scheme fwd_sig_ecdsa_p256;
extern const struct fwd_sig_scheme fwd_sig_ecdsa_p384;
extern const struct fwd_sig_scheme fwd_sig_ecdsa_p192;

#endif
