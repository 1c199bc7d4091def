/* SPDX-License-Identifier: Apache-2.0 */
/* The one command dispatcher of both CLIs (fwseal, fwseal-device): a table
 * of subcommands, --help / --version, GNU option forms, "did you mean". */
#ifndef CLI_MAIN_H
#define CLI_MAIN_H

#include <stdio.h>

/* One subcommand. It receives argv with argv[0] = its own name and returns
 * an exit code (cli/util/cli.h). Every command must answer --help. */
struct cli_cmd {
    const char *name;
    const char *summary;          /* one line for the program's --help */
    int (*run)(int argc, char **argv);
};

/* The program's main: prog names it (cli_prog), commands is NULL-terminated,
 * usage prints the program's own --help text. */
int cli_main(const char *prog, int argc, char **argv, const struct cli_cmd *const *commands, void (*usage)(FILE *f));

#endif
