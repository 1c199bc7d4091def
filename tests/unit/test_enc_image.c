/* SPDX-License-Identifier: Apache-2.0 */
/* ESP encrypted image encrypt/decrypt (FORMATS §3): Espressif vectors,
 * round trips over edge sizes, one flipped bit anywhere makes decrypt fail,
 * wrong key types refused. */
#include "testutil.h"

#include <openssl/evp.h>

#include "encryptor/fwh_ecies.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_encimg.h"
#include "fw_enc_header.h"
#include "fw_err.h"

static EVP_PKEY *load_pem(const char *rel, int priv)
{
    size_t n;
    uint8_t *p = tu_read(tu_vector(rel), &n);
    EVP_PKEY *k = NULL;
    int rc = priv ? fwh_enckey_priv_from_pem(p, n, &k) : fwh_enckey_pub_from_pem(p, n, &k);
    free(p);
    assert_int_equal(rc, FW_OK);
    return k;
}

struct mem { uint8_t *p; size_t n, cap; };

static int sink_mem(void *arg, const uint8_t *p, size_t n)
{
    struct mem *m = arg;
    if (m->n + n > m->cap) {
        m->cap = (m->n + n) * 2 + 16;
        m->p = realloc(m->p, m->cap);
        assert_non_null(m->p);
    }
    memcpy(m->p + m->n, p, n);
    m->n += n;
    return FW_OK;
}

/* Decrypt a buffer; returns the fw_err, plaintext in *out (caller frees). */
static int decrypt_buf(const struct fwh_encimg_key *k, const uint8_t *c, size_t n, struct mem *out, char *why)
{
    FILE *f = fmemopen((void *)c, n ? n : 1, "rb");
    assert_non_null(f);
    if (n == 0) { fgetc(f); } /* fmemopen cannot open size 0: consume the dummy byte */
    memset(out, 0, sizeof *out);
    int rc = fwh_encimg_decrypt_stream(k, f, sink_mem, out, NULL, why, 200);
    fclose(f);
    return rc;
}

static struct fwh_encimg_key rsa_key(void)
{
    struct fwh_encimg_key k = {0};
    k.scheme = FW_ENC_SCHEME_RSA3072;
    k.rsa_priv = load_pem("pre_encrypted/rsa/rsa_priv_key.pem", 1);
    return k;
}

static struct fwh_encimg_key ecies_key(const char *rel)
{
    struct fwh_encimg_key k = {0};
    size_t n;
    uint8_t *p = tu_read(tu_vector(rel), &n);
    assert_int_equal(n, 32);
    memcpy(k.hmac_key, p, 32);
    free(p);
    k.scheme = FW_ENC_SCHEME_ECIES_P256;
    return k;
}

static void check_vector(const struct fwh_encimg_key *k, const char *enc, const char *plain, int want)
{
    size_t n, pn;
    uint8_t *c = tu_read(tu_vector(enc), &n);
    struct mem out;
    char why[200] = "";
    int rc = decrypt_buf(k, c, n, &out, why);
    if (rc != want) fail_msg("%s: got %d (%s), want %d", enc, rc, why, want);
    if (want == FW_OK) {
        uint8_t *p = tu_read(tu_vector(plain), &pn);
        assert_int_equal(out.n, pn);
        if (pn) assert_memory_equal(out.p, p, pn);
        free(p);
    } else {
        assert_true(strlen(why) > 0);
    }
    free(out.p);
    free(c);
}

static void rsa_vectors(void **state)
{
    (void)state;
    struct fwh_encimg_key k = rsa_key();
    check_vector(&k, "pre_encrypted/rsa/app_esp32c3_64k.enc.bin", "app/app_esp32c3_64k.bin", FW_OK);
    check_vector(&k, "pre_encrypted/rsa/app_esp32s3_256k.enc.bin", "app/app_esp32s3_256k.bin", FW_OK);
    check_vector(&k, "pre_encrypted/rsa/blob_1000.enc.bin", "pre_encrypted/plain/blob_1000.bin", FW_OK);
    check_vector(&k, "pre_encrypted/rsa/empty_0.enc.bin", "pre_encrypted/plain/empty_0.bin", FW_OK);
    check_vector(&k, "pre_encrypted/rsa/one_1.enc.bin", "pre_encrypted/plain/one_1.bin", FW_OK);
    check_vector(&k, "pre_encrypted/rsa/neg_bad_magic.enc.bin", NULL, FW_ERR_MAGIC);
    check_vector(&k, "pre_encrypted/rsa/neg_truncated.enc.bin", NULL, FW_ERR_TRUNCATED);
    check_vector(&k, "pre_encrypted/rsa/neg_truncated_header.enc.bin", NULL, FW_ERR_TRUNCATED);
    check_vector(&k, "pre_encrypted/rsa/neg_flip_ciphertext.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/rsa/neg_flip_last_ciphertext_byte.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/rsa/neg_flip_authtag.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/rsa/neg_flip_iv.enc.bin", NULL, FW_ERR_AUTH);
    /* implicit rejection: a broken wrapped key surfaces as a tag failure */
    check_vector(&k, "pre_encrypted/rsa/neg_flip_enc_gcm_key.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/rsa/neg_size_plus16.enc.bin", NULL, FW_ERR_TRUNCATED);
    check_vector(&k, "pre_encrypted/rsa/neg_size_minus16.enc.bin", NULL, FW_ERR_FORMAT);
    check_vector(&k, "pre_encrypted/rsa/neg_wrong_key.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/ecc/one_1.enc.bin", NULL, FW_ERR_KEY); /* ECIES container, RSA key */
    EVP_PKEY_free(k.rsa_priv);
    k.rsa_priv = load_pem("pre_encrypted/rsa/wrong_rsa_priv_key.pem", 1);
    check_vector(&k, "pre_encrypted/rsa/app_esp32c3_64k.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/rsa/neg_wrong_key.enc.bin", "app/app_esp32c3_64k.bin", FW_OK);
    EVP_PKEY_free(k.rsa_priv);
}

static void ecies_vectors(void **state)
{
    (void)state;
    struct fwh_encimg_key k = ecies_key("pre_encrypted/ecc/device_hmac_key.bin");
    check_vector(&k, "pre_encrypted/ecc/app_esp32c3_64k.enc.bin", "app/app_esp32c3_64k.bin", FW_OK);
    check_vector(&k, "pre_encrypted/ecc/blob_1000.enc.bin", "pre_encrypted/plain/blob_1000.bin", FW_OK);
    check_vector(&k, "pre_encrypted/ecc/empty_0.enc.bin", "pre_encrypted/plain/empty_0.bin", FW_OK);
    check_vector(&k, "pre_encrypted/ecc/one_1.enc.bin", "pre_encrypted/plain/one_1.bin", FW_OK);
    check_vector(&k, "pre_encrypted/ecc/neg_bad_magic.enc.bin", NULL, FW_ERR_MAGIC);
    check_vector(&k, "pre_encrypted/ecc/neg_flip_server_pubkey.enc.bin", NULL, FW_ERR_FORMAT);
    check_vector(&k, "pre_encrypted/ecc/neg_flip_kdf_salt.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/ecc/neg_flip_ciphertext.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/ecc/neg_flip_authtag.enc.bin", NULL, FW_ERR_AUTH);
    check_vector(&k, "pre_encrypted/ecc/neg_truncated.enc.bin", NULL, FW_ERR_TRUNCATED);
    check_vector(&k, "pre_encrypted/rsa/one_1.enc.bin", NULL, FW_ERR_FORMAT); /* RSA container */
    k = ecies_key("pre_encrypted/ecc/wrong_device_hmac_key.bin");
    check_vector(&k, "pre_encrypted/ecc/app_esp32c3_64k.enc.bin", NULL, FW_ERR_AUTH);
}

/* The device key derived from the HMAC key equals the vector's PEM pair. */
static void ecies_device_key_matches_vector(void **state)
{
    (void)state;
    struct fwh_encimg_key k = ecies_key("pre_encrypted/ecc/device_hmac_key.bin");
    EVP_PKEY *dev = NULL, *pub = load_pem("pre_encrypted/ecc/device_pub_key.pem", 0);
    EVP_PKEY *priv = load_pem("pre_encrypted/ecc/device_priv_key.pem", 1);
    assert_int_equal(fwh_ecies_device_key(k.hmac_key, &dev), FW_OK);
    assert_int_equal(EVP_PKEY_eq(dev, pub), 1);
    assert_int_equal(EVP_PKEY_eq(dev, priv), 1);
    uint8_t a[64], b[64];
    assert_int_equal(fwh_ecies_pkey_to_point(dev, a), FW_OK);
    assert_int_equal(fwh_ecies_pkey_to_point(pub, b), FW_OK);
    assert_memory_equal(a, b, 64);
    EVP_PKEY_free(dev);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(priv);
}

static uint8_t *encrypt_buf(EVP_PKEY *pub, const uint8_t *p, size_t n, size_t *clen)
{
    FILE *in = fmemopen((void *)p, n ? n : 1, "rb"), *out = tmpfile();
    assert_non_null(in);
    assert_non_null(out);
    if (n == 0) fgetc(in);
    char why[200] = "";
    int rc = fwh_encimg_encrypt_file(pub, in, out, why, sizeof why);
    if (rc != FW_OK) fail_msg("encrypt: %s", why);
    fclose(in);
    long len = ftell(out);
    assert_int_equal(len, 512 + (long)n);
    rewind(out);
    uint8_t *c = malloc((size_t)len);
    assert_int_equal(fread(c, 1, (size_t)len, out), (size_t)len);
    fclose(out);
    *clen = (size_t)len;
    return c;
}

/* Header positions: magic, key area (start, ECIES point/salt/zero area, end),
 * iv, each bin_size byte, tag, reserved; then body positions. */
static const size_t hdr_pos[] = {0, 3, 4, 40, 67, 68, 99, 100, 250, 387, 388, 403,
                                 404, 405, 406, 407, 408, 415, 423, 424, 500, 511};

static void roundtrip_one(EVP_PKEY *pub, const struct fwh_encimg_key *k, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i * 131 + 7);
    size_t cn;
    uint8_t *c = encrypt_buf(pub, p, n, &cn);
    struct fw_enc_header h;
    assert_int_equal(fw_enc_header_decode(c, cn, &h), FW_OK);
    assert_int_equal(h.bin_size, n);
    assert_int_equal(fw_enc_looks_like_ecies(&h), k->scheme == FW_ENC_SCHEME_ECIES_P256);
    struct mem out;
    char why[200];
    assert_int_equal(decrypt_buf(k, c, cn, &out, why), FW_OK);
    assert_int_equal(out.n, n);
    if (n) assert_memory_equal(out.p, p, n);
    free(out.p);
    size_t body_pos[] = {512, 512 + n / 2, 512 + n - 1};
    for (size_t i = 0; i < sizeof hdr_pos / sizeof hdr_pos[0] + (n ? 3 : 0); i++) {
        size_t pos = i < sizeof hdr_pos / sizeof hdr_pos[0] ? hdr_pos[i] : body_pos[i - sizeof hdr_pos / sizeof hdr_pos[0]];
        uint8_t bit = (uint8_t)(1u << (pos % 8));
        c[pos] ^= bit;
        int rc = decrypt_buf(k, c, cn, &out, why);
        if (rc == FW_OK) fail_msg("size %zu: flipped bit at %zu accepted", n, pos);
        free(out.p);
        c[pos] ^= bit;
    }
    /* truncation and one trailing byte */
    assert_int_not_equal(decrypt_buf(k, c, cn - 1, &out, why), FW_OK);
    free(out.p);
    uint8_t *longer = malloc(cn + 1);
    memcpy(longer, c, cn);
    longer[cn] = 0;
    assert_int_equal(decrypt_buf(k, longer, cn + 1, &out, why), FW_ERR_FORMAT);
    free(out.p);
    free(longer);
    free(c);
    free(p);
}

static const size_t sizes[] = {0, 1, 15, 16, 17, 4095, 4096, 4097, (1u << 20) + 3};

static void roundtrip_rsa(void **state)
{
    (void)state;
    EVP_PKEY *pub = load_pem("pre_encrypted/rsa/rsa_pub_key.pem", 0);
    struct fwh_encimg_key k = rsa_key();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) roundtrip_one(pub, &k, sizes[i]);
    EVP_PKEY_free(k.rsa_priv);
    EVP_PKEY_free(pub);
}

static void roundtrip_ecies(void **state)
{
    (void)state;
    EVP_PKEY *pub = load_pem("pre_encrypted/ecc/device_pub_key.pem", 0);
    struct fwh_encimg_key k = ecies_key("pre_encrypted/ecc/device_hmac_key.bin");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) roundtrip_one(pub, &k, sizes[i]);
    EVP_PKEY_free(pub);
}

/* A source that hands out at most `step` bytes per call (short reads), then
 * optionally fails: the encryptor must take every byte it gives, in order. */
struct dribble {
    const uint8_t *p;
    size_t n, off, step, calls;
    int fail_at_end;
};

static long dribble_read(void *arg, uint8_t *buf, size_t n)
{
    struct dribble *d = arg;
    d->calls++;
    if (d->off == d->n) return d->fail_at_end ? -1 : 0;
    size_t k = d->n - d->off;
    if (k > d->step) k = d->step;
    if (k > n) k = n;
    memcpy(buf, d->p + d->off, k);
    d->off += k;
    return (long)k;
}

static void encrypt_source_short_reads_and_errors(void **state)
{
    (void)state;
    EVP_PKEY *pub = load_pem("pre_encrypted/rsa/rsa_pub_key.pem", 0);
    struct fwh_encimg_key k = rsa_key();
    size_t n = 300000; /* more than one 256 KiB chunk */
    uint8_t *p = malloc(n);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i * 37 + 1);
    struct dribble d = {p, n, 0, 1000, 0, 0};
    FILE *out = tmpfile();
    char why[200] = "";
    assert_int_equal(fwh_encimg_encrypt_source(pub, NULL, 0, dribble_read, &d, out, why, sizeof why), FW_OK);
    assert_true(d.calls > n / 1000); /* short reads were not taken as the end */
    long len = ftell(out);
    assert_int_equal(len, 512 + (long)n);
    rewind(out);
    uint8_t *c = malloc((size_t)len);
    assert_int_equal(fread(c, 1, (size_t)len, out), (size_t)len);
    fclose(out);
    struct mem pt;
    assert_int_equal(decrypt_buf(&k, c, (size_t)len, &pt, why), FW_OK);
    assert_int_equal(pt.n, n);
    assert_memory_equal(pt.p, p, n);
    free(pt.p);
    free(c);
    /* a read error is an I/O error, not a short image */
    struct dribble bad = {p, 5000, 0, 1000, 0, 1};
    out = tmpfile();
    assert_int_equal(fwh_encimg_encrypt_source(pub, NULL, 0, dribble_read, &bad, out, why, sizeof why), FW_ERR_IO);
    assert_non_null(strstr(why, "read failed"));
    fclose(out);
    /* keys and their count must agree */
    out = tmpfile();
    assert_int_equal(fwh_encimg_encrypt_source(pub, NULL, 1, dribble_read, &d, out, why, sizeof why), FW_ERR_INVALID_ARG);
    fclose(out);
    free(p);
    EVP_PKEY_free(k.rsa_priv);
    EVP_PKEY_free(pub);
}

/* Two encryptions of the same input differ (fresh key/IV/ephemeral key). */
static void fresh_randomness(void **state)
{
    (void)state;
    EVP_PKEY *pub = load_pem("pre_encrypted/ecc/device_pub_key.pem", 0);
    uint8_t p[64] = {0};
    size_t n1, n2;
    uint8_t *a = encrypt_buf(pub, p, sizeof p, &n1), *b = encrypt_buf(pub, p, sizeof p, &n2);
    assert_memory_not_equal(a + 4, b + 4, 64);     /* server point */
    assert_memory_not_equal(a + 68, b + 68, 32);   /* salt */
    assert_memory_not_equal(a + 388, b + 388, 16); /* iv */
    free(a);
    free(b);
    EVP_PKEY_free(pub);
}

static void key_types_refused(void **state)
{
    (void)state;
    int scheme = 0;
    char why[200];
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    assert_int_equal(fwh_encimg_key_scheme(k, &scheme, why, sizeof why), FW_ERR_KEY);
    assert_non_null(strstr(why, "RSA-2048"));
    struct fwh_encimg_enc e;
    assert_int_equal(fwh_encimg_enc_begin(&e, k), FW_ERR_KEY);
    EVP_PKEY_free(k);
    k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    assert_int_equal(fwh_encimg_key_scheme(k, &scheme, why, sizeof why), FW_ERR_KEY);
    assert_non_null(strstr(why, "P-256"));
    EVP_PKEY_free(k);
    k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_int_equal(fwh_encimg_key_scheme(k, &scheme, why, sizeof why), FW_ERR_KEY);
    EVP_PKEY_free(k);
    k = load_pem("pre_encrypted/rsa/rsa_pub_key.pem", 0);
    assert_int_equal(fwh_encimg_key_scheme(k, &scheme, why, sizeof why), FW_OK);
    assert_int_equal(scheme, FW_ENC_SCHEME_RSA3072);
    EVP_PKEY_free(k);
}

/* Server points that are not on P-256 are refused. (An HMAC key giving
 * d >= n has probability ~2^-32, so the scalar range check is covered by
 * code review, not by a vector.) */
static void ecies_point_validation(void **state)
{
    (void)state;
    uint8_t xy[64] = {0};
    EVP_PKEY *k = NULL;
    assert_int_equal(fwh_ecies_point_to_pkey(xy, &k), FW_ERR_KEY); /* identity / not on curve */
    assert_null(k);
    memset(xy, 0xFF, sizeof xy);
    assert_int_equal(fwh_ecies_point_to_pkey(xy, &k), FW_ERR_KEY); /* coordinates >= p */
    assert_null(k);
}

static void inspect_one(const char *rel, int want, int want_scheme)
{
    FILE *f = fopen(tu_vector(rel), "rb");
    assert_non_null(f);
    struct fwh_encimg_info ci;
    char why[200] = "";
    int rc = fwh_encimg_inspect(f, &ci, why, sizeof why);
    fclose(f);
    if (rc != want) fail_msg("%s: %d (%s), want %d", rel, rc, why, want);
    if (want_scheme) assert_int_equal(ci.scheme_guess, want_scheme);
}

/* Header-only inspection: structure only, the tag cannot be judged. */
static void inspect_vectors(void **state)
{
    (void)state;
    inspect_one("pre_encrypted/rsa/app_esp32c3_64k.enc.bin", FW_OK, FW_ENC_SCHEME_RSA3072);
    inspect_one("pre_encrypted/rsa/empty_0.enc.bin", FW_OK, FW_ENC_SCHEME_RSA3072);
    inspect_one("pre_encrypted/ecc/app_esp32c3_64k.enc.bin", FW_OK, FW_ENC_SCHEME_ECIES_P256);
    inspect_one("pre_encrypted/ecc/neg_flip_authtag.enc.bin", FW_OK, FW_ENC_SCHEME_ECIES_P256);
    inspect_one("pre_encrypted/rsa/neg_bad_magic.enc.bin", FW_ERR_MAGIC, 0);
    inspect_one("pre_encrypted/rsa/neg_truncated_header.enc.bin", FW_ERR_TRUNCATED, 0);
    inspect_one("pre_encrypted/rsa/neg_truncated.enc.bin", FW_ERR_TRUNCATED, FW_ENC_SCHEME_RSA3072);
    inspect_one("pre_encrypted/rsa/neg_size_plus16.enc.bin", FW_ERR_TRUNCATED, 0);
    inspect_one("pre_encrypted/rsa/neg_size_minus16.enc.bin", FW_ERR_FORMAT, 0);
    inspect_one("pre_encrypted/ecc/neg_truncated.enc.bin", FW_ERR_TRUNCATED, FW_ENC_SCHEME_ECIES_P256);
}

/* bin_size is LE32: the encryptor refuses to go past 4 GiB - 1. */
static void size_limit_4gib(void **state)
{
    (void)state;
    EVP_PKEY *pub = load_pem("pre_encrypted/rsa/rsa_pub_key.pem", 0);
    struct fwh_encimg_enc e;
    uint8_t in[16] = {0}, out[16], hdr[512];
    assert_int_equal(fwh_encimg_enc_begin(&e, pub), FW_OK);
    e.total = UINT32_MAX - 15; /* as if 4 GiB - 16 bytes had been encrypted */
    assert_int_equal(fwh_encimg_enc_update(&e, in, 16, out), FW_ERR_RANGE);
    assert_int_equal(fwh_encimg_enc_update(&e, in, 15, out), FW_OK);
    assert_int_equal(fwh_encimg_enc_update(&e, in, 1, out), FW_ERR_RANGE);
    assert_int_equal(fwh_encimg_enc_finish(&e, hdr), FW_OK);
    struct fw_enc_header h;
    assert_int_equal(fw_enc_header_decode(hdr, sizeof hdr, &h), FW_OK);
    assert_int_equal(h.bin_size, UINT32_MAX);
    fwh_encimg_enc_free(&e);
    EVP_PKEY_free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rsa_vectors),
        cmocka_unit_test(ecies_vectors),
        cmocka_unit_test(ecies_device_key_matches_vector),
        cmocka_unit_test(roundtrip_rsa),
        cmocka_unit_test(roundtrip_ecies),
        cmocka_unit_test(encrypt_source_short_reads_and_errors),
        cmocka_unit_test(fresh_randomness),
        cmocka_unit_test(key_types_refused),
        cmocka_unit_test(ecies_point_validation),
        cmocka_unit_test(inspect_vectors),
        cmocka_unit_test(size_limit_4gib),
    };
    return cmocka_run_group_tests_name("enc_image", tests, NULL, NULL);
}
