/* Signature scheme ECDSA P-384 with SHA-384 (FORMATS §2.4, ESP32-C5/H4):
 * the block's digest field is 48 bytes, so curve id, X, Y, r and s sit 16
 * bytes later than in a P-256 block, each a 48-byte little-endian number.
 * The key digest is still SHA-256 (of curve id + point, 97 bytes). The point
 * must be on the curve and r, s in [1, n-1] (checked by the seam). */
#include <string.h>

#include "device/fwd_sig.h"
#include "fw_err.h"

#define COORD FW_SBV2_P384_COORD_LEN

static int verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len)
{
    uint8_t xy[2 * COORD], r[COORD], s[COORD];
    fw_sbv2_le_to_be(xy, blk + FW_SBV2_EC384_OFF_POINT, COORD);
    fw_sbv2_le_to_be(xy + COORD, blk + FW_SBV2_EC384_OFF_POINT + COORD, COORD);
    fw_sbv2_le_to_be(r, blk + FW_SBV2_EC384_OFF_SIG, COORD);
    fw_sbv2_le_to_be(s, blk + FW_SBV2_EC384_OFF_SIG + COORD, COORD);
    return fwd_ecdsa_verify(FWD_EC_P384, xy, sizeof xy, digest, digest_len, r, s, COORD);
}

static int key_fields(const struct fwd_pubkey *pk, struct fw_sbv2_block *b)
{
    if (pk->kind != FWD_PUBKEY_EC || pk->curve != FWD_EC_P384) return FW_ERR_KEY;
    memset(b, 0, sizeof *b);
    b->scheme = FW_SBV2_ECDSA_P384;
    b->ec.curve_id = FW_SBV2_CURVE_P384;
    b->ec.coord_len = COORD;
    fw_sbv2_be_to_le(b->ec.x, pk->xy, COORD);
    fw_sbv2_be_to_le(b->ec.y, pk->xy + COORD, COORD);
    return FW_OK;
}

const struct fwd_sig_scheme fwd_sig_ecdsa_p384 = {
    .id = FW_SBV2_ECDSA_P384,
    .digest_alg = FWD_HASH_SHA384,
    .digest_len = FWD_SHA384_LEN,
    .key_off = FW_SBV2_EC384_KEY_OFF,
    .key_len = FW_SBV2_EC384_KEY_LEN,
    .verify = verify,
    .key_fields = key_fields,
};
