/* SPDX-License-Identifier: Apache-2.0 */
/* Partition access: §4.1 encryption rule, bounds and alignment, lookup, OTA
 * slot enumeration, and flash-encrypted writes byte-identical to espsecure
 * (vectors/flash_encryption, both key sizes, both addresses). */
#include "testutil.h"

#include "otadata_fixture.h"

static void encryption_rule(void **s)
{
    (void)s;
    assert_true(fwd_part_is_encrypted_type(FWD_PT_APP, 0x00, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_APP, 0x10, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_APP, 0x20, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_BOOTLOADER, 0x00, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_PARTITION_TABLE, 0x01, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_DATA, FWD_PST_DATA_OTA, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_DATA, FWD_PST_DATA_NVS_KEYS, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_DATA, FWD_PST_DATA_TEE_OTA, 0));
    assert_true(fwd_part_is_encrypted_type(FWD_PT_DATA, 0x81, FWD_PART_FLAG_ENCRYPTED));
    assert_true(fwd_part_is_encrypted_type(0x40, 0x00, FWD_PART_FLAG_ENCRYPTED));
    assert_false(fwd_part_is_encrypted_type(FWD_PT_DATA, 0x81, 0));
    assert_false(fwd_part_is_encrypted_type(FWD_PT_DATA, 0x01, FWD_PART_FLAG_READONLY));
    assert_false(fwd_part_is_encrypted_type(FWD_PT_DATA, FWD_PST_DATA_NVS, 0));
    assert_false(fwd_part_is_encrypted_type(FWD_PT_DATA, FWD_PST_DATA_NVS, FWD_PART_FLAG_ENCRYPTED));
}

static void effective_flag_follows_fe_mode(void **s)
{
    (void)s;
    struct fx x;
    fx_open(&x, 0);
    for (size_t i = 0; i < x.dev.nparts; i++) assert_false(x.dev.parts[i].encrypted);
    fx_close(&x);
    fx_open(&x, 64);
    assert_int_equal(x.dev.fe_mode, FWD_FE_XTS256);
    assert_false(fwd_part_find(&x.dev, "nvs")->encrypted);
    assert_true(fwd_part_find(&x.dev, "otadata")->encrypted);
    assert_false(fwd_part_find(&x.dev, "phy_init")->encrypted);
    assert_true(fwd_part_find(&x.dev, "ota_0")->encrypted);
    assert_true(fwd_part_find(&x.dev, "nvs_key")->encrypted);
    assert_true(fwd_part_find(&x.dev, "storage")->encrypted);
    fx_close(&x);
}

static void lookup_and_slots(void **s)
{
    (void)s;
    struct fx x;
    fx_open(&x, 0);
    assert_null(fwd_part_find(&x.dev, "ota"));
    assert_null(fwd_part_find(&x.dev, "nope"));
    assert_int_equal(fwd_part_find(&x.dev, "ota_1")->offset, 0x20000);
    assert_int_equal(fwd_part_find_type(&x.dev, FWD_PT_DATA, FWD_PST_DATA_OTA)->offset, 0xd000);
    assert_int_equal(fwd_part_find_type(&x.dev, FWD_PT_APP, FWD_PST_ANY)->offset, 0x10000);
    assert_null(fwd_part_find_type(&x.dev, FWD_PT_APP, FWD_PST_FACTORY));
    assert_int_equal(fwd_part_ota_count(&x.dev), 2);
    assert_string_equal(fwd_part_ota_slot(&x.dev, 1)->label, "ota_1");
    assert_null(fwd_part_ota_slot(&x.dev, 2));
    /* Non-contiguous subtypes: ota_0, ota_2 -> one slot (§6.6). */
    struct fwd_part p[2] = {fx_parts[3], fx_parts[4]};
    p[1].subtype = FWD_PST_OTA_0 + 2;
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_OK);
    assert_int_equal(fwd_part_ota_count(&x.dev), 1);
    /* Entries outside the flash are refused. */
    p[1].offset = FX_FLASH - 0x1000;
    p[1].size = 0x2000;
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_ERR_RANGE);
    /* Device-side rules beyond §6.4: overlap, sector alignment, empty, duplicate label. */
    p[1] = fx_parts[4];
    p[1].offset = 0x18000;
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_ERR_FORMAT);
    p[1].offset = 0x20010;
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_ERR_ALIGN);
    p[1].offset = 0x20000;
    p[1].size = 0;
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_ERR_RANGE);
    p[1].size = 0x10000;
    memcpy(p[1].label, "ota_0", 6);
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_ERR_FORMAT);
    memcpy(p[1].label, "ota_1", 6);
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_OK);
    fx_close(&x);
}

static void bounds_and_alignment(void **s)
{
    (void)s;
    struct fx x;
    fx_open(&x, 32);
    const struct fwd_part *app = fwd_part_find(&x.dev, "ota_0"), *nvs = fwd_part_find(&x.dev, "nvs");
    uint8_t b[64];
    memset(b, 0x5A, sizeof b);
    assert_int_equal(fwd_part_read(&x.dev, app, 0x10000 - 16, b, 32), FW_ERR_RANGE);
    assert_int_equal(fwd_part_read(&x.dev, app, 0xFFFFFFF0u, b, 32), FW_ERR_RANGE);
    assert_int_equal(fwd_part_write(&x.dev, app, 0x10000, b, 16), FW_ERR_RANGE);
    assert_int_equal(fwd_part_erase(&x.dev, app, 0x10000, 0x1000), FW_ERR_RANGE);
    assert_int_equal(fwd_part_erase(&x.dev, app, 0x800, 0x1000), FW_ERR_ALIGN);
    assert_int_equal(fwd_part_write(&x.dev, app, 8, b, 16), FW_ERR_ALIGN);  /* encrypted: 16 */
    assert_int_equal(fwd_part_write(&x.dev, app, 0, b, 20), FW_ERR_ALIGN);
    assert_int_equal(fwd_part_write(&x.dev, nvs, 8, b, 4), FW_OK);           /* plain: write_align 4 */
    assert_int_equal(fwd_part_write(&x.dev, nvs, 8, b, 4), FW_ERR_NOT_ERASED);
    assert_int_equal(fwd_part_write_raw(&x.dev, app, 4, b, 4), FW_OK);
    assert_int_equal(fwd_part_write(&x.dev, app, 0x100, b, 64), FW_OK);
    fx_close(&x);
}

/* Encrypted read of arbitrary (unaligned) ranges returns the plaintext;
 * the raw view differs; NVS stays plaintext under FE. */
static void encrypted_roundtrip_any_range(void **s)
{
    (void)s;
    struct fx x;
    fx_open(&x, 32);
    const struct fwd_part *app = fwd_part_find(&x.dev, "ota_1");
    static uint8_t pt[8192], back[8192], raw[8192];
    for (size_t i = 0; i < sizeof pt; i++) pt[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(fwd_part_write(&x.dev, app, 0x1000, pt, sizeof pt), FW_OK);
    assert_int_equal(fwd_part_read(&x.dev, app, 0x1000, back, sizeof pt), FW_OK);
    assert_memory_equal(back, pt, sizeof pt);
    assert_int_equal(fwd_part_read_raw(&x.dev, app, 0x1000, raw, sizeof pt), FW_OK);
    assert_memory_not_equal(raw, pt, 64);
    size_t offs[] = {1, 5, 15, 16, 17, 127, 128, 129, 4095};
    size_t lens[] = {1, 3, 15, 16, 17, 31, 200, 1000};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
        for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++) {
            memset(back, 0, lens[j]);
            assert_int_equal(fwd_part_read(&x.dev, app, 0x1000 + (uint32_t)offs[i], back, lens[j]), FW_OK);
            assert_memory_equal(back, pt + offs[i], lens[j]);
        }
    const struct fwd_part *nvs = fwd_part_find(&x.dev, "nvs");
    assert_int_equal(fwd_part_write(&x.dev, nvs, 0, pt, 64), FW_OK);
    assert_int_equal(fwd_part_read_raw(&x.dev, nvs, 0, raw, 64), FW_OK);
    assert_memory_equal(raw, pt, 64);
    fx_close(&x);
}

/* Acceptance 1: writing the vector app through the partition layer at
 * 0x10000 / 0x1F0000 gives espsecure's ciphertext raw, plaintext decrypted. */
static void vector_ciphertext(const char *keyf, uint32_t addr, const char *ctf)
{
    size_t kl, pl, cl;
    uint8_t *key = tu_read(tu_vector(keyf), &kl);
    uint8_t *pt = tu_read(tu_vector("app/app_esp32c3_64k.bin"), &pl);
    uint8_t *ct = tu_read(tu_vector(ctf), &cl);
    assert_int_equal(pl, cl);
    struct fwd_sim sim;
    struct fwd_dev *dev = malloc(sizeof *dev);
    assert_int_equal(fwd_sim_open_mem(&sim, 0x400000), FW_OK);
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    st.fe_mode = kl == 32 ? FWD_FE_XTS128 : FWD_FE_XTS256;
    memcpy(st.fe_key, key, kl);
    assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
    assert_int_equal(fwd_dev_open_blank(dev, &sim.plat), FW_OK);
    struct fwd_part app = {"app", FWD_PT_APP, FWD_PST_OTA_0, 0, addr, 0x100000, 0};
    assert_int_equal(fwd_dev_set_parts(dev, &app, 1), FW_OK);
    const struct fwd_part *p = fwd_part_find(dev, "app");
    assert_int_equal(fwd_part_erase(dev, p, 0, 0x1A000), FW_OK);
    assert_int_equal(fwd_part_write(dev, p, 0, pt, pl), FW_OK);
    uint8_t *buf = malloc(pl);
    assert_int_equal(fwd_part_read_raw(dev, p, 0, buf, pl), FW_OK);
    assert_memory_equal(buf, ct, pl);
    assert_int_equal(fwd_part_read(dev, p, 0, buf, pl), FW_OK);
    assert_memory_equal(buf, pt, pl);
    fwd_dev_close(dev);
    fwd_sim_close(&sim);
    free(dev); free(buf); free(key); free(pt); free(ct);
}

static void vec_xts256_0x10000(void **s)
{
    (void)s;
    vector_ciphertext("flash_encryption/fe_key_xts_256.bin", 0x10000,
                      "flash_encryption/ct_xts256_0x10000_app_esp32c3_64k.bin");
}
static void vec_xts256_0x1F0000(void **s)
{
    (void)s;
    vector_ciphertext("flash_encryption/fe_key_xts_256.bin", 0x1F0000,
                      "flash_encryption/ct_xts256_0x1F0000_app_esp32c3_64k.bin");
}
static void vec_xts512_0x10000(void **s)
{
    (void)s;
    vector_ciphertext("flash_encryption/fe_key_xts_512.bin", 0x10000,
                      "flash_encryption/ct_xts512_0x10000_app_esp32c3_64k.bin");
}
static void vec_xts512_0x1F0000(void **s)
{
    (void)s;
    vector_ciphertext("flash_encryption/fe_key_xts_512.bin", 0x1F0000,
                      "flash_encryption/ct_xts512_0x1F0000_app_esp32c3_64k.bin");
}

static void bad_fe_mode_in_efuse(void **s)
{
    (void)s;
    struct fwd_sim sim;
    struct fwd_dev *dev = malloc(sizeof *dev);
    assert_int_equal(fwd_sim_open_mem(&sim, 0x10000), FW_OK);
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    st.fe_mode = 3; /* XTS128|XTS256 bits both burned: not a mode */
    assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
    assert_int_equal(fwd_dev_open_blank(dev, &sim.plat), FW_ERR_KEY);
    fwd_dev_close(dev);
    fwd_sim_close(&sim);
    free(dev);
}

/* A power loss from the HAL propagates unchanged through the layer. */
static void power_loss_propagates(void **s)
{
    (void)s;
    struct fx x;
    fx_open(&x, 32);
    const struct fwd_part *app = fwd_part_find(&x.dev, "ota_0");
    static uint8_t b[8192];
    fwd_sim_flash_set_cut(&x.sim.flash, 2, FWD_SIM_CUT_CLEAN);
    assert_int_equal(fwd_part_write(&x.dev, app, 0, b, sizeof b), FW_ERR_POWER_LOSS); /* 2 chunks */
    assert_int_equal(fwd_part_read(&x.dev, app, 0, b, 16), FW_ERR_POWER_LOSS);
    fx_close(&x);
}

/* fwd_dev_open reads the table at 0x8000 through decryption (FORMATS §6.4). */
static void table_roundtrip(size_t key, int corrupt, int wrong_key, int want)
{
    size_t n;
    uint8_t *bin = tu_read(tu_vector("partition_table/partitions_two_ota_encr_nvs.bin"), &n);
    struct fwd_sim sim;
    struct fwd_dev *d = malloc(sizeof *d);
    assert_int_equal(fwd_sim_open_mem(&sim, 0x400000), FW_OK);
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    st.fe_mode = key == 32 ? FWD_FE_XTS128 : key == 64 ? FWD_FE_XTS256 : FWD_FE_OFF;
    for (size_t i = 0; i < key; i++) st.fe_key[i] = (uint8_t)(0x40 + i);
    assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
    assert_int_equal(fwd_dev_open_blank(d, &sim.plat), FW_OK);
    if (corrupt) bin[40] ^= 0x01; /* inside the second record: MD5 no longer matches */
    assert_int_equal(fwd_dev_write_abs(d, 0x8000, bin, n, 1), FW_OK);
    fwd_dev_close(d);
    if (wrong_key) { /* burn one more key bit: a different key */
        memset(&st, 0, sizeof st);
        st.fe_key[0] = 0x01;
        assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
    }
    assert_int_equal(fwd_dev_open(d, &sim.plat, 0), want);
    if (want == FW_OK) {
        assert_int_equal(d->nparts, 6);
        assert_int_equal(fwd_part_ota_count(d), 2);
        const struct fwd_part *p = fwd_part_find(d, "nvs_key");
        assert_non_null(p);
        assert_int_equal(p->offset, 0x330000);
        assert_int_equal(p->flags, FWD_PART_FLAG_ENCRYPTED);
        assert_int_equal(p->encrypted, key != 0);
        assert_int_equal(fwd_part_find(d, "ota_1")->offset, 0x1a0000);
        if (key) {
            uint8_t raw[32];
            assert_int_equal(fwd_dev_read_abs(d, 0x8000, raw, 32, 0), FW_OK);
            assert_memory_not_equal(raw, bin, 32); /* stored encrypted */
        }
    }
    fwd_dev_close(d);
    fwd_sim_close(&sim);
    free(d);
    free(bin);
}

static void open_table_plain(void **s) { (void)s; table_roundtrip(0, 0, 0, FW_OK); }
static void open_table_xts128(void **s) { (void)s; table_roundtrip(32, 0, 0, FW_OK); }
static void open_table_xts256(void **s) { (void)s; table_roundtrip(64, 0, 0, FW_OK); }
static void open_table_corrupt(void **s) { (void)s; table_roundtrip(32, 1, 0, FW_ERR_DIGEST); }
static void open_table_wrong_key(void **s) { (void)s; table_roundtrip(32, 0, 1, FW_ERR_MAGIC); }

static void open_erased_flash(void **s)
{
    (void)s;
    struct fwd_sim sim;
    struct fwd_dev *d = malloc(sizeof *d);
    assert_int_equal(fwd_sim_open_mem(&sim, 0x100000), FW_OK);
    assert_int_equal(fwd_dev_open(d, &sim.plat, 0), FW_ERR_FORMAT); /* first record is the terminator */
    assert_int_equal(fwd_dev_open(d, &sim.plat, 0x8800), FW_ERR_ALIGN);
    fwd_sim_close(&sim);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encryption_rule),
        cmocka_unit_test(effective_flag_follows_fe_mode),
        cmocka_unit_test(lookup_and_slots),
        cmocka_unit_test(bounds_and_alignment),
        cmocka_unit_test(encrypted_roundtrip_any_range),
        cmocka_unit_test(vec_xts256_0x10000),
        cmocka_unit_test(vec_xts256_0x1F0000),
        cmocka_unit_test(vec_xts512_0x10000),
        cmocka_unit_test(vec_xts512_0x1F0000),
        cmocka_unit_test(bad_fe_mode_in_efuse),
        cmocka_unit_test(power_loss_propagates),
        cmocka_unit_test(open_table_plain),
        cmocka_unit_test(open_table_xts128),
        cmocka_unit_test(open_table_xts256),
        cmocka_unit_test(open_table_corrupt),
        cmocka_unit_test(open_table_wrong_key),
        cmocka_unit_test(open_erased_flash),
    };
    return cmocka_run_group_tests_name("part", tests, NULL, NULL);
}
