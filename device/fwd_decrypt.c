/* Streaming decryptor for the ESP encrypted image (see fwd_decrypt.h). */
#include "device/fwd_decrypt.h"

#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>

#include "fw_bytes.h"

/* Header layout (FORMATS §3.2/§3.3). */
#define OFF_KEY_AREA   4u
#define OFF_SERVER_PUB 4u
#define OFF_KDF_SALT   68u
#define OFF_ECIES_ZERO 100u
#define ECIES_ZERO_LEN 288u
#define OFF_IV         388u
#define OFF_BIN_SIZE   404u
#define OFF_TAG        408u
#define OFF_RESERVED   424u
#define RESERVED_LEN   88u
#define RSA_WRAPPED    384u
#define AES_KEY_LEN    32u

static const uint8_t magic_bytes[4] = { 0xCF, 0xB6, 0x88, 0x07 };

/* §3.4 FIXED_SALT for the ECIES device-key derivation. */
static const uint8_t ecies_fixed_salt[32] = {
    0x0e, 0x21, 0x60, 0x64, 0x2d, 0xae, 0x76, 0xd3, 0x34, 0x48, 0xe4, 0x3d, 0x77, 0x20, 0x12, 0x3d,
    0x9f, 0x3b, 0x1e, 0xce, 0xb8, 0x8e, 0x57, 0x3a, 0x4e, 0x8f, 0x7f, 0xb9, 0x4f, 0xf0, 0xc8, 0x69,
};
static const char ecies_info[16] = "_esp_enc_img_ecc"; /* exactly 16 bytes, no NUL */
static const char rej_label[] = "fwseal rsa implicit rejection v1";

/* ---- keys ---------------------------------------------------------------- */

void fwd_decrypt_key_init(struct fwd_decrypt_key *k)
{
    memset(k, 0, sizeof *k);
    mbedtls_pk_init(&k->pk);
    mbedtls_ecp_group_init(&k->grp);
    mbedtls_mpi_init(&k->d);
}

void fwd_decrypt_key_free(struct fwd_decrypt_key *k)
{
    if (!k) return;
    mbedtls_pk_free(&k->pk);          /* mbedTLS zeroizes bignums on free */
    mbedtls_ecp_group_free(&k->grp);
    mbedtls_mpi_free(&k->d);
    mbedtls_platform_zeroize(k->rej_secret, sizeof k->rej_secret);
    k->scheme = 0;
}

static int hmac_sha256(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen, uint8_t out[32])
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    return mbedtls_md_hmac(md, key, klen, msg, mlen, out) ? FW_ERR_CRYPTO : FW_OK;
}

/* The rejection secret is HMAC-SHA256(D, label): deterministic per key, so a
 * given wrong ciphertext always maps to the same fake key (no oracle from
 * repeated queries), and unknown without the private exponent. */
static int derive_rejection_secret(struct fwd_decrypt_key *k)
{
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(k->pk);
    uint8_t dbuf[384];
    int rc = FW_ERR_CRYPTO;
    mbedtls_mpi dm;
    mbedtls_mpi_init(&dm);
    if (mbedtls_rsa_export(rsa, NULL, NULL, NULL, &dm, NULL) == 0 &&
        mbedtls_mpi_write_binary(&dm, dbuf, sizeof dbuf) == 0)
        rc = hmac_sha256(dbuf, sizeof dbuf, (const uint8_t *)rej_label, sizeof rej_label - 1, k->rej_secret);
    mbedtls_mpi_free(&dm);
    mbedtls_platform_zeroize(dbuf, sizeof dbuf);
    return rc;
}

int fwd_decrypt_key_load_rsa(struct fwd_decrypt_key *k, const uint8_t *der_or_pem, size_t len)
{
    if (!k || !der_or_pem || !len) return FW_ERR_INVALID_ARG;
    fwd_decrypt_key_free(k);
    fwd_decrypt_key_init(k);
    /* mbedTLS needs a PEM's terminating NUL inside len (documented in the header). */
    int rc = mbedtls_pk_parse_key(&k->pk, der_or_pem, len, NULL, 0);
    if (rc != 0 || mbedtls_pk_get_type(&k->pk) != MBEDTLS_PK_RSA || mbedtls_pk_get_bitlen(&k->pk) != 3072) {
        fwd_decrypt_key_free(k);
        return FW_ERR_KEY;
    }
    mbedtls_rsa_set_padding(mbedtls_pk_rsa(k->pk), MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
    if ((rc = derive_rejection_secret(k)) != FW_OK) {
        fwd_decrypt_key_free(k);
        return rc;
    }
    k->scheme = FWD_DECRYPT_RSA3072;
    return FW_OK;
}

int fwd_decrypt_key_load_ecies_hmac(struct fwd_decrypt_key *k, const uint8_t hmac_key[32])
{
    if (!k || !hmac_key) return FW_ERR_INVALID_ARG;
    fwd_decrypt_key_free(k);
    fwd_decrypt_key_init(k);
    uint8_t dbytes[32];
    int rc = FW_ERR_CRYPTO;
    mbedtls_md_context_t md;
    mbedtls_md_init(&md);
    if (mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1) == 0 &&
        mbedtls_pkcs5_pbkdf2_hmac(&md, hmac_key, 32, ecies_fixed_salt, sizeof ecies_fixed_salt, 2048, 32,
                                  dbytes) == 0 &&
        mbedtls_ecp_group_load(&k->grp, MBEDTLS_ECP_DP_SECP256R1) == 0 &&
        mbedtls_mpi_read_binary(&k->d, dbytes, sizeof dbytes) == 0) {
        /* No reduction mod n (§3.4): out of range is a bad key. */
        rc = mbedtls_ecp_check_privkey(&k->grp, &k->d) == 0 ? FW_OK : FW_ERR_KEY;
    }
    mbedtls_md_free(&md);
    mbedtls_platform_zeroize(dbytes, sizeof dbytes);
    if (rc != FW_OK) {
        fwd_decrypt_key_free(k);
        return rc;
    }
    k->scheme = FWD_DECRYPT_ECIES_P256;
    return FW_OK;
}

/* ---- key establishment ---------------------------------------------------- */

static int rng_adapter(void *p, unsigned char *buf, size_t len)
{
    const struct fwd_random *r = p;
    return r->fill(r->ctx, buf, len) == 0 ? 0 : MBEDTLS_ERR_MPI_BAD_INPUT_DATA;
}

/* RSA unwrap with implicit rejection: the real key and the fake key are both
 * computed, then one is selected without a branch on the padding outcome. */
static int unwrap_rsa(struct fwd_decrypt *d, uint8_t key[AES_KEY_LEN])
{
    const struct fwd_decrypt_key *k = d->cfg.key;
    const uint8_t *wrapped = d->hdr + OFF_KEY_AREA;
    uint8_t real[AES_KEY_LEN] = { 0 }, fake[AES_KEY_LEN];
    size_t olen = 0;
    int rc = hmac_sha256(k->rej_secret, sizeof k->rej_secret, wrapped, RSA_WRAPPED, fake);
    if (rc != FW_OK) return rc;
    int ret = mbedtls_rsa_rsaes_pkcs1_v15_decrypt(mbedtls_pk_rsa(k->pk), rng_adapter, (void *)d->cfg.rng,
                                                  MBEDTLS_RSA_PRIVATE, &olen, wrapped, real, sizeof real);
    /* good = 0xFF if the unwrap produced exactly 32 bytes, else 0x00. */
    uint8_t good = (uint8_t)(0u - (uint8_t)((ret == 0) & (olen == AES_KEY_LEN)));
    for (size_t i = 0; i < AES_KEY_LEN; i++) key[i] = (uint8_t)((real[i] & good) | (fake[i] & (uint8_t)~good));
    mbedtls_platform_zeroize(real, sizeof real);
    mbedtls_platform_zeroize(fake, sizeof fake);
    return FW_OK;
}

static int derive_ecies(struct fwd_decrypt *d, uint8_t key[AES_KEY_LEN])
{
    const struct fwd_decrypt_key *k = d->cfg.key;
    uint8_t point[65], z[32];
    int rc = FW_ERR_KEY;
    mbedtls_ecp_point q;
    mbedtls_mpi zm;
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&zm);
    point[0] = 0x04;
    memcpy(point + 1, d->hdr + OFF_SERVER_PUB, 64);
    if (mbedtls_ecp_point_read_binary(&k->grp, &q, point, sizeof point) != 0 ||
        mbedtls_ecp_check_pubkey(&k->grp, &q) != 0)
        goto out; /* not on the curve / identity: FW_ERR_KEY */
    rc = FW_ERR_CRYPTO;
    if (mbedtls_ecdh_compute_shared((mbedtls_ecp_group *)&k->grp, &zm, &q, &k->d, rng_adapter,
                                    (void *)d->cfg.rng) != 0 ||
        mbedtls_mpi_write_binary(&zm, z, sizeof z) != 0)
        goto out;
    if (mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), d->hdr + OFF_KDF_SALT, 32, z, sizeof z,
                     (const uint8_t *)ecies_info, sizeof ecies_info, key, AES_KEY_LEN) != 0)
        goto out;
    rc = FW_OK;
out:
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&zm);
    mbedtls_platform_zeroize(z, sizeof z);
    return rc;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

/* The full header is buffered: cheap checks first, then the key operation. */
static int process_header(struct fwd_decrypt *d)
{
    const struct fwd_decrypt_key *k = d->cfg.key;
    d->bin_size = fw_dec32le(d->hdr + OFF_BIN_SIZE);
    if (d->bin_size < d->cfg.min_bin_size || d->bin_size > d->cfg.max_bin_size) return FW_ERR_RANGE;
    if (d->cfg.strict_reserved) {
        if (!all_zero(d->hdr + OFF_RESERVED, RESERVED_LEN)) return FW_ERR_FORMAT;
        if (k->scheme == FWD_DECRYPT_ECIES_P256 && !all_zero(d->hdr + OFF_ECIES_ZERO, ECIES_ZERO_LEN))
            return FW_ERR_FORMAT;
    }
    memcpy(d->tag, d->hdr + OFF_TAG, sizeof d->tag);
    uint8_t key[AES_KEY_LEN];
    int rc = k->scheme == FWD_DECRYPT_RSA3072 ? unwrap_rsa(d, key) : derive_ecies(d, key);
    if (rc == FW_OK) {
        mbedtls_gcm_init(&d->gcm);
        d->gcm_live = 1;
        if (mbedtls_gcm_setkey(&d->gcm, MBEDTLS_CIPHER_ID_AES, key, 256) != 0 ||
            mbedtls_gcm_starts(&d->gcm, MBEDTLS_GCM_DECRYPT, d->hdr + OFF_IV, 16, NULL, 0) != 0)
            rc = FW_ERR_CRYPTO;
    }
    mbedtls_platform_zeroize(key, sizeof key);
    /* The wrapped key / server point are no longer needed. */
    mbedtls_platform_zeroize(d->hdr, sizeof d->hdr);
    return rc;
}

/* ---- stream --------------------------------------------------------------- */

int fwd_decrypt_start(struct fwd_decrypt *d, const struct fwd_decrypt_cfg *cfg)
{
    if (!d || !cfg) return FW_ERR_INVALID_ARG;
    memset(d, 0, sizeof *d);
    d->state = FWD_DEC_FAILED;
    d->err = FW_ERR_INVALID_ARG;
    if (!cfg->key || !cfg->out.write || !cfg->rng || !cfg->rng->fill || cfg->min_bin_size > cfg->max_bin_size)
        return FW_ERR_INVALID_ARG;
    if (cfg->key->scheme != FWD_DECRYPT_RSA3072 && cfg->key->scheme != FWD_DECRYPT_ECIES_P256)
        return FW_ERR_KEY;
    d->cfg = *cfg;
    d->state = FWD_DEC_HEADER;
    d->err = FW_OK;
    return FW_OK;
}

static int fail(struct fwd_decrypt *d, int err)
{
    fwd_decrypt_abort(d);
    d->err = err;
    return err;
}

/* Decrypt n bytes (n <= sizeof out; a multiple of 16 unless it ends the
 * stream, as mbedTLS 2.28's gcm_update requires) and hand them out. */
static int emit(struct fwd_decrypt *d, const uint8_t *ct, size_t n)
{
    if (mbedtls_gcm_update(&d->gcm, n, ct, d->out) != 0) return FW_ERR_CRYPTO;
    d->pos += n;
    int rc = fwd_sink_write(&d->cfg.out, d->out, n);
    return rc < 0 ? rc : FW_OK;
}

static int feed_body(struct fwd_decrypt *d, const uint8_t *p, size_t n)
{
    uint64_t received = d->pos + d->cache_len;
    if ((uint64_t)n > (uint64_t)d->bin_size - received) return FW_ERR_FORMAT; /* trailing bytes */
    while (n > 0) {
        if (d->cache_len > 0 || n < 16) {
            size_t take = 16 - d->cache_len;
            if (take > n) take = n;
            memcpy(d->cache + d->cache_len, p, take);
            d->cache_len += (uint32_t)take;
            p += take;
            n -= take;
            if (d->cache_len == 16 || d->pos + d->cache_len == d->bin_size) {
                int rc = emit(d, d->cache, d->cache_len);
                d->cache_len = 0;
                if (rc != FW_OK) return rc;
            }
        } else {
            size_t m = n & ~(size_t)15;
            if (m > sizeof d->out) m = sizeof d->out;
            int rc = emit(d, p, m);
            if (rc != FW_OK) return rc;
            p += m;
            n -= m;
        }
    }
    return FW_OK;
}

int fwd_decrypt_feed(struct fwd_decrypt *d, const uint8_t *p, size_t n)
{
    if (!d) return FW_ERR_INVALID_ARG;
    if (d->state == FWD_DEC_FAILED) return d->err;
    if (d->state == FWD_DEC_DONE) return FW_ERR_STATE;
    if (!p && n) return fail(d, FW_ERR_INVALID_ARG);
    if (d->state == FWD_DEC_HEADER) {
        size_t take = FWD_DECRYPT_HEADER_SIZE - d->hdr_len;
        if (take > n) take = n;
        /* Reject a wrong magic at the first differing byte. */
        for (size_t i = 0; i < take && d->hdr_len + i < 4; i++)
            if (p[i] != magic_bytes[d->hdr_len + i]) return fail(d, FW_ERR_MAGIC);
        memcpy(d->hdr + d->hdr_len, p, take);
        d->hdr_len += (uint32_t)take;
        p += take;
        n -= take;
        if (d->hdr_len < FWD_DECRYPT_HEADER_SIZE) return FW_OK;
        int rc = process_header(d);
        if (rc != FW_OK) return fail(d, rc);
        d->state = FWD_DEC_DATA;
    }
    int rc = feed_body(d, p, n);
    return rc == FW_OK ? FW_OK : fail(d, rc);
}

int fwd_decrypt_header_done(const struct fwd_decrypt *d)
{
    return d && (d->state == FWD_DEC_DATA || d->state == FWD_DEC_DONE);
}

uint32_t fwd_decrypt_bin_size(const struct fwd_decrypt *d) { return d ? d->bin_size : 0; }

uint64_t fwd_decrypt_consumed(const struct fwd_decrypt *d)
{
    if (!d) return 0;
    return d->state == FWD_DEC_HEADER ? d->hdr_len : FWD_DECRYPT_HEADER_SIZE + d->pos + d->cache_len;
}

int fwd_decrypt_finish(struct fwd_decrypt *d)
{
    if (!d) return FW_ERR_INVALID_ARG;
    if (d->state == FWD_DEC_FAILED) return d->err;
    if (d->state != FWD_DEC_DATA || d->pos + d->cache_len != d->bin_size) return fail(d, FW_ERR_TRUNCATED);
    uint8_t tag[16];
    int rc = mbedtls_gcm_finish(&d->gcm, tag, sizeof tag) == 0 ? FW_OK : FW_ERR_CRYPTO;
    if (rc == FW_OK && !fw_ct_equal(tag, d->tag, sizeof tag)) rc = FW_ERR_AUTH;
    mbedtls_platform_zeroize(tag, sizeof tag);
    if (rc != FW_OK) return fail(d, rc);
    mbedtls_gcm_free(&d->gcm);
    d->gcm_live = 0;
    mbedtls_platform_zeroize(d->out, sizeof d->out);
    d->state = FWD_DEC_DONE;
    return FW_OK;
}

void fwd_decrypt_abort(struct fwd_decrypt *d)
{
    if (!d) return;
    if (d->gcm_live) mbedtls_gcm_free(&d->gcm);
    d->gcm_live = 0;
    mbedtls_platform_zeroize(d->hdr, sizeof d->hdr);
    mbedtls_platform_zeroize(d->out, sizeof d->out);
    mbedtls_platform_zeroize(d->cache, sizeof d->cache);
    d->cache_len = 0;
    d->state = FWD_DEC_FAILED;
    if (d->err == FW_OK) d->err = FW_ERR_STATE;
}

/* ---- as a stage of the chain (fwd_sink.h) ------------------------------------ */

static int input_write(void *ctx, const uint8_t *p, size_t n) { return fwd_decrypt_feed(ctx, p, n); }

/* The tag first: the next stage is finished only for authentic plaintext. */
static int input_finish(void *ctx)
{
    struct fwd_decrypt *d = ctx;
    int rc = fwd_decrypt_finish(d);
    return rc != FW_OK ? rc : fwd_sink_finish(&d->cfg.out);
}

struct fwd_sink fwd_decrypt_input(struct fwd_decrypt *d)
{
    struct fwd_sink s = { input_write, input_finish, d };
    return s;
}
