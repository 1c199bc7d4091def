/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet manifest signing (see fwh_msign.h). */
#include "signer/fwh_msign.h"

#include <string.h>

#include "host/fwh_why.h"
#include "signer/fwh_sign.h"
#include "fw_err.h"
#include "fw_manifest.h"
#include "fw_sbv2.h"

int fwh_manifest_sign(const uint8_t *m, size_t m_len, const struct fwh_key *const *keys, size_t nkeys,
                      uint8_t *file, size_t file_cap, size_t *file_len, char *why, size_t whylen)
{
    if (!m || !keys || !file || !file_len || nkeys == 0 || nkeys > FW_SBV2_MAX_BLOCKS || m_len > FW_MF_MAX_LEN)
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "bad arguments");
    for (size_t i = 0; i < nkeys; i++) {
        enum fw_sbv2_scheme s = fwh_key_scheme(keys[i]);
        if (s != FW_SBV2_RSA3072 && s != FW_SBV2_ECDSA_P256)
            return fwh_why(FW_ERR_KEY, why, whylen, "%s key: manifests are signed with RSA-3072 or ECDSA P-256 keys",
                           fw_sbv2_scheme_name(s));
    }
    size_t signed_len = ((m_len + FW_MF_SIG_ALIGN - 1) / FW_MF_SIG_ALIGN) * FW_MF_SIG_ALIGN;
    if (signed_len + FW_MF_SECTOR_LEN > file_cap) return fwh_why(FW_ERR_NO_SPACE, why, whylen, "output buffer too small");
    memmove(file, m, m_len);
    memset(file + m_len, 0xFF, signed_len - m_len);
    struct fwh_signer sg;
    uint8_t digest[FW_SBV2_DIGEST_SHA256_LEN];
    if (fwh_signer_init(&sg) != FW_OK) return fwh_why(FW_ERR_CRYPTO, why, whylen, "SHA-256 failed");
    int rc = fwh_signer_attach(&sg, keys, nkeys) == FW_OK && fwh_signer_update(&sg, file, signed_len) == FW_OK &&
                     fwh_signer_digest(&sg, digest) == FW_OK
                 ? FW_OK
                 : fwh_why(FW_ERR_CRYPTO, why, whylen, "SHA-256 failed");
    fwh_signer_free(&sg);
    if (rc == FW_OK) rc = fwh_sbv2_build_sector(file + signed_len, NULL, keys, nkeys, digest, why, whylen);
    if (rc == FW_OK) *file_len = signed_len + FW_MF_SECTOR_LEN;
    return rc;
}
