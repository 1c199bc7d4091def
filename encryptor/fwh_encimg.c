/* SPDX-License-Identifier: Apache-2.0 */
#include "encryptor/fwh_encimg.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "encryptor/fwh_ecies.h"
#include "encryptor/fwh_fleet.h"
#include "signer/fwh_sign.h"
#include "fw_bytes.h"
#include "fw_enc_ext.h"
#include "fw_err.h"
#include "host/fwh_why.h"


int fwh_encimg_key_scheme(EVP_PKEY *pk, int *scheme, char *why, size_t whylen)
{
    if (!pk) return fwh_why(FW_ERR_KEY, why, whylen, "no key");
    if (EVP_PKEY_is_a(pk, "RSA")) {
        int bits = EVP_PKEY_get_bits(pk);
        if (bits != 3072)
            return fwh_why(FW_ERR_KEY, why, whylen, "RSA-%d key: the container needs RSA-3072 or EC P-256", bits);
        *scheme = FW_ENC_SCHEME_RSA3072;
        return FW_OK;
    }
    if (EVP_PKEY_is_a(pk, "EC")) {
        if (!fwh_ecies_is_p256(pk))
            return fwh_why(FW_ERR_KEY, why, whylen, "EC key on a curve other than P-256 (%d bits): unsupported",
                       EVP_PKEY_get_bits(pk));
        *scheme = FW_ENC_SCHEME_ECIES_P256;
        return FW_OK;
    }
    return fwh_why(FW_ERR_KEY, why, whylen, "%s key: the container needs RSA-3072 or EC P-256",
               EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "unknown");
}

/* AES-256-GCM with the 16-byte IV of the container (J0 via GHASH), no AAD. */
static EVP_CIPHER_CTX *gcm_new(const uint8_t key[32], const uint8_t iv[16], int enc)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) > 0 &&
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, FW_ENC_IV_SIZE, NULL) > 0 &&
        EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) > 0)
        return c;
    EVP_CIPHER_CTX_free(c);
    return NULL;
}

static int gcm_update(EVP_CIPHER_CTX *c, const uint8_t *in, size_t n, uint8_t *out)
{
    while (n) { /* EVP takes int lengths */
        int step = n > (1u << 30) ? (1 << 30) : (int)n, got = 0;
        if (EVP_CipherUpdate(c, out, &got, in, step) <= 0 || got != step) return FW_ERR_CRYPTO;
        in += step; out += step; n -= (size_t)step;
    }
    return FW_OK;
}

/* --- encryption ---------------------------------------------------------- */

static int rsa_wrap(EVP_PKEY *pub, const uint8_t key[32], uint8_t wrapped[384])
{
    size_t len = 384;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    int ok = ctx && EVP_PKEY_encrypt_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
             EVP_PKEY_encrypt(ctx, wrapped, &len, key, 32) > 0 && len == 384;
    EVP_PKEY_CTX_free(ctx);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_encimg_enc_begin(struct fwh_encimg_enc *e, EVP_PKEY *pub)
{
    uint8_t key[32], iv[16], area[384];
    int scheme = 0, rc;
    memset(e, 0, sizeof *e);
    rc = fwh_encimg_key_scheme(pub, &scheme, NULL, 0);
    if (rc != FW_OK) return rc;
    if (RAND_bytes(iv, sizeof iv) != 1) return FW_ERR_CRYPTO;
    if (scheme == FW_ENC_SCHEME_RSA3072) {
        rc = RAND_priv_bytes(key, sizeof key) == 1 ? rsa_wrap(pub, key, area) : FW_ERR_CRYPTO;
        if (rc == FW_OK) fw_enc_header_init_rsa(&e->hdr, area, iv, 0);
    } else {
        rc = fwh_ecies_wrap(pub, key, area, area + 64);
        if (rc == FW_OK) fw_enc_header_init_ecies(&e->hdr, area, area + 64, iv, 0);
    }
    if (rc == FW_OK && !(e->gcm = gcm_new(key, iv, 1))) rc = FW_ERR_CRYPTO;
    OPENSSL_cleanse(key, sizeof key);
    ERR_clear_error();
    return rc;
}

int fwh_encimg_enc_update(struct fwh_encimg_enc *e, const uint8_t *in, size_t n, uint8_t *out)
{
    if (!e->gcm) return FW_ERR_STATE;
    if (n > UINT32_MAX || e->total + n > UINT32_MAX) return FW_ERR_RANGE;
    int rc = gcm_update(e->gcm, in, n, out);
    if (rc == FW_OK) e->total += n;
    return rc;
}

int fwh_encimg_enc_finish(struct fwh_encimg_enc *e, uint8_t header[FW_ENC_HEADER_SIZE])
{
    uint8_t dummy[16];
    int got = 0;
    if (!e->gcm) return FW_ERR_STATE;
    if (EVP_EncryptFinal_ex(e->gcm, dummy, &got) <= 0 || got != 0 ||
        EVP_CIPHER_CTX_ctrl(e->gcm, EVP_CTRL_GCM_GET_TAG, FW_ENC_TAG_SIZE, e->hdr.tag) <= 0)
        return FW_ERR_CRYPTO;
    e->hdr.bin_size = (uint32_t)e->total;
    fw_enc_header_encode(&e->hdr, header);
    return FW_OK;
}

void fwh_encimg_enc_free(struct fwh_encimg_enc *e)
{
    EVP_CIPHER_CTX_free(e->gcm); /* clears the key schedule */
    e->gcm = NULL;
}

/* Encrypt n bytes of buf into buf + CHUNK and write them. */
static int enc_write(struct fwh_encimg_enc *e, uint8_t *buf, size_t n, FILE *out, char *why, size_t whylen)
{
    int rc = fwh_encimg_enc_update(e, buf, n, buf + FWH_ENCIMG_CHUNK);
    if (rc == FW_ERR_RANGE) return fwh_why(rc, why, whylen, "input too large: bin_size is 32-bit (limit 4 GiB - 1)");
    if (rc != FW_OK) return fwh_why(rc, why, whylen, "AES-GCM failed (OpenSSL)");
    if (fwrite(buf + FWH_ENCIMG_CHUNK, 1, n, out) != n) return fwh_why(FW_ERR_IO, why, whylen, "write failed");
    return FW_OK;
}

/* Padding and signature sector after the data (sign + encrypt mode). */
static int sign_tail(struct fwh_encimg_enc *e, struct fwh_signer *sg, const struct fwh_key *const *keys,
                     size_t nkeys, uint8_t *buf, FILE *out, char *why, size_t whylen)
{
    uint64_t pad = fwh_sbv2_pad_len(sg->len);
    uint8_t digest[FW_SBV2_MAX_DIGEST];
    int rc = fwh_signer_update_ff(sg, pad) == FW_OK ? FW_OK : fwh_why(FW_ERR_CRYPTO, why, whylen, "SHA-256 failed");
    memset(buf, 0xFF, (size_t)pad); /* pad < 4096 <= CHUNK */
    if (rc == FW_OK) rc = enc_write(e, buf, (size_t)pad, out, why, whylen);
    if (rc == FW_OK && fwh_signer_digest_len(sg, digest, sizeof digest) != FW_OK)
        rc = fwh_why(FW_ERR_CRYPTO, why, whylen, "image hash failed");
    if (rc == FW_OK) {
        rc = fwh_sbv2_build_sector_len(buf, NULL, keys, nkeys, digest, sg->digest_len, why, whylen);
        if (rc == FW_OK) rc = enc_write(e, buf, FW_SBV2_SECTOR_SIZE, out, why, whylen);
    }
    return rc;
}

static int encrypt_stream(EVP_PKEY *pub, const struct fwh_key *const *keys, size_t nkeys, fwh_source_fn src,
                          void *arg, FILE *out, char *why, size_t whylen)
{
    struct fwh_encimg_enc e;
    struct fwh_signer sg = {0};
    uint8_t hdr[FW_ENC_HEADER_SIZE] = {0};
    uint8_t *buf = malloc(2 * (size_t)FWH_ENCIMG_CHUNK);
    if (!buf) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    /* bytes of each half of buf ever written: only those are wiped (the
     * sign tail uses at most one sector); untouched pages are not faulted in */
    size_t used = FW_SBV2_SECTOR_SIZE;
    int rc = fwh_encimg_enc_begin(&e, pub);
    if (rc != FW_OK) {
        free(buf);
        if (rc == FW_ERR_KEY) return fwh_encimg_key_scheme(pub, &(int){0}, why, whylen);
        return fwh_why(rc, why, whylen, "key setup failed (OpenSSL)");
    }
    /* the digest the keys' scheme signs (SHA-384 for ECDSA P-384) */
    size_t dlen = keys ? fw_sbv2_digest_len(fwh_key_scheme(keys[0])) : 0;
    if (keys && fwh_signer_init_len(&sg, dlen ? dlen : FW_SBV2_DIGEST_SHA256_LEN) != FW_OK)
        rc = fwh_why(FW_ERR_CRYPTO, why, whylen, "image hash setup failed");
    else if (keys && fwh_signer_attach(&sg, keys, nkeys) != FW_OK) rc = fwh_why(FW_ERR_CRYPTO, why, whylen, "too many streaming signers");
    /* Placeholder: the real header (bin_size, tag) is only known at the end. */
    if (rc == FW_OK && fwrite(hdr, 1, sizeof hdr, out) != sizeof hdr) rc = fwh_why(FW_ERR_IO, why, whylen, "write failed");
    while (rc == FW_OK) {
        long got = src(arg, buf, FWH_ENCIMG_CHUNK);
        if (got <= 0) {
            if (got < 0) rc = fwh_why(FW_ERR_IO, why, whylen, "read failed");
            break;
        }
        size_t n = (size_t)got > FWH_ENCIMG_CHUNK ? FWH_ENCIMG_CHUNK : (size_t)got;
        if (n > used) used = n;
        if (keys && fwh_signer_update(&sg, buf, n) != FW_OK) rc = fwh_why(FW_ERR_CRYPTO, why, whylen, "SHA-256 failed");
        if (rc == FW_OK) rc = enc_write(&e, buf, n, out, why, whylen);
    }
    if (rc == FW_OK && keys) rc = sign_tail(&e, &sg, keys, nkeys, buf, out, why, whylen);
    if (rc == FW_OK && fwh_encimg_enc_finish(&e, hdr) != FW_OK) rc = fwh_why(FW_ERR_CRYPTO, why, whylen, "AES-GCM failed");
    if (rc == FW_OK && (fflush(out) != 0 || fseeko(out, 0, SEEK_SET) != 0 || fwrite(hdr, 1, sizeof hdr, out) != sizeof hdr ||
                        fseeko(out, 0, SEEK_END) != 0))
        rc = fwh_why(FW_ERR_IO, why, whylen, "cannot rewrite the header (output must be a seekable file)");
    if (keys) fwh_signer_free(&sg);
    fwh_encimg_enc_free(&e);
    OPENSSL_cleanse(buf, used);
    OPENSSL_cleanse(buf + FWH_ENCIMG_CHUNK, used);
    free(buf);
    return rc;
}

/* A FILE as a source. */
static long file_source(void *arg, uint8_t *buf, size_t n)
{
    FILE *in = arg;
    size_t got = fread(buf, 1, n, in);
    return got == 0 && ferror(in) ? -1 : (long)got;
}

int fwh_encimg_encrypt_source(EVP_PKEY *pub, const struct fwh_key *const *keys, size_t nkeys, fwh_source_fn src,
                              void *arg, FILE *out, char *why, size_t whylen)
{
    if (!src || (keys && nkeys == 0) || (!keys && nkeys)) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "bad arguments");
    return encrypt_stream(pub, keys, nkeys, src, arg, out, why, whylen);
}

int fwh_encimg_encrypt_file(EVP_PKEY *pub, FILE *in, FILE *out, char *why, size_t whylen)
{
    return encrypt_stream(pub, NULL, 0, file_source, in, out, why, whylen);
}

int fwh_encimg_sign_encrypt_file(EVP_PKEY *pub, const struct fwh_key *const *keys, size_t nkeys, FILE *in,
                                 FILE *out, char *why, size_t whylen)
{
    if (!keys || nkeys == 0) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "no signing key");
    return encrypt_stream(pub, keys, nkeys, file_source, in, out, why, whylen);
}

/* --- decryption ---------------------------------------------------------- */

/* Constant-time select: out = good ? a : b, with good in {0, 1}. */
static void ct_select(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n, unsigned good)
{
    uint8_t mask = (uint8_t)(0u - (good & 1u));
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)((a[i] & mask) | (b[i] & (uint8_t)~mask));
}

static unsigned ct_eq_size(size_t a, size_t b)
{
    size_t x = a ^ b;
    /* 1 if x == 0: (x | -x) has its top bit set iff x != 0. */
    return (unsigned)(1u ^ ((x | (0 - x)) >> (sizeof(size_t) * 8 - 1)));
}

static int rsa_unwrap(EVP_PKEY *priv, const uint8_t wrapped[384], uint8_t key[32])
{
    uint8_t out[512], fallback[32];
    size_t len = sizeof out;
    if (RAND_priv_bytes(fallback, sizeof fallback) != 1) return FW_ERR_CRYPTO;
    memset(out, 0, sizeof out);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
    if (!ctx || EVP_PKEY_decrypt_init(ctx) <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) {
        EVP_PKEY_CTX_free(ctx);
        OPENSSL_cleanse(fallback, sizeof fallback);
        return FW_ERR_CRYPTO;
    }
    unsigned ok = (unsigned)(EVP_PKEY_decrypt(ctx, out, &len, wrapped, 384) > 0);
    ok &= ct_eq_size(len, 32);
    ct_select(key, out, fallback, 32, ok);
    EVP_PKEY_CTX_free(ctx);
    OPENSSL_cleanse(out, sizeof out);
    OPENSSL_cleanse(fallback, sizeof fallback);
    ERR_clear_error();
    return FW_OK;
}

static int ecies_unwrap(const uint8_t hmac_key[32], const struct fw_enc_header *h, uint8_t key[32])
{
    EVP_PKEY *dev = NULL, *srv = NULL;
    int rc = fwh_ecies_point_to_pkey(fw_enc_server_pub(h), &srv);
    if (rc == FW_ERR_KEY) return FW_ERR_FORMAT; /* the header is bad, not our key */
    if (rc == FW_OK) rc = fwh_ecies_device_key(hmac_key, &dev);
    if (rc == FW_OK) rc = fwh_ecies_derive(dev, srv, fw_enc_kdf_salt(h), key);
    EVP_PKEY_free(dev);
    EVP_PKEY_free(srv);
    /* Shared-body header (docs/formats.md §9): the derived key only wraps the
     * content key; a wrong key or an altered header fails the wrap tag here. */
    struct fw_enc_ext x;
    if (rc == FW_OK && fw_enc_ext_decode(h, &x) == FW_OK) {
        uint8_t kek[32];
        memcpy(kek, key, sizeof kek);
        rc = fwh_fleet_ext_unwrap(kek, &x, key);
        OPENSSL_cleanse(kek, sizeof kek);
    }
    return rc;
}

int fwh_encimg_dec_begin(struct fwh_encimg_dec *d, const struct fwh_encimg_key *k, const struct fw_enc_header *h)
{
    uint8_t key[32];
    int rc;
    memset(d, 0, sizeof *d);
    if (k->scheme == FW_ENC_SCHEME_RSA3072) {
        if (!k->rsa_priv) return FW_ERR_INVALID_ARG;
        rc = rsa_unwrap(k->rsa_priv, h->key_area, key);
    } else if (k->scheme == FW_ENC_SCHEME_ECIES_P256) {
        rc = ecies_unwrap(k->hmac_key, h, key);
    } else {
        return FW_ERR_INVALID_ARG;
    }
    if (rc == FW_OK) {
        d->gcm = gcm_new(key, h->iv, 0);
        if (!d->gcm) rc = FW_ERR_CRYPTO;
        memcpy(d->tag, h->tag, sizeof d->tag);
    }
    OPENSSL_cleanse(key, sizeof key);
    ERR_clear_error();
    return rc;
}

int fwh_encimg_dec_update(struct fwh_encimg_dec *d, const uint8_t *in, size_t n, uint8_t *out)
{
    if (!d->gcm) return FW_ERR_STATE;
    return gcm_update(d->gcm, in, n, out);
}

int fwh_encimg_dec_finish(struct fwh_encimg_dec *d)
{
    uint8_t dummy[16];
    int got = 0;
    if (!d->gcm) return FW_ERR_STATE;
    if (EVP_CIPHER_CTX_ctrl(d->gcm, EVP_CTRL_GCM_SET_TAG, FW_ENC_TAG_SIZE, d->tag) <= 0) return FW_ERR_CRYPTO;
    int ok = EVP_DecryptFinal_ex(d->gcm, dummy, &got) > 0;
    ERR_clear_error();
    return ok ? FW_OK : FW_ERR_AUTH;
}

void fwh_encimg_dec_free(struct fwh_encimg_dec *d)
{
    EVP_CIPHER_CTX_free(d->gcm);
    d->gcm = NULL;
}

static int read_header(FILE *in, struct fw_enc_header *h, char *why, size_t whylen)
{
    uint8_t buf[FW_ENC_HEADER_SIZE];
    size_t n = fread(buf, 1, sizeof buf, in);
    if (n < sizeof buf && ferror(in)) return fwh_why(FW_ERR_IO, why, whylen, "read failed");
    int rc = fw_enc_header_decode(buf, n, h);
    if (rc == FW_ERR_MAGIC)
        return fwh_why(rc, why, whylen, "bad magic: not an ESP encrypted image (want CF B6 88 07)");
    if (rc == FW_ERR_TRUNCATED)
        return fwh_why(rc, why, whylen, "truncated header: %zu of %u bytes", n, FW_ENC_HEADER_SIZE);
    return rc;
}

static int check_header(const struct fwh_encimg_key *k, const struct fw_enc_header *h, char *why, size_t whylen)
{
    /* 288 zero bytes inside an RSA-3072 ciphertext do not happen by chance. */
    if (k->scheme == FW_ENC_SCHEME_RSA3072 && fw_enc_looks_like_ecies(h))
        return fwh_why(FW_ERR_KEY, why, whylen, "this is an ECIES-P256 container (bytes 100..387 zero): use --hmac-key");
    struct fw_enc_ext x;
    int ext = fw_enc_ext_decode(h, &x);
    if (ext != FW_ERR_NOT_FOUND) {   /* an FWSX shared-body header (docs/formats.md §9) */
        if (k->scheme != FW_ENC_SCHEME_ECIES_P256)
            return fwh_why(FW_ERR_KEY, why, whylen, "this is a shared-body ECIES-P256 header (fwseal extension FWSX): use --hmac-key");
        if (ext == FW_ERR_UNSUPPORTED) return fwh_why(FW_ERR_FORMAT, why, whylen, "FWSX header extension of an unknown version");
        if (ext != FW_OK) return fwh_why(FW_ERR_FORMAT, why, whylen, "FWSX header extension: bytes that must be zero are not");
        return FW_OK;
    }
    if (fw_enc_header_check_strict(h, k->scheme) != FW_OK) {
        if (k->scheme == FW_ENC_SCHEME_ECIES_P256 && !fw_enc_looks_like_ecies(h))
            return fwh_why(FW_ERR_FORMAT, why, whylen,
                       "header bytes 100..387 are not zero: not an ECIES container (RSA? use --key)");
        return fwh_why(FW_ERR_FORMAT, why, whylen, "reserved header bytes 424..511 are not zero");
    }
    return FW_OK;
}

static int key_error(const struct fwh_encimg_key *k, int rc, char *why, size_t whylen)
{
    if (rc == FW_ERR_FORMAT)
        return fwh_why(rc, why, whylen, "ECIES server public key (header bytes 4..67) is not a valid P-256 point");
    if (rc == FW_ERR_KEY && k->scheme == FW_ENC_SCHEME_ECIES_P256)
        return fwh_why(rc, why, whylen, "the HMAC key derives an out-of-range device scalar (not a usable device key)");
    if (rc == FW_ERR_KEY) return fwh_why(rc, why, whylen, "RSA key unwrap failed");
    if (rc == FW_ERR_AUTH)
        return fwh_why(rc, why, whylen, "FWSX wrapped content key: tag mismatch (wrong key or tampered header)");
    return fwh_why(rc, why, whylen, "key setup failed (OpenSSL)");
}

/* Body: exactly bin_size bytes, then end of stream. */
static int stream_body(struct fwh_encimg_dec *d, uint32_t bin_size, FILE *in, fwh_sink_fn sink, void *arg,
                       uint8_t *buf, char *why, size_t whylen)
{
    uint64_t left = bin_size;
    while (left) {
        size_t want = left < FWH_ENCIMG_CHUNK ? (size_t)left : FWH_ENCIMG_CHUNK;
        size_t n = fread(buf, 1, want, in);
        if (n == 0) {
            if (ferror(in)) return fwh_why(FW_ERR_IO, why, whylen, "read failed");
            return fwh_why(FW_ERR_TRUNCATED, why, whylen, "truncated body: %llu of %u ciphertext bytes (header bin_size)",
                       (unsigned long long)(bin_size - left), bin_size);
        }
        int rc = fwh_encimg_dec_update(d, buf, n, buf + FWH_ENCIMG_CHUNK);
        if (rc != FW_OK) return fwh_why(rc, why, whylen, "AES-GCM failed (OpenSSL)");
        rc = sink ? sink(arg, buf + FWH_ENCIMG_CHUNK, n) : FW_OK;
        if (rc != FW_OK) return fwh_why(rc, why, whylen, "output failed: %s", fw_strerror(rc));
        left -= n;
    }
    if (fgetc(in) != EOF) {
        uint64_t extra = 1;
        size_t n;
        while ((n = fread(buf, 1, FWH_ENCIMG_CHUNK, in)) > 0) extra += n;
        return fwh_why(FW_ERR_FORMAT, why, whylen, "%llu trailing bytes after the %u-byte body (header bin_size)",
                   (unsigned long long)extra, bin_size);
    }
    if (ferror(in)) return fwh_why(FW_ERR_IO, why, whylen, "read failed");
    return FW_OK;
}

int fwh_encimg_decrypt_stream(const struct fwh_encimg_key *k, FILE *in, fwh_sink_fn sink, void *arg,
                              struct fw_enc_header *hout, char *why, size_t whylen)
{
    struct fw_enc_header h;
    struct fwh_encimg_dec d = {0};
    int rc = read_header(in, &h, why, whylen);
    if (rc == FW_OK && hout) *hout = h;
    if (rc == FW_OK) rc = check_header(k, &h, why, whylen);
    if (rc != FW_OK) return rc;
    uint8_t *buf = malloc(2 * (size_t)FWH_ENCIMG_CHUNK);
    if (!buf) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    rc = fwh_encimg_dec_begin(&d, k, &h);
    if (rc != FW_OK) rc = key_error(k, rc, why, whylen);
    if (rc == FW_OK) rc = stream_body(&d, h.bin_size, in, sink, arg, buf, why, whylen);
    if (rc == FW_OK) {
        rc = fwh_encimg_dec_finish(&d);
        if (rc == FW_ERR_AUTH)
            fwh_why(rc, why, whylen, "%s", k->scheme == FW_ENC_SCHEME_RSA3072
                    ? "GCM tag mismatch: wrong key or tampered data (a failed RSA key unwrap is reported the same way)"
                    : "GCM tag mismatch: wrong key or tampered data");
        else if (rc != FW_OK)
            fwh_why(rc, why, whylen, "AES-GCM failed (OpenSSL)");
    }
    fwh_encimg_dec_free(&d);
    OPENSSL_cleanse(buf, 2 * (size_t)FWH_ENCIMG_CHUNK);
    free(buf);
    return rc;
}

int fwh_encimg_inspect(FILE *in, struct fwh_encimg_info *ci, char *why, size_t whylen)
{
    uint8_t buf[4096];
    memset(ci, 0, sizeof *ci);
    size_t n = fread(buf, 1, FW_ENC_HEADER_SIZE, in);
    ci->total = n;
    if (n < FW_ENC_HEADER_SIZE && ferror(in)) return fwh_why(FW_ERR_IO, why, whylen, "read failed");
    int rc = fw_enc_header_decode(buf, n, &ci->h);
    if (rc == FW_ERR_MAGIC) return fwh_why(rc, why, whylen, "bad magic: not an ESP encrypted image (want CF B6 88 07)");
    if (rc != FW_OK) return fwh_why(rc, why, whylen, "truncated header: %zu of %u bytes", n, FW_ENC_HEADER_SIZE);
    ci->header_ok = 1;
    struct fw_enc_ext x;
    int ext = fw_enc_ext_decode(&ci->h, &x);
    ci->scheme_guess = fw_enc_looks_like_ecies(&ci->h) || ext != FW_ERR_NOT_FOUND ? FW_ENC_SCHEME_ECIES_P256
                                                                                    : FW_ENC_SCHEME_RSA3072;
    ci->shared_ext = ext != FW_ERR_NOT_FOUND;
    ci->reserved_ok = ci->shared_ext ? ext == FW_OK : fw_enc_header_check_strict(&ci->h, ci->scheme_guess) == FW_OK;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) ci->total += n;
    if (ferror(in)) return fwh_why(FW_ERR_IO, why, whylen, "read failed");
    rc = fw_enc_check_total_len(&ci->h, ci->total);
    ci->length_ok = rc == FW_OK;
    if (rc == FW_ERR_TRUNCATED)
        return fwh_why(rc, why, whylen, "truncated body: %llu of %u ciphertext bytes (header bin_size)",
                   (unsigned long long)(ci->total - FW_ENC_HEADER_SIZE), ci->h.bin_size);
    if (rc != FW_OK)
        return fwh_why(rc, why, whylen, "%llu trailing bytes after the %u-byte body (header bin_size)",
                   (unsigned long long)(ci->total - FW_ENC_HEADER_SIZE - ci->h.bin_size), ci->h.bin_size);
    if (!ci->reserved_ok) return fwh_why(FW_ERR_FORMAT, why, whylen, "reserved header bytes 424..511 are not zero");
    return FW_OK;
}
