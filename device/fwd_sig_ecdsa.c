/* SPDX-License-Identifier: Apache-2.0 */
/* The ECDSA part every ECDSA scheme row shares (see fwd_sig_ecdsa.h). The
 * point must be on the curve and r, s in [1, n-1]: checked by the seam. */
#include "device/fwd_sig_ecdsa.h"

#include <string.h>

#include "fw_err.h"

#define MAX_COORD FW_SBV2_P384_COORD_LEN

int fwd_sig_ecdsa_verify(const struct fwd_sig_scheme *row, const uint8_t blk[FW_SBV2_BLOCK_SIZE],
                         const uint8_t *digest, size_t digest_len)
{
    const struct fwd_sig_ecdsa_layout *l = row->params;
    uint8_t xy[2 * MAX_COORD], r[MAX_COORD], s[MAX_COORD];
    size_t c = l->coord_len;
    if (c > MAX_COORD) return FW_ERR_INVALID_ARG;
    fw_sbv2_le_to_be(xy, blk + l->off_point, c);
    fw_sbv2_le_to_be(xy + c, blk + l->off_point + c, c);
    fw_sbv2_le_to_be(r, blk + l->off_sig, c);
    fw_sbv2_le_to_be(s, blk + l->off_sig + c, c);
    return fwd_ecdsa_verify(l->curve, xy, 2 * c, digest, digest_len, r, s, c);
}

int fwd_sig_ecdsa_key_fields(const struct fwd_sig_scheme *row, const struct fwd_pubkey *pk,
                             struct fw_sbv2_block *b)
{
    const struct fwd_sig_ecdsa_layout *l = row->params;
    size_t c = l->coord_len;
    if (pk->kind != FWD_PUBKEY_EC || pk->curve != l->curve || c > MAX_COORD) return FW_ERR_KEY;
    memset(b, 0, sizeof *b);
    b->scheme = row->id;
    b->ec.curve_id = l->curve_id;
    b->ec.coord_len = c;
    fw_sbv2_be_to_le(b->ec.x, pk->xy, c);
    fw_sbv2_be_to_le(b->ec.y, pk->xy + c, c);
    return FW_OK;
}
