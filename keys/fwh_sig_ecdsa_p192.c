/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-192 with SHA-256 on the host (FORMATS §2.4;
 * ESP32-C2, where espsecure accepts it): verification only, for parity with
 * espsecure. The P-256 block layout with 24-byte coordinates packed at the
 * start of the 64-byte point and signature fields (the rest zero).
 *
 * fwseal does not generate or sign with P-192 keys (generate and sign are
 * NULL): the curve gives about 96-bit security, below every other scheme
 * here, and the chip that accepts it (ESP32-C2) verifies P-256 as well, so
 * a new P-192 signing key is never the right choice. Existing P-192 keys
 * still load for `digest`/`pubkey`, and images espsecure signed with them
 * verify. */
#include "fw_err.h"
#include "keys/fwh_sig.h"
#include "keys/fwh_sig_ecdsa.h"

static const char *const groups[] = { "P-192", "secp192r1", NULL };

static const struct fwh_ecdsa_params P = {
    .curve_id = FW_SBV2_CURVE_P192,
    .group = "prime192v1",
    .group_aliases = groups,
    .display = "P-192",
    .coord = FW_SBV2_P192_COORD_LEN,
    .off_point = FW_SBV2_EC_OFF_POINT,
    .off_sig = FW_SBV2_EC_OFF_SIG,
    .md = EVP_sha256,
};

static const char *const aliases[] = { "ecdsa192", "ecdsa-192", NULL };

const struct fwh_sig_scheme fwh_sig_ecdsa_p192 = {
    .id = FW_SBV2_ECDSA_P192,
    .cli_name = "ecdsa-p192",
    .aliases = aliases,
    .display = "ECDSA P-192",
    .digest_len = FW_SBV2_DIGEST_SHA256_LEN,
    .classify = fwh_ecdsa_classify,
    .generate = NULL,            /* verify-only: see above */
    .key_fields = fwh_ecdsa_key_fields,
    .sign = NULL,
    .verify = fwh_ecdsa_verify,
    .params = &P,
};
