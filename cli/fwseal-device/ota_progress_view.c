/* SPDX-License-Identifier: Apache-2.0 */
/* status: the interrupted OTA, if any (see ota_progress_view.h). */
#include "cli/fwseal-device/ota_progress_view.h"

#include <string.h>

#include "device/fwd_nvs_part.h"
#include "device/fwd_ota_resume.h"
#include "device/fwd_otadata.h"
#include "fw_err.h"

struct view {
    struct fw_ota_progress rec;
    uint64_t done;
    const char *slot;
};

static struct fwd_nvs_dev nv;

/* The slot otadata selects, NULL if none. */
static const struct fwd_part *selected(struct devdir *dd)
{
    struct fwd_otadata od;
    uint32_t slot;
    if (fwd_otadata_load(&dd->dev, &od) != FW_OK || fwd_otadata_active_slot(&dd->dev, &od, &slot) != FW_OK) return NULL;
    return fwd_part_ota_slot(&dd->dev, slot);
}

/* 1 with v filled when an interrupted OTA is there. A record whose slot is
 * already selected for boot is a finished update whose record a cut kept
 * (the next ota drops it): not shown as interrupted. */
static int load(struct devdir *dd, struct view *v)
{
    if (fwd_nvs_dev_open(&nv, &dd->dev, "nvs", 1) != FW_OK) return 0;
    int rc = fwd_ota_resume_peek(&nv.nvs.store, &v->rec, &v->done);
    fwd_nvs_dev_close(&nv);
    if (rc != FW_OK) return 0;
    const struct fwd_part *boot = selected(dd);
    if (boot && boot->offset == v->rec.slot_offset) return 0;
    v->slot = "?";
    for (size_t i = 0; i < dd->dev.nparts; i++)
        if (dd->dev.parts[i].offset == v->rec.slot_offset) v->slot = dd->dev.parts[i].label;
    return 1;
}

/* Image bytes: the container's header is not part of the image. */
static uint64_t image_total(const struct view *v)
{
    return v->rec.payload == FW_OTA_PROGRESS_ENCRYPTED ? v->rec.total - FW_OTA_PROGRESS_HEAD : v->rec.total;
}

static const char *validator_name(enum fw_ota_progress_validator k)
{
    return k == FW_OTA_VALIDATOR_ETAG ? "etag" : k == FW_OTA_VALIDATOR_LAST_MODIFIED ? "last-modified" : "none";
}

void ota_progress_json(struct fw_json *j, struct devdir *dd)
{
    static struct view v;
    fw_json_key(j, "interrupted_ota");
    if (!load(dd, &v)) {
        fw_json_null(j);
        return;
    }
    fw_json_obj(j);
    fw_json_kstr(j, "slot", v.slot);
    fw_json_ku64(j, "done", v.done);
    fw_json_ku64(j, "total", image_total(&v));
    fw_json_ku64(j, "input_total", v.rec.total);
    fw_json_kstr(j, "url", v.rec.source);
    fw_json_kbool(j, "encrypted", v.rec.payload == FW_OTA_PROGRESS_ENCRYPTED);
    fw_json_kstr(j, "validator", validator_name(v.rec.validator_kind));
    fw_json_ku64(j, "checkpoint_interval", v.rec.interval);
    fw_json_end(j);
}

void ota_progress_text(FILE *f, struct devdir *dd)
{
    static struct view v;
    if (!load(dd, &v)) return;
    uint64_t total = image_total(&v);
    fprintf(f, "interrupted OTA into %s: %llu/%llu bytes (%u%%) of ", v.slot, (unsigned long long)v.done,
            (unsigned long long)total, total ? (unsigned)(v.done * 100 / total) : 0);
    for (const char *s = v.rec.source; *s; s++) fputc(*s, f); /* the codec checked: printable ASCII */
    fprintf(f, "\n            (%s; `fwseal-device ota` of the same URL or file resumes, --restart starts over)\n",
            v.rec.payload == FW_OTA_PROGRESS_ENCRYPTED ? "encrypted" : "plaintext");
}
