/* SPDX-License-Identifier: Apache-2.0 */
/* init --bootloader / --recovery-bootloader / --copy-journal (see stage_cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"
#include "fw_boot_desc.h"
#include "fw_bytes.h"
#include "fw_copy_journal.h"

int stage_conf_u32(const struct devdir *dd, const char *key, uint32_t *out)
{
    const char *v = devdir_conf_get(dd, key);
    uint64_t x;
    if (!v || cli_parse_u64(v, &x) || x > UINT32_MAX) return -1;
    *out = (uint32_t)x;
    return 0;
}

int stage_conf_append(struct devdir *dd, const char *key, const char *val)
{
    if (dd->nconf == DEVDIR_MAX_CONF) return cli_err(EXIT_IO, "%s: device.conf: too many keys", dd->dir);
    FILE *f = fopen(devdir_path(dd, "device.conf"), "a");
    if (!f || fprintf(f, "%s=%s\n", key, val) < 0 || fclose(f) != 0)
        return cli_err(EXIT_IO, "%s: cannot update device.conf", dd->dir);
    snprintf(dd->conf[dd->nconf].key, sizeof dd->conf[0].key, "%s", key);
    snprintf(dd->conf[dd->nconf].val, sizeof dd->conf[0].val, "%s", val);
    dd->nconf++;
    return 0;
}

/* Factory programming of a bootloader image at `off` (through flash
 * encryption when on, as the bootloader region is encrypted, FORMATS 4.1). */
static int write_boot_image(struct devdir *dd, const char *file, uint32_t off, uint32_t max)
{
    uint8_t *img;
    size_t n;
    int rc = cli_read_file(file, max, &img, &n);
    if (rc) return rc;
    if (!n || img[0] != 0xE9) {
        free(img);
        return cli_err(EXIT_REJECT, "%s: not an ESP image (first byte 0x%02x)", file, n ? img[0] : 0);
    }
    size_t n16 = (size_t)fw_align_up(n, 16), span = (size_t)fw_align_up(n, 4096);
    uint8_t *buf = malloc(n16);
    if (!buf) { free(img); return cli_err(EXIT_IO, "out of memory"); }
    memset(buf, 0xFF, n16);
    memcpy(buf, img, n);
    free(img);
    rc = fwd_flash_erase(&dd->sim.plat.flash, off, span);
    if (!rc) rc = fwd_dev_write_abs(&dd->dev, off, buf, n16, 1);
    free(buf);
    return rc ? devdir_fail(dd, "writing the bootloader", rc) : 0;
}

static uint32_t pt_off(const struct devdir *dd) { return dd->dev.pt_offset ? dd->dev.pt_offset : 0x8000u; }

int stage_init_bootloader(struct devdir *dd, const char *file)
{
    uint32_t off = fw_boot_offset(dd->dev.chip_id);
    int rc = write_boot_image(dd, file, off, pt_off(dd) - off);
    return rc ? rc : stage_conf_append(dd, "rom_verify_bootloader", "1");
}

int stage_init_recovery(struct devdir *dd, const char *file)
{
    const struct fwd_part *p = fwd_part_find_type(&dd->dev, FW_PT_TYPE_BOOTLOADER, 0x02 /* recovery */);
    if (!p) return cli_err(EXIT_USAGE, "--recovery-bootloader: the partition table has no bootloader/recovery partition");
    uint32_t bl = fw_boot_offset(dd->dev.chip_id), max = pt_off(dd) - bl;
    if (p->size < max) max = p->size;
    int rc = write_boot_image(dd, file, p->offset, max);
    char v[16];
    snprintf(v, sizeof v, "0x%x", (unsigned)p->offset);
    return rc ? rc : stage_conf_append(dd, "rom_recovery_offset", v);
}

int stage_init_journal(struct devdir *dd, const char *label)
{
    const struct fwd_part *p = fwd_part_find(&dd->dev, label);
    if (!p) return cli_err(EXIT_USAGE, "--copy-journal: no partition labelled '%s'", label);
    if (p->type != FW_PT_TYPE_DATA || p->subtype == FW_PT_SUB_DATA_OTA || p->subtype == FW_PT_SUB_DATA_NVS ||
        p->size < FW_CJ_SECTOR)
        return cli_err(EXIT_USAGE, "--copy-journal: %s must be a data partition of its own (not otadata or NVS), >= 4 KiB",
                       label);
    int rc = fwd_flash_erase(&dd->sim.plat.flash, p->offset, FW_CJ_SECTOR);
    if (rc) return devdir_fail(dd, "erasing the copy journal", rc);
    char v[16];
    snprintf(v, sizeof v, "0x%x", (unsigned)p->offset);
    return stage_conf_append(dd, "journal_offset", v);
}
