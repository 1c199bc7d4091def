/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-384 with SHA-384 (FORMATS §2.4, ESP32-C5/H4):
 * the block's digest field is 48 bytes, so curve id, X, Y, r and s sit 16
 * bytes later than in a P-256 block, each a 48-byte little-endian number.
 * The key digest is still SHA-256 (of curve id + point, 97 bytes). The point
 * must be on the curve and r, s in [1, n-1] (checked by the seam). */
#include "device/fwd_sig_ecdsa.h"

static const struct fwd_sig_ecdsa_layout layout = {
    .scheme = FW_SBV2_ECDSA_P384,
    .curve = FWD_EC_P384,
    .curve_id = FW_SBV2_CURVE_P384,
    .coord_len = FW_SBV2_P384_COORD_LEN,
    .off_point = FW_SBV2_EC384_OFF_POINT,
    .off_sig = FW_SBV2_EC384_OFF_SIG,
};

static int verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len)
{
    return fwd_sig_ecdsa_verify(&layout, blk, digest, digest_len);
}

static int key_fields(const struct fwd_pubkey *pk, struct fw_sbv2_block *b)
{
    return fwd_sig_ecdsa_key_fields(&layout, pk, b);
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
