/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal-device/fleet_cli.h"

#include <string.h>

#include "device/fwd_nvs_part.h"

int fleet_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > FLEET_ID_MAX || id[0] == '.' || id[0] == '-') return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                 ch == '_' || ch == '-';
        if (!ok) return 0;
    }
    return 1;
}

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
