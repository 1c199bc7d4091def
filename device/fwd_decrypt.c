/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming decryptor for the ESP encrypted image (see fwd_decrypt.h). */
#include "device/fwd_decrypt.h"

#include <string.h>

#include "device/fwd_keystore.h"
#include "fw_bytes.h"
#include "fw_enc_ext.h"
#include "fw_enc_header.h"
#include "fw_manifest.h"

/* ---- keys ---------------------------------------------------------------- */

void fwd_decrypt_key_init(struct fwd_decrypt_key *k)
{
    memset(k, 0, sizeof *k);
    fwd_rsa_priv_init(&k->rsa);
    fwd_ec_priv_init(&k->ecies);
}

void fwd_decrypt_key_free(struct fwd_decrypt_key *k)
{
    if (!k) return;
    fwd_rsa_priv_free(&k->rsa);        /* the backend wipes the key material */
    fwd_ec_priv_free(&k->ecies);
    fw_wipe(k->hw_rejection, sizeof k->hw_rejection);
    k->hw_rsa = NULL;
    k->scheme = 0;
}

int fwd_decrypt_key_load_rsa(struct fwd_decrypt_key *k, const uint8_t *der_or_pem, size_t len)
{
    if (!k || !der_or_pem || !len) return FW_ERR_INVALID_ARG;
    fwd_decrypt_key_free(k);
    fwd_decrypt_key_init(k);
    /* The backend needs a PEM's terminating NUL inside len (documented in the header). */
    int rc = fwd_rsa_priv_load(&k->rsa, der_or_pem, len, FW_ENC_RSA_BITS);
    if (rc != FW_OK) {
        fwd_decrypt_key_free(k);
        return rc;
    }
    k->scheme = FW_ENC_SCHEME_RSA3072;
    return FW_OK;
}

/* hmac_key NULL: the platform's HMAC peripheral computes the PBKDF2 HMACs. */
static int load_ecies(struct fwd_decrypt_key *k, const uint8_t *hmac_key, const struct fwd_keystore *ks)
{
    fwd_decrypt_key_free(k);
    fwd_decrypt_key_init(k);
    uint8_t d[FW_ENC_ECIES_SCALAR_SIZE];
    int rc = hmac_key ? fwd_pbkdf2_sha256(hmac_key, FW_ENC_ECIES_HMAC_KEY_SIZE, fw_enc_ecies_fixed_salt,
                                          sizeof fw_enc_ecies_fixed_salt, FW_ENC_ECIES_PBKDF2_ITER, d, sizeof d)
                      : fwd_ks_pbkdf2_sha256(ks, fw_enc_ecies_fixed_salt, sizeof fw_enc_ecies_fixed_salt,
                                             FW_ENC_ECIES_PBKDF2_ITER, d, sizeof d);
    /* No reduction mod n (§3.4): out of range is a bad key. */
    if (rc == FW_OK) rc = fwd_ec_priv_load(&k->ecies, FWD_EC_P256, d, sizeof d);
    fw_wipe(d, sizeof d);
    if (rc != FW_OK) {
        fwd_decrypt_key_free(k);
        return rc;
    }
    k->scheme = FW_ENC_SCHEME_ECIES_P256;
    return FW_OK;
}

int fwd_decrypt_key_load_ecies_hmac(struct fwd_decrypt_key *k, const uint8_t hmac_key[32])
{
    if (!k || !hmac_key) return FW_ERR_INVALID_ARG;
    return load_ecies(k, hmac_key, NULL);
}

int fwd_decrypt_key_load_ecies_keystore(struct fwd_decrypt_key *k, const struct fwd_keystore *ks)
{
    if (!k || !ks) return FW_ERR_INVALID_ARG;
    if (!ks->hmac_sha256) return FW_ERR_KEY;
    return load_ecies(k, NULL, ks);
}

int fwd_decrypt_key_load_rsa_keystore(struct fwd_decrypt_key *k, const struct fwd_keystore *ks)
{
    if (!k || !ks) return FW_ERR_INVALID_ARG;
    fwd_decrypt_key_free(k);
    fwd_decrypt_key_init(k);
    int rc = fwd_ks_rsa_rejection_secret(ks, FW_ENC_RSA_WRAPPED_SIZE, k->hw_rejection);
    if (rc != FW_OK) {
        fwd_decrypt_key_free(k);
        return rc;
    }
    k->hw_rsa = ks;
    k->scheme = FW_ENC_SCHEME_RSA3072;
    return FW_OK;
}

/* ---- key establishment ---------------------------------------------------- */

/* RSA unwrap with implicit rejection (inside the seam): a failed unwrap
 * yields a pseudo-random key, noticed only as a tag mismatch at the end. */
static int unwrap_rsa(struct fwd_decrypt *d, const struct fw_enc_header *h, uint8_t key[FW_ENC_AES_KEY_SIZE])
{
    const struct fwd_decrypt_key *k = d->cfg.key;
    if (k->hw_rsa)
        return fwd_ks_rsa_unwrap(k->hw_rsa, k->hw_rejection, h->key_area, FW_ENC_RSA_WRAPPED_SIZE, key,
                                 FW_ENC_AES_KEY_SIZE);
    return fwd_rsa_unwrap_key(&d->cfg.key->rsa, d->cfg.rng, h->key_area, FW_ENC_RSA_WRAPPED_SIZE, key,
                              FW_ENC_AES_KEY_SIZE);
}

static int derive_ecies(struct fwd_decrypt *d, const struct fw_enc_header *h, uint8_t key[FW_ENC_AES_KEY_SIZE])
{
    uint8_t z[FW_ENC_ECIES_SCALAR_SIZE];
    int rc = fwd_ecdh_shared_x(&d->cfg.key->ecies, d->cfg.rng, fw_enc_server_pub(h), FW_ENC_SERVER_PUB_SIZE, z,
                               sizeof z);   /* a point off the curve / the identity: FW_ERR_KEY */
    if (rc == FW_OK &&
        fwd_hkdf_sha256(fw_enc_kdf_salt(h), FW_ENC_KDF_SALT_SIZE, z, sizeof z,
                        (const uint8_t *)FW_ENC_ECIES_HKDF_INFO, FW_ENC_ECIES_HKDF_INFO_LEN, key,
                        FW_ENC_AES_KEY_SIZE) != FW_OK)
        rc = FW_ERR_CRYPTO;
    fw_wipe(z, sizeof z);
    return rc;
}

/* Shared-body ECIES header (docs/formats.md §9, fwseal's FWSX extension):
 * the ECIES-derived key only unwraps the release's content key. The wrap
 * tag is checked here, in constant time, so an altered header or another
 * device's header fails before any body byte is decrypted. */
static int unwrap_ext(const struct fw_enc_ext *x, uint8_t key[FW_ENC_AES_KEY_SIZE])
{
    struct fwd_gcm_ctx g;
    uint8_t kek[FW_ENC_AES_KEY_SIZE], tag[FW_ENC_EXT_WRAP_TAG_SIZE];
    memcpy(kek, key, sizeof kek);
    memset(&g, 0, sizeof g);
    int rc = fwd_gcm_decrypt_start(&g, kek, sizeof kek, x->wrap_iv, sizeof x->wrap_iv) == FW_OK &&
                     fwd_gcm_update(&g, x->wrapped, key, FW_ENC_EXT_WRAPPED_SIZE) == FW_OK &&
                     fwd_gcm_finish(&g, tag, sizeof tag) == FW_OK
                 ? FW_OK
                 : FW_ERR_CRYPTO;
    if (rc == FW_OK && !fw_ct_equal(tag, x->wrap_tag, sizeof tag)) rc = FW_ERR_AUTH;
    fwd_gcm_free(&g);
    fw_wipe(kek, sizeof kek);
    fw_wipe(tag, sizeof tag);
    if (rc != FW_OK) fw_wipe(key, FW_ENC_AES_KEY_SIZE);
    return rc;
}

/* Cheap checks of the decoded header first (§3.8 rules 3 and 6), then the
 * key operation. An FWSX header is checked by its own rules (always: it is
 * fwseal's format, with no lenient reference behaviour to follow) and only
 * an ECIES key can open it. */
static int header_checks(const struct fwd_decrypt *d, const struct fw_enc_header *h, int *ext)
{
    struct fw_enc_ext x;
    if (fw_enc_header_check_size(h, d->cfg.min_bin_size, d->cfg.max_bin_size) != FW_OK) return FW_ERR_RANGE;
    *ext = 0;
    if (d->cfg.key->scheme == FW_ENC_SCHEME_ECIES_P256 && fw_enc_ext_present(h)) {
        if (fw_enc_ext_decode(h, &x) != FW_OK) return FW_ERR_FORMAT;
        *ext = 1;
        return FW_OK;
    }
    if (d->cfg.key->scheme == FW_ENC_SCHEME_RSA3072 && fw_enc_ext_decode(h, &x) == FW_OK) return FW_ERR_FORMAT;
    if (d->cfg.strict_reserved && fw_enc_header_check_strict(h, d->cfg.key->scheme) != FW_OK) return FW_ERR_FORMAT;
    return FW_OK;
}

/* SHA-256("fwseal-keycheck1" || key): the manifest's key_check (§8.2). */
static int key_check(const uint8_t key[FW_ENC_AES_KEY_SIZE], uint8_t out[FW_MF_HASH_LEN])
{
    struct fwd_hash_ctx hc;
    memset(&hc, 0, sizeof hc);
    int rc = fwd_hash_start(&hc, FWD_HASH_SHA256) == FW_OK &&
                     fwd_hash_update(&hc, (const uint8_t *)FW_MF_KEY_CHECK_LABEL, FW_MF_KEY_CHECK_LABEL_LEN) == FW_OK &&
                     fwd_hash_update(&hc, key, FW_ENC_AES_KEY_SIZE) == FW_OK &&
                     fwd_hash_finish(&hc, out, FW_MF_HASH_LEN) == FW_OK
                 ? FW_OK
                 : FW_ERR_CRYPTO;
    fwd_hash_free(&hc);
    return rc;
}

static int process_header(struct fwd_decrypt *d)
{
    struct fw_enc_header h;
    uint8_t key[FW_ENC_AES_KEY_SIZE];
    int rc = fw_enc_header_decode(d->hdr, sizeof d->hdr, &h);
    int ext = 0;
    if (rc == FW_OK) {
        d->bin_size = h.bin_size;
        rc = header_checks(d, &h, &ext);
    }
    if (rc == FW_OK) {
        memcpy(d->tag, h.tag, sizeof d->tag);
        rc = d->cfg.key->scheme == FW_ENC_SCHEME_RSA3072 ? unwrap_rsa(d, &h, key) : derive_ecies(d, &h, key);
    }
    if (rc == FW_OK && ext) {
        struct fw_enc_ext x;
        rc = fw_enc_ext_decode(&h, &x) == FW_OK ? unwrap_ext(&x, key) : FW_ERR_FORMAT;
        fw_wipe(&x, sizeof x);
    }
    if (rc == FW_OK) rc = key_check(key, d->key_check);
    if (rc == FW_OK && fwd_gcm_decrypt_start(&d->gcm, key, sizeof key, h.iv, sizeof h.iv) != FW_OK)
        rc = FW_ERR_CRYPTO;
    fw_wipe(key, sizeof key);
    /* The wrapped key / server point are no longer needed. */
    fw_wipe(&h, sizeof h);
    fw_wipe(d->hdr, sizeof d->hdr);
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
    if (cfg->key->scheme != FW_ENC_SCHEME_RSA3072 && cfg->key->scheme != FW_ENC_SCHEME_ECIES_P256)
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
 * stream, as the seam's fwd_gcm_update requires) and hand them out. */
static int emit(struct fwd_decrypt *d, const uint8_t *ct, size_t n)
{
    if (fwd_gcm_update(&d->gcm, ct, d->out, n) != FW_OK) return FW_ERR_CRYPTO;
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
        memcpy(d->hdr + d->hdr_len, p, take);
        d->hdr_len += (uint32_t)take;
        /* Reject a wrong magic as soon as a differing byte is in. */
        if (fw_enc_check_magic(d->hdr, d->hdr_len) == FW_ERR_MAGIC) return fail(d, FW_ERR_MAGIC);
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
    uint8_t tag[FW_ENC_TAG_SIZE];
    int rc = fwd_gcm_finish(&d->gcm, tag, sizeof tag) == FW_OK ? FW_OK : FW_ERR_CRYPTO;
    if (rc == FW_OK && !fw_ct_equal(tag, d->tag, sizeof tag)) rc = FW_ERR_AUTH;
    fw_wipe(tag, sizeof tag);
    if (rc != FW_OK) return fail(d, rc);
    fwd_gcm_free(&d->gcm);
    fw_wipe(d->out, sizeof d->out);
    d->state = FWD_DEC_DONE;
    return FW_OK;
}

void fwd_decrypt_abort(struct fwd_decrypt *d)
{
    if (!d) return;
    fwd_gcm_free(&d->gcm);
    fw_wipe(d->hdr, sizeof d->hdr);
    fw_wipe(d->out, sizeof d->out);
    fw_wipe(d->cache, sizeof d->cache);
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

int fwd_decrypt_key_check(const struct fwd_decrypt *d, uint8_t out[32])
{
    if (!d || !out) return FW_ERR_INVALID_ARG;
    if (!fwd_decrypt_header_done(d)) return FW_ERR_STATE;
    memcpy(out, d->key_check, sizeof d->key_check);
    return FW_OK;
}
