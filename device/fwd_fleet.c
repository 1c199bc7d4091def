/* SPDX-License-Identifier: Apache-2.0 */
/* Device side of a fleet release (see fwd_fleet.h). */
#include "device/fwd_fleet.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "device/fwd_efuse.h"
#include "fw_bytes.h"
#include "fw_enc_header.h"
#include "fw_mf_bind.h"

/* ---- outcome ------------------------------------------------------------------- */

static enum fwd_fleet_outcome finish_as(struct fwd_fleet *f, enum fwd_fleet_outcome o, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum fwd_fleet_outcome finish_as(struct fwd_fleet *f, enum fwd_fleet_outcome o, int err, const char *fmt, ...)
{
    if (err == FW_ERR_POWER_LOSS) o = FWD_FLEET_FAILED; /* the device is dead: nothing decided */
    f->outcome = o;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->why, sizeof f->why, fmt, ap);
        va_end(ap);
    }
    fw_fail_set(&f->fail, err, f->why);
    return o;
}

static void step(struct fwd_fleet *f, enum fwd_fleet_step s)
{
    if (f->cfg.step) f->cfg.step(f->cfg.step_ctx, s, f);
}

const char *fwd_fleet_outcome_name(enum fwd_fleet_outcome o)
{
    switch (o) {
    case FWD_FLEET_UPDATED: return "updated";
    case FWD_FLEET_NOTHING: return "nothing-to-do";
    case FWD_FLEET_REFUSED: return "refused";
    case FWD_FLEET_FAILED: return "failed";
    }
    return "unknown";
}

/* ---- small sinks ------------------------------------------------------------------ */

/* Collect a whole small resource into a fixed buffer; more is an error. */
struct buf_sink {
    uint8_t *buf;
    uint32_t cap;
    uint32_t *len;
};

static int buf_write(void *ctx, const uint8_t *p, size_t n)
{
    struct buf_sink *b = ctx;
    if (n > b->cap - *b->len) return FW_ERR_NO_SPACE;
    memcpy(b->buf + *b->len, p, n);
    *b->len += (uint32_t)n;
    return FW_OK;
}

/* Count body bytes on their way into the chunk stage. */
struct count_sink {
    struct fwd_sink next;
    uint64_t *count;
};

static int count_write(void *ctx, const uint8_t *p, size_t n)
{
    struct count_sink *c = ctx;
    *c->count += n;
    return fwd_sink_write(&c->next, p, n);
}

/* A transport error (fetch could not complete) as opposed to data refused. */
static int transport_error(int err)
{
    return err == FW_ERR_NET || err == FW_ERR_TIMEOUT || err == FW_ERR_TLS || err == FW_ERR_PROTOCOL ||
           err == FW_ERR_TRUNCATED || err == FW_ERR_IO || err == FW_ERR_UNSUPPORTED || err == FW_ERR_NOT_FOUND;
}

/* GET a small resource whole into buf (retrying from 0 on transient errors). */
static int fetch_small(struct fwd_fleet *f, const char *path, uint64_t expect, uint8_t *buf, uint32_t cap,
                       uint32_t *len, uint64_t *counted)
{
    const struct fwd_fleet_source *src = &f->cfg.src;
    for (unsigned attempt = 1;; attempt++) {
        *len = 0;
        struct buf_sink b = { buf, cap, len };
        struct fwd_sink s = { buf_write, NULL, &b };
        struct fw_fail why = FW_FAIL_NONE;
        int rc = src->get(src->ctx, path, 0, expect, cap, &s, &why);
        *counted += *len;
        if (rc == FW_OK) return FW_OK;
        snprintf(f->why, sizeof f->why, "%s: %s", path, why.why ? why.why : fw_strerror(rc));
        if (rc == FW_ERR_NO_SPACE || rc == FW_ERR_POWER_LOSS || !src->retry || !src->retry(src->ctx, rc, attempt))
            return rc;
    }
}

/* ---- 1. the manifest -------------------------------------------------------------- */

static enum fwd_fleet_outcome manifest(struct fwd_fleet *f)
{
    int rc = fetch_small(f, f->cfg.manifest_path, 0, f->mf, sizeof f->mf, &f->mf_len, &f->manifest_bytes);
    if (rc == FW_ERR_NO_SPACE)
        return finish_as(f, FWD_FLEET_REFUSED, rc, "manifest larger than %u bytes", (unsigned)sizeof f->mf);
    if (rc) return finish_as(f, FWD_FLEET_FAILED, rc, "cannot fetch the manifest (%s)", f->why);
    rc = fw_mf_decode(f->mf, f->mf_len, &f->m);
    if (rc) return finish_as(f, FWD_FLEET_REFUSED, rc, "malformed manifest (%s)", fw_strerror(rc));
    /* Its signature, by the rule images are verified with: blocks over
     * SHA-256([0, S)) by trusted, non-revoked eFuse keys, k of n. */
    uint32_t s = fw_mf_signed_len(&f->m);
    uint8_t *digest = f->mf_digest; /* also the resume record's validator */
    rc = fwd_hash(FWD_HASH_SHA256, f->mf, s, digest, FWD_SHA256_LEN);
    if (rc) return finish_as(f, FWD_FLEET_FAILED, rc, "hashing the manifest failed");
    rc = fwd_verify_sig_sector(f->mf + s, digest, FWD_SHA256_LEN, &f->cfg.dev->efuse, &f->sig);
    if (rc != FW_OK || f->sig.reason != FWD_VR_OK)
        return finish_as(f, FWD_FLEET_REFUSED, rc ? rc : FW_ERR_SIGNATURE, "manifest signature: %s",
                         fwd_verify_reason_str(f->sig.reason));
    step(f, FWD_FLEET_STEP_MANIFEST);
    return 0;
}

/* ---- 2. the decision ----------------------------------------------------------------- */

static int key_fits(const struct fwd_decrypt_key *k, unsigned scheme)
{
    if (!k) return 0;
    if (k->scheme == FW_ENC_SCHEME_RSA3072) return scheme == FW_MF_ENC_RSA3072;
    if (k->scheme == FW_ENC_SCHEME_ECIES_P256)
        return scheme == FW_MF_ENC_ECIES_P256 || scheme == FW_MF_ENC_ECIES_P256_SHARED;
    return 0;
}

static enum fwd_fleet_outcome decide(struct fwd_fleet *f)
{
    struct fwd_ota_dev *dev = f->cfg.dev;
    int rc = fwd_fleet_state_load(f->cfg.state, &f->before);
    if (rc) return finish_as(f, FWD_FLEET_FAILED, rc, "cannot read the manifest memory (NVS)");
    struct fwd_app_info *running = &f->running;
    const struct fwd_part *run = fwd_ota_get_running_partition(dev);
    if (run && fwd_ota_get_partition_description(dev, run, running) != FW_OK) memset(running, 0, sizeof *running);
    uint64_t now = 0;
    if (f->cfg.clock && f->cfg.clock(f->cfg.clock_ctx, &now) != FW_OK) now = 0; /* no usable clock */
    struct fw_mf_device *d = &f->facts;
    d->id = f->cfg.device_id;
    d->group = f->cfg.group;
    d->project = running->desc.project_name;   /* "" when nothing runs: never matches */
    d->version = running->desc.version;
    d->chip_id = dev->efuse.chip_id;
    d->chip_rev = dev->efuse.chip_rev;
    d->efuse_secure_version = fwd_efuse_secure_version(&dev->efuse);
    d->last_seq = f->before.seq;
    d->clock_utc = now;
    d->newest_issued = f->before.time;
    enum fw_mf_verdict v = fw_mf_decide(&f->m, d, &f->decision);
    step(f, FWD_FLEET_STEP_DECIDED);
    enum fw_mf_verdict_kind kind = fw_mf_verdict_kind(v);
    if (kind == FW_MF_KIND_REJECT)
        return finish_as(f, FWD_FLEET_REFUSED, FW_ERR_STATE, "manifest refused: %s (rule %s)", fw_mf_verdict_name(v),
                         f->decision.rule);
    if (kind == FW_MF_KIND_ACCEPT && !key_fits(f->cfg.key, f->m.enc_scheme))
        return finish_as(f, FWD_FLEET_REFUSED, FW_ERR_KEY, "release encrypted for %s keys, not this device's key",
                         fw_mf_enc_scheme_name(f->m.enc_scheme));
    /* Every security rule held: the manifest is authentic and current.
     * Remember it (raise only, power-safe) before anything else happens. */
    rc = fwd_fleet_state_raise(f->cfg.state, f->m.seq, f->m.issued);
    if (rc) return finish_as(f, FWD_FLEET_FAILED, rc, "cannot store the manifest memory (NVS)");
    if (kind == FW_MF_KIND_NOTHING_TO_DO)
        return finish_as(f, FWD_FLEET_NOTHING, FW_OK, "%s", fw_mf_verdict_name(v));
    return 0;
}

/* ---- 3. the device's header ------------------------------------------------------------ */

/* ---- resume across reboots (cfg.resume) --------------------------------------------- */

/* The checkpoint interval for this release: the caller's, rounded up to a
 * multiple of the chunk size and of a flash sector (both powers of two), so
 * every checkpoint is a verified chunk boundary. 0: no usable interval. */
static uint32_t fleet_interval(uint32_t want, uint32_t chunk)
{
    uint64_t unit = chunk > FW_OTA_PROGRESS_ALIGN ? chunk : FW_OTA_PROGRESS_ALIGN;
    uint64_t n = ((uint64_t)want + unit - 1) / unit * unit;
    return n == 0 || n > FWD_OTA_RESUME_INTERVAL_MAX ? 0 : (uint32_t)n;
}

/* The record names the release by where its body is served (source) and
 * by what was signed (validator: the manifest's digest and seq): another
 * release, even at the same URL, never continues an old slot. */
static void resume_setup(struct fwd_fleet *f, struct fwd_ota_pipeline_cfg *pc)
{
    struct fwd_ota_resume *rs = f->cfg.resume;
    if (!rs || !f->cfg.resume_source) return;
    uint32_t every = fleet_interval(rs->interval, f->m.chunk_size);
    int n = snprintf(f->resume_src, sizeof f->resume_src, "%s%s/%s", FWD_FLEET_RESUME_PREFIX, f->cfg.resume_source,
                     f->m.body_path);
    if (!every || n <= 0 || (size_t)n >= sizeof f->resume_src) return; /* no resume: the update itself goes on */
    char hex[2 * FWD_SHA256_LEN + 1];
    for (unsigned i = 0; i < FWD_SHA256_LEN; i++) snprintf(hex + 2 * i, 3, "%02x", f->mf_digest[i]);
    snprintf(f->validator, sizeof f->validator, "manifest seq=%llu sha256=%s", (unsigned long long)f->m.seq, hex);
    rs->interval = every;
    f->checkpoint_every = every;
    pc->checkpoint = fwd_ota_resume_checkpoint;
    pc->checkpoint_ctx = rs;
    pc->checkpoint_every = every;
}

/* Continue the interrupted download of this release (1), or drop whatever
 * the record kept and start at chunk 0 (0), or stop (< 0: f is finished). */
static int resume_try(struct fwd_fleet *f, uint64_t done, uint64_t total, uint32_t *first)
{
    struct fwd_ota_resume *rs = f->cfg.resume;
    const char *why = NULL;
    if (done % f->m.chunk_size || done >= f->m.image_size) {
        f->resume_why = "the checkpoint is not a chunk boundary inside this release's body";
        return 0;
    }
    if (fwd_ota_resume_match(rs, f->hdr, f->hdr_len, FW_OTA_VALIDATOR_ETAG, f->validator, total, &why) != FW_OK) {
        f->resume_why = why;
        return 0;
    }
    /* Nothing from before is trusted: the key is unwrapped again from the
     * header just checked against the manifest, the GCM state rebuilt from
     * the plaintext on flash, the early checks run again, the tail of the
     * slot erased; the tag and the Secure Boot V2 check cover every byte. */
    int rc = fwd_ota_pipeline_resume(&f->pipe, f->hdr, f->hdr_len, done, total);
    if (rc) {
        finish_as(f, FWD_FLEET_REFUSED, rc, "cannot resume the interrupted download: %s (slot erased)",
                  fwd_ota_pipeline_reason(&f->pipe));
        return -1;
    }
    f->resumed_at = done;
    *first = (uint32_t)(done / f->m.chunk_size);
    step(f, FWD_FLEET_STEP_RESUMED);
    return 1;
}

/* Before the header goes into the pipeline: resume or start afresh. 0 or
 * an outcome (finished). */
static enum fwd_fleet_outcome resume_or_fresh(struct fwd_fleet *f, uint32_t *first)
{
    struct fwd_ota_resume *rs = f->cfg.resume;
    uint64_t total = FW_ENC_HEADER_SIZE + (uint64_t)f->m.image_size;
    uint64_t done = 0;
    *first = 0;
    if (!rs || !f->checkpoint_every) return 0;
    /* A record about this slot: its bytes go before anything else happens
     * unless this very release continues them. */
    int kept = rs->have_record && rs->done > 0 && rs->rec.slot_offset == f->pipe.part->offset;
    if (!f->cfg.restart) fwd_ota_resume_plan(rs, f->resume_src, f->pipe.part, &done);
    if (done) {
        int got = resume_try(f, done, total, first);
        if (got) return got > 0 ? 0 : f->outcome;
    } else if (kept) {
        f->resume_why = f->cfg.restart ? "restart requested" : "the kept download is not this release's";
    }
    if (kept) fwd_ota_pipeline_resume_refused(&f->pipe, f->resume_why);
    int rc = fwd_ota_resume_forget(rs); /* the record goes before the slot is touched */
    if (rc == FW_OK && kept) rc = fwd_ota_pipeline_erase_slot(&f->pipe);
    if (rc == FW_ERR_POWER_LOSS) {
        fwd_ota_pipeline_abort(&f->pipe, rc, "power loss");
        return finish_as(f, FWD_FLEET_FAILED, rc, "power loss");
    }
    if (rc) {
        fwd_ota_pipeline_abort(&f->pipe, rc, "cannot drop the interrupted download");
        return finish_as(f, FWD_FLEET_FAILED, rc, "cannot drop the interrupted download (%s)", fw_strerror(rc));
    }
    if (kept) step(f, FWD_FLEET_STEP_RESUME_REFUSED);
    if (fwd_ota_resume_begin(rs, f->resume_src, f->pipe.part) != FW_OK) {
        rs->disabled = 1; /* no record for this download: it just cannot resume */
        return 0;
    }
    fwd_ota_resume_note_head(rs, 0, f->hdr, f->hdr_len);
    fwd_ota_resume_note_source(rs, FW_OTA_VALIDATOR_ETAG, f->validator, total);
    return 0;
}

/* After the run: the record goes when the update is done or the slot was
 * erased (a refusal); a lost link or a power cut keeps it. */
static enum fwd_fleet_outcome resume_end(struct fwd_fleet *f, enum fwd_fleet_outcome o)
{
    struct fwd_ota_resume *rs = f->cfg.resume;
    if (!rs || !f->checkpoint_every || f->fail.code == FW_ERR_POWER_LOSS) return o;
    int erased = f->pipe.fate == FWD_OTA_SLOT_ERASED || f->pipe.fate == FWD_OTA_SLOT_UNKNOWN;
    if (o != FWD_FLEET_UPDATED && !(o == FWD_FLEET_REFUSED && erased)) return o;
    int rc = fwd_ota_resume_forget(rs);
    if (rc == FW_ERR_POWER_LOSS) return finish_as(f, FWD_FLEET_FAILED, rc, "power loss");
    return o;
}

/* ---- the image against the manifest (before it is verified and selected) ---------- */

/* The decrypted image, read back from the slot (the kept part of a resumed
 * download included) plus the writer's pending partial block, must have the
 * manifest's size and SHA-256 (fw_mf_image_matches). */
static int image_matches(void *ctx, struct fwd_ota_pipeline *p)
{
    struct fwd_fleet *f = ctx;
    uint32_t pend = p->ota.pend_len;
    uint64_t on_flash = p->written - pend;
    uint8_t buf[512];
    uint8_t sha[FWD_SHA256_LEN];
    struct fwd_hash_ctx h;
    int rc = fwd_hash_start(&h, FWD_HASH_SHA256);
    for (uint64_t off = 0; rc == FW_OK && off < on_flash; off += sizeof buf) {
        size_t n = on_flash - off < sizeof buf ? (size_t)(on_flash - off) : sizeof buf;
        rc = fwd_part_read(&f->cfg.dev->d, p->part, (uint32_t)off, buf, n);
        if (rc == FW_OK) rc = fwd_hash_update(&h, buf, n);
    }
    if (rc == FW_OK && pend) rc = fwd_hash_update(&h, p->ota.pend, pend);
    if (rc == FW_OK) rc = fwd_hash_finish(&h, sha, sizeof sha);
    fwd_hash_free(&h);
    fw_wipe(buf, sizeof buf);
    if (rc != FW_OK) {
        snprintf(p->why, sizeof p->why, "cannot read the image back (%s)", fw_strerror(rc));
        return rc;
    }
    rc = fw_mf_image_matches(&f->m, p->written, sha);
    if (rc == FW_ERR_RANGE) snprintf(p->why, sizeof p->why, "image size differs from the manifest's");
    else if (rc) snprintf(p->why, sizeof p->why, "image SHA-256 differs from the manifest's");
    return rc;
}

/* The pipeline first: it refuses (PENDING_VERIFY, no slot) before anything
 * more is fetched, and touches no flash until the first plaintext bytes
 * passed the early checks. */
static enum fwd_fleet_outcome pipeline(struct fwd_fleet *f)
{
    struct fwd_ota_pipeline_cfg pc = { .dev = f->cfg.dev, .key = f->cfg.key, .event = f->cfg.event,
                                       .event_ctx = f->cfg.event_ctx,
                                       .image_check = image_matches, .image_check_ctx = f };
    resume_setup(f, &pc);
    int rc = fwd_ota_pipeline_start(&f->pipe, &pc);
    if (rc) return finish_as(f, FWD_FLEET_REFUSED, rc, "%s", fwd_ota_pipeline_reason(&f->pipe));
    return 0;
}

/* Stop the started pipeline (slot untouched: nothing was fed) and say why. */
static enum fwd_fleet_outcome before_body(struct fwd_fleet *f, enum fwd_fleet_outcome o)
{
    fwd_ota_pipeline_abort(&f->pipe, f->fail.code ? f->fail.code : FW_ERR_STATE, f->why);
    return o;
}

static enum fwd_fleet_outcome header(struct fwd_fleet *f)
{
    int rc = fw_mf_header_path(&f->m, f->cfg.device_id, f->header_path, sizeof f->header_path);
    if (rc) return finish_as(f, FWD_FLEET_REFUSED, rc, "no header path for this device id");
    rc = fetch_small(f, f->header_path, FW_ENC_HEADER_SIZE, f->hdr, sizeof f->hdr, &f->hdr_len, &f->header_bytes);
    if (rc == FW_ERR_NO_SPACE)
        return finish_as(f, FWD_FLEET_REFUSED, rc, "%s: not a %u-byte header", f->header_path, FW_ENC_HEADER_SIZE);
    if (rc) return finish_as(f, FWD_FLEET_FAILED, rc, "cannot fetch the device header (%s)", f->why);
    struct fw_enc_header h;
    if (f->hdr_len != FW_ENC_HEADER_SIZE || fw_enc_header_decode(f->hdr, f->hdr_len, &h) != FW_OK)
        return finish_as(f, FWD_FLEET_REFUSED, FW_ERR_FORMAT, "%s: not an encrypted image header", f->header_path);
    /* Mix and match: the header must be this release's (the same size, IV
     * and tag for every device, the release's header layout), else refuse
     * before fetching the body (common/fw_mf_bind.h). */
    rc = fw_mf_header_matches(&f->m, &h);
    if (rc != FW_OK)
        return finish_as(f, FWD_FLEET_REFUSED, rc, "%s: header does not belong to this release (%s)", f->header_path,
                         rc == FW_ERR_RANGE    ? "image size differs from the manifest"
                         : rc == FW_ERR_DIGEST ? "IV or tag differ from the manifest"
                                               : "header layout of another scheme");
    step(f, FWD_FLEET_STEP_HEADER);
    return 0;
}

/* ---- 4. the body: chunk stage -> pipeline ------------------------------------------------ */

static int chunk_digest(void *ctx, uint32_t i, uint8_t out[FWD_CHUNK_DIGEST_LEN])
{
    struct fwd_fleet *f = ctx;
    const uint8_t *d = fw_mf_chunk_hash(f->mf, f->mf_len, &f->m, i);
    if (!d) return FW_ERR_RANGE;
    memcpy(out, d, FWD_CHUNK_DIGEST_LEN);
    return FW_OK;
}

/* The pipeline stopped (it says why) or the chunk stage did. */
static enum fwd_fleet_outcome body_refused(struct fwd_fleet *f, int rc)
{
    if (f->cc.failed == FW_ERR_DIGEST) {
        snprintf(f->pipe.why, sizeof f->pipe.why, "chunk %u of the body does not match the manifest: download stopped",
                 (unsigned)f->cc.bad_chunk);
        fwd_ota_pipeline_abort(&f->pipe, FW_ERR_DIGEST, f->pipe.why); /* erases what earlier chunks wrote */
        step(f, FWD_FLEET_STEP_CHUNK_BAD);
        return finish_as(f, FWD_FLEET_REFUSED, FW_ERR_DIGEST, "%s", f->pipe.why);
    }
    if (fwd_ota_pipeline_error(&f->pipe) == FW_OK) fwd_ota_pipeline_abort(&f->pipe, rc, "body refused");
    return finish_as(f, FWD_FLEET_REFUSED, rc, "%s", fwd_ota_pipeline_reason(&f->pipe));
}

static enum fwd_fleet_outcome body(struct fwd_fleet *f)
{
    /* The decision once more, from the same facts, right before the body
     * (MCUboot-style: a skipped or glitched first evaluation is not an
     * "accept"). */
    if (fw_mf_decide(&f->m, &f->facts, NULL) != FW_MF_ACCEPT || f->decision.verdict != FW_MF_ACCEPT) {
        fwd_ota_pipeline_abort(&f->pipe, FW_ERR_STATE, "decision not confirmed");
        return finish_as(f, FWD_FLEET_REFUSED, FW_ERR_STATE, "decision not confirmed before the body");
    }
    uint32_t first = 0;
    enum fwd_fleet_outcome o = resume_or_fresh(f, &first);
    if (o) return o;
    int rc = f->resumed_at ? FW_OK : fwd_ota_pipeline_feed(&f->pipe, f->hdr, f->hdr_len);
    if (rc) return finish_as(f, FWD_FLEET_REFUSED, rc, "%s", fwd_ota_pipeline_reason(&f->pipe));
    /* The key the header unwrapped must be the release's content key (the
     * manifest's key_check): a tampered header, or another device's, is
     * refused here, before a byte of the body is fetched. */
    uint8_t kc[FW_MF_HASH_LEN];
    int same = fwd_decrypt_key_check(&f->pipe.dec, kc) == FW_OK && fw_mf_key_matches(&f->m, kc) == FW_OK;
    fw_wipe(kc, sizeof kc);
    if (!same) {
        fwd_ota_pipeline_abort(&f->pipe, FW_ERR_KEY, "the device header does not unwrap this release's content key");
        return finish_as(f, FWD_FLEET_REFUSED, FW_ERR_KEY,
                         "the device header does not unwrap this release's content key (tampered, or another "
                         "device's header)");
    }
    struct fwd_chunk_check_cfg cc = { .body_size = f->m.image_size, .chunk_size = f->m.chunk_size,
                                      .first_chunk = first, .digest = chunk_digest, .digest_ctx = f,
                                      .out = fwd_ota_pipeline_input(&f->pipe) };
    rc = fwd_chunk_check_start(&f->cc, &cc);
    if (rc) {
        fwd_ota_pipeline_abort(&f->pipe, rc, "chunk size not supported by this device");
        return finish_as(f, FWD_FLEET_REFUSED, rc, "chunk size %u: this device verifies chunks of at most %u bytes",
                         (unsigned)f->m.chunk_size, (unsigned)FWD_CHUNK_MAX);
    }
    struct count_sink counter = { fwd_chunk_check_input(&f->cc), &f->body_bytes };
    struct fwd_sink in = { count_write, NULL, &counter };
    const struct fwd_fleet_source *src = &f->cfg.src;
    for (f->body_attempts = 1;; f->body_attempts++) {
        struct fw_fail why = FW_FAIL_NONE;
        uint64_t from = fwd_chunk_check_resume_offset(&f->cc);
        rc = src->get(src->ctx, f->m.body_path, from, f->m.image_size, f->m.image_size, &in, &why);
        if (rc == FW_OK) break;
        if (f->cc.failed || fwd_ota_pipeline_error(&f->pipe) != FW_OK) return body_refused(f, rc);
        if (rc != FW_ERR_POWER_LOSS && !transport_error(rc)) { /* e.g. larger than the manifest says */
            fwd_ota_pipeline_abort(&f->pipe, rc, "body refused");
            return finish_as(f, FWD_FLEET_REFUSED, rc, "%s: %s", f->m.body_path, why.why ? why.why : fw_strerror(rc));
        }
        if (rc == FW_ERR_POWER_LOSS || !src->retry || !src->retry(src->ctx, rc, f->body_attempts)) {
            const char *r = why.why ? why.why : "download failed";
            /* Given up on the link: with a progress record the written part
             * stays for the next run (not selected, key wiped). */
            if (rc != FW_ERR_POWER_LOSS && f->checkpoint_every) fwd_ota_pipeline_suspend(&f->pipe, rc, r);
            else fwd_ota_pipeline_abort(&f->pipe, rc, r);
            return finish_as(f, FWD_FLEET_FAILED, rc, "%s: %s", f->m.body_path, why.why ? why.why : fw_strerror(rc));
        }
        /* Resume at the last verified chunk boundary: the partial chunk is dropped. */
        f->resume_from = fwd_chunk_check_restart(&f->cc);
        step(f, FWD_FLEET_STEP_BODY_RETRY);
    }
    struct fwd_sink whole = fwd_chunk_check_input(&f->cc);
    rc = fwd_sink_finish(&whole); /* all chunks verified -> pipeline finish: tag, SBv2, set boot */
    if (rc) return body_refused(f, rc);
    return finish_as(f, FWD_FLEET_UPDATED, FW_OK, "updated to %s (seq %llu)", f->m.version,
                     (unsigned long long)f->m.seq);
}

enum fwd_fleet_outcome fwd_fleet_update(struct fwd_fleet *f, const struct fwd_fleet_cfg *cfg)
{
    memset(f, 0, offsetof(struct fwd_fleet, mf)); /* the manifest buffer is overwritten by the fetch */
    f->fail = FW_FAIL_NONE;
    if (!cfg || !cfg->dev || !cfg->device_id || !cfg->manifest_path || !cfg->state || !cfg->src.get)
        return finish_as(f, FWD_FLEET_FAILED, FW_ERR_INVALID_ARG, "bad configuration");
    f->cfg = *cfg;
    enum fwd_fleet_outcome o = manifest(f);
    if (!o) o = decide(f);
    if (!o) o = pipeline(f);
    if (!o && (o = header(f))) before_body(f, o);
    if (!o) o = resume_end(f, body(f));
    fwd_chunk_check_free(&f->cc);
    return o;
}
