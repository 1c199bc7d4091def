/* SPDX-License-Identifier: Apache-2.0 */
/* A file as a resumable OTA source (see ota_file_resume.h). */
#include "cli/fwseal-device/ota_file_resume.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fw_err.h"

struct file_src {
    char name[FW_OTA_PROGRESS_SOURCE_MAX + 1];   /* "file:/abs/path" */
    char mtime[48];                               /* the validator */
    uint64_t size;
};

static int describe(FILE *f, const char *path, struct file_src *s)
{
    struct stat st;
    char abs[PATH_MAX];
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || !realpath(path, abs)) return FW_ERR_UNSUPPORTED;
    if (strlen(abs) + 5 >= sizeof s->name) return FW_ERR_UNSUPPORTED;
    snprintf(s->name, sizeof s->name, "file:%s", abs);
    for (char *c = s->name; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7F) return FW_ERR_UNSUPPORTED; /* record: printable */
    snprintf(s->mtime, sizeof s->mtime, "%lld.%09ld", (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    s->size = (uint64_t)st.st_size;
    return FW_OK;
}

/* 1 resumed, 0 start afresh (*why), < 0 error. */
static int try_resume(struct fwd_ota_pipeline *p, FILE *f, const struct file_src *s, struct fwd_ota_resume *rs,
                      uint64_t done, const char **why)
{
    uint8_t head[FW_OTA_PROGRESS_HEAD];
    if (fseek(f, 0, SEEK_SET) || fread(head, 1, sizeof head, f) != sizeof head) {
        *why = "the file is shorter than 512 bytes";
        return 0;
    }
    if (fwd_ota_resume_match(rs, head, sizeof head, FW_OTA_VALIDATOR_LAST_MODIFIED, s->mtime, s->size, why) != FW_OK)
        return 0;
    int rc = fwd_ota_pipeline_resume(p, head, sizeof head, done, s->size);
    if (rc != FW_OK) return rc;
    return fseek(f, (long)fwd_ota_pipeline_offset(p), SEEK_SET) ? fwd_ota_pipeline_abort(p, FW_ERR_IO, "cannot seek") : 1;
}

static int feed(struct fwd_ota_pipeline *p, FILE *f, struct fwd_ota_resume *rs)
{
    static uint8_t buf[4096];
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n > 0) fwd_ota_resume_note_head(rs, fwd_ota_pipeline_offset(p), buf, n);
        int rc = n > 0 ? fwd_ota_pipeline_feed(p, buf, n) : FW_OK;
        if (rc != FW_OK) return rc;
        if (n < sizeof buf)
            return ferror(f) ? fwd_ota_pipeline_abort(p, FW_ERR_IO, "read error on the input") : fwd_ota_pipeline_finish(p);
    }
}

int ota_file_run(struct fwd_ota_pipeline *p, FILE *f, const char *path, struct fwd_ota_resume *rs, int restart)
{
    static struct file_src s;
    if (describe(f, path, &s) != FW_OK) { /* no stable name: no resume, but no stale record either */
        int rc = fwd_ota_resume_forget(rs);
        return rc == FW_OK ? feed(p, f, rs) : fwd_ota_pipeline_abort(p, rc, "cannot drop the progress record");
    }
    uint64_t done = 0;
    if (!restart) fwd_ota_resume_plan(rs, s.name, p->part, &done);
    int rc = FW_OK;
    if (done) {
        const char *why = NULL;
        int got = try_resume(p, f, &s, rs, done, &why);
        if (got < 0) return got;
        if (got == 0) fwd_ota_pipeline_resume_refused(p, why);
        if (got == 1) rc = 2;
        else if (fseek(f, 0, SEEK_SET)) return fwd_ota_pipeline_abort(p, FW_ERR_IO, "cannot seek");
    }
    if (rc != 2) {
        if ((rc = fwd_ota_resume_forget(rs)) != FW_OK) return fwd_ota_pipeline_abort(p, rc, "cannot drop the progress record");
        if (done && (rc = fwd_ota_pipeline_erase_slot(p)) != FW_OK) return rc;
        if ((rc = fwd_ota_resume_begin(rs, s.name, p->part)) != FW_OK) return fwd_ota_pipeline_abort(p, rc, "path too long");
        fwd_ota_resume_note_source(rs, FW_OTA_VALIDATOR_LAST_MODIFIED, s.mtime, s.size);
        fwd_ota_pipeline_input_size(p, s.size);
    }
    rc = feed(p, f, rs);
    /* Done, or refused with the slot erased: the record goes (a power cut
     * never returns here). */
    int erased = p->fate == FWD_OTA_SLOT_ERASED || p->fate == FWD_OTA_SLOT_UNKNOWN;
    if (rc == FW_OK || erased) {
        int e = fwd_ota_resume_forget(rs);
        if (e == FW_ERR_POWER_LOSS) return e;
    }
    return rc;
}
