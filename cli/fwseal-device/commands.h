/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device subcommands. Each lives in its own cmd_<name>.c and is listed in
 * main.c's table. A command receives argv with argv[0] = its own name and
 * returns an exit code (cli/util/cli.h). Every command must answer --help. */
#ifndef FWDEV_COMMANDS_H
#define FWDEV_COMMANDS_H

#include "cli/util/cli_main.h"  /* struct cli_cmd */

#endif
