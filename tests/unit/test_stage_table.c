/* SPDX-License-Identifier: Apache-2.0 */
/* The checks a staged partition table must pass before it is copied
 * (device/fwd_stage_table.c) and the bootloader-image kind of the image
 * parser (common/fw_image, common/fw_boot_desc): each rule with a table or an
 * image that breaks only it. */
#include "testutil.h"

#include "device/fwd_crypto.h"
#include "device/fwd_ota.h"
#include "device/fwd_stage.h"
#include "device/port/sim/fwd_sim.h"
#include "fw_boot_desc.h"
#include "fw_image.h"

#define JOURNAL 0xf000u

static const struct fwd_part parts[] = {
    {"nvs", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, 0x9000, 0x4000, 0},
    {"otadata", FWD_PT_DATA, FWD_PST_DATA_OTA, 0, 0xd000, 0x2000, 0},
    {"journal", FWD_PT_DATA, 0x06, 0, JOURNAL, 0x1000, 0},
    {"ota_0", FWD_PT_APP, FWD_PST_OTA_0, 0, 0x10000, 0x40000, 0},
    {"ota_1", FWD_PT_APP, FWD_PST_OTA_0 + 1, 0, 0x50000, 0x40000, 0},
};
#define NP (sizeof parts / sizeof parts[0])

static int md5_cb(void *ctx, const uint8_t *d, size_t n, uint8_t out[16])
{
    (void)ctx;
    return fwd_md5(d, n, out) == FW_OK ? 0 : -1;
}

struct tx {
    struct fwd_sim sim;
    struct fwd_ota_dev dev;
};

static void tx_open(struct tx *x)
{
    assert_int_equal(fwd_sim_open_mem(&x->sim, 0x100000), FW_OK);
    assert_int_equal(fwd_ota_dev_open_parts(&x->dev, &x->sim.plat, parts, NP, "ota_0"), FW_OK);
}

static void tx_close(struct tx *x)
{
    fwd_ota_dev_close(&x->dev);
    fwd_sim_close(&x->sim);
}

/* The device's layout as a fw_pt, then `edit` applied, as a binary with MD5. */
static void table(uint8_t bin[FW_PT_LEN], void (*edit)(struct fw_pt *))
{
    static struct fw_pt t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < NP; i++) {
        struct fw_pt_entry *e = &t.e[t.count++];
        e->type = parts[i].type, e->subtype = parts[i].subtype, e->offset = parts[i].offset, e->size = parts[i].size;
        memcpy(e->label, parts[i].label, strnlen(parts[i].label, FW_PT_LABEL_LEN));
    }
    if (edit) edit(&t);
    assert_int_equal(fw_pt_to_binary(&t, 1, md5_cb, NULL, bin), FW_OK);
}

static struct fw_pt_entry *by(struct fw_pt *t, const char *label)
{
    for (unsigned i = 0; i < t->count; i++)
        if (!strcmp(t->e[i].label, label)) return &t->e[i];
    fail_msg("no %s", label);
    return NULL;
}
static void grow_ota1(struct fw_pt *t) { by(t, "ota_1")->size = 0x60000; }
static void shrink_ota1(struct fw_pt *t) { by(t, "ota_1")->size = 0x30000; }
static void move_ota0(struct fw_pt *t) { by(t, "ota_0")->offset = 0xA0000; }
static void resize_nvs(struct fw_pt *t) { by(t, "nvs")->size = 0x3000; }
static void move_journal(struct fw_pt *t) { by(t, "journal")->offset = 0xA0000; }
static void retype_otadata(struct fw_pt *t) { by(t, "otadata")->subtype = 0x06; }
static void overlap(struct fw_pt *t)
{
    struct fw_pt_entry x = *by(t, "nvs");
    x.offset = 0x88000, x.size = 0x8000;   /* inside ota_1 (0x50000..0x90000) */
    memset(x.label, 0, sizeof x.label);
    x.label[0] = 'x';
    t->e[t->count++] = x;
}
static void past_flash(struct fw_pt *t) { by(t, "ota_1")->size = 0x100000; }

static void test_table_rules(void **state)
{
    (void)state;
    static struct tx x;
    uint8_t bin[FW_PT_LEN];
    char why[128];
    tx_open(&x);
    const struct fwd_part *staging = fwd_part_find(&x.dev.d, "ota_1");
    struct { void (*edit)(struct fw_pt *); int ok; const char *why; } cases[] = {
        {NULL, 1, ""},
        {grow_ota1, 1, ""},
        {shrink_ota1, 0, "resizes the staging slot"},
        {move_ota0, 0, "moves the running app"},
        {resize_nvs, 0, "resizes an NVS partition"},
        {move_journal, 0, "moves the copy journal"},
        {retype_otadata, 0, "changes the type of otadata"},
        {overlap, 0, "overlaps"},
        {past_flash, 0, "beyond"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        table(bin, cases[i].edit);
        int rc = fwd_stage_check_table(&x.dev, bin, sizeof bin, staging, JOURNAL, why, sizeof why);
        if (cases[i].ok && rc != FW_OK) fail_msg("case %zu refused: %s", i, why);
        if (!cases[i].ok && (rc == FW_OK || !strstr(why, cases[i].why))) fail_msg("case %zu: rc %d, '%s'", i, rc, why);
    }
    /* the MD5: required, and checked */
    table(bin, NULL);
    bin[4] ^= 1;
    assert_int_not_equal(fwd_stage_check_table(&x.dev, bin, sizeof bin, staging, JOURNAL, why, sizeof why), FW_OK);
    assert_non_null(strstr(why, "MD5 mismatch"));
    static struct fw_pt t;
    memset(&t, 0, sizeof t);
    assert_int_equal(fw_pt_parse(&t, (table(bin, NULL), bin), sizeof bin, 0, md5_cb, NULL, 0), FW_OK);
    assert_int_equal(fw_pt_to_binary(&t, 0, md5_cb, NULL, bin), FW_OK);   /* no MD5 record */
    assert_int_not_equal(fwd_stage_check_table(&x.dev, bin, sizeof bin, staging, JOURNAL, why, sizeof why), FW_OK);
    assert_non_null(strstr(why, "without an MD5"));
    /* too long, too short */
    assert_int_not_equal(fwd_stage_check_table(&x.dev, bin, 16, staging, JOURNAL, why, sizeof why), FW_OK);
    tx_close(&x);
}

/* ---- bootloader images ---------------------------------------------- */

/* header + one DRAM segment of `seg` bytes starting with desc, checksum, SHA-256 */
static size_t boot_image(uint8_t *out, uint32_t seg, uint8_t magic)
{
    struct fw_image_header h = {.magic = FW_IMAGE_MAGIC, .segment_count = 1, .chip_id = FW_CHIP_ESP32C3, .hash_appended = 1};
    fw_image_header_encode(&h, out);
    size_t n = FW_IMAGE_HEADER_LEN;
    out[n] = 0, out[n + 1] = 0xC0, out[n + 2] = 0xC8, out[n + 3] = 0x3F;   /* 0x3FC8C000 */
    out[n + 4] = (uint8_t)seg, out[n + 5] = (uint8_t)(seg >> 8), out[n + 6] = 0, out[n + 7] = 0;
    n += 8;
    struct fw_boot_desc d = {.magic_byte = magic, .secure_version = 3, .version = 0x01020304};
    snprintf(d.idf_ver, sizeof d.idf_ver, "v5.5.5");
    memset(out + n, 0x5A, seg);
    assert_int_equal(fw_boot_desc_encode(&d, out + n), FW_OK);
    uint8_t ck = fw_image_xor(FW_IMAGE_CHECKSUM_SEED, out + n, seg);
    n += seg;
    size_t c = (size_t)fw_image_checksum_off(n);
    memset(out + n, 0, c - n);
    out[c] = ck;
    n = c + 1;
    assert_int_equal(fwd_hash(FWD_HASH_SHA256, out, n, out + n, 32), FW_OK);
    return n + 32;
}

static void test_boot_desc(void **state)
{
    (void)state;
    static uint8_t img[4096];
    struct fw_image_parser p;
    size_t n = boot_image(img, 256, FW_BOOT_DESC_MAGIC);
    fw_image_parser_init_kind(&p, FW_IMAGE_NO_LIMIT, FW_IMAGE_KIND_BOOTLOADER);
    assert_int_equal(fw_image_parser_feed(&p, img, n), FW_OK);
    assert_int_equal(fw_image_parser_finish(&p), FW_OK);
    assert_null(fw_image_parser_app_desc(&p));
    struct fw_boot_desc d;
    fw_boot_desc_decode(fw_image_parser_raw_desc(&p), &d);
    assert_int_equal(fw_boot_desc_check(&d), FW_OK);
    assert_int_equal(d.version, 0x01020304);
    assert_int_equal(d.secure_version, 3);
    assert_string_equal(d.idf_ver, "v5.5.5");
    /* the same bytes are not an app image (no 0xABCD5432 at 0x20) */
    assert_int_equal(fw_image_parse_buffer(&p, img, n, FW_IMAGE_NO_LIMIT), FW_ERR_MAGIC);
    /* a wrong descriptor magic, and a first segment too short for the descriptor */
    n = boot_image(img, 256, 0x51);
    fw_image_parser_init_kind(&p, FW_IMAGE_NO_LIMIT, FW_IMAGE_KIND_BOOTLOADER);
    assert_int_equal(fw_image_parser_feed(&p, img, n), FW_ERR_MAGIC);
    n = boot_image(img, 76, FW_BOOT_DESC_MAGIC);
    fw_image_parser_init_kind(&p, FW_IMAGE_NO_LIMIT, FW_IMAGE_KIND_BOOTLOADER);
    assert_int_equal(fw_image_parser_feed(&p, img, n), FW_ERR_FORMAT);
    /* an 80-byte first segment is enough for a bootloader (an app needs 256) */
    n = boot_image(img, 80, FW_BOOT_DESC_MAGIC);
    fw_image_parser_init_kind(&p, FW_IMAGE_NO_LIMIT, FW_IMAGE_KIND_BOOTLOADER);
    assert_int_equal(fw_image_parser_feed(&p, img, n), FW_OK);
    assert_int_equal(fw_boot_offset(FW_CHIP_ESP32), 0x1000);
    assert_int_equal(fw_boot_offset(FW_CHIP_ESP32C3), 0x0);
    assert_int_equal(fw_boot_offset(FW_CHIP_ESP32C5), 0x2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_rules),
        cmocka_unit_test(test_boot_desc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
