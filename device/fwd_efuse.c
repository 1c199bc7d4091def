/* eFuse helpers: secure_version thermometer, SBv2 key digest (see fwd_efuse.h). */
#include "device/fwd_efuse.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "fw_bytes.h"
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

int fwd_efuse_digest_usable(const struct fwd_efuse_state *st, unsigned i)
{
    return i < FWD_EFUSE_DIGEST_SLOTS && (st->digest_present >> i & 1) && !(st->digest_revoked >> i & 1);
}

/* Big number -> little-endian fixed width. */
static int mpi_le(const mbedtls_mpi *x, uint8_t *out, size_t len)
{
    if (mbedtls_mpi_write_binary(x, out, len) != 0) return FW_ERR_KEY;
    fw_reverse(out, len);
    return FW_OK;
}

/* The key region as laid out in a signature block (FORMATS §2.6), offsets
 * relative to FW_SBV2_RSA_KEY_OFF / FW_SBV2_EC_KEY_OFF. */
#define R_N (FW_SBV2_RSA_OFF_N - FW_SBV2_RSA_KEY_OFF)
#define R_E (FW_SBV2_RSA_OFF_E - FW_SBV2_RSA_KEY_OFF)
#define R_RINV (FW_SBV2_RSA_OFF_RINV - FW_SBV2_RSA_KEY_OFF)
#define R_MDASH (FW_SBV2_RSA_OFF_MDASH - FW_SBV2_RSA_KEY_OFF)

static int rsa_region(mbedtls_rsa_context *rsa, uint8_t reg[FW_SBV2_RSA_KEY_LEN])
{
    mbedtls_mpi n, e, r, rinv, m32, ninv;
    mbedtls_mpi_init(&n); mbedtls_mpi_init(&e); mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&rinv); mbedtls_mpi_init(&m32); mbedtls_mpi_init(&ninv);
    int rc = FW_ERR_KEY;
    if (mbedtls_rsa_get_len(rsa) != FW_SBV2_RSA_LEN || mbedtls_rsa_export(rsa, &n, NULL, NULL, NULL, &e) != 0) goto out;
    if (mbedtls_mpi_bitlen(&e) > 32) goto out;
    /* rinv = 2^6144 mod n; m' = (2^32 - n^-1 mod 2^32) mod 2^32 */
    if (mbedtls_mpi_lset(&r, 1) || mbedtls_mpi_shift_l(&r, 6144) || mbedtls_mpi_mod_mpi(&rinv, &r, &n)) goto out;
    if (mbedtls_mpi_lset(&m32, 1) || mbedtls_mpi_shift_l(&m32, 32) || mbedtls_mpi_inv_mod(&ninv, &n, &m32) ||
        mbedtls_mpi_sub_mpi(&ninv, &m32, &ninv) || mbedtls_mpi_mod_mpi(&ninv, &ninv, &m32))
        goto out;
    uint8_t w[4];
    if (mpi_le(&n, reg + R_N, FW_SBV2_RSA_LEN) || mpi_le(&e, w, 4)) goto out;
    memcpy(reg + R_E, w, 4);
    if (mpi_le(&rinv, reg + R_RINV, FW_SBV2_RSA_LEN) || mpi_le(&ninv, w, 4)) goto out;
    memcpy(reg + R_MDASH, w, 4);
    rc = FW_OK;
out:
    mbedtls_mpi_free(&n); mbedtls_mpi_free(&e); mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&rinv); mbedtls_mpi_free(&m32); mbedtls_mpi_free(&ninv);
    return rc;
}

static int ec_region(mbedtls_ecp_keypair *ec, uint8_t reg[FW_SBV2_EC_KEY_LEN])
{
    if (ec->grp.id != MBEDTLS_ECP_DP_SECP256R1) return FW_ERR_KEY;
    reg[0] = FW_SBV2_CURVE_P256;
    if (mpi_le(&ec->Q.X, reg + 1, 32) || mpi_le(&ec->Q.Y, reg + 33, 32)) return FW_ERR_KEY;
    return FW_OK;
}

int fwd_efuse_key_digest_pem(const uint8_t *pem, size_t len, uint8_t out[32])
{
    if (!pem || !out || len == 0 || len > 64 * 1024) return FW_ERR_INVALID_ARG;
    uint8_t *z = malloc(len + 1); /* mbedTLS wants the PEM NUL-terminated */
    if (!z) return FW_ERR_NOMEM;
    memcpy(z, pem, len);
    z[len] = 0;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = FW_ERR_KEY;
    if (mbedtls_pk_parse_public_key(&pk, z, len + 1) != 0) {
        mbedtls_pk_free(&pk);
        mbedtls_pk_init(&pk);
        if (mbedtls_pk_parse_key(&pk, z, len + 1, NULL, 0) != 0) goto out;
    }
    uint8_t reg[FW_SBV2_RSA_KEY_LEN];
    size_t rlen = 0;
    if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA) {
        rc = rsa_region(mbedtls_pk_rsa(pk), reg);
        rlen = FW_SBV2_RSA_KEY_LEN;
    } else if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_ECKEY) {
        rc = ec_region(mbedtls_pk_ec(pk), reg);
        rlen = FW_SBV2_EC_KEY_LEN;
    }
    if (rc == FW_OK && mbedtls_sha256_ret(reg, rlen, out, 0) != 0) rc = FW_ERR_CRYPTO;
out:
    mbedtls_pk_free(&pk);
    fw_wipe(z, len + 1);
    free(z);
    return rc;
}
