/* SPDX-License-Identifier: Apache-2.0 */
/* The crypto seam (device/fwd_crypto.h) checked against an independent
 * implementation, OpenSSL 3: every primitive on the same inputs gives the same
 * bytes, the error contract holds (bad key / point / length), the RSA unwrap
 * keeps its implicit-rejection output exactly (a fake key derived from the
 * private exponent), and the signature scheme tables of the device and the
 * host agree with common/fw_sbv2. A port that brings its own backend runs
 * this first (docs/porting.md §7.1). */
#include "testutil.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "device/fwd_crypto.h"
#include "device/fwd_efuse.h"
#include "device/fwd_sig.h"
#include "fw_err.h"
#include "fw_sbv2.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_sig.h"

/* Deterministic filler (xorshift32): reproducible inputs, no RNG needed. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        p[i] = (uint8_t)(x >> 24);
    }
}

static int test_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    static uint32_t seed = 7;
    fill(buf, len, seed++);
    return 0;
}
static const struct fwd_random rng = { test_rng, NULL };

static EVP_PKEY *load_pem(const char *rel)
{
    size_t len;
    uint8_t *pem = tu_read(tu_vector(rel), &len);
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    free(pem);
    assert_non_null(k);
    return k;
}

/* ---- hashes ------------------------------------------------------------------ */

static void ossl_digest(const EVP_MD *md, const uint8_t *p, size_t n, uint8_t *out)
{
    unsigned len = 0;
    assert_int_equal(EVP_Digest(p, n, out, &len, md, NULL), 1);
}

static void hashes_match_openssl(void **state)
{
    (void)state;
    static const size_t sizes[] = { 0, 1, 55, 56, 63, 64, 65, 111, 112, 128, 1000, 4099 };
    static uint8_t data[4099];
    const struct { enum fwd_hash_alg alg; const EVP_MD *(*md)(void); } algs[] = {
        { FWD_HASH_SHA256, EVP_sha256 }, { FWD_HASH_SHA384, EVP_sha384 } };
    fill(data, sizeof data, 1);
    for (size_t a = 0; a < 2; a++) {
        size_t dl = fwd_hash_len(algs[a].alg);
        assert_int_equal(dl, (size_t)EVP_MD_get_size(algs[a].md()));
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            uint8_t want[FWD_HASH_MAX_LEN], got[FWD_HASH_MAX_LEN], prefix[FWD_HASH_MAX_LEN];
            size_t n = sizes[i], cut = n / 3;
            ossl_digest(algs[a].md(), data, n, want);
            assert_int_equal(fwd_hash(algs[a].alg, data, n, got, sizeof got), FW_OK);
            assert_memory_equal(got, want, dl);
            /* streaming in uneven pieces, with a clone at `cut` bytes */
            struct fwd_hash_ctx c, snap;
            assert_int_equal(fwd_hash_start(&c, algs[a].alg), FW_OK);
            assert_int_equal(fwd_hash_update(&c, data, cut), FW_OK);
            assert_int_equal(fwd_hash_clone(&snap, &c), FW_OK);
            for (size_t off = cut; off < n; off += 7)
                assert_int_equal(fwd_hash_update(&c, data + off, n - off < 7 ? n - off : 7), FW_OK);
            assert_int_equal(fwd_hash_finish(&c, got, dl), FW_OK);
            assert_memory_equal(got, want, dl);
            assert_int_equal(fwd_hash_finish(&snap, prefix, dl), FW_OK);
            ossl_digest(algs[a].md(), data, cut, want);
            assert_memory_equal(prefix, want, dl);
        }
    }
    uint8_t out[64];
    struct fwd_hash_ctx c;
    assert_int_equal(fwd_hash(FWD_HASH_SHA384, data, 3, out, 47), FW_ERR_INVALID_ARG);  /* too short */
    assert_int_equal(fwd_hash_start(&c, FWD_HASH_NONE), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_hash_len(FWD_HASH_NONE), 0);
    assert_int_equal(fwd_md5(data, 1000, out), FW_OK);
    ossl_digest(EVP_md5(), data, 1000, out + 16);
    assert_memory_equal(out, out + 16, FWD_MD5_LEN);
}

/* ---- MAC / KDF --------------------------------------------------------------------- */

static void hkdf_openssl(const uint8_t *salt, size_t sl, const uint8_t *ikm, size_t il, const uint8_t *info,
                         size_t nl, uint8_t *out, size_t ol)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    assert_non_null(c);
    assert_true(EVP_PKEY_derive_init(c) > 0 && EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0 &&
                EVP_PKEY_CTX_set1_hkdf_salt(c, salt, (int)sl) > 0 && EVP_PKEY_CTX_set1_hkdf_key(c, ikm, (int)il) > 0 &&
                EVP_PKEY_CTX_add1_hkdf_info(c, info, (int)nl) > 0 && EVP_PKEY_derive(c, out, &ol) > 0);
    EVP_PKEY_CTX_free(c);
}

static void macs_and_kdfs_match_openssl(void **state)
{
    (void)state;
    uint8_t key[70], msg[300], salt[32], want[80], got[80];
    fill(key, sizeof key, 2);
    fill(msg, sizeof msg, 3);
    fill(salt, sizeof salt, 4);
    unsigned wl = 0;
    for (size_t kl = 0; kl <= sizeof key; kl += 35) {   /* 0, 35, 70 (longer than a block) */
        assert_non_null(HMAC(EVP_sha256(), key, (int)kl, msg, sizeof msg, want, &wl));
        assert_int_equal(fwd_hmac_sha256(key, kl, msg, sizeof msg, got), FW_OK);
        assert_memory_equal(got, want, 32);
    }
    /* PBKDF2 with the ECIES parameters (2048 iterations, 32 bytes) and a long output */
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)key, 32, salt, 32, 2048, EVP_sha256(), 32, want), 1);
    assert_int_equal(fwd_pbkdf2_sha256(key, 32, salt, 32, 2048, got, 32), FW_OK);
    assert_memory_equal(got, want, 32);
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)key, 5, salt, 7, 3, EVP_sha256(), 80, want), 1);
    assert_int_equal(fwd_pbkdf2_sha256(key, 5, salt, 7, 3, got, 80), FW_OK);
    assert_memory_equal(got, want, 80);
    /* HKDF as the container uses it (16-byte info, 32-byte key) and longer */
    hkdf_openssl(salt, 32, key, 32, msg, 16, want, 32);
    assert_int_equal(fwd_hkdf_sha256(salt, 32, key, 32, msg, 16, got, 32), FW_OK);
    assert_memory_equal(got, want, 32);
    hkdf_openssl(salt, 13, key, 70, msg, 40, want, 80);
    assert_int_equal(fwd_hkdf_sha256(salt, 13, key, 70, msg, 40, got, 80), FW_OK);
    assert_memory_equal(got, want, 80);
}

/* ---- AES ----------------------------------------------------------------------------- */

static void gcm_matches_openssl(void **state)
{
    (void)state;
    uint8_t key[32], iv[16], pt[1000], ct[1000], out[1000], tag[16], got_tag[16];
    fill(key, sizeof key, 5);
    fill(iv, sizeof iv, 6);
    fill(pt, sizeof pt, 7);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    assert_true(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
                EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) == 1 &&
                EVP_EncryptInit_ex(c, NULL, NULL, key, iv) == 1 &&
                EVP_EncryptUpdate(c, ct, &n, pt, sizeof pt) == 1 && EVP_EncryptFinal_ex(c, ct + n, &m) == 1 &&
                EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1);
    EVP_CIPHER_CTX_free(c);
    struct fwd_gcm_ctx g;
    memset(&g, 0, sizeof g);
    assert_int_equal(fwd_gcm_decrypt_start(&g, key, sizeof key, iv, sizeof iv), FW_OK);
    size_t off = 0;
    while (off < sizeof ct) {               /* multiples of 16, then the tail */
        size_t step = sizeof ct - off >= 48 ? 48 : sizeof ct - off;
        assert_int_equal(fwd_gcm_update(&g, ct + off, out + off, step), FW_OK);
        off += step;
    }
    assert_int_equal(fwd_gcm_finish(&g, got_tag, sizeof got_tag), FW_OK);
    fwd_gcm_free(&g);
    fwd_gcm_free(&g);                       /* idempotent */
    assert_memory_equal(out, pt, sizeof pt);
    assert_memory_equal(got_tag, tag, sizeof tag);
    assert_int_equal(fwd_gcm_decrypt_start(&g, key, 20, iv, sizeof iv), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_gcm_update(&g, ct, out, 16), FW_ERR_STATE);
    /* the encrypting direction (a resume regenerates ciphertext with it):
     * OpenSSL's ciphertext and tag, in place */
    memcpy(out, pt, sizeof pt);
    memset(&g, 0, sizeof g);
    assert_int_equal(fwd_gcm_encrypt_start(&g, key, sizeof key, iv, sizeof iv), FW_OK);
    for (off = 0; off < sizeof out; off += 48) {
        size_t step = sizeof out - off >= 48 ? 48 : sizeof out - off;
        assert_int_equal(fwd_gcm_update(&g, out + off, out + off, step), FW_OK);
    }
    assert_int_equal(fwd_gcm_finish(&g, got_tag, sizeof got_tag), FW_OK);
    fwd_gcm_free(&g);
    assert_memory_equal(out, ct, sizeof ct);
    assert_memory_equal(got_tag, tag, sizeof tag);
    assert_int_equal(fwd_gcm_encrypt_start(&g, key, 20, iv, sizeof iv), FW_ERR_INVALID_ARG);
    fwd_gcm_free(&g);
}

static void xts_matches_openssl(void **state)
{
    (void)state;
    for (size_t kl = 32; kl <= 64; kl += 32) {
        uint8_t key[64], tweak[16], pt[128], ct[128], got[128];
        fill(key, sizeof key, (uint32_t)kl);
        fill(tweak, sizeof tweak, 9);
        fill(pt, sizeof pt, 10);
        for (size_t len = 32; len <= 128; len += 96) {
            EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
            int n = 0;
            assert_true(EVP_EncryptInit_ex(c, kl == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts(), NULL, key, tweak) == 1 &&
                        EVP_EncryptUpdate(c, ct, &n, pt, (int)len) == 1 && n == (int)len);
            EVP_CIPHER_CTX_free(c);
            struct fwd_xts_ctx e, d;
            assert_int_equal(fwd_xts_init(&e, FWD_XTS_ENCRYPT, key, kl), FW_OK);
            assert_int_equal(fwd_xts_init(&d, FWD_XTS_DECRYPT, key, kl), FW_OK);
            assert_int_equal(fwd_xts_crypt(&e, tweak, pt, got, len), FW_OK);
            assert_memory_equal(got, ct, len);
            assert_int_equal(fwd_xts_crypt(&d, tweak, got, got, len), FW_OK);   /* in place */
            assert_memory_equal(got, pt, len);
            fwd_xts_free(&e);
            fwd_xts_free(&d);
            assert_int_equal(fwd_xts_crypt(&e, tweak, pt, got, len), FW_ERR_STATE);
        }
    }
    struct fwd_xts_ctx x;
    uint8_t k[48] = { 0 };
    assert_int_equal(fwd_xts_init(&x, FWD_XTS_ENCRYPT, k, sizeof k), FW_ERR_INVALID_ARG);
}

/* ---- public-key verification -------------------------------------------------------- */

static void rsa_pss_verify_matches_openssl(void **state)
{
    (void)state;
    EVP_PKEY *k = load_pem("secure_boot_v2/sb_rsa3072_key1.pem");
    uint8_t n[384], digest[32], sig[384];
    BIGNUM *bn = NULL, *be = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &be), 1);
    assert_int_equal(BN_bn2binpad(bn, n, sizeof n), (int)sizeof n);
    uint32_t e = (uint32_t)BN_get_word(be);
    fill(digest, sizeof digest, 11);
    for (int salt = 31; salt <= 33; salt++) {
        size_t sl = sizeof sig;
        EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
        assert_true(EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
                    EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0 &&
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(c, salt) > 0 && EVP_PKEY_sign(c, sig, &sl, digest, sizeof digest) > 0);
        EVP_PKEY_CTX_free(c);
        int rc = fwd_rsa_pss_verify(n, sizeof n, e, FWD_HASH_SHA256, 32, digest, sizeof digest, sig, sizeof sig);
        assert_int_equal(rc, salt == 32 ? FW_OK : FW_ERR_SIGNATURE);    /* salt exactly 32 */
    }
    sig[100] ^= 1;
    assert_int_equal(fwd_rsa_pss_verify(n, sizeof n, e, FWD_HASH_SHA256, 32, digest, 32, sig, sizeof sig),
                     FW_ERR_SIGNATURE);
    assert_int_equal(fwd_rsa_pss_verify(n, sizeof n, e, FWD_HASH_SHA256, 32, digest, 31, sig, sizeof sig),
                     FW_ERR_INVALID_ARG);
    n[0] &= 0x7F;                            /* 3071-bit modulus: not a 3072-bit key */
    assert_int_equal(fwd_rsa_pss_verify(n, sizeof n, e, FWD_HASH_SHA256, 32, digest, 32, sig, sizeof sig), FW_ERR_KEY);
    BN_free(bn);
    BN_free(be);
    EVP_PKEY_free(k);
}

/* r, s big-endian from an OpenSSL ECDSA DER signature. */
static void der_rs(const uint8_t *der, size_t len, uint8_t r[32], uint8_t s[32])
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    const BIGNUM *br, *bs;
    assert_non_null(es);
    ECDSA_SIG_get0(es, &br, &bs);
    assert_int_equal(BN_bn2binpad(br, r, 32), 32);
    assert_int_equal(BN_bn2binpad(bs, s, 32), 32);
    ECDSA_SIG_free(es);
}

static void ecdsa_verify_matches_openssl(void **state)
{
    (void)state;
    EVP_PKEY *k = load_pem("secure_boot_v2/sb_ecdsa256_key.pem");
    uint8_t xy[65], digest[32], der[80], r[32], s[32];
    size_t xl = 0, dl = sizeof der;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, xy, sizeof xy, &xl), 1);
    assert_int_equal(xl, 65);
    fill(digest, sizeof digest, 12);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
    assert_true(EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_sign(c, der, &dl, digest, sizeof digest) > 0);
    EVP_PKEY_CTX_free(c);
    der_rs(der, dl, r, s);
    assert_int_equal(fwd_ecdsa_verify(FWD_EC_P256, xy + 1, 64, digest, 32, r, s, 32), FW_OK);
    digest[0] ^= 1;
    assert_int_equal(fwd_ecdsa_verify(FWD_EC_P256, xy + 1, 64, digest, 32, r, s, 32), FW_ERR_SIGNATURE);
    digest[0] ^= 1;
    uint8_t zero[32] = { 0 };
    assert_int_equal(fwd_ecdsa_verify(FWD_EC_P256, xy + 1, 64, digest, 32, zero, s, 32), FW_ERR_SIGNATURE);
    xy[64] ^= 1;                             /* off the curve */
    assert_int_equal(fwd_ecdsa_verify(FWD_EC_P256, xy + 1, 64, digest, 32, r, s, 32), FW_ERR_KEY);
    assert_int_equal(fwd_ecdsa_verify(FWD_EC_NONE, xy + 1, 64, digest, 32, r, s, 32), FW_ERR_INVALID_ARG);
    EVP_PKEY_free(k);
}

/* ---- private keys -------------------------------------------------------------------------- */

static void load_rsa_priv(struct fwd_rsa_priv *k, const char *rel)
{
    size_t len;
    uint8_t *pem = tu_read(tu_vector(rel), &len);
    uint8_t *z = realloc(pem, len + 1);
    assert_non_null(z);
    z[len] = 0;
    fwd_rsa_priv_init(k);
    assert_int_equal(fwd_rsa_priv_load(k, z, len + 1, 3072), FW_OK);
    free(z);
}

/* HMAC-SHA256(HMAC-SHA256(D, label), in): the documented fake key. */
static void expected_fake(EVP_PKEY *pk, const uint8_t *in, size_t in_len, uint8_t out[32])
{
    static const char label[] = "fwseal rsa implicit rejection v1";
    BIGNUM *d = NULL;
    uint8_t dbuf[384], secret[32];
    unsigned l = 0;
    assert_int_equal(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_D, &d), 1);
    assert_int_equal(BN_bn2binpad(d, dbuf, sizeof dbuf), (int)sizeof dbuf);
    assert_non_null(HMAC(EVP_sha256(), dbuf, sizeof dbuf, (const uint8_t *)label, sizeof label - 1, secret, &l));
    assert_non_null(HMAC(EVP_sha256(), secret, sizeof secret, in, in_len, out, &l));
    BN_clear_free(d);
}

static void rsa_encrypt(EVP_PKEY *pk, const uint8_t *msg, size_t len, uint8_t out[384])
{
    size_t ol = 384;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    assert_true(EVP_PKEY_encrypt_init(c) > 0 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0 &&
                EVP_PKEY_encrypt(c, out, &ol, msg, len) > 0 && ol == 384);
    EVP_PKEY_CTX_free(c);
}

static void rsa_unwrap_with_implicit_rejection(void **state)
{
    (void)state;
    struct fwd_rsa_priv k;
    load_rsa_priv(&k, "secure_boot_v2/sb_rsa3072_key2.pem");
    EVP_PKEY *pk = load_pem("secure_boot_v2/sb_rsa3072_key2.pem");
    uint8_t aes[32], wrapped[384], out[32], again[32], fake[32];
    fill(aes, sizeof aes, 13);
    rsa_encrypt(pk, aes, sizeof aes, wrapped);
    assert_int_equal(fwd_rsa_unwrap_key(&k, &rng, wrapped, sizeof wrapped, out, sizeof out), FW_OK);
    assert_memory_equal(out, aes, sizeof aes);
    /* a 31-byte payload is not a key: the fake one comes out, no error */
    rsa_encrypt(pk, aes, 31, wrapped);
    assert_int_equal(fwd_rsa_unwrap_key(&k, &rng, wrapped, sizeof wrapped, out, sizeof out), FW_OK);
    expected_fake(pk, wrapped, sizeof wrapped, fake);
    assert_memory_equal(out, fake, sizeof fake);
    /* bad padding: the same, deterministically */
    rsa_encrypt(pk, aes, sizeof aes, wrapped);
    wrapped[383] ^= 0x5A;
    assert_int_equal(fwd_rsa_unwrap_key(&k, &rng, wrapped, sizeof wrapped, out, sizeof out), FW_OK);
    assert_int_equal(fwd_rsa_unwrap_key(&k, &rng, wrapped, sizeof wrapped, again, sizeof again), FW_OK);
    expected_fake(pk, wrapped, sizeof wrapped, fake);
    assert_memory_equal(out, fake, sizeof fake);
    assert_memory_equal(again, fake, sizeof fake);
    assert_int_equal(fwd_rsa_unwrap_key(&k, &rng, wrapped, 383, out, sizeof out), FW_ERR_INVALID_ARG);
    fwd_rsa_priv_free(&k);
    assert_int_equal(fwd_rsa_unwrap_key(&k, &rng, wrapped, sizeof wrapped, out, sizeof out), FW_ERR_INVALID_ARG);
    /* an EC key or a wrong size is refused at load */
    size_t len;
    uint8_t *pem = tu_read(tu_vector("secure_boot_v2/sb_ecdsa256_key.pem"), &len);
    uint8_t *z = realloc(pem, len + 1);
    z[len] = 0;
    fwd_rsa_priv_init(&k);
    assert_int_equal(fwd_rsa_priv_load(&k, z, len + 1, 3072), FW_ERR_KEY);
    free(z);
    EVP_PKEY_free(pk);
}

static void ecdh_matches_openssl(void **state)
{
    (void)state;
    EVP_PKEY *dev = load_pem("secure_boot_v2/sb_ecdsa256_key.pem");
    EVP_PKEY *peer = load_pem("secure_boot_v2/sb_ecdsa256_wrong.pem");
    BIGNUM *d = NULL;
    uint8_t dbe[32], pxy[65], want[32], got[32];
    size_t pl = 0, wl = sizeof want;
    assert_int_equal(EVP_PKEY_get_bn_param(dev, OSSL_PKEY_PARAM_PRIV_KEY, &d), 1);
    assert_int_equal(BN_bn2binpad(d, dbe, sizeof dbe), 32);
    assert_int_equal(EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, pxy, sizeof pxy, &pl), 1);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, dev, NULL);
    assert_true(EVP_PKEY_derive_init(c) > 0 && EVP_PKEY_derive_set_peer(c, peer) > 0 && EVP_PKEY_derive(c, want, &wl) > 0);
    EVP_PKEY_CTX_free(c);
    struct fwd_ec_priv k;
    fwd_ec_priv_init(&k);
    assert_int_equal(fwd_ec_priv_load(&k, FWD_EC_P256, dbe, sizeof dbe), FW_OK);
    assert_int_equal(fwd_ecdh_shared_x(&k, &rng, pxy + 1, 64, got, sizeof got), FW_OK);
    assert_memory_equal(got, want, 32);
    pxy[40] ^= 1;                           /* off the curve */
    assert_int_equal(fwd_ecdh_shared_x(&k, &rng, pxy + 1, 64, got, sizeof got), FW_ERR_KEY);
    fwd_ec_priv_free(&k);
    /* no reduction mod n: 0 and n itself are bad keys */
    uint8_t zero[32] = { 0 }, order[32];
    BIGNUM *n = BN_new();
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    assert_int_equal(EC_GROUP_get_order(g, n, NULL), 1);
    assert_int_equal(BN_bn2binpad(n, order, sizeof order), 32);
    assert_int_equal(fwd_ec_priv_load(&k, FWD_EC_P256, zero, 32), FW_ERR_KEY);
    assert_int_equal(fwd_ec_priv_load(&k, FWD_EC_P256, order, 32), FW_ERR_KEY);
    fwd_ec_priv_free(&k);
    EC_GROUP_free(g);
    BN_free(n);
    BN_clear_free(d);
    EVP_PKEY_free(dev);
    EVP_PKEY_free(peer);
}

static void pubkey_numbers_and_montgomery_constant(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pem = tu_read(tu_vector("secure_boot_v2/sb_rsa3072_key3_pub.pem"), &len);
    struct fwd_pubkey pk;
    assert_int_equal(fwd_pubkey_from_pem(pem, len, &pk), FW_OK);
    free(pem);
    assert_int_equal(pk.kind, FWD_PUBKEY_RSA);
    assert_int_equal(pk.n_len, 384);
    assert_int_equal(pk.e, 65537);
    uint8_t got[384], want[384];
    assert_int_equal(fwd_bn_pow2_mod(pk.n, pk.n_len, 6144, got), FW_OK);
    BIGNUM *n = BN_bin2bn(pk.n, 384, NULL), *r = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    assert_true(BN_set_bit(r, 6144) && BN_mod(r, r, n, ctx) && BN_bn2binpad(r, want, 384) == 384);
    assert_memory_equal(got, want, 384);
    BN_free(n); BN_free(r); BN_CTX_free(ctx);
    pem = tu_read(tu_vector("secure_boot_v2/sb_ecdsa256_key_pub.pem"), &len);
    assert_int_equal(fwd_pubkey_from_pem(pem, len, &pk), FW_OK);
    free(pem);
    assert_int_equal(pk.kind, FWD_PUBKEY_EC);
    assert_int_equal(pk.curve, FWD_EC_P256);
    assert_int_equal(fwd_pubkey_from_pem((const uint8_t *)"not a key", 9, &pk), FW_ERR_KEY);
}

/* ---- scheme tables ------------------------------------------------------------------------ */

static void scheme_tables_agree_with_common(void **state)
{
    (void)state;
    const enum fw_sbv2_scheme trusted[] = { FW_SBV2_RSA3072, FW_SBV2_ECDSA_P256, FW_SBV2_ECDSA_P384,
                                            FW_SBV2_ECDSA_P192 };
    for (size_t i = 0; i < 4; i++) {
        const struct fwd_sig_scheme *d = fwd_sig_scheme_find(trusted[i]);
        const struct fwh_sig_scheme *h = fwh_sig_scheme_find(trusted[i]);
        size_t off, len;
        assert_non_null(d);
        assert_non_null(h);
        assert_int_equal(fw_sbv2_scheme_key_region(trusted[i], &off, &len), FW_OK);
        assert_int_equal(d->key_off, off);
        assert_int_equal(d->key_len, len);
        assert_int_equal(d->digest_len, fw_sbv2_digest_len(trusted[i]));
        assert_int_equal(d->digest_len, fwd_hash_len(d->digest_alg));
        assert_int_equal(h->digest_len, fw_sbv2_digest_len(trusted[i]));
        assert_ptr_equal(fwh_sig_scheme_by_name(h->cli_name), h);
        assert_int_equal(fwh_key_type_parse(fwh_key_type_name(trusted[i])), trusted[i]);
    }
    assert_null(fwd_sig_scheme_find(FW_SBV2_SCHEME_NONE));
    assert_null(fwh_sig_scheme_find(FW_SBV2_SCHEME_NONE));
    /* P-384 signs SHA-384 on both sides; P-192 is verify-only on the host */
    assert_int_equal(fwd_sig_scheme_find(FW_SBV2_ECDSA_P384)->digest_alg, FWD_HASH_SHA384);
    assert_null(fwh_sig_scheme_find(FW_SBV2_ECDSA_P192)->sign);
    assert_null(fwh_sig_scheme_find(FW_SBV2_ECDSA_P192)->generate);
    assert_int_equal(fwh_key_type_parse("ecdsa384"), FW_SBV2_ECDSA_P384);
    assert_int_equal(fwh_key_type_parse("ecdsa256"), FW_SBV2_ECDSA_P256);
    assert_int_equal(fwh_key_type_parse("rsa-3072"), FW_SBV2_RSA3072);
    assert_int_equal(fwh_key_type_parse("rsa2048"), FW_SBV2_SCHEME_NONE);
    size_t rows = 0;
    while (fwh_sig_scheme_at(rows)) rows++;
    assert_int_equal(rows, 4);
}

/* The eFuse key digest of a PEM key: device (crypto seam + scheme key
 * fields + common's block encoder) == host (OpenSSL) == Espressif's file. */
static void key_digest_device_host_and_vector_agree(void **state)
{
    (void)state;
    const char *keys[] = { "sb_rsa3072_key1", "sb_ecdsa256_key" };
    for (size_t i = 0; i < 2; i++) {
        char rel[128];
        size_t len, dlen;
        uint8_t dev[32], host[32];
        snprintf(rel, sizeof rel, "secure_boot_v2/%s_pub.pem", keys[i]);
        uint8_t *pem = tu_read(tu_vector(rel), &len);
        assert_int_equal(fwd_efuse_key_digest_pem(pem, len, dev), FW_OK);
        struct fwh_key hk;
        char why[160];
        assert_int_equal(fwh_key_from_pem(pem, len, &hk, why, sizeof why), FW_OK);
        assert_int_equal(fwh_key_sbv2_digest(&hk, host), FW_OK);
        fwh_key_free(&hk);
        free(pem);
        snprintf(rel, sizeof rel, "secure_boot_v2/%s.digest.bin", keys[i]);
        uint8_t *want = tu_read(tu_vector(rel), &dlen);
        assert_int_equal(dlen, 32);
        assert_memory_equal(dev, want, 32);
        assert_memory_equal(host, want, 32);
        free(want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hashes_match_openssl),
        cmocka_unit_test(macs_and_kdfs_match_openssl),
        cmocka_unit_test(gcm_matches_openssl),
        cmocka_unit_test(xts_matches_openssl),
        cmocka_unit_test(rsa_pss_verify_matches_openssl),
        cmocka_unit_test(ecdsa_verify_matches_openssl),
        cmocka_unit_test(rsa_unwrap_with_implicit_rejection),
        cmocka_unit_test(ecdh_matches_openssl),
        cmocka_unit_test(pubkey_numbers_and_montgomery_constant),
        cmocka_unit_test(scheme_tables_agree_with_common),
        cmocka_unit_test(key_digest_device_host_and_vector_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
