/* SPDX-License-Identifier: Apache-2.0 */
/* Partition table codec (FORMATS §6) against partition_table/cases.tsv and
 * Appendix A.5, plus one test per device-validation and generator rule. */
#include "testutil.h"

#include <openssl/evp.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_partition.h"
#include "host/fwh_pt_csv.h"

static int md5_cb(void *ctx, const uint8_t *data, size_t len, uint8_t out[16])
{
    unsigned n;
    (void)ctx;
    return EVP_Digest(data, len, out, &n, EVP_md5(), NULL) == 1 ? 0 : -1;
}

static char *read_text(const char *path, size_t *len)
{
    size_t n;
    uint8_t *b = tu_read(path, &n);
    char *s = realloc(b, n + 1);
    assert_non_null(s);
    s[n] = 0;
    if (len) *len = n;
    return s;
}

static int csv_to_bin(const char *csv, uint8_t out[FW_PT_LEN], struct fw_pt_diag *d)
{
    static struct fw_pt t;
    int rc = fw_pt_from_csv(&t, csv, strlen(csv), FW_PT_OFFSET_DEFAULT, NULL, d);
    if (rc) return rc;
    return fw_pt_to_binary(&t, 1, md5_cb, NULL, out);
}

static int csv_rc(const char *csv, unsigned *line)
{
    static struct fw_pt t;
    struct fw_pt_diag d;
    int rc = fw_pt_from_csv(&t, csv, strlen(csv), FW_PT_OFFSET_DEFAULT, NULL, &d);
    if (line) *line = d.line;
    if (rc) assert_true(d.msg[0] != 0); /* every rejection explains itself */
    return rc;
}

/* Every row of partition_table/cases.tsv. */
static void vectors_cases_tsv(void **state)
{
    (void)state;
    char *tsv = read_text(tu_vector("partition_table/cases.tsv"), NULL);
    int n_ok = 0, n_reject = 0;
    char *save;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        char expect[16], bin[256], rt[256], src[256], fs[16];
        assert_int_equal(sscanf(line, "%15s %255s %255s %255s %15s", expect, bin, rt, src, fs), 5);
        size_t blen;
        uint8_t *b = tu_read(tu_vector(bin), &blen);
        assert_int_equal(blen, FW_PT_LEN);
        static struct fw_pt t;
        int rc = fw_pt_parse(&t, b, blen, 4u << 20, md5_cb, NULL, FW_PT_REQUIRE_MD5);
        if (!strcmp(expect, "ok")) {
            n_ok++;
            assert_int_equal(rc, FW_OK);
            assert_true(t.has_md5);
            assert_int_equal(fw_pt_check(&t, FW_PT_OFFSET_DEFAULT, 4u << 20, NULL), FW_OK);
            /* binary -> CSV equals gen_esp32part's round trip byte for byte */
            char out[8192];
            size_t olen;
            assert_int_equal(fw_pt_to_csv(&t, out, sizeof out, &olen), FW_OK);
            size_t rlen;
            char *want = read_text(tu_vector(rt), &rlen);
            assert_int_equal(olen, rlen);
            assert_string_equal(out, want);
            /* source CSV -> binary is byte-identical to gen_esp32part's */
            uint8_t gen[FW_PT_LEN];
            char *csv = read_text(tu_vector(src), NULL);
            struct fw_pt_diag d;
            assert_int_equal(csv_to_bin(csv, gen, &d), FW_OK);
            assert_memory_equal(gen, b, FW_PT_LEN);
            /* and so is the round-trip CSV */
            assert_int_equal(csv_to_bin(want, gen, &d), FW_OK);
            assert_memory_equal(gen, b, FW_PT_LEN);
            free(csv);
            free(want);
        } else {
            n_reject++;
            assert_int_not_equal(rc, FW_OK);
            if (strstr(bin, "bad_magic")) assert_int_equal(rc, FW_ERR_MAGIC);
            else assert_int_equal(rc, FW_ERR_DIGEST); /* bad_md5, entry_modified */
        }
        free(b);
    }
    assert_int_equal(n_ok, 3);
    assert_int_equal(n_reject, 3);
    free(tsv);
}

static void negative_overlap_csv(void **state)
{
    (void)state;
    char *csv = read_text(tu_vector("partition_table/neg_pt_overlap.csv"), NULL);
    unsigned line;
    assert_int_equal(csv_rc(csv, &line), FW_ERR_RANGE);
    assert_int_equal(line, 3);
    free(csv);
}

/* FORMATS Appendix A.5. */
static void appendix_a5(void **state)
{
    (void)state;
    const char *csv =
        "# Name,    Type, SubType,  Offset,   Size,    Flags\n"
        "nvs,       data, nvs,      0x9000,   0x4000,\n"
        "otadata,   data, ota,      0xd000,   0x2000,\n"
        "ota_0,     app,  ota_0,    0x10000,  1M,\n"
        "ota_1,     app,  ota_1,    0x110000, 1M,\n"
        "nvs_keys,  data, nvs_keys, 0x210000, 0x1000,  encrypted\n";
    uint8_t bin[FW_PT_LEN], want[32];
    assert_int_equal(csv_to_bin(csv, bin, NULL), FW_OK);
    tu_hex("aa50010200900000004000006e76730000000000000000000000000000000000", want, 32);
    assert_memory_equal(bin, want, 32);
    tu_hex("aa50010400002100001000006e76735f6b657973000000000000000001000000", want, 32);
    assert_memory_equal(bin + 4 * 32, want, 32);
    tu_hex("ebebffffffffffffffffffffffffffff554d9250250f295c743dfdc49c26a993", want, 32);
    assert_memory_equal(bin + 5 * 32, want, 32);
    for (size_t i = 6 * 32; i < FW_PT_LEN; i++) assert_int_equal(bin[i], 0xFF);
}

/* ---- device validation (§6.4) ---- */

static size_t make_table(uint8_t *bin, unsigned n, int md5)
{
    struct fw_pt t;
    memset(&t, 0, sizeof t);
    for (unsigned i = 0; i < n; i++) {
        struct fw_pt_entry *e = &t.e[i];
        e->type = FW_PT_TYPE_DATA;
        e->subtype = 0x81;
        e->offset = 0x10000 + i * 0x1000;
        e->size = 0x1000;
        snprintf(e->label, sizeof e->label, "p%u", i);
    }
    t.count = n;
    assert_int_equal(fw_pt_to_binary(&t, md5, md5_cb, NULL, bin), FW_OK);
    return FW_PT_LEN;
}

static void device_magic_bounds_terminator(void **state)
{
    (void)state;
    uint8_t bin[FW_PT_LEN];
    struct fw_pt t;
    make_table(bin, 3, 1);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 4u << 20, md5_cb, NULL, FW_PT_REQUIRE_MD5), FW_OK);
    assert_int_equal(t.count, 3);
    /* bounds vs flash size: p2 ends at 0x13000 */
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0x13000, md5_cb, NULL, 0), FW_OK);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0x12fff, md5_cb, NULL, 0), FW_ERR_RANGE);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0x11000, md5_cb, NULL, 0), FW_ERR_RANGE);
    /* size wrap-around is caught */
    make_table(bin, 1, 0);
    fw_enc32le(bin + 8, 0xFFFFF000u);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 4u << 20, md5_cb, NULL, 0), FW_ERR_RANGE);
    /* unknown record magic */
    make_table(bin, 3, 0);
    bin[32] = 0x00;
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_ERR_MAGIC);
    /* empty table: first record is the terminator */
    memset(bin, 0xFF, sizeof bin);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_ERR_FORMAT);
    /* terminator: only magic/type/subtype are checked */
    make_table(bin, 2, 0);
    memset(bin + 2 * 32 + 4, 0x00, 28);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_OK);
    assert_int_equal(t.count, 2);
    /* missing terminator: 96 entry records, or a short buffer */
    for (unsigned i = 0; i < FW_PT_MAX_RECORDS; i++) {
        struct fw_pt_entry e = {.type = 1, .subtype = 0x81, .offset = 0x10000, .size = 0x1000};
        fw_pt_entry_encode(&e, bin + i * 32);
    }
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_ERR_FORMAT);
    make_table(bin, 3, 0);
    assert_int_equal(fw_pt_parse(&t, bin, 3 * 32, 0, md5_cb, NULL, 0), FW_ERR_TRUNCATED);
    assert_int_equal(fw_pt_parse(&t, bin, 4 * 32, 0, md5_cb, NULL, 0), FW_OK);
    assert_int_equal(fw_pt_parse(&t, bin, 31, 0, md5_cb, NULL, 0), FW_ERR_TRUNCATED);
    /* no md5 callback without IGNORE is a contract violation */
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, NULL, NULL, 0), FW_ERR_INVALID_ARG);
}

static void device_md5_record(void **state)
{
    (void)state;
    uint8_t bin[FW_PT_LEN];
    struct fw_pt t;
    make_table(bin, 3, 1);
    /* MD5 mismatch, and MD5 ignored on request */
    bin[3 * 32 + 20] ^= 1;
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_ERR_DIGEST);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, NULL, NULL, FW_PT_IGNORE_MD5), FW_OK);
    assert_true(t.has_md5);
    /* a second MD5 record is refused */
    make_table(bin, 3, 1);
    memcpy(bin + 4 * 32, bin + 3 * 32, 32);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_ERR_FORMAT);
    /* no MD5 record: fine unless required */
    make_table(bin, 3, 0);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_OK);
    assert_false(t.has_md5);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, FW_PT_REQUIRE_MD5), FW_ERR_NOT_FOUND);
    /* entries after the MD5 record are still parsed (device walks on) */
    make_table(bin, 3, 1);
    struct fw_pt_entry e = {.type = 1, .subtype = 2, .offset = 0x20000, .size = 0x3000, .label = "late"};
    fw_pt_entry_encode(&e, bin + 4 * 32);
    assert_int_equal(fw_pt_parse(&t, bin, FW_PT_LEN, 0, md5_cb, NULL, 0), FW_OK);
    assert_int_equal(t.count, 4);
}

static void entry_limits(void **state)
{
    (void)state;
    static struct fw_pt t;
    uint8_t bin[FW_PT_LEN];
    memset(&t, 0, sizeof t);
    for (unsigned i = 0; i < FW_PT_MAX_ENTRIES; i++) {
        t.e[i] = (struct fw_pt_entry){.type = 1, .subtype = 0x81, .offset = 0x10000 + i * 0x1000, .size = 0x1000};
        snprintf(t.e[i].label, sizeof t.e[i].label, "p%u", i);
    }
    t.count = 95;
    assert_int_equal(fw_pt_to_binary(&t, 0, NULL, NULL, bin), FW_OK);  /* 95 without MD5 */
    assert_int_equal(fw_pt_to_binary(&t, 1, md5_cb, NULL, bin), FW_ERR_NO_SPACE);
    t.count = 94;
    assert_int_equal(fw_pt_to_binary(&t, 1, md5_cb, NULL, bin), FW_OK); /* 94 with MD5 */
    static struct fw_pt back;
    assert_int_equal(fw_pt_parse(&back, bin, FW_PT_LEN, 0, md5_cb, NULL, FW_PT_REQUIRE_MD5), FW_OK);
    assert_int_equal(back.count, 94);
    t.count = 0;
    assert_int_equal(fw_pt_to_binary(&t, 0, NULL, NULL, bin), FW_ERR_FORMAT);
}

static void labels_16_chars(void **state)
{
    (void)state;
    struct fw_pt_entry e = {.type = 1, .subtype = 2, .offset = 0x9000, .size = 0x4000}, d;
    memcpy(e.label, "abcdefghijklmnop", 17);
    uint8_t rec[32];
    fw_pt_entry_encode(&e, rec);
    assert_memory_equal(rec + 12, "abcdefghijklmnop", 16); /* no NUL */
    assert_int_equal(rec[28], 0);
    fw_pt_entry_decode(rec, &d);
    assert_string_equal(d.label, "abcdefghijklmnop");
    /* bytes after a NUL are ignored */
    rec[12 + 3] = 0;
    fw_pt_entry_decode(rec, &d);
    assert_string_equal(d.label, "abc");
    /* CSV: longer names are truncated (gen_esp32part packs 16 bytes) with a warning */
    static struct fw_pt t;
    struct fw_pt_diag dg;
    const char *csv = "abcdefghijklmnopqrst, data, nvs, 0x9000, 0x4000\n";
    assert_int_equal(fw_pt_from_csv(&t, csv, strlen(csv), 0x8000, NULL, &dg), FW_OK);
    assert_string_equal(t.e[0].label, "abcdefghijklmnop");
    assert_true(dg.warnings & FW_PT_WARN_NAME_TRUNCATED);
}

static void lookups_and_ota_slots(void **state)
{
    (void)state;
    static struct fw_pt t;
    const char *csv =
        "nvs, data, nvs, , 0x4000\n"
        "otadata, data, ota, , 0x2000\n"
        "ota_0, app, ota_0, , 1M\n"
        "ota_1, app, ota_1, , 1M\n"
        "ota_3, app, ota_3, , 1M\n";
    assert_int_equal(fw_pt_from_csv(&t, csv, strlen(csv), 0x8000, NULL, NULL), FW_OK);
    assert_int_equal(fw_pt_ota_count(&t), 2); /* ota_3 is unreachable: gap at ota_2 */
    assert_string_equal(fw_pt_ota_slot(&t, 0)->label, "ota_0");
    assert_int_equal(fw_pt_ota_slot(&t, 1)->offset, 0x110000);
    assert_null(fw_pt_ota_slot(&t, 2));
    assert_null(fw_pt_ota_slot(&t, 3));
    assert_string_equal(fw_pt_otadata(&t)->label, "otadata");
    assert_int_equal(fw_pt_otadata(&t)->offset, 0xd000);
    assert_int_equal(fw_pt_find_label(&t, "nvs")->subtype, FW_PT_SUB_DATA_NVS);
    assert_null(fw_pt_find_label(&t, "nv"));
    assert_int_equal(fw_pt_find(&t, FW_PT_TYPE_APP, FW_PT_SUB_ANY, 0), 2);
    assert_int_equal(fw_pt_find(&t, FW_PT_TYPE_APP, FW_PT_SUB_ANY, 3), 3);
    assert_int_equal(fw_pt_find(&t, FW_PT_TYPE_APP, FW_PT_SUB_APP_FACTORY, 0), -1);
    assert_int_equal(fw_pt_find(&t, FW_PT_TYPE_ANY, FW_PT_SUB_DATA_NVS, 0), 0);
    const char *none = "nvs, data, nvs, , 0x4000\nfactory, app, factory, , 1M\n";
    assert_int_equal(fw_pt_from_csv(&t, none, strlen(none), 0x8000, NULL, NULL), FW_OK);
    assert_int_equal(fw_pt_ota_count(&t), 0);
    assert_null(fw_pt_otadata(&t));
}

/* ---- CSV syntax (§6.5) ---- */

static const char *fake_env(const char *name)
{
    if (!strcmp(name, "NVS_SIZE")) return "0x6000";
    if (!strcmp(name, "APP")) return "app";
    return NULL;
}

static void csv_syntax(void **state)
{
    (void)state;
    static struct fw_pt t;
    struct fw_pt_diag d;
    const char *csv =
        "# comment line\r\n"
        "\r\n"
        "   # indented comment\n"
        "nvs ,DATA, NVS, 36K, $NVS_SIZE\n"         /* keywords case-insensitive, K suffix, variable */
        "phy_init, 1, 0x01, , 4k,\n"               /* numeric type/subtype, k suffix */
        "factory, ${APP}, factory, 64K, 0x100000\n" /* ${} variable, offset given */
        "ota_0, 0, 0x10, , 1m\n"                   /* placed after factory, 64K aligned */
        "storage, data, 0x99, , 8K, readonly:encrypted\n"
        "blob, 0x40, 7, , 4096, encrypted\n"       /* custom type: numbers only */
        "undef, data, , , 0x1000\n"                /* empty data subtype -> undefined */
        "extra, data, fat, , 0x1000, , ignored\n"; /* extra columns ignored */
    assert_int_equal(fw_pt_from_csv(&t, csv, strlen(csv), 0x8000, fake_env, &d), FW_OK);
    assert_int_equal(t.count, 8);
    assert_int_equal(t.e[0].offset, 0x9000);
    assert_int_equal(t.e[0].size, 0x6000);
    assert_string_equal(t.e[0].label, "nvs");
    assert_int_equal(t.e[1].type, 1);
    assert_int_equal(t.e[1].subtype, 1);
    assert_int_equal(t.e[1].offset, 0xf000);
    assert_int_equal(t.e[1].size, 0x1000);
    assert_int_equal(t.e[2].offset, 0x10000);
    assert_int_equal(t.e[3].offset, 0x110000);
    assert_int_equal(t.e[3].subtype, 0x10);
    assert_int_equal(t.e[3].size, 0x100000);
    assert_int_equal(t.e[4].offset, 0x210000);
    assert_int_equal(t.e[4].flags, FW_PT_FLAG_ENCRYPTED | FW_PT_FLAG_READONLY);
    assert_int_equal(t.e[5].type, 0x40);
    assert_int_equal(t.e[5].offset, 0x212000);
    assert_int_equal(t.e[6].subtype, FW_PT_SUB_DATA_UNDEFINED);
    assert_int_equal(t.e[7].subtype, 0x81);
    /* emitted CSV uses keywords where they exist and numbers otherwise */
    char out[8192];
    assert_int_equal(fw_pt_to_csv(&t, out, sizeof out, NULL), FW_OK);
    assert_non_null(strstr(out, "\nstorage,data,153,0x210000,8K,encrypted:readonly\n"));
    assert_non_null(strstr(out, "\nblob,64,7,0x212000,4K,encrypted\n"));
    assert_non_null(strstr(out, "\nphy_init,data,phy,0xf000,4K,\n"));
    assert_int_equal(fw_pt_to_csv(&t, out, 40, NULL), FW_ERR_NO_SPACE);
    /* partition_table type: size implied */
    const char *pt = "pt, partition_table, primary, ,\nnvs, data, nvs, , 0x4000\n";
    assert_int_equal(fw_pt_from_csv(&t, pt, strlen(pt), 0x8000, NULL, &d), FW_OK);
    assert_int_equal(t.e[0].offset, 0x8000);
    assert_int_equal(t.e[0].size, 0x1000);
    assert_int_equal(t.e[1].offset, 0x9000);
}

static void csv_field_errors(void **state)
{
    (void)state;
    unsigned line;
    assert_int_equal(csv_rc("nvs, , nvs, , 0x4000\n", &line), FW_ERR_FORMAT);                /* empty type */
    assert_int_equal(line, 1);
    assert_int_equal(csv_rc("nvs, bogus, nvs, , 0x4000\n", NULL), FW_ERR_FORMAT);             /* unknown type */
    assert_int_equal(csv_rc("nvs, data, bogus, , 0x4000\n", NULL), FW_ERR_FORMAT);            /* unknown subtype */
    assert_int_equal(csv_rc("a, app, , , 1M\n", NULL), FW_ERR_FORMAT);                        /* empty app subtype */
    assert_int_equal(csv_rc("nvs, data, nvs, ,\n", NULL), FW_ERR_FORMAT);                     /* empty size */
    assert_int_equal(csv_rc("nvs, data, nvs, , 0x4000, secret\n", NULL), FW_ERR_FORMAT);      /* unknown flag */
    assert_int_equal(csv_rc("nvs, data, nvs, 0x9000, 012\n", NULL), FW_ERR_FORMAT);           /* python int: no leading 0 */
    assert_int_equal(csv_rc("nvs, data, nvs, 0x9000, 0x\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("nvs, data, nvs, 0x9000, 0x100000000\n", NULL), FW_ERR_FORMAT);   /* > 32 bits */
    assert_int_equal(csv_rc("nvs, data, nvs, 0x9000, 4194304K\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("nvs, 0xFF, 1, 0x9000, 0x4000\n", NULL), FW_ERR_FORMAT);          /* type FF = terminator */
    assert_int_equal(csv_rc("nvs, data, 0x100, 0x9000, 0x4000\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("nvs, data, nvs, , $UNSET_VAR_X\n", NULL), FW_ERR_NOT_FOUND);
    assert_int_equal(csv_rc("bl, bootloader, primary, , \n", NULL), FW_ERR_UNSUPPORTED);
    assert_int_equal(csv_rc("# only comments\n\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("", NULL), FW_ERR_FORMAT);
    char big[700];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(csv_rc(big, NULL), FW_ERR_RANGE); /* over-long line */
    static const char nul[] = "nvs, data, nvs, , 0x4000\0\n";
    static struct fw_pt t;
    assert_int_equal(fw_pt_from_csv(&t, nul, sizeof nul - 1, 0x8000, NULL, NULL), FW_ERR_FORMAT);
}

/* ---- generator checks, one per rule ---- */

static void gen_check_alignment(void **state)
{
    (void)state;
    assert_int_equal(csv_rc("a, app, factory, 0x11000, 1M\n", NULL), FW_ERR_ALIGN);
    assert_int_equal(csv_rc("d, data, fat, 0x9800, 0x1000\n", NULL), FW_ERR_ALIGN);
    assert_int_equal(csv_rc("a, app, factory, 0x10000, 0x10800\n", NULL), FW_ERR_ALIGN);
    assert_int_equal(csv_rc("a, app, factory, 0x10000, 0x11000\n", NULL), FW_OK);  /* app size 4K multiple */
    assert_int_equal(csv_rc("d, data, fat, 0x9000, 0x800\n", NULL), FW_OK);         /* data size free */
    /* auto placement rounds up to the type alignment */
    static struct fw_pt t;
    const char *csv = "d, data, fat, , 0x800\ne, data, fat, , 0x1000\na, app, factory, , 64K\n";
    assert_int_equal(fw_pt_from_csv(&t, csv, strlen(csv), 0x8000, NULL, NULL), FW_OK);
    assert_int_equal(t.e[0].offset, 0x9000);
    assert_int_equal(t.e[1].offset, 0xa000);
    assert_int_equal(t.e[2].offset, 0x10000);
    /* a different table offset moves the first free offset */
    assert_int_equal(fw_pt_from_csv(&t, csv, strlen(csv), 0x10000, NULL, NULL), FW_OK);
    assert_int_equal(t.e[0].offset, 0x11000);
    assert_int_equal(t.e[2].offset, 0x20000);
}

static void gen_check_overlap_and_table(void **state)
{
    (void)state;
    unsigned line;
    /* explicit offset inside the previous partition (line-tied, at placement) */
    assert_int_equal(csv_rc("a, data, fat, 0x9000, 0x2000\nb, data, fat, 0xa000, 0x1000\n", &line), FW_ERR_RANGE);
    assert_int_equal(line, 2);
    /* below the end of the partition table sector */
    assert_int_equal(csv_rc("a, data, fat, 0x8000, 0x1000\n", &line), FW_ERR_RANGE);
    assert_int_equal(csv_rc("a, data, fat, 0x3000, 0x1000\n", NULL), FW_ERR_RANGE);
    /* out-of-order but overlapping rows (caught by the generator verify) */
    static struct fw_pt t;
    memset(&t, 0, sizeof t);
    t.e[0] = (struct fw_pt_entry){.type = 1, .subtype = 0x81, .offset = 0x20000, .size = 0x2000, .label = "a"};
    t.e[1] = (struct fw_pt_entry){.type = 1, .subtype = 0x81, .offset = 0x1f000, .size = 0x2000, .label = "b"};
    t.count = 2;
    struct fw_pt_diag d;
    assert_int_equal(fw_pt_check(&t, 0x8000, 0, &d), FW_ERR_RANGE);
    assert_non_null(strstr(d.msg, "overlaps"));
    t.e[1].size = 0x1000;
    assert_int_equal(fw_pt_check(&t, 0x8000, 0, &d), FW_OK);
    /* flash size fit */
    assert_int_equal(fw_pt_check(&t, 0x8000, 0x22000, &d), FW_OK);
    assert_int_equal(fw_pt_check(&t, 0x8000, 0x21fff, &d), FW_ERR_NO_SPACE);
}

static void gen_check_names_otadata_nvs(void **state)
{
    (void)state;
    assert_int_equal(csv_rc("a, data, fat, , 0x1000\na, data, fat, , 0x1000\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("o, data, ota, , 0x1000\n", NULL), FW_ERR_RANGE);          /* otadata != 0x2000 */
    assert_int_equal(csv_rc("o, data, ota, , 0x4000\n", NULL), FW_ERR_RANGE);
    assert_int_equal(csv_rc("o, data, ota, , 0x2000\np, data, ota, , 0x2000\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("o, data, ota, , 0x2000, readonly\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("c, data, coredump, , 64K, readonly\n", NULL), FW_ERR_FORMAT);
    assert_int_equal(csv_rc("n, data, nvs, , 0x2000\n", NULL), FW_ERR_RANGE);          /* R/W NVS < 0x3000 */
    assert_int_equal(csv_rc("n, data, nvs, , 0x2000, readonly\n", NULL), FW_OK);
    assert_int_equal(csv_rc("n, data, nvs, , 0x3000\n", NULL), FW_OK);
}

static void csv_emit_rejects_unsafe_labels(void **state)
{
    (void)state;
    static struct fw_pt t;
    memset(&t, 0, sizeof t);
    t.e[0] = (struct fw_pt_entry){.type = 1, .subtype = 2, .offset = 0x9000, .size = 0x6000, .label = "a,b"};
    t.count = 1;
    char out[512];
    assert_int_equal(fw_pt_to_csv(&t, out, sizeof out, NULL), FW_ERR_FORMAT);
    strcpy(t.e[0].label, "x\n");
    assert_int_equal(fw_pt_to_csv(&t, out, sizeof out, NULL), FW_ERR_FORMAT);
    strcpy(t.e[0].label, "");
    assert_int_equal(fw_pt_to_csv(&t, out, sizeof out, NULL), FW_ERR_FORMAT);
    strcpy(t.e[0].label, "ok_name");
    t.e[0].size = 0x6010;
    assert_int_equal(fw_pt_to_csv(&t, out, sizeof out, NULL), FW_OK);
    assert_non_null(strstr(out, "ok_name,data,nvs,0x9000,0x6010,\n"));
}

static void hostile_binary_fuzz(void **state)
{
    (void)state;
    uint8_t bin[FW_PT_LEN];
    static struct fw_pt t;
    uint32_t x = 777;
    for (int n = 0; n < 300; n++) {
        make_table(bin, 1 + (unsigned)n % 10, n % 2);
        for (int k = 0; k < 4; k++) {
            x = x * 1103515245u + 12345u;
            bin[(x >> 8) % 400] ^= (uint8_t)(1u << ((x >> 4) % 8));
        }
        int rc = fw_pt_parse(&t, bin, FW_PT_LEN, 4u << 20, md5_cb, NULL, 0);
        if (rc == FW_OK) {
            assert_true(t.count >= 1 && t.count <= FW_PT_MAX_ENTRIES);
            for (unsigned i = 0; i < t.count; i++) assert_true((uint64_t)t.e[i].offset + t.e[i].size <= (4u << 20));
        }
    }
}

/* Random CSV-ish text: never crashes (ASan), every rejection explains itself,
 * every accepted table passes the generator checks and serialises. */
static void hostile_csv_fuzz(void **state)
{
    (void)state;
    static const char alphabet[] = "abcdefnvsotapyhx0123456789,,,,:: \t\n#$KMkm_-";
    static struct fw_pt t;
    char csv[400];
    uint32_t x = 4242;
    for (int n = 0; n < 2000; n++) {
        size_t len = 0;
        if (n % 3 == 0) len = (size_t)snprintf(csv, sizeof csv, "nvs, data, nvs, , 0x4000\n");
        size_t add = (x >> 3) % 200;
        for (size_t i = 0; i < add && len + 1 < sizeof csv; i++) {
            x = x * 1103515245u + 12345u;
            csv[len++] = alphabet[(x >> 16) % (sizeof alphabet - 1)];
        }
        csv[len] = 0;
        struct fw_pt_diag d;
        int rc = fw_pt_from_csv(&t, csv, len, 0x8000, NULL, &d);
        if (rc) {
            assert_true(d.msg[0] != 0);
            continue;
        }
        assert_int_equal(fw_pt_check(&t, 0x8000, 0, NULL), FW_OK);
        uint8_t bin[FW_PT_LEN];
        assert_int_equal(fw_pt_to_binary(&t, 1, md5_cb, NULL, bin), FW_OK);
        static struct fw_pt back;
        assert_int_equal(fw_pt_parse(&back, bin, FW_PT_LEN, 0, md5_cb, NULL, FW_PT_REQUIRE_MD5), FW_OK);
        assert_int_equal(back.count, t.count);
    }
}

/* FORMATS §4.1, the rule the device's partition layer applies (issue 12 §4:
 * it lives in common/ now). */
static void encrypted_type_rule(void **state)
{
    (void)state;
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_APP, FW_PT_SUB_APP_FACTORY, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_APP, FW_PT_SUB_APP_OTA_MIN + 1, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_BOOTLOADER, 0, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_PARTITION_TABLE, 0, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_OTA, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_NVS_KEYS, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, 0x90, 0));      /* tee_ota */
    assert_false(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_PHY, 0));
    assert_true(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_PHY, FW_PT_FLAG_ENCRYPTED));
    /* NVS has its own XTS layer: never flash-encrypted, even if flagged. */
    assert_false(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_NVS, 0));
    assert_false(fw_pt_is_encrypted_type(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_NVS, FW_PT_FLAG_ENCRYPTED));
    assert_false(fw_pt_is_encrypted_type(0x40, 0x00, FW_PT_FLAG_READONLY));
    assert_true(fw_pt_is_encrypted_type(0x40, 0x00, FW_PT_FLAG_ENCRYPTED));
    assert_string_equal(fw_pt_subtype_name(FW_PT_TYPE_DATA, FW_PT_SUB_DATA_TEE_OTA), "tee_ota");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_cases_tsv),
        cmocka_unit_test(negative_overlap_csv),
        cmocka_unit_test(appendix_a5),
        cmocka_unit_test(device_magic_bounds_terminator),
        cmocka_unit_test(device_md5_record),
        cmocka_unit_test(entry_limits),
        cmocka_unit_test(labels_16_chars),
        cmocka_unit_test(lookups_and_ota_slots),
        cmocka_unit_test(csv_syntax),
        cmocka_unit_test(csv_field_errors),
        cmocka_unit_test(gen_check_alignment),
        cmocka_unit_test(gen_check_overlap_and_table),
        cmocka_unit_test(gen_check_names_otadata_nvs),
        cmocka_unit_test(csv_emit_rejects_unsafe_labels),
        cmocka_unit_test(hostile_binary_fuzz),
        cmocka_unit_test(hostile_csv_fuzz),
        cmocka_unit_test(encrypted_type_rule),
    };
    return cmocka_run_group_tests_name("partition", tests, NULL, NULL);
}
