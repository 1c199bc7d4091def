/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme RSA-3072 PSS (FORMATS §2.3): RSASSA-PSS, SHA-256,
 * MGF1-SHA-256, salt exactly 32, modulus exactly 3072 bits; the block keeps
 * n, e, rinv, m' and the signature little-endian. */
#include <string.h>

#include "device/fwd_sig.h"
#include "fw_bytes.h"
#include "fw_err.h"

static int verify(const struct fwd_sig_scheme *s, const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest,
                  size_t digest_len)
{
    (void)s;
    uint8_t n[FW_SBV2_RSA_LEN], sig[FW_SBV2_RSA_LEN];
    fw_sbv2_le_to_be(n, blk + FW_SBV2_RSA_OFF_N, FW_SBV2_RSA_LEN);
    fw_sbv2_le_to_be(sig, blk + FW_SBV2_RSA_OFF_SIG, FW_SBV2_RSA_LEN);
    return fwd_rsa_pss_verify(n, sizeof n, fw_dec32le(blk + FW_SBV2_RSA_OFF_E), FWD_HASH_SHA256, FW_SBV2_RSA_PSS_SALT_LEN,
                              digest, digest_len, sig, sizeof sig);
}

/* m' = -n^-1 mod 2^32 from the low word of an odd n (Newton: each step
 * doubles the correct low bits, 3 -> 6 -> 12 -> 24 -> 48). */
static uint32_t mont_mdash(uint32_t n0)
{
    uint32_t x = n0;
    for (int i = 0; i < 4; i++) x *= 2u - n0 * x;
    return 0u - x;
}

static int key_fields(const struct fwd_sig_scheme *s, const struct fwd_pubkey *pk, struct fw_sbv2_block *b)
{
    (void)s;
    if (pk->kind != FWD_PUBKEY_RSA || pk->n_len != FW_SBV2_RSA_LEN) return FW_ERR_KEY;
    uint32_t n0 = fw_dec32be(pk->n + FW_SBV2_RSA_LEN - 4);
    if (!(n0 & 1u)) return FW_ERR_KEY;
    uint8_t rinv[FW_SBV2_RSA_LEN];
    int rc = fwd_bn_pow2_mod(pk->n, pk->n_len, FW_SBV2_RSA_RINV_EXP_BITS, rinv);
    if (rc != FW_OK) return rc;
    memset(b, 0, sizeof *b);
    b->scheme = FW_SBV2_RSA3072;
    fw_sbv2_be_to_le(b->rsa.n, pk->n, FW_SBV2_RSA_LEN);
    b->rsa.e = pk->e;
    fw_sbv2_be_to_le(b->rsa.rinv, rinv, FW_SBV2_RSA_LEN);
    b->rsa.mdash = mont_mdash(n0);
    return FW_OK;
}

const struct fwd_sig_scheme fwd_sig_rsa3072_pss = {
    .id = FW_SBV2_RSA3072,
    .digest_alg = FWD_HASH_SHA256,
    .digest_len = FWD_SHA256_LEN,
    .key_off = FW_SBV2_RSA_KEY_OFF,
    .key_len = FW_SBV2_RSA_KEY_LEN,
    .verify = verify,
    .key_fields = key_fields,
};
