/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-256 with SHA-256 (FORMATS §2.4): the block keeps
 * the curve id, X, Y, r and s as 32-byte little-endian numbers. The point
 * must be on the curve and r, s in [1, n-1] (checked by the seam). */
#include "device/fwd_sig_ecdsa.h"

static const struct fwd_sig_ecdsa_layout layout = {
    .curve = FWD_EC_P256,
    .curve_id = FW_SBV2_CURVE_P256,
    .coord_len = FW_SBV2_P256_COORD_LEN,
    .off_point = FW_SBV2_EC_OFF_POINT,
    .off_sig = FW_SBV2_EC_OFF_SIG,
};

const struct fwd_sig_scheme fwd_sig_ecdsa_p256 = {
    .id = FW_SBV2_ECDSA_P256,
    .digest_alg = FWD_HASH_SHA256,
    .digest_len = FWD_SHA256_LEN,
    .key_off = FW_SBV2_EC_KEY_OFF,
    .key_len = FW_SBV2_EC_KEY_LEN,
    .verify = fwd_sig_ecdsa_verify,
    .key_fields = fwd_sig_ecdsa_key_fields,
    .params = &layout,
};
