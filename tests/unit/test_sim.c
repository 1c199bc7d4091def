/* SPDX-License-Identifier: Apache-2.0 */
/* NOR flash simulator: erase/program semantics, strict mode, counters,
 * in-process power cuts (clean and torn), eFuse burn-only semantics. */
#include "testutil.h"

#include <unistd.h>

#include "device/fwd_efuse.h"
#include "device/port/sim/fwd_sim.h"

#define SZ (64 * 1024)

static void erase_sets_ff_write_ands(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    uint8_t b[8];
    assert_int_equal(fwd_flash_read(f, 0, b, 8), FW_OK);
    assert_memory_equal(b, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    sim.flash.strict = 0;
    assert_int_equal(fwd_flash_write(f, 0, "\xf0\x0f\xaa\x55", 4), FW_OK);
    assert_int_equal(fwd_flash_write(f, 0, "\x3c\x3c\xff\xff", 4), FW_OK);
    assert_int_equal(fwd_flash_read(f, 0, b, 4), FW_OK);
    assert_memory_equal(b, "\x30\x0c\xaa\x55", 4); /* bits only cleared */
    assert_int_equal(fwd_flash_erase(f, 0, 4096), FW_OK);
    assert_int_equal(fwd_flash_read(f, 0, b, 4), FW_OK);
    assert_memory_equal(b, "\xff\xff\xff\xff", 4);
    assert_int_equal(sim.flash.st.writes, 2);
    assert_int_equal(sim.flash.st.write_bytes, 8);
    assert_int_equal(sim.flash.st.erases, 1);
    assert_int_equal(sim.flash.st.erase_bytes, 4096);
    assert_int_equal(sim.flash.st.reads, 3);
    fwd_sim_close(&sim);
}

static void strict_refuses_unerased_even_identical(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    assert_int_equal(sim.flash.strict, 1);
    assert_int_equal(fwd_flash_write(f, 16, "\x01\x02\x03\x04", 4), FW_OK);
    assert_int_equal(fwd_flash_write(f, 16, "\x01\x02\x03\x04", 4), FW_ERR_NOT_ERASED);
    assert_int_equal(fwd_flash_write(f, 12, "\xff\xff\xff\xff\x00\x00\x00\x00", 8), FW_ERR_NOT_ERASED);
    uint8_t b[8];
    assert_int_equal(fwd_flash_read(f, 12, b, 8), FW_OK);
    assert_memory_equal(b, "\xff\xff\xff\xff\x01\x02\x03\x04", 8); /* refused write changed nothing */
    assert_int_equal(sim.flash.ops, 1);                             /* refused writes are not operations */
    fwd_sim_close(&sim);
}

static void geometry_and_alignment(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    assert_int_equal(f->size, SZ);
    assert_int_equal(f->sector_size, 4096);
    assert_int_equal(f->write_align, 4);
    assert_int_equal(fwd_flash_write(f, 2, "\0\0\0\0", 4), FW_ERR_ALIGN);
    assert_int_equal(fwd_flash_write(f, 0, "\0\0\0", 3), FW_ERR_ALIGN);
    assert_int_equal(fwd_flash_erase(f, 100, 4096), FW_ERR_ALIGN);
    assert_int_equal(fwd_flash_erase(f, 0, 100), FW_ERR_ALIGN);
    assert_int_equal(fwd_flash_erase(f, SZ - 4096, 8192), FW_ERR_INVALID_ARG);
    uint8_t b[4];
    assert_int_equal(fwd_flash_read(f, SZ - 2, b, 4), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_flash_read(f, 0xFFFFFFFFu, b, 4), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_sim_flash_open_mem(&sim.flash, 1000), FW_ERR_INVALID_ARG);
    fwd_sim_close(&sim);
}

static void clean_cut_drops_op_and_latches_dead(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    uint8_t d[32], b[32];
    memset(d, 0x11, sizeof d);
    fwd_sim_flash_set_cut(&sim.flash, 2, FWD_SIM_CUT_CLEAN);
    assert_int_equal(fwd_flash_write(f, 0, d, 32), FW_OK);
    assert_int_equal(fwd_flash_write(f, 32, d, 32), FW_ERR_POWER_LOSS);
    assert_int_equal(fwd_flash_read(f, 0, b, 32), FW_ERR_POWER_LOSS);
    assert_int_equal(fwd_flash_erase(f, 0, 4096), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    assert_int_equal(fwd_flash_read(f, 32, b, 32), FW_OK);
    memset(d, 0xFF, sizeof d);
    assert_memory_equal(b, d, 32);
    assert_int_equal(fwd_flash_read(f, 0, b, 1), FW_OK);
    assert_int_equal(b[0], 0x11);
    fwd_sim_close(&sim);
}

static void torn_write_programs_prefix_then_part_of_a_word(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    uint8_t d[28], b[28];
    memset(d, 0, sizeof d);
    fwd_sim_flash_set_tear(&sim.flash, 12, 1);
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
    assert_int_equal(fwd_flash_write(f, 0, d, 28), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    assert_int_equal(fwd_flash_read(f, 0, b, 28), FW_OK);
    for (size_t i = 0; i < 28; i++)
        if (i < 12) assert_int_equal(b[i], 0x00);      /* the prefix */
        else if (i >= 16) assert_int_equal(b[i], 0xFF); /* after the word in flight (12..15, see test_sim_tear) */
    fwd_sim_close(&sim);
}

static void torn_erase_erases_prefix_weakens_the_rest(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    const struct fwd_flash *f = &sim.plat.flash;
    static uint8_t z[4096], b[4096];
    memset(z, 0, sizeof z);
    assert_int_equal(fwd_flash_write(f, 4096, z, 4096), FW_OK);
    fwd_sim_flash_set_tear(&sim.flash, 2048, 1);
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
    assert_int_equal(fwd_flash_erase(f, 4096, 4096), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    assert_int_equal(fwd_flash_read(f, 4096, b, 4096), FW_OK);
    for (size_t i = 0; i < 2048; i++) assert_int_equal(b[i], 0xFF); /* the rest: old 0x00 plus some 1 bits */
    fwd_sim_close(&sim);
}

static int hook_calls;
static void hook(void *arg)
{
    (void)arg;
    hook_calls++;
}

static void on_cut_hook_runs_once(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    sim.flash.on_cut = hook;
    hook_calls = 0;
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_CLEAN);
    assert_int_equal(fwd_flash_erase(&sim.plat.flash, 0, 4096), FW_ERR_POWER_LOSS);
    assert_int_equal(fwd_flash_erase(&sim.plat.flash, 0, 4096), FW_ERR_POWER_LOSS);
    assert_int_equal(hook_calls, 1);
    fwd_sim_close(&sim);
}

/* File-backed flash: persistence, trace lines and the environment contract. */
static void file_backed_trace_and_env(void **s)
{
    (void)s;
    char dir[] = "/tmp/fwsim.XXXXXX", path[128], tpath[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/flash.bin", dir);
    snprintf(tpath, sizeof tpath, "%s/trace", dir);
    struct fwd_sim_flash fl;
    struct fwd_flash f;
    assert_int_equal(fwd_sim_flash_open_file(&fl, path, SZ, 1), FW_OK);
    assert_int_equal(fwd_sim_flash_open_file(&fl, path, SZ, 1) == FW_OK, 0); /* exists: refused */
    assert_int_equal(fwd_sim_flash_open_file(&fl, path, SZ, 1), FW_ERR_IO);
    assert_int_equal(fwd_sim_flash_open_file(&fl, path, 0, 0), FW_OK);
    setenv("FWSEAL_SIM_TRACE", tpath, 1);
    setenv("FWSEAL_SIM_CUT_AT", "3", 1);
    setenv("FWSEAL_SIM_CUT_MODE", "torn", 1);
    setenv("FWSEAL_SIM_CUT_KEEP", "4", 1);
    assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_OK);
    fwd_sim_flash_hal(&fl, &f);
    assert_int_equal(fwd_flash_erase(&f, 0xd000, 4096), FW_OK);
    assert_int_equal(fwd_flash_write(&f, 0xd000, "abcdefgh", 8), FW_OK);
    assert_int_equal(fwd_flash_write(&f, 0xd008, "ABCDEFGH", 8), FW_ERR_POWER_LOSS);
    fwd_sim_flash_close(&fl);
    unsetenv("FWSEAL_SIM_TRACE");
    unsetenv("FWSEAL_SIM_CUT_AT");
    unsetenv("FWSEAL_SIM_CUT_MODE");
    unsetenv("FWSEAL_SIM_CUT_KEEP");
    assert_int_equal(fwd_sim_flash_open_file(&fl, path, 0, 0), FW_OK);
    assert_int_equal(fl.size, SZ);
    assert_memory_equal(fl.mem + 0xd000, "abcdefghABCD", 12); /* prefix of 4; "EFGH" in flight */
    for (int i = 12; i < 16; i++) assert_int_equal(fl.mem[0xd000 + i] & "EFGH"[i - 12], "EFGH"[i - 12]);
    fwd_sim_flash_close(&fl);
    size_t n;
    char *t = (char *)tu_read(tpath, &n);
    const char *want = "erase 0x0000d000 4096 #1\nwrite 0x0000d000 8 #2\nwrite 0x0000d008 8 #3 cut=torn keep=4\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(t, want, n);
    free(t);
    setenv("FWSEAL_SIM_CUT_AT", "x", 1);
    assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_ERR_INVALID_ARG);
    setenv("FWSEAL_SIM_CUT_AT", "1", 1);
    setenv("FWSEAL_SIM_CUT_MODE", "half", 1);
    assert_int_equal(fwd_sim_flash_apply_env(&fl), FW_ERR_INVALID_ARG);
    unsetenv("FWSEAL_SIM_CUT_AT");
    unsetenv("FWSEAL_SIM_CUT_MODE");
    unlink(path);
    unlink(tpath);
    rmdir(dir);
}

static void efuse_burn_only_sets_bits(void **s)
{
    (void)s;
    char dir[] = "/tmp/fwef.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/efuse.bin", dir);
    struct fwd_sim_efuse e;
    struct fwd_efuse hal;
    struct fwd_efuse_state st, got;
    assert_int_equal(fwd_sim_efuse_open_file(&e, path, 1), FW_OK);
    fwd_sim_efuse_hal(&e, &hal);
    assert_int_equal(hal.load(hal.ctx, &st), FW_OK);
    assert_int_equal(st.secure_version_bits, 0);
    assert_int_equal(st.fe_mode, FWD_FE_OFF);
    st.secure_version_bits = 0x3;
    st.digest_present = 1;
    memset(st.digest[0], 0xA5, 32);
    st.chip_id = 5;
    assert_int_equal(hal.burn(hal.ctx, &st), FW_OK);
    /* A request with fewer bits never clears anything. */
    memset(&st, 0, sizeof st);
    st.secure_version_bits = 0x4;
    st.digest_revoked = 1;
    assert_int_equal(hal.burn(hal.ctx, &st), FW_OK);
    fwd_sim_efuse_close(&e);
    assert_int_equal(fwd_sim_efuse_open_file(&e, path, 0), FW_OK);
    fwd_sim_efuse_hal(&e, &hal);
    assert_int_equal(hal.load(hal.ctx, &got), FW_OK);
    assert_int_equal(got.secure_version_bits, 0x7);
    assert_int_equal(got.digest_present, 1);
    assert_int_equal(got.digest_revoked, 1);
    assert_int_equal(got.chip_id, 5);
    assert_int_equal(got.digest[0][31], 0xA5);
    fwd_sim_efuse_close(&e);
    /* Layout is fixed: 256 bytes, magic first. */
    size_t n;
    uint8_t *blob = tu_read(path, &n);
    assert_int_equal(n, FWD_SIM_EFUSE_FILE_SIZE);
    assert_memory_equal(blob, "FWEF\x01", 5);
    assert_int_equal(blob[0x6C], 0x07);
    blob[0] = 'X';
    assert_int_equal(fwd_sim_efuse_decode(blob, &got), FW_ERR_MAGIC);
    free(blob);
    unlink(path);
    rmdir(dir);
}

/* eFuse burns share the flash's operation numbering (one power domain): a
 * burn is traced on an "efuse-burn" line, CUT_AT can cut it (clean: nothing
 * burned), a torn burn programs only the first half of its new bits in bit
 * order (traced keep=K, K in bits) and never clears one; after the cut
 * everything is dead. FWSEAL_SIM_CUT_KEEP (fwd_sim_flash_set_tear) picks
 * the prefix in bits instead, clamped below the burn's count as a torn
 * write's is below its length. */
static void efuse_burn_is_a_cut_point(void **s)
{
    (void)s;
    char dir[] = "/tmp/fwefc.XXXXXX", tpath[128];
    assert_non_null(mkdtemp(dir));
    snprintf(tpath, sizeof tpath, "%s/trace", dir);
    struct fwd_sim sim;
    struct fwd_efuse_state st;
    for (int mode = FWD_SIM_CUT_CLEAN; mode <= FWD_SIM_CUT_TORN; mode++) {
        assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
        setenv("FWSEAL_SIM_TRACE", tpath, 1);
        assert_int_equal(fwd_sim_flash_apply_env(&sim.flash), FW_OK);
        unsetenv("FWSEAL_SIM_TRACE");
        memset(&st, 0, sizeof st);
        st.secure_version_bits = 0x1;                         /* burn #1: 0 -> 1 */
        assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
        assert_int_equal(fwd_flash_erase(&sim.plat.flash, 0, 4096), FW_OK);   /* #2 */
        assert_int_equal(sim.flash.ops, 2);
        fwd_sim_flash_set_cut(&sim.flash, 1, mode);           /* cut the next op: the burn */
        st.secure_version_bits = 0x3F;                        /* 1 -> 6: five new bits */
        assert_int_equal(fwd_sim_efuse_missing_bits(&sim.efuse, &st), 5);
        assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_ERR_POWER_LOSS);
        assert_int_equal(sim.flash.dead, 1);
        assert_int_equal(sim.flash.cut_in_efuse, 1);
        assert_int_equal(sim.plat.efuse.load(sim.plat.efuse.ctx, &st), FW_ERR_POWER_LOSS);
        assert_int_equal(fwd_flash_erase(&sim.plat.flash, 0, 4096), FW_ERR_POWER_LOSS);
        fwd_sim_flash_revive(&sim.flash);
        assert_int_equal(sim.plat.efuse.load(sim.plat.efuse.ctx, &st), FW_OK);
        /* clean: nothing; torn: floor(5/2) = 2 bits, the lowest first (bits 1, 2) */
        assert_int_equal(st.secure_version_bits, mode == FWD_SIM_CUT_TORN ? 0x7u : 0x1u);
        fwd_sim_close(&sim);
        size_t n;
        char *t = (char *)tu_read(tpath, &n);
        char want[256];
        snprintf(want, sizeof want,
                 "efuse-burn secure_version 0->1 bits 0x00000000->0x00000001 #1\n"
                 "erase 0x00000000 4096 #2\n"
                 "efuse-burn secure_version 1->6 bits 0x00000001->0x0000003f #3 cut=%s\n",
                 mode == FWD_SIM_CUT_TORN ? "torn keep=2" : "clean");
        assert_int_equal(n, strlen(want));
        assert_memory_equal(t, want, n);
        free(t);
        unlink(tpath);
    }
    /* an explicit torn prefix counts bits: 4 of 5 new bits, and 9 clamps to 4 */
    static const uint32_t keeps[] = {4, 9};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
        memset(&st, 0, sizeof st);
        st.secure_version_bits = 0x1;
        assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_OK);
        fwd_sim_flash_set_tear(&sim.flash, keeps[i], 7);
        fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
        st.secure_version_bits = 0x3F;
        assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_ERR_POWER_LOSS);
        fwd_sim_flash_revive(&sim.flash);
        assert_int_equal(sim.plat.efuse.load(sim.plat.efuse.ctx, &st), FW_OK);
        assert_int_equal(st.secure_version_bits, 0x1Fu);   /* bits 1..4 burned, never bit 5 */
        fwd_sim_close(&sim);
    }
    /* a burn never clears a bit, torn or not, and a burn of other fields is
     * traced by its bit count */
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    memset(&st, 0, sizeof st);
    st.secure_version_bits = 0xF0;
    st.digest_present = 0x3;
    assert_int_equal(fwd_sim_efuse_missing_bits(&sim.efuse, &st), 6);
    assert_int_equal(fwd_sim_efuse_burn_bits(&sim.efuse, &st, 3), FW_OK);   /* in bit order: present 0,1; secver bit 4 */
    assert_int_equal(sim.plat.efuse.load(sim.plat.efuse.ctx, &st), FW_OK);
    assert_int_equal(st.digest_present, 0x3);
    assert_int_equal(st.secure_version_bits, 0x10);
    memset(&st, 0, sizeof st);
    fwd_sim_flash_set_cut(&sim.flash, 1, FWD_SIM_CUT_TORN);
    assert_int_equal(sim.plat.efuse.burn(sim.plat.efuse.ctx, &st), FW_ERR_POWER_LOSS);   /* no new bits */
    fwd_sim_flash_revive(&sim.flash);
    assert_int_equal(sim.plat.efuse.load(sim.plat.efuse.ctx, &st), FW_OK);
    assert_int_equal(st.digest_present, 0x3);
    assert_int_equal(st.secure_version_bits, 0x10);
    fwd_sim_close(&sim);
    rmdir(dir);
}

static void random_and_time(void **s)
{
    (void)s;
    struct fwd_sim sim;
    assert_int_equal(fwd_sim_open_mem(&sim, SZ), FW_OK);
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(sim.plat.random.fill(sim.plat.random.ctx, a, sizeof a), FW_OK);
    assert_int_equal(sim.plat.random.fill(sim.plat.random.ctx, b, sizeof b), FW_OK);
    assert_memory_not_equal(a, b, 32);
    uint64_t t0 = sim.plat.time.now_ms(sim.plat.time.ctx);
    uint64_t t1 = sim.plat.time.now_ms(sim.plat.time.ctx);
    assert_true(t1 >= t0);
    fwd_sim_close(&sim);
}

/* The signature policy field (0xB4): write-once like the rest, only raised,
 * and a blank field (every file written before it existed) reads as 1. */
static void efuse_signature_policy_field(void **s)
{
    (void)s;
    struct fwd_sim_efuse e;
    struct fwd_efuse hal;
    struct fwd_efuse_state st, got;
    uint8_t blob[FWD_SIM_EFUSE_FILE_SIZE];
    fwd_sim_efuse_open_mem(&e);
    fwd_sim_efuse_hal(&e, &hal);
    assert_int_equal(hal.load(hal.ctx, &got), FW_OK);
    assert_int_equal(got.sig_required_bits, 0);
    assert_int_equal(fwd_efuse_required_signatures(&got), 1);
    memset(&st, 0, sizeof st);
    assert_int_equal(fwd_efuse_sigreq_bits(2, &st.sig_required_bits), FW_OK);
    assert_int_equal(hal.burn(hal.ctx, &st), FW_OK);
    assert_int_equal(hal.load(hal.ctx, &got), FW_OK);
    assert_int_equal(fwd_efuse_required_signatures(&got), 2);
    /* a request for 1 cannot lower it */
    assert_int_equal(fwd_efuse_sigreq_bits(1, &st.sig_required_bits), FW_OK);
    assert_int_equal(hal.burn(hal.ctx, &st), FW_OK);
    assert_int_equal(hal.load(hal.ctx, &got), FW_OK);
    assert_int_equal(fwd_efuse_required_signatures(&got), 2);
    fwd_sim_efuse_encode(&got, blob);
    assert_int_equal(blob[0xB4], 0x03);
    fwd_sim_efuse_close(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(erase_sets_ff_write_ands),
        cmocka_unit_test(efuse_signature_policy_field),
        cmocka_unit_test(strict_refuses_unerased_even_identical),
        cmocka_unit_test(geometry_and_alignment),
        cmocka_unit_test(clean_cut_drops_op_and_latches_dead),
        cmocka_unit_test(torn_write_programs_prefix_then_part_of_a_word),
        cmocka_unit_test(torn_erase_erases_prefix_weakens_the_rest),
        cmocka_unit_test(on_cut_hook_runs_once),
        cmocka_unit_test(file_backed_trace_and_env),
        cmocka_unit_test(efuse_burn_only_sets_bits),
        cmocka_unit_test(efuse_burn_is_a_cut_point),
        cmocka_unit_test(random_and_time),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
