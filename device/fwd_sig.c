/* SPDX-License-Identifier: Apache-2.0 */
/* The device's signature scheme table (see fwd_sig.h). */
#include "device/fwd_sig.h"

#include "fw_err.h"

/* One row per scheme the device verifies. Which digest a device computes
 * (SHA-256, or SHA-384 for P-384) is its eFuse's choice (fwd_verify.c). */
static const struct fwd_sig_scheme *const schemes[] = {
    &fwd_sig_rsa3072_pss,
    &fwd_sig_ecdsa_p256,
    &fwd_sig_ecdsa_p384,
    &fwd_sig_ecdsa_p192,
};

const struct fwd_sig_scheme *fwd_sig_scheme_find(enum fw_sbv2_scheme id)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i]->id == id) return schemes[i];
    return NULL;
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
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (schemes[i]->key_fields(pk, &b) != FW_OK) continue;
        int rc = fw_sbv2_block_encode(&b, blk);
        return rc == FW_OK ? fwd_sig_block_key_digest(blk, out, out_len) : rc;
    }
    return FW_ERR_KEY;
}
