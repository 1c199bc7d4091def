/* SPDX-License-Identifier: Apache-2.0 */
/* `status` view of an interrupted OTA: the progress record in the device's
 * NVS (device/fwd_ota_resume.h), read-only. */
#ifndef FWDEV_OTA_PROGRESS_VIEW_H
#define FWDEV_OTA_PROGRESS_VIEW_H

#include <stdio.h>

#include "cli/fwseal-device/devdir.h"
#include "host/fwh_json.h"

/* "interrupted_ota": null or {slot, done, total, url, ...}. */
void ota_progress_json(struct fw_json *j, struct devdir *dd);
/* One "interrupted OTA" line, nothing when there is none. */
void ota_progress_text(FILE *f, struct devdir *dd);

#endif
