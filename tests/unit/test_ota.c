/* SPDX-License-Identifier: Apache-2.0 */
/* OTA operations (device/fwd_ota.c, FORMATS §7.4, §7.6, §8) on the in-memory
 * simulator with strict NOR semantics and XTS flash encryption. */
#include "testutil.h"

#define DB_OTA_IMAGES
#include "devboot_fixture.h"


/* Device with IMG3 (secure_version 3) in factory, booted. */


static void full_cycle_confirm(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    uint32_t st;
    fresh(&x, 1);
    assert_int_equal(db_secver(&x), 0);
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, p0, &st), FW_OK);
    assert_int_equal(st, FW_OTA_NEW);
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), p0);
    assert_int_equal(db_secver(&x), 0);                      /* not at OTA time */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_string_equal(r.app.desc.version, "5.0.0");
    assert_int_equal(r.state, FW_OTA_PENDING_VERIFY);
    assert_int_equal(db_secver(&x), 0);                      /* not at boot time */
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(db_secver(&x), 5);                      /* only at confirm */
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, p0, &st), FW_OK);
    assert_int_equal(st, FW_OTA_VALID);
    /* confirming again is idempotent */
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(db_secver(&x), 5);
    /* a confirmed image stays across reboots */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_boot(&x, &r), FW_OK);
        assert_string_equal(r.part->label, "ota_0");
        assert_int_equal(r.state, FW_OTA_VALID);
    }
    /* and the factory image (secure_version 3) is now below the floor */
    assert_int_equal(fwd_ota_verify_partition(&x.dev, fwd_ota_find(&x.dev, "factory"), NULL), FW_ERR_ROLLBACK);
    db_close(&x);
}

static void alternating_slots_growing_seq(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    struct fwd_otadata od;
    uint32_t last_seq = 0;
    fresh(&x, 1);
    const char *want[] = {"ota_0", "ota_1", "ota_0", "ota_1", "ota_0"};
    for (int i = 0; i < 5; i++) {
        const uint8_t *img = i ? IMG6 : IMG5;   /* secure_version never goes down */
        assert_int_equal(db_ota(&x, img, DB_IMG, 1000 + 333 * (size_t)i), FW_OK);
        assert_int_equal(db_boot(&x, &r), FW_OK);
        assert_string_equal(r.part->label, want[i]);
        assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
        db_otadata(&x, &od);
        assert_true(od.active >= 0);
        assert_true(od.sec[od.active].e.seq > last_seq);
        last_seq = od.sec[od.active].e.seq;
    }
    assert_int_equal(last_seq, 5);
    assert_int_equal(db_secver(&x), 6);
    db_close(&x);
}

static void begin_refusals(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    struct fwd_ota_handle h, h2;
    fresh(&x, 1);
    const struct fwd_part *f = fwd_ota_find(&x.dev, "factory"), *p0 = fwd_ota_find(&x.dev, "ota_0");
    assert_int_equal(fwd_ota_begin(&x.dev, f, DB_IMG, &h), FW_ERR_INVALID_ARG);      /* not an OTA slot */
    assert_int_equal(fwd_ota_begin(&x.dev, fwd_ota_find(&x.dev, "otadata"), DB_IMG, &h), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_ota_begin(&x.dev, p0, 0x40001, &h), FW_ERR_NO_SPACE);
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    assert_int_equal(fwd_ota_begin(&x.dev, fwd_ota_find(&x.dev, "ota_1"), DB_IMG, &h2), FW_ERR_STATE); /* busy */
    assert_int_equal(fwd_ota_abort(&h), FW_OK);
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);                 /* ota_0, PENDING_VERIFY */
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_ERR_STATE);        /* running slot */
    assert_int_equal(fwd_ota_begin(&x.dev, fwd_ota_find(&x.dev, "ota_1"), DB_IMG, &h), FW_ERR_STATE); /* PV */
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(fwd_ota_begin(&x.dev, fwd_ota_find(&x.dev, "ota_1"), DB_IMG, &h), FW_OK);
    assert_int_equal(fwd_ota_abort(&h), FW_OK);
    db_close(&x);
}

static void write_chunking_and_first_byte(void **state)
{
    (void)state;
    struct db x;
    struct fwd_ota_handle h;
    fresh(&x, 1);
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    /* odd chunk sizes: 1, 7, 15, 16, 17, ... all end up identical */
    static const size_t sizes[] = {1, 7, 15, 16, 17, 31, 4095, 4097, 65536};
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    size_t off = 0;
    for (size_t i = 0; off < DB_IMG; i++) {
        size_t n = sizes[i % 9];
        if (n > DB_IMG - off) n = DB_IMG - off;
        assert_int_equal(fwd_ota_write(&h, IMG5 + off, n), FW_OK);
        off += n;
    }
    assert_int_equal(fwd_ota_write(&h, IMG5, 0), FW_OK);
    assert_int_equal(fwd_ota_end(&h), FW_OK);
    uint8_t *back = malloc(DB_IMG);
    assert_int_equal(fwd_part_read(&x.dev.d, p0, 0, back, DB_IMG), FW_OK);
    assert_memory_equal(back, IMG5, DB_IMG);
    /* on flash it is ciphertext */
    assert_int_equal(fwd_part_read_raw(&x.dev.d, p0, 0, back, 4096), FW_OK);
    assert_memory_not_equal(back, IMG5, 4096);
    free(back);
    /* the first byte must be the image magic; the slot is erased on refusal */
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    uint8_t bad = 0xE8;
    assert_int_equal(fwd_ota_write(&h, &bad, 1), FW_ERR_MAGIC);
    assert_int_equal(fwd_ota_write(&h, IMG5, 16), FW_ERR_INVALID_ARG);        /* handle closed */
    assert_true(slot_is_erased(&x, "ota_0"));
    /* more than announced at begin */
    assert_int_equal(fwd_ota_begin(&x.dev, p0, 8192, &h), FW_OK);
    assert_int_equal(fwd_ota_write(&h, IMG5, 8192), FW_OK);
    assert_int_equal(fwd_ota_write(&h, IMG5 + 8192, 1), FW_ERR_NO_SPACE);
    assert_true(slot_is_erased(&x, "ota_0"));
    db_close(&x);
}

struct early { int calls; uint32_t secver; char version[33]; int answer; };

static int early_cb(void *arg, const struct fwd_ota_dev *dev, const struct fwd_app_info *in)
{
    struct early *e = arg;
    (void)dev;
    e->calls++;
    e->secver = in->desc.secure_version;
    memcpy(e->version, in->desc.version, sizeof e->version);
    return e->answer;
}

static void early_check_hook(void **state)
{
    (void)state;
    struct db x;
    struct fwd_ota_handle h;
    struct early e = {0, 0, "", FW_OK};
    fresh(&x, 1);
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    fwd_ota_set_early_check(&h, early_cb, &e);
    assert_int_equal(fwd_ota_write(&h, IMG5, 100), FW_OK);
    assert_int_equal(e.calls, 0);
    assert_int_equal(fwd_ota_write(&h, IMG5 + 100, 1000), FW_OK);
    assert_int_equal(e.calls, 1);
    assert_int_equal(e.secver, 5);
    assert_string_equal(e.version, "5.0.0");
    assert_int_equal(fwd_ota_write(&h, IMG5 + 1100, DB_IMG - 1100), FW_OK);
    assert_int_equal(e.calls, 1);
    assert_int_equal(fwd_ota_end(&h), FW_OK);
    /* refusal by the hook: FW_ERR_VERSION, slot erased */
    e.answer = FW_ERR_VERSION;
    e.calls = 0;
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    fwd_ota_set_early_check(&h, early_cb, &e);
    assert_int_equal(fwd_ota_write(&h, IMG5, 4096), FW_ERR_VERSION);
    assert_int_equal(e.calls, 1);
    assert_true(slot_is_erased(&x, "ota_0"));
    db_close(&x);
}

static void end_rejects_and_erases(void **state)
{
    (void)state;
    struct db x;
    struct fwd_ota_handle h;
    fresh(&x, 1);
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    /* bad signature */
    assert_int_equal(db_ota(&x, IMG_BADSIG, DB_IMG, 4096), FW_ERR_SIGNATURE);
    assert_int_equal(x.dev.last.reason, FWD_VR_SIGNATURE);
    assert_true(slot_is_erased(&x, "ota_0"));
    /* one corrupted byte */
    uint8_t *img = malloc(DB_IMG);
    memcpy(img, IMG5, DB_IMG);
    img[0x5000] ^= 0x40;
    assert_int_not_equal(db_ota(&x, img, DB_IMG, 4096), FW_OK);
    assert_true(slot_is_erased(&x, "ota_0"));
    /* truncated by 16 bytes (they would read back as erased 0xFF: refused by length) */
    assert_int_equal(db_ota(&x, IMG5, DB_IMG - 16, 4096), FW_ERR_FORMAT);
    assert_true(slot_is_erased(&x, "ota_0"));
    /* trailing bytes after the signature sector */
    memcpy(img, IMG5, DB_IMG);
    uint8_t *longer = malloc(DB_IMG + 16);
    memcpy(longer, IMG5, DB_IMG);
    memset(longer + DB_IMG, 0, 16);
    assert_int_equal(db_ota(&x, longer, DB_IMG + 16, 4096), FW_ERR_FORMAT);
    assert_true(slot_is_erased(&x, "ota_0"));
    free(longer);
    /* truncated in the middle: end sees an incomplete image */
    assert_int_not_equal(db_ota(&x, IMG5, 100000, 4096), FW_OK);
    assert_true(slot_is_erased(&x, "ota_0"));
    /* wrong chip, validly signed */
    free(img);
    img = db_make_image(5, "5.0.0-s3", 0x0009, DB_KEY1);
    assert_int_equal(db_ota(&x, img, DB_IMG, 4096), FW_ERR_CHIP);
    assert_true(slot_is_erased(&x, "ota_0"));
    free(img);
    /* end without data, abort */
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    assert_int_equal(fwd_ota_end(&h), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    assert_int_equal(fwd_ota_write(&h, IMG5, 5000), FW_OK);
    assert_int_equal(fwd_ota_abort(&h), FW_OK);
    assert_true(slot_is_erased(&x, "ota_0"));
    assert_int_equal(fwd_ota_end(&h), FW_ERR_INVALID_ARG);
    /* nothing was ever selected */
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), fwd_ota_find(&x.dev, "factory"));
    db_close(&x);
}

static void anti_rollback_at_update(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    fresh(&x, 1);
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(db_secver(&x), 6);
    /* an older secure_version is refused at end() already */
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_ERR_ROLLBACK);
    assert_true(slot_is_erased(&x, "ota_1"));
    /* set_boot_partition on a slot holding an image below the floor erases it */
    assert_int_equal(db_attach(&x, "ota_0"), FW_OK);
    db_flash(&x, "ota_1", IMG5, DB_IMG);
    assert_int_equal(db_attach(&x, "ota_0"), FW_OK);
    assert_int_equal(fwd_ota_set_boot_partition(&x.dev, fwd_ota_find(&x.dev, "ota_1")), FW_ERR_ROLLBACK);
    assert_true(slot_is_erased(&x, "ota_1"));
    db_close(&x);
}

static void reject_and_rollback(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    fresh(&x, 1);
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);     /* ota_0 VALID */
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    assert_int_equal(fwd_ota_mark_app_invalid(&x.dev), FW_OK);
    assert_ptr_equal(fwd_ota_get_last_invalid_partition(&x.dev), fwd_ota_find(&x.dev, "ota_1"));
    assert_int_equal(db_secver(&x), 5);                          /* never confirmed: no burn */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_string_equal(r.app.desc.version, "5.0.0");
    assert_int_equal(r.state, FW_OTA_VALID);
    /* the running app cannot reject itself without a rollback target:
     * no factory, the other slot is INVALID */
    db_close(&x);
    db_open(&x, 1, 0);
    db_flash(&x, "ota_0", IMG5, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);                    /* initial contents -> VALID entry */
    assert_string_equal(r.part->label, "ota_0");
    assert_int_equal(r.state, FW_OTA_VALID);
    assert_int_equal(fwd_ota_mark_app_invalid(&x.dev), FW_ERR_STATE);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    db_close(&x);
}

static void queries(void **state)
{
    (void)state;
    struct db x;
    uint32_t st;
    struct fwd_app_info a;
    fresh(&x, 0);                 /* flash encryption off this time */
    const struct fwd_part *f = fwd_ota_find(&x.dev, "factory"), *p0 = fwd_ota_find(&x.dev, "ota_0"),
                          *p1 = fwd_ota_find(&x.dev, "ota_1");
    assert_ptr_equal(fwd_ota_get_running_partition(&x.dev), f);
    assert_ptr_equal(fwd_ota_get_next_update_partition(&x.dev, NULL), p0);
    assert_ptr_equal(fwd_ota_get_next_update_partition(&x.dev, p0), p1);
    assert_ptr_equal(fwd_ota_get_next_update_partition(&x.dev, p1), p0);
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, f, &st), FW_ERR_UNSUPPORTED);
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, p0, &st), FW_ERR_NOT_FOUND);
    assert_null(fwd_ota_get_last_invalid_partition(&x.dev));
    assert_int_equal(fwd_ota_get_partition_description(&x.dev, f, &a), FW_OK);
    assert_int_equal(a.desc.secure_version, 3);
    assert_int_equal(fwd_ota_get_partition_description(&x.dev, p0, &a), FW_ERR_NOT_FOUND);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_ERR_STATE);   /* factory has no entry */
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    /* set_boot back to factory erases otadata */
    assert_int_equal(fwd_ota_set_boot_partition(&x.dev, f), FW_OK);
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), f);
    db_close(&x);
}

/* ---- key revocation and the k-of-n policy (issue 16) ---- */

/* IMG signed by RSA key1 (block 0) and key2 (block 1): the bridge release. */
static uint8_t *make_bridge(uint32_t secver, const char *version)
{
    uint8_t *img = db_make_image(secver, version, 0, DB_KEY1);
    uint8_t *blk = img + DB_E + 1216;
    db_key_block(DB_KEY2, blk);
    memcpy(blk + 4, img + DB_E + 4, 32);                        /* the same image digest */
    db_sign(blk, img + DB_E + 4, DB_KEY2);
    fw_enc32le(blk + 1196, fw_crc32_std(blk, 1196));
    return img;
}

static uint8_t db_revoked(struct db *x)
{
    struct fwd_efuse_state st;
    assert_int_equal(x->sim.plat.efuse.load(x->sim.plat.efuse.ctx, &st), FW_OK);
    return st.digest_revoked;
}

static void revoke_key_refuses_to_brick(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    uint8_t *bridge = make_bridge(6, "6.5.0"), *k1_6 = db_make_image(6, "6.1.0", 0, DB_KEY1);
    fresh(&x, 1);                                                /* factory: ECDSA key (slot 2) only */
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 3), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 2), FW_ERR_REVOKED);
    assert_int_equal(x.dev.last.reason, FWD_VR_REVOKED);
    assert_int_equal(db_revoked(&x), 0);                         /* nothing burned */
    /* release N by key1: not confirmed yet -> refused; confirmed -> still refused */
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 0), FW_ERR_STATE);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 0), FW_ERR_REVOKED);
    assert_int_equal(db_revoked(&x), 0);
    /* key2 signs nothing that runs: revoking it is allowed (the running image keeps key1) */
    /* bridge by key1 + key2, confirmed: key1 may go */
    assert_int_equal(db_ota(&x, bridge, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 0), FW_OK);
    assert_int_equal(db_revoked(&x), 1);
    assert_int_equal(x.dev.efuse.digest_revoked, 1);             /* refreshed */
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 0), FW_OK);     /* idempotent */
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 1), FW_ERR_REVOKED); /* the last key of the running image */
    /* key1-only images: refused at OTA and skipped at boot */
    assert_int_equal(db_ota(&x, k1_6, DB_IMG, 4096), FW_ERR_REVOKED);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    assert_int_equal(r.key_slot, 1);
    assert_int_equal(db_attach(&x, NULL), FW_OK);
    db_flash(&x, "ota_0", k1_6, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    assert_int_equal(fwd_ota_verify_partition(&x.dev, fwd_ota_find(&x.dev, "ota_0"), NULL), FW_ERR_REVOKED);
    /* key2-only images install and boot */
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.app.desc.version, "6.0.0");
    free(k1_6);
    free(bridge);
    db_close(&x);
}

static void policy_two_signatures_ota_and_boot(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    struct fwd_efuse_state add;
    uint8_t *bridge = make_bridge(6, "6.5.0"), *k1_6 = db_make_image(6, "6.1.0", 0, DB_KEY1);
    fresh(&x, 1);
    assert_int_equal(db_ota(&x, bridge, DB_IMG, 4096), FW_OK);
    assert_int_equal(x.dev.last.verified_keys, 2);
    memset(&add, 0, sizeof add);
    add.sig_required_bits = 0x3;                                 /* K = 2 */
    db_burn(&x, &add);
    /* the bootloader: the bridge (two keys) boots; factory (one ECDSA signature) no longer would */
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_int_equal(fwd_ota_verify_partition(&x.dev, fwd_ota_find(&x.dev, "factory"), NULL), FW_ERR_SIGNATURE);
    assert_int_equal(x.dev.last.reason, FWD_VR_POLICY);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    /* OTA: the same rule */
    assert_int_equal(db_ota(&x, k1_6, DB_IMG, 4096), FW_ERR_SIGNATURE);
    assert_int_equal(x.dev.last.reason, FWD_VR_POLICY);
    assert_int_equal(x.dev.last.required_keys, 2);
    assert_int_equal(x.dev.last.verified_keys, 1);
    /* revoking either key would leave 1 of 2: refused */
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 0), FW_ERR_REVOKED);
    assert_int_equal(x.dev.last.reason, FWD_VR_POLICY);
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 1), FW_ERR_REVOKED);
    assert_int_equal(db_revoked(&x), 0);
    /* the ECDSA key signs nothing that runs: revoking it keeps the bridge bootable */
    assert_int_equal(fwd_ota_revoke_key(&x.dev, 2), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    free(k1_6);
    free(bridge);
    db_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_cycle_confirm),
        cmocka_unit_test(revoke_key_refuses_to_brick),
        cmocka_unit_test(policy_two_signatures_ota_and_boot),
        cmocka_unit_test(alternating_slots_growing_seq),
        cmocka_unit_test(begin_refusals),
        cmocka_unit_test(write_chunking_and_first_byte),
        cmocka_unit_test(early_check_hook),
        cmocka_unit_test(end_rejects_and_erases),
        cmocka_unit_test(anti_rollback_at_update),
        cmocka_unit_test(reject_and_rollback),
        cmocka_unit_test(queries),
    };
    int rc;
    TU_RUN_BOTH_KEY_MODES(rc, tests, setup_images, teardown_images);
    return rc;
}
