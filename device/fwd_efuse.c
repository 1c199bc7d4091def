/* SPDX-License-Identifier: Apache-2.0 */
/* eFuse helpers: secure_version thermometer, SBv2 key digest (see fwd_efuse.h). */
#include "device/fwd_efuse.h"

#include "device/fwd_crypto.h"
#include "device/fwd_sig.h"
#include "fw_sbv2.h"

unsigned fwd_efuse_secure_version(const struct fwd_efuse_state *st)
{
    unsigned n = 0;
    for (uint32_t b = st->secure_version_bits; b; b &= b - 1) n++;
    return n;
}

int fwd_efuse_secver_bits(unsigned v, uint32_t *bits)
{
    if (v > FWD_EFUSE_SECVER_MAX) return FW_ERR_RANGE;
    *bits = v == 32 ? 0xFFFFFFFFu : (((uint32_t)1 << v) - 1);
    return FW_OK;
}

unsigned fwd_efuse_required_signatures(const struct fwd_efuse_state *st)
{
    unsigned n = 0;
    for (unsigned b = st->sig_required_bits; b; b &= b - 1) n++;
    return n ? n : 1;      /* a stray high bit only raises it: more than 3 accepts nothing */
}

int fwd_efuse_sigreq_bits(unsigned k, uint8_t *bits)
{
    if (k < 1 || k > FWD_EFUSE_SIGREQ_MAX) return FW_ERR_RANGE;
    *bits = (uint8_t)((1u << k) - 1);
    return FW_OK;
}

int fwd_efuse_digest_usable(const struct fwd_efuse_state *st, unsigned i)
{
    return i < FWD_EFUSE_DIGEST_SLOTS && (st->digest_present >> i & 1) && !(st->digest_revoked >> i & 1);
}

int fwd_efuse_key_digest_pem_scheme(const uint8_t *pem, size_t len, uint8_t out[32], enum fw_sbv2_scheme *scheme)
{
    if (!pem || !out || len == 0 || len > 64 * 1024) return FW_ERR_INVALID_ARG;
    struct fwd_pubkey pk;
    int rc = fwd_pubkey_from_pem(pem, len, &pk);
    if (rc == FW_OK) rc = fwd_sig_pubkey_key_digest(&pk, out, FW_SBV2_KEY_DIGEST_LEN);
    if (rc == FW_OK && scheme)
        *scheme = pk.kind == FWD_PUBKEY_RSA ? FW_SBV2_RSA3072
                  : pk.curve == FWD_EC_P384 ? FW_SBV2_ECDSA_P384
                  : pk.curve == FWD_EC_P192 ? FW_SBV2_ECDSA_P192
                                            : FW_SBV2_ECDSA_P256;
    return rc;
}

int fwd_efuse_key_digest_pem(const uint8_t *pem, size_t len, uint8_t out[32])
{
    return fwd_efuse_key_digest_pem_scheme(pem, len, out, NULL);
}
