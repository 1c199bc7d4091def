/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device boot: power on the simulated device and run the Secure Boot V2
 * bootloader (boot/fwb_boot.c); the booted partition becomes the running app. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/fwseal-device/otadata_view.h"
#include "cli/fwseal-device/running.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"
#include "host/fwh_json.h"
#include "device/fwd_efuse.h"
#include "fw_otadata.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device boot DIR [--json]\n\n"
               "Power on: the bootloader turns an unconfirmed PENDING_VERIFY entry into\n"
               "ABORTED, picks the slot (highest valid otadata sequence, then the other entry,\n"
               "factory, unmarked slots, test), fully verifies it (structure, SHA-256, chip,\n"
               "secure_version >= eFuse, Secure Boot V2 signature against the eFuse digests),\n"
               "falls back to the next candidate if it fails, marks a NEW entry\n"
               "PENDING_VERIFY and records the booted partition as the running app.\n"
               "Prints the booted label, app version, secure_version and the ota state of\n"
               "the otadata entry that chose it (\"none\" when none did). When otadata\n"
               "chose nothing (both records empty or corrupt, or its slot failed) it first\n"
               "says what it found and that it boots by the default order, and says so\n"
               "when it writes a fresh record for the slot it booted.\n"
               "Exit 1 with \"no bootable image\" when nothing verifies.\n\n"
               "Before all that, on a device created with `init --bootloader`, the simulated ROM\n"
               "verifies the bootloader in flash (Secure Boot V2; with `--recovery-bootloader` it\n"
               "falls back to that one), and a copy a power cut left pending (`ota --target`,\n"
               "copy journal) is finished before the partition table is read.\n\n"
               "Anti-rollback heal: booting an image whose otadata entry is VALID raises the\n"
               "eFuse secure_version to the image's when it is lower (a confirm cut short by\n"
               "a power loss); never for a NEW or PENDING_VERIFY image.\n\n"
               "options:\n  --json   one JSON object on stdout\n\n"
               "example:\n  fwseal-device boot dev --json\n");
}

/* The state of the otadata entry that chose the booted slot; "none" when
 * none did (factory, or the default order after otadata named nothing
 * bootable), even if a fresh record was written for it afterwards. */
static const char *state_name(const struct fwb_result *r)
{
    return r->has_state && !r->by_default ? fw_otadata_state_name(r->state) : "none";
}

/* Did otadata hold no selectable entry at all (vs. its slot failed)? */
static int no_selectable_record(const struct fwb_result *r)
{
    return r->otadata_present && r->otadata_status[0] != FW_OK && r->otadata_status[1] != FW_OK;
}

/* Before the "booted" line: what otadata held when it did not choose. */
static void print_found(const struct fwb_result *r)
{
    char found[96];
    if (!r->otadata_present || !r->by_default) return;
    otadata_found_str(r->otadata_status, found, sizeof found);
    if (no_selectable_record(r))
        printf("otadata: no valid record (%s); booting by the default order\n", found);
    else
        printf("otadata: the selected slot did not verify (%s); booting by the default order\n", found);
}

/* Images the bootloader tried and refused before the one it booted. */
static void print_skipped(const struct fwb_result *r)
{
    for (int i = 0; i < r->n_attempts; i++)
        if (r->attempts[i].reason != FWD_VR_OK)
            printf("bootloader: skipped %s: %s\n", r->attempts[i].label, fwd_verify_reason_str(r->attempts[i].reason));
}

static void print_after(const struct fwb_result *r)
{
    if (r->fresh_record)
        printf("otadata: wrote a fresh record selecting %s (seq %d) so the app can confirm, roll back and update\n",
               r->part->label, r->slot + 1);
}

static void print_json(const struct fwb_result *r, int booted, unsigned efuse_sv)
{
    struct fw_json j;
    fw_json_init(&j, stdout, FW_JSON_TIGHT);
    fw_json_obj(&j);
    fw_json_kstr(&j, "booted", booted ? r->part->label : NULL);
    if (booted) {
        fw_json_kstr(&j, "version", r->app.desc.version);
        fw_json_kstr(&j, "project", r->app.desc.project_name);
        fw_json_ku64(&j, "secure_version", r->app.desc.secure_version);
        fw_json_kstr(&j, "ota_state", state_name(r));
        fw_json_ki64(&j, "key_slot", r->key_slot);
        fw_json_khex(&j, "digest", r->digest, 32);
        fw_json_kstr(&j, "selected_by", r->by_default ? "default-order" : "otadata");
        fw_json_kbool(&j, "fresh_otadata_record", r->fresh_record);
    }
    fw_json_key(&j, "otadata");
    if (r->otadata_present) {
        fw_json_arr(&j);
        fw_json_str(&j, otadata_status_name(r->otadata_status[0]));
        fw_json_str(&j, otadata_status_name(r->otadata_status[1]));
        fw_json_end(&j);
    } else fw_json_null(&j);
    fw_json_ku64(&j, "efuse_secure_version", efuse_sv);
    fw_json_key(&j, "attempts");
    fw_json_arr(&j);
    for (int i = 0; i < r->n_attempts; i++) {
        fw_json_obj(&j);
        fw_json_kstr(&j, "partition", r->attempts[i].label);
        fw_json_kstr(&j, "result", fwd_verify_reason_str(r->attempts[i].reason));
        fw_json_end(&j);
    }
    fw_json_end(&j);
    stage_boot_json(&j);   /* ROM and copy journal (stage_boot.c) */
    fw_json_end(&j);
}

static int do_boot(struct devdir *dd, int json)
{
    struct fwd_ota_dev *od = calloc(1, sizeof *od);
    struct fwb_result r;
    char why[512];
    if (!od) return cli_err(EXIT_IO, "out of memory");
    int rc = running_boot(dd, od, &r);
    unsigned efuse_sv = fwd_efuse_secure_version(&od->efuse);
    if (rc == FW_OK || rc == FW_ERR_NOT_FOUND) {
        if (json) print_json(&r, rc == FW_OK, efuse_sv);
        else if (rc == FW_OK) {
            print_found(&r);
            print_skipped(&r);
            printf("booted %s: version %s, secure_version %u, ota state %s (eFuse secure_version %u)\n",
                   r.part->label, r.app.desc.version, (unsigned)r.app.desc.secure_version, state_name(&r), efuse_sv);
            print_after(&r);
        }
    }
    if (rc == FW_ERR_NOT_FOUND) {
        running_attempts_str(&r, why, sizeof why);
        if (no_selectable_record(&r)) {
            char found[96];
            otadata_found_str(r.otadata_status, found, sizeof found);
            rc = cli_err(EXIT_REJECT, "%s: no bootable image (%s; otadata had no valid record: %s)", dd->dir, why, found);
        } else
            rc = cli_err(EXIT_REJECT, "%s: no bootable image (%s)", dd->dir, why);
    } else if (rc == FW_ERR_STATE) {
        rc = cli_err(EXIT_REJECT, "%s: boot decision check failed: refusing to boot", dd->dir);
    } else if (rc) {
        rc = devdir_fail(dd, "boot", rc);
    }
    running_detach(od);
    return rc;
}

static int run_boot(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *dir = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--json")) json = 1;
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "boot: unknown option '%s' (see --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_err(EXIT_USAGE, "boot: unexpected argument '%s'", argv[i]);
    }
    if (!dir) return cli_err(EXIT_USAGE, "boot: usage: fwseal-device boot DIR [--json]");
    struct devdir *dd;
    /* The ROM and a pending copy (maybe of the table itself) come before the table is read. */
    int rc = devdir_open(dir, DEVDIR_NO_TABLE, &dd);
    if (rc) return rc;
    if ((rc = stage_boot_prelude(dd, json ? NULL : stdout)) == 0 && (rc = devdir_load_table(dd)) == 0)
        rc = do_boot(dd, json);
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_boot = {"boot", "power on: run the Secure Boot V2 bootloader", run_boot};
