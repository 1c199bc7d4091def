/* SPDX-License-Identifier: Apache-2.0 */
/* Loading the partition table from flash (FORMATS §6.4) into struct fwd_dev.
 * Decoding and validation are common/fw_partition's; this file reads the
 * 0xC00-byte data area through flash decryption, supplies MD5 (crypto seam) and
 * keeps the compact per-partition view. */
#include "device/fwd_part.h"

#include <string.h>

#include "device/fwd_crypto.h"
#include "fw_bytes.h"
#include "fw_partition.h"

static int md5_cb(void *ctx, const uint8_t *data, size_t len, uint8_t out[16])
{
    (void)ctx;
    return fwd_md5(data, len, out) == FW_OK ? 0 : -1;
}

/* Parse a binary table image (0xC00 bytes or fewer) into d->parts. Stack:
 * struct fw_pt (~3.4 KiB) — only at open time. */
static int load_from(struct fwd_dev *d, const uint8_t *bin, size_t len)
{
    struct fw_pt t;
    int rc = fw_pt_parse(&t, bin, len, d->plat->flash.size, md5_cb, NULL, 0);
    if (rc) return rc;
    if (t.count > FWD_PART_MAX) return FW_ERR_NO_SPACE;
    /* Compact entries go straight into d->parts, then fwd_dev_set_parts
     * validates them in place and derives the effective encryption flag. */
    for (unsigned i = 0; i < t.count; i++) {
        const struct fw_pt_entry *e = &t.e[i];
        struct fwd_part *p = &d->parts[i];
        memset(p, 0, sizeof *p);
        memcpy(p->label, e->label, FW_PT_LABEL_LEN);
        p->type = e->type;
        p->subtype = e->subtype;
        p->offset = e->offset;
        p->size = e->size;
        p->flags = e->flags;
    }
    return fwd_dev_set_parts(d, d->parts, t.count);
}

int fwd_dev_open(struct fwd_dev *d, const struct fwd_platform *plat, uint32_t pt_offset)
{
    int rc = fwd_dev_open_blank(d, plat);
    if (rc) return rc;
    d->pt_offset = pt_offset ? pt_offset : FW_PT_OFFSET_DEFAULT;
    /* The raw table lives in wbuf while it is parsed (wbuf >= 0xC00). */
    _Static_assert(FWD_PART_WBUF >= FW_PT_LEN, "wbuf holds the partition table");
    if (d->pt_offset % FW_PT_SECTOR_LEN) rc = FW_ERR_ALIGN;
    if (rc == FW_OK) rc = fwd_dev_read_abs(d, d->pt_offset, d->wbuf, FW_PT_LEN, 1);
    if (rc == FW_OK) rc = load_from(d, d->wbuf, FW_PT_LEN);
    fw_wipe(d->wbuf, FW_PT_LEN);
    if (rc) fwd_dev_close(d);
    return rc;
}
