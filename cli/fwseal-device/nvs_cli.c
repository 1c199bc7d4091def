/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal-device/nvs_cli.h"

#include <stdlib.h>
#include <string.h>

#include "cli/util/cli.h"
#include "fw_bytes.h"
#include "fw_err.h"

int nvscli_nor_view(struct devdir *dd, struct fwd_sim_nor *view)
{
    struct fwd_flash f = { 0 };
    fwd_sim_nor_hal(view, &dd->sim.flash, &f);
    for (size_t i = 0; i < dd->dev.nparts; i++) {
        const struct fwd_part *p = &dd->dev.parts[i];
        if (p->type != FWD_PT_DATA || p->subtype != FWD_PST_DATA_NVS) continue;
        if (fwd_sim_nor_allow(view, p->offset, p->size)) break; /* more than 4: the rest stays strict */
    }
    dd->sim.plat.flash = f; /* dd->dev keeps a pointer to dd->sim.plat */
    /* Hardware keys: the encrypting driver goes back on top of the view. */
    if (dd->hw_keys) fwd_sim_keystore_attach(&dd->ks, &dd->sim.plat);
    return 0;
}

int nvscli_fail(struct devdir *dd, const char *what, int err, const char *why)
{
    if (err == FW_ERR_POWER_LOSS) return EXIT_POWER_LOSS;
    return cli_err(cli_exit_for(err) == EXIT_USAGE ? EXIT_REJECT : cli_exit_for(err), "%s: %s: %s", dd->dir, what,
                   why ? why : fw_strerror(err));
}

int nvscli_provision_keys(struct devdir *dd, const char *path)
{
    const struct fwd_part *p = fwd_part_find_type(&dd->dev, FWD_PT_DATA, FWD_PST_DATA_NVS_KEYS);
    if (!p) return cli_err(EXIT_REJECT, "--nvs-keys: the partition table has no data/nvs_keys partition");
    uint8_t *buf, keys[64];
    size_t n;
    int rc = cli_read_file(path, 1024 * 1024, &buf, &n);
    if (rc) return rc;
    rc = n < 68 ? FW_ERR_TRUNCATED : fw_nvs_keys_parse(buf, buf, keys);
    fw_wipe(buf, n);
    free(buf);
    if (rc == FW_ERR_STATE) return cli_err(EXIT_REJECT, "%s: nvs_keys image: keys not initialised (erased)", path);
    if (rc == FW_ERR_TRUNCATED) return cli_err(EXIT_REJECT, "%s: too short for an nvs_keys image", path);
    if (rc) return cli_err(EXIT_REJECT, "%s: corrupt nvs_keys image (CRC mismatch)", path);
    rc = fwd_nvs_keys_provision(&dd->dev, p, keys);
    fw_wipe(keys, sizeof keys);
    if (rc) return nvscli_fail(dd, p->label, rc, NULL);
    if (!p->encrypted) cli_warn("%s: flash encryption is off: nvs_keys stored in plaintext", dd->dir);
    return 0;
}
