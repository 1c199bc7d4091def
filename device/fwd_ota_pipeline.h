/* SPDX-License-Identifier: Apache-2.0 */
/* The device OTA pipeline: a chain of stages joined by the sink seam
 * (fwd_sink.h), driven from outside by any transport:
 *
 *   transport --feed--> [decrypt (fwd_decrypt.h), encrypted input only]
 *             --sink--> early checks + slot writer --finish--> GCM tag ->
 *   Secure Boot V2 verification read back through flash decryption -> boot
 *   partition, with events for library users.
 *
 *   fwd_ota_pipeline_start()     choose the passive slot, event START
 *   fwd_ota_pipeline_feed() ...  container (CF B6 88 07...) or plaintext image
 *                                (0xE9..., only if cfg.allow_plaintext) bytes,
 *                                any chunking; resumable: feed continues the
 *                                same stream after a reconnect (resume the
 *                                source at fwd_ota_pipeline_offset())
 *   fwd_ota_pipeline_finish()    tag, fwd_ota_end (image + signature), set boot
 *   (fwd_ota_pipeline_input()    the same two calls as a struct fwd_sink)
 *
 * The pipeline knows no transport. A transport (HTTPS with Range resume:
 * fwd_ota_http.h; a file, BLE, MQTT, UART: docs/porting.md) feeds it and may
 * report its own progress through the generic source events
 * (fwd_ota_pipeline_source_open / _retry: a source name and an offset).
 *
 * Invariants:
 *   - nothing is erased or written before the first FWD_APP_EARLY_BYTES of
 *     plaintext passed the early checks (app descriptor present, chip id,
 *     secure_version >= eFuse -- after the anti-rollback heal raised the
 *     eFuse to a VALID running app's secure_version, the one eFuse burn an
 *     OTA may do --, version != running unless allowed,
 *     version != last invalid app, size <= slot);
 *   - the slot becomes the boot partition ONLY after the GCM tag (encrypted
 *     input) AND fwd_ota_end's full verification (structure, hash, SBv2
 *     signature by a non-revoked eFuse key, anti-rollback) passed;
 *   - nothing starts while the running app is still PENDING_VERIFY (it must
 *     confirm or roll back first): refused at fwd_ota_pipeline_start, before
 *     any byte is fetched, the slot untouched;
 *   - on ANY failure the written part of the slot is erased (fwd_ota_abort /
 *     fwd_ota_end / fwd_ota_write do it), the running image stays the boot
 *     image, and an ABORTED event carries the reason and what happened to
 *     the slot (untouched when refused before the erase). FW_ERR_POWER_LOSS is
 *     propagated at once (the device is dead; the next boot never selects
 *     the half-written slot because it is not in otadata).
 *
 * Memory: caller-provided struct fwd_ota_pipeline (about 4.3 KiB on x86-64:
 * decryptor 3 KiB + OTA handle 368 B + 288-byte early buffer + app info +
 * 96-byte reason text + two stage sinks); the
 * device context (struct fwd_ota_dev, ~13 KiB with its verification work
 * area) is the caller's too. No allocation in this module; see fwd_decrypt.h
 * for what mbedTLS allocates.
 */
#ifndef FWD_OTA_PIPELINE_H
#define FWD_OTA_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_decrypt.h"
#include "device/fwd_ota.h"
#include "device/fwd_sink.h"

/* What the input turned out to be (decided by its first byte). */
enum fwd_ota_payload {
    FWD_OTA_PAYLOAD_UNDECIDED = 0,  /* no byte yet */
    FWD_OTA_PAYLOAD_ENCRYPTED,      /* ESP encrypted image container: decrypt stage first */
    FWD_OTA_PAYLOAD_PLAINTEXT,      /* bare app image (cfg.allow_plaintext) */
};

/* Where the update stands. */
enum fwd_ota_run_state {
    FWD_OTA_RUNNING = 0,            /* started, accepting input */
    FWD_OTA_FINISHED,               /* the new image will boot next */
    FWD_OTA_FAILED,                 /* stopped with p->fail; the slot is as ev.slot_fate said */
};

enum fwd_ota_ev_type {
    FWD_OTA_EV_START = 1,        /* slot chosen: ev.slot */
    FWD_OTA_EV_SOURCE_OPEN,      /* a transport reached its source (again after a reconnect):
                                    ev.source, ev.secure, ev.offset */
    FWD_OTA_EV_HEADER_VERIFIED,  /* container header accepted, key established: ev.total */
    FWD_OTA_EV_APP_DESC,         /* early checks passed: ev.app */
    FWD_OTA_EV_WRITING,          /* ev.done / ev.total plaintext bytes (throttled) */
    FWD_OTA_EV_SOURCE_RETRY,     /* source lost: ev.attempt, resuming at input byte ev.offset after ev.delay_ms */
    FWD_OTA_EV_VERIFYING,        /* tag ok (if encrypted), verifying the written image */
    FWD_OTA_EV_BOOT_UPDATED,     /* otadata now selects the new slot (state NEW) */
    FWD_OTA_EV_FINISHED,
    FWD_OTA_EV_ABORTED,          /* ev.fail, ev.slot_fate */
    FWD_OTA_EV_RESUMED,          /* continues an interrupted download: ev.done plaintext bytes kept
                                    on flash (rebuilt state), input resumes at ev.offset */
    FWD_OTA_EV_CHECKPOINT,       /* progress record written: ev.done bytes survive a reboot */
};

/* What an aborted update did to the passive slot (ABORTED events). */
enum fwd_ota_slot_fate {
    FWD_OTA_SLOT_UNTOUCHED = 0,  /* refused before anything was erased or written */
    FWD_OTA_SLOT_ERASED,         /* erased (what had been written is gone) */
    FWD_OTA_SLOT_UNKNOWN,        /* a flash error while preparing it: maybe partly erased */
    FWD_OTA_SLOT_KEPT,           /* suspended (fwd_ota_pipeline_suspend): written part kept for a
                                    resume; never selected for boot */
};

struct fwd_ota_event {
    enum fwd_ota_ev_type type;
    uint64_t done;               /* plaintext bytes written to the slot */
    uint64_t total;              /* plaintext image size; 0 while unknown */
    const char *slot;
    enum fwd_ota_payload payload;
    const struct fwd_app_info *app;
    /* source events (SOURCE_OPEN, SOURCE_RETRY), named by the transport */
    const char *source;          /* e.g. a host name, a BLE address, a topic */
    int secure;                  /* the transport authenticated its peer (TLS, pairing...) */
    uint64_t offset;             /* input byte the source (re)starts from */
    unsigned attempt;            /* SOURCE_RETRY: 1, 2, ... */
    uint32_t delay_ms;           /* SOURCE_RETRY: back-off before reconnecting */
    struct fw_fail fail;         /* ABORTED, SOURCE_RETRY: code + reason */
    enum fwd_ota_slot_fate slot_fate;
};

typedef void (*fwd_ota_event_fn)(void *ctx, const struct fwd_ota_event *ev);

struct fwd_ota_pipeline;
struct fwd_ota_pipeline_cfg {
    struct fwd_ota_dev *dev;                /* opened with fwd_ota_dev_open */
    const struct fwd_decrypt_key *key;      /* device secret; NULL: encrypted input refused */
    int allow_plaintext;                    /* accept a bare 0xE9 image (e.g. --file): same early checks */
    int allow_same_version;                 /* skip "same version as running" */
    uint64_t size_hint;                     /* plaintext: expected size if known (erase less), else 0 */
    fwd_ota_event_fn event;                 /* optional */
    void *event_ctx;
    /* Optional progress checkpoints (fwd_ota_resume.h): every checkpoint_every
     * plaintext bytes (a multiple of 4096) the writes stop exactly at the
     * boundary, and checkpoint(ctx, done) is called once those bytes are
     * programmed. Its FW_ERR_POWER_LOSS stops the update; other errors are
     * its own business (resume is an optimisation, never a check). */
    uint32_t checkpoint_every;
    int (*checkpoint)(void *ctx, uint64_t done);
    void *checkpoint_ctx;
    /* Optional last check of the complete image, after its last byte is
     * handed to the slot writer and before the Secure Boot V2 verification
     * and boot selection (e.g. a release manifest's image SHA-256,
     * fwd_fleet.c). FW_OK goes on; an error refuses the image (slot erased,
     * reason p->why when the check wrote one). NULL: none. */
    int (*image_check)(void *ctx, struct fwd_ota_pipeline *p);
    void *image_check_ctx;
};

struct fwd_ota_pipeline {
    struct fwd_ota_pipeline_cfg cfg;
    const struct fwd_part *part;
    enum fwd_ota_payload payload;
    enum fwd_ota_run_state state;
    int began;               /* fwd_ota_begin done, handle open */
    enum fwd_ota_slot_fate fate; /* of the slot if the update stops now */
    char why[96];            /* reason text that names a partition (fail.why may point here) */
    struct fw_fail fail;     /* what the pipeline stopped with: code + reason */
    int header_announced;
    uint64_t in_bytes;       /* input bytes accepted (container or image) */
    uint64_t written;        /* plaintext bytes handed to fwd_ota_write */
    uint64_t total;          /* plaintext image size if known, else 0 */
    uint64_t next_progress;
    struct fwd_sink head;    /* first stage for this payload (decrypt or writer) */
    struct fwd_sink writer;  /* last stage: early checks + slot writer + verification */
    uint32_t early_len;
    uint8_t early[FWD_APP_EARLY_BYTES];
    struct fwd_app_info app;
    struct fwd_ota_handle ota;
    uint64_t resumed_at;     /* plaintext bytes kept from an interrupted download (0: fresh) */
    struct fwd_decrypt dec;
};

/* FW_ERR_INVALID_ARG (cfg), FW_ERR_NOT_FOUND (no OTA slot to write),
 * FW_ERR_STATE (the running app is PENDING_VERIFY: event ABORTED, slot untouched). */
int fwd_ota_pipeline_start(struct fwd_ota_pipeline *p, const struct fwd_ota_pipeline_cfg *cfg);
/* 0 or the first error (sticky; the pipeline has already aborted and erased). */
int fwd_ota_pipeline_feed(struct fwd_ota_pipeline *p, const uint8_t *data, size_t n);
/* End of input: tag, verification, set boot. 0 = the new image will boot next. */
int fwd_ota_pipeline_finish(struct fwd_ota_pipeline *p);
/* feed and finish as a sink, for a transport written against fwd_sink.h. */
struct fwd_sink fwd_ota_pipeline_input(struct fwd_ota_pipeline *p);
/* Give up from outside (transport failure): erase, event ABORTED. Returns err. */
int fwd_ota_pipeline_abort(struct fwd_ota_pipeline *p, int err, const char *reason);
/* Resume an interrupted download instead of starting at byte 0 (after
 * start, before any feed): head = the first 512 input bytes fetched again
 * (the container header, or the first bytes of a plaintext image), done =
 * plaintext bytes of the slot kept from before (a multiple of 4096, as a
 * checkpoint said), total = the input size the source announces. Nothing
 * is taken on trust: the header is checked and the key unwrapped again,
 * the GCM state rebuilt from the plaintext read back through flash
 * decryption (fwd_decrypt_resume), the early checks run again on the app
 * descriptor read back, and only then [done, end) of the slot is erased
 * (fwd_ota_begin_at). The tag and fwd_ota_end cover every byte at finish.
 * Then the source continues at fwd_ota_pipeline_offset() (512 + done for a
 * container, done for a plaintext image). On any refusal the slot is
 * erased (ABORTED, fate ERASED). Event RESUMED. */
int fwd_ota_pipeline_resume(struct fwd_ota_pipeline *p, const uint8_t *head, size_t head_len, uint64_t done,
                            uint64_t total);
/* A transport will not continue an interrupted download (other file, size,
 * validator, header; a server that ignores Range): RESUMED event with
 * ev.fail.why set and ev.done 0, before it starts afresh. */
void fwd_ota_pipeline_resume_refused(struct fwd_ota_pipeline *p, const char *why);
/* Erase the whole passive slot now (after start, before any input): a
 * transport drops an interrupted download it will not continue, so its
 * bytes do not linger. The update goes on (it erases again at begin). */
int fwd_ota_pipeline_erase_slot(struct fwd_ota_pipeline *p);
/* Stop WITHOUT erasing (a transport gave up, e.g. the link is gone; before
 * anything was written it is an abort that touched nothing): the
 * written part of the slot stays for a later resume, the slot is not
 * selected (fwd_ota_begin invalidated its otadata entries), key material
 * is wiped. ABORTED event with fate KEPT. Returns err. */
int fwd_ota_pipeline_suspend(struct fwd_ota_pipeline *p, int err, const char *reason);
/* Short reason of the failure ("" while running / after success). */
const char *fwd_ota_pipeline_reason(const struct fwd_ota_pipeline *p);

/* ---- for transports ------------------------------------------------------------ */

/* The error the pipeline stopped with, 0 while running, FW_ERR_STATE after success. */
int fwd_ota_pipeline_error(const struct fwd_ota_pipeline *p);
/* Input bytes accepted so far: where a resumed source continues. */
uint64_t fwd_ota_pipeline_offset(const struct fwd_ota_pipeline *p);
/* The most input bytes this slot can take (a container of a slot-sized image). */
uint64_t fwd_ota_pipeline_input_limit(const struct fwd_ota_pipeline *p);
/* The source learned its size: for a plaintext image it is the image size
 * (progress); ignored for encrypted input, whose header says it. */
void fwd_ota_pipeline_input_size(struct fwd_ota_pipeline *p, uint64_t size);
/* Generic source events: the transport connected to `source` (secure: it
 * authenticated the peer), or lost it and retries after delay_ms. */
void fwd_ota_pipeline_source_open(struct fwd_ota_pipeline *p, const char *source, int secure);
void fwd_ota_pipeline_source_retry(struct fwd_ota_pipeline *p, const char *source, unsigned attempt,
                                   uint32_t delay_ms, int err, const char *reason);

#endif
