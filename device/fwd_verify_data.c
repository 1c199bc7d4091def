/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signed data partitions (see fwd_verify.h): data padded to
 * 4 KiB, then one 4 KiB signature sector, as `espsecure sign_data --version 2`
 * (and `fwseal sign --data`) writes them. The signed bytes are the data
 * sectors as they are, the signature rule the one of the image verifier
 * (fwd_verify_sig_sector: trusted, non-revoked eFuse keys, k-of-n policy). */
#include <string.h>

#include "device/fwd_crypto.h"
#include "device/fwd_sig.h"
#include "device/fwd_verify.h"
#include "fw_bytes.h"

static int set_reason(struct fwd_verify_result *res, int reason, int err)
{
    res->reason = reason;
    return fw_fail_set(&res->fail, err, fwd_verify_reason_str(reason));
}

int fwd_verify_signed_data(fwd_verify_read_fn rd, void *ctx, uint32_t len, const struct fwd_efuse_state *ef,
                           struct fwd_verify_work *w, struct fwd_verify_result *res)
{
    if (!res) return FW_ERR_INVALID_ARG;
    memset(res, 0, sizeof *res);
    res->block = res->key_slot = -1;
    if (!rd || !ef || !w) return set_reason(res, FWD_VR_IO, FW_ERR_INVALID_ARG);
    if (len < 2 * FWD_SBV2_SECTOR || len % FWD_SBV2_SECTOR) return set_reason(res, FWD_VR_TOO_BIG, FW_ERR_FORMAT);
    uint32_t s = len - FWD_SBV2_SECTOR;
    struct fwd_hash_ctx h;
    enum fwd_hash_alg alg = ef->sb_sha384 ? FWD_HASH_SHA384 : FWD_HASH_SHA256;
    uint8_t digest[FWD_SHA384_LEN];
    size_t dlen = fwd_hash_len(alg);
    if (!fwd_sig_table_signs(alg)) return set_reason(res, FWD_VR_SCHEME, FW_ERR_UNSUPPORTED);   /* fwd_sig.h */
    int rc = fwd_hash_start(&h, alg);
    if (rc) return set_reason(res, FWD_VR_IO, rc);
    for (uint32_t off = 0; rc == FW_OK && off < s; off += FWD_SBV2_SECTOR) {
        rc = rd(ctx, off, w->buf, FWD_SBV2_SECTOR);
        if (rc == FW_OK) rc = fwd_hash_update(&h, w->buf, FWD_SBV2_SECTOR);
    }
    if (rc == FW_OK) rc = fwd_hash_finish(&h, digest, dlen);
    fwd_hash_free(&h);
    if (rc) return set_reason(res, FWD_VR_IO, rc);
    if (alg == FWD_HASH_SHA256) memcpy(res->digest, digest, FWD_VERIFY_DIGEST_LEN);
    else memcpy(res->digest384, digest, FWD_SHA384_LEN);
    res->image_len = res->sig_off = s;
    res->total_len = len;
    if ((rc = rd(ctx, s, w->buf, FWD_SBV2_SECTOR))) return set_reason(res, FWD_VR_IO, rc);
    rc = fwd_verify_sig_sector(w->buf, digest, dlen, ef, res);
    fw_wipe(w->buf, sizeof w->buf);
    if (rc == FW_OK && res->reason != FWD_VR_OK) rc = FW_ERR_SIGNATURE;
    return rc;
}

int fwd_verify_find_signed_data(fwd_verify_read_fn rd, void *ctx, uint32_t part_size, const struct fwd_efuse_state *ef,
                                struct fwd_verify_work *w, struct fwd_verify_result *res)
{
    /* The signature sector is the first sector (after at least one data
     * sector) whose block 0 is a well-formed signature block. */
    int rc = FW_ERR_NOT_FOUND;
    for (uint32_t s = FWD_SBV2_SECTOR; s + FWD_SBV2_SECTOR <= part_size; s += FWD_SBV2_SECTOR) {
        rc = rd(ctx, s, w->blk, FWD_SBV2_BLOCK);
        if (rc) return rc;
        if (fwd_verify_block_valid(w->blk) == FW_OK) return fwd_verify_signed_data(rd, ctx, s + FWD_SBV2_SECTOR, ef, w, res);
        rc = FW_ERR_NOT_FOUND;
    }
    if (res) {
        memset(res, 0, sizeof *res);
        res->block = res->key_slot = -1;
        set_reason(res, FWD_VR_NO_SIGNATURE, FW_ERR_NOT_FOUND);
    }
    return rc;
}
