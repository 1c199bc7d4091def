/* SPDX-License-Identifier: Apache-2.0 */
/* OTA resume across reboots (see fwd_ota_resume.h). */
#include "device/fwd_ota_resume.h"

#include <string.h>

#include "device/fwd_crypto.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"

/* ---- the NVS store ------------------------------------------------------------ */

static int nvs_handle(struct fwd_ota_resume_nvs *n, int rw, struct fw_nvs_handle *h)
{
    return fw_nvs_open(n->nvs, FW_OTA_PROGRESS_NS, rw, h);
}

static int nvs_load(void *ctx, uint8_t *meta, size_t *meta_len, uint64_t *done)
{
    struct fw_nvs_handle h;
    int rc = nvs_handle(ctx, 0, &h);
    if (rc == FW_OK) rc = fw_nvs_get_blob(&h, FW_OTA_PROGRESS_KEY_META, meta, meta_len);
    if (rc == FW_OK) rc = fw_nvs_get_u64(&h, FW_OTA_PROGRESS_KEY_DONE, done);
    return rc;
}

static int erase_key(struct fw_nvs_handle *h, const char *key)
{
    int rc = fw_nvs_erase_key(h, key);
    return rc == FW_ERR_NOT_FOUND ? FW_OK : rc;
}

/* "done" goes first: a "done" never outlives the "meta" it counts for. */
static int nvs_save_meta(void *ctx, const uint8_t *meta, size_t meta_len)
{
    struct fw_nvs_handle h;
    int rc = nvs_handle(ctx, 1, &h);
    if (rc == FW_OK) rc = erase_key(&h, FW_OTA_PROGRESS_KEY_DONE);
    if (rc == FW_OK) rc = fw_nvs_set_blob(&h, FW_OTA_PROGRESS_KEY_META, meta, meta_len);
    if (rc == FW_OK) rc = fw_nvs_set_u64(&h, FW_OTA_PROGRESS_KEY_DONE, 0);
    if (rc == FW_OK) rc = fw_nvs_commit(&h);
    return rc;
}

static int nvs_save_done(void *ctx, uint64_t done)
{
    struct fw_nvs_handle h;
    int rc = nvs_handle(ctx, 1, &h);
    if (rc == FW_OK) rc = fw_nvs_set_u64(&h, FW_OTA_PROGRESS_KEY_DONE, done);
    if (rc == FW_OK) rc = fw_nvs_commit(&h);
    return rc;
}

static int nvs_clear(void *ctx)
{
    struct fw_nvs_handle h;
    struct fw_nvs_info info;
    int rc = nvs_handle(ctx, 0, &h);
    if (rc == FW_ERR_NOT_FOUND) return FW_OK; /* no namespace: nothing to clear, nothing written */
    /* Nothing to erase: no write at all (a fresh start costs no flash). */
    if (rc == FW_OK && fw_nvs_find(&h, FW_OTA_PROGRESS_KEY_DONE, &info) == FW_ERR_NOT_FOUND &&
        fw_nvs_find(&h, FW_OTA_PROGRESS_KEY_META, &info) == FW_ERR_NOT_FOUND)
        return FW_OK;
    if (rc == FW_OK) rc = nvs_handle(ctx, 1, &h);
    if (rc == FW_OK) rc = erase_key(&h, FW_OTA_PROGRESS_KEY_DONE);
    if (rc == FW_OK) rc = erase_key(&h, FW_OTA_PROGRESS_KEY_META);
    if (rc == FW_OK) rc = fw_nvs_commit(&h);
    return rc;
}

void fwd_ota_resume_nvs_store(struct fwd_ota_resume_nvs *n, struct fw_nvs_store *nvs,
                              struct fwd_ota_resume_store *out)
{
    n->nvs = nvs;
    *out = (struct fwd_ota_resume_store){ nvs_load, nvs_save_meta, nvs_save_done, nvs_clear, n };
}

static int load_record(const struct fwd_ota_resume_store *st, struct fw_ota_progress *rec, uint64_t *done)
{
    uint8_t meta[FW_OTA_PROGRESS_MAX];
    size_t len = sizeof meta;
    int rc = st->load(st->ctx, meta, &len, done);
    if (rc == FW_ERR_NO_SPACE) return FW_ERR_FORMAT; /* larger than any record */
    if (rc != FW_OK) return rc;
    rc = fw_ota_progress_decode(meta, len, rec);
    if (rc == FW_OK && !fw_ota_progress_done_ok(rec, *done)) rc = FW_ERR_FORMAT;
    return rc;
}

int fwd_ota_resume_peek(struct fw_nvs_store *nvs, struct fw_ota_progress *rec, uint64_t *done)
{
    struct fwd_ota_resume_nvs n;
    struct fwd_ota_resume_store st;
    if (!nvs || !rec || !done) return FW_ERR_INVALID_ARG;
    fwd_ota_resume_nvs_store(&n, nvs, &st);
    int rc = load_record(&st, rec, done);
    return rc == FW_OK ? FW_OK : rc == FW_ERR_POWER_LOSS || rc == FW_ERR_IO ? rc : FW_ERR_NOT_FOUND;
}

/* ---- the resume logic ------------------------------------------------------------ */

static int sha256(const void *p, size_t n, uint8_t out[FW_OTA_PROGRESS_DIGEST])
{
    return fwd_hash(FWD_HASH_SHA256, p, n, out, FW_OTA_PROGRESS_DIGEST);
}

static int validator_hash(enum fw_ota_progress_validator kind, const char *v, uint8_t out[FW_OTA_PROGRESS_DIGEST])
{
    memset(out, 0, FW_OTA_PROGRESS_DIGEST);
    if (kind == FW_OTA_VALIDATOR_NONE || !v) return FW_OK;
    return sha256(v, strlen(v), out);
}

int fwd_ota_resume_init(struct fwd_ota_resume *r, const struct fwd_ota_resume_store *store, uint32_t interval)
{
    if (!r || !store || !store->load || !store->save_meta || !store->save_done || !store->clear) return FW_ERR_INVALID_ARG;
    if (interval < FW_OTA_PROGRESS_ALIGN || interval > FWD_OTA_RESUME_INTERVAL_MAX || interval % FW_OTA_PROGRESS_ALIGN)
        return FW_ERR_INVALID_ARG;
    memset(r, 0, sizeof *r);
    r->store = *store;
    r->interval = interval;
    int rc = load_record(store, &r->rec, &r->done);
    if (rc == FW_OK) {
        r->have_record = 1;
        return FW_OK;
    }
    memset(&r->rec, 0, sizeof r->rec);
    r->done = 0;
    return rc == FW_ERR_POWER_LOSS || rc == FW_ERR_IO ? rc : FW_OK; /* no (usable) record */
}

void fwd_ota_resume_plan(const struct fwd_ota_resume *r, const char *source, const struct fwd_part *slot,
                         uint64_t *done)
{
    uint8_t h[FW_OTA_PROGRESS_DIGEST];
    *done = 0;
    if (!r || !r->have_record || !source || !slot || r->done == 0) return;
    if (sha256(source, strlen(source), h) != FW_OK) return;
    if (!fw_ct_equal(h, r->rec.source_hash, sizeof h) || strcmp(source, r->rec.source)) return;
    if (r->rec.slot_offset != slot->offset || r->done > slot->size) return;
    *done = r->done;
}

int fwd_ota_resume_match(struct fwd_ota_resume *r, const uint8_t *head, size_t head_len,
                         enum fw_ota_progress_validator kind, const char *validator, uint64_t total,
                         const char **why)
{
    uint8_t h[FW_OTA_PROGRESS_DIGEST];
    *why = "no progress record";
    if (!r || !r->have_record) return FW_ERR_STATE;
    *why = "the source has another size than the interrupted download";
    if (total != r->rec.total) return FW_ERR_STATE;
    *why = "the source changed since the interrupted download (ETag, Last-Modified or file time differs)";
    if (kind != r->rec.validator_kind || validator_hash(kind, validator, h) != FW_OK ||
        !fw_ct_equal(h, r->rec.validator_hash, sizeof h))
        return FW_ERR_STATE;
    *why = "the first 512 bytes (header) differ from the interrupted download's";
    if (head_len != FW_OTA_PROGRESS_HEAD || sha256(head, head_len, h) != FW_OK ||
        !fw_ct_equal(h, r->rec.head_hash, sizeof h))
        return FW_ERR_STATE;
    *why = NULL;
    memcpy(r->head, head, head_len); /* the download continues under this record */
    r->head_len = (uint32_t)head_len;
    r->meta_saved = 1;
    return FW_OK;
}

int fwd_ota_resume_begin(struct fwd_ota_resume *r, const char *source, const struct fwd_part *slot)
{
    if (!r || !source || !slot) return FW_ERR_INVALID_ARG;
    size_t n = strlen(source);
    if (n == 0 || n > FW_OTA_PROGRESS_SOURCE_MAX) return FW_ERR_INVALID_ARG;
    struct fw_ota_progress *rec = &r->rec;
    memset(rec, 0, sizeof *rec);
    memcpy(rec->source, source, n + 1);
    rec->slot_offset = slot->offset;
    rec->interval = r->interval;
    r->head_len = 0;
    r->meta_saved = 0;
    return sha256(source, n, rec->source_hash) == FW_OK ? FW_OK : FW_ERR_CRYPTO;
}

void fwd_ota_resume_note_head(struct fwd_ota_resume *r, uint64_t off, const uint8_t *p, size_t n)
{
    if (!r || off != r->head_len || off >= sizeof r->head) return;
    size_t take = sizeof r->head - (size_t)off;
    if (take > n) take = n;
    memcpy(r->head + off, p, take);
    r->head_len += (uint32_t)take;
}

void fwd_ota_resume_note_source(struct fwd_ota_resume *r, enum fw_ota_progress_validator kind,
                                const char *validator, uint64_t total)
{
    if (!r) return;
    r->rec.total = total;
    r->rec.validator_kind = kind;
    if (validator_hash(kind, validator, r->rec.validator_hash) != FW_OK) r->disabled = 1;
}

/* The first checkpoint of a download writes its record (source, head,
 * validator, size), every one the byte count. */
static int save_meta(struct fwd_ota_resume *r)
{
    struct fw_ota_progress *rec = &r->rec;
    if (r->head_len != sizeof r->head || rec->total < sizeof r->head) return FW_ERR_STATE;
    rec->payload = r->head[0] == FW_IMAGE_MAGIC ? FW_OTA_PROGRESS_PLAINTEXT : FW_OTA_PROGRESS_ENCRYPTED;
    if (sha256(r->head, sizeof r->head, rec->head_hash) != FW_OK) return FW_ERR_CRYPTO;
    uint8_t meta[FW_OTA_PROGRESS_MAX];
    long len = fw_ota_progress_encode(rec, meta, sizeof meta);
    if (len < 0) return (int)len;
    int rc = r->store.save_meta(r->store.ctx, meta, (size_t)len);
    if (rc == FW_OK) r->meta_saved = 1;
    return rc;
}

int fwd_ota_resume_checkpoint(void *ctx, uint64_t done)
{
    struct fwd_ota_resume *r = ctx;
    if (!r || r->disabled) return FW_OK;
    int rc = r->meta_saved ? FW_OK : save_meta(r);
    if (rc == FW_OK) rc = r->store.save_done(r->store.ctx, done);
    if (rc == FW_OK) {
        r->have_record = 1;
        r->done = done;
        return FW_OK;
    }
    if (rc == FW_ERR_POWER_LOSS) return rc;
    /* A full or broken store costs the resume, not the update. */
    r->disabled = 1;
    return FW_OK;
}

int fwd_ota_resume_forget(struct fwd_ota_resume *r)
{
    if (!r) return FW_ERR_INVALID_ARG;
    r->have_record = 0;
    r->done = 0;
    r->meta_saved = 0;
    return r->store.clear(r->store.ctx);
}
