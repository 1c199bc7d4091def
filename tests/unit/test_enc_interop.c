/* SPDX-License-Identifier: Apache-2.0 */
/* Interop: containers made by the host encryptor (OpenSSL) are decrypted by
 * the device decryptor (device/fwd_decrypt, mbedTLS) to the exact input, for
 * both schemes, edge sizes and the one-pass sign+encrypt; a flipped byte is
 * rejected there too. Two independent implementations of FORMATS §3. */
#include "testutil.h"


#include <openssl/evp.h>

#include "device/fwd_decrypt.h"
#include "device/port/sim/fwd_sim.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_encimg.h"
#include "fw_err.h"
#include "keys/fwh_keys.h"

static struct fwd_random rng;   /* the simulator's getrandom HAL, set in main */

struct buf { uint8_t *p; size_t n, cap; };

static int sink(void *ctx, const uint8_t *p, size_t n)
{
    struct buf *b = ctx;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

static EVP_PKEY *pub_key(const char *rel)
{
    size_t n;
    uint8_t *pem = tu_read(tu_vector(rel), &n);
    EVP_PKEY *k = NULL;
    assert_int_equal(fwh_enckey_pub_from_pem(pem, n, &k), FW_OK);
    free(pem);
    return k;
}

static void device_key(struct fwd_decrypt_key *k, int ecies)
{
    size_t n;
    fwd_decrypt_key_init(k);
    if (ecies) {
        uint8_t *h = tu_read(tu_vector("pre_encrypted/ecc/device_hmac_key.bin"), &n);
        assert_int_equal(fwd_decrypt_key_load_ecies_hmac(k, h), 0);
        free(h);
    } else {
        uint8_t *pem = tu_read(tu_vector("pre_encrypted/rsa/rsa_priv_key.pem"), &n);
        pem = realloc(pem, n + 1);
        pem[n] = 0; /* mbedTLS wants the NUL inside len */
        assert_int_equal(fwd_decrypt_key_load_rsa(k, pem, n + 1), 0);
        free(pem);
    }
}

/* Host-encrypt data (optionally signed) into memory. */
static uint8_t *host_encrypt(EVP_PKEY *pub, const uint8_t *p, size_t n, const struct fwh_key *sk, size_t *cn)
{
    FILE *in = tmpfile(), *out = tmpfile();
    assert_true(in && out);
    if (n) assert_int_equal(fwrite(p, 1, n, in), n);
    rewind(in);
    char why[200] = "";
    const struct fwh_key *keys[1] = {sk};
    int rc = sk ? fwh_encimg_sign_encrypt_file(pub, keys, 1, in, out, why, sizeof why)
                : fwh_encimg_encrypt_file(pub, in, out, why, sizeof why);
    if (rc) fail_msg("host encrypt: %s", why);
    *cn = (size_t)ftell(out);
    rewind(out);
    uint8_t *c = malloc(*cn);
    assert_int_equal(fread(c, 1, *cn, out), *cn);
    fclose(in);
    fclose(out);
    return c;
}

/* Device-decrypt in odd chunks; returns the fw_err of feed/finish. */
static int device_decrypt(const struct fwd_decrypt_key *k, const uint8_t *c, size_t cn, struct buf *out)
{
    static struct fwd_decrypt d;
    struct fwd_decrypt_cfg cfg = {.key = k, .rng = &rng, .min_bin_size = 0, .max_bin_size = 64u << 20,
                                  .strict_reserved = 1, .out = { sink, NULL, out }};
    memset(out, 0, sizeof *out);
    assert_int_equal(fwd_decrypt_start(&d, &cfg), 0);
    int rc = 0;
    for (size_t pos = 0; pos < cn && rc == 0;) {
        size_t step = cn - pos < 777 ? cn - pos : 777;
        rc = fwd_decrypt_feed(&d, c + pos, step);
        pos += step;
    }
    if (rc) {
        fwd_decrypt_abort(&d);
        return rc;
    }
    return fwd_decrypt_finish(&d);
}

static void interop(int ecies)
{
    EVP_PKEY *pub = pub_key(ecies ? "pre_encrypted/ecc/device_pub_key.pem" : "pre_encrypted/rsa/rsa_pub_key.pem");
    struct fwd_decrypt_key k;
    device_key(&k, ecies);
    const size_t sizes[] = {0, 1, 15, 16, 17, 4095, 4096, 4097, 100003};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i], cn;
        uint8_t *p = malloc(n + 1);
        for (size_t j = 0; j < n; j++) p[j] = (uint8_t)(j * 7 + n);
        uint8_t *c = host_encrypt(pub, p, n, NULL, &cn);
        struct buf out;
        assert_int_equal(device_decrypt(&k, c, cn, &out), 0);
        assert_int_equal(out.n, n);
        if (n) assert_memory_equal(out.p, p, n);
        free(out.p);
        c[cn - 1] ^= 0x20; /* last body byte, or a reserved header byte when empty */
        assert_int_not_equal(device_decrypt(&k, c, cn, &out), 0);
        free(out.p);
        free(c);
        free(p);
    }
    fwd_decrypt_key_free(&k);
    EVP_PKEY_free(pub);
}

static void rsa_host_to_device(void **state) { (void)state; interop(0); }
static void ecies_host_to_device(void **state) { (void)state; interop(1); }

/* One-pass sign+encrypt: the device sees the image, 0xFF padding to 4096 and
 * a 4096-byte sector starting with an SBv2 block (magic 0xE7). */
static void sign_encrypt_host_to_device(void **state)
{
    (void)state;
    size_t an, cn;
    uint8_t *app = tu_read(tu_vector("app/app_esp32c3_64k.bin"), &an);
    struct fwh_key sk;
    char why[200];
    assert_int_equal(fwh_key_load(tu_vector("secure_boot_v2/sb_rsa3072_key1.pem"), &sk, why, sizeof why), 0);
    EVP_PKEY *pub = pub_key("pre_encrypted/ecc/device_pub_key.pem");
    uint8_t *c = host_encrypt(pub, app, an, &sk, &cn);
    struct fwd_decrypt_key k;
    device_key(&k, 1);
    struct buf out;
    assert_int_equal(device_decrypt(&k, c, cn, &out), 0);
    size_t padded = (an + 4095) / 4096 * 4096;
    assert_int_equal(out.n, padded + 4096);
    assert_memory_equal(out.p, app, an);
    for (size_t i = an; i < padded; i++) assert_int_equal(out.p[i], 0xFF);
    assert_int_equal(out.p[padded], 0xE7);
    free(out.p);
    fwd_decrypt_key_free(&k);
    EVP_PKEY_free(pub);
    fwh_key_free(&sk);
    free(c);
    free(app);
}

int main(void)
{
    fwd_sim_random_hal(&rng);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rsa_host_to_device),
        cmocka_unit_test(ecies_host_to_device),
        cmocka_unit_test(sign_encrypt_host_to_device),
    };
    return cmocka_run_group_tests_name("enc_interop", tests, NULL, NULL);
}
