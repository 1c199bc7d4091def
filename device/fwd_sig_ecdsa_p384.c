/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-384 with SHA-384 (FORMATS §2.4, ESP32-C5/H4):
 * the block's digest field is 48 bytes, so curve id, X, Y, r and s sit 16
 * bytes later than in a P-256 block, each a 48-byte little-endian number.
 * The key digest is still SHA-256 (of curve id + point, 97 bytes). The point
 * must be on the curve and r, s in [1, n-1] (checked by the seam). */
#include "device/fwd_sig_ecdsa.h"

static const struct fwd_sig_ecdsa_layout layout = {
    .curve = FWD_EC_P384,
    .curve_id = FW_SBV2_CURVE_P384,
    .coord_len = FW_SBV2_P384_COORD_LEN,
    .off_point = FW_SBV2_EC384_OFF_POINT,
    .off_sig = FW_SBV2_EC384_OFF_SIG,
};

const struct fwd_sig_scheme fwd_sig_ecdsa_p384 = {
    .id = FW_SBV2_ECDSA_P384,
    .digest_alg = FWD_HASH_SHA384,
    .digest_len = FWD_SHA384_LEN,
    .key_off = FW_SBV2_EC384_KEY_OFF,
    .key_len = FW_SBV2_EC384_KEY_LEN,
    .verify = fwd_sig_ecdsa_verify,
    .key_fields = fwd_sig_ecdsa_key_fields,
    .params = &layout,
};
