/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-256 with SHA-256 on the host (FORMATS §2.4): the
 * signature over the image digest, r and s stored as 32-byte little-endian
 * numbers, the public point as X, Y little-endian after the curve id. */
#include "fw_err.h"
#include "keys/fwh_sig.h"
#include "keys/fwh_sig_ecdsa.h"

static const char *const groups[] = { "P-256", "secp256r1", NULL };

static const struct fwh_ecdsa_params P = {
    .id = FW_SBV2_ECDSA_P256,
    .curve_id = FW_SBV2_CURVE_P256,
    .group = "prime256v1",
    .group_aliases = groups,
    .display = "P-256",
    .coord = FW_SBV2_P256_COORD_LEN,
    .off_point = FW_SBV2_EC_OFF_POINT,
    .off_sig = FW_SBV2_EC_OFF_SIG,
    .digest_len = FW_SBV2_DIGEST_SHA256_LEN,
    .md = EVP_sha256,
};

static int classify(EVP_PKEY *pk, int *has_private, char *why, size_t whylen)
{
    return fwh_ecdsa_classify(&P, pk, has_private, why, whylen);
}
static EVP_PKEY *generate(void) { return fwh_ecdsa_generate(&P); }
static int key_fields(EVP_PKEY *pk, struct fw_sbv2_block *b) { return fwh_ecdsa_key_fields(&P, pk, b); }
static int sign(EVP_PKEY *pk, const uint8_t *digest, size_t digest_len, struct fw_sbv2_block *b)
{
    return fwh_ecdsa_sign(&P, pk, digest, digest_len, b);
}
static int verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len, char *why,
                  size_t whylen)
{
    return fwh_ecdsa_verify(&P, blk, digest, digest_len, why, whylen);
}

static const char *const aliases[] = { "ecdsa256", "ecdsa-256", NULL };

const struct fwh_sig_scheme fwh_sig_ecdsa_p256 = {
    .id = FW_SBV2_ECDSA_P256,
    .cli_name = "ecdsa-p256",
    .aliases = aliases,
    .display = "ECDSA P-256",
    .digest_len = FW_SBV2_DIGEST_SHA256_LEN,
    .classify = classify,
    .generate = generate,
    .key_fields = key_fields,
    .sign = sign,
    .verify = verify,
};
