/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated device's directory, shared by every fwseal-device command.
 *
 *   DIR/flash.bin    raw NOR flash image (flash_size bytes, mapped MAP_SHARED)
 *   DIR/efuse.bin    eFuse block (256 bytes, layout in device/port/sim/fwd_sim_efuse.c)
 *   DIR/device.conf  "key=value" lines: format, chip, chip_id, chip_rev,
 *                    flash_size, write_align, pt_offset, key_mode (unknown
 *                    keys are kept for other commands: devdir_conf_get);
 *                    device_id=ID / device_group=G when `init --id` /
 *                    `--group` gave them (fleet_cli.h)
 *   DIR/keystore.bin key_mode=hardware only: the simulated key peripherals
 *                    (device/port/sim/fwd_sim_keystore.h, 0600); the eFuse file
 *                    then holds no flash-encryption key and DIR no secret file
 * Other commands may keep more files there (devdir_path()).
 *
 * devdir_open() maps flash + eFuse, applies the FWSEAL_SIM_* environment
 * (trace, cut point, cut mode) and installs the on-cut hook that prints one
 * line and _exit(99)s, then opens the device context (eFuse -> flash
 * encryption, partition table) unless DEVDIR_NO_TABLE.
 * Functions return CLI exit codes and print their own one-line error.
 */
#ifndef FWDEV_DEVDIR_H
#define FWDEV_DEVDIR_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_part.h"
#include "device/port/sim/fwd_sim.h"
#include "device/port/sim/fwd_sim_keystore.h"

#define DEVDIR_NO_TABLE 0x1u  /* do not read the partition table */
#define DEVDIR_MAX_CONF 32

struct devdir_kv {
    char key[32];
    char val[96];
};

struct devdir {
    char dir[1024];
    struct fwd_sim sim;
    struct fwd_sim_keystore ks;    /* key_mode=hardware: attached to sim.plat */
    int hw_keys;
    struct fwd_dev dev;
    int dev_open;
    struct devdir_kv conf[DEVDIR_MAX_CONF];
    size_t nconf;
};

/* Allocate + open (the struct is large). *out is NULL on failure. */
int devdir_open(const char *dir, unsigned flags, struct devdir **out);
/* Unmap, wipe, free. Safe with NULL. */
void devdir_close(struct devdir *dd);

/* Path of a file in the device directory (static buffer, valid until the next call). */
const char *devdir_path(const struct devdir *dd, const char *name);
/* device.conf value or NULL. */
const char *devdir_conf_get(const struct devdir *dd, const char *key);

/* Map a fw_err from the device layer to an exit code and print "DIR: what: reason". */
int devdir_fail(const struct devdir *dd, const char *what, int fw_err);

/* For `init`: create DIR (must be absent or empty unless force) with an
 * erased flash of flash_size bytes, blank eFuses and device.conf. Then
 * opens it like devdir_open(DEVDIR_NO_TABLE). */
struct devdir_new {
    uint32_t flash_size;
    const char *chip;      /* name, e.g. "esp32c3" */
    uint16_t chip_id;
    uint16_t chip_rev;
    uint32_t write_align;
    uint32_t pt_offset;
    int hw_keys;           /* key_mode=hardware (init attaches the keystore itself) */
    const char *device_id; /* fleet device id (init --id), NULL: none */
    const char *device_group; /* fleet rollout group (init --group), NULL: none */
};
int devdir_create(const char *dir, const struct devdir_new *nd, int force, struct devdir **out);

/* Re-read the partition table into dd->dev (after init wrote it). */
int devdir_load_table(struct devdir *dd);

#endif
