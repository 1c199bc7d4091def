/* SPDX-License-Identifier: Apache-2.0 */
/* `fwseal-device ota DIR --file FILE` with a progress record: a regular file
 * is a seekable source like an HTTP server with Range, so an update from a
 * file (a staged download, a UART or BLE transfer saved first) resumes
 * after a reboot too. The source name is "file:" + the absolute path, the
 * validator the file's modification time, the size its length; the logic is
 * device/fwd_ota_resume.h's, as for HTTPS. */
#ifndef FWDEV_OTA_FILE_RESUME_H
#define FWDEV_OTA_FILE_RESUME_H

#include <stdio.h>

#include "device/fwd_ota_pipeline.h"
#include "device/fwd_ota_resume.h"

/* Feed FILE (opened as f) into the started pipeline p, resuming from rs's
 * record when it is for this file (restart: never), then finish. */
int ota_file_run(struct fwd_ota_pipeline *p, FILE *f, const char *path, struct fwd_ota_resume *rs, int restart);

#endif
