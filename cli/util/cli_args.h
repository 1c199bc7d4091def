/* SPDX-License-Identifier: Apache-2.0 */
/* GNU command-line forms for both CLIs, and "did you mean" hints.
 *
 * cli_gnu_args() rewrites a command's argv once, before the command parses
 * it, so every command accepts the same forms:
 *   --name=VALUE   same as --name VALUE
 *   -oVALUE        same as -o VALUE (-o is the only short option with a value)
 *   --             ends the options: every later argument is an operand, even
 *                  one that begins with '-' (cli_is_option() says no for it)
 *   -              stdin or stdout, as each command's --help says
 * A flag given a value (--json=1) leaves the value as an operand, which the
 * command then refuses (usage error) unless it expects one there. */
#ifndef FW_CLI_ARGS_H
#define FW_CLI_ARGS_H

#include <stdio.h>

/* Rewrite argv[1..argc) (argv[0] is the command name). The new vector lives
 * until exit. Returns 0, or EXIT_USAGE after printing the error. */
int cli_gnu_args(int *argc, char ***argv);

/* True when arg is to be parsed as an option: begins with '-', is not "-",
 * and did not follow "--". */
int cli_is_option(const char *arg);
/* arg is the option name (and not an operand after "--"). */
int cli_opt(const char *arg, const char *name);

/* After a usage error of `prog` (argv = the whole command line, argv[1] the
 * command, run its entry point): for each argument the error line just
 * printed names, print a hint: the fwseal equivalent of an espsecure /
 * esptool habit, the dashed spelling of an underscored option, or the
 * nearest option of the command's own --help. Returns the number of hints. */
int cli_suggest(const char *prog, int argc, char **argv, int (*run)(int, char **));

/* A hint for an unknown command name: an espsecure/esptool equivalent or the
 * nearest of names[] (NULL-terminated). NULL if nothing is close. */
const char *cli_command_hint(const char *word, const char *const *names, char *buf, size_t len);

#endif
