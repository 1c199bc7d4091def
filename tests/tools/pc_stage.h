/* SPDX-License-Identifier: Apache-2.0 */
/* The staged-update scenarios of make powercut (issue 18), included by
 * tests/tools/powercut.c after its device P, OLD/NEW infos and tallies.
 *
 * The device of the other scenarios gets a real partition table at 0x8000
 * (the same layout plus a copy-journal sector at 0xf000 and a recovery
 * bootloader partition at 0xf0000), bootloader BL1 at 0x0 (and at 0xf0000),
 * OLD running in ota_0 as VALID. Each scenario runs one staged update
 * through device/fwd_stage.h (download into the passive slot ota_1, verify,
 * journalled copy), cut at every flash operation; the recovery is a power-on:
 * the simulated ROM (boot/fwb_rom.h), the copy-journal resume, then the
 * second-stage bootloader on the table read from flash.
 *
 *   stage-bootloader   BL1 -> BL2, ROM with a recovery bootloader
 *   stage-bootloader-norecovery   the same on a ROM without one: cuts that
 *                      leave no verifying bootloader are the unprotectable
 *                      window; they must all lie in the bootloader copy
 *                      (the journal names a pending bootloader copy) and
 *                      are LISTED (a "window" line), not counted as survived
 *   stage-table        partition table OLD -> NEW (ota_1 grows)
 *   stage-nvs          the NVS partition -> a signed data image
 * Invariants after a cut and a power-on: a bootloader verifies (the primary
 * one after the power-on finished the copy), the journal is not pending,
 * the destination holds exactly the old or the new bytes, OLD boots. */
#ifndef PC_STAGE_H
#define PC_STAGE_H

#include "boot/fwb_rom.h"
#include "device/fwd_stage.h"

#define PCS_JOURNAL  0xf000u
#define PCS_RECOVERY 0xf0000u
#define PCS_BL_MAX   0x8000u
#define S_STAGE      6

static struct {
    int on;                          /* --stage DIR given */
    uint8_t *bl1, *bl2, *pt_old, *pt_new, *nvs;
    size_t bl1_len, bl2_len, pt_old_len, pt_new_len, nvs_len;
    int rom_recovery;                /* the ROM of the scenario running now */
    enum fwd_stage_target target;
    uint8_t nvs_old[PC_NVS_SIZE];
    uint64_t cut1;                   /* first cut of the current trial (powercut.c one()) */
    unsigned long window_cuts;
    uint8_t window[8192];            /* first-cut ops that ended in the window */
} PS;

static void pcs_load(const char *dir)
{
    char p[1024];
#define PCS_FILE(field, name)                                        \
    snprintf(p, sizeof p, "%s/%s", dir, name);                       \
    PS.field = pc_file(p, &PS.field##_len, 0);
    PCS_FILE(bl1, "bl1.bin")
    PCS_FILE(bl2, "bl2.bin")
    PCS_FILE(pt_old, "pt_old.bin")
    PCS_FILE(pt_new, "pt_new.bin")
    PCS_FILE(nvs, "nvs.signed")
#undef PCS_FILE
    PS.on = 1;
}

static int pcs_write_enc(uint32_t off, const uint8_t *p, size_t len, size_t span)
{
    static struct fwd_dev d;
    uint8_t *buf = calloc(1, span);
    memset(buf, 0xFF, span);
    memcpy(buf, p, len);
    int rc = fwd_dev_open_blank(&d, &P.plat);
    if (!rc) rc = fwd_flash_erase(&P.plat.flash, off, span);
    if (!rc) rc = fwd_dev_write_abs(&d, off, buf, (len + 15) & ~(size_t)15, 1);
    fwd_dev_close(&d);
    free(buf);
    return rc;
}

/* Power-on: ROM, copy journal, second stage on the table in flash. */
static int pcs_boot(struct fwb_result *r, int *rom_ok)
{
    static struct fwd_dev d;
    static struct fwd_verify_work w;
    struct fwd_efuse_state ef;
    struct fwb_rom_result rr;
    struct fwd_copy_report rep;
    struct fwb_rom_cfg cfg = {0, PCS_BL_MAX, PS.rom_recovery, PCS_RECOVERY};
    *rom_ok = 0;
    fwd_ota_dev_close(&P.dev);
    int rc = fwd_dev_open_blank(&d, &P.plat);
    if (!rc) rc = pc_efuse_load(&P, &ef);
    if (!rc) rc = fwb_rom_run(&d, &ef, &cfg, &w, &rr);
    if (!rc) *rom_ok = 1, rc = fwd_stage_copy_resume(&d, PCS_JOURNAL, &w, &rep);
    fwd_dev_close(&d);
    if (rc) return rc;
    if ((rc = fwd_ota_dev_open(&P.dev, &P.plat, FW_PT_OFFSET_DEFAULT, NULL))) return rc;
    memset(r, 0, sizeof *r);
    return fwb_boot(&P.dev, r);
}

static int pcs_recover(void)
{
    struct fwb_result r;
    int rom_ok;
    return pcs_boot(&r, &rom_ok);
}

static int pcs_update(const uint8_t *img, size_t len, const char *label)
{
    static struct fwd_stage s;
    fwd_ota_dev_close(&P.dev);
    int rc = fwd_ota_dev_open(&P.dev, &P.plat, FW_PT_OFFSET_DEFAULT, "ota_0");
    if (rc) return rc;
    struct fwd_stage_cfg cfg = {.dev = &P.dev, .target = PS.target, .dest_label = label, .journal_offset = PCS_JOURNAL,
                                .key = &P.key};
    rc = fwd_stage_start(&s, &cfg);
    for (size_t off = 0; rc == FW_OK && off < len; off += 4096)
        rc = fwd_stage_feed(&s, img + off, len - off < 4096 ? len - off : 4096);
    return rc ? rc : fwd_stage_finish(&s);
}

static int pcs_run_bl(void) { PS.target = FWD_STAGE_BOOTLOADER, PS.rom_recovery = 1; return pcs_update(PS.bl2, PS.bl2_len, NULL); }
static int pcs_run_bl_norec(void) { PS.target = FWD_STAGE_BOOTLOADER, PS.rom_recovery = 0; return pcs_update(PS.bl2, PS.bl2_len, NULL); }
static int pcs_run_table(void) { PS.target = FWD_STAGE_PARTITION_TABLE, PS.rom_recovery = 0; return pcs_update(PS.pt_new, PS.pt_new_len, NULL); }
static int pcs_run_nvs(void) { PS.target = FWD_STAGE_DATA, PS.rom_recovery = 0; return pcs_update(PS.nvs, PS.nvs_len, "nvs"); }

/* Bytes at off (decrypted when enc) equal img[0, len) (and, with span, 0xFF after it). */
static int pcs_holds(uint32_t off, const uint8_t *img, size_t len, int enc)
{
    static struct fwd_dev d;
    uint8_t *b = malloc(len);
    int same = fwd_dev_open_blank(&d, &P.plat) == FW_OK && fwd_dev_read_abs(&d, off, b, len, enc) == FW_OK &&
               !memcmp(b, img, len);
    fwd_dev_close(&d);
    free(b);
    return same;
}

/* "" = the window (expected, listed), NULL = survived, else why. */
static const char *pcs_check(void)
{
    static char why[160];
    struct fwb_result r;
    int rom_ok;
    struct fw_cj_state st;
    static struct fwd_verify_work w;
    static struct fwd_dev d;
    int rc = pcs_boot(&r, &rom_ok);
    if (!rom_ok && rc == FW_ERR_NOT_FOUND && !PS.rom_recovery && PS.target == FWD_STAGE_BOOTLOADER) {
        /* the window: only while the journal names a pending bootloader copy */
        int pend = fwd_dev_open_blank(&d, &P.plat) == FW_OK && fwd_stage_journal_read(&d, PCS_JOURNAL, &w, &st) == FW_OK &&
                   st.pending && st.h.kind == FW_CJ_BOOTLOADER;
        fwd_dev_close(&d);
        if (!pend) return "no bootloader verifies and no bootloader copy is pending";
        return "";
    }
    if (!rom_ok) return "no bootloader verifies (the ROM does not boot)";
    if (rc) { snprintf(why, sizeof why, "no boot after the cut (%s)", fw_strerror(rc)); return why; }
    if (strcmp(r.app.desc.version, old_info.desc.version)) return "the running app changed";
    if (fwd_dev_open_blank(&d, &P.plat) != FW_OK || fwd_stage_journal_read(&d, PCS_JOURNAL, &w, &st) != FW_OK) return "journal unreadable";
    fwd_dev_close(&d);
    if (st.pending) return "a copy is still pending after the power-on";
    switch (PS.target) {
    case FWD_STAGE_BOOTLOADER:
        if (!pcs_holds(0, PS.bl1, PS.bl1_len, 1) && !pcs_holds(0, PS.bl2, PS.bl2_len, 1)) return "the bootloader is neither BL1 nor BL2";
        break;
    case FWD_STAGE_PARTITION_TABLE:
        if (!pcs_holds(FW_PT_OFFSET_DEFAULT, PS.pt_old, PS.pt_old_len, 1) && !pcs_holds(FW_PT_OFFSET_DEFAULT, PS.pt_new, PS.pt_new_len, 1))
            return "the partition table is neither the old nor the new one";
        break;
    default: {
        static uint8_t want[PC_NVS_SIZE];
        memset(want, 0xFF, sizeof want);
        memcpy(want, PS.nvs, PS.nvs_len);
        if (!pcs_holds(PC_NVS_OFF, PS.nvs_old, PC_NVS_SIZE, 0) && !pcs_holds(PC_NVS_OFF, want, PC_NVS_SIZE, 0))
            return "the NVS partition is neither the old nor the new image";
    }
    }
    return NULL;
}

/* After the scenario: the window as the run found it. */
static void pcs_report(const char *name)
{
    if (!PS.window_cuts) return;
    printf("window scenario=%s cuts=%lu first_cut_ops=", name, PS.window_cuts);
    int first = 1;
    for (size_t i = 1; i < sizeof PS.window; i++) {
        if (!PS.window[i] || PS.window[i - 1]) continue;
        size_t j = i;
        while (j + 1 < sizeof PS.window && PS.window[j + 1]) j++;
        printf("%s%zu", first ? "" : ",", i);
        if (j > i) printf("-%zu", j);
        first = 0;
    }
    printf(" (bootloader sector erase/program at 0x0-0x%x: no recovery bootloader, nothing verifies)\n", PCS_BL_MAX - 1);
    PS.window_cuts = 0;
    memset(PS.window, 0, sizeof PS.window);
}

/* Snapshot S_STAGE from S_BASE: table, BL1 (primary and recovery), journal erased. */
static void pcs_setup(void)
{
    if (!PS.on) return;
    pc_restore(&P, S_BASE);
    int rc = pcs_write_enc(FW_PT_OFFSET_DEFAULT, PS.pt_old, PS.pt_old_len, FW_PT_SECTOR_LEN);
    if (!rc) rc = pcs_write_enc(0, PS.bl1, PS.bl1_len, (PS.bl1_len + 4095) & ~(size_t)4095);
    if (!rc) rc = pcs_write_enc(PCS_RECOVERY, PS.bl1, PS.bl1_len, (PS.bl1_len + 4095) & ~(size_t)4095);
    if (!rc) rc = fwd_flash_erase(&P.plat.flash, PCS_JOURNAL, 0x1000);
    if (rc) die("staged-update snapshot", rc);
    memcpy(PS.nvs_old, P.sim.flash.mem + PC_NVS_OFF, PC_NVS_SIZE);
    struct fwb_result r;
    int rom_ok;
    PS.rom_recovery = 0;
    if ((rc = pcs_boot(&r, &rom_ok)) || strcmp(r.app.desc.version, old_info.desc.version)) die("staged-update snapshot boot", rc ? rc : FW_ERR_STATE);
    pc_snapshot(&P, S_STAGE);
}

#endif
