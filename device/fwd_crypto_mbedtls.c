/* SPDX-License-Identifier: Apache-2.0 */
/* The crypto seam (device/fwd_crypto.h) on mbedTLS 2.28 or 3.6: the only
 * device file that calls mbedTLS for primitives (the TLS client is the
 * transport's own backend). What differs between the two versions is in
 * device/fwd_mbedtls_compat.h, nowhere here. A port with hardware crypto
 * replaces this file; see docs/porting.md "Crypto seam". */
#include "device/fwd_crypto.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/md5.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>

#include "device/fwd_mbedtls_compat.h"
#include "fw_bytes.h"
#include "fw_err.h"

/* Secure Boot V2 needs these in the library's configuration: P-256 and
 * P-384 (SHA-384 = the SHA-512 module), P-192 for ESP32-C2 parity. A build
 * against a trimmed mbedTLS fails here instead of refusing images at run time,
 * unless the configuration says it is trimmed on purpose for an image that
 * links a smaller scheme table (FWD_MBED_SCHEME_SUBSET, docs/porting.md 9.7):
 * then what it leaves out fails closed (fwd_hash_start: FW_ERR_UNSUPPORTED;
 * a curve mbedTLS lacks: the key or signature does not verify). */
#if !defined(FWD_MBED_SCHEME_SUBSET) && \
    (!defined(MBEDTLS_SHA512_C) || !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED) || \
     !defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED) || !defined(MBEDTLS_ECP_DP_SECP192R1_ENABLED))
#error "mbedTLS needs MBEDTLS_SHA512_C and the SECP192R1/256R1/384R1 curves (Secure Boot V2 ECDSA)"
#endif

/* The opaque storage in the header must hold the mbedTLS contexts. */
_Static_assert(sizeof(mbedtls_sha256_context) <= FWD_HASH_CTX_SIZE, "hash ctx");
_Static_assert(sizeof(mbedtls_sha512_context) <= FWD_HASH_CTX_SIZE, "hash ctx");
_Static_assert(sizeof(mbedtls_gcm_context) <= FWD_GCM_CTX_SIZE, "gcm ctx");
_Static_assert(sizeof(mbedtls_aes_xts_context) <= FWD_XTS_CTX_SIZE, "xts ctx");

struct rsa_priv_impl {
    mbedtls_pk_context pk;
    uint8_t rejection_secret[32];   /* implicit rejection, derived at load */
};
_Static_assert(sizeof(struct rsa_priv_impl) <= FWD_RSA_PRIV_SIZE, "rsa priv");

struct ec_priv_impl {
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
};
_Static_assert(sizeof(struct ec_priv_impl) <= FWD_EC_PRIV_SIZE, "ec priv");

#define SHA256_OF(c) ((mbedtls_sha256_context *)(void *)(c)->u.bytes_)
#define SHA512_OF(c) ((mbedtls_sha512_context *)(void *)(c)->u.bytes_)
#define GCM_OF(c) ((mbedtls_gcm_context *)(void *)(c)->u.bytes_)
#define XTS_OF(c) ((mbedtls_aes_xts_context *)(void *)(c)->u.bytes_)
#define RSA_OF(k) ((struct rsa_priv_impl *)(void *)(k)->u.bytes_)
#define PK_OF(k) (&RSA_OF(k)->pk)
#define EC_OF(k) ((struct ec_priv_impl *)(void *)(k)->u.bytes_)

static int ok_or(int mbedtls_rc, int err) { return mbedtls_rc == 0 ? FW_OK : err; }

/* ---- hashes ---------------------------------------------------------------- */

size_t fwd_hash_len(enum fwd_hash_alg alg)
{
    switch (alg) {
    case FWD_HASH_SHA256: return 32;
    case FWD_HASH_SHA384: return 48;
    default: return 0;
    }
}

int fwd_hash_start(struct fwd_hash_ctx *c, enum fwd_hash_alg alg)
{
    if (!c) return FW_ERR_INVALID_ARG;
    memset(c, 0, sizeof *c);
    c->alg = alg;
    switch (alg) {
    case FWD_HASH_SHA256:
        mbedtls_sha256_init(SHA256_OF(c));
        return ok_or(fwd_mbed_sha256_starts(SHA256_OF(c)), FW_ERR_CRYPTO);
    case FWD_HASH_SHA384:
        if (!FWD_MBED_HAVE_SHA384) {   /* left out of this configuration: refuse */
            c->alg = FWD_HASH_NONE;
            return FW_ERR_UNSUPPORTED;
        }
        fwd_mbed_sha512_init(SHA512_OF(c));
        return ok_or(fwd_mbed_sha384_starts(SHA512_OF(c)), FW_ERR_CRYPTO);
    default:
        c->alg = FWD_HASH_NONE;
        return FW_ERR_INVALID_ARG;
    }
}

int fwd_hash_update(struct fwd_hash_ctx *c, const uint8_t *p, size_t n)
{
    if (!c || (!p && n)) return FW_ERR_INVALID_ARG;
    switch (c->alg) {
    case FWD_HASH_SHA256: return ok_or(fwd_mbed_sha256_update(SHA256_OF(c), p, n), FW_ERR_CRYPTO);
    case FWD_HASH_SHA384: return ok_or(fwd_mbed_sha512_update(SHA512_OF(c), p, n), FW_ERR_CRYPTO);
    default: return FW_ERR_STATE;
    }
}

int fwd_hash_finish(struct fwd_hash_ctx *c, uint8_t *out, size_t out_len)
{
    if (!c || !out) return FW_ERR_INVALID_ARG;
    size_t len = fwd_hash_len(c->alg);
    int rc = FW_ERR_STATE;
    if (len && out_len < len) rc = FW_ERR_INVALID_ARG;
    else if (c->alg == FWD_HASH_SHA256) rc = ok_or(fwd_mbed_sha256_finish(SHA256_OF(c), out), FW_ERR_CRYPTO);
    else if (c->alg == FWD_HASH_SHA384) rc = ok_or(fwd_mbed_sha512_finish(SHA512_OF(c), out), FW_ERR_CRYPTO);
    fwd_hash_free(c);
    return rc;
}

int fwd_hash_clone(struct fwd_hash_ctx *dst, const struct fwd_hash_ctx *src)
{
    if (!dst || !src) return FW_ERR_INVALID_ARG;
    memset(dst, 0, sizeof *dst);
    dst->alg = src->alg;
    switch (src->alg) {
    case FWD_HASH_SHA256:
        mbedtls_sha256_init(SHA256_OF(dst));
        mbedtls_sha256_clone(SHA256_OF(dst), SHA256_OF(src));
        return FW_OK;
    case FWD_HASH_SHA384:
        fwd_mbed_sha512_init(SHA512_OF(dst));
        fwd_mbed_sha512_clone(SHA512_OF(dst), SHA512_OF(src));
        return FW_OK;
    default:
        return FW_ERR_STATE;
    }
}

void fwd_hash_free(struct fwd_hash_ctx *c)
{
    if (!c) return;
    if (c->alg == FWD_HASH_SHA256) mbedtls_sha256_free(SHA256_OF(c));
    if (c->alg == FWD_HASH_SHA384) fwd_mbed_sha512_free(SHA512_OF(c));
    mbedtls_platform_zeroize(c, sizeof *c);
}

int fwd_hash(enum fwd_hash_alg alg, const uint8_t *p, size_t n, uint8_t *out, size_t out_len)
{
    struct fwd_hash_ctx c;
    int rc = fwd_hash_start(&c, alg);
    if (rc == FW_OK) rc = fwd_hash_update(&c, p, n);
    if (rc == FW_OK) return fwd_hash_finish(&c, out, out_len);
    fwd_hash_free(&c);
    return rc;
}

int fwd_md5(const uint8_t *p, size_t n, uint8_t out[FWD_MD5_LEN])
{
    return ok_or(fwd_mbed_md5(p, n, out), FW_ERR_CRYPTO);
}

/* ---- MACs and KDFs ------------------------------------------------------------- */

static const mbedtls_md_info_t *sha256_info(void) { return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256); }

int fwd_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                    uint8_t out[FWD_SHA256_LEN])
{
    return ok_or(mbedtls_md_hmac(sha256_info(), key, key_len, msg, msg_len, out), FW_ERR_CRYPTO);
}

int fwd_pbkdf2_sha256(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
                      uint32_t iterations, uint8_t *out, size_t out_len)
{
    if (out_len > UINT32_MAX) return FW_ERR_INVALID_ARG;
    return ok_or(fwd_mbed_pbkdf2_hmac(MBEDTLS_MD_SHA256, pw, pw_len, salt, salt_len, iterations, (uint32_t)out_len,
                                      out),
                 FW_ERR_CRYPTO);
}

int fwd_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                    const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    return ok_or(mbedtls_hkdf(sha256_info(), salt, salt_len, ikm, ikm_len, info, info_len, out, out_len),
                 FW_ERR_CRYPTO);
}

/* ---- AES-GCM ------------------------------------------------------------------- */

static int gcm_start(struct fwd_gcm_ctx *c, int mode, const uint8_t *key, size_t key_len, const uint8_t *iv,
                     size_t iv_len)
{
    if (!c || !key || !iv || (key_len != 16 && key_len != 24 && key_len != 32)) return FW_ERR_INVALID_ARG;
    mbedtls_gcm_init(GCM_OF(c));
    c->live = 1;
    if (mbedtls_gcm_setkey(GCM_OF(c), MBEDTLS_CIPHER_ID_AES, key, (unsigned)key_len * 8) != 0 ||
        fwd_mbed_gcm_starts(GCM_OF(c), mode, iv, iv_len) != 0)
        return FW_ERR_CRYPTO;
    return FW_OK;
}

int fwd_gcm_decrypt_start(struct fwd_gcm_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *iv,
                          size_t iv_len)
{
    return gcm_start(c, MBEDTLS_GCM_DECRYPT, key, key_len, iv, iv_len);
}

int fwd_gcm_encrypt_start(struct fwd_gcm_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *iv,
                          size_t iv_len)
{
    return gcm_start(c, MBEDTLS_GCM_ENCRYPT, key, key_len, iv, iv_len);
}

int fwd_gcm_update(struct fwd_gcm_ctx *c, const uint8_t *in, uint8_t *out, size_t n)
{
    if (!c || !c->live) return FW_ERR_STATE;
    return ok_or(fwd_mbed_gcm_update(GCM_OF(c), in, out, n), FW_ERR_CRYPTO);
}

int fwd_gcm_finish(struct fwd_gcm_ctx *c, uint8_t *tag, size_t tag_len)
{
    if (!c || !c->live) return FW_ERR_STATE;
    return ok_or(fwd_mbed_gcm_finish(GCM_OF(c), tag, tag_len), FW_ERR_CRYPTO);
}

void fwd_gcm_free(struct fwd_gcm_ctx *c)
{
    if (!c) return;
    if (c->live) mbedtls_gcm_free(GCM_OF(c));
    mbedtls_platform_zeroize(c, sizeof *c);
}

/* ---- AES-XTS ------------------------------------------------------------------- */

int fwd_xts_init(struct fwd_xts_ctx *c, enum fwd_xts_dir dir, const uint8_t *key, size_t key_len)
{
    if (!c || !key || (key_len != 32 && key_len != 64)) return FW_ERR_INVALID_ARG;
    if (dir != FWD_XTS_ENCRYPT && dir != FWD_XTS_DECRYPT) return FW_ERR_INVALID_ARG;
    memset(c, 0, sizeof *c);
    mbedtls_aes_xts_init(XTS_OF(c));
    c->dir = dir;
    unsigned bits = (unsigned)key_len * 8;
    int rc = dir == FWD_XTS_ENCRYPT ? mbedtls_aes_xts_setkey_enc(XTS_OF(c), key, bits)
                                    : mbedtls_aes_xts_setkey_dec(XTS_OF(c), key, bits);
    if (rc != 0) {
        fwd_xts_free(c);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

int fwd_xts_crypt(const struct fwd_xts_ctx *c, const uint8_t tweak[16], const uint8_t *in, uint8_t *out,
                  size_t len)
{
    if (!c || (c->dir != FWD_XTS_ENCRYPT && c->dir != FWD_XTS_DECRYPT)) return FW_ERR_STATE;
    int mode = c->dir == FWD_XTS_ENCRYPT ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT;
    /* mbedTLS takes a non-const context though crypt does not modify it. */
    mbedtls_aes_xts_context *x = (mbedtls_aes_xts_context *)(void *)c->u.bytes_;
    return ok_or(mbedtls_aes_crypt_xts(x, mode, len, tweak, in, out), FW_ERR_CRYPTO);
}

void fwd_xts_free(struct fwd_xts_ctx *c)
{
    if (!c) return;
    if (c->dir) mbedtls_aes_xts_free(XTS_OF(c));
    mbedtls_platform_zeroize(c, sizeof *c);
}

/* ---- verification --------------------------------------------------------------- */

static mbedtls_md_type_t md_type(enum fwd_hash_alg md)
{
    switch (md) {
    case FWD_HASH_SHA256: return MBEDTLS_MD_SHA256;
    case FWD_HASH_SHA384: return MBEDTLS_MD_SHA384;
    default: return MBEDTLS_MD_NONE;
    }
}

static mbedtls_ecp_group_id group_id(enum fwd_ec_curve curve)
{
    switch (curve) {
    case FWD_EC_P256: return MBEDTLS_ECP_DP_SECP256R1;
    case FWD_EC_P384: return MBEDTLS_ECP_DP_SECP384R1;
    case FWD_EC_P192: return MBEDTLS_ECP_DP_SECP192R1;
    default: return MBEDTLS_ECP_DP_NONE;
    }
}

size_t fwd_ec_coord_len(enum fwd_ec_curve curve)
{
    switch (curve) {
    case FWD_EC_P256: return 32;
    case FWD_EC_P384: return 48;
    case FWD_EC_P192: return 24;
    default: return 0;
    }
}

/* Public RSA key of exactly n_len * 8 bits into an initialised context. */
static int rsa_import_public(mbedtls_rsa_context *rsa, const uint8_t *n, size_t n_len, uint32_t e)
{
    mbedtls_mpi mn, me;
    int rc = FW_ERR_KEY;
    mbedtls_mpi_init(&mn);
    mbedtls_mpi_init(&me);
    if (mbedtls_mpi_read_binary(&mn, n, n_len)) goto out;
    if (mbedtls_mpi_lset(&me, (mbedtls_mpi_sint)e)) goto out;
    if (mbedtls_mpi_bitlen(&mn) != n_len * 8) goto out;
    if (mbedtls_rsa_import(rsa, &mn, NULL, NULL, NULL, &me)) goto out;
    if (mbedtls_rsa_complete(rsa) || mbedtls_rsa_check_pubkey(rsa)) goto out;
    rc = FW_OK;
out:
    mbedtls_mpi_free(&mn);
    mbedtls_mpi_free(&me);
    return rc;
}

int fwd_rsa_pss_verify(const uint8_t *n, size_t n_len, uint32_t e, enum fwd_hash_alg md, size_t salt_len,
                       const uint8_t *digest, size_t digest_len, const uint8_t *sig, size_t sig_len)
{
    mbedtls_md_type_t mt = md_type(md);
    if (!n || !digest || !sig || mt == MBEDTLS_MD_NONE || digest_len != fwd_hash_len(md) || sig_len != n_len ||
        salt_len > INT32_MAX)
        return FW_ERR_INVALID_ARG;
    mbedtls_rsa_context rsa;
    int rc = fwd_mbed_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V21, mt) == 0 ? FW_OK : FW_ERR_CRYPTO;
    if (rc == FW_OK) rc = rsa_import_public(&rsa, n, n_len, e);
    if (rc == FW_OK)
        rc = fwd_mbed_rsa_pss_verify(&rsa, mt, (unsigned)digest_len, digest, mt, (int)salt_len, sig)
                 ? FW_ERR_SIGNATURE
                 : FW_OK;
    mbedtls_rsa_free(&rsa);
    return rc;
}

/* 1 <= v <= n-1 */
static int in_scalar_range(const mbedtls_mpi *v, const mbedtls_mpi *order)
{
    return mbedtls_mpi_cmp_int(v, 1) >= 0 && mbedtls_mpi_cmp_mpi(v, order) < 0;
}

/* Uncompressed point 04||X||Y, checked on the curve and not the identity. */
static int read_point(const mbedtls_ecp_group *grp, mbedtls_ecp_point *q, const uint8_t *xy, size_t xy_len)
{
    uint8_t pt[1 + 2 * 48];
    if (xy_len > sizeof pt - 1) return FW_ERR_KEY;
    pt[0] = 0x04;
    memcpy(pt + 1, xy, xy_len);
    if (mbedtls_ecp_point_read_binary(grp, q, pt, xy_len + 1)) return FW_ERR_KEY;
    return mbedtls_ecp_check_pubkey(grp, q) ? FW_ERR_KEY : FW_OK;
}

int fwd_ecdsa_verify(enum fwd_ec_curve curve, const uint8_t *xy, size_t xy_len, const uint8_t *digest,
                     size_t digest_len, const uint8_t *r, const uint8_t *s, size_t rs_len)
{
    size_t c = fwd_ec_coord_len(curve);
    if (!c || !xy || !digest || !r || !s || xy_len != 2 * c || rs_len != c) return FW_ERR_INVALID_ARG;
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi mr, ms;
    int rc = FW_ERR_CRYPTO;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&mr);
    mbedtls_mpi_init(&ms);
    if (mbedtls_ecp_group_load(&grp, group_id(curve))) goto out;
    if ((rc = read_point(&grp, &q, xy, xy_len)) != FW_OK) goto out;
    rc = FW_ERR_SIGNATURE;
    if (mbedtls_mpi_read_binary(&mr, r, rs_len) || mbedtls_mpi_read_binary(&ms, s, rs_len)) goto out;
    if (!in_scalar_range(&mr, &grp.N) || !in_scalar_range(&ms, &grp.N)) goto out;
    rc = mbedtls_ecdsa_verify(&grp, digest, digest_len, &q, &mr, &ms) ? FW_ERR_SIGNATURE : FW_OK;
out:
    mbedtls_mpi_free(&mr);
    mbedtls_mpi_free(&ms);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return rc;
}

/* ---- RSA private key ------------------------------------------------------------ */

static const char rejection_label[] = "fwseal rsa implicit rejection v1";

static int rng_adapter(void *p, unsigned char *buf, size_t len)
{
    const struct fwd_random *r = p;
    return r->fill(r->ctx, buf, len) == 0 ? 0 : MBEDTLS_ERR_MPI_BAD_INPUT_DATA;
}

void fwd_rsa_priv_init(struct fwd_rsa_priv *k)
{
    memset(k, 0, sizeof *k);
    mbedtls_pk_init(PK_OF(k));
}

void fwd_rsa_priv_free(struct fwd_rsa_priv *k)
{
    if (!k) return;
    mbedtls_pk_free(PK_OF(k));      /* mbedTLS zeroizes bignums on free */
    mbedtls_platform_zeroize(k, sizeof *k);
    mbedtls_pk_init(PK_OF(k));
}

/* HMAC-SHA256(D, label): deterministic per key, so a given wrong ciphertext
 * always maps to the same fake key (no oracle from repeated queries), and
 * unknown without the private exponent. */
static int derive_rejection_secret(struct fwd_rsa_priv *k)
{
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*PK_OF(k));
    uint8_t dbuf[512];
    size_t dlen = mbedtls_rsa_get_len(rsa);
    int rc = FW_ERR_CRYPTO;
    mbedtls_mpi dm;
    mbedtls_mpi_init(&dm);
    if (dlen <= sizeof dbuf && mbedtls_rsa_export(rsa, NULL, NULL, NULL, &dm, NULL) == 0 &&
        mbedtls_mpi_write_binary(&dm, dbuf, dlen) == 0)
        rc = fwd_hmac_sha256(dbuf, dlen, (const uint8_t *)rejection_label, sizeof rejection_label - 1,
                             RSA_OF(k)->rejection_secret);
    mbedtls_mpi_free(&dm);
    mbedtls_platform_zeroize(dbuf, sizeof dbuf);
    return rc;
}

int fwd_rsa_priv_load(struct fwd_rsa_priv *k, const uint8_t *der_or_pem, size_t len, size_t bits)
{
    if (!k || !der_or_pem || !len) return FW_ERR_INVALID_ARG;
    fwd_rsa_priv_free(k);
    mbedtls_pk_context *pk = PK_OF(k);
    if (fwd_mbed_pk_parse_key(pk, der_or_pem, len) != 0 || mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA ||
        mbedtls_pk_get_bitlen(pk) != bits) {
        fwd_rsa_priv_free(k);
        return FW_ERR_KEY;
    }
    mbedtls_rsa_set_padding(mbedtls_pk_rsa(*pk), MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
    int rc = derive_rejection_secret(k);
    if (rc != FW_OK) {
        fwd_rsa_priv_free(k);
        return rc;
    }
    k->bits = bits;
    k->loaded = 1;
    return FW_OK;
}

int fwd_rsa_unwrap_key(const struct fwd_rsa_priv *k, const struct fwd_random *rng, const uint8_t *in,
                       size_t in_len, uint8_t *out, size_t out_len)
{
    if (!k || !k->loaded || !rng || !rng->fill || !in || !out || out_len > 32 || in_len != k->bits / 8)
        return FW_ERR_INVALID_ARG;
    uint8_t real[32] = { 0 }, fake[32];
    size_t olen = 0;
    /* mbedTLS takes a non-const RSA context (blinding state); the key is unchanged. */
    struct rsa_priv_impl *impl = (struct rsa_priv_impl *)(void *)k->u.bytes_;
    int rc = fwd_hmac_sha256(impl->rejection_secret, sizeof impl->rejection_secret, in, in_len, fake);
    if (rc != FW_OK) return rc;
    mbedtls_pk_context *pk = &impl->pk;
    int ret = fwd_mbed_rsa_pkcs1_v15_decrypt(mbedtls_pk_rsa(*pk), rng_adapter, (void *)rng, &olen, in, real, out_len);
    /* good = 0xFF if the unwrap produced exactly out_len bytes, else 0x00. */
    uint8_t good = (uint8_t)(0u - (uint8_t)((ret == 0) & (olen == out_len)));
    for (size_t i = 0; i < out_len; i++) out[i] = (uint8_t)((real[i] & good) | (fake[i] & (uint8_t)~good));
    mbedtls_platform_zeroize(real, sizeof real);
    mbedtls_platform_zeroize(fake, sizeof fake);
    return FW_OK;
}

int fwd_rsa_priv_raw(const struct fwd_rsa_priv *k, const struct fwd_random *rng, const uint8_t *in, uint8_t *out,
                     size_t len)
{
    if (!k || !k->loaded || !rng || !rng->fill || !in || !out || len != k->bits / 8) return FW_ERR_INVALID_ARG;
    struct rsa_priv_impl *impl = (struct rsa_priv_impl *)(void *)k->u.bytes_;
    int ret = mbedtls_rsa_private(mbedtls_pk_rsa(impl->pk), rng_adapter, (void *)rng, in, out);
    return ret == 0 ? FW_OK : ret == MBEDTLS_ERR_RSA_BAD_INPUT_DATA ? FW_ERR_INVALID_ARG : FW_ERR_CRYPTO;
}

/* ---- EC private key / ECDH -------------------------------------------------------- */

void fwd_ec_priv_init(struct fwd_ec_priv *k)
{
    memset(k, 0, sizeof *k);
    mbedtls_ecp_group_init(&EC_OF(k)->grp);
    mbedtls_mpi_init(&EC_OF(k)->d);
}

void fwd_ec_priv_free(struct fwd_ec_priv *k)
{
    if (!k) return;
    mbedtls_ecp_group_free(&EC_OF(k)->grp);
    mbedtls_mpi_free(&EC_OF(k)->d);
    fwd_ec_priv_init(k);
}

int fwd_ec_priv_load(struct fwd_ec_priv *k, enum fwd_ec_curve curve, const uint8_t *d, size_t d_len)
{
    if (!k || !d || !fwd_ec_coord_len(curve) || d_len != fwd_ec_coord_len(curve)) return FW_ERR_INVALID_ARG;
    fwd_ec_priv_free(k);
    struct ec_priv_impl *e = EC_OF(k);
    int rc = FW_ERR_CRYPTO;
    if (mbedtls_ecp_group_load(&e->grp, group_id(curve)) == 0 && mbedtls_mpi_read_binary(&e->d, d, d_len) == 0)
        rc = mbedtls_ecp_check_privkey(&e->grp, &e->d) == 0 ? FW_OK : FW_ERR_KEY;
    if (rc != FW_OK) {
        fwd_ec_priv_free(k);
        return rc;
    }
    k->curve = curve;
    return FW_OK;
}

int fwd_ecdh_shared_x(const struct fwd_ec_priv *k, const struct fwd_random *rng, const uint8_t *peer_xy,
                      size_t peer_len, uint8_t *out, size_t out_len)
{
    size_t c = k ? fwd_ec_coord_len(k->curve) : 0;
    if (!c || !rng || !rng->fill || !peer_xy || !out || peer_len != 2 * c || out_len != c)
        return FW_ERR_INVALID_ARG;
    /* mbedTLS wants non-const group and scalar; compute_shared only reads them. */
    struct ec_priv_impl *e = (struct ec_priv_impl *)(void *)k->u.bytes_;
    mbedtls_ecp_point q;
    mbedtls_mpi z;
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&z);
    int rc = read_point(&e->grp, &q, peer_xy, peer_len);
    if (rc == FW_OK &&
        (mbedtls_ecdh_compute_shared(&e->grp, &z, &q, &e->d, rng_adapter, (void *)rng) != 0 ||
         mbedtls_mpi_write_binary(&z, out, out_len) != 0))
        rc = FW_ERR_CRYPTO;
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&z);
    return rc;
}

/* ---- public keys from PEM ----------------------------------------------------------- */

static int rsa_public_numbers(mbedtls_rsa_context *rsa, struct fwd_pubkey *out)
{
    mbedtls_mpi n, e;
    mbedtls_mpi_init(&n);
    mbedtls_mpi_init(&e);
    int rc = FW_ERR_KEY;
    size_t len = mbedtls_rsa_get_len(rsa);
    if (len == 0 || len > sizeof out->n || mbedtls_rsa_export(rsa, &n, NULL, NULL, NULL, &e) != 0) goto out;
    uint8_t eb[4];
    if (mbedtls_mpi_bitlen(&e) > 32 || mbedtls_mpi_write_binary(&e, eb, 4)) goto out;
    if (mbedtls_mpi_write_binary(&n, out->n, len)) goto out;
    out->kind = FWD_PUBKEY_RSA;
    out->n_len = len;
    out->e = fw_dec32be(eb);
    rc = FW_OK;
out:
    mbedtls_mpi_free(&n);
    mbedtls_mpi_free(&e);
    return rc;
}

static int ec_public_numbers(const mbedtls_ecp_keypair *ec, struct fwd_pubkey *out)
{
    mbedtls_ecp_group_id id = fwd_mbed_ec_group_id(ec);
    enum fwd_ec_curve curve = id == MBEDTLS_ECP_DP_SECP256R1   ? FWD_EC_P256
                              : id == MBEDTLS_ECP_DP_SECP384R1 ? FWD_EC_P384
                              : id == MBEDTLS_ECP_DP_SECP192R1 ? FWD_EC_P192
                                                               : FWD_EC_NONE;
    size_t c = fwd_ec_coord_len(curve), len = 0;
    uint8_t pt[1 + 2 * 48];
    if (!c || fwd_mbed_ec_write_public(ec, &len, pt, sizeof pt) || len != 1 + 2 * c || pt[0] != 0x04)
        return FW_ERR_KEY;
    memcpy(out->xy, pt + 1, 2 * c);
    out->kind = FWD_PUBKEY_EC;
    out->curve = curve;
    return FW_OK;
}

int fwd_pubkey_from_pem(const uint8_t *pem, size_t len, struct fwd_pubkey *out)
{
    if (!pem || !out || len == 0 || len > 64 * 1024) return FW_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
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
        if (fwd_mbed_pk_parse_key(&pk, z, len + 1) != 0) goto out;
    }
    if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA) rc = rsa_public_numbers(mbedtls_pk_rsa(pk), out);
    else if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_ECKEY) rc = ec_public_numbers(mbedtls_pk_ec(pk), out);
out:
    mbedtls_pk_free(&pk);
    mbedtls_platform_zeroize(z, len + 1);
    free(z);
    return rc;
}

int fwd_bn_pow2_mod(const uint8_t *n, size_t n_len, unsigned exp_bits, uint8_t *out)
{
    if (!n || !out || !n_len) return FW_ERR_INVALID_ARG;
    mbedtls_mpi mn, r, res;
    mbedtls_mpi_init(&mn);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&res);
    int rc = FW_ERR_KEY;
    if (mbedtls_mpi_read_binary(&mn, n, n_len) || mbedtls_mpi_cmp_int(&mn, 0) <= 0) goto out;
    if (mbedtls_mpi_lset(&r, 1) || mbedtls_mpi_shift_l(&r, exp_bits) || mbedtls_mpi_mod_mpi(&res, &r, &mn)) goto out;
    if (mbedtls_mpi_write_binary(&res, out, n_len)) goto out;
    rc = FW_OK;
out:
    mbedtls_mpi_free(&mn);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&res);
    return rc;
}
