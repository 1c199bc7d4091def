/* SPDX-License-Identifier: Apache-2.0 */
/* otadata: entry codec and every validity rule (FORMATS §7.2, §7.7, A.2),
 * selection, slot mapping, next-seq; device read/write of both sectors with
 * and without flash encryption, ESP-written entries, the sealed record log. */
#include "testutil.h"

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "otadata_fixture.h"

static void esp_entry(struct fw_otadata_entry *e, uint32_t seq, uint32_t state)
{
    e->seq = seq;
    memset(e->seq_label, 0xFF, sizeof e->seq_label);
    e->state = state;
    e->crc = fw_otadata_crc(seq);
}

static void a2_known_answers(void **s)
{
    (void)s;
    assert_int_equal(fw_otadata_crc(1), 0x4743989Au);
    assert_int_equal(fw_otadata_crc(2), 0x55F63774u);
    struct fw_otadata_entry e, d;
    esp_entry(&e, 1, FW_OTA_VALID);
    uint8_t b[32];
    fw_otadata_encode(&e, b);
    assert_memory_equal(b, "\x01\x00\x00\x00", 4);
    assert_memory_equal(b + 24, "\x02\x00\x00\x00\x9a\x98\x43\x47", 8);
    fw_otadata_decode(b, &d);
    assert_memory_equal(&d, &e, sizeof e);
    assert_int_equal(fw_otadata_check(&e), FW_OK);
    assert_int_equal(fw_otadata_seal_check(&e), 0); /* ESP entry: not sealed */
}

static void rule_empty(void **s)
{
    (void)s;
    struct fw_otadata_entry e;
    memset(&e, 0xFF, sizeof e);
    assert_int_equal(fw_otadata_check(&e), FW_ERR_NOT_FOUND);
}

static void rule_crc(void **s)
{
    (void)s;
    struct fw_otadata_entry e;
    esp_entry(&e, 5, FW_OTA_VALID);
    e.crc ^= 1;
    assert_int_equal(fw_otadata_check(&e), FW_ERR_CRC);
    esp_entry(&e, 5, FW_OTA_VALID);
    e.seq = 6; /* crc is over seq */
    assert_int_equal(fw_otadata_check(&e), FW_ERR_CRC);
}

static void rule_seq_zero_invalid(void **s)
{
    (void)s;
    struct fw_otadata_entry e;
    esp_entry(&e, 0, FW_OTA_VALID);
    assert_int_equal(fw_otadata_check_format(&e), FW_OK);
    assert_int_equal(fw_otadata_check(&e), FW_ERR_RANGE);
}

static void rule_unknown_state_rejected(void **s)
{
    (void)s;
    struct fw_otadata_entry e;
    uint32_t bad[] = {5, 6, 0x100, 0xFFFFFFFE, 0x80000000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        esp_entry(&e, 3, bad[i]);
        assert_int_equal(fw_otadata_check(&e), FW_ERR_FORMAT);
        fw_otadata_make(&e, 3, bad[i]);
        assert_int_equal(fw_otadata_check(&e), FW_ERR_FORMAT);
    }
}

static void rule_states(void **s)
{
    (void)s;
    struct fw_otadata_entry e;
    uint32_t ok[] = {FW_OTA_NEW, FW_OTA_PENDING_VERIFY, FW_OTA_VALID, FW_OTA_UNDEFINED};
    for (size_t i = 0; i < 4; i++) {
        esp_entry(&e, 3, ok[i]);
        assert_int_equal(fw_otadata_check(&e), FW_OK);
    }
    esp_entry(&e, 3, FW_OTA_INVALID);
    assert_int_equal(fw_otadata_check(&e), FW_ERR_STATE);
    esp_entry(&e, 3, FW_OTA_ABORTED);
    assert_int_equal(fw_otadata_check(&e), FW_ERR_STATE);
    assert_string_equal(fw_otadata_state_name(FW_OTA_PENDING_VERIFY), "PENDING_VERIFY");
    assert_string_equal(fw_otadata_state_name(9), "unknown");
}

static void seal_covers_state(void **s)
{
    (void)s;
    struct fw_otadata_entry e;
    fw_otadata_make(&e, 7, FW_OTA_NEW);
    assert_int_equal(fw_otadata_seal_check(&e), 1);
    assert_int_equal(e.crc, fw_otadata_crc(7)); /* ESP readers still accept it */
    assert_int_equal(fw_otadata_check(&e), FW_OK);
    e.state = FW_OTA_VALID; /* state changed without resealing: torn/forged */
    assert_int_equal(fw_otadata_seal_check(&e), FW_ERR_CRC);
    assert_int_equal(fw_otadata_check(&e), FW_ERR_CRC);
    fw_otadata_restate(&e, FW_OTA_VALID);
    assert_int_equal(fw_otadata_check(&e), FW_OK);
    assert_int_equal(e.seq, 7);
}

static void selection(void **s)
{
    (void)s;
    struct fw_otadata_entry e[2];
    esp_entry(&e[0], 4, FW_OTA_VALID);
    esp_entry(&e[1], 5, FW_OTA_VALID);
    int ok[2] = {1, 1};
    assert_int_equal(fw_otadata_select(e, ok), 1);
    esp_entry(&e[1], 4, FW_OTA_VALID);
    assert_int_equal(fw_otadata_select(e, ok), 0); /* tie -> entry 0 */
    esp_entry(&e[1], 3, FW_OTA_VALID);
    assert_int_equal(fw_otadata_select(e, ok), 0);
    ok[0] = 0;
    assert_int_equal(fw_otadata_select(e, ok), 1);
    ok[1] = 0;
    assert_int_equal(fw_otadata_select(e, ok), -1);
}

static void slot_and_next_seq(void **s)
{
    (void)s;
    uint32_t v;
    assert_int_equal(fw_otadata_slot(1, 2, &v), FW_OK); assert_int_equal(v, 0);
    assert_int_equal(fw_otadata_slot(2, 2, &v), FW_OK); assert_int_equal(v, 1);
    assert_int_equal(fw_otadata_slot(7, 3, &v), FW_OK); assert_int_equal(v, 0);
    assert_int_equal(fw_otadata_slot(0, 2, &v), FW_ERR_RANGE);
    assert_int_equal(fw_otadata_slot(0xFFFFFFFFu, 2, &v), FW_ERR_RANGE);
    assert_int_equal(fw_otadata_slot(1, 0, &v), FW_ERR_NOT_FOUND);
    assert_int_equal(fw_otadata_next_seq(0, 0, 1, 2, &v), FW_OK); assert_int_equal(v, 2);
    assert_int_equal(fw_otadata_next_seq(1, 1, 1, 2, &v), FW_OK); assert_int_equal(v, 2);
    assert_int_equal(fw_otadata_next_seq(1, 2, 0, 2, &v), FW_OK); assert_int_equal(v, 3);
    assert_int_equal(fw_otadata_next_seq(1, 3, 0, 2, &v), FW_OK); assert_int_equal(v, 3); /* same slot */
    assert_int_equal(fw_otadata_next_seq(1, 4, 0, 3, &v), FW_OK); assert_int_equal(v, 4);
    assert_int_equal(fw_otadata_next_seq(1, 4, 2, 3, &v), FW_OK); assert_int_equal(v, 6);
    assert_int_equal(fw_otadata_next_seq(1, 4, 3, 3, &v), FW_ERR_RANGE);
    assert_int_equal(fw_otadata_next_seq(1, 0xFFFFFFFEu, 0, 2, &v), FW_ERR_OVERFLOW);
    assert_int_equal(fw_otadata_next_seq(1, 0, 0, 2, &v), FW_ERR_RANGE);
}

/* ---- device ------------------------------------------------------------- */

static void write_esp_entry(struct fx *x, int sec, uint32_t seq, uint32_t state)
{
    struct fw_otadata_entry e;
    uint8_t b[32];
    esp_entry(&e, seq, state);
    fw_otadata_encode(&e, b);
    const struct fwd_part *p = fwd_part_find(&x->dev, "otadata");
    assert_int_equal(fwd_part_erase(&x->dev, p, (uint32_t)sec * 0x1000, 0x1000), FW_OK);
    assert_int_equal(fwd_part_write(&x->dev, p, (uint32_t)sec * 0x1000, b, 32), FW_OK);
}

static void device_empty_then_select(size_t key)
{
    struct fx x;
    struct fwd_otadata od;
    uint32_t slot;
    fx_open(&x, key);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(od.active, -1);
    assert_int_equal(od.sec[0].status, FW_ERR_NOT_FOUND);
    assert_int_equal(fwd_otadata_active_slot(&x.dev, &od, &slot), FW_ERR_NOT_FOUND);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 1, FW_OTA_NEW), FW_OK);
    assert_int_equal(od.active, 0);
    assert_int_equal(od.sec[0].e.seq, 2);
    assert_int_equal(fwd_otadata_active_slot(&x.dev, &od, &slot), FW_OK);
    assert_int_equal(slot, 1);
    /* Alternate: slot 0 -> seq 3 in sector 1, then slot 1 -> seq 4 in sector 0. */
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 0, FW_OTA_NEW), FW_OK);
    assert_int_equal(od.active, 1);
    assert_int_equal(od.sec[1].e.seq, 3);
    assert_int_equal(od.sec[0].e.seq, 2); /* the previous entry stays as the fallback */
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 1, FW_OTA_PENDING_VERIFY), FW_OK);
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 1, FW_OTA_VALID), FW_OK);
    assert_int_equal(od.sec[1].e.state, FW_OTA_VALID);
    assert_int_equal(od.sec[1].used, 3);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 1, FW_OTA_NEW), FW_OK);
    assert_int_equal(od.active, 0);
    assert_int_equal(od.sec[0].e.seq, 4);
    assert_int_equal(od.sec[0].used, 1);
    /* Rollback: active -> ABORTED, the other entry wins. */
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 0, FW_OTA_ABORTED), FW_OK);
    assert_int_equal(od.active, 1);
    assert_int_equal(od.sec[0].status, FW_ERR_STATE);
    assert_int_equal(fwd_otadata_active_slot(&x.dev, &od, &slot), FW_OK);
    assert_int_equal(slot, 0);
    /* Selecting the active slot only rewrites its state. */
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 0, FW_OTA_UNDEFINED), FW_OK);
    assert_int_equal(od.active, 1);
    assert_int_equal(od.sec[1].e.seq, 3);
    assert_int_equal(od.sec[1].e.state, FW_OTA_UNDEFINED);
    /* Erase both: no active entry. */
    assert_int_equal(fwd_otadata_erase_all(&x.dev, &od), FW_OK);
    assert_int_equal(od.active, -1);
    fx_close(&x);
}

static void device_plain(void **s) { (void)s; device_empty_then_select(0); }
static void device_xts128(void **s) { (void)s; device_empty_then_select(32); }
static void device_xts256(void **s) { (void)s; device_empty_then_select(64); }

/* Entries as ESP-IDF writes them (unsealed, one per sector) read exactly like ESP. */
static void reads_esp_written(void **s)
{
    (void)s;
    for (size_t k = 0; k <= 64; k += 32) {
        struct fx x;
        struct fwd_otadata od;
        uint32_t slot;
        fx_open(&x, k);
        write_esp_entry(&x, 0, 1, FW_OTA_VALID);
        write_esp_entry(&x, 1, 2, FW_OTA_PENDING_VERIFY);
        assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
        assert_int_equal(od.active, 1);
        assert_int_equal(fwd_otadata_active_slot(&x.dev, &od, &slot), FW_OK);
        assert_int_equal(slot, 1);
        assert_int_equal(od.sec[1].e.state, FW_OTA_PENDING_VERIFY);
        /* fwseal state change on an ESP sector: appended sealed record. */
        assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 1, FW_OTA_ABORTED), FW_OK);
        assert_int_equal(od.active, 0);
        assert_int_equal(od.sec[1].used, 2);
        /* ESP's own in-place rewrite (ABORTED) is read too. */
        write_esp_entry(&x, 0, 1, FW_OTA_INVALID);
        assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
        assert_int_equal(od.active, -1);
        /* Unknown state, seq 0, bad crc: not selectable; the other sector wins. */
        write_esp_entry(&x, 1, 9, 7);
        write_esp_entry(&x, 0, 3, FW_OTA_VALID);
        assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
        assert_int_equal(od.sec[1].status, FW_ERR_FORMAT);
        assert_int_equal(od.active, 0);
        write_esp_entry(&x, 1, 0, FW_OTA_VALID);
        assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
        assert_int_equal(od.sec[1].status, FW_ERR_RANGE);
        assert_int_equal(od.active, 0);
        fx_close(&x);
    }
}

/* Under flash encryption an erased sector decrypts to noise: the raw 0xFF
 * test must find it empty, and a plaintext (unencrypted) entry is rejected. */
static void fe_erased_and_plaintext_entries(void **s)
{
    (void)s;
    struct fx x;
    struct fwd_otadata od;
    fx_open(&x, 32);
    struct fw_otadata_entry e;
    uint8_t b[32];
    esp_entry(&e, 1, FW_OTA_VALID);
    fw_otadata_encode(&e, b);
    const struct fwd_part *p = fwd_part_find(&x.dev, "otadata");
    assert_true(p->encrypted);
    assert_int_equal(fwd_part_write_raw(&x.dev, p, 0, b, 32), FW_OK); /* not encrypted: garbage */
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(od.sec[0].status, FW_ERR_CRC);
    assert_int_equal(od.sec[1].status, FW_ERR_NOT_FOUND);
    assert_int_equal(od.active, -1);
    fx_close(&x);
}

/* Records after record 0 must be sealed and carry the same seq. */
static void log_rejects_foreign_records(void **s)
{
    (void)s;
    struct fx x;
    struct fwd_otadata od;
    fx_open(&x, 0);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 0, FW_OTA_NEW), FW_OK);
    const struct fwd_part *p = od.part;
    struct fw_otadata_entry e;
    uint8_t b[32];
    esp_entry(&e, 1, FW_OTA_VALID); /* unsealed appended record: ignored */
    fw_otadata_encode(&e, b);
    assert_int_equal(fwd_part_write(&x.dev, p, 32, b, 32), FW_OK);
    fw_otadata_make(&e, 3, FW_OTA_VALID); /* sealed but other seq: ignored */
    fw_otadata_encode(&e, b);
    assert_int_equal(fwd_part_write(&x.dev, p, 64, b, 32), FW_OK);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(od.sec[0].e.seq, 1);
    assert_int_equal(od.sec[0].e.state, FW_OTA_NEW);
    assert_int_equal(od.sec[0].used, 3);
    fw_otadata_make(&e, 1, FW_OTA_VALID);
    fw_otadata_encode(&e, b);
    assert_int_equal(fwd_part_write(&x.dev, p, 96, b, 32), FW_OK);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(od.sec[0].e.state, FW_OTA_VALID);
    fx_close(&x);
}

/* A full log (128 records) is compacted into record 0. */
static void full_log_compacts(void **s)
{
    (void)s;
    struct fx x;
    struct fwd_otadata od;
    fx_open(&x, 32);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 1, FW_OTA_NEW), FW_OK);
    for (int i = 1; i < 128; i++)
        assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 0, i & 1 ? FW_OTA_PENDING_VERIFY : FW_OTA_NEW), FW_OK);
    assert_int_equal(od.sec[0].used, 128);
    assert_int_equal(od.sec[0].e.state, FW_OTA_PENDING_VERIFY);
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 0, FW_OTA_VALID), FW_OK);
    assert_int_equal(od.sec[0].used, 1);
    assert_int_equal(od.sec[0].e.state, FW_OTA_VALID);
    assert_int_equal(od.sec[0].e.seq, 2);
    fx_close(&x);
}

static void bad_partition(void **s)
{
    (void)s;
    struct fx x;
    struct fwd_otadata od;
    fx_open(&x, 0);
    struct fwd_part parts[2] = {fx_parts[1], fx_parts[3]};
    parts[0].size = 0x3000;
    assert_int_equal(fwd_dev_set_parts(&x.dev, parts, 2), FW_OK);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_ERR_FORMAT);
    assert_int_equal(fwd_dev_set_parts(&x.dev, parts + 1, 1), FW_OK);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_ERR_NOT_FOUND);
    fx_close(&x);
}

/* §7.7 rule 4: the slot must address an existing, contiguous OTA partition. */
static void rule_slot_must_exist(void **s)
{
    (void)s;
    struct fx x;
    struct fwd_otadata od;
    uint32_t slot;
    fx_open(&x, 0);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 2, FW_OTA_NEW), FW_ERR_RANGE);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 1, FW_OTA_NEW), FW_OK);
    /* Same otadata, table with ota_1 gone: seq 2 now maps to slot 0 of 1. */
    struct fwd_part p[2] = {fx_parts[1], fx_parts[3]};
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 2), FW_OK);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(fwd_otadata_active_slot(&x.dev, &od, &slot), FW_OK);
    assert_int_equal(slot, 0);
    /* No OTA partition at all: no slot. */
    assert_int_equal(fwd_dev_set_parts(&x.dev, p, 1), FW_OK);
    assert_int_equal(fwd_otadata_load(&x.dev, &od), FW_OK);
    assert_int_equal(od.active, 0);
    assert_int_equal(fwd_otadata_active_slot(&x.dev, &od, &slot), FW_ERR_NOT_FOUND);
    assert_int_equal(fwd_otadata_select_slot(&x.dev, &od, 0, FW_OTA_NEW), FW_ERR_NOT_FOUND);
    /* Bad arguments. */
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 2, FW_OTA_VALID), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 0, 9), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_otadata_set_state(&x.dev, &od, 1, FW_OTA_VALID), FW_ERR_STATE); /* empty sector */
    fx_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a2_known_answers),
        cmocka_unit_test(rule_empty),
        cmocka_unit_test(rule_crc),
        cmocka_unit_test(rule_seq_zero_invalid),
        cmocka_unit_test(rule_unknown_state_rejected),
        cmocka_unit_test(rule_states),
        cmocka_unit_test(seal_covers_state),
        cmocka_unit_test(selection),
        cmocka_unit_test(slot_and_next_seq),
        cmocka_unit_test(device_plain),
        cmocka_unit_test(device_xts128),
        cmocka_unit_test(device_xts256),
        cmocka_unit_test(reads_esp_written),
        cmocka_unit_test(fe_erased_and_plaintext_entries),
        cmocka_unit_test(log_rejects_foreign_records),
        cmocka_unit_test(full_log_compacts),
        cmocka_unit_test(bad_partition),
        cmocka_unit_test(rule_slot_must_exist),
    };
    int rc;
    TU_RUN_BOTH_KEY_MODES(rc, tests, NULL, NULL);
    return rc;
}
