/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal-device/fleet_cli.h"

#include <string.h>

#include "device/fwd_nvs_part.h"
#include "fw_manifest.h"

int fleet_id_valid(const char *id) { return fw_mf_check_device_id(id) == FW_OK; }

const char *fleet_id_get(const struct devdir *dd) { return devdir_conf_get(dd, "device_id"); }

int fleet_state_read(struct devdir *dd, struct fwd_fleet_state *st)
{
    static struct fwd_nvs_dev nv;
    memset(st, 0, sizeof *st);
    int rc = fwd_nvs_dev_open(&nv, &dd->dev, "nvs", 1);
    if (rc) return rc;
    rc = fwd_fleet_state_load(&nv.nvs.store, st);
    fwd_nvs_dev_close(&nv);
    return rc;
}
