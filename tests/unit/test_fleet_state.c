/* SPDX-License-Identifier: Apache-2.0 */
/* The device's manifest memory (device/fwd_fleet_state.h): fresh reads 0,
 * raise never lowers, and a power cut at every flash write/erase of every
 * raise of a long run (both cut modes of the simulator's NOR fault model,
 * through NVS garbage collection) leaves each value old or new, never lower,
 * never garbage, with the sequence number never ahead of the time it was
 * written with; the store stays writable after the cut. */
#include "nvs_testlib.h"

#include "device/fwd_fleet_state.h"
#include "device/fwd_nvs.h"

#define SIZE   (4 * 4096)      /* the 0x4000 nvs partition of partitions_two_ota.csv */
#define RAISES 600

static struct fwd_nvs nv;

static void mount(uint8_t *mem, struct ramflash *rf)
{
    struct fw_nvs_io io;
    rf_init(rf, mem, SIZE, &io);
    int rc = fwd_nvs_init_keys(&nv, &io, NULL, 0);
    if (rc) fail_msg("mount: %d (%s)", rc, nv.store.fail.why ? nv.store.fail.why : "");
}

static void test_fresh_and_monotonic(void **state)
{
    (void)state;
    static uint8_t mem[SIZE];
    memset(mem, 0xFF, sizeof mem);
    struct ramflash rf;
    mount(mem, &rf);
    struct fwd_fleet_state st = { 1, 1 };
    assert_int_equal(fwd_fleet_state_load(&nv.store, &st), FW_OK);
    assert_int_equal(st.seq, 0);
    assert_int_equal(st.time, 0);
    assert_int_equal(fwd_fleet_state_raise(&nv.store, 5, 1000), FW_OK);
    assert_int_equal(fwd_fleet_state_load(&nv.store, &st), FW_OK);
    assert_int_equal(st.seq, 5);
    assert_int_equal(st.time, 1000);
    /* lower values never lower the record */
    assert_int_equal(fwd_fleet_state_raise(&nv.store, 3, 2000), FW_OK);
    assert_int_equal(fwd_fleet_state_load(&nv.store, &st), FW_OK);
    assert_int_equal(st.seq, 5);
    assert_int_equal(st.time, 2000);
    assert_int_equal(fwd_fleet_state_raise(&nv.store, 7, 10), FW_OK);
    unsigned long ops = rf.ops;
    assert_int_equal(fwd_fleet_state_raise(&nv.store, 7, 10), FW_OK); /* nothing to raise: no write */
    assert_int_equal(rf.ops, ops);
    /* survives a remount */
    mount(mem, &rf);
    assert_int_equal(fwd_fleet_state_load(&nv.store, &st), FW_OK);
    assert_int_equal(st.seq, 7);
    assert_int_equal(st.time, 2000);
    fwd_nvs_deinit(&nv);
}

static void test_other_keys_untouched(void **state)
{
    (void)state;
    static uint8_t mem[SIZE];
    memset(mem, 0xFF, sizeof mem);
    struct ramflash rf;
    mount(mem, &rf);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&nv.store, "wifi", 1, &h), FW_OK);
    assert_int_equal(fw_nvs_set_str(&h, "ssid", "net"), FW_OK);
    assert_int_equal(fwd_fleet_state_raise(&nv.store, 2, 3), FW_OK);
    char buf[8];
    size_t n = sizeof buf;
    assert_int_equal(fw_nvs_get_str(&h, "ssid", buf, &n), FW_OK);
    assert_string_equal(buf, "net");
    fwd_nvs_deinit(&nv);
}

/* Raise number r of the run: both values grow, the time faster. */
static uint64_t seq_of(unsigned r) { return 10 + r; }
static uint64_t time_of(unsigned r) { return 1800000000ull + 3600ull * r; }

static void check_after_cut(uint8_t *mem, unsigned r, unsigned long j, int mode)
{
    struct ramflash rf;
    mount(mem, &rf);
    struct fwd_fleet_state st;
    int rc = fwd_fleet_state_load(&nv.store, &st);
    if (rc) fail_msg("raise %u cut %lu mode %d: load %d", r, j, mode, rc);
    uint64_t os = r ? seq_of(r - 1) : 0, ot = r ? time_of(r - 1) : 0;
    if (!((st.seq == os || st.seq == seq_of(r)) && (st.time == ot || st.time == time_of(r))))
        fail_msg("raise %u cut %lu mode %d: got seq %llu time %llu", r, j, mode, (unsigned long long)st.seq,
                 (unsigned long long)st.time);
    /* written time first: a new sequence number never comes with the old time */
    if (st.seq == seq_of(r) && st.time != time_of(r)) fail_msg("raise %u cut %lu mode %d: seq ahead of time", r, j, mode);
    /* power is back: the store takes the raise again */
    assert_int_equal(fwd_fleet_state_raise(&nv.store, seq_of(r), time_of(r)), FW_OK);
    mount(mem, &rf);
    assert_int_equal(fwd_fleet_state_load(&nv.store, &st), FW_OK);
    assert_int_equal(st.seq, seq_of(r));
    assert_int_equal(st.time, time_of(r));
    fwd_nvs_deinit(&nv);
}

static void test_power_cut_every_op(void **state)
{
    (void)state;
    static uint8_t base[SIZE], work[SIZE];
    memset(base, 0xFF, sizeof base);
    unsigned long cuts = 0, gc_erases = 0;
    for (unsigned r = 0; r < RAISES; r++) {
        /* how many flash operations this raise takes */
        struct ramflash rf;
        memcpy(work, base, SIZE);
        mount(work, &rf);
        unsigned long start = rf.ops, erases = rf.erases;
        assert_int_equal(fwd_fleet_state_raise(&nv.store, seq_of(r), time_of(r)), FW_OK);
        unsigned long n = rf.ops - start;
        gc_erases += rf.erases - erases;
        fwd_nvs_deinit(&nv);
        assert_true(n >= 2);
        for (unsigned long j = 1; j <= n; j++)
            for (int mode = 0; mode < 2; mode++) {
                memcpy(work, base, SIZE);
                mount(work, &rf);
                rf.cut_at = rf.ops + j;
                rf.cut_mode = mode;
                assert_int_equal(fwd_fleet_state_raise(&nv.store, seq_of(r), time_of(r)), FW_ERR_POWER_LOSS);
                fwd_nvs_deinit(&nv);
                check_after_cut(work, r, j, mode);
                cuts++;
            }
        /* the uncut run becomes the base of the next raise */
        mount(base, &rf);
        assert_int_equal(fwd_fleet_state_raise(&nv.store, seq_of(r), time_of(r)), FW_OK);
        fwd_nvs_deinit(&nv);
    }
    print_message("fleet state: %lu cuts over %u raises, %lu garbage-collection erases crossed\n", cuts, RAISES,
                  gc_erases);
    assert_true(gc_erases > 0); /* the run went through garbage collection */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_and_monotonic),
        cmocka_unit_test(test_other_keys_untouched),
        cmocka_unit_test(test_power_cut_every_op),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
