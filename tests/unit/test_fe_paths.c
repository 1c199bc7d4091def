/* SPDX-License-Identifier: Apache-2.0 */
/* device/fwd_fe.c has two paths: whole 128-byte units (word-wise byte
 * reversal) and partial units (zero-padded unit, byte-wise reversal). XTS
 * blocks depend only on their position, so both must give the same bytes for
 * the same addresses, whatever the split; in place or not. */
#include "testutil.h"

#include "device/fwd_fe.h"
#include "fw_bytes.h"

#define LEN 2048u

static void fill(uint8_t *b, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        b[i] = (uint8_t)(seed >> 16);
    }
}

static void splits_agree(size_t key_len, uint32_t base)
{
    static uint8_t pt[LEN], whole[LEN], piece[LEN], inplace[LEN], back[LEN];
    uint8_t key[64];
    struct fwd_fe fe;
    fill(key, sizeof key, 7);
    fill(pt, sizeof pt, base);
    assert_int_equal(fwd_fe_init(&fe, key, key_len), FW_OK);
    /* whole range at once: only full units when base is unit-aligned */
    assert_int_equal(fwd_fe_encrypt(&fe, base, pt, whole, LEN), FW_OK);
    /* 16 bytes at a time: only the partial path */
    for (uint32_t o = 0; o < LEN; o += 16) assert_int_equal(fwd_fe_encrypt(&fe, base + o, pt + o, piece + o, 16), FW_OK);
    assert_memory_equal(whole, piece, LEN);
    /* odd split: partial head, full middle, partial tail */
    assert_int_equal(fwd_fe_encrypt(&fe, base, pt, piece, 48), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&fe, base + 48, pt + 48, piece + 48, LEN - 48 - 32), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&fe, base + LEN - 32, pt + LEN - 32, piece + LEN - 32, 32), FW_OK);
    assert_memory_equal(whole, piece, LEN);
    /* in place */
    memcpy(inplace, pt, LEN);
    assert_int_equal(fwd_fe_encrypt(&fe, base, inplace, inplace, LEN), FW_OK);
    assert_memory_equal(whole, inplace, LEN);
    /* ciphertext really differs from plaintext, and decrypts back both ways */
    assert_memory_not_equal(whole, pt, LEN);
    assert_int_equal(fwd_fe_decrypt(&fe, base, whole, back, LEN), FW_OK);
    assert_memory_equal(back, pt, LEN);
    for (uint32_t o = 0; o < LEN; o += 16) assert_int_equal(fwd_fe_decrypt(&fe, base + o, whole + o, back + o, 16), FW_OK);
    assert_memory_equal(back, pt, LEN);
    assert_int_equal(fwd_fe_decrypt(&fe, base, inplace, inplace, LEN), FW_OK);
    assert_memory_equal(inplace, pt, LEN);
    fwd_fe_free(&fe);
}

static void xts128_aligned(void **s) { (void)s; splits_agree(32, 0x10000); }
static void xts128_unaligned(void **s) { (void)s; splits_agree(32, 0x12350); }
static void xts256_aligned(void **s) { (void)s; splits_agree(64, 0x200000); }
static void xts256_unaligned(void **s) { (void)s; splits_agree(64, 0x1f0); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xts128_aligned),
        cmocka_unit_test(xts128_unaligned),
        cmocka_unit_test(xts256_aligned),
        cmocka_unit_test(xts256_unaligned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
