/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet releases on the device decryptor: a shared body with per-device
 * headers made by the host (encryptor/fwh_fleet) decrypts on the device
 * (device/fwd_decrypt through the crypto seam) for RSA-3072 (stock header)
 * and ECIES-P256 (FWSX shared header, docs/formats.md §9), any chunking; a
 * wrong device key or an altered FWSX header is refused when the header
 * completes, before the first body byte reaches the sink; the key check
 * equals the manifest's. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "device/fwd_decrypt.h"
#include "device/port/sim/fwd_sim.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_fleet.h"
#include "fw_enc_ext.h"

static struct fwd_random rng;
static struct fwd_decrypt_key rsa_key, ecc_key, ecc_wrong;
static EVP_PKEY *rsa_pub, *ecc_pub;

#define BODY 10007u

struct collect {
    uint8_t buf[BODY];
    size_t len;
};

static int collect_sink(void *ctx, const uint8_t *p, size_t n)
{
    struct collect *c = ctx;
    assert_true(c->len + n <= sizeof c->buf);
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    return 0;
}

static EVP_PKEY *load_pub(const char *rel)
{
    size_t n;
    uint8_t *pem = tu_read(tu_vector(rel), &n);
    EVP_PKEY *pk = NULL;
    assert_int_equal(fwh_enckey_pub_from_pem(pem, n, &pk), FW_OK);
    free(pem);
    return pk;
}

static int setup(void **state)
{
    (void)state;
    size_t n;
    uint8_t *pem = tu_read(tu_vector("pre_encrypted/rsa/rsa_priv_key.pem"), &n);
    pem = realloc(pem, n + 1);
    pem[n] = 0;
    fwd_decrypt_key_init(&rsa_key);
    assert_int_equal(fwd_decrypt_key_load_rsa(&rsa_key, pem, n + 1), FW_OK);
    free(pem);
    const char *hk[2] = {"pre_encrypted/ecc/device_hmac_key.bin", "pre_encrypted/ecc/wrong_device_hmac_key.bin"};
    struct fwd_decrypt_key *ks[2] = {&ecc_key, &ecc_wrong};
    for (int i = 0; i < 2; i++) {
        uint8_t *k = tu_read(tu_vector(hk[i]), &n);
        assert_int_equal(n, 32);
        fwd_decrypt_key_init(ks[i]);
        assert_int_equal(fwd_decrypt_key_load_ecies_hmac(ks[i], k), FW_OK);
        free(k);
    }
    rsa_pub = load_pub("pre_encrypted/rsa/rsa_pub_key.pem");
    ecc_pub = load_pub("pre_encrypted/ecc/device_pub_key.pem");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fwd_decrypt_key_free(&rsa_key);
    fwd_decrypt_key_free(&ecc_key);
    fwd_decrypt_key_free(&ecc_wrong);
    EVP_PKEY_free(rsa_pub);
    EVP_PKEY_free(ecc_pub);
    return 0;
}

/* A release of `plain`: content, body, and one header for pub. */
static void release(EVP_PKEY *pub, const uint8_t *plain, uint8_t *container, struct fwh_fleet_content *c)
{
    static uint8_t hashes[8][32];
    struct fwh_fleet_enc e;
    assert_int_equal(fwh_fleet_content_new(c), FW_OK);
    assert_int_equal(fwh_fleet_enc_begin(&e, c, 4096, hashes, 8), FW_OK);
    assert_int_equal(fwh_fleet_enc_update(&e, plain, BODY, container + 512), FW_OK);
    assert_int_equal(fwh_fleet_enc_finish(&e, c), FW_OK);
    assert_int_equal(c->size, BODY);
    assert_int_equal(c->chunk_count, 3);
    assert_int_equal(fwh_fleet_header(pub, c, container), FW_OK);
}

/* Feed in chunks of `chunk`; returns the first error; *at_header_fail is set
 * when the decryptor refused while the header was incomplete or completing. */
static int feed(const struct fwd_decrypt_key *k, const uint8_t *buf, size_t chunk, struct collect *out,
                uint8_t key_check[32])
{
    struct fwd_decrypt d;
    struct fwd_decrypt_cfg cfg = {.key = k, .rng = &rng, .min_bin_size = 1, .max_bin_size = 1u << 20,
                                  .strict_reserved = 1, .out = {collect_sink, NULL, out}};
    out->len = 0;
    assert_int_equal(fwd_decrypt_start(&d, &cfg), FW_OK);
    int rc = FW_OK;
    for (size_t off = 0; off < 512 + BODY && rc == FW_OK; off += chunk) {
        size_t n = 512 + BODY - off < chunk ? 512 + BODY - off : chunk;
        rc = fwd_decrypt_feed(&d, buf + off, n);
        if (rc == FW_OK && key_check && fwd_decrypt_header_done(&d))
            assert_int_equal(fwd_decrypt_key_check(&d, key_check), FW_OK);
    }
    if (rc == FW_OK) rc = fwd_decrypt_finish(&d);
    else fwd_decrypt_abort(&d);
    return rc;
}

static void shared_body_both_schemes(void **state)
{
    (void)state;
    static uint8_t plain[BODY], rsa_c[512 + BODY], ecc_c[512 + BODY];
    static struct collect out;
    struct fwh_fleet_content c;
    assert_int_equal(RAND_bytes(plain, sizeof plain), 1);
    /* one content: an RSA header and an ECIES header over the same body */
    release(rsa_pub, plain, rsa_c, &c);
    memcpy(ecc_c + 512, rsa_c + 512, BODY);
    assert_int_equal(fwh_fleet_header(ecc_pub, &c, ecc_c), FW_OK);
    struct fw_enc_header h;
    assert_int_equal(fw_enc_header_decode(ecc_c, 512, &h), FW_OK);
    assert_true(fw_enc_ext_present(&h));
    const size_t chunks[] = {1, 7, 16, 511, 512, 513, 4096, 512 + BODY};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        uint8_t kc[32] = {0};
        assert_int_equal(feed(&rsa_key, rsa_c, chunks[i], &out, kc), FW_OK);
        assert_int_equal(out.len, BODY);
        assert_memory_equal(out.buf, plain, BODY);
        assert_memory_equal(kc, c.key_check, 32);
        memset(kc, 0, sizeof kc);
        assert_int_equal(feed(&ecc_key, ecc_c, chunks[i], &out, kc), FW_OK);
        assert_int_equal(out.len, BODY);
        assert_memory_equal(out.buf, plain, BODY);
        assert_memory_equal(kc, c.key_check, 32);
    }
    fwh_fleet_content_wipe(&c);
}

static void refusals_before_the_body(void **state)
{
    (void)state;
    static uint8_t plain[BODY], ecc_c[512 + BODY], bad[512 + BODY];
    static struct collect out;
    struct fwh_fleet_content c;
    assert_int_equal(RAND_bytes(plain, sizeof plain), 1);
    release(ecc_pub, plain, ecc_c, &c);
    /* another device's key: the wrap tag fails when the header completes */
    assert_int_equal(feed(&ecc_wrong, ecc_c, 600, &out, NULL), FW_ERR_AUTH);
    assert_int_equal(out.len, 0);
    /* altered wrap IV, wrapped key, wrap tag: same */
    const size_t at[] = {108, 123, 124, 155, 156, 171};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        memcpy(bad, ecc_c, sizeof bad);
        bad[at[i]] ^= 0x01;
        assert_int_equal(feed(&ecc_key, bad, 600, &out, NULL), FW_ERR_AUTH);
        assert_int_equal(out.len, 0);
    }
    /* extension version, must-be-zero bytes: a format error */
    const size_t fmt[] = {104, 105, 172, 387, 424, 511};
    for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
        memcpy(bad, ecc_c, sizeof bad);
        bad[fmt[i]] ^= 0x01;
        assert_int_equal(feed(&ecc_key, bad, 600, &out, NULL), FW_ERR_FORMAT);
        assert_int_equal(out.len, 0);
    }
    /* an RSA device key on an FWSX header */
    assert_int_equal(feed(&rsa_key, ecc_c, 600, &out, NULL), FW_ERR_FORMAT);
    assert_int_equal(out.len, 0);
    /* the body's tag still guards the body: a flipped body byte */
    memcpy(bad, ecc_c, sizeof bad);
    bad[512 + 5000] ^= 0x80;
    assert_int_equal(feed(&ecc_key, bad, 4096, &out, NULL), FW_ERR_AUTH);
    fwh_fleet_content_wipe(&c);
}

int main(void)
{
    fwd_sim_random_hal(&rng);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_body_both_schemes),
        cmocka_unit_test(refusals_before_the_body),
    };
    return cmocka_run_group_tests_name("decrypt_ext", tests, setup, teardown);
}
