/* SPDX-License-Identifier: Apache-2.0 */
/* Flash encryption against espsecure: every XTS vector of
 * vectors/flash_encryption/cases.tsv and the Appendix A.3 known answers. */
#include "testutil.h"

#include "device/fwd_fe.h"
#include "fw_bytes.h"

static const char *A3_PT = "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc";

static void key_seq(uint8_t *k, size_t n)
{
    for (size_t i = 0; i < n; i++) k[i] = (uint8_t)i;
}

static void a3_check(size_t key_len, uint32_t addr, const char *want_hex)
{
    uint8_t key[64], pt[32], ct[32], want[32], back[32];
    struct fwd_fe fe;
    key_seq(key, key_len);
    tu_hex(A3_PT, pt, sizeof pt);
    tu_hex(want_hex, want, sizeof want);
    assert_int_equal(fwd_fe_init(&fe, key, key_len), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&fe, addr, pt, ct, 32), FW_OK);
    assert_memory_equal(ct, want, 32);
    assert_int_equal(fwd_fe_decrypt(&fe, addr, ct, back, 32), FW_OK);
    assert_memory_equal(back, pt, 32);
    fwd_fe_free(&fe);
}

static void a3_xts128_0x10000(void **s)
{
    (void)s;
    a3_check(32, 0x10000, "00074d144449de0002776b2cc0026e7b5c0b72d6028f4b13331703bc7ab629f5");
}

static void a3_xts128_0x10010(void **s)
{
    (void)s;
    a3_check(32, 0x10010, "4bd7b39650b43cf0314c05eb6e524480aecfd1735db20d869dc928238cbccf32");
}

static void a3_xts256_0x10000(void **s)
{
    (void)s;
    a3_check(64, 0x10000, "e1b7ce701c9cbcffcd14c30c22f1c8480f22175a0a66d25d2f72e9bc2dfba6ae");
}

/* Every "xts" line of cases.tsv: whole file, then block by block at odd
 * offsets (ranges starting/ending inside 128-byte units), then in place. */
static void cases_tsv_xts(void **s)
{
    (void)s;
    size_t tl;
    char *tsv = (char *)tu_read(tu_vector("flash_encryption/cases.tsv"), &tl);
    tsv = realloc(tsv, tl + 1);
    tsv[tl] = 0;
    int seen = 0;
    char *save = NULL;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char scheme[16], keyf[256], addr_s[32], conf[16], ptf[256], ctf[256];
        if (line[0] == '#') continue;
        if (sscanf(line, "%15s %255s %31s %15s %255s %255s", scheme, keyf, addr_s, conf, ptf, ctf) != 6) continue;
        if (strcmp(scheme, "xts")) continue;
        uint32_t addr = (uint32_t)strtoul(addr_s, NULL, 0);
        size_t kl, pl, cl;
        uint8_t *key = tu_read(tu_vector(keyf), &kl);
        uint8_t *pt = tu_read(tu_vector(ptf), &pl);
        uint8_t *ct = tu_read(tu_vector(ctf), &cl);
        assert_int_equal(pl, cl);
        assert_int_equal(pl % 16, 0);
        struct fwd_fe fe;
        assert_int_equal(fwd_fe_init(&fe, key, kl), FW_OK);
        assert_int_equal(fe.mode, kl == 32 ? FWD_FE_XTS128 : FWD_FE_XTS256);
        uint8_t *out = malloc(pl);
        assert_int_equal(fwd_fe_encrypt(&fe, addr, pt, out, pl), FW_OK);
        assert_memory_equal(out, ct, pl);
        assert_int_equal(fwd_fe_decrypt(&fe, addr, ct, out, pl), FW_OK);
        assert_memory_equal(out, pt, pl);
        /* Chunks of 48 bytes starting 16 bytes in: every chunk straddles units. */
        memcpy(out, pt, pl);
        assert_int_equal(fwd_fe_encrypt(&fe, addr, out, out, 16), FW_OK);
        for (size_t o = 16; o < pl; o += 48) {
            size_t n = pl - o < 48 ? pl - o : 48;
            assert_int_equal(fwd_fe_encrypt(&fe, addr + (uint32_t)o, out + o, out + o, n), FW_OK);
        }
        assert_memory_equal(out, ct, pl);
        for (size_t o = 0; o < pl; o += 16)
            assert_int_equal(fwd_fe_decrypt(&fe, addr + (uint32_t)o, out + o, out + o, 16), FW_OK);
        assert_memory_equal(out, pt, pl);
        fwd_fe_free(&fe);
        free(out); free(key); free(pt); free(ct);
        seen++;
    }
    free(tsv);
    assert_int_equal(seen, 4);
}

static void rejects_bad_args(void **s)
{
    (void)s;
    uint8_t key[64] = {0}, buf[32] = {0};
    struct fwd_fe fe;
    assert_int_equal(fwd_fe_init(&fe, key, 24), FW_ERR_KEY);
    assert_int_equal(fwd_fe_init(&fe, key, 0), FW_ERR_KEY);
    assert_int_equal(fwd_fe_init_efuse(&fe, 7, key), FW_ERR_KEY);
    assert_int_equal(fwd_fe_init_efuse(&fe, FWD_FE_OFF, key), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&fe, 0, buf, buf, 16), FW_ERR_STATE);
    fwd_fe_free(&fe);
    assert_int_equal(fwd_fe_init(&fe, key, 32), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&fe, 8, buf, buf, 16), FW_ERR_ALIGN);
    assert_int_equal(fwd_fe_encrypt(&fe, 0, buf, buf, 20), FW_ERR_ALIGN);
    assert_int_equal(fwd_fe_decrypt(&fe, 0xFFFFFFF0u, buf, buf, 32), FW_ERR_OVERFLOW);
    assert_int_equal(fwd_fe_decrypt(&fe, 0xFFFFFFF0u, buf, buf, 16), FW_OK);
    fwd_fe_free(&fe);
}

/* 16-byte key = SHA-256(key) as an XTS-AES-128 key (espsecure). */
static void short_key_expands_with_sha256(void **s)
{
    (void)s;
    uint8_t k16[16], k32[32], pt[32], a[32], b[32];
    key_seq(k16, 16);
    tu_hex("be45cb2605bf36bebde684841a28f0fd43c69850a3dce5fedba69928ee3a8991", k32, 32); /* sha256(00..0f) */
    tu_hex(A3_PT, pt, sizeof pt);
    struct fwd_fe f1, f2;
    assert_int_equal(fwd_fe_init(&f1, k16, 16), FW_OK);
    assert_int_equal(fwd_fe_init(&f2, k32, 32), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&f1, 0x2000, pt, a, 32), FW_OK);
    assert_int_equal(fwd_fe_encrypt(&f2, 0x2000, pt, b, 32), FW_OK);
    assert_memory_equal(a, b, 32);
    fwd_fe_free(&f1);
    fwd_fe_free(&f2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a3_xts128_0x10000),
        cmocka_unit_test(a3_xts128_0x10010),
        cmocka_unit_test(a3_xts256_0x10000),
        cmocka_unit_test(cases_tsv_xts),
        cmocka_unit_test(rejects_bad_args),
        cmocka_unit_test(short_key_expands_with_sha256),
    };
    return cmocka_run_group_tests_name("fe", tests, NULL, NULL);
}
