/* SPDX-License-Identifier: Apache-2.0 */
/* Simulated ROM stage (see fwb_rom.h). */
#include "boot/fwb_rom.h"

#include <string.h>

struct at {
    struct fwd_dev *d;
    uint32_t base;
};

static int read_at(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct at *a = ctx;
    /* the bootloader region is encrypted whenever flash encryption is on (FORMATS 4.1) */
    return fwd_dev_read_abs(a->d, a->base + off, buf, len, 1);
}

int fwb_rom_verify_at(struct fwd_dev *d, const struct fwd_efuse_state *ef, uint32_t offset, uint32_t max,
                      struct fwd_verify_work *w, struct fwd_verify_result *vr)
{
    struct at a = {d, offset};
    if ((uint64_t)offset + max > d->plat->flash.size) max = offset < d->plat->flash.size ? d->plat->flash.size - offset : 0;
    struct fwd_verify_policy pol = {.efuse = ef, .part_offset = offset, .kind = FW_IMAGE_KIND_BOOTLOADER};
    return fwd_verify_image(read_at, &a, max, &pol, w, vr);
}

int fwb_rom_run(struct fwd_dev *d, const struct fwd_efuse_state *ef, const struct fwb_rom_cfg *cfg,
                struct fwd_verify_work *w, struct fwb_rom_result *res)
{
    static struct fwd_verify_result vr;   /* ~0.4 KiB: kept off a ROM-sized stack */
    memset(res, 0, sizeof *res);
    res->key_slot = -1;
    int rc = fwb_rom_verify_at(d, ef, cfg->bootloader_offset, cfg->bootloader_max, w, &vr);
    res->primary_reason = vr.reason;
    if (rc == FW_ERR_POWER_LOSS) return rc;
    if (rc == FW_OK && vr.reason == FWD_VR_OK) {
        res->booted_offset = cfg->bootloader_offset;
    } else {
        if (!cfg->has_recovery) return FW_ERR_NOT_FOUND;
        rc = fwb_rom_verify_at(d, ef, cfg->recovery_offset, cfg->bootloader_max, w, &vr);
        res->recovery_reason = vr.reason;
        if (rc == FW_ERR_POWER_LOSS) return rc;
        if (rc != FW_OK || vr.reason != FWD_VR_OK) return FW_ERR_NOT_FOUND;
        res->used_recovery = 1;
        res->booted_offset = cfg->recovery_offset;
    }
    res->desc = vr.boot;
    memcpy(res->digest, vr.digest, sizeof res->digest);
    res->key_slot = vr.key_slot;
    return FW_OK;
}
