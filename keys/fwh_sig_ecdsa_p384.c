/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-384 with SHA-384 on the host (FORMATS §2.4;
 * ESP32-C5/H4 with eFuse SECURE_BOOT_SHA384_EN): the signature over the
 * SHA-384 of the signed region, the 48-byte digest field moving curve id,
 * point and signature 16 bytes later than in a P-256 block; X, Y, r, s are
 * 48-byte little-endian numbers. The eFuse key digest stays SHA-256 (of the
 * 97 bytes curve id + point). */
#include "fw_err.h"
#include "keys/fwh_sig.h"
#include "keys/fwh_sig_ecdsa.h"

static const char *const groups[] = { "P-384", NULL };

static const struct fwh_ecdsa_params P = {
    .curve_id = FW_SBV2_CURVE_P384,
    .group = "secp384r1",
    .group_aliases = groups,
    .display = "P-384",
    .coord = FW_SBV2_P384_COORD_LEN,
    .off_point = FW_SBV2_EC384_OFF_POINT,
    .off_sig = FW_SBV2_EC384_OFF_SIG,
    .md = EVP_sha384,
};

static const char *const aliases[] = { "ecdsa384", "ecdsa-384", NULL };

const struct fwh_sig_scheme fwh_sig_ecdsa_p384 = {
    .id = FW_SBV2_ECDSA_P384,
    .cli_name = "ecdsa-p384",
    .aliases = aliases,
    .display = "ECDSA P-384",
    .digest_len = FW_SBV2_MAX_DIGEST,
    .classify = fwh_ecdsa_classify,
    .generate = fwh_ecdsa_generate,
    .key_fields = fwh_ecdsa_key_fields,
    .sign = fwh_ecdsa_sign,
    .verify = fwh_ecdsa_verify,
    .params = &P,
};
