/* SPDX-License-Identifier: Apache-2.0 */
/* The checks of a staged partition table (see fwd_stage.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "device/fwd_crypto.h"
#include "device/fwd_stage.h"
#include "fw_bytes.h"

static int md5_cb(void *ctx, const uint8_t *data, size_t len, uint8_t out[16])
{
    (void)ctx;
    return fwd_md5(data, len, out) == FW_OK ? 0 : -1;
}

static int say(char *why, size_t n, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int say(char *why, size_t n, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return err;
}

/* `old` must be in the new table with its type, subtype and offset; sizes:
 * same (exact) or not smaller (grow). */
static int keeps(const struct fw_pt *t, const struct fwd_part *old, int exact, const char *role, char *why, size_t n)
{
    for (unsigned i = 0; i < t->count; i++) {
        const struct fw_pt_entry *e = &t->e[i];
        if (e->offset != old->offset) continue;
        if (e->type != old->type || e->subtype != old->subtype)
            return say(why, n, FW_ERR_RANGE, "the new table changes the type of %s at 0x%x", role, (unsigned)old->offset);
        if (exact ? e->size != old->size : e->size < old->size)
            return say(why, n, FW_ERR_RANGE, "the new table resizes %s (0x%x bytes, now 0x%x)", role, (unsigned)old->size, (unsigned)e->size);
        return FW_OK;
    }
    return say(why, n, FW_ERR_RANGE, "the new table moves %s (was at 0x%x)", role, (unsigned)old->offset);
}

int fwd_stage_check_table(struct fwd_ota_dev *dev, const uint8_t *bin, size_t len, const struct fwd_part *staging,
                          uint32_t journal_offset, char *why, size_t why_len)
{
    static struct fw_pt t;            /* 3.4 KiB: not on a small stack */
    static struct fwd_part parts[FWD_PART_MAX];
    uint8_t full[FW_PT_LEN];
    struct fw_pt_diag diag;
    memset(&diag, 0, sizeof diag);
    if (len < FW_PT_RECORD_LEN || len > FW_PT_LEN)
        return say(why, why_len, FW_ERR_RANGE, "a partition table is 32..%u bytes, not %zu", FW_PT_LEN, len);
    memset(full, 0xFF, sizeof full);
    memcpy(full, bin, len);
    uint32_t flash = dev->d.plat->flash.size;
    int rc = fw_pt_parse(&t, full, sizeof full, flash, md5_cb, NULL, FW_PT_REQUIRE_MD5);
    if (rc == FW_ERR_DIGEST) return say(why, why_len, rc, "partition table MD5 mismatch");
    if (rc == FW_ERR_NOT_FOUND) return say(why, why_len, rc, "partition table without an MD5 record");
    if (rc == FW_ERR_RANGE)
        return say(why, why_len, rc, "partition table: a partition lies beyond the 0x%x-byte flash (FORMATS 6.4)", (unsigned)flash);
    if (rc) return say(why, why_len, rc, "not a valid partition table (FORMATS 6.4): %s", fw_strerror(rc));
    if ((rc = fw_pt_check(&t, dev->d.pt_offset ? dev->d.pt_offset : FW_PT_OFFSET_DEFAULT, flash, &diag)))
        return say(why, why_len, rc, "partition table rule: %s", diag.msg);
    if (t.count > FWD_PART_MAX) return say(why, why_len, FW_ERR_NO_SPACE, "more than %u partitions", FWD_PART_MAX);
    for (unsigned i = 0; i < t.count; i++) {
        memset(&parts[i], 0, sizeof parts[i]);
        memcpy(parts[i].label, t.e[i].label, sizeof parts[i].label);
        parts[i].type = t.e[i].type, parts[i].subtype = t.e[i].subtype;
        parts[i].offset = t.e[i].offset, parts[i].size = t.e[i].size, parts[i].flags = t.e[i].flags;
    }
    if ((rc = fwd_part_validate(parts, t.count, flash, dev->d.plat->flash.sector_size)))
        return say(why, why_len, rc, "partition table: overlapping, unaligned or duplicate partitions");
    /* What runs, what the boot path reads and what the copy needs stay where they are. */
    const struct fwd_part *run = fwd_ota_get_running_partition(dev);
    if (run && (rc = keeps(&t, run, 0, "the running app", why, why_len))) return rc;
    if (staging && (rc = keeps(&t, staging, 0, "the staging slot", why, why_len))) return rc;
    for (size_t i = 0; i < dev->d.nparts; i++) {
        const struct fwd_part *p = &dev->d.parts[i];
        int otadata = p->type == FW_PT_TYPE_DATA && p->subtype == FW_PT_SUB_DATA_OTA;
        int nvs = p->type == FW_PT_TYPE_DATA && p->subtype == FW_PT_SUB_DATA_NVS;
        int journal = p->offset == journal_offset;
        if (!otadata && !nvs && !journal) continue;
        if ((rc = keeps(&t, p, 1, otadata ? "otadata" : nvs ? "an NVS partition" : "the copy journal", why, why_len)))
            return rc;
    }
    return FW_OK;
}
