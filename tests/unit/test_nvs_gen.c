/* SPDX-License-Identifier: Apache-2.0 */
/* NVS codecs and generator: Appendix A.4 known answers, byte identity with
 * nvs_partition_gen 0.2.0 (vectors/nvs/nvs.bin, nvs_encrypted.bin), CSV errors. */
#include "testutil.h"

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"
#include "fw_nvs.h"
#include "host/fwh_nvs_csv.h"
#include "host/nvs_host.h"

static int load_vec(void *ctx, const char *path, uint8_t **buf, size_t *len)
{
    (void)ctx;
    char rel[512];
    snprintf(rel, sizeof rel, "nvs/%s", path);
    FILE *f = fopen(tu_vector(rel), "rb");
    if (!f) return FW_ERR_IO;
    fclose(f);
    *buf = tu_read(tu_vector(rel), len);
    return FW_OK;
}

static const char a4_csv[] = "key,type,encoding,value\nstorage,namespace,,\nboot_cnt,data,u32,0x12345678\nname,data,string,hello\n";

static void expect_hex(const uint8_t *p, const char *hex)
{
    uint8_t want[64];
    size_t n = tu_hex(hex, want, sizeof want);
    assert_memory_equal(p, want, n);
}

static void a4_plain_known_answers(void **state)
{
    (void)state;
    uint8_t img[0x3000];
    char err[200];
    assert_int_equal(fw_nvs_gen_csv(a4_csv, strlen(a4_csv), img, sizeof img, NULL, NULL, err, sizeof err), 0);
    expect_hex(img, "feffffff00000000feffffffffffffffffffffffffffffffffffffff842dbab9");
    expect_hex(img + 32, "aaffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    expect_hex(img + 64, "000101ff09a9500773746f7261676500000000000000000001ffffffffffffff");
    expect_hex(img + 96, "010401fffd11f35c626f6f745f636e74000000000000000078563412ffffffff");
    expect_hex(img + 128, "012102ffb559378d6e616d650000000000000000000000000600ffff6287d298");
    expect_hex(img + 160, "68656c6c6f00ffffffffffffffffffffffffffffffffffffffffffffffffffff");
    for (size_t i = 192; i < sizeof img; i++) assert_int_equal(img[i], 0xFF);
    assert_true(fw_nvs_page_hdr_crc_ok(img));
    for (int i = 0; i < 3; i++) assert_true(fw_nvs_entry_crc_ok(img + 64 + 32 * i));
}

static void a4_encrypted_known_answers(void **state)
{
    (void)state;
    uint8_t keys[64], img[0x3000], plain[0x3000];
    memset(keys, 0x11, 32);
    memset(keys + 32, 0x22, 32);
    struct fwh_nvs_xts x;
    struct fw_nvs_crypt c;
    fwh_nvs_xts_init(&x, keys);
    fwh_nvs_xts_crypt(&x, &c);
    assert_int_equal(fw_nvs_gen_csv(a4_csv, strlen(a4_csv), plain, sizeof plain, NULL, NULL, NULL, 0), 0);
    assert_int_equal(fw_nvs_gen_csv(a4_csv, strlen(a4_csv), img, sizeof img, NULL, &c, NULL, 0), 0);
    expect_hex(img + 64, "137ca2a918f83550ace07579ecfd02c805ef951db4268e743335bc918e385a17");
    assert_memory_equal(img, plain, 64);                  /* header + bitmap raw */
    for (size_t i = 192; i < sizeof img; i++) assert_int_equal(img[i], 0xFF);
    uint8_t back[32];
    assert_int_equal(c.decrypt(c.ctx, 64, img + 64, back), 0);
    assert_memory_equal(back, plain + 64, 32);
    fwh_nvs_xts_free(&x);
    uint8_t kp[4096];
    fw_nvs_keys_build(keys, kp);
    assert_int_equal(fw_dec32le(kp + 64), 0x3CCFEF2Cu);
}

static void vector_plain_byte_identical(void **state)
{
    (void)state;
    size_t csvlen, binlen;
    uint8_t *csv = tu_read(tu_vector("nvs/nvs.csv"), &csvlen);
    uint8_t *ref = tu_read(tu_vector("nvs/nvs.bin"), &binlen);
    assert_int_equal(binlen, 0x4000);
    uint8_t *img = malloc(0x4000);
    char err[200];
    struct fw_nvs_gen_loader ld = { load_vec, NULL };
    int rc = fw_nvs_gen_csv((char *)csv, csvlen, img, 0x4000, &ld, NULL, err, sizeof err);
    if (rc) fail_msg("gen: %s", err);
    for (size_t i = 0; i < binlen; i++)
        if (img[i] != ref[i]) fail_msg("first difference at 0x%zx: %02x vs %02x", i, img[i], ref[i]);
    free(csv); free(ref); free(img);
}

static void vector_encrypted_byte_identical(void **state)
{
    (void)state;
    size_t csvlen, binlen, klen;
    uint8_t *csv = tu_read(tu_vector("nvs/nvs.csv"), &csvlen);
    uint8_t *ref = tu_read(tu_vector("nvs/nvs_encrypted.bin"), &binlen);
    uint8_t *kp = tu_read(tu_vector("nvs/nvs_keys.bin"), &klen);
    uint8_t keys[64];
    assert_int_equal(fw_nvs_keys_parse(kp, kp, keys), 0);
    struct fwh_nvs_xts x;
    struct fw_nvs_crypt c;
    fwh_nvs_xts_init(&x, keys);
    fwh_nvs_xts_crypt(&x, &c);
    uint8_t *img = malloc(0x4000);
    struct fw_nvs_gen_loader ld = { load_vec, NULL };
    assert_int_equal(fw_nvs_gen_csv((char *)csv, csvlen, img, 0x4000, &ld, &c, NULL, 0), 0);
    for (size_t i = 0; i < binlen; i++)
        if (img[i] != ref[i]) fail_msg("first difference at 0x%zx", i);
    fwh_nvs_xts_free(&x);
    free(csv); free(ref); free(img); free(kp);
}

static void keys_partition_vectors(void **state)
{
    (void)state;
    size_t n;
    uint8_t keys[64];
    uint8_t *p = tu_read(tu_vector("nvs/nvs_keys.bin"), &n);
    assert_int_equal(fw_nvs_keys_parse(p, p, keys), 0);
    free(p);
    p = tu_read(tu_vector("nvs/neg_nvs_keys_bad_crc.bin"), &n);
    assert_int_equal(fw_nvs_keys_parse(p, p, keys), FW_ERR_CRC);
    free(p);
    p = tu_read(tu_vector("nvs/neg_nvs_keys_erased.bin"), &n);
    assert_int_equal(fw_nvs_keys_parse(p, p, keys), FW_ERR_STATE);
    free(p);
    p = tu_read(tu_vector("nvs/neg_nvs_wrong_keys.bin"), &n);
    assert_int_equal(fw_nvs_keys_parse(p, p, keys), 0);
    free(p);
    /* the record layout the device reads and writes (issue 12 §4: named in common/) */
    p = tu_read(tu_vector("nvs/nvs_keys.bin"), &n);
    assert_int_equal(n, FW_NVS_KEYS_IMAGE_LEN);
    for (size_t i = FW_NVS_KEYS_RECORD_LEN; i < n; i++) assert_int_equal(p[i], 0xFF);
    uint8_t built[FW_NVS_KEYS_IMAGE_LEN];
    assert_int_equal(fw_nvs_keys_parse(p, p, keys), 0);
    fw_nvs_keys_build(keys, built);
    assert_memory_equal(built, p, FW_NVS_KEYS_IMAGE_LEN);
    free(p);
}

static void gen_rejects(const char *csv, int want, const char *msg_part)
{
    uint8_t img[0x3000];
    char err[200];
    int rc = fw_nvs_gen_csv(csv, strlen(csv), img, sizeof img, NULL, NULL, err, sizeof err);
    assert_int_equal(rc, want);
    if (!strstr(err, msg_part)) fail_msg("error '%s' lacks '%s'", err, msg_part);
}

static void csv_errors(void **state)
{
    (void)state;
    gen_rejects("key,type,encoding,value\nns,namespace,,\nabcdefghijklmnop,data,u8,1\n", FW_ERR_RANGE, "longer than 15");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,data,u8,256\n", FW_ERR_RANGE, "not a valid u8");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,data,i8,-129\n", FW_ERR_RANGE, "not a valid i8");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,data,hex2bin,abc\n", FW_ERR_FORMAT, "invalid hex2bin");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,data,base64,@@@@\n", FW_ERR_FORMAT, "invalid base64");
    gen_rejects("key,type,encoding,value\na,data,u8,1\n", FW_ERR_FORMAT, "before any namespace");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,data,float,1\n", FW_ERR_FORMAT, "unknown encoding");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,data,string,\"abc\n", FW_ERR_FORMAT, "unterminated");
    gen_rejects("k,t,e,v\n", FW_ERR_FORMAT, "header");
    gen_rejects("key,type,encoding,value\nns,namespace,,\na,file,binary,x.bin\n", FW_ERR_UNSUPPORTED, "loader");
    /* 3 pages of data in a 3-page partition: one must stay erased */
    char big[20000];
    strcpy(big, "key,type,encoding,value\nns,namespace,,\n");
    for (int i = 0; i < 300; i++) sprintf(big + strlen(big), "k%d,data,u32,%d\n", i, i);
    gen_rejects(big, FW_ERR_NO_SPACE, "too small");
}

static void csv_quoting_and_comments(void **state)
{
    (void)state;
    const char *csv = "key,type,encoding,value\r\n# comment\r\n\r\nns,namespace,,\r\ns,data,string,\"a,\"\"b\"\"\r\nc\"\r\n";
    uint8_t img[0x3000];
    assert_int_equal(fw_nvs_gen_csv(csv, strlen(csv), img, sizeof img, NULL, NULL, NULL, 0), 0);
    /* entry 1 is the string header: size = strlen("a,\"b\"\r\nc") + 1 = 9 */
    assert_int_equal(fw_dec16le(img + 64 + 32 + 24), 9);
    assert_memory_equal(img + 64 + 64, "a,\"b\"\r\nc", 9);
}

static void base64_round_trip(void **state)
{
    (void)state;
    uint8_t in[7] = { 1, 2, 3, 250, 251, 252, 0 }, out[16];
    char enc[16];
    for (size_t n = 0; n <= 7; n++) {
        fw_nvs_b64_encode(in, n, enc);
        assert_int_equal(fw_nvs_b64_decode(enc, strlen(enc), out, sizeof out), (long)n);
        assert_memory_equal(in, out, n);
    }
}

/* Hostile CSV: random byte edits, truncations and insertions never crash
 * the parser/generator (ASan run); every result is success or a reason. */
static void mutated_csv_never_crashes(void **state)
{
    (void)state;
    size_t n;
    uint8_t *csv = tu_read(tu_vector("nvs/nvs.csv"), &n);
    char *buf = malloc(n + 64);
    uint8_t *img = malloc(0x8000);
    struct fw_nvs_gen_loader ld = { load_vec, NULL };
    static const char pool[] = ",\"\n\r#0x-9abz=+/ \xff";
    uint64_t r = 99;
    int ok_count = 0;
    for (int it = 0; it < 300; it++) {
        memcpy(buf, csv, n);
        size_t len = n;
        for (int m = 0; m < 1 + it % 6; m++) {
            r ^= r << 13; r ^= r >> 7; r ^= r << 17;
            size_t off = (size_t)(r % len);
            if ((r >> 50) % 5 == 0) len = off + 1;                     /* truncate */
            else buf[off] = pool[(r >> 32) % (sizeof pool - 1)];      /* replace */
        }
        char err[200];
        int rc = fw_nvs_gen_csv(buf, len, img, 0x8000, &ld, NULL, err, sizeof err);
        if (rc) assert_true(err[0] != 0);
        else ok_count++;
    }
    assert_true(ok_count > 0);
    free(buf); free(img); free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a4_plain_known_answers),
        cmocka_unit_test(a4_encrypted_known_answers),
        cmocka_unit_test(vector_plain_byte_identical),
        cmocka_unit_test(vector_encrypted_byte_identical),
        cmocka_unit_test(keys_partition_vectors),
        cmocka_unit_test(csv_errors),
        cmocka_unit_test(csv_quoting_and_comments),
        cmocka_unit_test(base64_round_trip),
        cmocka_unit_test(mutated_csv_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
