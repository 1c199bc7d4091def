/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal release: the device registry (CSV `id,pubkey`) and the per-device
 * headers, written by N worker processes in parallel. */
#ifndef FWSEAL_RELEASE_DEVICES_H
#define FWSEAL_RELEASE_DEVICES_H

#include <stddef.h>
#include <stdint.h>

struct fwh_fleet_content;

struct rel_device {
    char *id;
    char *pubkey;      /* path, relative ones resolved against the CSV's directory */
};

struct rel_devices {
    struct rel_device *v;
    size_t n;
};

/* Parse the registry: a header line `id,pubkey`, then one device per line
 * (blank lines and lines starting with '#' skipped, CRLF accepted). Ids are
 * checked (fw_mf_check_device_id) and unique. Prints the error (file:line)
 * and returns an exit code, or 0. */
int rel_devices_load(const char *csv, struct rel_devices *d);
void rel_devices_free(struct rel_devices *d);

/* The encryption scheme of a device's public key (FW_ENC_SCHEME_*), loading
 * it; prints the error and returns an exit code, or 0. */
int rel_device_scheme(const struct rel_device *dev, int *scheme);

/* Write hdr_dir/<id>.hdr for every device with `jobs` worker processes
 * (each key must be of `scheme`). 0, or the worst worker's exit code after
 * every worker ended (workers print their own errors). */
int rel_write_headers(const struct rel_devices *d, const struct fwh_fleet_content *c, int scheme,
                      const char *hdr_dir, unsigned jobs);

#endif
