/* SPDX-License-Identifier: Apache-2.0 */
/* Device OTA pipeline (see fwd_ota_pipeline.h). */
#include "device/fwd_ota_pipeline.h"

#include <stdio.h>
#include <string.h>

#include "device/fwd_efuse.h"
#include "fw_bytes.h"
#include "fw_enc_header.h"
#include "fw_image.h"

#define PROGRESS_STEP_MIN (64u * 1024u)

static void emit(struct fwd_ota_pipeline *p, struct fwd_ota_event *ev)
{
    if (p->cfg.event) p->cfg.event(p->cfg.event_ctx, ev);
}

static struct fwd_ota_event event_of(const struct fwd_ota_pipeline *p, enum fwd_ota_ev_type type)
{
    struct fwd_ota_event ev = { .type = type, .done = p->written, .total = p->total,
                                .slot = p->part ? p->part->label : "", .payload = p->payload };
    return ev;
}

static void emit_simple(struct fwd_ota_pipeline *p, enum fwd_ota_ev_type type)
{
    struct fwd_ota_event ev = event_of(p, type);
    emit(p, &ev);
}

/* Record the first failure, erase whatever reached the slot, report. A power
 * loss stops everything at once: no erase (the HAL is dead anyway). */
static int fail(struct fwd_ota_pipeline *p, int err, const char *reason)
{
    if (p->state == FWD_OTA_FAILED) return p->fail.code;
    p->state = FWD_OTA_FAILED;
    fw_fail_set(&p->fail, err, reason);
    if (err == FW_ERR_POWER_LOSS) return err;
    if (p->payload == FWD_OTA_PAYLOAD_ENCRYPTED) fwd_decrypt_abort(&p->dec);
    if (p->began) {
        fwd_ota_abort(&p->ota); /* erases the written part; harmless if the handle already closed */
        p->began = 0;
    } else if (p->resumed_at) {
        /* refused while resuming, before the handle opened: the kept part
         * of an image that is not accepted goes too */
        int e = fwd_part_erase(&p->cfg.dev->d, p->part, 0, p->part->size);
        p->fate = e == FW_OK ? FWD_OTA_SLOT_ERASED : FWD_OTA_SLOT_UNKNOWN;
    }
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_ABORTED);
    fw_fail_set(&ev.fail, err, reason);
    ev.slot_fate = p->fate;
    emit(p, &ev);
    return err;
}

static int writer_write(void *ctx, const uint8_t *d, size_t n);
static int writer_finish(void *ctx);

int fwd_ota_pipeline_start(struct fwd_ota_pipeline *p, const struct fwd_ota_pipeline_cfg *cfg)
{
    if (!p || !cfg || !cfg->dev) return FW_ERR_INVALID_ARG;
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->fail = FW_FAIL_NONE;
    p->part = fwd_ota_get_next_update_partition(cfg->dev, NULL);
    if (!p->part) {
        p->state = FWD_OTA_FAILED;
        return fw_fail_set(&p->fail, FW_ERR_NOT_FOUND, "no OTA slot to write");
    }
    p->total = cfg->size_hint;
    p->writer = (struct fwd_sink){ writer_write, writer_finish, p };
    emit_simple(p, FWD_OTA_EV_START);
    /* fwd_ota_begin refuses this too, but only after the download started:
     * say it now, before fetching anything, and name the running slot. */
    const struct fwd_part *run = fwd_ota_get_running_partition(cfg->dev);
    uint32_t st;
    if (run && fwd_ota_get_state_partition(cfg->dev, run, &st) == FW_OK && st == FW_OTA_PENDING_VERIFY) {
        snprintf(p->why, sizeof p->why, "the running app %s is PENDING_VERIFY: confirm or roll back before the next OTA",
                 run->label);
        return fail(p, FW_ERR_STATE, p->why);
    }
    return FW_OK;
}

/* ---- early checks on the first plaintext bytes ------------------------------ */

static int same_version_as(struct fwd_ota_pipeline *p, const struct fwd_part *part)
{
    struct fwd_app_info other;
    if (!part || fwd_ota_get_partition_description(p->cfg.dev, part, &other) != FW_OK) return 0;
    return !strcmp(other.desc.version, p->app.desc.version);
}

static int early_checks(struct fwd_ota_pipeline *p, uint64_t done)
{
    struct fwd_ota_dev *dev = p->cfg.dev;
    if (p->early[0] != FW_IMAGE_MAGIC) return fail(p, FW_ERR_MAGIC, "plaintext is not an app image (magic 0xE9)");
    if (fwd_verify_parse_app_info(p->early, sizeof p->early, &p->app) != FW_OK)
        return fail(p, FW_ERR_FORMAT, "plaintext is not an app image (no valid app descriptor)");
    /* The anti-rollback floor of a VALID running app first (a power cut may
     * have kept confirm from burning it): the comparison below uses it. */
    int healed = fwd_ota_heal_secure_version(dev);
    if (healed != FW_OK)
        return fail(p, healed, "cannot raise the eFuse anti-rollback floor to the running app's secure_version");
    const struct fwd_app_info *a = &p->app;
    uint16_t rev = dev->efuse.chip_rev;
    if (a->chip_id != dev->efuse.chip_id) return fail(p, FW_ERR_CHIP, "image built for another chip");
    /* The image verifier's rule (common/fw_image): 0 / 0xFFFF max = no limit. */
    if (!fw_image_chip_rev_ok(a->min_chip_rev, a->max_chip_rev, rev))
        return fail(p, FW_ERR_CHIP, "image does not support this chip revision");
    if (p->app.desc.secure_version < fwd_efuse_secure_version(&dev->efuse))
        return fail(p, FW_ERR_ROLLBACK, "secure_version below the eFuse anti-rollback value (downgrade)");
    if (!p->cfg.allow_same_version && same_version_as(p, fwd_ota_get_running_partition(dev)))
        return fail(p, FW_ERR_VERSION, "same version as the running app (use --allow-same-version)");
    if (same_version_as(p, fwd_ota_get_last_invalid_partition(dev)))
        return fail(p, FW_ERR_VERSION, "same version as the last invalid (rolled back) app");
    if (p->total > p->part->size) return fail(p, FW_ERR_NO_SPACE, "image larger than the OTA slot");
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_APP_DESC);
    ev.done = 0;
    ev.app = &p->app;
    emit(p, &ev);
    /* Only now erase: ALIGN_UP(size) when known, else the whole slot. */
    uint32_t size = p->total ? (uint32_t)p->total : FWD_OTA_SIZE_UNKNOWN;
    int rc = fwd_ota_begin_at(dev, p->part, size, (uint32_t)done, &p->ota);
    /* fwd_ota_begin refuses STATE / NO_SPACE / INVALID_ARG before touching flash */
    p->fate = rc == FW_OK ? FWD_OTA_SLOT_ERASED
              : (rc == FW_ERR_STATE || rc == FW_ERR_NO_SPACE || rc == FW_ERR_INVALID_ARG) ? FWD_OTA_SLOT_UNTOUCHED
                                                                                        : FWD_OTA_SLOT_UNKNOWN;
    if (rc != FW_OK)
        return fail(p, rc, rc == FW_ERR_STATE ? "cannot start an OTA: the running app is unconfirmed (PENDING_VERIFY)"
                                              : "cannot start writing the OTA slot");
    p->began = 1;
    return FW_OK;
}

static void progress(struct fwd_ota_pipeline *p)
{
    if (p->written < p->next_progress && p->written != p->total) return;
    uint64_t step = p->total / 50;
    if (step < PROGRESS_STEP_MIN) step = PROGRESS_STEP_MIN;
    p->next_progress = p->written + step;
    emit_simple(p, FWD_OTA_EV_WRITING);
}

/* A checkpoint once the bytes up to a boundary are programmed. */
static int checkpoint(struct fwd_ota_pipeline *p)
{
    uint32_t every = p->cfg.checkpoint_every;
    if (!p->cfg.checkpoint || !every || p->written % every || fwd_ota_programmed(&p->ota) != p->written) return FW_OK;
    int rc = p->cfg.checkpoint(p->cfg.checkpoint_ctx, p->written);
    if (rc == FW_ERR_POWER_LOSS) return fail(p, rc, "power loss");
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_CHECKPOINT);
    if (rc == FW_OK) emit(p, &ev);
    return FW_OK;
}

static int ota_write(struct fwd_ota_pipeline *p, const uint8_t *d, size_t n)
{
    while (n) {
        size_t take = n;
        uint32_t every = p->cfg.checkpoint ? p->cfg.checkpoint_every : 0;
        if (every && take > every - p->written % every) take = every - p->written % every; /* stop at the boundary */
        int rc = fwd_ota_write(&p->ota, d, take);
        if (rc != FW_OK) {
            p->began = 0; /* fwd_ota_write erased and closed on error */
            return fail(p, rc, rc == FW_ERR_NO_SPACE ? "image larger than the OTA slot" : "writing the OTA slot failed");
        }
        p->written += take;
        d += take;
        n -= take;
        if ((rc = checkpoint(p)) != FW_OK) return rc;
    }
    progress(p);
    return FW_OK;
}

/* HEADER_VERIFIED once, before any plaintext event of the same feed call. */
static void announce_header(struct fwd_ota_pipeline *p)
{
    if (p->payload != FWD_OTA_PAYLOAD_ENCRYPTED || p->header_announced || !fwd_decrypt_header_done(&p->dec)) return;
    p->header_announced = 1;
    p->total = fwd_decrypt_bin_size(&p->dec);
    emit_simple(p, FWD_OTA_EV_HEADER_VERIFIED);
}

/* ---- the last stage: early checks + slot writer + verification ------------- */

/* Plaintext in: buffer the first bytes for the early checks, then write. */
static int writer_write(void *ctx, const uint8_t *d, size_t n)
{
    struct fwd_ota_pipeline *p = ctx;
    if (p->state != FWD_OTA_RUNNING) return p->fail.code ? p->fail.code : FW_ERR_STATE;
    announce_header(p);
    if (!p->began) {
        size_t take = sizeof p->early - p->early_len;
        if (take > n) take = n;
        memcpy(p->early + p->early_len, d, take);
        p->early_len += (uint32_t)take;
        d += take;
        n -= take;
        if (p->early_len < sizeof p->early) return FW_OK;
        int rc = early_checks(p, 0);
        if (rc == FW_OK) rc = ota_write(p, p->early, sizeof p->early);
        if (rc != FW_OK) return rc;
    }
    return n ? ota_write(p, d, n) : FW_OK;
}

static int start_decrypt(struct fwd_ota_pipeline *p)
{
    if (!p->cfg.key) return fail(p, FW_ERR_KEY, "encrypted image but no device decryption key provisioned");
    struct fwd_decrypt_cfg dc = {
        .key = p->cfg.key, .rng = &p->cfg.dev->d.plat->random,
        .min_bin_size = FWD_APP_EARLY_BYTES, .max_bin_size = p->part->size,
        .strict_reserved = 1, .out = p->writer,
    };
    int rc = fwd_decrypt_start(&p->dec, &dc);
    if (rc != FW_OK) return fail(p, rc, "cannot start the decryptor");
    p->head = fwd_decrypt_input(&p->dec);
    return FW_OK;
}

static const char *decrypt_reason(int rc)
{
    switch (rc) {
    case FW_ERR_MAGIC: return "not an encrypted image (bad magic)";
    case FW_ERR_RANGE: return "encrypted image size out of range (empty or larger than the slot)";
    case FW_ERR_FORMAT: return "malformed encrypted image (trailing bytes or non-zero reserved header bytes)";
    case FW_ERR_KEY: return "invalid key material in the encrypted image header";
    case FW_ERR_TRUNCATED: return "encrypted image truncated";
    case FW_ERR_AUTH: return "decryption failed: GCM tag mismatch (tampered, or encrypted for another device key)";
    default: return "decryption failed";
    }
}

/* The first byte decides the payload and so the head of the chain. */
static int choose_payload(struct fwd_ota_pipeline *p, uint8_t first)
{
    if (fw_enc_check_magic(&first, 1) != FW_ERR_MAGIC) { /* first byte of the container magic */
        p->payload = FWD_OTA_PAYLOAD_ENCRYPTED;
        return start_decrypt(p);
    }
    if (first == FW_IMAGE_MAGIC && p->cfg.allow_plaintext) {
        p->payload = FWD_OTA_PAYLOAD_PLAINTEXT;
        p->head = p->writer;
        return FW_OK;
    }
    return fail(p, FW_ERR_MAGIC, p->cfg.allow_plaintext ? "neither an encrypted container nor an app image"
                                                         : "not an encrypted image (bad magic)");
}

/* An error a stage returned without failing the pipeline is the decryptor's
 * own (the writer stage fails the pipeline itself, with its reason). */
static int stage_error(struct fwd_ota_pipeline *p, int rc)
{
    if (rc == FW_OK || p->state == FWD_OTA_FAILED) return rc;
    return fail(p, rc, decrypt_reason(rc));
}

int fwd_ota_pipeline_feed(struct fwd_ota_pipeline *p, const uint8_t *data, size_t n)
{
    if (!p) return FW_ERR_INVALID_ARG;
    if (p->state == FWD_OTA_FAILED) return p->fail.code;
    if (p->state == FWD_OTA_FINISHED) return FW_ERR_STATE;
    if (!n) return FW_OK;
    if (!data) return fail(p, FW_ERR_INVALID_ARG, "no data");
    if (p->payload == FWD_OTA_PAYLOAD_UNDECIDED) {
        int rc = choose_payload(p, data[0]);
        if (rc) return rc;
    }
    int rc = stage_error(p, fwd_sink_write(&p->head, data, n));
    if (rc == FW_OK) announce_header(p);
    if (rc == FW_OK) p->in_bytes += n;
    return rc;
}

/* End of the plaintext: the image is complete; verify it, select it. */
static int writer_finish(void *ctx)
{
    struct fwd_ota_pipeline *p = ctx;
    if (p->state != FWD_OTA_RUNNING) return p->fail.code ? p->fail.code : FW_ERR_STATE;
    if (!p->began) return fail(p, FW_ERR_TRUNCATED, "image too short to hold an app descriptor");
    p->total = p->written;
    if (p->cfg.image_check) {
        p->why[0] = 0;
        int rc = p->cfg.image_check(p->cfg.image_check_ctx, p);
        if (rc != FW_OK) return fail(p, rc, p->why[0] ? p->why : "image check failed");
    }
    emit_simple(p, FWD_OTA_EV_VERIFYING);
    p->began = 0; /* fwd_ota_end closes the handle (and erases on failure) on every path */
    /* One verification: end and boot selection in one call on the still-open
     * handle (the slot cannot change in between); on any failure the slot is
     * erased and the handle closed. */
    int verified = 0;
    int rc = fwd_ota_end_and_set_boot(&p->ota, &verified);
    if (rc != FW_OK) {
        const char *why = rc == FW_ERR_POWER_LOSS ? "power loss"
                          : verified          ? "cannot select the new image for boot"
                                              : fwd_verify_reason_str(p->cfg.dev->last.reason);
        return fail(p, rc, why);
    }
    emit_simple(p, FWD_OTA_EV_BOOT_UPDATED);
    p->state = FWD_OTA_FINISHED;
    emit_simple(p, FWD_OTA_EV_FINISHED);
    return FW_OK;
}

int fwd_ota_pipeline_finish(struct fwd_ota_pipeline *p)
{
    if (!p) return FW_ERR_INVALID_ARG;
    if (p->state == FWD_OTA_FAILED) return p->fail.code;
    if (p->state == FWD_OTA_FINISHED) return FW_ERR_STATE;
    if (p->payload == FWD_OTA_PAYLOAD_UNDECIDED) return fail(p, FW_ERR_TRUNCATED, "no data received");
    return stage_error(p, fwd_sink_finish(&p->head));
}

static int input_write(void *ctx, const uint8_t *d, size_t n) { return fwd_ota_pipeline_feed(ctx, d, n); }
static int input_finish(void *ctx) { return fwd_ota_pipeline_finish(ctx); }

struct fwd_sink fwd_ota_pipeline_input(struct fwd_ota_pipeline *p)
{
    struct fwd_sink s = { input_write, input_finish, p };
    return s;
}

/* ---- resume ------------------------------------------------------------------ */

static int read_slot(void *ctx, uint64_t off, uint8_t *buf, size_t n)
{
    struct fwd_ota_pipeline *p = ctx;
    return fwd_part_read(&p->cfg.dev->d, p->part, (uint32_t)off, buf, n);
}

int fwd_ota_pipeline_resume(struct fwd_ota_pipeline *p, const uint8_t *head, size_t head_len, uint64_t done,
                            uint64_t total)
{
    if (!p) return FW_ERR_INVALID_ARG;
    if (p->state != FWD_OTA_RUNNING) return p->state == FWD_OTA_FAILED ? p->fail.code : FW_ERR_STATE;
    if (p->payload != FWD_OTA_PAYLOAD_UNDECIDED || p->in_bytes) return FW_ERR_STATE;
    if (!head || head_len != FWD_DECRYPT_HEADER_SIZE || !done || done % 4096 || done > p->part->size)
        return fail(p, FW_ERR_INVALID_ARG, "bad resume point");
    p->resumed_at = done; /* from here on a refusal erases the kept part */
    int rc = choose_payload(p, head[0]);
    if (rc) return rc;
    if (p->payload == FWD_OTA_PAYLOAD_ENCRYPTED) {
        rc = fwd_decrypt_resume(&p->dec, head, head_len, done, read_slot, p);
        if (rc == FW_ERR_RANGE) return fail(p, rc, "resume point beyond the encrypted image");
        if (rc) return fail(p, rc, decrypt_reason(rc));
        announce_header(p);
    } else {
        if (total < done) return fail(p, FW_ERR_RANGE, "resume point beyond the image");
        p->total = total;
    }
    /* The app descriptor as it is on flash, through the same early checks. */
    if ((rc = read_slot(p, 0, p->early, sizeof p->early)) != FW_OK) return fail(p, rc, "cannot read the slot back");
    p->early_len = sizeof p->early;
    if ((rc = early_checks(p, done)) != FW_OK) return rc;
    p->began = 1;
    p->written = done;
    p->in_bytes = (p->payload == FWD_OTA_PAYLOAD_ENCRYPTED ? FWD_DECRYPT_HEADER_SIZE : 0) + done;
    p->next_progress = done;
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_RESUMED);
    ev.offset = p->in_bytes;
    emit(p, &ev);
    return FW_OK;
}

void fwd_ota_pipeline_resume_refused(struct fwd_ota_pipeline *p, const char *why)
{
    if (!p || !p->part) return;
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_RESUMED);
    fw_fail_set(&ev.fail, FW_ERR_STATE, why ? why : "the interrupted download cannot be continued");
    emit(p, &ev);
}

int fwd_ota_pipeline_erase_slot(struct fwd_ota_pipeline *p)
{
    if (!p) return FW_ERR_INVALID_ARG;
    if (p->state != FWD_OTA_RUNNING || p->began || p->in_bytes) return FW_ERR_STATE;
    int rc = fwd_part_erase(&p->cfg.dev->d, p->part, 0, p->part->size);
    if (rc != FW_OK) return fail(p, rc, rc == FW_ERR_POWER_LOSS ? "power loss" : "cannot erase the OTA slot");
    return FW_OK;
}

int fwd_ota_pipeline_suspend(struct fwd_ota_pipeline *p, int err, const char *reason)
{
    if (!p) return FW_ERR_INVALID_ARG;
    if (p->state != FWD_OTA_RUNNING) return fwd_ota_pipeline_abort(p, err, reason);
    p->state = FWD_OTA_FAILED;
    fw_fail_set(&p->fail, err, reason ? reason : "suspended");
    if (p->payload == FWD_OTA_PAYLOAD_ENCRYPTED) fwd_decrypt_abort(&p->dec);
    if (p->began) fwd_ota_suspend(&p->ota);
    p->fate = p->began ? FWD_OTA_SLOT_KEPT : FWD_OTA_SLOT_UNTOUCHED;
    p->began = 0;
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_ABORTED);
    fw_fail_set(&ev.fail, err, p->fail.why);
    ev.slot_fate = p->fate;
    emit(p, &ev);
    return err;
}

int fwd_ota_pipeline_abort(struct fwd_ota_pipeline *p, int err, const char *reason)
{
    if (!p) return FW_ERR_INVALID_ARG;
    return fail(p, err, reason ? reason : "aborted");
}

const char *fwd_ota_pipeline_reason(const struct fwd_ota_pipeline *p) { return p && p->fail.why ? p->fail.why : ""; }

/* ---- for transports ------------------------------------------------------------ */

int fwd_ota_pipeline_error(const struct fwd_ota_pipeline *p)
{
    if (!p) return FW_ERR_INVALID_ARG;
    return p->state == FWD_OTA_FAILED ? p->fail.code : p->state == FWD_OTA_FINISHED ? FW_ERR_STATE : FW_OK;
}

uint64_t fwd_ota_pipeline_offset(const struct fwd_ota_pipeline *p) { return p ? p->in_bytes : 0; }

uint64_t fwd_ota_pipeline_input_limit(const struct fwd_ota_pipeline *p)
{
    return p && p->part ? (uint64_t)p->part->size + FWD_DECRYPT_HEADER_SIZE : 0;
}

void fwd_ota_pipeline_input_size(struct fwd_ota_pipeline *p, uint64_t size)
{
    if (p && p->payload != FWD_OTA_PAYLOAD_ENCRYPTED && !p->total) p->total = size;
}

void fwd_ota_pipeline_source_open(struct fwd_ota_pipeline *p, const char *source, int secure)
{
    if (!p || !p->part) return;
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_SOURCE_OPEN);
    ev.source = source;
    ev.secure = secure;
    ev.offset = p->in_bytes;
    emit(p, &ev);
}

void fwd_ota_pipeline_source_retry(struct fwd_ota_pipeline *p, const char *source, unsigned attempt,
                                   uint32_t delay_ms, int err, const char *reason)
{
    if (!p || !p->part) return;
    struct fwd_ota_event ev = event_of(p, FWD_OTA_EV_SOURCE_RETRY);
    ev.source = source;
    ev.offset = p->in_bytes;
    ev.attempt = attempt;
    ev.delay_ms = delay_ms;
    fw_fail_set(&ev.fail, err, reason);
    emit(p, &ev);
}
