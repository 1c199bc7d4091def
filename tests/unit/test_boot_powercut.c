/* Power cut at EVERY flash write/erase of an OTA and of each boot state
 * change, in both cut modes (clean: the operation does not happen; torn:
 * the simulator's NOR fault model, device/sim/fwd_sim_tear.h — a prefix, a
 * half-programmed word or a weakly erased sector rest; for the short state
 * changes every prefix 0..31 plus 8 seeded picks, for the OTA one seeded
 * pick per operation; FWSEAL_SIM_CUT_SEED=S replays a failure), on the
 * strict in-memory simulator with flash encryption (issue 4 acceptance 3, exhaustive in-process half; the CLI half
 * is tests/e2e/device_powercut_cli.sh).
 *
 * For each scenario: snapshot the device, run it once to count its flash
 * operations N, then for i = 1..N and both modes: restore, arm the cut at
 * operation i, run until the power loss, "power on" and boot. The booted
 * image must be one of the scenario's allowed (valid, signed) images, and
 * the device must still take a full OTA + boot afterwards. */
#include "testutil.h"

#include "devboot_fixture.h"

static uint8_t *IMG5, *IMG6, *IMG7;
static uint8_t *SNAP_FLASH;
static uint8_t SNAP_EFUSE[FWD_SIM_EFUSE_FILE_SIZE];
static unsigned long TOTAL_CUTS;
static char CUT_NOTE[96];   /* the torn variant of the current cut, for failure messages */

static int setup(void **state)
{
    (void)state;
    IMG5 = db_make_image(5, "5.0.0", 0, DB_KEY1);
    IMG6 = db_make_image(6, "6.0.0", 0, DB_KEY2);
    IMG7 = db_make_image(7, "7.0.0", 0, DB_KEY1);
    SNAP_FLASH = malloc(DB_FLASH);
    return SNAP_FLASH ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(IMG5);
    free(IMG6);
    free(IMG7);
    free(SNAP_FLASH);
    printf("power cuts simulated: %lu\n", TOTAL_CUTS);
    return 0;
}

static void snap(struct db *x)
{
    memcpy(SNAP_FLASH, x->sim.flash.mem, DB_FLASH);
    memcpy(SNAP_EFUSE, x->sim.efuse.blob, sizeof SNAP_EFUSE);
}

static void restore(struct db *x)
{
    fwd_sim_flash_revive(&x->sim.flash);
    memcpy(x->sim.flash.mem, SNAP_FLASH, DB_FLASH);
    memcpy(x->sim.efuse.blob, SNAP_EFUSE, sizeof SNAP_EFUSE);
}

/* A scenario: what the device does (from the snapshot state), and which
 * versions may run at the next boot. */
struct scenario {
    const char *name;
    const char *running;               /* app running when it starts, NULL = power-on */
    int (*run)(struct db *x);
    const char *allowed[2];
};

static int sc_ota(struct db *x) { return db_ota(x, IMG6, DB_IMG, 4096); }
static int sc_boot(struct db *x)
{
    struct fwb_result r;
    return fwb_boot(&x->dev, &r);
}
static int sc_confirm(struct db *x) { return fwd_ota_mark_app_valid(&x->dev); }
static int sc_reject(struct db *x) { return fwd_ota_mark_app_invalid(&x->dev); }

static int run_from(struct db *x, const struct scenario *s)
{
    int rc = db_attach(x, s->running);
    return rc ? rc : s->run(x);
}

static int allowed(const struct scenario *s, const char *v)
{
    return (s->allowed[0] && !strcmp(v, s->allowed[0])) || (s->allowed[1] && !strcmp(v, s->allowed[1]));
}

/* After a cut: boot must work and run an allowed image; and the device must
 * still accept a full OTA of a newer image, boot it and confirm it. */
static void check_recovery(struct db *x, const struct scenario *s, uint64_t i, int mode)
{
    struct fwb_result r;
    int rc = db_boot(x, &r);
    if (rc != FW_OK) fail_msg("%s: cut %s at op %llu%s: boot failed (%d)", s->name, mode ? "torn" : "clean",
                              (unsigned long long)i, CUT_NOTE, rc);
    if (!allowed(s, r.app.version))
        fail_msg("%s: cut %s at op %llu%s: booted %s (%s)", s->name, mode ? "torn" : "clean", (unsigned long long)i,
                 CUT_NOTE, r.part->label, r.app.version);
    /* a second power-on must also boot something allowed */
    rc = db_boot(x, &r);
    if (rc != FW_OK || !allowed(s, r.app.version))
        fail_msg("%s: cut at op %llu%s: second boot %d %s", s->name, (unsigned long long)i, CUT_NOTE, rc,
                 rc ? "-" : r.app.version);
    rc = fwd_ota_mark_app_valid(&x->dev);          /* a PENDING_VERIFY app may not update */
    if (rc != FW_OK)
        fail_msg("%s: cut at op %llu%s: confirm after recovery %d", s->name, (unsigned long long)i, CUT_NOTE, rc);
    rc = db_ota(x, IMG7, DB_IMG, 8192);
    if (rc != FW_OK)
        fail_msg("%s: cut at op %llu%s: later OTA failed (%d)", s->name, (unsigned long long)i, CUT_NOTE, rc);
    assert_int_equal(db_boot(x, &r), FW_OK);
    assert_string_equal(r.app.version, "7.0.0");
    assert_int_equal(fwd_ota_mark_app_valid(&x->dev), FW_OK);
}

static void sweep(struct db *x, const struct scenario *s)
{
    snap(x);
    uint64_t before = x->sim.flash.ops;
    assert_int_equal(run_from(x, s), FW_OK);
    uint64_t n = x->sim.flash.ops - before;
    assert_true(n > 0);
    uint64_t run_seed = fwd_sim_tear_env_seed();
    for (int mode = FWD_SIM_CUT_CLEAN; mode <= FWD_SIM_CUT_TORN; mode++) {
        /* torn variants: short scenarios every prefix 0..31 + 8 seeded picks, the OTA one seeded pick */
        unsigned nvar = mode == FWD_SIM_CUT_CLEAN ? 1 : n <= 4 ? 32 + 8 : 1;
        for (uint64_t i = 1; i <= n; i++)
            for (unsigned v = 0; v < nvar; v++) {
                uint32_t keep = nvar > 1 && v < 32 ? v : FWD_SIM_KEEP_PICK;
                uint64_t seed = fwd_sim_tear_mix(run_seed, i, v, 0);
                snprintf(CUT_NOTE, sizeof CUT_NOTE, mode ? " (variant %u, FWSEAL_SIM_CUT_SEED=%llu)" : "", v,
                         (unsigned long long)run_seed);
                restore(x);
                x->sim.flash.ops = before;
                assert_int_equal(db_attach(x, s->running), FW_OK);
                fwd_sim_flash_set_tear(&x->sim.flash, keep, seed);
                fwd_sim_flash_set_cut(&x->sim.flash, i, mode);
                int rc = s->run(x);
                if (rc != FW_ERR_POWER_LOSS)
                    fail_msg("%s: op %llu of %llu did not cut (%d)", s->name, (unsigned long long)i,
                             (unsigned long long)n, rc);
                fwd_sim_flash_revive(&x->sim.flash);
                check_recovery(x, s, i, mode);
                TOTAL_CUTS++;
            }
    }
    restore(x);
}

/* factory 3.0.0, ota_0 5.0.0 confirmed and running */
static void base(struct db *x)
{
    struct fwb_result r;
    uint8_t *f = db_make_image(3, "3.0.0", 0, DB_KEY1);
    db_open(x, 1, 1);
    db_flash(x, "factory", f, DB_IMG);
    free(f);
    assert_int_equal(db_boot(x, &r), FW_OK);
    assert_int_equal(db_ota(x, IMG5, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(x, &r), FW_OK);
    assert_int_equal(fwd_ota_mark_app_valid(&x->dev), FW_OK);
}

static void cut_during_ota(void **state)
{
    (void)state;
    struct db x;
    base(&x);
    const struct scenario s = {"OTA 6.0.0 into ota_1", "ota_0", sc_ota, {"5.0.0", "6.0.0"}};
    sweep(&x, &s);
    db_close(&x);
}

static void cut_during_boot_new_to_pending(void **state)
{
    (void)state;
    struct db x;
    base(&x);
    assert_int_equal(db_attach(&x, "ota_0"), FW_OK);
    assert_int_equal(db_ota(&x, IMG6, DB_IMG, 4096), FW_OK);      /* ota_1 NEW */
    const struct scenario s = {"boot NEW -> PENDING_VERIFY", NULL, sc_boot, {"5.0.0", "6.0.0"}};
    sweep(&x, &s);
    db_close(&x);
}

/* From here ota_1 (6.0.0) runs PENDING_VERIFY. */
static void pending(struct db *x)
{
    struct fwb_result r;
    base(x);
    assert_int_equal(db_attach(x, "ota_0"), FW_OK);
    assert_int_equal(db_ota(x, IMG6, DB_IMG, 4096), FW_OK);
    assert_int_equal(db_boot(x, &r), FW_OK);
    assert_string_equal(r.app.version, "6.0.0");
}

static void cut_during_boot_pending_to_aborted(void **state)
{
    (void)state;
    struct db x;
    pending(&x);
    /* an unconfirmed image must never run again, whatever the cut */
    const struct scenario s = {"boot PENDING_VERIFY -> ABORTED", NULL, sc_boot, {"5.0.0", NULL}};
    sweep(&x, &s);
    db_close(&x);
}

static void cut_during_confirm(void **state)
{
    (void)state;
    struct db x;
    pending(&x);
    const struct scenario s = {"confirm (VALID + eFuse)", "ota_1", sc_confirm, {"5.0.0", "6.0.0"}};
    sweep(&x, &s);
    db_close(&x);
}

static void cut_during_reject(void **state)
{
    (void)state;
    struct db x;
    pending(&x);
    const struct scenario s = {"reject (INVALID)", "ota_1", sc_reject, {"5.0.0", NULL}};
    sweep(&x, &s);
    db_close(&x);
}

static void cut_during_initial_boot(void **state)
{
    (void)state;
    struct db x;
    db_open(&x, 1, 0);
    db_flash(&x, "ota_0", IMG5, DB_IMG);
    const struct scenario s = {"first boot writes the initial entry", NULL, sc_boot, {"5.0.0", NULL}};
    sweep(&x, &s);
    db_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_during_ota),
        cmocka_unit_test(cut_during_boot_new_to_pending),
        cmocka_unit_test(cut_during_boot_pending_to_aborted),
        cmocka_unit_test(cut_during_confirm),
        cmocka_unit_test(cut_during_reject),
        cmocka_unit_test(cut_during_initial_boot),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
