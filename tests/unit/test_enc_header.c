/* SPDX-License-Identifier: Apache-2.0 */
/* ESP encrypted image header codec (FORMATS §3.2, §3.3, §3.8) on the vectors. */
#include "testutil.h"

#include "fw_bytes.h"
#include "fw_enc_header.h"
#include "fw_err.h"

static uint8_t *load(const char *rel, size_t *len)
{
    return tu_read(tu_vector(rel), len);
}

static void layout_constants(void **state)
{
    (void)state;
    assert_int_equal(FW_ENC_HEADER_SIZE, 512);
    assert_int_equal(FW_ENC_OFF_KEY_AREA + FW_ENC_KEY_AREA_SIZE, FW_ENC_OFF_IV);
    assert_int_equal(FW_ENC_OFF_IV + FW_ENC_IV_SIZE, FW_ENC_OFF_BIN_SIZE);
    assert_int_equal(FW_ENC_OFF_BIN_SIZE + 4, FW_ENC_OFF_TAG);
    assert_int_equal(FW_ENC_OFF_TAG + FW_ENC_TAG_SIZE, FW_ENC_OFF_RESERVED);
    assert_int_equal(FW_ENC_OFF_RESERVED + FW_ENC_RESERVED_SIZE, FW_ENC_HEADER_SIZE);
    assert_int_equal(FW_ENC_OFF_ECIES_ZERO + FW_ENC_ECIES_ZERO_SIZE, FW_ENC_OFF_IV);
    uint8_t m[4];
    fw_enc32le(m, FW_ENC_MAGIC);
    assert_memory_equal(m, "\xCF\xB6\x88\x07", 4);
}

/* Decode, check fields against the file, re-encode byte-identically. */
static void decode_encode(const char *rel, uint32_t want_size, int want_ecies)
{
    size_t n;
    uint8_t *buf = load(rel, &n);
    struct fw_enc_header h;
    assert_int_equal(fw_enc_header_decode(buf, n, &h), FW_OK);
    assert_int_equal(h.bin_size, want_size);
    assert_int_equal(fw_enc_check_total_len(&h, n), FW_OK);
    assert_memory_equal(h.iv, buf + 388, 16);
    assert_memory_equal(h.tag, buf + 408, 16);
    assert_memory_equal(h.key_area, buf + 4, 384);
    assert_int_equal(fw_enc_looks_like_ecies(&h), want_ecies);
    int scheme = want_ecies ? FW_ENC_SCHEME_ECIES_P256 : FW_ENC_SCHEME_RSA3072;
    assert_int_equal(fw_enc_header_check_strict(&h, scheme), FW_OK);
    if (want_ecies) {
        assert_memory_equal(fw_enc_server_pub(&h), buf + 4, 64);
        assert_memory_equal(fw_enc_kdf_salt(&h), buf + 68, 32);
    }
    uint8_t out[512];
    fw_enc_header_encode(&h, out);
    assert_memory_equal(out, buf, 512);
    free(buf);
}

static void vectors_rsa(void **state)
{
    (void)state;
    decode_encode("pre_encrypted/rsa/app_esp32c3_64k.enc.bin", 104784, 0);
    decode_encode("pre_encrypted/rsa/app_esp32c3_1m.enc.bin", 1048688, 0);
    decode_encode("pre_encrypted/rsa/blob_1000.enc.bin", 1000, 0);
    decode_encode("pre_encrypted/rsa/empty_0.enc.bin", 0, 0);
    decode_encode("pre_encrypted/rsa/one_1.enc.bin", 1, 0);
}

static void vectors_ecies(void **state)
{
    (void)state;
    decode_encode("pre_encrypted/ecc/app_esp32c3_64k.enc.bin", 104784, 1);
    decode_encode("pre_encrypted/ecc/blob_1000.enc.bin", 1000, 1);
    decode_encode("pre_encrypted/ecc/empty_0.enc.bin", 0, 1);
    decode_encode("pre_encrypted/ecc/one_1.enc.bin", 1, 1);
}

static void negatives(void **state)
{
    (void)state;
    size_t n;
    struct fw_enc_header h;
    uint8_t *b = load("pre_encrypted/rsa/neg_bad_magic.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_ERR_MAGIC);
    free(b);
    b = load("pre_encrypted/ecc/neg_bad_magic.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_ERR_MAGIC);
    free(b);
    b = load("pre_encrypted/rsa/neg_truncated_header.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_ERR_TRUNCATED);
    free(b);
    b = load("pre_encrypted/rsa/neg_truncated.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_OK);
    assert_int_equal(fw_enc_check_total_len(&h, n), FW_ERR_TRUNCATED);
    free(b);
    b = load("pre_encrypted/ecc/neg_truncated.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_OK);
    assert_int_equal(fw_enc_check_total_len(&h, n), FW_ERR_TRUNCATED);
    free(b);
    b = load("pre_encrypted/rsa/neg_size_plus16.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_OK);
    assert_int_equal(h.bin_size, 104784 + 16);
    assert_int_equal(fw_enc_check_total_len(&h, n), FW_ERR_TRUNCATED);
    free(b);
    b = load("pre_encrypted/rsa/neg_size_minus16.enc.bin", &n);
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_OK);
    assert_int_equal(fw_enc_check_total_len(&h, n), FW_ERR_FORMAT);
    free(b);
}

static void magic_prefix_and_args(void **state)
{
    (void)state;
    const uint8_t good[4] = {0xCF, 0xB6, 0x88, 0x07};
    assert_int_equal(fw_enc_check_magic(good, 4), FW_OK);
    assert_int_equal(fw_enc_check_magic(good, 2), FW_ERR_TRUNCATED);
    assert_int_equal(fw_enc_check_magic(good, 0), FW_ERR_TRUNCATED);
    const uint8_t bad[2] = {0xCF, 0xB7};
    assert_int_equal(fw_enc_check_magic(bad, 2), FW_ERR_MAGIC);
    struct fw_enc_header h;
    assert_int_equal(fw_enc_header_decode(NULL, 512, &h), FW_ERR_INVALID_ARG);
    assert_int_equal(fw_enc_header_decode(good, 4, &h), FW_ERR_TRUNCATED);
    assert_int_equal(fw_enc_header_decode(bad, 2, &h), FW_ERR_MAGIC);
}

static void size_limits(void **state)
{
    (void)state;
    struct fw_enc_header h;
    uint8_t iv[16] = {0}, wrapped[384] = {0};
    fw_enc_header_init_rsa(&h, wrapped, iv, 0);
    assert_int_equal(fw_enc_header_check_size(&h, 1, 1000), FW_ERR_RANGE);
    assert_int_equal(fw_enc_header_check_size(&h, 0, 1000), FW_OK);
    h.bin_size = 1000;
    assert_int_equal(fw_enc_header_check_size(&h, 1, 1000), FW_OK);
    h.bin_size = 1001;
    assert_int_equal(fw_enc_header_check_size(&h, 1, 1000), FW_ERR_RANGE);
    h.bin_size = 0xFFFFFFFFu;
    assert_int_equal(fw_enc_header_check_size(&h, 1, 0xFFFFFFFFu), FW_OK);
    assert_int_equal(fw_enc_check_total_len(&h, 512ull + 0xFFFFFFFFull), FW_OK);
    assert_int_equal(fw_enc_check_total_len(&h, 512ull + 0xFFFFFFFEull), FW_ERR_TRUNCATED);
    assert_int_equal(fw_enc_check_total_len(&h, 512ull + 0x100000000ull), FW_ERR_FORMAT);
}

static void strict_reserved(void **state)
{
    (void)state;
    size_t n;
    uint8_t *b = load("pre_encrypted/ecc/blob_1000.enc.bin", &n);
    struct fw_enc_header h;
    b[511] ^= 1;
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_OK);
    assert_int_equal(fw_enc_header_check_strict(&h, FW_ENC_SCHEME_ECIES_P256), FW_ERR_FORMAT);
    b[511] ^= 1;
    b[200] ^= 1; /* inside the ECIES zero area */
    assert_int_equal(fw_enc_header_decode(b, n, &h), FW_OK);
    assert_int_equal(fw_enc_header_check_strict(&h, FW_ENC_SCHEME_ECIES_P256), FW_ERR_FORMAT);
    assert_int_equal(fw_enc_looks_like_ecies(&h), 0);
    assert_int_equal(fw_enc_header_check_strict(&h, FW_ENC_SCHEME_RSA3072), FW_OK);
    assert_int_equal(fw_enc_header_check_strict(&h, 7), FW_ERR_INVALID_ARG);
    free(b);
}

static void init_encode_layout(void **state)
{
    (void)state;
    uint8_t pub[64], salt[32], iv[16], out[512];
    for (int i = 0; i < 64; i++) pub[i] = (uint8_t)(i + 1);
    for (int i = 0; i < 32; i++) salt[i] = (uint8_t)(0x80 + i);
    for (int i = 0; i < 16; i++) iv[i] = (uint8_t)(0x40 + i);
    struct fw_enc_header h;
    fw_enc_header_init_ecies(&h, pub, salt, iv, 0x01020304);
    memset(h.tag, 0xAB, 16);
    fw_enc_header_encode(&h, out);
    assert_memory_equal(out, "\xCF\xB6\x88\x07", 4);
    assert_memory_equal(out + 4, pub, 64);
    assert_memory_equal(out + 68, salt, 32);
    for (int i = 100; i < 388; i++) assert_int_equal(out[i], 0);
    assert_memory_equal(out + 388, iv, 16);
    assert_memory_equal(out + 404, "\x04\x03\x02\x01", 4);
    for (int i = 408; i < 424; i++) assert_int_equal(out[i], 0xAB);
    for (int i = 424; i < 512; i++) assert_int_equal(out[i], 0);
    assert_string_equal(fw_enc_scheme_name(FW_ENC_SCHEME_ECIES_P256), "ecies-p256");
    assert_string_equal(fw_enc_scheme_name(FW_ENC_SCHEME_RSA3072), "rsa3072");
    assert_string_equal(fw_enc_scheme_name(0), "unknown");
}

/* The accumulator sees the same header whatever the split. */
static void accumulator_splits(void **state)
{
    (void)state;
    size_t n;
    uint8_t *b = load("pre_encrypted/rsa/blob_1000.enc.bin", &n);
    struct fw_enc_header ref, h;
    assert_int_equal(fw_enc_header_decode(b, n, &ref), FW_OK);
    const size_t chunks[] = {1, 3, 4, 5, 100, 511, 512, 513, 1512};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct fw_enc_hdr_acc a;
        fw_enc_hdr_acc_init(&a);
        size_t pos = 0, used = 0;
        int rc = 0;
        while (rc == 0) {
            size_t len = n - pos < chunks[c] ? n - pos : chunks[c];
            rc = fw_enc_hdr_acc_feed(&a, b + pos, len, &used, &h);
            pos += used;
        }
        assert_int_equal(rc, 1);
        assert_int_equal(pos, 512);
        assert_memory_equal(&h, &ref, sizeof h);
        assert_int_equal(fw_enc_hdr_acc_feed(&a, b, 1, &used, &h), FW_ERR_STATE);
    }
    free(b);
    b = load("pre_encrypted/ecc/neg_bad_magic.enc.bin", &n); /* byte 3 flipped */
    struct fw_enc_hdr_acc a;
    fw_enc_hdr_acc_init(&a);
    size_t used;
    assert_int_equal(fw_enc_hdr_acc_feed(&a, b, 3, &used, &h), 0);
    assert_int_equal(fw_enc_hdr_acc_feed(&a, b + 3, 1, &used, &h), FW_ERR_MAGIC);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_constants),
        cmocka_unit_test(vectors_rsa),
        cmocka_unit_test(vectors_ecies),
        cmocka_unit_test(negatives),
        cmocka_unit_test(magic_prefix_and_args),
        cmocka_unit_test(size_limits),
        cmocka_unit_test(strict_reserved),
        cmocka_unit_test(init_encode_layout),
        cmocka_unit_test(accumulator_splits),
    };
    return cmocka_run_group_tests_name("enc_header", tests, NULL, NULL);
}
