/* SPDX-License-Identifier: Apache-2.0 */
/* NVS pieces of the fwseal-device CLI shared by `nvs`, `factory-reset` and
 * the `init --nvs-keys` option. Functions print their own one-line error and
 * return a CLI exit code. */
#ifndef FWDEV_NVS_CLI_H
#define FWDEV_NVS_CLI_H

#include "cli/fwseal-device/devdir.h"
#include "device/fwd_nvs_part.h"
#include "device/port/sim/fwd_sim_nor.h"

/* Let the device re-program bits inside every data/nvs partition (real NOR
 * behaviour NVS relies on; device/port/sim/fwd_sim_nor.h), strict elsewhere. */
int nvscli_nor_view(struct devdir *dd, struct fwd_sim_nor *view);

/* init --nvs-keys FILE: check the keys image (CRC) and write it into the
 * table's nvs_keys partition through flash encryption. */
int nvscli_provision_keys(struct devdir *dd, const char *path);

/* Exit code + message for an NVS error. */
int nvscli_fail(struct devdir *dd, const char *what, int err, const char *why);

#endif
