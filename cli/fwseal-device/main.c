/* SPDX-License-Identifier: Apache-2.0 */
/* build/bin/fwseal-device — drives a simulated device kept in a directory. */
#include <stdio.h>

#include "cli/fwseal-device/commands.h"
#include "cli/util/cli.h"

extern const struct cli_cmd cmd_flash;
extern const struct cli_cmd cmd_init;
extern const struct cli_cmd cmd_read;
extern const struct cli_cmd cmd_status;
extern const struct cli_cmd cmd_boot;
extern const struct cli_cmd cmd_confirm;
extern const struct cli_cmd cmd_rollback;
extern const struct cli_cmd cmd_revoke;
extern const struct cli_cmd cmd_ota;
extern const struct cli_cmd cmd_nvs, cmd_factory_reset;
extern const struct cli_cmd cmd_update;

/* One line per subcommand. */
static const struct cli_cmd *const commands[] = {
    &cmd_init,
    &cmd_flash,
    &cmd_read,
    &cmd_status,
    &cmd_boot,
    &cmd_confirm,
    &cmd_rollback,
    &cmd_revoke,
    &cmd_ota,
    &cmd_update,
    &cmd_nvs,
    &cmd_factory_reset,
    NULL
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal-device <command> DIR [options]\n"
            "\n"
            "A simulated ESP32-class device kept in directory DIR: NOR flash with flash\n"
            "encryption, eFuses, a Secure Boot V2 bootloader, OTA and NVS.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; commands[i]; i++) fprintf(f, "  %-16s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f,
            "\n"
            "Run `fwseal-device <command> --help` for options and examples.\n"
            "Options take GNU forms (--partition=LABEL, -oFILE, -- ends options).\n"
            "Exit codes: 0 ok, 1 rejected, 2 usage, 3 I/O, 4 nothing to do (update), 99 simulated power loss.\n"
            "Fault injection (environment): FWSEAL_SIM_TRACE=FILE, FWSEAL_SIM_CUT_AT=N,\n"
            "FWSEAL_SIM_CUT_MODE=torn, FWSEAL_SIM_CUT_SEED=S (torn bits), FWSEAL_SIM_CUT_KEEP=BYTES.\n");
}

int main(int argc, char **argv)
{
    return cli_main("fwseal-device", argc, argv, commands, usage);
}
