/* SPDX-License-Identifier: Apache-2.0 */
/* Bootloader scenarios (boot/fwb_boot.c; issue 4 acceptance 2, FORMATS
 * §7.2-7.6, §9 item 10) on the strict in-memory simulator with XTS flash
 * encryption. Bad images are planted straight into a slot (an attacker or a
 * corrupted flash: the OTA path would never write them) and selected in
 * otadata, then the bootloader must refuse them and fall back. */
#include "testutil.h"

#include "devboot_fixture.h"

static uint8_t *IMG3, *IMG5, *IMG6;

static int setup_images(void **state)
{
    (void)state;
    IMG3 = db_make_image(3, "3.0.0", 0, DB_KEY1);
    IMG5 = db_make_image(5, "5.0.0", 0, DB_KEY1);
    IMG6 = db_make_image(6, "6.0.0", 0, DB_KEY2);
    return 0;
}

static int teardown_images(void **state)
{
    (void)state;
    free(IMG3);
    free(IMG5);
    free(IMG6);
    return 0;
}

/* Plant img in `label` and select it (state NEW) as set_boot_partition
 * would, without its verification. */
static void plant(struct db *x, const char *label, const uint8_t *img)
{
    struct fwd_otadata od;
    db_flash(x, label, img, DB_IMG);
    assert_int_equal(db_attach(x, NULL), FW_OK);
    const struct fwd_part *p = fwd_ota_find(&x->dev, label);
    uint32_t slot = (uint32_t)(p->subtype - FWD_PST_OTA_0);
    db_otadata(x, &od);
    assert_int_equal(fwd_otadata_select_slot(&x->dev.d, &od, slot, FW_OTA_NEW), FW_OK);
}

static void factory_only(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 1, 1);
    db_flash(&x, "factory", IMG3, DB_IMG);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(db_boot(&x, &r), FW_OK);
        assert_string_equal(r.part->label, "factory");
        assert_int_equal(r.kind, FWB_FACTORY);
        assert_false(r.has_state);
        assert_int_equal(r.app.desc.secure_version, 3);
        assert_int_equal(r.key_slot, 0);
        assert_ptr_equal(fwd_ota_get_running_partition(&x.dev), r.part);
    }
    /* empty OTA slots were tried after factory? no: factory verified first */
    assert_int_equal(r.n_attempts, 1);
    db_close(&x);
}

static void empty_device_no_bootable_image(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 1, 1);
    assert_int_equal(db_boot(&x, &r), FW_ERR_NOT_FOUND);
    assert_null(r.part);
    assert_int_equal(r.n_attempts, 3);           /* factory, ota_0, ota_1 */
    assert_int_equal(r.attempts[0].reason, FWD_VR_HEADER);
    assert_null(fwd_ota_get_running_partition(&x.dev));
    db_close(&x);
}

static void unconfirmed_rolls_back(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    uint32_t st;
    db_open(&x, 1, 1);
    db_flash(&x, "factory", IMG3, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_int_equal(r.state, FW_OTA_PENDING_VERIFY);
    /* reboot without confirming */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "factory");
    assert_string_equal(r.app.desc.version, "3.0.0");
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, fwd_ota_find(&x.dev, "ota_0"), &st), FW_OK);
    assert_int_equal(st, FW_OTA_ABORTED);
    /* and it stays rolled back */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "factory");
    assert_int_equal(db_secver(&x), 0);
    /* same from one OTA slot to the other: the old slot runs again */
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_string_equal(r.app.desc.version, "5.0.0");
    assert_int_equal(r.state, FW_OTA_VALID);
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, fwd_ota_find(&x.dev, "ota_1"), &st), FW_OK);
    assert_int_equal(st, FW_OTA_ABORTED);
    assert_int_equal(db_secver(&x), 5);
    db_close(&x);
}

struct bad_case {
    const char *name;
    int reason;
    uint8_t *(*make)(void);
    void (*efuse)(struct db *x);
};

static uint8_t *mk_badsig(void)
{
    uint8_t *img = db_make_image(7, "7.0.0", 0, DB_KEY1);
    img[DB_E + 812 + 100] ^= 0x01;
    fw_enc32le(img + DB_E + 1196, fw_crc32_std(img + DB_E, 1196));
    return img;
}
static uint8_t *mk_revoked(void) { return db_make_image(7, "7.0.0", 0, DB_KEY2); }
static uint8_t *mk_oldver(void) { return db_make_image(1, "1.0.0", 0, DB_KEY1); }
static uint8_t *mk_corrupt(void)
{
    uint8_t *img = db_make_image(7, "7.0.0", 0, DB_KEY1);
    img[0x12345] ^= 0x08;
    return img;
}
static uint8_t *mk_wrongchip(void) { return db_make_image(7, "7.0.0", 0x0009, DB_KEY1); }
static uint8_t *mk_untrusted_ec(void) { return db_make_image(7, "7.0.0", 0, DB_KEY_EC); }

static void revoke_key2(struct db *x)
{
    struct fwd_efuse_state add;
    memset(&add, 0, sizeof add);
    add.digest_revoked = 2;
    db_burn(x, &add);
}
static void floor_3(struct db *x)
{
    struct fwd_efuse_state add;
    memset(&add, 0, sizeof add);
    add.secure_version_bits = 0x7;
    db_burn(x, &add);
}
static void revoke_ec(struct db *x)
{
    struct fwd_efuse_state add;
    memset(&add, 0, sizeof add);
    add.digest_revoked = 4;
    db_burn(x, &add);
}

/* Each bad image, planted in ota_1 and selected over a confirmed ota_0:
 * refused, ota_0 boots; the attempt records the precise reason. */
static void bad_images_fall_back(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"bad signature", FWD_VR_SIGNATURE, mk_badsig, NULL},
        {"revoked key digest", FWD_VR_REVOKED, mk_revoked, revoke_key2},
        {"secure_version below eFuse", FWD_VR_ROLLBACK, mk_oldver, floor_3},
        {"one corrupted byte", FWD_VR_CHECKSUM, mk_corrupt, NULL},
        {"wrong chip id", FWD_VR_CHIP, mk_wrongchip, NULL},
        {"revoked ECDSA key", FWD_VR_REVOKED, mk_untrusted_ec, revoke_ec},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct db x;
        struct fwb_result r;
        db_open(&x, 1, 0);
        db_flash(&x, "ota_0", IMG5, DB_IMG);
        assert_int_equal(db_boot(&x, &r), FW_OK);              /* initial contents -> VALID */
        if (cases[i].efuse) cases[i].efuse(&x);
        uint8_t *bad = cases[i].make();
        plant(&x, "ota_1", bad);
        free(bad);
        assert_int_equal(db_boot(&x, &r), FW_OK);
        if (strcmp(r.part->label, "ota_0")) fail_msg("%s: booted %s", cases[i].name, r.part->label);
        assert_int_equal(r.n_attempts, 2);
        assert_string_equal(r.attempts[0].label, "ota_1");
        if (r.attempts[0].reason != cases[i].reason)
            fail_msg("%s: reason %s", cases[i].name, fwd_verify_reason_str(r.attempts[0].reason));
        /* the refused NEW entry was not advanced to PENDING_VERIFY */
        uint32_t st;
        assert_int_equal(fwd_ota_get_state_partition(&x.dev, fwd_ota_find(&x.dev, "ota_1"), &st), FW_OK);
        assert_int_equal(st, FW_OTA_NEW);
        db_close(&x);
    }
}

static void both_slots_bad_no_bootable_image(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 1, 0);
    uint8_t *a = mk_corrupt(), *b = mk_badsig();
    db_flash(&x, "ota_0", a, DB_IMG);
    plant(&x, "ota_1", b);
    assert_int_equal(db_boot(&x, &r), FW_ERR_NOT_FOUND);
    assert_int_equal(r.n_attempts, 2);
    assert_null(fwd_ota_get_running_partition(&x.dev));
    /* with a good factory it would have booted that */
    db_close(&x);
    db_open(&x, 1, 1);
    db_flash(&x, "factory", IMG3, DB_IMG);
    db_flash(&x, "ota_0", a, DB_IMG);
    plant(&x, "ota_1", b);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "factory");
    free(a);
    free(b);
    db_close(&x);
}

/* Unlike ESP's fallback (§9 item 10): a slot marked ABORTED / INVALID is
 * never booted again, even though its image still verifies. */
static void rejected_slots_never_fall_back(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 1, 0);
    db_flash(&x, "ota_0", IMG5, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);                    /* ota_1 PENDING_VERIFY */
    assert_int_equal(db_boot(&x, &r), FW_OK);                    /* -> ABORTED, ota_0 */
    assert_string_equal(r.part->label, "ota_0");
    /* now ota_0 gets corrupted: ota_1 still verifies but is ABORTED */
    assert_int_equal(db_attach(&x, NULL), FW_OK);
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    assert_int_equal(fwd_part_erase(&x.dev.d, p0, 0x10000, 4096), FW_OK);
    assert_int_equal(fwd_ota_verify_partition(&x.dev, fwd_ota_find(&x.dev, "ota_1"), NULL), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_ERR_NOT_FOUND);
    assert_int_equal(r.n_attempts, 1);
    assert_string_equal(r.attempts[0].label, "ota_0");
    db_close(&x);
}

static void secure_version_burned_only_at_confirm(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 1, 1);
    db_flash(&x, "factory", IMG3, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(db_secver(&x), 0);                          /* factory boot: no burn */
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_secver(&x), 0);                          /* OTA end + set boot: no burn */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(db_secver(&x), 0);                          /* NEW -> PENDING_VERIFY: no burn */
    assert_int_equal(db_boot(&x, &r), FW_OK);                    /* unconfirmed: rolled back */
    assert_int_equal(db_secver(&x), 0);
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(db_secver(&x), 6);                          /* confirm: burned */
    assert_int_equal(db_boot(&x, &r), FW_OK);                    /* VALID boot: nothing more */
    assert_int_equal(db_secver(&x), 6);
    /* the old factory image is now below the floor: no longer bootable */
    assert_int_equal(fwd_ota_verify_partition(&x.dev, fwd_ota_find(&x.dev, "factory"), NULL), FW_ERR_ROLLBACK);
    db_close(&x);
}

static void initial_contents_without_factory(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    struct fwd_otadata od;
    db_open(&x, 1, 0);
    db_flash(&x, "ota_1", IMG5, DB_IMG);          /* ota_0 empty */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    assert_int_equal(r.state, FW_OTA_VALID);
    assert_true(r.has_state);
    db_otadata(&x, &od);
    assert_int_equal(od.active, 0);
    assert_int_equal(od.sec[0].e.seq, 2);         /* slot 1 -> seq 2 */
    /* the recorded entry is VALID: like ESP-IDF (set_actual_ota_seq), the
     * bootloader raises the anti-rollback floor to the image it runs */
    assert_int_equal(db_secver(&x), 5);
    db_close(&x);
}

static void flash_encryption_off(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 0, 1);
    db_flash(&x, "factory", IMG3, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 1024), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    db_close(&x);
}

/* Fault-injection hardening: the chosen image's bytes change between the
 * decision and its double check (a glitch, or a flash swapped under the
 * bootloader). The second pass must disagree and the bootloader refuse. */
static int (*orig_read)(void *, uint32_t, void *, size_t);
static int glitch_starts;
static int glitch_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    int rc = orig_read(ctx, addr, buf, len);
    if (addr == 0x10000) glitch_starts++;          /* a verification of factory begins */
    if (rc == 0 && glitch_starts >= 2 && addr >= 0x12000 && addr < 0x13000) ((uint8_t *)buf)[0] ^= 0x01;
    return rc;
}

static void double_check_refuses_on_mismatch(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    db_open(&x, 1, 1);
    db_flash(&x, "factory", IMG3, DB_IMG);
    /* At the chip, below the encrypting driver in hardware-key mode. */
    int (**chip_read)(void *, uint32_t, void *, size_t) = tu_chip_read(&x.ks, &x.sim.plat);
    orig_read = *chip_read;
    *chip_read = glitch_read;
    glitch_starts = 0;
    assert_int_equal(db_boot(&x, &r), FW_ERR_STATE);
    assert_int_equal(glitch_starts, 2);
    assert_null(fwd_ota_get_running_partition(&x.dev));
    *chip_read = orig_read;                       /* glitch gone: boots normally */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "factory");
    db_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(factory_only),
        cmocka_unit_test(empty_device_no_bootable_image),
        cmocka_unit_test(unconfirmed_rolls_back),
        cmocka_unit_test(bad_images_fall_back),
        cmocka_unit_test(both_slots_bad_no_bootable_image),
        cmocka_unit_test(rejected_slots_never_fall_back),
        cmocka_unit_test(secure_version_burned_only_at_confirm),
        cmocka_unit_test(initial_contents_without_factory),
        cmocka_unit_test(flash_encryption_off),
        cmocka_unit_test(double_check_refuses_on_mismatch),
    };
    int rc;
    TU_RUN_BOTH_KEY_MODES(rc, tests, setup_images, teardown_images);
    return rc;
}
