/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device's side of staged updates (device/fwd_stage.h): the simulated
 * ROM and copy-journal recovery at power-on, `init --bootloader /
 * --recovery-bootloader / --copy-journal`, `ota --target`, and what `status`
 * shows of them.
 *
 * device.conf keys (the simulated chip's fixed settings):
 *   rom_verify_bootloader=1   init got --bootloader: at every power-on the ROM
 *                             verifies the bootloader in flash (Secure Boot V2)
 *                             before the second stage runs (boot/fwb_rom.h)
 *   rom_recovery_offset=ADDR  the ROM falls back to the recovery bootloader at
 *                             ADDR (the recovery-bootloader eFuse of newer chips);
 *                             absent: no fallback (ESP32, S3, C3, C6 ...)
 *   journal_offset=ADDR       the copy journal's sector, a constant of the
 *                             bootloader like the table offset: found without
 *                             reading the (maybe half-copied) partition table */
#ifndef FWDEV_STAGE_CLI_H
#define FWDEV_STAGE_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "cli/fwseal-device/devdir.h"
#include "cli/fwseal-device/ota_run.h"
#include "host/fwh_json.h"

/* init provisioning (run with the device built, table loaded). */
int stage_init_bootloader(struct devdir *dd, const char *file);
int stage_init_recovery(struct devdir *dd, const char *file);
int stage_init_journal(struct devdir *dd, const char *label);

/* Power-on before the second stage: ROM check (if configured), then finish a
 * pending copy (if a journal is configured), reloading dd's partition table
 * when the copy was a table. Lines go to log (NULL: silent). Once per
 * process. 0 or an exit code (error printed). */
int stage_boot_prelude(struct devdir *dd, FILE *log);
/* Same, for running_boot: a fw_err (FW_ERR_SIGNATURE when no bootloader
 * verifies, FW_ERR_DIGEST when a pending copy cannot be finished). */
int stage_boot_prelude_fw(struct devdir *dd);

/* boot --json: "rom" (which bootloader the ROM ran) and "copy_finished" (the
 * copy this power-on finished, null if none), when configured. */
void stage_boot_json(struct fw_json *j);

/* `ota DIR --target T (--file F | URL) [--staging LABEL]`. */
int stage_run_cmd(const char *dir, struct ota_run_opts *o, const char *target, const char *staging);
extern const char stage_run_help[];

/* status additions. */
void stage_status_json(struct fw_json *j, struct devdir *dd);
void stage_status_text(FILE *f, struct devdir *dd);

/* device.conf helpers */
int stage_conf_u32(const struct devdir *dd, const char *key, uint32_t *out);
int stage_conf_append(struct devdir *dd, const char *key, const char *val);

#endif
