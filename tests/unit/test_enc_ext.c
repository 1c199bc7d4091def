/* SPDX-License-Identifier: Apache-2.0 */
/* "FWSX" shared-body ECIES header extension codec (docs/formats.md §9). */
#include "testutil.h"

#include "fw_enc_ext.h"
#include "fw_enc_header.h"
#include "fw_err.h"

static void make(struct fw_enc_header *h, uint8_t raw[512])
{
    uint8_t pub[64], salt[32], iv[16];
    memset(pub, 0x11, sizeof pub);
    memset(salt, 0x22, sizeof salt);
    memset(iv, 0x33, sizeof iv);
    fw_enc_header_init_ecies(h, pub, salt, iv, 1000);
    struct fw_enc_ext x;
    memset(x.wrap_iv, 0x44, sizeof x.wrap_iv);
    memset(x.wrapped, 0x55, sizeof x.wrapped);
    memset(x.wrap_tag, 0x66, sizeof x.wrap_tag);
    fw_enc_ext_encode(h, &x);
    fw_enc_header_encode(h, raw);
}

/* The documented header offsets, byte by byte. */
static void layout(void **state)
{
    (void)state;
    struct fw_enc_header h;
    uint8_t b[512];
    make(&h, b);
    assert_memory_equal(b + 100, "FWSX\x01\x00\x00\x00", 8);
    for (int i = 4; i < 100; i++) assert_int_equal(b[i], i < 68 ? 0x11 : 0x22);
    for (int i = 108; i < 124; i++) assert_int_equal(b[i], 0x44);
    for (int i = 124; i < 156; i++) assert_int_equal(b[i], 0x55);
    for (int i = 156; i < 172; i++) assert_int_equal(b[i], 0x66);
    for (int i = 172; i < 388; i++) assert_int_equal(b[i], 0);
    assert_int_equal(b[388], 0x33);
    for (int i = 424; i < 512; i++) assert_int_equal(b[i], 0);
}

static void round_trip_and_stock(void **state)
{
    (void)state;
    struct fw_enc_header h, d;
    uint8_t b[512];
    make(&h, b);
    assert_int_equal(fw_enc_header_decode(b, sizeof b, &d), FW_OK);
    assert_true(fw_enc_ext_present(&d));
    struct fw_enc_ext x;
    assert_int_equal(fw_enc_ext_decode(&d, &x), FW_OK);
    assert_int_equal(x.wrap_iv[0], 0x44);
    assert_int_equal(x.wrapped[31], 0x55);
    assert_int_equal(x.wrap_tag[15], 0x66);
    /* a stock ECIES header has no extension, and is stock-strict */
    uint8_t pub[64] = {1}, salt[32] = {2}, iv[16] = {3};
    fw_enc_header_init_ecies(&h, pub, salt, iv, 10);
    assert_false(fw_enc_ext_present(&h));
    assert_int_equal(fw_enc_ext_decode(&h, &x), FW_ERR_NOT_FOUND);
    assert_int_equal(fw_enc_header_check_strict(&h, FW_ENC_SCHEME_ECIES_P256), FW_OK);
    /* ... and an extended one is not stock (a stock device fails it at the tag) */
    assert_int_equal(fw_enc_header_check_strict(&d, FW_ENC_SCHEME_ECIES_P256), FW_ERR_FORMAT);
    assert_int_equal(fw_enc_ext_decode(NULL, &x), FW_ERR_INVALID_ARG);
}

static int decode_patched(size_t off, uint8_t v)
{
    struct fw_enc_header h;
    uint8_t b[512];
    make(&h, b);
    b[off] = v;
    assert_int_equal(fw_enc_header_decode(b, sizeof b, &h), FW_OK);
    struct fw_enc_ext x;
    return fw_enc_ext_decode(&h, &x);
}

static void rejects(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(100, 'X'), FW_ERR_NOT_FOUND);
    assert_int_equal(decode_patched(103, 'Y'), FW_ERR_NOT_FOUND);
    assert_int_equal(decode_patched(104, 2), FW_ERR_UNSUPPORTED);
    assert_int_equal(decode_patched(104, 0), FW_ERR_UNSUPPORTED);
    assert_int_equal(decode_patched(105, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(107, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(172, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(387, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(424, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(511, 1), FW_ERR_FORMAT);
    /* wrapped key, iv and tag bytes are free */
    assert_int_equal(decode_patched(108, 0), FW_OK);
    assert_int_equal(decode_patched(155, 0), FW_OK);
    assert_int_equal(decode_patched(171, 0), FW_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout),
        cmocka_unit_test(round_trip_and_stock),
        cmocka_unit_test(rejects),
    };
    return cmocka_run_group_tests_name("enc_ext", tests, NULL, NULL);
}
