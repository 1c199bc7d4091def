/* SPDX-License-Identifier: Apache-2.0 */
/* Shared body of `confirm` and `rollback` (cmd_confirm.c). */
#ifndef FWDEV_SELF_MARK_H
#define FWDEV_SELF_MARK_H

/* valid = 1: confirm; 0: rollback. Returns an exit code. */
int self_mark_run(int argc, char **argv, int valid);

#endif
