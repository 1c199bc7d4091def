/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device rollback: the running app rejects itself
 * (esp_ota_mark_app_invalid_rollback_and_reboot). Body in cmd_confirm.c. */
#include <stdio.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/self_mark.h"
#include "cli/util/cli.h"

static int run_rollback(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: fwseal-device rollback DIR\n\n"
               "The running app marks itself INVALID and \"reboots\": the next `boot` runs the\n"
               "other image (the previous slot or factory). Refused (exit 1, nothing changed)\n"
               "when there is no rollback target that verifies. The eFuse secure_version is\n"
               "not touched. Boots first if no app runs.\n\n"
               "example:\n  fwseal-device rollback dev && fwseal-device boot dev\n");
        return 0;
    }
    return self_mark_run(argc, argv, 0);
}

const struct cli_cmd cmd_rollback = {"rollback", "running app marks itself invalid (next boot rolls back)", run_rollback};
