/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming decryptor against Espressif's pre-encrypted vectors: every
 * positive decrypts to exactly the plaintext, every negative is rejected with
 * a precise reason, and the chunking never changes the result. */
#include "testutil.h"


#include "device/fwd_decrypt.h"
#include "device/port/sim/fwd_sim.h"

static struct fwd_random rng;   /* the simulator's getrandom HAL, set in main */

struct collect {
    uint8_t *buf;
    size_t len, cap;
    size_t calls;
    int fail_at_call; /* 0: never */
};

static int collect_sink(void *ctx, const uint8_t *p, size_t n)
{
    struct collect *c = ctx;
    c->calls++;
    if (c->fail_at_call && (int)c->calls == c->fail_at_call) return FW_ERR_IO;
    assert_true(n > 0);
    assert_true(c->len + n <= c->cap);
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    return 0;
}

static struct fwd_decrypt_key rsa_key, rsa_wrong, ecc_key, ecc_wrong;

static void load_rsa(struct fwd_decrypt_key *k, const char *rel)
{
    size_t n;
    uint8_t *pem = tu_read(tu_vector(rel), &n);
    pem = realloc(pem, n + 1);
    pem[n] = 0; /* PEM: the NUL counts */
    fwd_decrypt_key_init(k);
    assert_int_equal(fwd_decrypt_key_load_rsa(k, pem, n + 1), 0);
    assert_int_equal(fwd_decrypt_key_load_rsa(k, pem, n), FW_ERR_KEY); /* without its NUL */
    assert_int_equal(fwd_decrypt_key_load_rsa(k, pem, n + 1), 0);
    free(pem);
}

static void load_ecc(struct fwd_decrypt_key *k, const char *rel)
{
    size_t n;
    uint8_t *hk = tu_read(tu_vector(rel), &n);
    assert_int_equal(n, 32);
    fwd_decrypt_key_init(k);
    assert_int_equal(fwd_decrypt_key_load_ecies_hmac(k, hk), 0);
    free(hk);
}

static int setup(void **state)
{
    (void)state;
    load_rsa(&rsa_key, "pre_encrypted/rsa/rsa_priv_key.pem");
    load_rsa(&rsa_wrong, "pre_encrypted/rsa/wrong_rsa_priv_key.pem");
    load_ecc(&ecc_key, "pre_encrypted/ecc/device_hmac_key.bin");
    load_ecc(&ecc_wrong, "pre_encrypted/ecc/wrong_device_hmac_key.bin");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fwd_decrypt_key_free(&rsa_key);
    fwd_decrypt_key_free(&rsa_wrong);
    fwd_decrypt_key_free(&ecc_key);
    fwd_decrypt_key_free(&ecc_wrong);
    return 0;
}

/* Feed buf with a chunk schedule: chunk > 0 fixed size; chunk == 0 random
 * sizes 1..65536 from seed. Returns the first error (feed or finish). */
static int run(const struct fwd_decrypt_key *k, const uint8_t *buf, size_t len, size_t chunk, unsigned seed,
               struct collect *c, int strict)
{
    static struct fwd_decrypt d; /* ~1.5 KiB: keep it off the test stack */
    struct fwd_decrypt_cfg cfg = {
        .key = k, .rng = &rng, .min_bin_size = 0, .max_bin_size = 16u << 20,
        .strict_reserved = strict, .out = { collect_sink, NULL, c },
    };
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    size_t off = 0;
    int rc = 0;
    while (off < len && rc == 0) {
        size_t n = chunk;
        if (!chunk) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 8) % 4;
            n = r == 0 ? 1 + (seed >> 12) % 16 : r == 1 ? 1 + (seed >> 12) % 700 : 1 + (seed >> 12) % 65536;
        }
        if (n > len - off) n = len - off;
        rc = fwd_decrypt_feed(&d, buf + off, n);
        off += n;
    }
    if (rc == 0) rc = fwd_decrypt_finish(&d);
    else fwd_decrypt_abort(&d);
    return rc;
}

static void expect_plain(const struct fwd_decrypt_key *k, const char *enc, const char *plain)
{
    size_t elen, plen;
    uint8_t *e = tu_read(tu_vector(enc), &elen);
    uint8_t *p = tu_read(tu_vector(plain), &plen);
    struct collect c = { .buf = malloc(plen + 1), .cap = plen };
    static const size_t chunks[] = { 65536, 1, 4096, 17 };
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        if (chunks[i] == 1 && elen > 200000) continue; /* 1 MiB byte by byte: covered by the sweep */
        c.len = 0;
        assert_int_equal(run(k, e, elen, chunks[i], 0, &c, 1), 0);
        assert_int_equal(c.len, plen);
        assert_memory_equal(c.buf, p, plen);
    }
    free(c.buf);
    free(e);
    free(p);
}

static void positives_rsa(void **state)
{
    (void)state;
    expect_plain(&rsa_key, "pre_encrypted/rsa/app_esp32c3_1m.enc.bin", "app/app_esp32c3_1m.bin");
    expect_plain(&rsa_key, "pre_encrypted/rsa/app_esp32s3_256k.enc.bin", "app/app_esp32s3_256k.bin");
    expect_plain(&rsa_key, "pre_encrypted/rsa/app_esp32c3_64k.enc.bin", "app/app_esp32c3_64k.bin");
    expect_plain(&rsa_key, "pre_encrypted/rsa/blob_1000.enc.bin", "pre_encrypted/plain/blob_1000.bin");
    expect_plain(&rsa_key, "pre_encrypted/rsa/empty_0.enc.bin", "pre_encrypted/plain/empty_0.bin");
    expect_plain(&rsa_key, "pre_encrypted/rsa/one_1.enc.bin", "pre_encrypted/plain/one_1.bin");
    /* The wrong-key vector decrypts with its own key. */
    expect_plain(&rsa_wrong, "pre_encrypted/rsa/neg_wrong_key.enc.bin", "app/app_esp32c3_64k.bin");
}

static void positives_ecc(void **state)
{
    (void)state;
    expect_plain(&ecc_key, "pre_encrypted/ecc/app_esp32c3_64k.enc.bin", "app/app_esp32c3_64k.bin");
    expect_plain(&ecc_key, "pre_encrypted/ecc/blob_1000.enc.bin", "pre_encrypted/plain/blob_1000.bin");
    expect_plain(&ecc_key, "pre_encrypted/ecc/empty_0.enc.bin", "pre_encrypted/plain/empty_0.bin");
    expect_plain(&ecc_key, "pre_encrypted/ecc/one_1.enc.bin", "pre_encrypted/plain/one_1.bin");
}

static int reject_reason(const struct fwd_decrypt_key *k, const char *enc, size_t *out_len)
{
    size_t elen;
    uint8_t *e = tu_read(tu_vector(enc), &elen);
    struct collect c = { .buf = malloc(elen + 1), .cap = elen };
    int rc = run(k, e, elen, 4096, 0, &c, 1);
    /* Same verdict whatever the chunking. */
    struct collect c1 = { .buf = malloc(elen + 1), .cap = elen };
    assert_int_equal(run(k, e, elen, 0, 7, &c1, 1), rc);
    if (out_len) *out_len = c.len;
    free(c.buf);
    free(c1.buf);
    free(e);
    return rc;
}

static void negatives_rsa(void **state)
{
    (void)state;
    size_t out = 1;
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_bad_magic.enc.bin", &out), FW_ERR_MAGIC);
    assert_int_equal(out, 0);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_truncated.enc.bin", NULL), FW_ERR_TRUNCATED);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_truncated_header.enc.bin", &out),
                     FW_ERR_TRUNCATED);
    assert_int_equal(out, 0);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_flip_ciphertext.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_flip_last_ciphertext_byte.enc.bin", NULL),
                     FW_ERR_AUTH);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_flip_authtag.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_flip_iv.enc.bin", NULL), FW_ERR_AUTH);
    /* Implicit rejection: a broken wrap looks exactly like a bad tag. */
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_flip_enc_gcm_key.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_wrong_key.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&rsa_wrong, "pre_encrypted/rsa/app_esp32c3_64k.enc.bin", NULL), FW_ERR_AUTH);
    /* bin_size + 16: the stream ends early. bin_size - 16: 16 trailing bytes. */
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_size_plus16.enc.bin", NULL), FW_ERR_TRUNCATED);
    assert_int_equal(reject_reason(&rsa_key, "pre_encrypted/rsa/neg_size_minus16.enc.bin", NULL), FW_ERR_FORMAT);
}

static void negatives_ecc(void **state)
{
    (void)state;
    size_t out = 1;
    assert_int_equal(reject_reason(&ecc_key, "pre_encrypted/ecc/neg_bad_magic.enc.bin", &out), FW_ERR_MAGIC);
    assert_int_equal(out, 0);
    /* A flipped X coordinate is (with overwhelming probability) off the curve. */
    assert_int_equal(reject_reason(&ecc_key, "pre_encrypted/ecc/neg_flip_server_pubkey.enc.bin", &out), FW_ERR_KEY);
    assert_int_equal(out, 0);
    assert_int_equal(reject_reason(&ecc_key, "pre_encrypted/ecc/neg_flip_kdf_salt.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&ecc_key, "pre_encrypted/ecc/neg_flip_ciphertext.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&ecc_key, "pre_encrypted/ecc/neg_flip_authtag.enc.bin", NULL), FW_ERR_AUTH);
    assert_int_equal(reject_reason(&ecc_key, "pre_encrypted/ecc/neg_truncated.enc.bin", NULL), FW_ERR_TRUNCATED);
    assert_int_equal(reject_reason(&ecc_wrong, "pre_encrypted/ecc/app_esp32c3_64k.enc.bin", NULL), FW_ERR_AUTH);
}

/* Hand-made edge cases on top of a good container. */
static void header_edges(void **state)
{
    (void)state;
    size_t elen;
    uint8_t *e = tu_read(tu_vector("pre_encrypted/ecc/blob_1000.enc.bin"), &elen);
    uint8_t *m = malloc(elen + 64);
    struct collect c = { .buf = malloc(elen + 64), .cap = elen + 64 };
    static struct fwd_decrypt d;
    struct fwd_decrypt_cfg cfg = { .key = &ecc_key, .rng = &rng, .min_bin_size = 1, .max_bin_size = 1000,
                                   .strict_reserved = 1, .out = { collect_sink, NULL, &c } };

    /* trailing bytes appended to a good stream: refused, in one call or later */
    memcpy(m, e, elen);
    memset(m + elen, 0xAB, 64);
    c.len = 0;
    assert_int_equal(run(&ecc_key, m, elen + 1, 65536, 0, &c, 1), FW_ERR_FORMAT);
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m, elen), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m + elen, 1), FW_ERR_FORMAT);
    assert_int_equal(fwd_decrypt_finish(&d), FW_ERR_FORMAT); /* sticky */

    /* bin_size bounds: above the caller's limit, and zero with min 1 */
    cfg.max_bin_size = 999;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, e, elen), FW_ERR_RANGE);
    size_t zlen;
    uint8_t *z = tu_read(tu_vector("pre_encrypted/ecc/empty_0.enc.bin"), &zlen);
    cfg.max_bin_size = 1000;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, z, zlen), FW_ERR_RANGE);
    free(z);
    /* bin_size 0xFFFFFFFF: range error, never an overflow */
    memcpy(m, e, elen);
    m[404] = m[405] = m[406] = m[407] = 0xFF;
    cfg.max_bin_size = 0xFFFFFFFFu;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    c.len = 0;
    assert_int_equal(fwd_decrypt_feed(&d, m, elen), 0);
    assert_int_equal(fwd_decrypt_finish(&d), FW_ERR_TRUNCATED);
    cfg.max_bin_size = 1000;

    /* strict reserved bytes: non-zero rejected; accepted without strict */
    memcpy(m, e, elen);
    m[500] ^= 1;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m, elen), FW_ERR_FORMAT);
    c.len = 0;
    assert_int_equal(run(&ecc_key, m, elen, 100, 0, &c, 0), 0);
    memcpy(m, e, elen);
    m[200] ^= 1; /* ECIES zero area */
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m, elen), FW_ERR_FORMAT);

    /* identity / garbage server point */
    memcpy(m, e, elen);
    memset(m + 4, 0, 64);
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m, elen), FW_ERR_KEY);

    /* magic rejected at the first wrong byte, before 512 bytes */
    memcpy(m, e, elen);
    m[2] ^= 0x10;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m, 2), 0);
    assert_int_equal(fwd_decrypt_feed(&d, m + 2, 1), FW_ERR_MAGIC);

    /* the sink's error propagates and sticks */
    struct collect cf = { .buf = malloc(elen), .cap = elen, .fail_at_call = 2 };
    assert_int_equal(run(&ecc_key, e, elen, 64, 0, &cf, 1), FW_ERR_IO);
    free(cf.buf);

    /* finish on an empty stream, feed after done, bad cfg */
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_finish(&d), FW_ERR_TRUNCATED);
    c.len = 0;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    assert_int_equal(fwd_decrypt_feed(&d, e, elen), 0);
    assert_int_equal(fwd_decrypt_header_done(&d), 1);
    assert_int_equal(fwd_decrypt_bin_size(&d), 1000);
    assert_int_equal(fwd_decrypt_consumed(&d), elen);
    assert_int_equal(fwd_decrypt_finish(&d), 0);
    assert_int_equal(fwd_decrypt_feed(&d, e, 1), FW_ERR_STATE);
    cfg.out.write = NULL;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_decrypt_feed(&d, e, 1), FW_ERR_INVALID_ARG);

    free(c.buf);
    free(m);
    free(e);
}

/* Every chunk size 1..600 and random splits give identical output. */
static void sweep(const struct fwd_decrypt_key *k, const char *enc, const char *plain, size_t step)
{
    size_t elen, plen;
    uint8_t *e = tu_read(tu_vector(enc), &elen);
    uint8_t *p = tu_read(tu_vector(plain), &plen);
    struct collect c = { .buf = malloc(plen + 1), .cap = plen };
    for (size_t chunk = 1; chunk <= 600; chunk += step) {
        c.len = 0;
        assert_int_equal(run(k, e, elen, chunk, 0, &c, 1), 0);
        assert_int_equal(c.len, plen);
        assert_memory_equal(c.buf, p, plen);
    }
    for (unsigned seed = 1; seed <= 40; seed++) {
        c.len = 0;
        assert_int_equal(run(k, e, elen, 0, seed, &c, 1), 0);
        assert_int_equal(c.len, plen);
        assert_memory_equal(c.buf, p, plen);
    }
    free(c.buf);
    free(e);
    free(p);
}

static void chunking_ecc_every_size(void **state)
{
    (void)state;
    sweep(&ecc_key, "pre_encrypted/ecc/blob_1000.enc.bin", "pre_encrypted/plain/blob_1000.bin", 1);
}

static void chunking_rsa_every_size(void **state)
{
    (void)state;
    sweep(&rsa_key, "pre_encrypted/rsa/blob_1000.enc.bin", "pre_encrypted/plain/blob_1000.bin", 1);
}

static void chunking_app_random(void **state)
{
    (void)state;
    size_t elen, plen;
    uint8_t *e = tu_read(tu_vector("pre_encrypted/ecc/app_esp32c3_64k.enc.bin"), &elen);
    uint8_t *p = tu_read(tu_vector("app/app_esp32c3_64k.bin"), &plen);
    struct collect c = { .buf = malloc(plen), .cap = plen };
    for (unsigned seed = 100; seed < 110; seed++) {
        c.len = 0;
        assert_int_equal(run(&ecc_key, e, elen, 0, seed, &c, 1), 0);
        assert_int_equal(c.len, plen);
        assert_memory_equal(c.buf, p, plen);
    }
    free(c.buf);
    free(e);
    free(p);
}

static void key_loading(void **state)
{
    (void)state;
    struct fwd_decrypt_key k;
    fwd_decrypt_key_init(&k);
    size_t n;
    /* an ECDSA P-256 PEM is not an RSA-3072 decryption key */
    uint8_t *pem = tu_read(tu_vector("pre_encrypted/ecc/device_priv_key.pem"), &n);
    pem = realloc(pem, n + 1);
    pem[n] = 0;
    assert_int_equal(fwd_decrypt_key_load_rsa(&k, pem, n + 1), FW_ERR_KEY);
    free(pem);
    assert_int_equal(fwd_decrypt_key_load_rsa(&k, (const uint8_t *)"garbage", 7), FW_ERR_KEY);
    fwd_decrypt_key_free(&k);
}

int main(void)
{
    fwd_sim_random_hal(&rng);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positives_rsa),
        cmocka_unit_test(positives_ecc),
        cmocka_unit_test(negatives_rsa),
        cmocka_unit_test(negatives_ecc),
        cmocka_unit_test(header_edges),
        cmocka_unit_test(chunking_ecc_every_size),
        cmocka_unit_test(chunking_rsa_every_size),
        cmocka_unit_test(chunking_app_random),
        cmocka_unit_test(key_loading),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
