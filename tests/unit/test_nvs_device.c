/* SPDX-License-Identifier: Apache-2.0 */
/* NVS on the simulated device: nvs_keys provisioned through flash
 * encryption (raw bytes are ciphertext), encrypted NVS on a data/nvs
 * partition (entries ciphertext on flash, readable by the host-side reader
 * and the other way round), ESP vectors flashed to the device, negative keys
 * partitions, factory reset keeping the factory partition, and power cuts
 * through the simulator's own cut injection (both modes). */
#include "nvs_testlib.h"

#include "device/fwd_nvs_part.h"
#include "device/port/sim/fwd_sim_nor.h"
#include "hwkeys_fixture.h"
#include "fw_bytes.h"
#include "fw_crc32.h"
#include "host/nvs_host.h"

#define NVS_OFF   0x9000u
#define NVS_SIZE  0x6000u
#define KEYS_OFF  0x10000u
#define FCT_OFF   0x11000u
#define FCT_SIZE  0x4000u

struct rig {
    struct fwd_sim sim;
    struct fwd_sim_nor nor;
    struct fwd_sim_keystore ks;   /* hardware-key mode (hwkeys_fixture.h) */
    struct fwd_platform plat;
    struct fwd_dev dev;
    struct fwd_nvs_dev nv;
};

static struct rig *rig_new(int fe)
{
    struct rig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(fwd_sim_open_mem(&r->sim, 0x40000), FW_OK);
    if (fe) {
        struct fwd_efuse_state st;
        memset(&st, 0, sizeof st);
        st.fe_mode = FWD_FE_XTS128;
        for (int i = 0; i < 32; i++) st.fe_key[i] = (uint8_t)(0x30 + i);
        tu_hw_take_fe_key(&st, &r->ks);
        assert_int_equal(r->sim.plat.efuse.burn(r->sim.plat.efuse.ctx, &st), FW_OK);
    }
    r->plat = r->sim.plat;
    fwd_sim_nor_hal(&r->nor, &r->sim.flash, &r->plat.flash);
    tu_hw_attach(&r->ks, &r->plat);    /* the encrypting driver on top of the NOR view */
    assert_int_equal(fwd_sim_nor_allow(&r->nor, NVS_OFF, NVS_SIZE), 0);
    assert_int_equal(fwd_sim_nor_allow(&r->nor, FCT_OFF, FCT_SIZE), 0);
    assert_int_equal(fwd_dev_open_blank(&r->dev, &r->plat), FW_OK);
    struct fwd_part parts[3] = {
        { "nvs", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, NVS_OFF, NVS_SIZE, 0 },
        { "nvs_keys", FWD_PT_DATA, FWD_PST_DATA_NVS_KEYS, 0, KEYS_OFF, 0x1000, FWD_PART_FLAG_ENCRYPTED },
        { "fctry", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, FCT_OFF, FCT_SIZE, 0 },
    };
    assert_int_equal(fwd_dev_set_parts(&r->dev, parts, 3), FW_OK);
    return r;
}

static void rig_free(struct rig *r)
{
    fwd_dev_close(&r->dev);
    fwd_sim_keystore_close(&r->ks);
    fwd_sim_close(&r->sim);
    free(r);
}

static void vector_keys(uint8_t keys[64])
{
    size_t n;
    uint8_t *k = tu_read(tu_vector("nvs/nvs_keys.bin"), &n);
    memcpy(keys, k, 64);
    free(k);
}

static void keys_partition_is_flash_encrypted(void **state)
{
    (void)state;
    struct rig *r = rig_new(1);
    uint8_t keys[64], raw[80], dec[80];
    vector_keys(keys);
    const struct fwd_part *kp = fwd_part_find(&r->dev, "nvs_keys");
    assert_int_equal(fwd_nvs_keys_provision(&r->dev, kp, keys), 0);
    assert_int_equal(fwd_part_read_raw(&r->dev, kp, 0, raw, 80), 0);
    assert_int_equal(fwd_part_read(&r->dev, kp, 0, dec, 80), 0);
    assert_memory_not_equal(raw, keys, 64);
    assert_memory_equal(dec, keys, 64);
    assert_int_equal(fw_dec32le(dec + 64), fw_crc32_esp(keys, 64));
    uint8_t got[64];
    struct fwd_nvs_bind b;
    struct fwd_nvs_keys_src src;
    fwd_nvs_part_keys_src(&b, &r->dev, kp, &src);
    assert_int_equal(fwd_nvs_keys_load(&src, got), 0);
    assert_memory_equal(got, keys, 64);
    rig_free(r);
}

static void flash_raw(struct rig *r, const char *label, const char *vec_rel, int encrypt)
{
    size_t n;
    uint8_t *img = tu_read(tu_vector(vec_rel), &n);
    const struct fwd_part *p = fwd_part_find(&r->dev, label);
    assert_int_equal(fwd_part_erase(&r->dev, p, 0, p->size), 0);
    if (encrypt) assert_int_equal(fwd_part_write(&r->dev, p, 0, img, n), 0);
    else assert_int_equal(fwd_part_write_raw(&r->dev, p, 0, img, n), 0);
    free(img);
}

static char la[60000], lb[60000];

static int contains(const uint8_t *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(hay + i, needle, m)) return 1;
    return 0;
}

static void esp_vector_on_device(void **state)
{
    (void)state;
    /* fctry (0x4000) gets the encrypted vector; the device reads it with its keys */
    struct rig *r = rig_new(1);
    uint8_t keys[64];
    vector_keys(keys);
    assert_int_equal(fwd_nvs_keys_provision(&r->dev, fwd_part_find(&r->dev, "nvs_keys"), keys), 0);
    flash_raw(r, "fctry", "nvs/nvs_encrypted.bin", 0);
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 1), 0);
    unsigned ca, cb;
    size_t na = nvs_listing(&r->nv.nvs.store, la, sizeof la, &ca);
    fwd_nvs_dev_close(&r->nv);
    assert_int_equal(ca, 136);
    /* same listing as the host reader on the plain vector */
    size_t n;
    uint8_t *plain = tu_read(tu_vector("nvs/nvs.bin"), &n);
    struct ramflash rf;
    struct fw_nvs_io io;
    rf_init(&rf, plain, (uint32_t)n, &io);
    static struct fw_nvs_store s;
    assert_int_equal(fw_nvs_mount(&s, &io, NULL, 1), 0);
    size_t nb = nvs_listing(&s, lb, sizeof lb, &cb);
    assert_int_equal(na, nb);
    assert_memory_equal(la, lb, na);
    free(plain);
    rig_free(r);
}

static void negative_keys_partitions(void **state)
{
    (void)state;
    static const struct { const char *keys; int rc; const char *why; } cases[] = {
        { "nvs/neg_nvs_keys_bad_crc.bin", FW_ERR_CRC, "corrupt" },
        { "nvs/neg_nvs_keys_erased.bin", FW_ERR_STATE, "not initialised" },
        { "nvs/neg_nvs_wrong_keys.bin", FW_ERR_KEY, "wrong key" },
    };
    for (size_t i = 0; i < 3; i++) {
        struct rig *r = rig_new(1);
        flash_raw(r, "fctry", "nvs/nvs_encrypted.bin", 0);
        flash_raw(r, "nvs_keys", cases[i].keys, 1);
        uint8_t before[FCT_SIZE], after[FCT_SIZE];
        memcpy(before, r->sim.flash.mem + FCT_OFF, FCT_SIZE);
        assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 0), cases[i].rc);
        assert_non_null(strstr(r->nv.nvs.store.fail.why, cases[i].why));
        memcpy(after, r->sim.flash.mem + FCT_OFF, FCT_SIZE);
        assert_memory_equal(before, after, FCT_SIZE); /* nothing "repaired" */
        rig_free(r);
    }
}

static int host_ram_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    memcpy(buf, (uint8_t *)ctx + off, len);
    return 0;
}

static void device_writes_host_reads(void **state)
{
    (void)state;
    struct rig *r = rig_new(1);
    uint8_t keys[64];
    vector_keys(keys);
    assert_int_equal(fwd_nvs_keys_provision(&r->dev, fwd_part_find(&r->dev, "nvs_keys"), keys), 0);
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, NULL, 0), 0);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&r->nv.nvs.store, "wifi", 1, &h), 0);
    assert_int_equal(fw_nvs_set_str(&h, "ssid", "my-network"), 0);
    assert_int_equal(fw_nvs_set_str(&h, "pass", "s3cr3t-passphrase"), 0);
    assert_int_equal(fw_nvs_set_u8(&h, "chan", 11), 0);
    static uint8_t blob[5000];
    for (size_t i = 0; i < sizeof blob; i++) blob[i] = (uint8_t)(i * 31);
    assert_int_equal(fw_nvs_set_blob(&h, "cert", blob, sizeof blob), 0);
    unsigned c1, c2;
    size_t n1 = nvs_listing(&r->nv.nvs.store, la, sizeof la, &c1);
    fwd_nvs_dev_close(&r->nv);
    /* no plaintext on flash */
    assert_false(contains(r->sim.flash.mem + NVS_OFF, NVS_SIZE, "s3cr3t"));
    assert_false(contains(r->sim.flash.mem + NVS_OFF, NVS_SIZE, "ssid"));
    /* the host reader (OpenSSL XTS) lists the same items from the raw partition */
    struct fwh_nvs_xts x;
    struct fw_nvs_crypt c;
    fwh_nvs_xts_init(&x, keys);
    fwh_nvs_xts_crypt(&x, &c);
    static struct fw_nvs_store s;
    struct fw_nvs_io io = { .size = NVS_SIZE, .read = host_ram_read, .ctx = r->sim.flash.mem + NVS_OFF };
    assert_int_equal(fw_nvs_mount(&s, &io, &c, 1), 0);
    size_t n2 = nvs_listing(&s, lb, sizeof lb, &c2);
    assert_int_equal(c1, 4);
    assert_int_equal(n1, n2);
    assert_memory_equal(la, lb, n1);
    fwh_nvs_xts_free(&x);
    rig_free(r);
}

static void host_writes_device_reads(void **state)
{
    (void)state;
    /* fwseal nvs generate --keys output flashed raw, read on the device */
    const char *csv = "key,type,encoding,value\nfactory,namespace,,\nserial,data,string,SN-0042\nmac,data,hex2bin,a0b1c2d3e4f5\nrev,data,u16,3\n";
    static uint8_t img[FCT_SIZE];
    uint8_t keys[64];
    vector_keys(keys);
    struct fwh_nvs_xts x;
    struct fw_nvs_crypt c;
    fwh_nvs_xts_init(&x, keys);
    fwh_nvs_xts_crypt(&x, &c);
    assert_int_equal(fw_nvs_gen_csv(csv, strlen(csv), img, sizeof img, NULL, &c, NULL, 0), 0);
    fwh_nvs_xts_free(&x);
    struct rig *r = rig_new(1);
    assert_int_equal(fwd_nvs_keys_provision(&r->dev, fwd_part_find(&r->dev, "nvs_keys"), keys), 0);
    const struct fwd_part *p = fwd_part_find(&r->dev, "fctry");
    assert_int_equal(fwd_part_erase(&r->dev, p, 0, p->size), 0);
    assert_int_equal(fwd_part_write_raw(&r->dev, p, 0, img, sizeof img), 0);
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 0), 0);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&r->nv.nvs.store, "factory", 1, &h), 0);
    char sn[32];
    size_t n = sizeof sn;
    assert_int_equal(fw_nvs_get_str(&h, "serial", sn, &n), 0);
    assert_string_equal(sn, "SN-0042");
    uint8_t mac[8];
    n = sizeof mac;
    assert_int_equal(fw_nvs_get_blob(&h, "mac", mac, &n), 0);
    assert_int_equal(n, 6);
    assert_memory_equal(mac, "\xa0\xb1\xc2\xd3\xe4\xf5", 6);
    uint16_t rev;
    assert_int_equal(fw_nvs_get_u16(&h, "rev", &rev), 0);
    assert_int_equal(rev, 3);
    /* and the device can keep writing into it */
    assert_int_equal(fw_nvs_set_u16(&h, "rev", 4), 0);
    fwd_nvs_dev_close(&r->nv);
    rig_free(r);
}

static void factory_reset_keeps_factory(void **state)
{
    (void)state;
    struct rig *r = rig_new(0);
    struct fw_nvs_handle h;
    /* plain NVS when the table has no nvs_keys partition */
    struct fwd_part parts[2] = {
        { "nvs", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, NVS_OFF, NVS_SIZE, 0 },
        { "fctry", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, FCT_OFF, FCT_SIZE, 0 },
    };
    assert_int_equal(fwd_dev_set_parts(&r->dev, parts, 2), FW_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, i ? "fctry" : "nvs", 0), 0);
        assert_false(r->nv.nvs.encrypted);
        assert_int_equal(fw_nvs_open(&r->nv.nvs.store, "a", 1, &h), 0);
        assert_int_equal(fw_nvs_set_u32(&h, "v", 100 + (uint32_t)i), 0);
        fwd_nvs_dev_close(&r->nv);
    }
    assert_int_equal(fwd_nvs_dev_erase(&r->dev, "nvs"), 0);
    uint32_t v;
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "nvs", 0), 0);
    assert_int_equal(fw_nvs_open(&r->nv.nvs.store, "a", 0, &h), FW_ERR_NOT_FOUND);
    fwd_nvs_dev_close(&r->nv);
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 1), 0);
    assert_int_equal(fw_nvs_open(&r->nv.nvs.store, "a", 0, &h), 0);
    assert_int_equal(fw_nvs_get_u32(&h, "v", &v), 0);
    assert_int_equal(v, 101);
    fwd_nvs_dev_close(&r->nv);
    rig_free(r);
}

static void nor_view_rules(void **state)
{
    (void)state;
    struct rig *r = rig_new(0);
    const struct fwd_flash *f = &r->plat.flash;
    uint8_t w[4] = { 0xFE, 0xFF, 0xFF, 0xFF }, w2[4] = { 0xFC, 0xFF, 0xFF, 0xFF };
    assert_int_equal(fwd_flash_write(f, NVS_OFF, w, 4), 0);
    assert_int_equal(fwd_flash_write(f, NVS_OFF, w2, 4), 0);           /* clears one more bit: fine */
    assert_int_equal(fwd_flash_write(f, NVS_OFF, w, 4), FW_ERR_NOT_ERASED); /* would set a bit */
    assert_int_equal(fwd_flash_write(f, 0x20000, w, 4), 0);
    assert_int_equal(fwd_flash_write(f, 0x20000, w2, 4), FW_ERR_NOT_ERASED); /* strict outside */
    rig_free(r);
}

static void flagged_encrypted_nvs_refused(void **state)
{
    (void)state;
    struct rig *r = rig_new(1);
    struct fwd_part p = { "nvs", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, NVS_OFF, NVS_SIZE, FWD_PART_FLAG_ENCRYPTED };
    assert_int_equal(fwd_dev_set_parts(&r->dev, &p, 1), FW_OK);
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "nvs", 0), FW_ERR_STATE);
    assert_non_null(strstr(r->nv.nvs.store.fail.why, "flagged encrypted"));
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "nope", 0), FW_ERR_NOT_FOUND);
    rig_free(r);
}

/* The NOR re-programming NVS relies on is a declared capability of the flash
 * HAL (FWD_FLASH_CAP_NOR_REPROGRAM): the strict simulator flash does not
 * declare it, so a writable mount fails closed with a reason, before any
 * flash operation; a read-only mount still works; the NOR view declares it. */
static void nvs_needs_declared_nor_reprogram(void **state)
{
    (void)state;
    struct rig *r = rig_new(0);
    struct fwd_part p = { "fctry", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, FCT_OFF, FCT_SIZE, 0 };
    assert_int_equal(fwd_dev_set_parts(&r->dev, &p, 1), FW_OK);          /* plain NVS, no nvs_keys */
    assert_true(r->plat.flash.caps & FWD_FLASH_CAP_NOR_REPROGRAM);   /* the NOR view */
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 0), 0); /* formats it */
    fwd_nvs_dev_close(&r->nv);
    r->plat = r->sim.plat;                                           /* strict flash, no view */
    assert_int_equal(r->plat.flash.caps & FWD_FLASH_CAP_NOR_REPROGRAM, 0);
    struct fwd_sim_stats before = r->sim.flash.st;
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 0), FW_ERR_UNSUPPORTED);
    assert_non_null(strstr(r->nv.nvs.store.fail.why, "NOR re-programming"));
    assert_non_null(strstr(r->nv.nvs.store.fail.why, "read-only"));
    assert_int_equal(r->sim.flash.st.writes, before.writes);
    assert_int_equal(r->sim.flash.st.erases, before.erases);
    assert_int_equal(r->sim.flash.st.reads, before.reads);
    assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, "fctry", 1), 0);
    fwd_nvs_dev_close(&r->nv);
    rig_free(r);
}

/* Power cuts through the simulator (fwd_sim_flash_set_cut, both modes) at
 * every write/erase of a short encrypted workload; committed values survive. */
static void sim_cuts(void **state)
{
    (void)state;
    struct rig *r = rig_new(1);
    uint8_t keys[64];
    vector_keys(keys);
    assert_int_equal(fwd_nvs_keys_provision(&r->dev, fwd_part_find(&r->dev, "nvs_keys"), keys), 0);
    static uint8_t base[NVS_SIZE];
    memcpy(base, r->sim.flash.mem + NVS_OFF, NVS_SIZE);
    uint32_t model[8] = { 0 }, next[8];
    uint64_t rs = 12345;
    unsigned long cuts = 0;
    for (int op = 0; op < 150; op++) {
        rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
        int k = (int)(rs % 8);
        uint32_t val = (uint32_t)(rs >> 20) | 1;
        char key[8], sval[40];
        snprintf(key, sizeof key, "k%d", k);
        snprintf(sval, sizeof sval, "value-%08x-%08x", val, val * 7);
        memcpy(next, model, sizeof next);
        next[k] = val;
        for (int j = 1;; j++) {
            int finished = 0;
            for (int mode = 0; mode < 2 && !finished; mode++) {
                memcpy(r->sim.flash.mem + NVS_OFF, base, NVS_SIZE);
                fwd_sim_flash_revive(&r->sim.flash);
                assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, NULL, 0), 0);
                struct fw_nvs_handle h;
                fwd_sim_flash_set_cut(&r->sim.flash, (uint64_t)j, mode);
                int rc = fw_nvs_open(&r->nv.nvs.store, "s", 1, &h);
                if (!rc) rc = (k & 1) ? fw_nvs_set_str(&h, key, sval) : fw_nvs_set_u32(&h, key, val);
                fwd_nvs_dev_close(&r->nv);
                fwd_sim_flash_set_cut(&r->sim.flash, 0, 0);
                if (rc == 0) { finished = 1; break; }
                assert_int_equal(rc, FW_ERR_POWER_LOSS);
                fwd_sim_flash_revive(&r->sim.flash);
                assert_int_equal(fwd_nvs_dev_open(&r->nv, &r->dev, NULL, 0), 0);
                for (int q = 0; q < 8; q++) {
                    char kq[8];
                    snprintf(kq, sizeof kq, "k%d", q);
                    struct fw_nvs_info in;
                    int found = fw_nvs_open(&r->nv.nvs.store, "s", 0, &h) == 0 && fw_nvs_find(&h, kq, &in) == 0;
                    uint32_t want_old = model[q], want_new = next[q];
                    if (!found) { assert_true(want_old == 0 || (q == k && want_new == 0)); continue; }
                    uint32_t got = 0;
                    if (q & 1) {
                        char sv[40];
                        size_t n = sizeof sv;
                        assert_int_equal(fw_nvs_get_str(&h, kq, sv, &n), 0);
                        got = (uint32_t)strtoul(sv + 6, NULL, 16);
                    } else {
                        assert_int_equal(fw_nvs_get_u32(&h, kq, &got), 0);
                    }
                    assert_true(got == want_old || (q == k && got == want_new));
                }
                fwd_nvs_dev_close(&r->nv);
                cuts++;
            }
            if (finished) break;
        }
        memcpy(base, r->sim.flash.mem + NVS_OFF, NVS_SIZE); /* the finished run is the new base */
        memcpy(model, next, sizeof model);
    }
    printf("# nvs on the simulator: %lu cuts survived\n", cuts);
    assert_true(cuts > 300);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_partition_is_flash_encrypted),
        cmocka_unit_test(esp_vector_on_device),
        cmocka_unit_test(negative_keys_partitions),
        cmocka_unit_test(device_writes_host_reads),
        cmocka_unit_test(host_writes_device_reads),
        cmocka_unit_test(factory_reset_keeps_factory),
        cmocka_unit_test(nor_view_rules),
        cmocka_unit_test(flagged_encrypted_nvs_refused),
        cmocka_unit_test(nvs_needs_declared_nor_reprogram),
        cmocka_unit_test(sim_cuts),
    };
    int rc;
    TU_RUN_BOTH_KEY_MODES(rc, tests, NULL, NULL);
    return rc;
}
