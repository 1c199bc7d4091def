/* SPDX-License-Identifier: Apache-2.0 */
/* fwd_ota_end_and_set_boot (device/fwd_ota.c): end + boot selection in one
 * call with ONE verification pass. Same outcome as fwd_ota_end followed by
 * fwd_ota_set_boot_partition, on success and on every failure. */
#include "testutil.h"

#define DB_OTA_IMAGES
#include "devboot_fixture.h"




/* begin + writes of `chunk` bytes + fwd_ota_end_and_set_boot. */
static int ota1(struct db *x, const uint8_t *img, size_t len, size_t chunk, int *verified,
                struct fwd_ota_handle *h)
{
    const struct fwd_part *p = fwd_ota_get_next_update_partition(&x->dev, NULL);
    int rc = fwd_ota_begin(&x->dev, p, (uint32_t)len, h);
    for (size_t off = 0; rc == FW_OK && off < len; off += chunk)
        rc = fwd_ota_write(h, img + off, len - off < chunk ? len - off : chunk);
    if (rc) return rc;
    return fwd_ota_end_and_set_boot(h, verified);
}

static void success_selects_and_boots(void **state)
{
    (void)state;
    struct db x, y;
    struct fwd_ota_handle h;
    struct fwb_result r;
    struct fwd_otadata a, b;
    uint32_t st;
    int verified = -1;
    fresh(&x, 1);
    fresh(&y, 1);
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    assert_int_equal(ota1(&x, IMG5, DB_IMG, 1000, &verified, &h), FW_OK);
    assert_int_equal(verified, 1);
    assert_int_equal(h.magic, 0);                 /* handle closed */
    assert_int_equal(x.dev.busy, 0);
    assert_int_equal(x.dev.last.reason, FWD_VR_OK);
    assert_int_equal(fwd_ota_get_state_partition(&x.dev, p0, &st), FW_OK);
    assert_int_equal(st, FW_OTA_NEW);
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), p0);
    /* byte-identical otadata to the two-call path */
    assert_int_equal(db_ota(&y, IMG5, DB_IMG, 1000), FW_OK);
    db_otadata(&x, &a);
    db_otadata(&y, &b);
    assert_int_equal(a.active, b.active);
    assert_memory_equal(&a.sec[a.active].e, &b.sec[b.active].e, sizeof a.sec[0].e);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_0");
    assert_string_equal(r.app.desc.version, "5.0.0");
    assert_int_equal(r.state, FW_OTA_PENDING_VERIFY);
    /* a second round goes to the other slot, NULL verified is fine */
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(ota1(&x, IMG6, DB_IMG, 4096, NULL, &h), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.part->label, "ota_1");
    db_close(&x);
    db_close(&y);
}

static void verification_failures_erase_and_keep_boot(void **state)
{
    (void)state;
    struct db x;
    struct fwd_ota_handle h;
    int verified = -1;
    fresh(&x, 1);
    const struct fwd_part *f = fwd_ota_find(&x.dev, "factory");
    assert_int_equal(ota1(&x, IMG_BADSIG, DB_IMG, 4096, &verified, &h), FW_ERR_SIGNATURE);
    assert_int_equal(verified, 0);
    assert_int_equal(x.dev.last.reason, FWD_VR_SIGNATURE);
    assert_true(slot_is_erased(&x, "ota_0"));
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), f);
    assert_int_equal(x.dev.busy, 0);
    /* trailing bytes after the signature sector */
    uint8_t *longer = malloc(DB_IMG + 16);
    memcpy(longer, IMG5, DB_IMG);
    memset(longer + DB_IMG, 0, 16);
    verified = -1;
    assert_int_equal(ota1(&x, longer, DB_IMG + 16, 4096, &verified, &h), FW_ERR_FORMAT);
    assert_int_equal(verified, 0);
    assert_true(slot_is_erased(&x, "ota_0"));
    free(longer);
    /* one flipped byte in the body */
    uint8_t *img = malloc(DB_IMG);
    memcpy(img, IMG5, DB_IMG);
    img[0x5000] ^= 0x40;
    assert_int_not_equal(ota1(&x, img, DB_IMG, 4096, &verified, &h), FW_OK);
    assert_int_equal(verified, 0);
    assert_true(slot_is_erased(&x, "ota_0"));
    free(img);
    /* no data, bad handle */
    const struct fwd_part *p0 = fwd_ota_find(&x.dev, "ota_0");
    assert_int_equal(fwd_ota_begin(&x.dev, p0, DB_IMG, &h), FW_OK);
    assert_int_equal(fwd_ota_end_and_set_boot(&h, &verified), FW_ERR_INVALID_ARG);
    assert_int_equal(verified, 0);
    assert_int_equal(fwd_ota_end_and_set_boot(&h, &verified), FW_ERR_INVALID_ARG);   /* closed */
    assert_int_equal(fwd_ota_end_and_set_boot(NULL, NULL), FW_ERR_INVALID_ARG);
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), f);
    db_close(&x);
}

static void rollback_refused(void **state)
{
    (void)state;
    struct db x;
    struct fwd_ota_handle h;
    struct fwb_result r;
    int verified = -1;
    fresh(&x, 1);
    assert_int_equal(ota1(&x, IMG6, DB_IMG, 4096, &verified, &h), FW_OK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(fwd_ota_mark_app_valid(&x.dev), FW_OK);
    assert_int_equal(ota1(&x, IMG5, DB_IMG, 4096, &verified, &h), FW_ERR_ROLLBACK);
    assert_int_equal(verified, 0);
    assert_true(slot_is_erased(&x, "ota_1"));
    assert_ptr_equal(fwd_ota_get_boot_partition(&x.dev), fwd_ota_find(&x.dev, "ota_0"));
    db_close(&x);
}

/* No otadata partition: the image verifies but cannot be selected. Same
 * error as set_boot_partition gives; the slot is erased, not left around. */
static void selection_failure_erases(void **state)
{
    (void)state;
    static const struct fwd_part no_otadata[] = {
        {"factory", FWD_PT_APP, FWD_PST_FACTORY, 0, 0x10000, 0x40000, 0},
        {"ota_0", FWD_PT_APP, FWD_PST_OTA_0, 0, 0x50000, 0x40000, 0},
        {"ota_1", FWD_PT_APP, FWD_PST_OTA_0 + 1, 0, 0x90000, 0x40000, 0},
    };
    struct db x;
    struct fwd_ota_handle h;
    struct fwb_result r;
    int verified = -1;
    db_open(&x, 1, 1);
    x.parts = no_otadata;
    x.nparts = 3;
    db_flash(&x, "factory", IMG3, DB_IMG);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    int want = db_ota(&x, IMG5, DB_IMG, 4096);               /* end OK, set_boot fails */
    assert_int_not_equal(want, FW_OK);
    int rc = ota1(&x, IMG5, DB_IMG, 4096, &verified, &h);
    assert_int_equal(rc, want);
    assert_int_equal(verified, 1);
    assert_int_equal(h.magic, 0);
    assert_int_equal(x.dev.busy, 0);
    assert_true(slot_is_erased(&x, "ota_0"));
    db_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(success_selects_and_boots),
        cmocka_unit_test(verification_failures_erase_and_keep_boot),
        cmocka_unit_test(rollback_refused),
        cmocka_unit_test(selection_failure_erases),
    };
    int rc;
    TU_RUN_BOTH_KEY_MODES(rc, tests, setup_images, teardown_images);
    return rc;
}
