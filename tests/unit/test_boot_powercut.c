/* SPDX-License-Identifier: Apache-2.0 */
/* Power cut at EVERY flash write/erase of an OTA and of each boot state
 * change, in both cut modes (clean: the operation does not happen; torn:
 * the simulator's NOR fault model, device/port/sim/fwd_sim_tear.h — a prefix, a
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
 * the device must still take a full OTA + boot afterwards.
 *
 * eFuse burns are operations too (the simulator's power domain), so every
 * sweep also cuts at every burn (confirm, the bootloader's anti-rollback
 * heal, an OTA precondition's heal), with the same variants: a torn burn's
 * prefix counts bits (0..31 covers every bit-order prefix of the burns
 * here); the OTA-precondition sweep tries the variants of sweep(), the
 * double sweeps prefixes 0..4 and a seeded pick at each of their two cuts. Anti-rollback is checked in both
 * directions after every cut: an image whose otadata entry was VALID with
 * secure_version N => after the next boot the eFuse is >= N; nothing below
 * the eFuse boots, and an OTA of an older signed image is refused. */
#include "testutil.h"

#include "devboot_fixture.h"
#include "device/fwd_ota_pipeline.h"

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

/* secure_version of the image the active otadata entry selects if that
 * entry is VALID (it ran, or will run, as confirmed), else 0. */
static uint32_t valid_active_secver(struct db *x)
{
    struct fwd_otadata od;
    struct fwd_app_info app;
    uint32_t slot;
    assert_int_equal(db_attach(x, NULL), FW_OK);
    if (fwd_otadata_load(&x->dev.d, &od) != FW_OK || od.active < 0) return 0;
    if (od.sec[od.active].e.state != FW_OTA_VALID) return 0;
    if (fwd_otadata_active_slot(&x->dev.d, &od, &slot) != FW_OK) return 0;
    const struct fwd_part *p = fwd_part_ota_slot(&x->dev.d, slot);
    if (!p || fwd_ota_get_partition_description(&x->dev, p, &app) != FW_OK) return 0;
    return app.desc.secure_version;
}

/* Anti-rollback after the recovery boot r: the floor reached every VALID
 * image (was_valid_sv: the active VALID entry's before the boot) and the one
 * running as VALID now; nothing below it runs. */
static void check_floor(struct db *x, const struct scenario *s, uint64_t i, int mode, const struct fwb_result *r,
                        uint32_t was_valid_sv)
{
    uint32_t ef = db_secver(x);
    if (ef < was_valid_sv)
        fail_msg("%s: cut %s at op %llu%s: a VALID image has secure_version %u, eFuse still %u after the boot",
                 s->name, mode ? "torn" : "clean", (unsigned long long)i, CUT_NOTE, (unsigned)was_valid_sv,
                 (unsigned)ef);
    if (r->has_state && r->state == FW_OTA_VALID && ef < r->app.desc.secure_version)
        fail_msg("%s: cut %s at op %llu%s: %s runs VALID (secure_version %u) with eFuse %u", s->name,
                 mode ? "torn" : "clean", (unsigned long long)i, CUT_NOTE, r->app.desc.version,
                 (unsigned)r->app.desc.secure_version, (unsigned)ef);
    if (r->app.desc.secure_version < ef)
        fail_msg("%s: cut at op %llu%s: %s (secure_version %u) booted below eFuse %u", s->name,
                 (unsigned long long)i, CUT_NOTE, r->app.desc.version, (unsigned)r->app.desc.secure_version, (unsigned)ef);
}

/* A running VALID app above 5 must refuse an OTA of the older signed 5.0.0
 * (IMG5), and the next boot still runs what ran. */
static void check_downgrade_refused(struct db *x, const struct scenario *s, uint64_t i, const struct fwb_result *r)
{
    struct fwb_result r2;
    if (!r->has_state || r->state != FW_OTA_VALID || r->app.desc.secure_version <= 5) return;
    int rc = db_ota(x, IMG5, DB_IMG, 8192);
    if (rc != FW_ERR_ROLLBACK)
        fail_msg("%s: cut at op %llu%s: OTA of the older 5.0.0 under %s VALID returned %d, not ROLLBACK", s->name,
                 (unsigned long long)i, CUT_NOTE, r->app.desc.version, rc);
    assert_int_equal(db_boot(x, &r2), FW_OK);
    assert_string_equal(r2.app.desc.version, r->app.desc.version);
}

/* After a cut: boot must work and run an allowed image; and the device must
 * still accept a full OTA of a newer image, boot it and confirm it. */
static void check_recovery(struct db *x, const struct scenario *s, uint64_t i, int mode)
{
    struct fwb_result r;
    uint32_t was_valid_sv = valid_active_secver(x);
    int rc = db_boot(x, &r);
    if (rc != FW_OK) fail_msg("%s: cut %s at op %llu%s: boot failed (%d)", s->name, mode ? "torn" : "clean",
                              (unsigned long long)i, CUT_NOTE, rc);
    if (!allowed(s, r.app.desc.version))
        fail_msg("%s: cut %s at op %llu%s: booted %s (%s)", s->name, mode ? "torn" : "clean", (unsigned long long)i,
                 CUT_NOTE, r.part->label, r.app.desc.version);
    check_floor(x, s, i, mode, &r, was_valid_sv);
    /* a second power-on must also boot something allowed */
    rc = db_boot(x, &r);
    if (rc != FW_OK || !allowed(s, r.app.desc.version))
        fail_msg("%s: cut at op %llu%s: second boot %d %s", s->name, (unsigned long long)i, CUT_NOTE, rc,
                 rc ? "-" : r.app.desc.version);
    check_floor(x, s, i, mode, &r, was_valid_sv);
    check_downgrade_refused(x, s, i, &r);
    if (db_attach(x, r.part->label) != FW_OK) fail_msg("%s: reattach", s->name);
    rc = fwd_ota_mark_app_valid(&x->dev);          /* a PENDING_VERIFY app may not update */
    if (rc != FW_OK)
        fail_msg("%s: cut at op %llu%s: confirm after recovery %d", s->name, (unsigned long long)i, CUT_NOTE, rc);
    rc = db_ota(x, IMG7, DB_IMG, 8192);
    if (rc != FW_OK)
        fail_msg("%s: cut at op %llu%s: later OTA failed (%d)", s->name, (unsigned long long)i, CUT_NOTE, rc);
    assert_int_equal(db_boot(x, &r), FW_OK);
    assert_string_equal(r.app.desc.version, "7.0.0");
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
    assert_string_equal(r.app.desc.version, "6.0.0");
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

/* ---- anti-rollback across a cut inside confirm (issue 11, section 1) ---- */

/* The state a power cut between confirm's VALID record and its eFuse burn
 * leaves: ota_1 (6.0.0) VALID, eFuse still 5. Written with the otadata API
 * (no burn), so it reproduces the hole without relying on the simulator
 * cutting at the burn. */
static void valid_but_floor_lagging(struct db *x)
{
    struct fwd_otadata od;
    pending(x);
    assert_int_equal(db_secver(x), 5);
    assert_int_equal(db_attach(x, NULL), FW_OK);
    db_otadata(x, &od);
    assert_true(od.active >= 0);
    assert_int_equal(fwd_otadata_set_state(&x->dev.d, &od, od.active, FW_OTA_VALID), FW_OK);
    assert_int_equal(db_secver(x), 5);
}

/* Before the fix: the next boot left the eFuse at 5, and an OTA of the older
 * signed 5.0.0 was accepted and booted (a downgrade by one power cut). */
static void cut_between_valid_and_burn_heals_at_next_boot(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    valid_but_floor_lagging(&x);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.app.desc.version, "6.0.0");
    assert_int_equal(r.state, FW_OTA_VALID);
    assert_int_equal(db_secver(&x), 6);                 /* healed by the bootloader */
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_ERR_ROLLBACK);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.app.desc.version, "6.0.0");        /* the older image never runs */
    assert_int_equal(db_secver(&x), 6);
    db_close(&x);
}

/* The same state, but the app keeps running (no reboot, e.g. a port whose
 * burn failed): the OTA precondition heals before anything is erased. */
static void ota_precondition_heals_without_reboot(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    valid_but_floor_lagging(&x);
    assert_int_equal(db_attach(&x, "ota_1"), FW_OK);
    assert_int_equal(db_ota(&x, IMG5, DB_IMG, 4096), FW_ERR_ROLLBACK);
    assert_int_equal(db_secver(&x), 6);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.app.desc.version, "6.0.0");
    db_close(&x);
    /* the OTA pipeline's early checks: heal (the one operation: the burn),
     * then refuse 5.0.0 before any erase */
    static struct fwd_ota_pipeline pl;
    valid_but_floor_lagging(&x);
    assert_int_equal(db_attach(&x, "ota_1"), FW_OK);
    struct fwd_ota_pipeline_cfg cfg = {.dev = &x.dev, .allow_plaintext = 1, .size_hint = DB_IMG};
    uint64_t ops = x.sim.flash.ops;
    assert_int_equal(fwd_ota_pipeline_start(&pl, &cfg), FW_OK);
    assert_int_equal(fwd_ota_pipeline_feed(&pl, IMG5, DB_IMG), FW_ERR_ROLLBACK);
    assert_int_equal(x.sim.flash.ops - ops, 1);
    assert_int_equal(db_secver(&x), 6);
    db_close(&x);
    /* selecting the old slot (5.0.0 still in ota_0) heals first, then refuses */
    valid_but_floor_lagging(&x);
    assert_int_equal(db_attach(&x, "ota_1"), FW_OK);
    assert_int_equal(fwd_ota_set_boot_partition(&x.dev, fwd_ota_find(&x.dev, "ota_0")), FW_ERR_ROLLBACK);
    assert_int_equal(db_secver(&x), 6);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_string_equal(r.app.desc.version, "6.0.0");
    db_close(&x);
}

/* The heal is for VALID images only: an unconfirmed (PENDING_VERIFY) app
 * never gets the floor raised, by the boot or by an OTA attempt. */
static void no_heal_for_unconfirmed(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    pending(&x);                                         /* ota_1 6.0.0 PENDING_VERIFY, eFuse 5 */
    assert_int_equal(db_attach(&x, "ota_1"), FW_OK);
    assert_int_equal(fwd_ota_heal_secure_version(&x.dev), FW_OK);
    assert_int_equal(db_ota(&x, IMG7, DB_IMG, 4096), FW_ERR_STATE);
    assert_int_equal(db_secver(&x), 5);
    assert_int_equal(db_boot(&x, &r), FW_OK);            /* -> ABORTED, 5.0.0 */
    assert_string_equal(r.app.desc.version, "5.0.0");
    assert_int_equal(db_secver(&x), 5);
    db_close(&x);
}

/* Cut variants of one operation: variant 0 is the clean cut; torn variant
 * v >= 1 keeps the prefix v - 1 (bytes; bits of an eFuse burn, clamped below
 * its count) while v - 1 < `prefixes`, then `picks` seeded picks.
 * Single cuts (as sweep()): every prefix 0..31 + 8 picks for a scenario of
 * at most 4 operations, else one pick. Double cuts, at each of the two:
 * prefixes 0..4 (every bit-order prefix of the burns here: at most 5 new
 * bits) + one pick. */
struct variants { unsigned prefixes, picks; };
static struct variants single_variants(uint64_t n)
{
    return n <= 4 ? (struct variants){32, 8} : (struct variants){0, 1};
}
static const struct variants DOUBLE_VARIANTS = {5, 1};
static unsigned nvariants(struct variants vs) { return 1 + vs.prefixes + vs.picks; }

/* Arm the cut at operation i (from now) in variant v of vs, its torn bits
 * seeded from the run seed and (i, v, salt). Returns the mode. */
static int arm_variant(struct db *x, struct variants vs, uint64_t i, unsigned v, uint64_t run_seed, uint64_t salt)
{
    if (v == 0) {
        fwd_sim_flash_set_cut(&x->sim.flash, i, FWD_SIM_CUT_CLEAN);
        return FWD_SIM_CUT_CLEAN;
    }
    unsigned t = v - 1;
    uint32_t keep = t < vs.prefixes ? t : FWD_SIM_KEEP_PICK;
    fwd_sim_flash_set_tear(&x->sim.flash, keep, fwd_sim_tear_mix(run_seed, i, t, salt));
    fwd_sim_flash_set_cut(&x->sim.flash, i, FWD_SIM_CUT_TORN);
    return FWD_SIM_CUT_TORN;
}

/* Every pair (first cut, second cut during the recovery boot), every
 * variant of DOUBLE_VARIANTS each, from `from`: run `first` cut at op i,
 * then boot cut at op j, then the full recovery checks. The op counter is
 * reset before every run: a torn cut's bits are seeded by its op number. */
static void double_sweep(struct db *x, const struct scenario *s)
{
    struct fwb_result r;
    snap(x);
    uint64_t before = x->sim.flash.ops;
    assert_int_equal(run_from(x, s), FW_OK);
    uint64_t n = x->sim.flash.ops - before;
    uint64_t run_seed = fwd_sim_tear_env_seed();
    for (uint64_t i = 1; i <= n; i++)
        for (unsigned v1 = 0; v1 < nvariants(DOUBLE_VARIANTS); v1++) {
            /* how many operations does the recovery boot take from there? */
            restore(x);
            x->sim.flash.ops = before;
            assert_int_equal(db_attach(x, s->running), FW_OK);
            arm_variant(x, DOUBLE_VARIANTS, i, v1, run_seed, 1);
            assert_int_equal(s->run(x), FW_ERR_POWER_LOSS);
            fwd_sim_flash_revive(&x->sim.flash);
            uint64_t b0 = x->sim.flash.ops;
            assert_int_equal(db_boot(x, &r), FW_OK);
            uint64_t m = x->sim.flash.ops - b0;
            for (uint64_t j = 1; j <= m; j++)
                for (unsigned v2 = 0; v2 < nvariants(DOUBLE_VARIANTS); v2++) {
                    restore(x);
                    x->sim.flash.ops = before;
                    assert_int_equal(db_attach(x, s->running), FW_OK);
                    arm_variant(x, DOUBLE_VARIANTS, i, v1, run_seed, 1);
                    assert_int_equal(s->run(x), FW_ERR_POWER_LOSS);
                    fwd_sim_flash_revive(&x->sim.flash);
                    uint32_t was_valid_sv = valid_active_secver(x);
                    int m2 = arm_variant(x, DOUBLE_VARIANTS, j, v2, run_seed, 2);
                    snprintf(CUT_NOTE, sizeof CUT_NOTE, " (variants %u then %u, FWSEAL_SIM_CUT_SEED=%llu)", v1, v2,
                             (unsigned long long)run_seed);
                    if (db_boot(x, &r) != FW_ERR_POWER_LOSS)
                        fail_msg("%s: recovery op %llu did not cut%s", s->name, (unsigned long long)j, CUT_NOTE);
                    fwd_sim_flash_revive(&x->sim.flash);
                    /* the VALID image of before the first recovery keeps its claim */
                    check_recovery(x, s, i * 1000 + j, m2);
                    assert_true(db_secver(x) >= was_valid_sv);
                    TOTAL_CUTS++;
                }
        }
    restore(x);
}

/* confirm: cut at its otadata write and at its burn, then at every operation
 * of the healing boot. */
static void double_cut_confirm_then_healing_boot(void **state)
{
    (void)state;
    struct db x;
    pending(&x);
    const struct scenario s = {"confirm, then a cut in the healing boot", "ota_1", sc_confirm, {"5.0.0", "6.0.0"}};
    double_sweep(&x, &s);
    db_close(&x);
}

/* The healing boot itself (VALID 6.0.0, eFuse 5): cut at its burn. */
static void cut_during_healing_boot(void **state)
{
    (void)state;
    struct db x;
    valid_but_floor_lagging(&x);
    const struct scenario s = {"healing boot", NULL, sc_boot, {"6.0.0", NULL}};
    sweep(&x, &s);
    double_sweep(&x, &s);
    db_close(&x);
}

/* The OTA precondition's heal (app keeps running): cut at its burn. */
static int sc_ota_old(struct db *x) { return db_ota(x, IMG5, DB_IMG, 4096); }
static void cut_during_ota_precondition_heal(void **state)
{
    (void)state;
    struct db x;
    valid_but_floor_lagging(&x);
    const struct scenario s = {"OTA precondition heal", "ota_1", sc_ota_old, {"6.0.0", NULL}};
    snap(&x);
    assert_int_equal(db_attach(&x, "ota_1"), FW_OK);
    uint64_t before = x.sim.flash.ops;
    assert_int_equal(sc_ota_old(&x), FW_ERR_ROLLBACK);    /* heal, then refused: the burn and the slot */
    uint64_t n = x.sim.flash.ops - before;
    assert_true(n >= 1);
    uint64_t run_seed = fwd_sim_tear_env_seed();
    for (uint64_t i = 1; i <= n; i++)
        for (unsigned v = 0; v < nvariants(single_variants(n)); v++) {
            restore(&x);
            x.sim.flash.ops = before;
            assert_int_equal(db_attach(&x, "ota_1"), FW_OK);
            int mode = arm_variant(&x, single_variants(n), i, v, run_seed, 0);
            snprintf(CUT_NOTE, sizeof CUT_NOTE, " (variant %u, FWSEAL_SIM_CUT_SEED=%llu)", v,
                     (unsigned long long)run_seed);
            assert_int_equal(sc_ota_old(&x), FW_ERR_POWER_LOSS);
            fwd_sim_flash_revive(&x.sim.flash);
            check_recovery(&x, &s, i, mode);
            TOTAL_CUTS++;
        }
    restore(&x);
    db_close(&x);
}

/* A first boot that records the initial contents (VALID) burns the floor
 * from 0 to 5 (five bits: torn cuts leave 2); every pair of cuts. */
static void double_cut_initial_boot(void **state)
{
    (void)state;
    struct db x;
    db_open(&x, 1, 0);
    db_flash(&x, "ota_0", IMG5, DB_IMG);
    const struct scenario s = {"initial boot, then a cut in the next", NULL, sc_boot, {"5.0.0", NULL}};
    double_sweep(&x, &s);
    db_close(&x);
}

/* A VALID image above what the 32-bit thermometer holds: the heal burns
 * all 32 bits and the image keeps booting (a refusal would brick it). */
static void heal_saturates_above_32(void **state)
{
    (void)state;
    struct db x;
    struct fwb_result r;
    uint8_t *img = db_make_image(40, "40.0.0", 0, DB_KEY1);
    db_open(&x, 1, 0);
    db_flash(&x, "ota_0", img, DB_IMG);
    free(img);
    assert_int_equal(db_boot(&x, &r), FW_OK);
    assert_int_equal(r.state, FW_OTA_VALID);
    assert_int_equal(db_secver(&x), 32);
    uint64_t ops = x.sim.flash.ops;
    assert_int_equal(db_boot(&x, &r), FW_OK);              /* nothing more to burn */
    assert_string_equal(r.app.desc.version, "40.0.0");
    assert_int_equal(x.sim.flash.ops, ops);
    assert_int_equal(fwd_ota_heal_secure_version(&x.dev), FW_OK);
    assert_int_equal(x.sim.flash.ops, ops);
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
        cmocka_unit_test(cut_between_valid_and_burn_heals_at_next_boot),
        cmocka_unit_test(ota_precondition_heals_without_reboot),
        cmocka_unit_test(no_heal_for_unconfirmed),
        cmocka_unit_test(double_cut_confirm_then_healing_boot),
        cmocka_unit_test(cut_during_healing_boot),
        cmocka_unit_test(cut_during_ota_precondition_heal),
        cmocka_unit_test(double_cut_initial_boot),
        cmocka_unit_test(heal_saturates_above_32),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
