/* SPDX-License-Identifier: Apache-2.0 */
/* make powercut: exhaustive power-cut simulation of the real device code.
 *
 *   powercut OLD.signed NEW.signed NEW.enc ENC_PRIV.pem DIGEST.bin
 *            [--scenario NAME] [--schedule linear|torn|double] [--seeds N]
 *            [--step BYTES] [--cut-seed S] [--count] [--stage DIR]
 *            [--replay SCHEDULE:CUT:KEEP[:CUT2:KEEP2][@S]]
 *
 * Fault model: the simulator's (device/port/sim/fwd_sim_tear.h). A clean cut
 * (KEEP = "clean") loses the whole operation; a torn cut at prefix KEEP
 * programs KEEP bytes of a write and half-programs the word in flight, or
 * erases KEEP bytes of an erase and weakly erases the rest of that sector,
 * the random bits drawn from the run seed S (--cut-seed, else
 * FWSEAL_SIM_CUT_SEED, else 1) and the cut's coordinates. A failure prints
 * the seed and a --replay line that reproduces it bit for bit.
 * --count: run nothing but the clean runs the schedules are derived from and
 * print the op and cut-point counts a full run would report (tests/e2e/
 * results_files.sh compares them with tests/powercut/RESULTS.md).
 *
 * Scenarios (each from a snapshot, see setup()):
 *   ota        encrypted OTA of NEW from a file (pipeline: decrypt, early
 *              checks, begin/erase, write, tag, verify, set boot)
 *   first-boot first boot of NEW (NEW -> PENDING_VERIFY)
 *   unconfirmed boot of an unconfirmed NEW (PENDING_VERIFY -> ABORTED, fallback)
 *   confirm    the app confirms NEW (VALID, then secure_version burned)
 *   rollback   the app rejects NEW (INVALID) and the device reboots
 *   heal-boot  boot after a cut between confirm's VALID record and its burn:
 *              the bootloader's anti-rollback heal burns the eFuse
 *   heal-ota   the same state, NEW still running, tries an OTA of OLD: the
 *              OTA precondition heals (burns), then refuses OLD
 *   revoke     NEW confirmed and running, a second key digest in eFuse slot
 *              1: the app first tries to revoke slot 0 (the only key of what
 *              runs: must be refused with no operation), then revokes slot 1
 *              (fwd_ota_revoke_key: one KEY_REVOKE bit). After a cut: slot 0
 *              never revoked, slot 1 revoked or not, and a second revoke
 *              completes it with the device still booting
 *   nvs        a seeded workload of set/erase/commit on encrypted NVS
 *   stage-*    staged updates of the bootloader (with and without a
 *              recovery-bootloader ROM), the partition table and the NVS
 *              partition (--stage DIR, tests/tools/pc_stage.h)
 * eFuse burns are operations like writes and erases (tests/tools/pc_dev.h):
 * numbered, cut clean (nothing burned) or torn (a bit-order prefix of the new
 * bits, every prefix tried; KEEP of a burn counts bits, and no seed is
 * involved: eFuse bits are programmed one by one).
 * Schedules:
 *   linear     a clean cut before every write/erase/burn of the scenario
 *   torn       at every write/erase a torn cut at every prefix length of
 *              fwd_sim_tear_points(): writes up to 64 bytes every length
 *              0..len-1; longer writes 0, 1, every --step bytes, the last
 *              word boundary and len-1; erases 0, 1, every --step bytes of
 *              the first sector, every sector boundary and len-1; at every
 *              eFuse burn of k new bits a torn burn of every bit-order
 *              prefix 1..k-1 (0 is the clean cut)
 *   double     a cut in the scenario, then a cut during the recovery (boot
 *              or NVS mount): every pair when the scenario has at most 64
 *              first-cut points (the boot-state scenarios), else random
 *              pairs with fixed seeds 1..N (--seeds, default 100)
 * Invariants after each cut and a reboot:
 *   the bootloader boots; the image it runs verifies (re-checked here); it
 *   is OLD or NEW, never anything else; otadata loads and the booting entry
 *   is PENDING_VERIFY or VALID; the eFuse secure_version stays between
 *   OLD's and NEW's and is above OLD's only if NEW's entry is VALID;
 *   anti-rollback the other way: an image whose entry was VALID before the
 *   reboot with secure_version N => eFuse >= N after it, the image booted as
 *   VALID is never above the eFuse, nothing below the eFuse boots, and
 *   while NEW runs VALID an OTA of OLD (plaintext, signed) is refused as a
 *   rollback; no byte is programmed unerased (NVS: no bit set back);
 *   NVS: every key committed before the cut reads its old or new value.
 * Prints, per scenario and schedule, cut points tried and survived (and a
 * "result" line per scenario for tests/powercut/run.sh); on a failure prints
 * the seed and the replay argument and exits 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvs/fw_nvs_store.h"
#include "device/fwd_nvs.h"
#include "tests/tools/pc_dev.h"

static struct pc P;
static const uint8_t *old_img, *new_img, *enc_img;
static size_t old_len, new_len, enc_len;
static struct fwd_app_info old_info, new_info;
static uint32_t step = 256;
static unsigned nseeds = 0;   /* double schedule: 0 = exhaustive for small scenarios, else 100 seeds */
static int failures;
static unsigned cur_seed;     /* double schedule: the seed of the current pair (0: exhaustive) */
static int dry;               /* --count: tally the cut points, run none */

enum { S_BASE, S_NEW, S_PV, S_NVS, S_HEAL, S_REVOKE };

/* ---- NVS workload ---------------------------------------------------- */
#define NKEYS 12
#define NVS_OPS 400
struct kv { int present; uint32_t v; };
static struct kv model[NKEYS];        /* committed values */
static int inflight_key = -1;
static struct kv inflight;
static const uint8_t nvs_keys[64] = {
    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10, 31, 32, 33, 34, 35, 36,
    37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52};
static struct fwd_nvs nvs;
static struct fwd_nvs_region region;

static uint32_t rnd(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return (uint32_t)*s;
}

static int nvs_mount(void)
{
    struct fw_nvs_io io;
    fwd_nvs_region_io(&region, &P.plat.flash, PC_NVS_OFF, PC_NVS_SIZE, &io);
    return fwd_nvs_init_keys(&nvs, &io, nvs_keys, 0);
}

/* The workload: NVS_OPS seeded operations, each set/erase followed by a commit. */
static int nvs_workload(void)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
    struct fw_nvs_handle h;
    memset(model, 0, sizeof model);
    inflight_key = -1;
    int rc = nvs_mount();
    if (!rc) rc = fw_nvs_open(&nvs.store, "pc", 1, &h);
    for (int i = 0; rc == FW_OK && i < NVS_OPS; i++) {
        int k = (int)(rnd(&s) % NKEYS);
        char key[8];
        snprintf(key, sizeof key, "k%d", k);
        inflight_key = k;
        if (rnd(&s) % 5 == 0) {
            inflight.present = 0, inflight.v = 0;
            rc = fw_nvs_erase_key(&h, key);
            if (rc == FW_ERR_NOT_FOUND) rc = FW_OK;
        } else {
            inflight.present = 1, inflight.v = rnd(&s);
            if (k % 3 == 0) {
                char str[64];
                snprintf(str, sizeof str, "value-%08x-%s", (unsigned)inflight.v, "padding-to-span-entries");
                rc = fw_nvs_set_str(&h, key, str);
            } else {
                rc = fw_nvs_set_int(&h, key, FW_NVS_U32, inflight.v);
            }
        }
        if (rc == FW_OK) rc = fw_nvs_commit(&h);
        if (rc == FW_OK) model[k] = inflight, inflight_key = -1;
    }
    return rc;
}

static int nvs_value(struct fw_nvs_handle *h, int k, struct kv *out)
{
    char key[8];
    snprintf(key, sizeof key, "k%d", k);
    out->present = 0, out->v = 0;
    if (k % 3 == 0) {
        char str[64];
        size_t len = sizeof str;
        int rc = fw_nvs_get_str(h, key, str, &len);
        if (rc == FW_ERR_NOT_FOUND) return 0;
        unsigned v;
        if (rc || sscanf(str, "value-%08x-", &v) != 1) return -1;
        out->present = 1, out->v = v;
        return 0;
    }
    uint64_t v;
    int rc = fw_nvs_get_int(h, key, FW_NVS_U32, &v);
    if (rc == FW_ERR_NOT_FOUND) return 0;
    if (rc) return -1;
    out->present = 1, out->v = (uint32_t)v;
    return 0;
}

static const char *nvs_check(void)
{
    static char why[160];
    if (nvs_mount() != FW_OK) return "NVS does not mount after the cut";
    struct fw_nvs_handle h;
    int rc = fw_nvs_open(&nvs.store, "pc", 1, &h);
    if (rc == FW_ERR_NOT_FOUND) {
        for (int k = 0; k < NKEYS; k++) if (model[k].present) return "namespace lost";
        return NULL;
    }
    if (rc) return "namespace unreadable";
    for (int k = 0; k < NKEYS; k++) {
        struct kv got;
        if (nvs_value(&h, k, &got)) { snprintf(why, sizeof why, "key k%d unreadable (garbage)", k); return why; }
        int is_old = got.present == model[k].present && (!got.present || got.v == model[k].v);
        int is_new = k == inflight_key && got.present == inflight.present && (!got.present || got.v == inflight.v);
        if (!is_old && !is_new) {
            snprintf(why, sizeof why, "key k%d reads %s%08x, committed %s%08x", k, got.present ? "" : "absent/",
                     (unsigned)got.v, model[k].present ? "" : "absent/", (unsigned)model[k].v);
            return why;
        }
    }
    /* the store stays usable */
    if (fw_nvs_set_int(&h, "after", FW_NVS_U32, 1) || fw_nvs_commit(&h)) return "store not writable after the cut";
    return NULL;
}

static void die(const char *what, int rc);
#include "tests/tools/pc_stage.h"

/* ---- scenarios -------------------------------------------------------- */
struct scenario {
    const char *name;
    int from;                               /* snapshot */
    int (*run)(void);                       /* the action, cut somewhere inside */
    int nvs;                                /* invariants of the NVS kind */
    const char *(*check)(void);             /* own invariants and recovery (pc_stage.h), else the OTA ones */
    int (*recover)(void);
};

static int run_ota(void) { return pc_ota(&P, "ota_0", enc_img, enc_len, 4096); }
static int run_boot(void)
{
    struct fwb_result r;
    return pc_boot(&P, &r);
}
static int run_confirm(void)
{
    int rc = pc_attach(&P, "ota_1");
    return rc ? rc : fwd_ota_mark_app_valid(&P.dev);
}
static int run_rollback(void)
{
    int rc = pc_attach(&P, "ota_1");
    if (!rc) rc = fwd_ota_mark_app_invalid(&P.dev);
    return rc ? rc : run_boot();
}
static int run_nvs(void) { return nvs_workload(); }

/* OTA of a plaintext image by the app running from `running` (the pipeline
 * with allow_plaintext: same early checks, heal included). */
static int ota_plain(const char *running, const uint8_t *img, size_t len)
{
    static struct fwd_ota_pipeline pl;
    int rc = pc_attach(&P, running);
    if (rc) return rc;
    struct fwd_ota_pipeline_cfg cfg = {.dev = &P.dev, .key = &P.key, .allow_plaintext = 1, .size_hint = len};
    rc = fwd_ota_pipeline_start(&pl, &cfg);
    for (size_t off = 0; rc == FW_OK && off < len; off += 4096)
        rc = fwd_ota_pipeline_feed(&pl, img + off, len - off < 4096 ? len - off : 4096);
    if (rc == FW_OK) rc = fwd_ota_pipeline_finish(&pl);
    return rc;
}
static int run_heal_ota(void) { return ota_plain("ota_1", old_img, old_len); }

/* The revoke scenario: the mistake first (nothing burned), then the real one. */
static int run_revoke(void)
{
    int rc = pc_attach(&P, "ota_1");
    if (rc) return rc;
    rc = fwd_ota_revoke_key(&P.dev, 0);
    if (rc == FW_ERR_POWER_LOSS) return rc;
    if (rc != FW_ERR_REVOKED) return FW_ERR_STATE;
    return fwd_ota_revoke_key(&P.dev, 1);
}

static const struct scenario scenarios[] = {
    {"ota", S_BASE, run_ota, 0, NULL, NULL},
    {"first-boot", S_NEW, run_boot, 0, NULL, NULL},
    {"unconfirmed", S_PV, run_boot, 0, NULL, NULL},
    {"confirm", S_PV, run_confirm, 0, NULL, NULL},
    {"rollback", S_PV, run_rollback, 0, NULL, NULL},
    {"heal-boot", S_HEAL, run_boot, 0, NULL, NULL},
    {"heal-ota", S_HEAL, run_heal_ota, 0, NULL, NULL},
    {"revoke", S_REVOKE, run_revoke, 0, NULL, NULL},
    {"nvs", S_NVS, run_nvs, 1, NULL, NULL},
    {"stage-bootloader", S_STAGE, pcs_run_bl, 0, pcs_check, pcs_recover},
    {"stage-bootloader-norecovery", S_STAGE, pcs_run_bl_norec, 0, pcs_check, pcs_recover},
    {"stage-table", S_STAGE, pcs_run_table, 0, pcs_check, pcs_recover},
    {"stage-nvs", S_STAGE, pcs_run_nvs, 0, pcs_check, pcs_recover},
};

/* secure_version of the image the active otadata entry selects when that
 * entry is VALID (it ran, or runs next, as confirmed); 0 otherwise. */
static uint32_t valid_active_secver(void)
{
    struct fwd_otadata od;
    struct fwd_app_info app;
    uint32_t slot;
    if (pc_attach(&P, NULL) != FW_OK || fwd_otadata_load(&P.dev.d, &od) != FW_OK || od.active < 0) return 0;
    if (od.sec[od.active].e.state != FW_OTA_VALID || fwd_otadata_active_slot(&P.dev.d, &od, &slot) != FW_OK) return 0;
    const struct fwd_part *part = fwd_part_ota_slot(&P.dev.d, slot);
    if (!part || fwd_ota_get_partition_description(&P.dev, part, &app) != FW_OK) return 0;
    return app.desc.secure_version;
}

/* After a cut (device revived): reboot and check the invariants. NULL = ok. */
static const char *check_device(void)
{
    static char why[200];
    struct fwb_result r;
    uint32_t was_valid_sv = valid_active_secver();
    int rc = pc_boot(&P, &r);
    if (rc) { snprintf(why, sizeof why, "no boot after the cut (%s)", fw_strerror(rc)); return why; }
    const struct fwd_app_info *a = &r.app;
    int is_old = !strcmp(a->desc.version, old_info.desc.version), is_new = !strcmp(a->desc.version, new_info.desc.version);
    if (!is_old && !is_new) { snprintf(why, sizeof why, "booted a third image '%s'", a->desc.version); return why; }
    /* independent re-verification of what runs */
    struct fwd_verify_result vr;
    if (fwd_ota_verify_partition(&P.dev, r.part, &vr) != FW_OK) return "the booted image does not verify";
    struct fwd_otadata od;
    if (fwd_otadata_load(&P.dev.d, &od) != FW_OK) return "otadata does not load";
    if (r.has_state && r.state != FW_OTA_PENDING_VERIFY && r.state != FW_OTA_VALID && r.state != FW_OTA_UNDEFINED) {
        snprintf(why, sizeof why, "booted entry in state %s", fw_otadata_state_name(r.state));
        return why;
    }
    uint32_t sv = pc_secver(&P);
    if (sv < old_info.desc.secure_version || sv > new_info.desc.secure_version) {
        snprintf(why, sizeof why, "secure_version %u", (unsigned)sv);
        return why;
    }
    if (sv > old_info.desc.secure_version) {
        uint32_t st = 0;
        const struct fwd_part *n1 = fwd_ota_find(&P.dev, "ota_1");
        if (fwd_ota_get_state_partition(&P.dev, n1, &st) != FW_OK || st != FW_OTA_VALID)
            return "secure_version burned but the new image is not confirmed";
        if (is_old) return "old image booted below the burned secure_version";
    }
    /* anti-rollback the other way: the floor reached every VALID image */
    if (sv < was_valid_sv) {
        snprintf(why, sizeof why, "an image was VALID with secure_version %u, eFuse %u after the boot",
                 (unsigned)was_valid_sv, (unsigned)sv);
        return why;
    }
    if (r.has_state && r.state == FW_OTA_VALID && sv < a->desc.secure_version) {
        snprintf(why, sizeof why, "'%s' runs VALID with secure_version %u above the eFuse %u", a->desc.version,
                 (unsigned)a->desc.secure_version, (unsigned)sv);
        return why;
    }
    if (a->desc.secure_version < sv) return "an image below the eFuse secure_version booted";
    /* and no OTA accepts the older image under a confirmed NEW */
    if (is_new && r.has_state && r.state == FW_OTA_VALID) {
        const char *label = r.part->label;
        rc = ota_plain(label, old_img, old_len);
        if (rc != FW_ERR_ROLLBACK) {
            snprintf(why, sizeof why, "OTA of the older image under a VALID '%s' returned %s, not a rollback refusal",
                     a->desc.version, rc ? fw_strerror(rc) : "success");
            return why;
        }
        if (pc_boot(&P, &r) != FW_OK || strcmp(r.app.desc.version, new_info.desc.version))
            return "the boot after a refused downgrade does not run the new image";
    }
    return NULL;
}

/* revoke: done or not done, never the running key, and finishable. */
static const char *revoke_check(void)
{
    struct fwd_efuse_state st;
    struct fwb_result r;
    if (pc_efuse_load(&P, &st) != FW_OK) return "eFuse unreadable";
    if (st.digest_revoked & 1) return "the key of the running image (slot 0) was revoked";
    if (pc_boot(&P, &r) != FW_OK) return "no boot before the second revoke";
    if (pc_attach(&P, r.part->label) != FW_OK || fwd_ota_revoke_key(&P.dev, 1) != FW_OK)
        return "the second revoke does not complete";
    if (pc_efuse_load(&P, &st) != FW_OK || (st.digest_revoked & 3) != 2) return "slot 1 not revoked after the second revoke";
    if (pc_boot(&P, &r) != FW_OK) return "no boot after the second revoke";
    return NULL;
}

static const char *check(const struct scenario *sc)
{
    if (P.nor_violations) return "programmed unerased flash";
    if (sc->check) return sc->check();
    if (sc->nvs) return nvs_check();
    const char *why = check_device();
    return why || sc->run != run_revoke ? why : revoke_check();
}

/* Recovery after a first cut: a reboot (or an NVS mount). */
static int recover(const struct scenario *sc)
{
    if (sc->recover) return sc->recover();
    if (sc->nvs) return nvs_mount();
    struct fwb_result r;
    return pc_boot(&P, &r);
}

/* Torn prefixes of logged op i (the fault model's sweep points). */
static size_t variants(size_t i, uint32_t *keep, size_t max)
{
    if (P.log[i].erase == PC_LOG_EFUSE) {   /* a burn keeps its own kind: bits, not NOR prefixes */
        size_t n = 0;
        for (uint32_t k = 1; k < P.log[i].len && n < max; k++) keep[n++] = k;   /* every bit-order prefix */
        return n;
    }
    size_t n = fwd_sim_tear_points(P.log[i].erase, P.log[i].len, P.sim.flash.write_align, P.sim.flash.sector_size,
                                   step, keep, max);
    return n < max ? n : max;
}

static const char *keep_str(uint32_t keep)
{
    static char b[2][16];
    static int i;
    char *o = b[i++ & 1];
    if (keep == PC_KEEP_CLEAN) snprintf(o, sizeof b[0], "clean");
    else snprintf(o, sizeof b[0], "%u", (unsigned)keep);
    return o;
}

struct tally { unsigned long tried, survived, window; };

static int one(const struct scenario *sc, const char *sched, uint64_t cut, uint32_t keep, uint64_t cut2,
               uint32_t keep2, struct tally *t)
{
    if (dry) { t->tried++, t->survived++; return 0; }
    pc_restore(&P, sc->from);
    P.nor_violations = 0;
    pc_arm(&P, cut, keep);
    int rc = sc->run();
    if (!P.dead) {
        /* the cut point was not reached (a shorter path): still a valid end state */
        (void)rc;
    }
    pc_revive(&P);
    if (cut2) {
        pc_arm(&P, cut2, keep2);
        (void)recover(sc);
        pc_revive(&P);
    }
    PS.cut1 = cut;
    const char *why = check(sc);
    t->tried++;
    if (!why) { t->survived++; return 0; }
    if (!*why) { /* the unprotectable window (pc_stage.h): listed, neither survived nor failed */
        t->window++, PS.window_cuts++;
        if (cut < sizeof PS.window) PS.window[cut] = 1;
        return 0;
    }
    failures++;
    printf("FAIL %s/%s: %s (cut at op %llu keeping %s", sc->name, sched, why, (unsigned long long)cut, keep_str(keep));
    if (cut2) printf(", then at recovery op %llu keeping %s", (unsigned long long)cut2, keep_str(keep2));
    if (cur_seed) printf(", pair seed %u", cur_seed);
    printf(", cut seed %llu)\n  replay: --scenario %s --replay %s:%llu:%s", (unsigned long long)P.cut_seed, sc->name,
           sched, (unsigned long long)cut, keep_str(keep));
    if (cut2) printf(":%llu:%s", (unsigned long long)cut2, keep_str(keep2));
    printf("@%llu\n", (unsigned long long)P.cut_seed);
    return 1;
}

/* Log the ops of a clean run from snapshot `from` (or of a recovery). */
static size_t count_ops(const struct scenario *sc, int recovery)
{
    P.log_on = 1, P.nlog = 0;
    pc_arm(&P, 0, 0);
    if (recovery) (void)recover(sc);
    else (void)sc->run();
    P.log_on = 0;
    return P.nlog;
}

static void run_scenario(const struct scenario *sc, const char *only_sched)
{
    struct tally lin = {0, 0, 0}, torn = {0, 0, 0}, dbl = {0, 0, 0};
    pc_restore(&P, sc->from);
    size_t n = count_ops(sc, 0);
    static uint8_t  kind[8192];
    static uint32_t len[8192];
    for (size_t i = 0; i < n; i++) kind[i] = P.log[i].erase, len[i] = P.log[i].len;

    if (!only_sched || !strcmp(only_sched, "linear"))
        for (size_t k = 1; k <= n; k++) one(sc, "linear", k, PC_KEEP_CLEAN, 0, 0, &lin);
    if (!only_sched || !strcmp(only_sched, "torn"))
        for (size_t k = 1; k <= n; k++) {
            uint32_t keep[1024];
            P.log[k - 1].erase = kind[k - 1], P.log[k - 1].len = len[k - 1];
            size_t nv = variants(k - 1, keep, 1024);
            for (size_t v = 0; v < nv; v++) one(sc, "torn", k, keep[v], 0, 0, &torn);
        }
    /* Few first-cut points (the boot-state scenarios): every pair of a
     * first cut and a cut during the recovery, exhaustively. */
    size_t firsts = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t keep[1024];
        P.log[k].erase = kind[k], P.log[k].len = len[k];
        firsts += 1 + variants(k, keep, 1024);
    }
    int exhaustive = !nseeds && firsts <= 64;
    if ((!only_sched || !strcmp(only_sched, "double")) && exhaustive) {
        for (size_t k = 1; k <= n; k++) {
            uint32_t keep1[1025];
            P.log[k - 1].erase = kind[k - 1], P.log[k - 1].len = len[k - 1];
            size_t nv1 = variants(k - 1, keep1 + 1, 1024) + 1;
            keep1[0] = PC_KEEP_CLEAN;
            for (size_t v1 = 0; v1 < nv1; v1++) {
                pc_restore(&P, sc->from);
                pc_arm(&P, k, keep1[v1]);
                (void)sc->run();
                pc_revive(&P);
                size_t m = count_ops(sc, 1);
                static uint8_t rk[8192];
                static uint32_t rl[8192];
                for (size_t j = 0; j < m; j++) rk[j] = P.log[j].erase, rl[j] = P.log[j].len;
                for (size_t c2 = 1; c2 <= m; c2++) {
                    uint32_t keep2[1025];
                    P.log[c2 - 1].erase = rk[c2 - 1], P.log[c2 - 1].len = rl[c2 - 1];
                    size_t nv2 = variants(c2 - 1, keep2 + 1, 1024) + 1;
                    keep2[0] = PC_KEEP_CLEAN;
                    for (size_t v2 = 0; v2 < nv2; v2++) one(sc, "double", k, keep1[v1], c2, keep2[v2], &dbl);
                }
                if (!m) one(sc, "double", k, keep1[v1], 0, PC_KEEP_CLEAN, &dbl);
            }
        }
    } else if (!only_sched || !strcmp(only_sched, "double")) {
        unsigned seeds = nseeds ? nseeds : 100;
        for (unsigned s = 1; s <= seeds && n; s++) {
            uint64_t st = 0xD1B54A32D192ED03ull * s;
            cur_seed = s;
            uint64_t c1 = 1 + rnd(&st) % n;
            uint32_t k1 = PC_KEEP_CLEAN;
            if (rnd(&st) & 1) {
                uint32_t keep[1024];
                P.log[c1 - 1].erase = kind[c1 - 1], P.log[c1 - 1].len = len[c1 - 1];
                size_t nv = variants(c1 - 1, keep, 1024);
                if (nv) k1 = keep[rnd(&st) % nv];
            }
            /* how many ops does the recovery take from that state? */
            pc_restore(&P, sc->from);
            pc_arm(&P, c1, k1);
            (void)sc->run();
            pc_revive(&P);
            size_t m = count_ops(sc, 1);
            uint64_t c2 = m ? 1 + rnd(&st) % m : 0;
            uint32_t k2 = PC_KEEP_CLEAN;
            if (c2 && (rnd(&st) & 1)) {
                uint32_t keep[1024];
                size_t nv = variants(c2 - 1, keep, 1024);
                if (nv) k2 = keep[rnd(&st) % nv];
            }
            one(sc, "double", c1, k1, c2, k2, &dbl);
        }
    }
    cur_seed = 0;
    unsigned long tot = lin.tried + torn.tried + dbl.tried, ok = lin.survived + torn.survived + dbl.survived;
    unsigned long win = lin.window + torn.window + dbl.window;
    const char *verdict = dry ? "counted" : ok == tot ? "survived" : ok + win == tot ? "window" : "FAILED";
    printf("%-12s %6zu ops | linear %5lu/%-5lu | torn %5lu/%-5lu | double %5lu/%-5lu | total %6lu/%-6lu %s\n",
           sc->name, n, lin.survived, lin.tried, torn.survived, torn.tried, dbl.survived, dbl.tried, ok, tot, verdict);
    char how[32];
    if (exhaustive) snprintf(how, sizeof how, "every-pair");
    else snprintf(how, sizeof how, "seeds-1..%u", nseeds ? nseeds : 100);
    printf("result scenario=%s ops=%zu linear=%lu/%lu torn=%lu/%lu double=%lu/%lu double_pairs=%s total=%lu/%lu %s\n",
           sc->name, n, lin.survived, lin.tried, torn.survived, torn.tried, dbl.survived, dbl.tried, how, ok, tot,
           verdict);
    pcs_report(sc->name);
    fflush(stdout);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "powercut: setup: %s: %s\n", what, fw_strerror(rc));
    exit(3);
}

/* Snapshots: BASE = OLD in ota_0, booted and confirmed (VALID), secure_version 1;
 * NEW = after a complete OTA of NEW; PV = after NEW's first boot; NVS = BASE;
 * HEAL = PV with NEW's entry VALID but the eFuse not raised (what a cut
 * between confirm's VALID record and its burn leaves). */
static void setup(void)
{
    struct fwb_result r;
    int rc = pc_flash_image(&P, "ota_0", old_img, old_len);
    if (rc) die("flash OLD", rc);
    if ((rc = pc_boot(&P, &r))) die("first boot of OLD", rc);
    old_info = r.app;
    pc_snapshot(&P, S_BASE);
    pc_snapshot(&P, S_NVS);
    if ((rc = run_ota())) die("OTA of NEW", rc);
    pc_snapshot(&P, S_NEW);
    if ((rc = pc_boot(&P, &r))) die("first boot of NEW", rc);
    new_info = r.app;
    if (strcmp(r.app.desc.version, old_info.desc.version) == 0 || r.state != FW_OTA_PENDING_VERIFY)
        die("NEW did not boot pending verify", FW_ERR_STATE);
    pc_snapshot(&P, S_PV);
    if (new_info.desc.secure_version <= old_info.desc.secure_version) die("NEW's secure_version is not above OLD's", FW_ERR_STATE);
    struct fwd_otadata od;
    if ((rc = fwd_otadata_load(&P.dev.d, &od)) || od.active < 0 ||
        (rc = fwd_otadata_set_state(&P.dev.d, &od, od.active, FW_OTA_VALID)))
        die("NEW VALID without the burn", rc ? rc : FW_ERR_STATE);
    pc_snapshot(&P, S_HEAL);
    /* revoke: NEW confirmed (VALID, burned) and a second trusted digest */
    pc_restore(&P, S_PV);
    struct fwd_efuse_state add;
    memset(&add, 0, sizeof add);
    memset(add.digest[1], 0x5A, sizeof add.digest[1]);
    add.digest_present = 2;
    if ((rc = pc_attach(&P, "ota_1")) || (rc = fwd_ota_mark_app_valid(&P.dev)) ||
        (rc = P.sim.plat.efuse.burn(P.sim.plat.efuse.ctx, &add)))
        die("confirmed NEW with a second key", rc);
    pc_snapshot(&P, S_REVOKE);
    pcs_setup();
    pc_restore(&P, S_PV);
}

/* A prefix field of --replay: bytes or "clean". */
static int parse_keep(const char *f, uint32_t *out)
{
    if (!strcmp(f, "clean")) { *out = PC_KEEP_CLEAN; return 0; }
    char *end;
    unsigned long v = strtoul(f, &end, 10);
    if (!*f || *end || v >= PC_KEEP_CLEAN) return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_u64(const char *f, uint64_t *out, int base0)
{
    char *end;
    if (!*f || *f == '-') return -1;
    int hex = base0 && f[0] == '0' && (f[1] == 'x' || f[1] == 'X');
    unsigned long long v = strtoull(f, &end, hex ? 16 : 10);
    if (*end) return -1;
    *out = v;
    return 0;
}

/* SCHED:CUT:KEEP[:CUT2:KEEP2][@SEED] */
struct replay { char sched[16]; uint64_t c1, c2; uint32_t k1, k2; int has_seed; uint64_t seed; };
static int parse_replay(const char *arg, struct replay *r)
{
    char buf[128], *f[6];
    int nf = 0;
    memset(r, 0, sizeof *r);
    r->k2 = PC_KEEP_CLEAN;
    if (strlen(arg) >= sizeof buf) return -1;
    strcpy(buf, arg);
    char *at = strchr(buf, '@');
    if (at) {
        *at = 0;
        if (parse_u64(at + 1, &r->seed, 1)) return -1;
        r->has_seed = 1;
    }
    for (char *t = strtok(buf, ":"); t && nf < 6; t = strtok(NULL, ":")) f[nf++] = t;
    if ((nf != 3 && nf != 5) || strlen(f[0]) >= sizeof r->sched) return -1;
    strcpy(r->sched, f[0]);
    if (parse_u64(f[1], &r->c1, 0) || !r->c1 || parse_keep(f[2], &r->k1)) return -1;
    if (nf == 5 && (parse_u64(f[3], &r->c2, 0) || !r->c2 || parse_keep(f[4], &r->k2))) return -1;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: powercut OLD.signed NEW.signed NEW.enc ENC_PRIV.pem DIGEST.bin [--scenario NAME] "
                    "[--schedule linear|torn|double] [--seeds N] [--step BYTES] [--cut-seed S] [--count] "
                    "[--replay SCHED:CUT:KEEP[:CUT2:KEEP2][@S]]   (KEEP: bytes or 'clean')\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 6) return usage();
    const char *only = NULL, *sched = NULL, *replay = NULL;
    uint64_t cut_seed = FWD_SIM_CUT_SEED_DEFAULT;
    const char *env_seed = getenv("FWSEAL_SIM_CUT_SEED");
    if (env_seed && *env_seed && parse_u64(env_seed, &cut_seed, 1)) {
        fprintf(stderr, "powercut: FWSEAL_SIM_CUT_SEED: not a number (decimal or 0x-hex)\n");
        return 2;
    }
    for (int i = 6; i < argc; i++) {
        if (!strcmp(argv[i], "--count")) { dry = 1; continue; }
        if (!strcmp(argv[i], "--stage") && i + 1 < argc) { pcs_load(argv[++i]); continue; }
        if (i + 1 >= argc) { fprintf(stderr, "powercut: %s needs a value\n", argv[i]); return usage(); }
        const char *v = argv[++i];
        uint64_t x;
        if (!strcmp(argv[i - 1], "--scenario")) only = v;
        else if (!strcmp(argv[i - 1], "--schedule")) sched = v;
        else if (!strcmp(argv[i - 1], "--seeds")) nseeds = (unsigned)atoi(v);
        else if (!strcmp(argv[i - 1], "--step")) step = (uint32_t)atoi(v);
        else if (!strcmp(argv[i - 1], "--replay")) replay = v;
        else if (!strcmp(argv[i - 1], "--cut-seed")) {
            if (parse_u64(v, &x, 1)) { fprintf(stderr, "powercut: --cut-seed: not a number\n"); return 2; }
            cut_seed = x;
        } else { fprintf(stderr, "powercut: unknown option %s\n", argv[i - 1]); return usage(); }
    }
    struct replay rp;
    if (replay) {
        if (parse_replay(replay, &rp)) { fprintf(stderr, "powercut: bad --replay %s\n", replay); return usage(); }
        if (rp.has_seed) cut_seed = rp.seed;
    }
    if (step < 16) step = 16;
    uint8_t *digest;
    size_t dl;
    old_img = pc_file(argv[1], &old_len, 0);
    new_img = pc_file(argv[2], &new_len, 0);
    enc_img = pc_file(argv[3], &enc_len, 0);
    digest = pc_file(argv[5], &dl, 0);
    if (dl != 32) { fprintf(stderr, "powercut: %s: not a 32-byte digest\n", argv[5]); return 2; }
    pc_open(&P, digest, argv[4]);
    P.cut_seed = cut_seed;
    setup();
    printf("powercut: NEW image %zu bytes (%zu encrypted), old '%s', new '%s'\n", new_len, enc_len,
           old_info.desc.version, new_info.desc.version);
    printf("powercut: fault model torn prefix + half-programmed word / weakly erased sector, cut seed %llu, step %u%s\n",
           (unsigned long long)cut_seed, (unsigned)step, dry ? " (--count: nothing is cut)" : "");
    printf("%-12s %10s | %-18s | %-16s | %-18s | %s\n", "scenario", "ops", "linear ok/tried", "torn ok/tried",
           "double ok/tried", "total");
    int matched = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const struct scenario *sc = &scenarios[i];
        if (only && strcmp(only, sc->name)) continue;
        if (sc->from == S_STAGE && !PS.on) continue;   /* no --stage DIR: no staged-update images */
        matched++;
        if (replay) {
            struct tally t = {0, 0, 0};
            one(sc, rp.sched, rp.c1, rp.k1, rp.c2, rp.k2, &t);
            printf("replay %s/%s cut %llu keep %s", sc->name, rp.sched, (unsigned long long)rp.c1, keep_str(rp.k1));
            if (rp.c2) printf(" then %llu keep %s", (unsigned long long)rp.c2, keep_str(rp.k2));
            printf(" seed %llu: %s\n", (unsigned long long)cut_seed, t.survived ? "survived" : "FAILED");
            continue;
        }
        run_scenario(sc, sched);
    }
    if (!matched) { fprintf(stderr, "powercut: no scenario named %s\n", only); return 2; }
    if (dry) printf("powercut: counted (nothing cut)\n");
    else if (failures) printf("powercut: %d cut point(s) FAILED (cut seed %llu)\n", failures, (unsigned long long)cut_seed);
    else printf("powercut: every cut point survived\n");
    return failures ? 1 : 0;
}
