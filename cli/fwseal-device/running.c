/* SPDX-License-Identifier: Apache-2.0 */
/* DIR/running: the simulated device's running app (see running.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/fwseal-device/running.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"

#define RUNNING_FILE "running"

const char *running_get(const struct devdir *dd)
{
    static char label[FWD_PART_LABEL_LEN + 1];
    char line[160];
    FILE *f = fopen(devdir_path(dd, RUNNING_FILE), "r");
    if (!f) return NULL;
    label[0] = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "label=", 6)) continue;
        line[strcspn(line, "\r\n")] = 0;
        size_t n = strlen(line + 6);
        if (n > FWD_PART_LABEL_LEN) break;       /* not a partition label */
        memcpy(label, line + 6, n + 1);
        break;
    }
    fclose(f);
    return label[0] ? label : NULL;
}

int running_set(const struct devdir *dd, const struct fwb_result *r)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "label=%s\nversion=%s\nproject=%s\nsecure_version=%u\ndigest=",
                     r->part->label, r->app.desc.version, r->app.desc.project_name, (unsigned)r->app.desc.secure_version);
    for (int i = 0; i < 32 && n > 0 && (size_t)n + 3 < sizeof buf; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%02x", r->digest[i]);
    if (n < 0 || (size_t)n + 2 >= sizeof buf) return cli_err(EXIT_IO, "%s: running record too long", dd->dir);
    buf[n++] = '\n';
    return cli_write_file(devdir_path(dd, RUNNING_FILE), buf, (size_t)n, 0644);
}

int running_clear(const struct devdir *dd)
{
    const char *p = devdir_path(dd, RUNNING_FILE);
    if (unlink(p) && errno != ENOENT) return cli_err(EXIT_IO, "%s: %s", p, strerror(errno));
    return 0;
}

int running_suspend(const struct devdir *dd, struct running_saved *s)
{
    FILE *f = fopen(devdir_path(dd, RUNNING_FILE), "r");
    s->len = 0;
    if (f) {
        s->len = fread(s->buf, 1, sizeof s->buf, f);
        fclose(f);
    }
    return running_clear(dd);
}

int running_resume(const struct devdir *dd, const struct running_saved *s)
{
    if (!s->len) return 0;
    return cli_write_file(devdir_path(dd, RUNNING_FILE), s->buf, s->len, 0644);
}

int running_boot(struct devdir *dd, struct fwd_ota_dev *od, struct fwb_result *res)
{
    if (running_clear(dd)) return FW_ERR_IO;
    int rc = stage_boot_prelude_fw(dd);   /* ROM check, pending copy (stage_boot.c) */
    if (rc) return rc;
    rc = fwd_ota_dev_open(od, &dd->sim.plat, dd->dev.pt_offset, NULL);
    if (rc) return rc;
    rc = fwb_boot(od, res);
    if (rc == FW_OK && running_set(dd, res)) rc = FW_ERR_IO;
    return rc;
}

void running_attempts_str(const struct fwb_result *r, char *buf, size_t max)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < r->n_attempts && n + 1 < max; i++) {
        int w = snprintf(buf + n, max - n, "%s%s: %s", i ? "; " : "", r->attempts[i].label,
                         fwd_verify_reason_str(r->attempts[i].reason));
        if (w < 0) break;
        n += (size_t)w;
    }
    if (!r->n_attempts) snprintf(buf, max, "no app partition");
}

int running_attach(struct devdir *dd, struct fwd_ota_dev **out, FILE *log)
{
    struct fwb_result res;
    char why[512];
    *out = NULL;
    struct fwd_ota_dev *od = calloc(1, sizeof *od);
    if (!od) return cli_err(EXIT_IO, "out of memory");
    const char *label = running_get(dd);
    int rc = label ? fwd_ota_dev_open(od, &dd->sim.plat, dd->dev.pt_offset, label) : FW_ERR_NOT_FOUND;
    if (rc == FW_OK) {
        *out = od;
        return 0;
    }
    /* Nothing runs (or the record names an unknown partition): power on. */
    rc = running_boot(dd, od, &res);
    if (rc == FW_ERR_NOT_FOUND) {
        running_attempts_str(&res, why, sizeof why);
        running_detach(od);
        return cli_err(EXIT_REJECT, "%s: no bootable image (%s)", dd->dir, why);
    }
    if (rc) {
        running_detach(od);
        return devdir_fail(dd, "boot", rc);
    }
    if (log) fprintf(log, "booted %s (version %s)\n", res.part->label, res.app.desc.version);
    *out = od;
    return 0;
}

void running_detach(struct fwd_ota_dev *od)
{
    if (!od) return;
    fwd_ota_dev_close(od);
    free(od);
}
