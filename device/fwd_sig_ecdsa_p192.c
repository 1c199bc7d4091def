/* Signature scheme ECDSA P-192 with SHA-256 (FORMATS §2.4; ESP32-C2, where
 * espsecure accepts it): the P-256 block layout with 24-byte coordinates,
 * X||Y (and r||s) packed little-endian at the start of the 64-byte fields,
 * the remaining 16 bytes zero (fw_sbv2_block_reserved_ok() checks them).
 * ECDSA truncates the 32-byte digest to the 192-bit order (FIPS 186). The
 * point must be on the curve and r, s in [1, n-1] (checked by the seam). */
#include <string.h>

#include "device/fwd_sig.h"
#include "fw_err.h"

#define COORD FW_SBV2_P192_COORD_LEN

static int verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len)
{
    uint8_t xy[2 * COORD], r[COORD], s[COORD];
    fw_sbv2_le_to_be(xy, blk + FW_SBV2_EC_OFF_POINT, COORD);
    fw_sbv2_le_to_be(xy + COORD, blk + FW_SBV2_EC_OFF_POINT + COORD, COORD);
    fw_sbv2_le_to_be(r, blk + FW_SBV2_EC_OFF_SIG, COORD);
    fw_sbv2_le_to_be(s, blk + FW_SBV2_EC_OFF_SIG + COORD, COORD);
    return fwd_ecdsa_verify(FWD_EC_P192, xy, sizeof xy, digest, digest_len, r, s, COORD);
}

static int key_fields(const struct fwd_pubkey *pk, struct fw_sbv2_block *b)
{
    if (pk->kind != FWD_PUBKEY_EC || pk->curve != FWD_EC_P192) return FW_ERR_KEY;
    memset(b, 0, sizeof *b);
    b->scheme = FW_SBV2_ECDSA_P192;
    b->ec.curve_id = FW_SBV2_CURVE_P192;
    b->ec.coord_len = COORD;
    fw_sbv2_be_to_le(b->ec.x, pk->xy, COORD);
    fw_sbv2_be_to_le(b->ec.y, pk->xy + COORD, COORD);
    return FW_OK;
}

const struct fwd_sig_scheme fwd_sig_ecdsa_p192 = {
    .id = FW_SBV2_ECDSA_P192,
    .digest_alg = FWD_HASH_SHA256,
    .digest_len = FWD_SHA256_LEN,
    .key_off = FW_SBV2_EC_KEY_OFF,
    .key_len = FW_SBV2_EC_KEY_LEN,
    .verify = verify,
    .key_fields = key_fields,
};
