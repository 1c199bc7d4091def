/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-192 with SHA-256 (FORMATS §2.4; ESP32-C2, where
 * espsecure accepts it): the P-256 block layout with 24-byte coordinates,
 * X||Y (and r||s) packed little-endian at the start of the 64-byte fields,
 * the remaining 16 bytes zero (fw_sbv2_block_reserved_ok() checks them).
 * ECDSA truncates the 32-byte digest to the 192-bit order (FIPS 186). The
 * point must be on the curve and r, s in [1, n-1] (checked by the seam). */
#include "device/fwd_sig_ecdsa.h"

static const struct fwd_sig_ecdsa_layout layout = {
    .curve = FWD_EC_P192,
    .curve_id = FW_SBV2_CURVE_P192,
    .coord_len = FW_SBV2_P192_COORD_LEN,
    .off_point = FW_SBV2_EC_OFF_POINT,
    .off_sig = FW_SBV2_EC_OFF_SIG,
};

const struct fwd_sig_scheme fwd_sig_ecdsa_p192 = {
    .id = FW_SBV2_ECDSA_P192,
    .digest_alg = FWD_HASH_SHA256,
    .digest_len = FWD_SHA256_LEN,
    .key_off = FW_SBV2_EC_KEY_OFF,
    .key_len = FW_SBV2_EC_KEY_LEN,
    .verify = fwd_sig_ecdsa_verify,
    .key_fields = fwd_sig_ecdsa_key_fields,
    .params = &layout,
};
