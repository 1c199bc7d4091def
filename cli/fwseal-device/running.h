/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated device's "running application": which partition the last
 * successful `boot` started, kept in DIR/running (key=value lines: label,
 * version, project, secure_version, digest). Commands that act as the
 * running app (ota, confirm, rollback) use running_attach(), which boots
 * first when no app runs (fresh device, after a power cut, after rollback).
 *
 * Power-cut rule: a command that changes flash while an app runs removes
 * DIR/running first and writes it back only when it completes, so after a
 * simulated power loss (exit 99) nothing "runs" until the next boot, as on
 * a real device. */
#ifndef FWDEV_RUNNING_H
#define FWDEV_RUNNING_H

#include "boot/fwb_boot.h"
#include "cli/fwseal-device/devdir.h"
#include "device/fwd_ota.h"

/* Label of the running app, or NULL (buffer valid until the next call). */
const char *running_get(const struct devdir *dd);
/* Record / forget the running app (atomic file write / unlink). 0 or exit code. */
int running_set(const struct devdir *dd, const struct fwb_result *r);
int running_clear(const struct devdir *dd);

/* Around a flash-changing action of the running app: suspend reads the
 * record and removes it; resume writes it back (the app still runs). */
struct running_saved {
    char buf[512];
    size_t len;
};
int running_suspend(const struct devdir *dd, struct running_saved *s);
int running_resume(const struct devdir *dd, const struct running_saved *s);

/* Open the OTA view of the device (heap: the struct is ~15 KiB) as the app
 * that runs now; boots first (and records it) if none runs, printing the
 * boot line to `log` when non-NULL. Returns an exit code and prints its
 * own error; *out is NULL on failure. */
int running_attach(struct devdir *dd, struct fwd_ota_dev **out, FILE *log);
void running_detach(struct fwd_ota_dev *od);

/* Run the bootloader on dd, record the result. Returns a fw_err code;
 * res is filled as far as fwb_boot got. */
int running_boot(struct devdir *dd, struct fwd_ota_dev *od, struct fwb_result *res);

/* "ota_1: bad signature; factory: bad image header" for error lines. */
void running_attempts_str(const struct fwb_result *r, char *buf, size_t max);

#endif
