/* SPDX-License-Identifier: Apache-2.0 */
/* Flash encryption (FORMATS §4.3, §4.5, Appendix A.3) against espsecure's
 * known answers and vectors, partial units, and an independent per-block
 * reference (the alpha^m rule with AES-ECB). */
#include "testutil.h"

#include <openssl/evp.h>

#include "encryptor/fwh_flashenc.h"
#include "fw_bytes.h"
#include "fw_err.h"

static const char *kat_plain = "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc";

static void enc_hex(int scheme, size_t keylen, unsigned conf, uint64_t addr, const char *want_hex)
{
    uint8_t key[64], p[32], want[32], out[32];
    for (size_t i = 0; i < keylen; i++) key[i] = (uint8_t)i;
    tu_hex(kat_plain, p, sizeof p);
    tu_hex(want_hex, want, sizeof want);
    struct fwh_flashenc f;
    assert_int_equal(fwh_flashenc_init(&f, scheme, key, keylen, conf, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, addr, p, 32, out), FW_OK);
    assert_memory_equal(out, want, 32);
    fwh_flashenc_free(&f);
    assert_int_equal(fwh_flashenc_init(&f, scheme, key, keylen, conf, 0, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, addr, out, 32, out), FW_OK); /* in place */
    assert_memory_equal(out, p, 32);
    fwh_flashenc_free(&f);
}

static void known_answers_a3(void **state)
{
    (void)state;
    enc_hex(FWH_FLASHENC_XTS, 32, 0, 0x10000, "00074d144449de0002776b2cc0026e7b5c0b72d6028f4b13331703bc7ab629f5");
    enc_hex(FWH_FLASHENC_XTS, 32, 0, 0x10010, "4bd7b39650b43cf0314c05eb6e524480aecfd1735db20d869dc928238cbccf32");
    enc_hex(FWH_FLASHENC_XTS, 64, 0, 0x10000, "e1b7ce701c9cbcffcd14c30c22f1c8480f22175a0a66d25d2f72e9bc2dfba6ae");
    enc_hex(FWH_FLASHENC_ESP32, 32, 0xF, 0x10000, "d55a160f2b78d192e67860509aafe1e8499e28bc82d912d4afbd81a12f841b78");
    enc_hex(FWH_FLASHENC_ESP32, 32, 0xF, 0x10020, "0e874872bdbfe92c998c9c63d12013a26bc4da1b48212e0e5b9d7bca1d671dbc");
}

/* Every row of flash_encryption/cases.tsv, both directions. */
static void vectors_cases_tsv(void **state)
{
    (void)state;
    size_t tn;
    uint8_t *tsv = tu_read(tu_vector("flash_encryption/cases.tsv"), &tn);
    char *text = malloc(tn + 1);
    memcpy(text, tsv, tn);
    text[tn] = 0;
    int rows = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        char scheme[16], keyf[256], addrs[32], conf[16], plain[256], ct[256];
        assert_int_equal(sscanf(line, "%15s %255s %31s %15s %255s %255s", scheme, keyf, addrs, conf, plain, ct), 6);
        size_t kn, pn, cn;
        uint8_t *key = tu_read(tu_vector(keyf), &kn), *p = tu_read(tu_vector(plain), &pn),
                *c = tu_read(tu_vector(ct), &cn);
        int sch = !strcmp(scheme, "xts") ? FWH_FLASHENC_XTS : FWH_FLASHENC_ESP32;
        unsigned cf = strcmp(conf, "-") ? (unsigned)strtoul(conf, NULL, 0) : 0;
        uint64_t addr = strtoull(addrs, NULL, 0);
        uint8_t *out = malloc(pn);
        struct fwh_flashenc f;
        assert_int_equal(fwh_flashenc_init(&f, sch, key, kn, cf, 1, NULL, 0), FW_OK);
        assert_int_equal(fwh_flashenc_process(&f, addr, p, pn, out), FW_OK);
        assert_int_equal(pn, cn);
        if (memcmp(out, c, cn)) fail_msg("%s: ciphertext differs", ct);
        fwh_flashenc_free(&f);
        assert_int_equal(fwh_flashenc_init(&f, sch, key, kn, cf, 0, NULL, 0), FW_OK);
        assert_int_equal(fwh_flashenc_process(&f, addr, c, cn, out), FW_OK);
        if (memcmp(out, p, pn)) fail_msg("%s: decrypt differs", ct);
        fwh_flashenc_free(&f);
        free(out); free(key); free(p); free(c);
        rows++;
    }
    assert_int_equal(rows, 6);
    free(text);
    free(tsv);
}

/* Pieces at any 16-aligned split give the same bytes as one call. */
static void partial_units_match_whole(void **state)
{
    (void)state;
    const size_t n = 4096;
    uint8_t key[64], *p = malloc(n), *whole = malloc(n), *pieces = malloc(n);
    for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i ^ (i >> 8));
    const size_t keylens[] = {16, 32, 64};
    const size_t steps[] = {16, 32, 48, 80, 112, 144, 208};
    for (int scheme = FWH_FLASHENC_XTS; scheme <= FWH_FLASHENC_ESP32; scheme++) {
        for (size_t k = 0; k < 3; k++) {
            size_t kl = scheme == FWH_FLASHENC_ESP32 ? 32 : keylens[k];
            const uint64_t base = 0x1F0030; /* not unit-aligned */
            struct fwh_flashenc f;
            assert_int_equal(fwh_flashenc_init(&f, scheme, key, kl, 0xF, 1, NULL, 0), FW_OK);
            assert_int_equal(fwh_flashenc_process(&f, base, p, n, whole), FW_OK);
            for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
                for (size_t pos = 0; pos < n;) {
                    size_t len = n - pos < steps[s] ? n - pos : steps[s];
                    assert_int_equal(fwh_flashenc_process(&f, base + pos, p + pos, len, pieces + pos), FW_OK);
                    pos += len;
                }
                assert_memory_equal(whole, pieces, n);
            }
            fwh_flashenc_free(&f);
        }
    }
    free(p); free(whole); free(pieces);
}

/* Independent reference for one 16-byte block (§4.3 per-block rule):
 * X = AES(K2, T) * alpha^m, m = 7 - ((a & 0x7F) >> 4),
 * C = rev(AES(K1, rev(P) ^ X) ^ X). */
static void gf_mul_alpha(uint8_t x[16])
{
    uint8_t carry = (uint8_t)(x[15] >> 7);
    for (int i = 15; i > 0; i--) x[i] = (uint8_t)((x[i] << 1) | (x[i - 1] >> 7));
    x[0] = (uint8_t)((x[0] << 1) ^ (carry ? 0x87 : 0));
}

static void aes_ecb(const EVP_CIPHER *c, const uint8_t *key, const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int got = 0;
    assert_true(EVP_EncryptInit_ex(ctx, c, NULL, key, NULL) > 0);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    assert_true(EVP_EncryptUpdate(ctx, out, &got, in, 16) > 0);
    EVP_CIPHER_CTX_free(ctx);
}

static void ref_block(const uint8_t *key, size_t keylen, uint32_t a, const uint8_t p[16], uint8_t c[16])
{
    const EVP_CIPHER *ecb = keylen == 32 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
    size_t half = keylen / 2;
    uint8_t t[16] = {0}, x[16], b[16];
    fw_enc32le(t, a & ~0x7Fu);
    aes_ecb(ecb, key + half, t, x);
    for (unsigned m = 7 - ((a & 0x7F) >> 4); m; m--) gf_mul_alpha(x);
    fw_reverse_copy(b, p, 16);
    for (int i = 0; i < 16; i++) b[i] ^= x[i];
    aes_ecb(ecb, key, b, b);
    for (int i = 0; i < 16; i++) b[i] ^= x[i];
    fw_reverse_copy(c, b, 16);
}

static void per_block_reference(void **state)
{
    (void)state;
    uint8_t key[64], p[16], c[16], r[16];
    for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(0xA5 ^ (i * 29));
    for (size_t kl = 32; kl <= 64; kl += 32) {
        struct fwh_flashenc f;
        assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_XTS, key, kl, 0, 1, NULL, 0), FW_OK);
        for (uint32_t a = 0x3FF00; a < 0x40100; a += 16) {
            for (int i = 0; i < 16; i++) p[i] = (uint8_t)(a + i * 13);
            assert_int_equal(fwh_flashenc_process(&f, a, p, 16, c), FW_OK);
            ref_block(key, kl, a, p, r);
            assert_memory_equal(c, r, 16);
        }
        fwh_flashenc_free(&f);
    }
}

static void key_sizes_and_alignment(void **state)
{
    (void)state;
    uint8_t key[65] = {1, 2, 3}, buf[64] = {0};
    struct fwh_flashenc f;
    char why[200];
    const size_t bad_xts[] = {0, 15, 17, 24, 31, 33, 48, 63, 65};
    for (size_t i = 0; i < sizeof bad_xts / sizeof bad_xts[0]; i++) {
        assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_XTS, key, bad_xts[i], 0, 1, why, sizeof why), FW_ERR_KEY);
        assert_non_null(strstr(why, "32 bytes"));
    }
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_ESP32, key, 16, 0xF, 1, why, sizeof why), FW_ERR_KEY);
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_ESP32, key, 64, 0xF, 1, why, sizeof why), FW_ERR_KEY);
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_ESP32, key, 32, 0x10, 1, why, sizeof why), FW_ERR_RANGE);
    assert_int_equal(fwh_flashenc_init(&f, 9, key, 32, 0, 1, why, sizeof why), FW_ERR_INVALID_ARG);

    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_XTS, key, 32, 0, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0x10008, buf, 16, buf), FW_ERR_ALIGN);
    assert_int_equal(fwh_flashenc_process(&f, 0x10000, buf, 15, buf), FW_ERR_ALIGN);
    assert_int_equal(fwh_flashenc_process(&f, 0x10000, buf, 0, buf), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0xFFFFFFF0u, buf, 16, buf), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0xFFFFFFF0u, buf, 32, buf), FW_ERR_RANGE);
    assert_int_equal(fwh_flashenc_process(&f, 0x100000000ull, buf, 16, buf), FW_ERR_RANGE);
    fwh_flashenc_free(&f);
}

/* 16-byte key == its SHA-256 as a 32-byte key; 24-byte ESP32 key ==
 * key || key[8..15]; FLASH_CRYPT_CONFIG 0 means no address tweak. */
static void key_expansions(void **state)
{
    (void)state;
    uint8_t k16[16], k32[32], p[256], a[256], b[256];
    for (int i = 0; i < 16; i++) k16[i] = (uint8_t)(0x30 + i);
    for (int i = 0; i < 256; i++) p[i] = (uint8_t)i;
    unsigned int dl = 0;
    assert_true(EVP_Digest(k16, 16, k32, &dl, EVP_sha256(), NULL));
    struct fwh_flashenc f;
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_XTS, k16, 16, 0, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0x8000, p, 256, a), FW_OK);
    fwh_flashenc_free(&f);
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_XTS, k32, 32, 0, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0x8000, p, 256, b), FW_OK);
    fwh_flashenc_free(&f);
    assert_memory_equal(a, b, 256);

    uint8_t k24[24], k24x[32];
    for (int i = 0; i < 24; i++) k24[i] = (uint8_t)(0x90 + i);
    memcpy(k24x, k24, 24);
    memcpy(k24x + 24, k24 + 8, 8);
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_ESP32, k24, 24, 0xF, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0x10000, p, 256, a), FW_OK);
    fwh_flashenc_free(&f);
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_ESP32, k24x, 32, 0xF, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0x10000, p, 256, b), FW_OK);
    fwh_flashenc_free(&f);
    assert_memory_equal(a, b, 256);

    /* conf 0: identical blocks at different rows encrypt identically */
    uint8_t same[64] = {0};
    assert_int_equal(fwh_flashenc_init(&f, FWH_FLASHENC_ESP32, k24x, 32, 0, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_process(&f, 0x10000, same, 64, a), FW_OK);
    fwh_flashenc_free(&f);
    assert_memory_equal(a, a + 32, 32);
    assert_memory_equal(a, a + 16, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_answers_a3),
        cmocka_unit_test(vectors_cases_tsv),
        cmocka_unit_test(partial_units_match_whole),
        cmocka_unit_test(per_block_reference),
        cmocka_unit_test(key_sizes_and_alignment),
        cmocka_unit_test(key_expansions),
    };
    return cmocka_run_group_tests_name("flashenc", tests, NULL, NULL);
}
