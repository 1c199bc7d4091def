/* SPDX-License-Identifier: Apache-2.0 */
/* Resume an OTA across reboots and power cuts, for any transport.
 *
 * What is kept (common/fw_ota_progress.h): the source name (URL) and its
 * digest, the digest of the first 512 input bytes (the container header),
 * the digest of the server's validator (ETag / Last-Modified), the total
 * input size, the slot, and -- rewritten at every checkpoint -- how many
 * plaintext bytes of the slot are programmed. Never key material, never
 * cipher state: a resume unwraps the key again from the re-fetched header
 * and rebuilds the GCM state from the plaintext on flash
 * (fwd_decrypt_resume), and the tag plus the Secure Boot V2 verification
 * at the end cover every byte, the kept ones included.
 *
 * A transport uses it like this (fwd_ota_http.c is the HTTPS one):
 *
 *   fwd_ota_resume_init(&r, &store, interval)    load the record (if any)
 *   fwd_ota_resume_plan(&r, source, slot, &done) done > 0: a record for this
 *                                                source on this slot
 *     done > 0: fetch input bytes [0, 512) again, then
 *       fwd_ota_resume_match(&r, head, validator, total)
 *         FW_OK -> fwd_ota_pipeline_resume(p, head, 512, done, total) and
 *                  continue the source at fwd_ota_pipeline_offset(p);
 *         else  -> the resource changed: fwd_ota_resume_forget() and start
 *                  afresh (the pipeline erases the slot before writing)
 *     done == 0: fwd_ota_resume_forget() (the slot is about to be erased)
 *   as input passes: fwd_ota_resume_note_head(&r, off, bytes, n)
 *                    fwd_ota_resume_note_source(&r, validator, total)
 *   pipeline cfg:    .checkpoint = fwd_ota_resume_checkpoint, .checkpoint_ctx = &r
 *                    (the first checkpoint writes the record, later ones the
 *                    byte count only)
 *   at the end:      fwd_ota_resume_forget() after success or a refusal;
 *                    keep the record after a transport failure or a cut.
 *
 * A fleet download with its own chunk verification can keep its source
 * name / head / validator in the same record and restart at a checkpoint
 * (a multiple of FW_OTA_PROGRESS_ALIGN).
 *
 * Where the record lives is the store's business: fwd_ota_resume_nvs_store()
 * binds it to a namespace of the device NVS (power-safe, wear-levelled).
 * Memory: struct fwd_ota_resume ~1.7 KiB (the record with a 1 KiB source
 * name and the 512-byte head); no allocation.
 */
#ifndef FWD_OTA_RESUME_H
#define FWD_OTA_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_part.h"
#include "fw_ota_progress.h"
#include "nvs/fw_nvs_store.h"

#define FWD_OTA_RESUME_INTERVAL_DEFAULT (64u * 1024u) /* 16 checkpoints per MiB */
#define FWD_OTA_RESUME_INTERVAL_MAX (16u * 1024u * 1024u)

/* Persistent storage of the record: an encoded "meta" and a "done" count.
 * Every call returns FW_OK or a negative fw_err (FW_ERR_POWER_LOSS passes
 * through); load returns FW_ERR_NOT_FOUND when there is no complete record. */
struct fwd_ota_resume_store {
    int (*load)(void *ctx, uint8_t *meta, size_t *meta_len, uint64_t *done);
    int (*save_meta)(void *ctx, const uint8_t *meta, size_t meta_len); /* with done = 0 */
    int (*save_done)(void *ctx, uint64_t done);
    int (*clear)(void *ctx);
    void *ctx;
};

/* The store on an NVS namespace (FW_OTA_PROGRESS_NS): the NVS must be mounted
 * read-write and outlive the store. */
struct fwd_ota_resume_nvs {
    struct fw_nvs_store *nvs;
};
void fwd_ota_resume_nvs_store(struct fwd_ota_resume_nvs *n, struct fw_nvs_store *nvs,
                              struct fwd_ota_resume_store *out);
/* Read-only look at the record (status): FW_ERR_NOT_FOUND when none. */
int fwd_ota_resume_peek(struct fw_nvs_store *nvs, struct fw_ota_progress *rec, uint64_t *done);

struct fwd_ota_resume {
    struct fwd_ota_resume_store store;
    uint32_t interval;          /* checkpoint every `interval` plaintext bytes */
    int have_record;            /* a complete record was loaded */
    uint64_t done;              /* its byte count */
    int meta_saved;             /* this download's record is on flash */
    int disabled;               /* a store error: no more checkpoints (safety is unaffected) */
    struct fw_ota_progress rec; /* loaded, then this download's */
    uint32_t head_len;
    uint8_t head[FW_OTA_PROGRESS_HEAD];
};

/* Load the record. interval: a multiple of FW_OTA_PROGRESS_ALIGN in
 * [ALIGN, FWD_OTA_RESUME_INTERVAL_MAX] (FW_ERR_INVALID_ARG otherwise). A
 * record that does not decode counts as none (and is overwritten later).
 * Store errors other than NOT_FOUND are returned (POWER_LOSS included). */
int fwd_ota_resume_init(struct fwd_ota_resume *r, const struct fwd_ota_resume_store *store, uint32_t interval);
/* *done = the checkpoint to resume from when the loaded record is for
 * `source` on `slot`, else 0. */
void fwd_ota_resume_plan(const struct fwd_ota_resume *r, const char *source, const struct fwd_part *slot,
                         uint64_t *done);
/* The re-fetched identity against the record: FW_OK when the first 512
 * bytes, the validator and the total are all the same (the download then
 * continues under this record); FW_ERR_STATE with *why set otherwise. */
int fwd_ota_resume_match(struct fwd_ota_resume *r, const uint8_t *head, size_t head_len,
                         enum fw_ota_progress_validator kind, const char *validator, uint64_t total,
                         const char **why);
/* This download: source name, slot and payload (call before any input). */
int fwd_ota_resume_begin(struct fwd_ota_resume *r, const char *source, const struct fwd_part *slot);
/* Input bytes at input offset off pass by: keep the first 512. */
void fwd_ota_resume_note_head(struct fwd_ota_resume *r, uint64_t off, const uint8_t *p, size_t n);
/* The source announced its validator and size (first response). */
void fwd_ota_resume_note_source(struct fwd_ota_resume *r, enum fw_ota_progress_validator kind,
                                const char *validator, uint64_t total);
/* Pipeline checkpoint callback (ctx = r): done plaintext bytes are on flash. */
int fwd_ota_resume_checkpoint(void *ctx, uint64_t done);
/* Drop the record (fresh start, success, refusal). */
int fwd_ota_resume_forget(struct fwd_ota_resume *r);

#endif
