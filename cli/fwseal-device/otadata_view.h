/* SPDX-License-Identifier: Apache-2.0 */
/* How fwseal-device reports otadata: per-sector status words and, when no
 * entry selects a slot, the order in which the bootloader tries the apps
 * (the same plan as boot/fwb_decide, so the report cannot drift from it). */
#ifndef FWDEV_OTADATA_VIEW_H
#define FWDEV_OTADATA_VIEW_H

#include <stddef.h>

#include "device/fwd_otadata.h"

/* "valid", "empty", "bad-crc", "seq-zero", "unknown-state", "not-selectable". */
const char *otadata_status_name(int status);
/* "sector 0: bad-crc, sector 1: empty" */
void otadata_found_str(const int status[2], char *buf, size_t max);
/* "factory, ota_0, ota_1": the bootloader's candidates in order for this
 * otadata (od NULL: no otadata partition). */
void otadata_plan_str(const struct fwd_dev *d, const struct fwd_otadata *od, char *buf, size_t max);

#endif
