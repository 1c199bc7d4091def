/* SPDX-License-Identifier: Apache-2.0 */
/* The device side of a fleet release (issue 19; docs/guide.md "Fleet
 * releases", docs/threat-model.md "Fleet releases: device side"):
 *
 *   1. fetch the signed manifest (common/fw_manifest.h), decode it with the
 *      bounded parser, verify its Secure Boot V2 signature sector against
 *      the eFuse key digests (fwd_verify_sig_sector: the images' rule,
 *      k-of-n policy and revocations included);
 *   2. decide (common/fw_mf_decide.h) with the device's facts: the last
 *      accepted sequence number and newest manifest time from NVS
 *      (fwd_fleet_state.h), the optional trusted clock, chip and revision,
 *      the eFuse secure_version, the running app's project and version, the
 *      device id and group -- all BEFORE any byte of the release is fetched;
 *   3. a manifest that passed every security rule (accepted, or nothing to
 *      do) raises the manifest memory in NVS (seq, issued) power-safely;
 *   4. accepted only: fetch the device's 512-byte header (the manifest's
 *      header path with the id), which must carry the manifest's image size,
 *      IV and tag (a header of another release is refused before the body);
 *      then the shared body through the chunk stage (fwd_chunk_check.h:
 *      every chunk checked against the manifest before it is decrypted or
 *      written) into the one OTA pipeline (fwd_ota_pipeline.h: early
 *      checks, decrypt, GCM tag, Secure Boot V2 verification, set boot).
 *      A lost connection resumes at the last verified chunk boundary;
 *   5. optional (cfg.resume): progress checkpoints in the OTA progress
 *      record (fwd_ota_resume.h) every interval, rounded up to a multiple
 *      of the manifest's chunk size, so after a reboot or a power cut the
 *      next update of the SAME release (same source, same manifest digest
 *      and seq, same header) continues at the last checkpoint: the header
 *      is fetched and checked against the manifest again, the key unwrapped
 *      again, the GCM state rebuilt from the plaintext on flash
 *      (fwd_ota_pipeline_resume), and the chunk stage starts at that chunk
 *      (fwd_chunk_check_cfg.first_chunk). Any other release erases the
 *      kept slot and starts at chunk 0. Nothing secret is kept.
 *
 * Transport-agnostic: a struct fwd_fleet_source fetches a path of the
 * release (relative to where it is served) from a byte offset into a sink;
 * fwd_http_fleet.h is the HTTPS one. Nothing here allocates: the caller's
 * struct fwd_fleet holds the manifest buffer (FW_MF_MAX_FILE_LEN, 68 KiB
 * at most), the chunk stage (16 KiB), the pipeline (~4 KiB) and the
 * verification result. A port short of RAM may keep the manifest in flash
 * instead; the chunk digests are read one at a time through a callback.
 */
#ifndef FWD_FLEET_H
#define FWD_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_chunk_check.h"
#include "device/fwd_fleet_state.h"
#include "device/fwd_ota_pipeline.h"
#include "device/fwd_ota_resume.h"
#include "device/fwd_verify.h"
#include "fw_manifest.h"
#include "fw_mf_decide.h"
#include "nvs/fw_nvs_store.h"

/* Where the release is fetched from. get: the resource `path` (relative,
 * from the manifest or the manifest's own name) from byte `from` into sink;
 * expect_total = its size when known (0: unknown), max = the most bytes it
 * may have. 0 when the whole resource (from `from` on) reached the sink.
 * retry: called after a failed get of the body (attempt 1, 2, ...): waits and
 * returns 1 to try again from the last verified chunk, 0 to give up. */
struct fwd_fleet_source {
    int (*get)(void *ctx, const char *path, uint64_t from, uint64_t expect_total, uint64_t max,
               const struct fwd_sink *sink, struct fw_fail *fail);
    int (*retry)(void *ctx, int err, unsigned attempt);
    void *ctx;
};

/* A trusted wall clock, if the device has one (an RTC set by an
 * authenticated source). NULL: none; the newest manifest time seen is then
 * the only time (fw_mf_best_time). 0 or a negative fw_err. */
typedef int (*fwd_fleet_clock_fn)(void *ctx, uint64_t *utc_seconds);

enum fwd_fleet_outcome {
    FWD_FLEET_UPDATED = 1,        /* the new image will boot next (NEW) */
    FWD_FLEET_NOTHING,            /* verified manifest, nothing to do (up to date / not in the rollout) */
    FWD_FLEET_REFUSED,            /* the release was refused (signature, rules, header, chunk, tag, image) */
    FWD_FLEET_FAILED,             /* could not complete: network, storage, power (nothing installed) */
};

enum fwd_fleet_step {
    FWD_FLEET_STEP_MANIFEST = 1,  /* manifest fetched, decoded, signature verified: f->m */
    FWD_FLEET_STEP_DECIDED,       /* f->decision */
    FWD_FLEET_STEP_HEADER,        /* the device's header fetched and matching the manifest */
    FWD_FLEET_STEP_BODY_RETRY,    /* body connection lost: resuming at chunk f->resume_from */
    FWD_FLEET_STEP_CHUNK_BAD,     /* chunk f->cc.bad_chunk failed its digest: download stopped */
    FWD_FLEET_STEP_RESUMED,       /* interrupted download of this release continued at body byte f->resumed_at */
    FWD_FLEET_STEP_RESUME_REFUSED,/* an interrupted download was dropped (f->resume_why): slot erased, fresh start */
};
struct fwd_fleet;
typedef void (*fwd_fleet_step_fn)(void *ctx, enum fwd_fleet_step step, const struct fwd_fleet *f);

struct fwd_fleet_cfg {
    struct fwd_ota_dev *dev;                  /* opened, the running app attached */
    const struct fwd_decrypt_key *key;        /* the device secret */
    const char *device_id;                    /* fw_mf_check_device_id */
    const char *group;                        /* optional device group, NULL: none */
    const char *manifest_path;                /* the manifest's name in the release (e.g. "manifest.fwm") */
    struct fw_nvs_store *state;               /* mounted read-write: the manifest memory */
    fwd_fleet_clock_fn clock;                 /* optional */
    void *clock_ctx;
    struct fwd_fleet_source src;
    fwd_ota_event_fn event;                   /* optional: the pipeline's events */
    void *event_ctx;
    fwd_fleet_step_fn step;                   /* optional: the fleet steps */
    void *step_ctx;
    /* Optional resume across reboots: a progress record opened with
     * fwd_ota_resume_init (its interval is rounded up to a multiple of the
     * release's chunk size); NULL: a download resumes within one run only. */
    struct fwd_ota_resume *resume;
    const char *resume_source;                /* names where the release is served (e.g. its base URL); required with resume */
    int restart;                              /* drop an interrupted download, start at chunk 0 */
};

/* The record's source for a fleet download: this prefix, resume_source, "/", the body path. */
#define FWD_FLEET_RESUME_PREFIX "fleet:"

struct fwd_fleet {
    struct fwd_fleet_cfg cfg;
    enum fwd_fleet_outcome outcome;
    struct fw_fail fail;                      /* why (REFUSED / FAILED) */
    char why[128];
    struct fw_manifest m;
    struct fw_mf_device facts;
    struct fw_mf_decision decision;
    struct fwd_fleet_state before;            /* manifest memory read before the decision */
    struct fwd_app_info running;              /* the running app (facts.project/version point here) */
    struct fwd_verify_result sig;             /* the manifest's signature check */
    uint64_t manifest_bytes, header_bytes, body_bytes; /* bytes received per resource (body: all attempts) */
    uint64_t resume_from;                     /* body offset of the last restart */
    uint64_t resumed_at;                      /* body bytes kept from an interrupted run (0: fresh) */
    uint32_t checkpoint_every;                /* effective checkpoint interval (0: no resume record) */
    const char *resume_why;                   /* RESUME_REFUSED: why the interrupted download was dropped */
    uint8_t mf_digest[FWD_SHA256_LEN];        /* SHA-256 of the manifest's signed part */
    char resume_src[FW_OTA_PROGRESS_SOURCE_MAX + 1];
    char validator[96];
    unsigned body_attempts;
    uint32_t mf_len;
    uint8_t hdr[FW_ENC_HEADER_SIZE];
    uint32_t hdr_len;
    char header_path[FW_MF_PATH_FIELD + FW_MF_DEVICE_ID_MAX];
    struct fwd_chunk_check cc;
    struct fwd_ota_pipeline pipe;
    uint8_t mf[FW_MF_MAX_FILE_LEN];
};

/* Run the whole update. Returns the outcome (also in f->outcome); f->fail
 * has the code and reason of REFUSED / FAILED (FW_ERR_POWER_LOSS: stop at
 * once). */
enum fwd_fleet_outcome fwd_fleet_update(struct fwd_fleet *f, const struct fwd_fleet_cfg *cfg);

const char *fwd_fleet_outcome_name(enum fwd_fleet_outcome o);

#endif
