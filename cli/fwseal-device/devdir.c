/* SPDX-License-Identifier: Apache-2.0 */
/* Device directory: open/create/close for every fwseal-device command. */
#include "cli/fwseal-device/devdir.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/util/cli.h"
#include "fw_bytes.h"

#define CONF_FORMAT "1"

const char *devdir_path(const struct devdir *dd, const char *name)
{
    static char buf[1100];
    snprintf(buf, sizeof buf, "%s/%s", dd->dir, name);
    return buf;
}

const char *devdir_conf_get(const struct devdir *dd, const char *key)
{
    for (size_t i = 0; i < dd->nconf; i++)
        if (!strcmp(dd->conf[i].key, key)) return dd->conf[i].val;
    return NULL;
}

int devdir_fail(const struct devdir *dd, const char *what, int e)
{
    return cli_err(cli_exit_for(e), "%s: %s: %s", dd ? dd->dir : "?", what, fw_strerror(e));
}

/* The on-cut hook: the device "loses power" — one line, then exit 99 at once,
 * without flushing stdio or running atexit handlers. */
static void cut_exit(void *arg)
{
    const struct fwd_sim_flash *s = arg;
    char line[128];
    int n = snprintf(line, sizeof line, "fwseal-device: simulated power loss at %s operation %" PRIu64 "\n",
                     s->cut_in_efuse ? "eFuse burn" : "flash", s->ops);
    if (n > 0) {
        ssize_t w = write(2, line, (size_t)n);
        (void)w;
    }
    _exit(EXIT_POWER_LOSS);
}

static int conf_load(struct devdir *dd)
{
    FILE *f = fopen(devdir_path(dd, "device.conf"), "r");
    if (!f) return cli_err(EXIT_IO, "%s: not a device directory (no device.conf; run fwseal-device init)", dd->dir);
    char line[256];
    dd->nconf = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *eq = strchr(line, '=');
        if (line[0] == '#' || !eq) continue;
        *eq = 0;
        if (dd->nconf == DEVDIR_MAX_CONF || strlen(line) >= sizeof dd->conf[0].key ||
            strlen(eq + 1) >= sizeof dd->conf[0].val) {
            fclose(f);
            return cli_err(EXIT_IO, "%s: device.conf: malformed", dd->dir);
        }
        snprintf(dd->conf[dd->nconf].key, sizeof dd->conf[0].key, "%s", line);
        snprintf(dd->conf[dd->nconf].val, sizeof dd->conf[0].val, "%s", eq + 1);
        dd->nconf++;
    }
    fclose(f);
    const char *fmt = devdir_conf_get(dd, "format");
    if (!fmt || strcmp(fmt, CONF_FORMAT))
        return cli_err(EXIT_IO, "%s: device.conf: unsupported format", dd->dir);
    return 0;
}

static uint32_t conf_u32(const struct devdir *dd, const char *key, uint32_t dflt)
{
    const char *v = devdir_conf_get(dd, key);
    uint64_t x;
    if (!v || cli_parse_u64(v, &x) || x > UINT32_MAX) return dflt;
    return (uint32_t)x;
}

static int apply_env(struct devdir *dd)
{
    int rc = fwd_sim_flash_apply_env(&dd->sim.flash);
    if (rc == FW_ERR_INVALID_ARG)
        return cli_err(EXIT_USAGE, "FWSEAL_SIM_CUT_AT / _MODE / _SEED / _KEEP: bad value (N >= 1; torn|clean; seed decimal or 0x-hex; keep bytes)");
    if (rc) return cli_err(EXIT_IO, "FWSEAL_SIM_TRACE: cannot open %s", getenv("FWSEAL_SIM_TRACE"));
    dd->sim.flash.on_cut = cut_exit;
    dd->sim.flash.on_cut_arg = &dd->sim.flash;
    return 0;
}

int devdir_load_table(struct devdir *dd)
{
    if (dd->dev_open) fwd_dev_close(&dd->dev);
    dd->dev_open = 0;
    int rc = fwd_dev_open(&dd->dev, &dd->sim.plat, conf_u32(dd, "pt_offset", FWD_PART_TABLE_OFFSET));
    if (rc) return devdir_fail(dd, "partition table", rc);
    dd->dev_open = 1;
    return 0;
}

/* key_mode=hardware: the keys are in keystore.bin, reachable only through
 * the simulated peripherals; a missing keystore is an error, never a
 * fallback to keys in the eFuse file or DIR. A fresh device (init) gets
 * its keystore from init itself. */
static int open_keystore(struct devdir *dd, int fresh)
{
    const char *m = devdir_conf_get(dd, "key_mode");
    if (m && strcmp(m, "hardware") && strcmp(m, "raw"))
        return cli_err(EXIT_IO, "%s: device.conf: unknown key_mode=%s", dd->dir, m);
    dd->hw_keys = m && !strcmp(m, "hardware");
    if (!dd->hw_keys || fresh) return 0;
    int rc = fwd_sim_keystore_open_file(&dd->ks, devdir_path(dd, "keystore.bin"));
    if (rc == FW_ERR_NOT_FOUND)   /* an environment problem, as a missing efuse.bin is */
        return cli_err(EXIT_IO, "%s: keystore.bin missing (key_mode=hardware keeps the keys there)", dd->dir);
    if (rc) return devdir_fail(dd, "keystore.bin (key_mode=hardware)", rc);
    fwd_sim_keystore_attach(&dd->ks, &dd->sim.plat);
    return 0;
}

static int open_common(struct devdir *dd, unsigned flags, int fresh)
{
    int rc = fresh ? 0 : conf_load(dd);
    if (rc) return rc;
    if ((rc = fwd_sim_flash_open_file(&dd->sim.flash, devdir_path(dd, "flash.bin"), 0, 0)))
        return devdir_fail(dd, "flash.bin", rc);
    if ((rc = fwd_sim_efuse_open_file(&dd->sim.efuse, devdir_path(dd, "efuse.bin"), 0)))
        return devdir_fail(dd, "efuse.bin", rc);
    if (conf_u32(dd, "flash_size", 0) != dd->sim.flash.size)
        return cli_err(EXIT_IO, "%s: flash.bin is %u bytes, device.conf says flash_size=%s", dd->dir,
                       (unsigned)dd->sim.flash.size, devdir_conf_get(dd, "flash_size") ? devdir_conf_get(dd, "flash_size") : "?");
    uint32_t align = conf_u32(dd, "write_align", 4);
    if (align == 0 || align > 256 || 4096 % align) return cli_err(EXIT_IO, "%s: device.conf: bad write_align", dd->dir);
    dd->sim.flash.write_align = align;
    fwd_sim_bind(&dd->sim);
    if ((rc = apply_env(dd))) return rc;
    if ((rc = open_keystore(dd, fresh))) return rc;
    if (flags & DEVDIR_NO_TABLE) {
        rc = fwd_dev_open_blank(&dd->dev, &dd->sim.plat);
        if (rc) return devdir_fail(dd, "eFuse / flash encryption", rc);
        dd->dev_open = 1;
        return 0;
    }
    return devdir_load_table(dd);
}

static struct devdir *dd_alloc(const char *dir)
{
    if (strlen(dir) >= sizeof ((struct devdir *)0)->dir) {
        cli_err(EXIT_USAGE, "%s: path too long", dir);
        return NULL;
    }
    struct devdir *dd = calloc(1, sizeof *dd);
    if (!dd) {
        cli_err(EXIT_IO, "out of memory");
        return NULL;
    }
    snprintf(dd->dir, sizeof dd->dir, "%s", dir);
    dd->sim.flash.fd = dd->sim.flash.trace_fd = dd->sim.efuse.fd = -1;
    return dd;
}

int devdir_open(const char *dir, unsigned flags, struct devdir **out)
{
    *out = NULL;
    struct devdir *dd = dd_alloc(dir);
    if (!dd) return EXIT_IO;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(dd);
        return cli_err(EXIT_IO, "%s: no such device directory", dir);
    }
    int rc = open_common(dd, flags, 0);
    if (rc) {
        devdir_close(dd);
        return rc;
    }
    *out = dd;
    return 0;
}

void devdir_close(struct devdir *dd)
{
    if (!dd) return;
    if (dd->dev_open) fwd_dev_close(&dd->dev);
    fwd_sim_keystore_close(&dd->ks);
    fwd_sim_close(&dd->sim);
    fw_wipe(dd, sizeof *dd);
    free(dd);
}

/* Empty, absent, or (with force) an old device directory whose top-level
 * regular files are removed. Anything else is refused. */
static int prepare_dir(const char *dir, int force)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, 0755) != 0) return cli_err(EXIT_IO, "%s: cannot create: %s", dir, strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) return cli_err(EXIT_IO, "%s: exists and is not a directory", dir);
    DIR *d = opendir(dir);
    if (!d) return cli_err(EXIT_IO, "%s: %s", dir, strerror(errno));
    int nonempty = 0, is_dev = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        nonempty = 1;
        if (!strcmp(de->d_name, "device.conf")) is_dev = 1;
    }
    if (!nonempty) { closedir(d); return 0; }
    if (!force) { closedir(d); return cli_err(EXIT_IO, "%s: directory not empty (use --force to re-create a device)", dir); }
    if (!is_dev) { closedir(d); return cli_err(EXIT_IO, "%s: not empty and not a device directory: refusing even with --force", dir); }
    rewinddir(d);
    char p[1100];
    while ((de = readdir(d))) {
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && unlink(p) != 0) {
            closedir(d);
            return cli_err(EXIT_IO, "%s: %s", p, strerror(errno));
        }
    }
    closedir(d);
    return 0;
}

static int write_conf(struct devdir *dd, const struct devdir_new *nd)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "# fwseal simulated device (fwseal-device init)\n"
                     "format=" CONF_FORMAT "\nchip=%s\nchip_id=0x%04x\nchip_rev=%u\nflash_size=%" PRIu32
                     "\nwrite_align=%" PRIu32 "\npt_offset=0x%" PRIx32 "\nkey_mode=%s\n",
                     nd->chip, nd->chip_id, nd->chip_rev, nd->flash_size, nd->write_align, nd->pt_offset,
                     nd->hw_keys ? "hardware" : "raw");
    if (n >= 0 && (size_t)n < sizeof buf && nd->device_id)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "device_id=%s\n", nd->device_id);
    if (n >= 0 && (size_t)n < sizeof buf && nd->device_group)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "device_group=%s\n", nd->device_group);
    if (n < 0 || (size_t)n >= sizeof buf) return cli_err(EXIT_USAGE, "device.conf: value too long");
    int rc = cli_write_file(devdir_path(dd, "device.conf"), buf, (size_t)n, 0644);
    return rc ? rc : conf_load(dd);
}

int devdir_create(const char *dir, const struct devdir_new *nd, int force, struct devdir **out)
{
    *out = NULL;
    int rc = prepare_dir(dir, force);
    if (rc) return rc;
    struct devdir *dd = dd_alloc(dir);
    if (!dd) return EXIT_IO;
    if ((rc = fwd_sim_flash_open_file(&dd->sim.flash, devdir_path(dd, "flash.bin"), nd->flash_size, 1))) {
        rc = devdir_fail(dd, "flash.bin", rc);
        goto fail;
    }
    fwd_sim_flash_close(&dd->sim.flash);
    if ((rc = fwd_sim_efuse_open_file(&dd->sim.efuse, devdir_path(dd, "efuse.bin"), 1))) {
        rc = devdir_fail(dd, "efuse.bin", rc);
        goto fail;
    }
    fwd_sim_efuse_close(&dd->sim.efuse);
    if ((rc = write_conf(dd, nd))) goto fail;
    if ((rc = open_common(dd, DEVDIR_NO_TABLE, 1))) goto fail;
    *out = dd;
    return 0;
fail:
    devdir_close(dd);
    return rc;
}
