/* SPDX-License-Identifier: Apache-2.0 */
/* The batched flash-encryption path (encryptor/fwh_flashenc.c: tweaks of
 * many units in one AES-ECB call, word-wise reversal) against straightforward
 * references written the obvious way, on pseudo-random data at many
 * addresses and lengths, both directions, in place and out of place:
 *   XTS:   per 128-byte unit, zero-pad, byte-wise reverse, OpenSSL's own
 *          XTS-AES with tweak LE32(unit address), reverse (FORMATS §4.3);
 *   ESP32: per 16-byte block, key ^ masks of address bits 5..23 built bit by
 *          bit from espsecure's tweak pattern, AES-256 (dec to encrypt) (§4.5). */
#include "testutil.h"

#include <openssl/evp.h>

#include "encryptor/fwh_flashenc.h"
#include "fw_bytes.h"
#include "fw_err.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull; /* fixed seed: a failure reproduces */

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd();
}

/* ---- XTS reference: one EVP XTS call per unit ---------------------------- */

static void ref_xts(const uint8_t *key, size_t keylen, int enc, uint32_t addr, const uint8_t *in, size_t len,
                    uint8_t *out)
{
    uint8_t k[64], unit[128], rev[128], tweak[16];
    unsigned dl = 0;
    if (keylen == 16) {
        assert_true(EVP_Digest(key, 16, k, &dl, EVP_sha256(), NULL));
        keylen = 32;
    } else {
        memcpy(k, key, keylen);
    }
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    assert_non_null(c);
    assert_true(EVP_CipherInit_ex(c, keylen == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts(), NULL, k, NULL, enc) > 0);
    while (len) {
        uint32_t u = addr & ~127u, off = addr - u;
        size_t n = 128 - off < len ? 128 - off : len;
        memset(unit, 0, sizeof unit);
        memcpy(unit + off, in, n);
        for (int i = 0; i < 128; i++) rev[i] = unit[127 - i];
        memset(tweak, 0, sizeof tweak);
        fw_enc32le(tweak, u);
        int got = 0;
        assert_true(EVP_CipherInit_ex(c, NULL, NULL, NULL, tweak, -1) > 0);
        assert_true(EVP_CipherUpdate(c, rev, &got, rev, 128) > 0);
        assert_int_equal(got, 128);
        for (int i = 0; i < 128; i++) unit[i] = rev[127 - i];
        memcpy(out, unit + off, n);
        addr += (uint32_t)n; in += n; out += n; len -= n;
    }
    EVP_CIPHER_CTX_free(c);
}

/* ---- ESP32 reference: one AES-256 key per block -------------------------- */

/* Bit j (0..255, MSB first) of the tweak pattern belongs to address bit
 * pattern[j]; FLASH_CRYPT_CONFIG bit g enables group g (64 bits each). */
static void ref_esp32_key(const uint8_t key[32], unsigned conf, uint32_t a, uint8_t k[32])
{
    memcpy(k, key, 32);
    unsigned j = 0;
    for (unsigned g = 0; g < 4; g++)
        for (unsigned run = 0; run < 4; run++)
            for (int b = run < 3 ? 23 : 14 - 2 * (int)g; b >= 5; b--, j++)
                if ((conf >> g & 1) && (a >> b & 1)) k[j / 8] ^= (uint8_t)(0x80 >> (j % 8));
    assert_int_equal(j, 256);
}

static void ref_esp32(const uint8_t *key, unsigned conf, int enc, uint32_t addr, const uint8_t *in, size_t len,
                      uint8_t *out)
{
    for (size_t pos = 0; pos < len; pos += 16) {
        uint8_t k[32], b[16];
        int got = 0;
        ref_esp32_key(key, conf, (addr + (uint32_t)pos) & ~31u, k);
        for (int i = 0; i < 16; i++) b[i] = in[pos + 15 - i];
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        assert_true(EVP_CipherInit_ex(c, EVP_aes_256_ecb(), NULL, k, NULL, !enc) > 0);
        EVP_CIPHER_CTX_set_padding(c, 0);
        assert_true(EVP_CipherUpdate(c, b, &got, b, 16) > 0);
        EVP_CIPHER_CTX_free(c);
        for (int i = 0; i < 16; i++) out[pos + i] = b[15 - i];
    }
}

/* ---- the comparison ----------------------------------------------------- */

#define MAXLEN (40u * 1024u) /* crosses the 8 KiB batch several times */

struct shape { uint32_t addr; size_t len; };

/* Fixed edge shapes, then random ones. */
static struct shape shape_at(int i)
{
    static const struct shape fixed[] = {
        {0x0, 16}, {0x0, 128}, {0x10, 16}, {0x70, 32}, {0x10000, 8192}, {0x10000, 8192 + 128},
        {0x10010, 8192}, {0x1FF0, 8208}, {0x3FF80, MAXLEN}, {0xFFFFFF80u, 128}, {0xFFFFFFF0u, 16},
        {0xFFFF6000u, MAXLEN}, {0x7FFFFF90u, 4096}, {0x800000, 16 * 1024},
    };
    const int nf = (int)(sizeof fixed / sizeof fixed[0]);
    if (i < nf) return fixed[i];
    struct shape s;
    s.len = 16 * (1 + rnd() % (MAXLEN / 16));
    if (rnd() % 4 == 0) s.len = 16 * (1 + rnd() % 24); /* short ones too */
    s.addr = (rnd() << 4) & 0x00FFFFF0u;             /* the 16 MiB a flash map can address */
    if (rnd() % 8 == 0) s.addr = 0xFFFFFFF0u - (uint32_t)s.len + 16 - 16 * (rnd() % 4);
    return s;
}

static void compare(int scheme, const uint8_t *key, size_t keylen, unsigned conf, int shapes)
{
    uint8_t *in = malloc(MAXLEN), *ref = malloc(MAXLEN), *got = malloc(MAXLEN), *back = malloc(MAXLEN);
    assert_true(in && ref && got && back);
    struct fwh_flashenc e, d;
    assert_int_equal(fwh_flashenc_init(&e, scheme, key, keylen, conf, 1, NULL, 0), FW_OK);
    assert_int_equal(fwh_flashenc_init(&d, scheme, key, keylen, conf, 0, NULL, 0), FW_OK);
    for (int i = 0; i < shapes; i++) {
        struct shape s = shape_at(i);
        fill(in, s.len);
        if (scheme == FWH_FLASHENC_XTS) ref_xts(key, keylen, 1, s.addr, in, s.len, ref);
        else ref_esp32(key, conf, 1, s.addr, in, s.len, ref);
        assert_int_equal(fwh_flashenc_process(&e, s.addr, in, s.len, got), FW_OK);
        if (memcmp(got, ref, s.len) != 0)
            fail_msg("scheme %d key %zu conf %u: encrypt differs at 0x%08x + %zu", scheme, keylen, conf, s.addr, s.len);
        /* decryption: reference and fast path, out of place and in place */
        if (scheme == FWH_FLASHENC_XTS) ref_xts(key, keylen, 0, s.addr, ref, s.len, back);
        else ref_esp32(key, conf, 0, s.addr, ref, s.len, back);
        assert_memory_equal(back, in, s.len);
        memcpy(back, got, s.len);
        assert_int_equal(fwh_flashenc_process(&d, s.addr, back, s.len, back), FW_OK);
        if (memcmp(back, in, s.len) != 0)
            fail_msg("scheme %d key %zu: in-place decrypt differs at 0x%08x + %zu", scheme, keylen, s.addr, s.len);
        memcpy(back, in, s.len);
        assert_int_equal(fwh_flashenc_process(&e, s.addr, back, s.len, back), FW_OK);
        assert_memory_equal(back, ref, s.len);
    }
    fwh_flashenc_free(&e);
    fwh_flashenc_free(&d);
    free(in); free(ref); free(got); free(back);
}

static void xts_matches_per_unit_evp(void **state)
{
    (void)state;
    uint8_t key[64];
    const size_t keylens[] = {16, 32, 64};
    for (size_t k = 0; k < 3; k++) {
        fill(key, sizeof key);
        compare(FWH_FLASHENC_XTS, key, keylens[k], 0, 120);
    }
}

static void esp32_matches_per_block_aes(void **state)
{
    (void)state;
    uint8_t key[32];
    const unsigned confs[] = {0x0, 0x1, 0x6, 0xF};
    for (size_t c = 0; c < 4; c++) {
        fill(key, sizeof key);
        compare(FWH_FLASHENC_ESP32, key, 32, confs[c], 30);
    }
}

/* A caller's chunking never shows: the same bytes in random 16-aligned
 * pieces (crossing units and batches anywhere) give the one-call result. */
static void random_chunking(void **state)
{
    (void)state;
    const size_t n = 3 * 8192 + 4 * 128 + 48;
    uint8_t key[64], *in = malloc(n), *one = malloc(n), *pieces = malloc(n);
    fill(key, sizeof key);
    fill(in, n);
    for (int scheme = FWH_FLASHENC_XTS; scheme <= FWH_FLASHENC_ESP32; scheme++) {
        struct fwh_flashenc f;
        size_t kl = scheme == FWH_FLASHENC_XTS ? 64 : 32;
        assert_int_equal(fwh_flashenc_init(&f, scheme, key, kl, 0xF, 1, NULL, 0), FW_OK);
        assert_int_equal(fwh_flashenc_process(&f, 0x20030, in, n, one), FW_OK);
        for (int round = 0; round < 20; round++) {
            for (size_t pos = 0; pos < n;) {
                size_t len = 16 * (1 + rnd() % 700);
                if (len > n - pos) len = n - pos;
                assert_int_equal(fwh_flashenc_process(&f, 0x20030 + pos, in + pos, len, pieces + pos), FW_OK);
                pos += len;
            }
            assert_memory_equal(one, pieces, n);
        }
        fwh_flashenc_free(&f);
    }
    free(in); free(one); free(pieces);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xts_matches_per_unit_evp),
        cmocka_unit_test(esp32_matches_per_block_aes),
        cmocka_unit_test(random_chunking),
    };
    return cmocka_run_group_tests_name("flashenc_fast", tests, NULL, NULL);
}
