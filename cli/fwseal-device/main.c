/* SPDX-License-Identifier: Apache-2.0 */
/* build/bin/fwseal-device — drives a simulated device kept in a directory. */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/util/cli.h"
#include "cli/util/cli_args.h"
#include "fw_version.h"

extern const struct fwdev_cmd cmd_flash;
extern const struct fwdev_cmd cmd_init;
extern const struct fwdev_cmd cmd_read;
extern const struct fwdev_cmd cmd_status;
extern const struct fwdev_cmd cmd_boot;
extern const struct fwdev_cmd cmd_confirm;
extern const struct fwdev_cmd cmd_rollback;
extern const struct fwdev_cmd cmd_revoke;
extern const struct fwdev_cmd cmd_ota;
extern const struct fwdev_cmd cmd_nvs, cmd_factory_reset;

/* One line per subcommand. */
static const struct fwdev_cmd *const commands[] = {
    &cmd_init,
    &cmd_flash,
    &cmd_read,
    &cmd_status,
    &cmd_boot,
    &cmd_confirm,
    &cmd_rollback,
    &cmd_revoke,
    &cmd_ota,
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
            "Exit codes: 0 ok, 1 rejected, 2 usage, 3 I/O, 99 simulated power loss.\n"
            "Fault injection (environment): FWSEAL_SIM_TRACE=FILE, FWSEAL_SIM_CUT_AT=N,\n"
            "FWSEAL_SIM_CUT_MODE=torn, FWSEAL_SIM_CUT_SEED=S (torn bits), FWSEAL_SIM_CUT_KEEP=BYTES.\n");
}

int main(int argc, char **argv)
{
    cli_prog = "fwseal-device";
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("fwseal-device %s\n", FWSEAL_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; commands[i]; i++) {
        if (strcmp(argv[1], commands[i]->name)) continue;
        int cargc = argc - 1;
        char **cargv = argv + 1;
        int rc = cli_gnu_args(&cargc, &cargv);
        if (!rc) rc = commands[i]->run(cargc, cargv);
        if (rc == EXIT_USAGE) cli_suggest(cli_prog, argc, argv, commands[i]->run);
        return rc;
    }
    cli_err(EXIT_USAGE, "unknown command '%s' (see fwseal-device --help)", argv[1]);
    const char *names[sizeof commands / sizeof commands[0]];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) names[i] = commands[i] ? commands[i]->name : NULL;
    char buf[64];
    const char *hint = cli_command_hint(argv[1], names, buf, sizeof buf);
    if (hint) fprintf(stderr, "fwseal-device: did you mean: %s\n", hint);
    return EXIT_USAGE;
}
