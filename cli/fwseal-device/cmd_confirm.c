/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device confirm / rollback: the running app marks itself valid
 * (fwd_ota_mark_app_valid: VALID, then the eFuse secure_version is raised;
 * a power cut in between is healed by the next boot or OTA)
 * or invalid (fwd_ota_mark_app_invalid: INVALID, the device reboots into the
 * other image at the next `boot`). cmd_rollback.c holds the second command. */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/fwseal-device/running.h"
#include "cli/fwseal-device/self_mark.h"
#include "cli/util/cli.h"
#include "device/fwd_efuse.h"

static int mark(struct devdir *dd, struct fwd_ota_dev *od, int valid)
{
    struct running_saved saved;
    char label[FWD_PART_LABEL_LEN + 1];
    snprintf(label, sizeof label, "%s", od->running->label);
    /* A power cut in the middle leaves nothing running until the next boot. */
    int rc = running_suspend(dd, &saved);
    if (rc) return rc;
    int e = valid ? fwd_ota_mark_app_valid(od) : fwd_ota_mark_app_invalid(od);
    if (e == FW_ERR_STATE) {
        running_resume(dd, &saved);   /* nothing changed: the app still runs */
        return cli_err(EXIT_REJECT, "%s: %s: %s", dd->dir, label,
                       valid ? "the running app is not the active otadata entry (factory or fallback)"
                             : "no rollback target (no other selectable slot or factory that verifies)");
    }
    if (e) return devdir_fail(dd, valid ? "confirm" : "rollback", e);
    if (valid) {
        if ((rc = running_resume(dd, &saved)) != 0) return rc;
        printf("confirmed %s (VALID), eFuse secure_version %u\n", label, fwd_efuse_secure_version(&od->efuse));
    } else {
        printf("%s marked INVALID; rebooting: run `fwseal-device boot %s`\n", label, dd->dir);
    }
    return 0;
}

int self_mark_run(int argc, char **argv, int valid)
{
    const char *name = valid ? "confirm" : "rollback";
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "%s: unknown option '%s' (see --help)", name, argv[i]);
        if (dir) return cli_err(EXIT_USAGE, "%s: unexpected argument '%s'", name, argv[i]);
        dir = argv[i];
    }
    if (!dir) return cli_err(EXIT_USAGE, "%s: usage: fwseal-device %s DIR", name, name);
    struct devdir *dd;
    struct fwd_ota_dev *od;
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    if ((rc = running_attach(dd, &od, stdout)) == 0) {
        rc = mark(dd, od, valid);
        running_detach(od);
    }
    devdir_close(dd);
    return rc;
}

static int run_confirm(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: fwseal-device confirm DIR\n\n"
               "The running app confirms itself after its self-test\n"
               "(esp_ota_mark_app_valid_cancel_rollback): its otadata entry becomes VALID,\n"
               "THEN the eFuse secure_version is raised to the app's (only missing bits).\n"
               "If power is lost in between, the next boot (or OTA) raises it before\n"
               "anything else runs. Boots first if no app runs. Exit 1 when the running\n"
               "app has no otadata entry (factory).\n\n"
               "example:\n  fwseal-device confirm dev\n");
        return 0;
    }
    return self_mark_run(argc, argv, 1);
}

const struct cli_cmd cmd_confirm = {"confirm", "running app marks itself valid (burns secure_version)", run_confirm};
