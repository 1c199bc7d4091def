/* SPDX-License-Identifier: Apache-2.0 */
/* Byte codecs and the two CRC-32 flavours (FORMATS §0, Appendix A.1, A.2). */
#include "testutil.h"

#include "fw_flashenc.h"
#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

static void crc_check_values(void **state)
{
    (void)state;
    assert_int_equal(fw_crc32_std("123456789", 9), 0xCBF43926u);
    assert_int_equal(fw_crc32_esp("123456789", 9), 0xD202D277u);
}

static void crc_chaining_matches_one_shot(void **state)
{
    (void)state;
    const char *s = "123456789";
    uint32_t c = fw_crc32_le(0xFFFFFFFFu, s, 4);
    c = fw_crc32_le(c, s + 4, 5);
    assert_int_equal(c, 0xD202D277u);
}

/* Bitwise reference: the definition the table-driven fw_crc32_le encodes. */
static uint32_t crc_bitwise(uint32_t seed, const uint8_t *p, size_t n)
{
    uint32_t c = ~seed;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

/* Every entry of the const table: over the 256 one-byte inputs, the table
 * index (byte ^ low byte of ~seed) takes every value once, for either seed. */
static void crc_table_matches_the_polynomial(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++) {
        uint8_t x = (uint8_t)b;
        assert_int_equal(fw_crc32_le(0xFFFFFFFFu, &x, 1), crc_bitwise(0xFFFFFFFFu, &x, 1));
        assert_int_equal(fw_crc32_le(0, &x, 1), crc_bitwise(0, &x, 1));
    }
    uint8_t buf[1000];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 131u + 7u);
    assert_int_equal(fw_crc32_le(0x12345678u, buf, sizeof buf), crc_bitwise(0x12345678u, buf, sizeof buf));
}

static void crc_otadata_known_answers(void **state)
{
    (void)state;
    uint8_t seq[4];
    fw_enc32le(seq, 1);
    assert_int_equal(fw_crc32_esp(seq, 4), 0x4743989Au);
    fw_enc32le(seq, 2);
    assert_int_equal(fw_crc32_esp(seq, 4), 0x55F63774u);
}

static void endian_round_trips(void **state)
{
    (void)state;
    uint8_t b[8];
    fw_enc32le(b, 0x0788B6CFu);
    assert_memory_equal(b, "\xCF\xB6\x88\x07", 4);
    assert_int_equal(fw_dec32le(b), 0x0788B6CFu);
    fw_enc32be(b, 0x0788B6CFu);
    assert_memory_equal(b, "\x07\x88\xB6\xCF", 4);
    assert_int_equal(fw_dec32be(b), 0x0788B6CFu);
    fw_enc16le(b, 0x50AA);
    assert_memory_equal(b, "\xAA\x50", 2);
    fw_enc64le(b, 0x0102030405060708ull);
    assert_int_equal(fw_dec64le(b), 0x0102030405060708ull);
}

static void reverse_and_ct_equal(void **state)
{
    (void)state;
    uint8_t a[5] = {1, 2, 3, 4, 5}, r[5];
    fw_reverse_copy(r, a, 5);
    fw_reverse(a, 5);
    assert_memory_equal(a, "\x05\x04\x03\x02\x01", 5);
    assert_memory_equal(a, r, 5);
    assert_true(fw_ct_equal(a, r, 5));
    r[4] ^= 1;
    assert_false(fw_ct_equal(a, r, 5));
    fw_wipe(a, sizeof a);
    assert_memory_equal(a, "\0\0\0\0\0", 5);
}

static void strerror_covers_codes(void **state)
{
    (void)state;
    for (int e = 0; e >= FW_ERR_NOT_ERASED; e--) assert_string_not_equal(fw_strerror(e), "unknown error");
    assert_string_equal(fw_strerror(12345), "unknown error");
}

/* Flash-encryption layout (common/fw_flashenc.h): the tweak of a data unit
 * and the unit of an address, as FORMATS §4.2 / §5.10 give them. */
static void flashenc_tweak_and_unit(void **state)
{
    (void)state;
    uint8_t t[FW_XTS_TWEAK_LEN];
    memset(t, 0xAA, sizeof t);
    fw_xts_tweak_le32(0x00012380u, t);
    const uint8_t want[FW_XTS_TWEAK_LEN] = {0x80, 0x23, 0x01, 0x00};
    assert_memory_equal(t, want, sizeof t);
    assert_int_equal(fw_fe_unit_start(0x10000u), 0x10000u);
    assert_int_equal(fw_fe_unit_start(0x1007Fu), 0x10000u);
    assert_int_equal(fw_fe_unit_start(0x10080u), 0x10080u);
    assert_int_equal(fw_fe_unit_start(0xFFFFFFFFu), 0xFFFFFF80u);
    assert_int_equal(FW_FE_UNIT_LEN % FW_FE_BLOCK_LEN, 0);
}

/* struct fw_fail: the zero value is "no failure", fw_fail_set returns the
 * code it records, fw_fail_why falls back to fw_strerror. */
static void fail_carries_code_and_reason(void **state)
{
    (void)state;
    struct fw_fail f = FW_FAIL_NONE;
    struct fw_fail z;
    memset(&z, 0, sizeof z);
    assert_int_equal(f.code, FW_OK);
    assert_null(f.why);
    assert_int_equal(z.code, FW_OK);
    assert_int_equal(fw_fail_set(&f, FW_ERR_RANGE, "empty key"), FW_ERR_RANGE);
    assert_int_equal(f.code, FW_ERR_RANGE);
    assert_string_equal(fw_fail_why(&f), "empty key");
    assert_int_equal(fw_fail_set(&f, FW_ERR_CRC, NULL), FW_ERR_CRC);
    assert_string_equal(fw_fail_why(&f), fw_strerror(FW_ERR_CRC));
    assert_int_equal(fw_fail_set(NULL, FW_ERR_IO, "x"), FW_ERR_IO);
    assert_non_null(fw_fail_why(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_check_values),
        cmocka_unit_test(crc_chaining_matches_one_shot),
        cmocka_unit_test(crc_table_matches_the_polynomial),
        cmocka_unit_test(crc_otadata_known_answers),
        cmocka_unit_test(endian_round_trips),
        cmocka_unit_test(reverse_and_ct_equal),
        cmocka_unit_test(strerror_covers_codes),
        cmocka_unit_test(fail_carries_code_and_reason),
        cmocka_unit_test(flashenc_tweak_and_unit),
    };
    return cmocka_run_group_tests_name("common_bytes", tests, NULL, NULL);
}
