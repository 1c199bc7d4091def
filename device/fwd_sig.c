/* SPDX-License-Identifier: Apache-2.0 */
/* The device's signature scheme table (see fwd_sig.h). */
#include "device/fwd_sig.h"

#include "fw_err.h"

/* The rows come from whichever table object the image links (fwd_sig.h:
 * device/fwd_sig_table_all.c in the libraries, a smaller one chosen by a
 * port). Which digest a device computes (SHA-256, or SHA-384 for P-384) is
 * its eFuse's choice (fwd_verify.c). A scheme not in the table is refused
 * like an unknown one: FW_ERR_UNSUPPORTED, NULL from the lookups. */
const struct fwd_sig_scheme *fwd_sig_scheme_find(enum fw_sbv2_scheme id)
{
    for (size_t i = 0; i < fwd_sig_table.count; i++)
        if (fwd_sig_table.rows[i]->id == id) return fwd_sig_table.rows[i];
    return NULL;
}

int fwd_sig_table_signs(enum fwd_hash_alg alg)
{
    for (size_t i = 0; i < fwd_sig_table.count; i++)
        if (fwd_sig_table.rows[i]->digest_alg == alg) return 1;
    return 0;
}

const struct fwd_sig_scheme *fwd_sig_scheme_of_block(const uint8_t blk[FW_SBV2_BLOCK_SIZE])
{
    return fwd_sig_scheme_find(fw_sbv2_block_scheme(blk));
}

int fwd_sig_block_key_digest(const uint8_t blk[FW_SBV2_BLOCK_SIZE], uint8_t *out, size_t out_len)
{
    const struct fwd_sig_scheme *s = fwd_sig_scheme_of_block(blk);
    if (!s) return FW_ERR_UNSUPPORTED;
    return fwd_hash(FWD_HASH_SHA256, blk + s->key_off, s->key_len, out, out_len);
}

int fwd_sig_pubkey_key_digest(const struct fwd_pubkey *pk, uint8_t *out, size_t out_len)
{
    struct fw_sbv2_block b;
    uint8_t blk[FW_SBV2_BLOCK_SIZE];
    for (size_t i = 0; i < fwd_sig_table.count; i++) {
        const struct fwd_sig_scheme *s = fwd_sig_table.rows[i];
        if (s->key_fields(s, pk, &b) != FW_OK) continue;
        int rc = fw_sbv2_block_encode(&b, blk);
        return rc == FW_OK ? fwd_sig_block_key_digest(blk, out, out_len) : rc;
    }
    return FW_ERR_KEY;
}
