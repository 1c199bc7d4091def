/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet pieces of the fwseal-device CLI shared by `init --id`, `status` and
 * `update`: the device id (device.conf device_id=ID) and the device's
 * manifest memory in its NVS partition (device/fwd_fleet_state.h). */
#ifndef FWDEV_FLEET_CLI_H
#define FWDEV_FLEET_CLI_H

#include "cli/fwseal-device/devdir.h"
#include "device/fwd_fleet_state.h"

#define FLEET_ID_MAX 32 /* FW_MF_DEVICE_ID_MAX */

/* 1 if id is a valid fleet device id (common/fw_manifest.h
 * fw_mf_check_device_id: 1..32 of [A-Za-z0-9._-], not starting with '.';
 * it becomes part of a file name and a URL path). */
int fleet_id_valid(const char *id);

/* The device id recorded by `init --id`, or NULL. */
const char *fleet_id_get(const struct devdir *dd);

/* Read the manifest memory from the "nvs" partition (read-only mount).
 * FW_OK, FW_ERR_NOT_FOUND (no nvs partition), or the NVS error. */
int fleet_state_read(struct devdir *dd, struct fwd_fleet_state *st);

#endif
