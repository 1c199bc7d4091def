/* SPDX-License-Identifier: Apache-2.0 */
/* Keys that never leave the hardware (issue 13 §2): the same flows in raw-key
 * mode and in the simulator's hardware-key mode (device/port/sim/fwd_sim_keystore.h)
 * give byte-identical flash and plaintext; in hardware mode the library
 * works with the keys locked away (any read of them faults) and no key
 * byte turns up in anything it holds; a platform with neither a raw key
 * nor a peripheral for a needed operation is refused, never served plaintext. */
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/fwd_decrypt.h"
#include "device/fwd_keystore.h"
#include "device/fwd_part.h"
#include "device/port/sim/fwd_sim.h"
#include "device/port/sim/fwd_sim_keystore.h"

#define FLASH_SIZE (1u << 20)

enum mode { RAW = 0, HW = 1 };

struct rig {
    struct fwd_sim sim;
    struct fwd_sim_keystore ks;
    struct fwd_dev dev;
};

static uint8_t fe_key[64], hmac_key[32];
static uint8_t *rsa_pem;
static size_t rsa_pem_len;

/* A device with flash encryption `fe_mode` (keys above) in the given mode. */
static void rig_open(struct rig *r, enum mode m, int fe_mode)
{
    memset(r, 0, sizeof *r);
    assert_int_equal(fwd_sim_open_mem(&r->sim, FLASH_SIZE), FW_OK);
    struct fwd_efuse_state st = { 0 };
    st.fe_mode = (uint8_t)fe_mode;
    if (m == RAW) memcpy(st.fe_key, fe_key, sizeof fe_key);   /* HW: reads back as zeros */
    assert_int_equal(r->sim.plat.efuse.burn(r->sim.plat.efuse.ctx, &st), FW_OK);
    if (m == HW) {
        struct fwd_sim_keys k = { .fe_mode = (uint8_t)fe_mode, .has_hmac = 1, .rsa_pem = rsa_pem,
                                  .rsa_pem_len = rsa_pem_len };
        memcpy(k.fe_key, fe_key, sizeof fe_key);
        memcpy(k.hmac_key, hmac_key, sizeof hmac_key);
        assert_int_equal(fwd_sim_keystore_open(&r->ks, &k), FW_OK);
        fwd_sim_keystore_attach(&r->ks, &r->sim.plat);
    }
    assert_int_equal(fwd_dev_open_blank(&r->dev, &r->sim.plat), FW_OK);
    struct fwd_part parts[2] = {
        { .label = "ota_0", .type = FW_PT_TYPE_APP, .subtype = FW_PT_SUB_APP_OTA_MIN, .offset = 0x10000,
          .size = 0x40000 },
        { .label = "data", .type = FW_PT_TYPE_DATA, .subtype = 0x99, .offset = 0x50000, .size = 0x10000 },
    };
    assert_int_equal(fwd_dev_set_parts(&r->dev, parts, 2), FW_OK);
}

static void rig_close(struct rig *r)
{
    fwd_dev_close(&r->dev);
    fwd_sim_keystore_close(&r->ks);
    fwd_sim_close(&r->sim);
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

/* Does any 8-byte window of key[len] occur in mem[n]? */
static int contains_key_part(const void *mem, size_t n, const uint8_t *key, size_t len)
{
    const uint8_t *m = mem;
    for (size_t k = 0; k + 8 <= len; k++)
        for (size_t i = 0; i + 8 <= n; i++)
            if (m[i] == key[k] && !memcmp(m + i, key + k, 8)) return 1;
    return 0;
}

/* Same writes in both modes, XTS-128 and XTS-256: identical raw flash,
 * ciphertext on the encrypted partition, plaintext back on any range. */
static void fe_identical(int fe_mode)
{
    static uint8_t data[0x6000], back[0x6000];
    struct rig r[2];
    fill(data, sizeof data, 0xC0FFEEu + (uint32_t)fe_mode);
    for (int m = RAW; m <= HW; m++) {
        rig_open(&r[m], m, fe_mode);
        assert_int_equal(r[m].dev.fe.transparent, m == HW);
        const struct fwd_part *app = fwd_part_find(&r[m].dev, "ota_0");
        const struct fwd_part *dat = fwd_part_find(&r[m].dev, "data");
        assert_true(app->encrypted);
        assert_false(dat->encrypted);
        assert_int_equal(fwd_part_erase(&r[m].dev, app, 0, 0x10000), FW_OK);
        assert_int_equal(fwd_part_erase(&r[m].dev, dat, 0, 0x10000), FW_OK);
        assert_int_equal(fwd_part_write(&r[m].dev, app, 0x10, data, 0x5000), FW_OK);
        assert_int_equal(fwd_part_write(&r[m].dev, dat, 0, data, 0x100), FW_OK);
        /* Unaligned reads through the decrypting path. */
        assert_int_equal(fwd_part_read(&r[m].dev, app, 0x13, back, 0x4ff1), FW_OK);
        assert_memory_equal(back, data + 3, 0x4ff1);
        assert_int_equal(fwd_part_read(&r[m].dev, dat, 0, back, 0x100), FW_OK);
        assert_memory_equal(back, data, 0x100);
    }
    assert_memory_equal(r[RAW].sim.flash.mem, r[HW].sim.flash.mem, FLASH_SIZE);
    assert_memory_not_equal(r[HW].sim.flash.mem + 0x10010, data, 64);          /* ciphertext */
    assert_memory_equal(r[HW].sim.flash.mem + 0x50000, data, 0x100);           /* plaintext partition */
    /* Nothing the library holds or wrote contains the key. */
    assert_false(contains_key_part(&r[HW].dev, sizeof r[HW].dev, fe_key, fe_mode == FWD_FE_XTS128 ? 32 : 64));
    assert_false(contains_key_part(r[HW].sim.flash.mem, FLASH_SIZE, fe_key, 64));
    assert_true(r[HW].ks.ops > 0);
    for (int m = RAW; m <= HW; m++) rig_close(&r[m]);
}

static void test_fe_identical_xts128(void **s) { (void)s; fe_identical(FWD_FE_XTS128); }
static void test_fe_identical_xts256(void **s) { (void)s; fe_identical(FWD_FE_XTS256); }

/* The eFuse state the library loads in hardware mode has no key. */
static void test_efuse_has_no_key(void **s)
{
    (void)s;
    struct rig r;
    rig_open(&r, HW, FWD_FE_XTS256);
    struct fwd_efuse_state st;
    assert_int_equal(r.sim.plat.efuse.load(r.sim.plat.efuse.ctx, &st), FW_OK);
    uint8_t zero[64] = { 0 };
    assert_memory_equal(st.fe_key, zero, sizeof zero);
    assert_int_equal(st.fe_mode, FWD_FE_XTS256);
    rig_close(&r);
}

/* Fail closed: FE on, key read-protected (zeros), no encrypting driver. */
static void test_fail_closed_flash(void **s)
{
    (void)s;
    struct fwd_sim sim;
    struct fwd_dev dev;
    assert_int_equal(fwd_sim_open_mem(&sim, FLASH_SIZE), FW_OK);
    struct fwd_efuse_state st = { 0 };
    st.fe_mode = FWD_FE_XTS128;
    assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
    assert_int_equal(fwd_dev_open_blank(&dev, &sim.plat), FW_ERR_KEY);
    /* One callback of the pair is not transparent encryption. */
    sim.plat.flash.write_encrypted = sim.plat.flash.write;
    assert_int_equal(fwd_dev_open_blank(&dev, &sim.plat), FW_ERR_KEY);
    assert_int_equal(fwd_flash_write_encrypted(&sim.plat.flash, 0, fe_key, 16), FW_ERR_KEY);
    fwd_sim_close(&sim);
    /* A transparent context refuses to run XTS itself. */
    struct fwd_fe fe = { .mode = FWD_FE_XTS128, .transparent = 1 };
    uint8_t b[16] = { 0 };
    assert_int_equal(fwd_fe_encrypt(&fe, 0, b, b, 16), FW_ERR_STATE);
}

static void test_fail_closed_keys(void **s)
{
    (void)s;
    struct fwd_keystore none = { 0 };
    struct fwd_decrypt_key k;
    fwd_decrypt_key_init(&k);
    assert_int_equal(fwd_decrypt_key_load_ecies_keystore(&k, &none), FW_ERR_KEY);
    assert_int_equal(k.scheme, 0);
    assert_int_equal(fwd_decrypt_key_load_rsa_keystore(&k, &none), FW_ERR_KEY);
    assert_int_equal(k.scheme, 0);
    uint8_t out[32];
    assert_int_equal(fwd_ks_pbkdf2_sha256(&none, (const uint8_t *)"s", 1, 2, out, 32), FW_ERR_KEY);
    /* A keystore without the RSA key but with HMAC: RSA still refused. */
    struct rig r;
    rig_open(&r, HW, FWD_FE_OFF);
    r.sim.plat.keys.rsa_private = NULL;
    assert_int_equal(fwd_decrypt_key_load_rsa_keystore(&k, &r.sim.plat.keys), FW_ERR_KEY);
    rig_close(&r);
    fwd_decrypt_key_free(&k);
}

struct collect {
    uint8_t *buf;
    size_t len, cap;
};

static int collect_sink(void *ctx, const uint8_t *p, size_t n)
{
    struct collect *c = ctx;
    assert_true(c->len + n <= c->cap);
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    return 0;
}

static int decrypt_file(const struct fwd_decrypt_key *key, const struct fwd_random *rng, const char *rel,
                        struct collect *c, struct fwd_decrypt *d)
{
    size_t n;
    uint8_t *enc = tu_read(tu_vector(rel), &n);
    struct fwd_decrypt_cfg cfg = { .key = key, .rng = rng, .min_bin_size = 0, .max_bin_size = 1u << 24,
                                   .out = { collect_sink, NULL, c } };
    int rc = fwd_decrypt_start(d, &cfg);
    if (rc == FW_OK) rc = fwd_decrypt_feed(d, enc, n);
    if (rc == FW_OK) rc = fwd_decrypt_finish(d);
    free(enc);
    return rc;
}

/* Both schemes, both modes: same plaintext; with the tag check, a wrong
 * wrapped key is the same FW_ERR_AUTH (implicit rejection) in both. */
static void scheme_both_modes(int rsa, const char *good, const char *bad, const char *plain_rel)
{
    struct rig r;
    rig_open(&r, HW, FWD_FE_OFF);
    struct fwd_decrypt_key kraw, khw;
    fwd_decrypt_key_init(&kraw);
    fwd_decrypt_key_init(&khw);
    if (rsa) {
        assert_int_equal(fwd_decrypt_key_load_rsa(&kraw, rsa_pem, rsa_pem_len), FW_OK);
        assert_int_equal(fwd_decrypt_key_load_rsa_keystore(&khw, &r.sim.plat.keys), FW_OK);
    } else {
        assert_int_equal(fwd_decrypt_key_load_ecies_hmac(&kraw, hmac_key), FW_OK);
        assert_int_equal(fwd_decrypt_key_load_ecies_keystore(&khw, &r.sim.plat.keys), FW_OK);
    }
    size_t pn;
    uint8_t *plain = tu_read(tu_vector(plain_rel), &pn);
    static struct fwd_decrypt d;
    struct collect c[2];
    for (int m = RAW; m <= HW; m++) {
        c[m] = (struct collect){ malloc(pn + 16), 0, pn + 16 };
        assert_int_equal(decrypt_file(m == RAW ? &kraw : &khw, &r.sim.plat.random, good, &c[m], &d), FW_OK);
        assert_int_equal(c[m].len, pn);
        assert_memory_equal(c[m].buf, plain, pn);
        c[m].len = 0;
        assert_int_equal(decrypt_file(m == RAW ? &kraw : &khw, &r.sim.plat.random, bad, &c[m], &d), FW_ERR_AUTH);
    }
    /* No key byte in the library's objects (the derived ECIES scalar is, by
     * design, like ESP's own: the HMAC key is not). */
    assert_false(contains_key_part(&khw, sizeof khw, hmac_key, 32));
    assert_false(contains_key_part(&d, sizeof d, hmac_key, 32));
    assert_false(contains_key_part(&khw, sizeof khw, rsa_pem, rsa_pem_len - 1));
    for (int m = RAW; m <= HW; m++) free(c[m].buf);
    free(plain);
    fwd_decrypt_key_free(&kraw);
    fwd_decrypt_key_free(&khw);
    rig_close(&r);
}

static void test_rsa_both_modes(void **s)
{
    (void)s;
    scheme_both_modes(1, "pre_encrypted/rsa/app_esp32c3_64k.enc.bin", "pre_encrypted/rsa/neg_flip_enc_gcm_key.enc.bin",
                      "app/app_esp32c3_64k.bin");
}

static void test_ecies_both_modes(void **s)
{
    (void)s;
    scheme_both_modes(0, "pre_encrypted/ecc/app_esp32c3_64k.enc.bin", "pre_encrypted/ecc/neg_flip_kdf_salt.enc.bin",
                      "app/app_esp32c3_64k.bin");
}

/* A peripheral that fails on demand (wraps the simulator's). */
struct flaky {
    const struct fwd_keystore *real;
    int fail;
};

static int flaky_rsa(void *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
    struct flaky *f = ctx;
    return f->fail ? FW_ERR_IO : f->real->rsa_private(f->real->ctx, in, out, len);
}

/* The unwrap around the raw operation: a valid block gives the software
 * path's key; a bad block or a failing peripheral gives, deterministically,
 * HMAC(rejection secret, block) and FW_OK (no padding oracle). */
static void test_rsa_unwrap_direct(void **s)
{
    (void)s;
    struct rig r;
    rig_open(&r, HW, FWD_FE_OFF);
    size_t n;
    uint8_t *enc = tu_read(tu_vector("pre_encrypted/rsa/app_esp32c3_64k.enc.bin"), &n);
    uint8_t c[FW_ENC_RSA_WRAPPED_SIZE];
    memcpy(c, enc + FW_ENC_OFF_KEY_AREA, sizeof c);
    free(enc);
    struct fwd_decrypt_key kraw, khw;
    fwd_decrypt_key_init(&kraw);
    fwd_decrypt_key_init(&khw);
    assert_int_equal(fwd_decrypt_key_load_rsa(&kraw, rsa_pem, rsa_pem_len), FW_OK);
    assert_int_equal(fwd_decrypt_key_load_rsa_keystore(&khw, &r.sim.plat.keys), FW_OK);
    uint8_t a[32], b[32], fake[32];
    assert_int_equal(fwd_rsa_unwrap_key(&kraw.rsa, &r.sim.plat.random, c, sizeof c, a, 32), FW_OK);
    assert_int_equal(fwd_ks_rsa_unwrap(&r.sim.plat.keys, khw.hw_rejection, c, sizeof c, b, 32), FW_OK);
    assert_memory_equal(a, b, 32);
    /* Asking for 31 bytes of a 32-byte key is a bad block too (length rule). */
    assert_int_equal(fwd_ks_rsa_unwrap(&r.sim.plat.keys, khw.hw_rejection, c, sizeof c, b, 31), FW_OK);
    assert_int_equal(fwd_hmac_sha256(khw.hw_rejection, 32, c, sizeof c, fake), FW_OK);
    assert_memory_equal(b, fake, 31);
    c[100] ^= 1;
    assert_int_equal(fwd_hmac_sha256(khw.hw_rejection, 32, c, sizeof c, fake), FW_OK);
    assert_int_equal(fwd_ks_rsa_unwrap(&r.sim.plat.keys, khw.hw_rejection, c, sizeof c, a, 32), FW_OK);
    assert_int_equal(fwd_ks_rsa_unwrap(&r.sim.plat.keys, khw.hw_rejection, c, sizeof c, b, 32), FW_OK);
    assert_memory_equal(a, b, 32);
    assert_memory_equal(a, fake, 32);
    struct flaky f = { &r.sim.plat.keys, 1 };
    struct fwd_keystore ks = { .rsa_private = flaky_rsa, .rsa_len = 384, .ctx = &f };
    c[100] ^= 1;                                            /* the valid block again */
    assert_int_equal(fwd_ks_rsa_unwrap(&ks, khw.hw_rejection, c, sizeof c, a, 32), FW_OK);
    assert_int_equal(fwd_hmac_sha256(khw.hw_rejection, 32, c, sizeof c, fake), FW_OK);
    assert_memory_equal(a, fake, 32);
    /* The secret is per key and stable: a second load gives the same one. */
    struct fwd_decrypt_key k2;
    fwd_decrypt_key_init(&k2);
    assert_int_equal(fwd_decrypt_key_load_rsa_keystore(&k2, &r.sim.plat.keys), FW_OK);
    assert_memory_equal(k2.hw_rejection, khw.hw_rejection, 32);
    /* A peripheral failing at load: no key. */
    assert_int_equal(fwd_decrypt_key_load_rsa_keystore(&k2, &ks), FW_ERR_IO);
    assert_int_equal(k2.scheme, 0);
    fwd_decrypt_key_free(&k2);
    fwd_decrypt_key_free(&kraw);
    fwd_decrypt_key_free(&khw);
    rig_close(&r);
}

/* PBKDF2 over the peripheral = the seam's PBKDF2 with the raw key. */
static void test_pbkdf2_matches(void **s)
{
    (void)s;
    struct rig r;
    rig_open(&r, HW, FWD_FE_OFF);
    uint8_t a[32], b[32];
    static const uint8_t salt[] = "some salt of any length";
    for (uint32_t it = 1; it <= 5; it += 2) {
        assert_int_equal(fwd_ks_pbkdf2_sha256(&r.sim.plat.keys, salt, sizeof salt - 1, it, a, 32), FW_OK);
        assert_int_equal(fwd_pbkdf2_sha256(hmac_key, 32, salt, sizeof salt - 1, it, b, 32), FW_OK);
        assert_memory_equal(a, b, 32);
    }
    rig_close(&r);
}

/* The keys are unreadable outside a peripheral operation: a read of the
 * vault faults (in a child, so the test survives). Every flow above ran
 * with the vault locked except inside the simulator's own callbacks. */
static void test_vault_locked(void **s)
{
    (void)s;
    struct rig r;
    rig_open(&r, HW, FWD_FE_XTS256);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);   /* not cmocka's handler: die of the fault */
        volatile const uint8_t *p = (const uint8_t *)r.ks.vault;
        _exit(p[0] == 0x5A ? 3 : 4);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGSEGV);
    rig_close(&r);
}

int main(void)
{
    size_t n;
    uint8_t *k = tu_read(tu_vector("flash_encryption/fe_key_xts_512.bin"), &n);
    assert_int_equal(n, 64);
    memcpy(fe_key, k, 64);
    free(k);
    k = tu_read(tu_vector("pre_encrypted/ecc/device_hmac_key.bin"), &n);
    assert_int_equal(n, 32);
    memcpy(hmac_key, k, 32);
    free(k);
    rsa_pem = tu_read(tu_vector("pre_encrypted/rsa/rsa_priv_key.pem"), &n);
    rsa_pem = realloc(rsa_pem, n + 1);
    rsa_pem[n] = 0;
    rsa_pem_len = n + 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fe_identical_xts128),
        cmocka_unit_test(test_fe_identical_xts256),
        cmocka_unit_test(test_efuse_has_no_key),
        cmocka_unit_test(test_fail_closed_flash),
        cmocka_unit_test(test_fail_closed_keys),
        cmocka_unit_test(test_rsa_both_modes),
        cmocka_unit_test(test_ecies_both_modes),
        cmocka_unit_test(test_pbkdf2_matches),
        cmocka_unit_test(test_rsa_unwrap_direct),
        cmocka_unit_test(test_vault_locked),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(rsa_pem);
    return rc;
}
