/* SPDX-License-Identifier: Apache-2.0 */
/* The torn-operation fault model (device/port/sim/fwd_sim_tear.h) on its own and
 * through the simulator (FWD_SIM_CUT_TORN, FWSEAL_SIM_CUT_SEED/_KEEP):
 *   torn write: the prefix is programmed exactly, the word in flight only
 *     loses bits the write would clear, nothing is ever set, later bytes keep
 *     their value; torn erase: the prefix is 0xFF, the rest of the sector only
 *     gains 1 bits, later sectors keep theirs;
 *   the same seed gives the same bytes, different seeds different ones;
 *   the sweep schedule holds the interesting prefix lengths. */
#include "testutil.h"

#include <unistd.h>

#include "device/port/sim/fwd_sim.h"
#include "device/port/sim/fwd_sim_tear.h"

#define SZ (64 * 1024)

static uint64_t xs = 0x243F6A8885A308D3ull;
static uint8_t rnd8(void)
{
    xs ^= xs << 13, xs ^= xs >> 7, xs ^= xs << 17;
    return (uint8_t)(xs >> 24);
}

/* One torn write checked byte by byte against the model. Returns 1 if the
 * word in flight came out strictly between "untouched" and "programmed". */
static int check_write(const uint8_t *old, const uint8_t *data, size_t len, size_t keep, uint32_t align,
                       uint64_t seed)
{
    uint8_t m[256];
    assert_true(len <= sizeof m);
    memcpy(m, old, len);
    fwd_sim_tear_write(m, data, len, keep, align, seed);
    size_t wend = (keep / align + 1) * align;
    if (wend > len) wend = len;
    int partial = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t full = old[i] & data[i];
        if (m[i] & (uint8_t)~old[i]) fail_msg("byte %zu: a bit was set (old %02x new %02x)", i, old[i], m[i]);
        if (full & (uint8_t)~m[i]) fail_msg("byte %zu: a bit the write keeps was cleared", i);
        if (i < keep) assert_int_equal(m[i], full);                 /* prefix exact */
        else if (i >= wend) assert_int_equal(m[i], old[i]);         /* not reached */
        else if (m[i] != old[i] && m[i] != full) partial = 1;       /* half-programmed */
    }
    return partial;
}

static void torn_write_only_clears_bits_the_write_clears(void **s)
{
    (void)s;
    uint8_t old[256], data[256];
    int partial = 0;
    for (int round = 0; round < 400; round++) {
        size_t len = 4 + (size_t)(rnd8() % 60) * 4;
        for (size_t i = 0; i < len; i++) old[i] = rnd8() | rnd8(), data[i] = rnd8();
        size_t keep = rnd8() % len;
        partial |= check_write(old, data, len, keep, 4, fwd_sim_tear_mix(7, (uint64_t)round, keep, len));
    }
    assert_true(partial); /* the model does leave half-programmed words */
    /* keep at or past the end: the whole write happens */
    for (size_t i = 0; i < 16; i++) old[i] = 0xFF, data[i] = (uint8_t)i;
    uint8_t m[16];
    memcpy(m, old, 16);
    fwd_sim_tear_write(m, data, 16, 16, 4, 1);
    assert_memory_equal(m, data, 16);
}

static void torn_write_word_in_flight_is_the_unaligned_tail(void **s)
{
    (void)s;
    /* keep 6 of 16 with align 4: bytes 0..5 exact, 6..7 in flight, 8.. untouched */
    uint8_t old[16], data[16];
    memset(old, 0xFF, 16);
    memset(data, 0x00, 16);
    int touched6 = 0, exact = 0;
    for (uint64_t seed = 1; seed <= 64; seed++) {
        uint8_t m[16];
        memcpy(m, old, 16);
        fwd_sim_tear_write(m, data, 16, 6, 4, seed);
        for (int i = 0; i < 6; i++) assert_int_equal(m[i], 0x00);
        for (int i = 8; i < 16; i++) assert_int_equal(m[i], 0xFF);
        touched6 |= m[6] != 0xFF || m[7] != 0xFF;
        exact |= m[6] == 0xFF && m[7] == 0xFF;
    }
    assert_true(touched6);
    assert_true(exact); /* "nothing of the word yet" is one of the outcomes */
}

static void same_seed_same_bytes_other_seeds_differ(void **s)
{
    (void)s;
    uint8_t old[64], data[64], a[64], b[64];
    memset(old, 0xFF, sizeof old);
    memset(data, 0x00, sizeof data);
    static uint8_t seen[64][4];
    size_t distinct = 0;
    for (uint64_t seed = 1; seed <= 64; seed++) {
        memcpy(a, old, 64), memcpy(b, old, 64);
        fwd_sim_tear_write(a, data, 64, 8, 4, seed);
        fwd_sim_tear_write(b, data, 64, 8, 4, seed);
        assert_memory_equal(a, b, 64);
        size_t j = 0;
        while (j < distinct && memcmp(seen[j], a + 8, 4)) j++;
        if (j == distinct) memcpy(seen[distinct++], a + 8, 4);
    }
    assert_true(distinct >= 16);
    /* erase: same */
    static uint8_t ea[4096], eb[4096], sector_seen[8][16];
    size_t ed = 0;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        memset(ea, 0, sizeof ea), memset(eb, 0, sizeof eb);
        fwd_sim_tear_erase(ea, 4096, 100, 4096, seed);
        fwd_sim_tear_erase(eb, 4096, 100, 4096, seed);
        assert_memory_equal(ea, eb, 4096);
        size_t j = 0;
        while (j < ed && memcmp(sector_seen[j], ea + 2000, 16)) j++;
        if (j == ed) memcpy(sector_seen[ed++], ea + 2000, 16);
    }
    assert_true(ed >= 4);
    /* the seed of a cut depends on every coordinate */
    assert_true(fwd_sim_tear_mix(1, 2, 3, 4) != fwd_sim_tear_mix(2, 2, 3, 4));
    assert_true(fwd_sim_tear_mix(1, 2, 3, 4) != fwd_sim_tear_mix(1, 3, 3, 4));
    assert_true(fwd_sim_tear_mix(1, 2, 3, 4) != fwd_sim_tear_mix(1, 2, 4, 4));
    assert_true(fwd_sim_tear_mix(1, 2, 3, 4) != fwd_sim_tear_mix(1, 2, 3, 5));
}

static void torn_erase_prefix_ff_rest_only_gains_ones(void **s)
{
    (void)s;
    static uint8_t old[3 * 4096], m[3 * 4096];
    int weak = 0;
    for (int round = 0; round < 60; round++) {
        for (size_t i = 0; i < sizeof old; i++) old[i] = rnd8() & rnd8();
        size_t keep = (size_t)(rnd8() | rnd8() << 8) % sizeof old;
        memcpy(m, old, sizeof m);
        fwd_sim_tear_erase(m, sizeof m, keep, 4096, fwd_sim_tear_mix(9, (uint64_t)round, keep, 0));
        size_t send = (keep / 4096 + 1) * 4096;
        for (size_t i = 0; i < sizeof m; i++) {
            if (i < keep) { assert_int_equal(m[i], 0xFF); continue; }
            if (old[i] & (uint8_t)~m[i]) fail_msg("byte %zu: torn erase cleared a bit", i);
            if (i >= send) assert_int_equal(m[i], old[i]); /* sector not reached */
            else if (m[i] != old[i] && m[i] != 0xFF) weak = 1;
        }
    }
    assert_true(weak);
}

static int has(const uint32_t *p, size_t n, uint32_t v)
{
    for (size_t i = 0; i < n; i++) if (p[i] == v) return 1;
    return 0;
}

static void ascending_below(const uint32_t *p, size_t n, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        assert_true(p[i] < len);
        if (i) assert_true(p[i] > p[i - 1]);
    }
}

static void schedule_holds_the_interesting_prefixes(void **s)
{
    (void)s;
    uint32_t p[1024];
    size_t n = fwd_sim_tear_points(0, 32, 4, 4096, 256, p, 1024);
    assert_int_equal(n, 32);                      /* short write: every length */
    for (uint32_t k = 0; k < 32; k++) assert_int_equal(p[k], k);
    n = fwd_sim_tear_points(0, 4096, 4, 4096, 256, p, 1024);
    ascending_below(p, n, 4096);
    assert_true(has(p, n, 0) && has(p, n, 1) && has(p, n, 4092) && has(p, n, 4095));
    for (uint32_t k = 256; k < 4096; k += 256) assert_true(has(p, n, k));
    n = fwd_sim_tear_points(0, 2384, 4, 4096, 256, p, 1024);   /* a tail write */
    ascending_below(p, n, 2384);
    assert_true(has(p, n, 2304) && has(p, n, 2380) && has(p, n, 2383));
    n = fwd_sim_tear_points(1, 3 * 4096, 4, 4096, 256, p, 1024);
    ascending_below(p, n, 3 * 4096);
    assert_true(has(p, n, 0) && has(p, n, 1) && has(p, n, 256) && has(p, n, 3840) && has(p, n, 4096) &&
                has(p, n, 8192) && has(p, n, 3 * 4096 - 1));
    /* a truncated list still reports the full count */
    assert_int_equal(fwd_sim_tear_points(0, 32, 4, 4096, 256, p, 3), 32);
    /* the seed's pick is one of the points */
    n = fwd_sim_tear_points(0, 4096, 4, 4096, 256, p, 1024);
    for (uint64_t seed = 0; seed < 50; seed++) assert_true(has(p, n, fwd_sim_tear_pick(0, 4096, 4, 4096, seed)));
}

/* Through the simulator: an explicit prefix, and a cut that replays. */
static void simulator_tears_with_the_model(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    uint8_t d[28], b[28];
    memset(d, 0, sizeof d);
    fwd_sim_flash_set_tear(&sim.flash, 14, 77);
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
    assert_int_equal(fwd_flash_write(f, 0, d, 28), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    assert_int_equal(fwd_flash_read(f, 0, b, 28), FW_OK);
    for (size_t i = 0; i < 14; i++) assert_int_equal(b[i], 0x00);
    for (size_t i = 16; i < 28; i++) assert_int_equal(b[i], 0xFF);
    uint8_t w1[2] = {b[14], b[15]};
    /* the same cut again (same op number, seed, address): the same bytes */
    memset(sim.flash.mem, 0xFF, 64);
    sim.flash.ops = 0;
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
    assert_int_equal(fwd_flash_write(f, 0, d, 28), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    assert_memory_equal(sim.flash.mem + 14, w1, 2);
    /* torn erase of a programmed sector with prefix 100 */
    static uint8_t z[4096];
    memset(z, 0, sizeof z);
    assert_int_equal(fwd_flash_write(f, 4096, z, 4096), FW_OK);
    fwd_sim_flash_set_tear(&sim.flash, 100, 5);
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
    assert_int_equal(fwd_flash_erase(f, 4096, 8192), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    for (size_t i = 0; i < 100; i++) assert_int_equal(sim.flash.mem[4096 + i], 0xFF);
    for (size_t i = 8192; i < 12288; i++) assert_int_equal(sim.flash.mem[i], 0xFF); /* was erased: unchanged */
    /* default: the seed picks a prefix from the schedule */
    fwd_sim_flash_set_tear(&sim.flash, FWD_SIM_KEEP_PICK, 3);
    assert_int_equal(sim.flash.cut_keep, FWD_SIM_KEEP_PICK);
    fwd_sim_close(&sim);
}

static void env_seed_and_keep(void **s)
{
    (void)s;
    char dir[] = "/tmp/fwsim-tear-XXXXXX", path[64], tpath[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/flash.bin", dir);
    snprintf(tpath, sizeof tpath, "%s/trace", dir);
    uint8_t got[2][4096];
    for (int run = 0; run < 2; run++) {
        struct fwd_sim_flash fl;
        struct fwd_flash f;
        unlink(path);
        assert_int_equal(fwd_sim_flash_open_file(&fl, path, SZ, 1), FW_OK);
        assert_int_equal(fl.cut_seed, FWD_SIM_CUT_SEED_DEFAULT);
        setenv("FWSEAL_SIM_CUT_AT", "2", 1);
        setenv("FWSEAL_SIM_CUT_MODE", "torn", 1);
        setenv("FWSEAL_SIM_CUT_SEED", "0x1234abcd", 1);
        if (run == 1) setenv("FWSEAL_SIM_TRACE", tpath, 1);
        assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_OK);
        assert_int_equal(fl.cut_seed, 0x1234abcd);
        assert_int_equal(fl.cut_keep, FWD_SIM_KEEP_PICK);
        fwd_sim_flash_hal(&fl, &f);
        static uint8_t data[4096];
        memset(data, 0x5A, sizeof data);
        assert_int_equal(fwd_flash_write(&f, 0x1000, data, 4096), FW_OK);
        assert_int_equal(fwd_flash_write(&f, 0x2000, data, 4096), FW_ERR_POWER_LOSS);
        memcpy(got[run], fl.mem + 0x2000, 4096);
        fwd_sim_flash_close(&fl);
    }
    assert_memory_equal(got[0], got[1], 4096); /* the same seed replays the same cut */
    size_t n;
    char *t = (char *)tu_read(tpath, &n);
    unsigned keep = 0;
    const char *cut = strstr(t, "write 0x00002000 4096 #2 cut=torn keep=");
    assert_non_null(cut);
    assert_int_equal(sscanf(cut, "write 0x00002000 4096 #2 cut=torn keep=%u", &keep), 1);
    free(t);
    for (unsigned i = 0; i < keep; i++) assert_int_equal(got[0][i], 0x5A);
    for (unsigned i = (keep / 4 + 1) * 4; i < 4096; i++) assert_int_equal(got[0][i], 0xFF);
    /* an explicit prefix; bad values are refused */
    struct fwd_sim_flash fl;
    assert_int_equal(fwd_sim_flash_open_file(&fl, path, 0, 0), FW_OK);
    unsetenv("FWSEAL_SIM_TRACE");
    setenv("FWSEAL_SIM_CUT_KEEP", "0", 1);
    setenv("FWSEAL_SIM_CUT_SEED", "42", 1);
    assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_OK);
    assert_int_equal(fl.cut_keep, 0);
    assert_int_equal(fl.cut_seed, 42);
    const char *bad_seed[] = {"-1", "abc", "0x", "12x", " 1", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad_seed / sizeof bad_seed[0]; i++) {
        setenv("FWSEAL_SIM_CUT_SEED", bad_seed[i], 1);
        assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_ERR_INVALID_ARG);
    }
    setenv("FWSEAL_SIM_CUT_SEED", "010", 1); /* decimal, never octal */
    assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_OK);
    assert_int_equal(fl.cut_seed, 10);
    const char *bad_keep[] = {"-1", "x", "4294967295", "1.5"};
    for (size_t i = 0; i < sizeof bad_keep / sizeof bad_keep[0]; i++) {
        setenv("FWSEAL_SIM_CUT_KEEP", bad_keep[i], 1);
        assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_ERR_INVALID_ARG);
    }
    fwd_sim_flash_close(&fl);
    unsetenv("FWSEAL_SIM_CUT_KEEP");
    unsetenv("FWSEAL_SIM_CUT_SEED");
    unsetenv("FWSEAL_SIM_CUT_AT");
    unsetenv("FWSEAL_SIM_CUT_MODE");
    unlink(path);
    unlink(tpath);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(torn_write_only_clears_bits_the_write_clears),
        cmocka_unit_test(torn_write_word_in_flight_is_the_unaligned_tail),
        cmocka_unit_test(same_seed_same_bytes_other_seeds_differ),
        cmocka_unit_test(torn_erase_prefix_ff_rest_only_gains_ones),
        cmocka_unit_test(schedule_holds_the_interesting_prefixes),
        cmocka_unit_test(simulator_tears_with_the_model),
        cmocka_unit_test(env_seed_and_keep),
    };
    return cmocka_run_group_tests_name("sim_tear", tests, NULL, NULL);
}
