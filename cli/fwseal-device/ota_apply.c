/* OTA by the running app from any byte source (see ota_apply.h). */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal-device/ota_apply.h"
#include "cli/fwseal-device/running.h"
#include "cli/util/cli.h"
#include "fw_otadata.h"

static const char *stage_name[] = {"begin", "write", "read", "verify", "set boot partition"};

static int pump(struct fwd_ota_handle *h, const struct ota_src *src, struct ota_apply_report *rep)
{
    static uint8_t buf[16384];
    for (;;) {
        long n = src->read(src->ctx, buf, sizeof buf);
        if (n < 0) {
            rep->stage = 2;
            return (int)n;
        }
        if (n == 0) break;
        int rc = fwd_ota_write(h, buf, (size_t)n);
        if (rc) {
            rep->stage = 1;
            return rc;
        }
        rep->bytes += (uint64_t)n;
    }
    if (src->finish) {
        int rc = src->finish(src->ctx);
        if (rc) rep->stage = 2;
        return rc;
    }
    return FW_OK;
}

int ota_apply(struct fwd_ota_dev *od, const struct ota_src *src, struct ota_apply_report *rep)
{
    struct fwd_ota_handle h;
    memset(rep, 0, sizeof *rep);
    rep->target = fwd_ota_get_next_update_partition(od, NULL);
    if (!rep->target) return FW_ERR_NOT_FOUND;
    int rc = fwd_ota_begin(od, rep->target, src->size_hint, &h);
    if (rc) return rc;
    rc = pump(&h, src, rep);
    if (rc) {
        if (rc != FW_ERR_POWER_LOSS && h.magic) fwd_ota_abort(&h);   /* erases the slot */
        return rc;
    }
    /* One verification bound to the handle: nothing can write the slot
     * between the check and the otadata switch (the bootloader verifies again). */
    rep->stage = 3;
    int verified = 0;
    rc = fwd_ota_end_and_set_boot(&h, &verified);
    if (verified) rep->stage = 4;
    return rc;
}

static int report_error(const char *dir, const struct ota_src *src, struct fwd_ota_dev *od,
                        const struct ota_apply_report *rep, int rc)
{
    const char *what = src->name ? src->name : "image";
    if (rep->stage == 3 && od->last.reason != FWD_VR_OK)
        return cli_err(cli_exit_for(rc), "%s: rejected: %s (slot %s erased)", what, fwd_verify_reason_str(od->last.reason),
                       rep->target ? rep->target->label : "?");
    if (rc == FW_ERR_STATE && rep->stage == 0) { /* fwd_ota_begin refused before touching flash */
        const struct fwd_part *run = fwd_ota_get_running_partition(od);
        uint32_t st;
        if (run && fwd_ota_get_state_partition(od, run, &st) == FW_OK &&
            st == FW_OTA_PENDING_VERIFY)
            return cli_err(EXIT_REJECT, "%s: the running app %s is PENDING_VERIFY: confirm or roll back before "
                           "the next OTA (nothing written)", dir, run->label);
        return cli_err(EXIT_REJECT, "%s: cannot start an OTA into %s: it is the running slot or busy (nothing written)",
                       dir, rep->target ? rep->target->label : "?");
    }
    return cli_err(cli_exit_for(rc), "%s: ota %s: %s", what, stage_name[rep->stage < 5 ? rep->stage : 0], fw_strerror(rc));
}

int ota_apply_cmd(const char *dir, const struct ota_src *src)
{
    struct devdir *dd;
    struct fwd_ota_dev *od;
    struct ota_apply_report rep;
    struct running_saved saved;
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    if ((rc = running_attach(dd, &od, stdout)) != 0) {
        devdir_close(dd);
        return rc;
    }
    if ((rc = running_suspend(dd, &saved)) == 0) {
        int e = ota_apply(od, src, &rep);
        rc = running_resume(dd, &saved);    /* the app keeps running, success or not */
        if (e) {
            rc = report_error(dir, src, od, &rep, e);
        } else if (rc == 0) {
            uint32_t st = 0;
            fwd_ota_get_state_partition(od, rep.target, &st);
            printf("ota: %llu bytes into %s, verified (%s, secure_version %u, key slot %d); next boot: %s (%s)\n",
                   (unsigned long long)rep.bytes, rep.target->label, od->last.app.desc.version,
                   (unsigned)od->last.app.desc.secure_version, od->last.key_slot, rep.target->label,
                   fw_otadata_state_name(st));
        }
    }
    running_detach(od);
    devdir_close(dd);
    return rc;
}
