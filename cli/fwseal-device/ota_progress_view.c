/* SPDX-License-Identifier: Apache-2.0 */
/* status: the interrupted OTA, if any (see ota_progress_view.h). */
#include "cli/fwseal-device/ota_progress_view.h"

#include <string.h>

#include "device/fwd_fleet.h"
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

/* A fleet update's record (fwd_fleet.h): its source is the prefix + the
 * release's body URL, its validator the manifest's digest and seq. */
static int is_fleet(const struct view *v)
{
    return !strncmp(v->rec.source, FWD_FLEET_RESUME_PREFIX, strlen(FWD_FLEET_RESUME_PREFIX));
}

static const char *url_of(const struct view *v)
{
    return is_fleet(v) ? v->rec.source + strlen(FWD_FLEET_RESUME_PREFIX) : v->rec.source;
}

static const char *validator_name(const struct view *v)
{
    enum fw_ota_progress_validator k = v->rec.validator_kind;
    if (is_fleet(v)) return "manifest";
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
    fw_json_kstr(j, "kind", is_fleet(&v) ? "fleet" : "ota");
    fw_json_kstr(j, "url", url_of(&v));
    fw_json_kbool(j, "encrypted", v.rec.payload == FW_OTA_PROGRESS_ENCRYPTED);
    fw_json_kstr(j, "validator", validator_name(&v));
    fw_json_ku64(j, "checkpoint_interval", v.rec.interval);
    fw_json_end(j);
}

void ota_progress_text(FILE *f, struct devdir *dd)
{
    static struct view v;
    if (!load(dd, &v)) return;
    uint64_t total = image_total(&v);
    fprintf(f, "interrupted %s into %s: %llu/%llu bytes (%u%%) of ", is_fleet(&v) ? "fleet update" : "OTA", v.slot, (unsigned long long)v.done,
            (unsigned long long)total, total ? (unsigned)(v.done * 100 / total) : 0);
    for (const char *s = url_of(&v); *s; s++) fputc(*s, f); /* the codec checked: printable ASCII */
    if (is_fleet(&v))
        fprintf(f, "\n            (encrypted; `fwseal-device update` of the same release resumes, --restart starts over)\n");
    else
        fprintf(f, "\n            (%s; `fwseal-device ota` of the same URL or file resumes, --restart starts over)\n",
                v.rec.payload == FW_OTA_PROGRESS_ENCRYPTED ? "encrypted" : "plaintext");
}
