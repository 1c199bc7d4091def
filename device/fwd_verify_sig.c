/* Secure Boot V2 signature-block crypto on mbedTLS 2.28 (FORMATS §2.3-2.7, §2.9).
 * The blocks store big numbers little-endian; mbedTLS reads them with
 * mbedtls_mpi_read_binary_le, and the RSA signature is reversed into a
 * big-endian buffer for the PSS primitive. */
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "device/fwd_verify.h"
#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_sbv2.h"

#define BLK_MAGIC        0xE7u
#define BLK_VER_RSA      0x02u
#define BLK_VER_ECDSA    0x03u
#define BLK_OFF_DIGEST   4u
#define BLK_OFF_CRC      1196u
#define RSA_LEN          384u
#define RSA_OFF_N        36u
#define RSA_OFF_E        420u
#define RSA_OFF_SIG      812u
#define RSA_KEY_LEN      776u
#define EC_OFF_CURVE     36u
#define EC_OFF_POINT     37u
#define EC_OFF_SIG       101u
#define EC_KEY_LEN       65u
#define EC_CURVE_P256    2u

enum scheme { SCH_NONE, SCH_RSA, SCH_P256 };

static enum scheme block_scheme(const uint8_t *blk)
{
    if (blk[1] == BLK_VER_RSA) return SCH_RSA;
    /* P-256 with SHA-256 only: P-192 and P-384 are not trusted by fwseal. */
    if (blk[1] == BLK_VER_ECDSA && blk[EC_OFF_CURVE] == EC_CURVE_P256 && blk[2] == 0) return SCH_P256;
    return SCH_NONE;
}

int fwd_verify_block_valid(const uint8_t blk[FWD_SBV2_BLOCK])
{
    if (blk[0] != BLK_MAGIC) return FW_ERR_MAGIC;
    if (fw_crc32_std(blk, BLK_OFF_CRC) != fw_dec32le(blk + BLK_OFF_CRC)) return FW_ERR_CRC;
    if (block_scheme(blk) == SCH_NONE) return FW_ERR_UNSUPPORTED;
    /* Stricter than the ROM (FORMATS 2.9 rule 2, as fwseal verify on the host):
     * the 16 padding bytes and reserved fields are covered by neither the CRC
     * nor the signature, so a block whose padding is not as specified is not
     * a valid block: nothing unauthenticated is accepted in a trusted block. */
    if (fw_sbv2_block_reserved_ok(blk) != FW_OK) return FW_ERR_FORMAT;
    return FW_OK;
}

int fwd_verify_key_digest(const uint8_t blk[FWD_SBV2_BLOCK], uint8_t out[32])
{
    enum scheme s = block_scheme(blk);
    if (s == SCH_NONE) return FW_ERR_UNSUPPORTED;
    size_t off = s == SCH_RSA ? RSA_OFF_N : EC_OFF_CURVE;
    size_t len = s == SCH_RSA ? RSA_KEY_LEN : EC_KEY_LEN;
    return mbedtls_sha256_ret(blk + off, len, out, 0) ? FW_ERR_CRYPTO : FW_OK;
}

int fwd_verify_key_trusted(const uint8_t blk[FWD_SBV2_BLOCK], const struct fwd_efuse_state *ef,
                           int *slot)
{
    uint8_t d[32];
    int rc = fwd_verify_key_digest(blk, d);
    if (rc) return rc;
    int trusted = -1, revoked = 0;
    /* Compare against every slot in constant time; no early exit. */
    for (int i = 0; i < FWD_EFUSE_DIGEST_SLOTS; i++) {
        int present = (ef->digest_present >> i) & 1;
        int rev = (ef->digest_revoked >> i) & 1;
        int eq = fw_ct_equal(d, ef->digest[i], sizeof d);
        if (present && eq && !rev && trusted < 0) trusted = i;
        if (present && eq && rev) revoked = 1;
    }
    mbedtls_platform_zeroize(d, sizeof d);
    if (slot) *slot = trusted;
    if (trusted >= 0) return FW_OK;
    return revoked ? FW_ERR_REVOKED : FW_ERR_UNTRUSTED;
}

static int rsa_pss_verify(const uint8_t *blk, const uint8_t digest[32])
{
    mbedtls_rsa_context rsa;
    mbedtls_mpi n, e;
    uint8_t sig[RSA_LEN];
    int rc = FW_ERR_KEY;

    mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
    mbedtls_mpi_init(&n);
    mbedtls_mpi_init(&e);
    if (mbedtls_mpi_read_binary_le(&n, blk + RSA_OFF_N, RSA_LEN)) goto out;
    if (mbedtls_mpi_lset(&e, (mbedtls_mpi_sint)fw_dec32le(blk + RSA_OFF_E))) goto out;
    /* Exactly 3072 bits: espsecure refuses other sizes (§2.3). */
    if (mbedtls_mpi_bitlen(&n) != 3072) goto out;
    if (mbedtls_rsa_import(&rsa, &n, NULL, NULL, NULL, &e)) goto out;
    if (mbedtls_rsa_complete(&rsa) || mbedtls_rsa_check_pubkey(&rsa)) goto out;
    fw_reverse_copy(sig, blk + RSA_OFF_SIG, RSA_LEN);
    rc = mbedtls_rsa_rsassa_pss_verify_ext(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32,
                                           digest, MBEDTLS_MD_SHA256, 32, sig)
             ? FW_ERR_SIGNATURE
             : FW_OK;
out:
    mbedtls_mpi_free(&n);
    mbedtls_mpi_free(&e);
    mbedtls_rsa_free(&rsa);
    return rc;
}

/* 1 <= v <= n-1 */
static int in_scalar_range(const mbedtls_mpi *v, const mbedtls_mpi *order)
{
    return mbedtls_mpi_cmp_int(v, 1) >= 0 && mbedtls_mpi_cmp_mpi(v, order) < 0;
}

static int ecdsa_p256_verify(const uint8_t *blk, const uint8_t digest[32])
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi r, s;
    uint8_t pt[65];
    int rc = FW_ERR_KEY;

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1)) { rc = FW_ERR_CRYPTO; goto out; }
    pt[0] = 0x04;
    fw_reverse_copy(pt + 1, blk + EC_OFF_POINT, 32);
    fw_reverse_copy(pt + 33, blk + EC_OFF_POINT + 32, 32);
    if (mbedtls_ecp_point_read_binary(&grp, &q, pt, sizeof pt)) goto out;
    if (mbedtls_ecp_check_pubkey(&grp, &q)) goto out;   /* on the curve, not infinity */
    rc = FW_ERR_SIGNATURE;
    if (mbedtls_mpi_read_binary_le(&r, blk + EC_OFF_SIG, 32)) goto out;
    if (mbedtls_mpi_read_binary_le(&s, blk + EC_OFF_SIG + 32, 32)) goto out;
    if (!in_scalar_range(&r, &grp.N) || !in_scalar_range(&s, &grp.N)) goto out;
    rc = mbedtls_ecdsa_verify(&grp, digest, 32, &q, &r, &s) ? FW_ERR_SIGNATURE : FW_OK;
out:
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return rc;
}

int fwd_verify_block_signature(const uint8_t blk[FWD_SBV2_BLOCK], const uint8_t digest[32])
{
    switch (block_scheme(blk)) {
    case SCH_RSA: return rsa_pss_verify(blk, digest);
    case SCH_P256: return ecdsa_p256_verify(blk, digest);
    default: return FW_ERR_UNSUPPORTED;
    }
}

/* Rank of a per-block failure: the most informative one becomes the overall
 * reason (a trusted key with a bad signature says more than an unknown key). */
static int reason_rank(int r)
{
    switch (r) {
    case FWD_VR_SIGNATURE: return 5;
    case FWD_VR_DIGEST: return 4;
    case FWD_VR_REVOKED: return 3;
    case FWD_VR_UNTRUSTED: return 2;
    case FWD_VR_NO_SIGNATURE: return 1;
    default: return 0;
    }
}

static int reason_err(int r)
{
    switch (r) {
    case FWD_VR_OK: return FW_OK;
    case FWD_VR_SIGNATURE: return FW_ERR_SIGNATURE;
    case FWD_VR_DIGEST: return FW_ERR_DIGEST;
    case FWD_VR_REVOKED: return FW_ERR_REVOKED;
    case FWD_VR_NO_KEYS:
    case FWD_VR_UNTRUSTED: return FW_ERR_UNTRUSTED;
    default: return FW_ERR_SIGNATURE;
    }
}

/* One block: validity, image_digest, key trust, signature -- in that order so
 * an untrusted key never reaches the (expensive) public-key operation. */
static int check_block(const uint8_t *blk, const uint8_t digest[32], const struct fwd_efuse_state *ef,
                       int *slot)
{
    if (fwd_verify_block_valid(blk) != FW_OK) return FWD_VR_NO_SIGNATURE;
    if (!fw_ct_equal(blk + BLK_OFF_DIGEST, digest, 32)) return FWD_VR_DIGEST;
    int t = fwd_verify_key_trusted(blk, ef, slot);
    if (t == FW_ERR_REVOKED) return FWD_VR_REVOKED;
    if (t != FW_OK) return FWD_VR_UNTRUSTED;
    return fwd_verify_block_signature(blk, digest) == FW_OK ? FWD_VR_OK : FWD_VR_SIGNATURE;
}

int fwd_verify_sig_sector(const uint8_t sector[FWD_SBV2_SECTOR], const uint8_t digest[32],
                          const struct fwd_efuse_state *ef, struct fwd_verify_result *res)
{
    int best = FWD_VR_NO_SIGNATURE, passed = 0;
    res->block = -1;
    res->key_slot = -1;
    if ((ef->digest_present & 7u) == 0) {
        res->reason = FWD_VR_NO_KEYS;
        res->err = FW_ERR_UNTRUSTED;
        return res->err;
    }
    /* Every slot is examined independently: an invalid block is skipped, not
     * fatal (§2.7), and the first block that passes wins. */
    for (unsigned i = 0; i < FWD_SBV2_BLOCKS; i++) {
        int slot = -1;
        int r = check_block(sector + (size_t)i * FWD_SBV2_BLOCK, digest, ef, &slot);
        res->block_status[i] = r;
        if (r == FWD_VR_OK && !passed) {
            passed = 1;
            res->block = (int)i;
            res->key_slot = slot;
        } else if (r != FWD_VR_OK && reason_rank(r) > reason_rank(best)) {
            best = r;
        }
    }
    res->reason = passed ? FWD_VR_OK : best;
    res->err = reason_err(res->reason);
    return res->err;
}

const char *fwd_verify_reason_str(int reason)
{
    switch (reason) {
    case FWD_VR_OK: return "ok";
    case FWD_VR_IO: return "cannot read the partition";
    case FWD_VR_HEADER: return "bad image header";
    case FWD_VR_SEGMENT: return "bad segment";
    case FWD_VR_APP_DESC: return "bad app descriptor";
    case FWD_VR_CHIP: return "wrong chip id or revision";
    case FWD_VR_CHECKSUM: return "image checksum mismatch";
    case FWD_VR_HASH: return "image SHA-256 mismatch";
    case FWD_VR_TOO_BIG: return "image does not fit the partition";
    case FWD_VR_NO_SIGNATURE: return "no valid signature block";
    case FWD_VR_DIGEST: return "signature block digest does not match the image";
    case FWD_VR_UNTRUSTED: return "not signed by a trusted key";
    case FWD_VR_REVOKED: return "signing key revoked";
    case FWD_VR_SIGNATURE: return "bad signature";
    case FWD_VR_ROLLBACK: return "secure_version below eFuse";
    case FWD_VR_NO_KEYS: return "no secure boot key provisioned";
    default: return "unknown reason";
    }
}
