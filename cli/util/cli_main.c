/* SPDX-License-Identifier: Apache-2.0 */
/* The one command dispatcher of both CLIs (see cli_main.h). */
#include "cli/util/cli_main.h"

#include <string.h>

#include "cli/util/cli.h"
#include "cli/util/cli_args.h"
#include "fw_version.h"

#define MAX_COMMANDS 64

static int unknown_command(const char *prog, const char *word, const struct cli_cmd *const *commands)
{
    const char *names[MAX_COMMANDS + 1];
    size_t n = 0;
    for (; commands[n] && n < MAX_COMMANDS; n++) names[n] = commands[n]->name;
    names[n] = NULL;
    cli_err(EXIT_USAGE, "unknown command '%s' (see %s --help)", word, prog);
    char buf[64];
    const char *hint = cli_command_hint(word, names, buf, sizeof buf);
    if (hint) fprintf(stderr, "%s: did you mean: %s\n", prog, hint);
    return EXIT_USAGE;
}

int cli_main(const char *prog, int argc, char **argv, const struct cli_cmd *const *commands, void (*usage)(FILE *f))
{
    cli_prog = prog;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("%s %s\n", prog, FWSEAL_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; commands[i]; i++) {
        if (strcmp(argv[1], commands[i]->name)) continue;
        int cargc = argc - 1;
        char **cargv = argv + 1;
        int rc = cli_gnu_args(&cargc, &cargv);
        if (!rc) rc = commands[i]->run(cargc, cargv);
        if (rc == EXIT_USAGE) cli_suggest(prog, argc, argv, commands[i]->run);
        return rc;
    }
    return unknown_command(prog, argv[1], commands);
}
