/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-256 with SHA-256 on the host (FORMATS §2.4): the
 * signature over the image digest, r and s stored as 32-byte little-endian
 * numbers, the public point as X, Y little-endian after the curve id. */
#include "fw_err.h"
#include "keys/fwh_sig.h"
#include "keys/fwh_sig_ecdsa.h"

static const char *const groups[] = { "P-256", "secp256r1", NULL };

static const struct fwh_ecdsa_params P = {
    .curve_id = FW_SBV2_CURVE_P256,
    .group = "prime256v1",
    .group_aliases = groups,
    .display = "P-256",
    .coord = FW_SBV2_P256_COORD_LEN,
    .off_point = FW_SBV2_EC_OFF_POINT,
    .off_sig = FW_SBV2_EC_OFF_SIG,
    .md = EVP_sha256,
};

static const char *const aliases[] = { "ecdsa256", "ecdsa-256", NULL };

const struct fwh_sig_scheme fwh_sig_ecdsa_p256 = {
    .id = FW_SBV2_ECDSA_P256,
    .cli_name = "ecdsa-p256",
    .aliases = aliases,
    .display = "ECDSA P-256",
    .digest_len = FW_SBV2_DIGEST_SHA256_LEN,
    .classify = fwh_ecdsa_classify,
    .generate = fwh_ecdsa_generate,
    .key_fields = fwh_ecdsa_key_fields,
    .sign = fwh_ecdsa_sign,
    .verify = fwh_ecdsa_verify,
    .params = &P,
};
