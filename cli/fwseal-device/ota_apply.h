/* The device side of an OTA as the running app performs it, independent of
 * where the bytes come from (file, stdin, HTTPS + decryption...):
 *
 *   fwd_ota_begin(next update slot) -> fwd_ota_write()* -> fwd_ota_end()
 *   (full verification read back through flash decryption) ->
 *   fwd_ota_set_boot_partition() (otadata entry, state NEW).
 *
 * Any failure erases the slot (fwd_ota) and leaves otadata untouched, so the
 * running app keeps running and the next boot is unchanged.
 * To add a source (e.g. the encrypted container over HTTPS), give a
 * struct ota_src whose read() yields PLAINTEXT image bytes, and call
 * ota_apply_cmd() (whole command flow) or ota_apply() (on an attached device). */
#ifndef FWDEV_OTA_APPLY_H
#define FWDEV_OTA_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "cli/fwseal-device/devdir.h"
#include "device/fwd_ota.h"

struct ota_src {
    /* Fill up to max bytes: returns the count, 0 at the end, or a negative
     * fw_err (the OTA is aborted and the slot erased). */
    long (*read)(void *ctx, uint8_t *buf, size_t max);
    /* Optional: called after the last read returned 0, before fwd_ota_end
     * (e.g. check an AEAD tag first); non-zero fw_err aborts. */
    int (*finish)(void *ctx);
    void *ctx;
    uint32_t size_hint;        /* image size if known, else FWD_OTA_SIZE_UNKNOWN */
    const char *name;          /* for messages: file name, URL */
};

struct ota_apply_report {
    const struct fwd_part *target;
    uint64_t bytes;
    int stage;                 /* 0 begin, 1 write, 2 source, 3 end, 4 set boot */
};

/* Run the OTA on an attached device (running app known). Returns fw_err. */
int ota_apply(struct fwd_ota_dev *od, const struct ota_src *src, struct ota_apply_report *rep);

/* Whole command: open DIR, attach the running app (boot first if none runs),
 * run ota_apply, print one result line, map errors to exit codes with one
 * error line. Returns the exit code. */
int ota_apply_cmd(const char *dir, const struct ota_src *src);

#endif
