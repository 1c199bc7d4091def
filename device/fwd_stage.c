/* SPDX-License-Identifier: Apache-2.0 */
/* Staged updates: download into a staging slot, verify there, journalled
 * copy (see fwd_stage.h). */
#include "device/fwd_stage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "device/fwd_otadata.h"
#include "fw_boot_desc.h"
#include "fw_bytes.h"
#include "fw_enc_header.h"

enum { PAYLOAD_UNDECIDED = 0, PAYLOAD_PLAIN = 1, PAYLOAD_ENCRYPTED = 2 };

const char *fwd_stage_target_name(enum fwd_stage_target t) { return fw_cj_kind_name((unsigned)t); }

static int failf(struct fwd_stage *s, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* First failure wins; what reached the staging slot is erased (not on a
 * power loss: the device is dead, and the staging slot is never booted nor
 * copied without a journal). */
static int failf(struct fwd_stage *s, int err, const char *fmt, ...)
{
    if (s->state == FWD_STAGE_FAILED) return s->fail.code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
    s->state = FWD_STAGE_FAILED;
    fw_fail_set(&s->fail, err, s->why);
    if (err == FW_ERR_POWER_LOSS) return err;
    if (s->payload == PAYLOAD_ENCRYPTED) fwd_decrypt_abort(&s->dec);
    if (s->touched && s->staging) {
        uint32_t n = s->flushed;   /* the sectors programmed (a pending partial one never reached flash) */
        if (n > s->staging->size) n = s->staging->size;
        if (n) (void)fwd_part_erase(&s->cfg.dev->d, s->staging, 0, n);
    }
    fw_wipe(s->sec, sizeof s->sec);
    return err;
}

static int overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

static const struct fwd_part *part_at(const struct fwd_dev *d, uint32_t off)
{
    for (size_t i = 0; i < d->nparts; i++)
        if (d->parts[i].offset == off) return &d->parts[i];
    return NULL;
}

static int choose_dest(struct fwd_stage *s)
{
    struct fwd_dev *d = &s->cfg.dev->d;
    uint32_t pt = d->pt_offset ? d->pt_offset : FW_PT_OFFSET_DEFAULT;
    switch (s->cfg.target) {
    case FWD_STAGE_BOOTLOADER:
        s->dst_off = fw_boot_offset(d->chip_id);
        if (s->dst_off >= pt) return failf(s, FW_ERR_RANGE, "no room for a bootloader below the partition table");
        s->dst_max = pt - s->dst_off;
        s->dst_enc = d->fe_mode != FWD_FE_OFF;
        return FW_OK;
    case FWD_STAGE_PARTITION_TABLE:
        s->dst_off = pt;
        s->dst_max = FW_PT_LEN;
        s->dst_enc = d->fe_mode != FWD_FE_OFF;
        return FW_OK;
    case FWD_STAGE_DATA: {
        if (!s->cfg.dest_label) return failf(s, FW_ERR_INVALID_ARG, "no destination partition named");
        const struct fwd_part *p = fwd_part_find(d, s->cfg.dest_label);
        if (!p) return failf(s, FW_ERR_NOT_FOUND, "no partition labelled '%s'", s->cfg.dest_label);
        if (p->type != FW_PT_TYPE_DATA)
            return failf(s, FW_ERR_INVALID_ARG, "%s is not a data partition (apps update with a plain OTA)", p->label);
        if (p->subtype == FW_PT_SUB_DATA_OTA)
            return failf(s, FW_ERR_INVALID_ARG, "%s is otadata: it is written only by OTA selection", p->label);
        if (p->offset == s->cfg.journal_offset)
            return failf(s, FW_ERR_INVALID_ARG, "%s holds the copy journal", p->label);
        s->dest = p;
        s->dst_off = p->offset;
        s->dst_max = p->size;
        s->dst_enc = p->encrypted;
        return FW_OK;
    }
    default:
        return failf(s, FW_ERR_INVALID_ARG, "unknown staged-update target");
    }
}

static int choose_staging(struct fwd_stage *s)
{
    struct fwd_ota_dev *dev = s->cfg.dev;
    const struct fwd_part *st = s->cfg.staging_label ? fwd_part_find(&dev->d, s->cfg.staging_label)
                                                     : fwd_ota_get_next_update_partition(dev, NULL);
    if (!st)
        return failf(s, FW_ERR_NOT_FOUND, "no staging slot%s%s", s->cfg.staging_label ? " labelled " : " (no passive OTA slot)",
                     s->cfg.staging_label ? s->cfg.staging_label : "");
    if (st == fwd_ota_get_running_partition(dev))
        return failf(s, FW_ERR_RANGE, "the staging slot %s is the running app", st->label);
    if (st->type == FW_PT_TYPE_APP && st == fwd_ota_get_boot_partition(dev) && st != fwd_ota_get_running_partition(dev))
        return failf(s, FW_ERR_RANGE, "the staging slot %s holds the app selected for the next boot", st->label);
    /* Never a partition whose content is itself a fallback or device state:
     * bootloaders (the recovery one), the table, factory/test apps, otadata,
     * NVS, NVS keys, TEE otadata, eFuse emulation. */
    int app_slot = st->type == FW_PT_TYPE_APP && st->subtype >= FW_PT_SUB_APP_OTA_MIN && st->subtype <= FW_PT_SUB_APP_OTA_MAX;
    int data_ok = st->type == FW_PT_TYPE_DATA && st->subtype != FW_PT_SUB_DATA_OTA && st->subtype != FW_PT_SUB_DATA_NVS &&
                  st->subtype != FW_PT_SUB_DATA_NVS_KEYS && st->subtype != FW_PT_SUB_DATA_TEE_OTA &&
                  st->subtype != FW_PT_SUB_DATA_EFUSE;
    if (!app_slot && !data_ok)
        return failf(s, FW_ERR_INVALID_ARG,
                     "%s cannot be a staging slot (an OTA app slot or a data partition other than otadata, NVS, NVS keys, eFuse)",
                     st->label);
    if (st == s->dest || overlaps(st->offset, st->size, s->dst_off, s->dst_max) ||
        overlaps(st->offset, st->size, s->cfg.journal_offset, FW_CJ_SECTOR))
        return failf(s, FW_ERR_RANGE, "the staging slot %s overlaps the destination or the copy journal", st->label);
    s->staging = st;
    return FW_OK;
}

int fwd_stage_start(struct fwd_stage *s, const struct fwd_stage_cfg *cfg)
{
    if (!s || !cfg || !cfg->dev) return FW_ERR_INVALID_ARG;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->fail = FW_FAIL_NONE;
    struct fwd_ota_dev *dev = cfg->dev;
    if (!fwd_ota_get_running_partition(dev)) return failf(s, FW_ERR_STATE, "no app runs (boot first)");
    const struct fwd_part *j = part_at(&dev->d, cfg->journal_offset);
    if (!j || j->type != FW_PT_TYPE_DATA || j->size < FW_CJ_SECTOR || cfg->journal_offset % FW_CJ_SECTOR)
        return failf(s, FW_ERR_NOT_FOUND, "no copy-journal partition at 0x%x (a data partition of its own)",
                     (unsigned)cfg->journal_offset);
    /* The device library's own recovery: a copy a cut left pending is finished first. */
    int rc = fwd_stage_copy_resume(&dev->d, cfg->journal_offset, &dev->work, &s->pending);
    if (rc) return failf(s, rc, "a pending %s copy cannot be finished", fw_cj_kind_name(s->pending.h.kind));
    if (s->pending.completed && s->pending.h.kind == FW_CJ_PARTITION_TABLE)
        return failf(s, FW_ERR_STATE, "finished a pending partition-table copy: reopen the device (reboot) first");
    uint32_t st;
    const struct fwd_part *run = fwd_ota_get_running_partition(dev);
    if (fwd_ota_get_state_partition(dev, run, &st) == FW_OK && st == FW_OTA_PENDING_VERIFY)
        return failf(s, FW_ERR_STATE, "the running app %s is PENDING_VERIFY: confirm or roll back first", run->label);
    if ((rc = choose_dest(s)) || (rc = choose_staging(s))) return rc;
    return FW_OK;
}

/* ---- writing the staging slot ------------------------------------------ */

/* Before the first byte: an app slot loses any otadata entry naming it, so
 * a staged non-app image can never be selected for boot. */
static int prepare_staging(struct fwd_stage *s)
{
    struct fwd_dev *d = &s->cfg.dev->d;
    s->touched = 1;
    if (s->staging->type != FW_PT_TYPE_APP) return FW_OK;
    struct fwd_otadata od;
    int rc = fwd_otadata_load(d, &od);
    if (rc == FW_ERR_NOT_FOUND) return FW_OK;
    if (rc) return rc;
    size_t n = fwd_part_ota_count(d);
    for (int i = 0; i < 2; i++) {
        uint32_t slot;
        if (fw_otadata_check_format(&od.sec[i].e) != FW_OK || fw_otadata_slot(od.sec[i].e.seq, (uint32_t)n, &slot)) continue;
        if (fwd_part_ota_slot(d, slot) == s->staging && (rc = fwd_otadata_erase_sector(d, &od, i))) return rc;
    }
    return FW_OK;
}

static int flush_sector(struct fwd_stage *s, int last)
{
    struct fwd_dev *d = &s->cfg.dev->d;
    int rc = FW_OK;
    if (!s->touched && (rc = prepare_staging(s))) return rc;
    uint32_t n = s->sec_fill;
    if (last) {
        uint32_t unit = d->plat->flash.write_align > 16 ? d->plat->flash.write_align : 16;
        n = (uint32_t)fw_align_up(n, unit);
        memset(s->sec + s->sec_fill, 0xFF, n - s->sec_fill);
    }
    if ((rc = fwd_part_erase(d, s->staging, s->flushed, 4096))) return rc;
    if (n && (rc = fwd_part_write(d, s->staging, s->flushed, s->sec, n))) return rc;
    s->flushed += 4096;
    s->sec_fill = 0;
    return FW_OK;
}

static int writer_write(void *ctx, const uint8_t *p, size_t n)
{
    struct fwd_stage *s = ctx;
    if (s->state != FWD_STAGE_RUNNING) return s->fail.code ? s->fail.code : FW_ERR_STATE;
    uint32_t cap = s->staging->size < s->dst_max ? s->staging->size : s->dst_max;
    if ((uint64_t)s->written + n > cap)
        return failf(s, FW_ERR_NO_SPACE, "image larger than %s (0x%x bytes)",
                     s->staging->size < s->dst_max ? "the staging slot" : "its destination", (unsigned)cap);
    while (n) {
        size_t take = sizeof s->sec - s->sec_fill < n ? sizeof s->sec - s->sec_fill : n;
        memcpy(s->sec + s->sec_fill, p, take);
        s->sec_fill += (uint32_t)take, s->written += (uint32_t)take, p += take, n -= take;
        if (s->sec_fill == sizeof s->sec) {
            int rc = flush_sector(s, 0);
            if (rc) return failf(s, rc, "writing the staging slot %s failed", s->staging->label);
        }
    }
    return FW_OK;
}

struct abs_reader {
    struct fwd_dev *d;
    uint32_t base;
};

static int read_abs(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct abs_reader *a = ctx;
    return fwd_dev_read_abs(a->d, a->base + off, buf, len, 1);   /* bootloader region: encrypted under FE */
}

/* No downgrade: the installed bootloader, when it verifies, sets the floor. */
static int bootloader_not_older(struct fwd_stage *s)
{
    struct fwd_ota_dev *dev = s->cfg.dev;
    struct abs_reader a = {&dev->d, s->dst_off};
    struct fwd_verify_policy pol = {.efuse = &dev->efuse, .part_offset = s->dst_off, .kind = FW_IMAGE_KIND_BOOTLOADER};
    int rc = fwd_verify_image(read_abs, &a, s->dst_max, &pol, &dev->work, &s->vr_cur);
    if (rc == FW_ERR_POWER_LOSS) return failf(s, rc, "power loss");
    if (rc != FW_OK || s->vr_cur.reason != FWD_VR_OK) return FW_OK;   /* nothing verifiable installed: no floor */
    if (s->vr.boot.secure_version < s->vr_cur.boot.secure_version)
        return failf(s, FW_ERR_ROLLBACK, "bootloader rejected: secure_version %u below the installed bootloader's %u (downgrade)",
                     (unsigned)s->vr.boot.secure_version, (unsigned)s->vr_cur.boot.secure_version);
    return FW_OK;
}

static int read_staging(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct fwd_stage *s = ctx;
    return fwd_part_read(&s->cfg.dev->d, s->staging, off, buf, len);
}

/* The target's checks on what the staging slot holds; *len = bytes to copy. */
static int verify_staged(struct fwd_stage *s, uint32_t *len)
{
    struct fwd_ota_dev *dev = s->cfg.dev;
    int rc;
    switch (s->cfg.target) {
    case FWD_STAGE_BOOTLOADER: {
        struct fwd_verify_policy pol = {.efuse = &dev->efuse, .part_offset = s->dst_off, .kind = FW_IMAGE_KIND_BOOTLOADER};
        uint32_t lim = s->flushed < s->dst_max ? s->flushed : s->dst_max;
        rc = fwd_verify_image(read_staging, s, lim, &pol, &dev->work, &s->vr);
        if (rc == FW_ERR_NO_SPACE && s->vr.image_len && s->vr.image_len <= s->written)
            return failf(s, rc, "bootloader rejected: no Secure Boot V2 signature sector after the image (unsigned?)");
        if (rc) return failf(s, rc, "bootloader rejected: %s", fwd_verify_reason_str(s->vr.reason));
        if ((rc = bootloader_not_older(s))) return rc;
        *len = s->vr.total_len;
        return FW_OK;
    }
    case FWD_STAGE_PARTITION_TABLE: {
        uint8_t *bin = dev->work.buf;
        if (s->written > FW_PT_LEN) return failf(s, FW_ERR_RANGE, "a partition table is at most 0xC00 bytes");
        if ((rc = read_staging(s, 0, bin, s->written))) return failf(s, rc, "cannot read the staging slot");
        char why[112];
        rc = fwd_stage_check_table(dev, bin, s->written, s->staging, s->cfg.journal_offset, why, sizeof why);
        if (rc) return failf(s, rc, "partition table rejected: %s", why);
        *len = s->written;
        return FW_OK;
    }
    case FWD_STAGE_DATA:
        rc = fwd_verify_signed_data(read_staging, s, s->written, &dev->efuse, &dev->work, &s->vr);
        if (rc == FW_ERR_FORMAT)
            return failf(s, rc, "not a signed data image (data padded to 4 KiB + a 4 KiB signature sector)");
        if (rc) return failf(s, rc, "data image rejected: %s", fwd_verify_reason_str(s->vr.reason));
        *len = s->written;
        return FW_OK;
    }
    return failf(s, FW_ERR_INVALID_ARG, "unknown target");
}

static int writer_finish(void *ctx)
{
    struct fwd_stage *s = ctx;
    struct fwd_ota_dev *dev = s->cfg.dev;
    if (s->state != FWD_STAGE_RUNNING) return s->fail.code ? s->fail.code : FW_ERR_STATE;
    if (!s->written) return failf(s, FW_ERR_TRUNCATED, "empty image");
    int rc = s->sec_fill ? flush_sector(s, 1) : FW_OK;
    if (rc) return failf(s, rc, "writing the staging slot %s failed", s->staging->label);
    uint32_t len = 0;
    if ((rc = verify_staged(s, &len))) return rc;
    struct fw_cj_header h = {
        .kind = (uint8_t)s->cfg.target,
        .flags = (uint8_t)((s->staging->encrypted ? FW_CJ_SRC_ENCRYPTED : 0) | (s->dst_enc ? FW_CJ_DST_ENCRYPTED : 0)),
        .src = s->staging->offset, .dst = s->dst_off, .len = len,
        .span = s->cfg.target == FWD_STAGE_DATA ? s->dst_max : (uint32_t)fw_align_up(len, FW_CJ_SECTOR),
    };
    if ((rc = fwd_stage_digest(&dev->d, h.src, h.len, h.flags & FW_CJ_SRC_ENCRYPTED, &dev->work, h.digest)))
        return failf(s, rc, "cannot hash the staging copy");
    rc = fwd_stage_copy_start(&dev->d, s->cfg.journal_offset, &h, &dev->work, &s->copy);
    if (rc == FW_ERR_POWER_LOSS) return failf(s, rc, "power loss");
    if (rc) {
        s->touched = 0; /* the journal may name the staging copy: keep it */
        return failf(s, rc, "the copy to 0x%x failed", (unsigned)h.dst);
    }
    s->state = FWD_STAGE_DONE;
    return FW_OK;
}

/* ---- input ------------------------------------------------------------------ */

static int start_payload(struct fwd_stage *s)
{
    s->writer = (struct fwd_sink){writer_write, writer_finish, s};
    if (fw_enc_check_magic(s->magic, s->magic_len) == FW_OK) {
        if (!s->cfg.key) return failf(s, FW_ERR_KEY, "encrypted image but no device decryption key provisioned");
        s->payload = PAYLOAD_ENCRYPTED;
        struct fwd_decrypt_cfg dc = {.key = s->cfg.key, .rng = &s->cfg.dev->d.plat->random, .min_bin_size = 1,
                                     .max_bin_size = s->staging->size < s->dst_max ? s->staging->size : s->dst_max,
                                     .strict_reserved = 1, .out = s->writer};
        int rc = fwd_decrypt_start(&s->dec, &dc);
        if (rc) return failf(s, rc, "cannot start the decryptor");
        s->head = fwd_decrypt_input(&s->dec);
    } else {
        s->payload = PAYLOAD_PLAIN;
        s->head = s->writer;
    }
    return fwd_sink_write(&s->head, s->magic, s->magic_len);
}

static int stage_error(struct fwd_stage *s, int rc)
{
    if (rc == FW_OK || s->state == FWD_STAGE_FAILED) return rc;
    return failf(s, rc, rc == FW_ERR_AUTH ? "decryption failed: GCM tag mismatch" : "decryption failed (%s)", fw_strerror(rc));
}

int fwd_stage_feed(struct fwd_stage *s, const uint8_t *p, size_t n)
{
    if (!s) return FW_ERR_INVALID_ARG;
    if (s->state != FWD_STAGE_RUNNING) return s->state == FWD_STAGE_FAILED ? s->fail.code : FW_ERR_STATE;
    if (n && !p) return failf(s, FW_ERR_INVALID_ARG, "no data");
    s->in_bytes += n;
    if (s->payload == PAYLOAD_UNDECIDED) { /* the container magic is 4 bytes: decide on all of them */
        while (n && s->magic_len < sizeof s->magic) s->magic[s->magic_len++] = *p++, n--;
        if (s->magic_len < sizeof s->magic) return FW_OK;
        int rc = stage_error(s, start_payload(s));
        if (rc) return rc;
    }
    return stage_error(s, fwd_sink_write(&s->head, p, n));
}

int fwd_stage_finish(struct fwd_stage *s)
{
    if (!s) return FW_ERR_INVALID_ARG;
    if (s->state != FWD_STAGE_RUNNING) return s->state == FWD_STAGE_FAILED ? s->fail.code : FW_ERR_STATE;
    if (s->payload == PAYLOAD_UNDECIDED) {
        if (!s->magic_len) return failf(s, FW_ERR_TRUNCATED, "no data received");
        int rc = stage_error(s, start_payload(s));
        if (rc) return rc;
    }
    return stage_error(s, fwd_sink_finish(&s->head));
}

int fwd_stage_abort(struct fwd_stage *s, int err, const char *why) { return failf(s, err, "%s", why ? why : "aborted"); }

static int in_write(void *ctx, const uint8_t *p, size_t n) { return fwd_stage_feed(ctx, p, n); }
static int in_finish(void *ctx) { return fwd_stage_finish(ctx); }
struct fwd_sink fwd_stage_input(struct fwd_stage *s) { return (struct fwd_sink){in_write, in_finish, s}; }

const char *fwd_stage_reason(const struct fwd_stage *s) { return s && s->state == FWD_STAGE_FAILED ? s->why : ""; }
