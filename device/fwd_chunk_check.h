/* SPDX-License-Identifier: Apache-2.0 */
/* Verify before write: an OTA stage (fwd_sink.h) that checks every chunk of
 * a release's shared ciphertext body against the SHA-256 the signed release
 * manifest lists for it, BEFORE the chunk goes on to the decryptor and the
 * slot writer (issue 19, docs/formats.md "Release manifest"):
 *
 *   header_i --------------------------------------------\
 *   body --> [chunk check] --verified chunks only--> fwd_ota_pipeline_feed
 *            (this stage)                             (decrypt -> early checks -> flash)
 *
 *   - bytes are hashed as they arrive and held in the stage's buffer until
 *     the chunk is complete; a chunk goes on only when its digest equals the
 *     manifest's (constant-time compare), so NOTHING of a bad chunk reaches
 *     the decryptor or flash: the download stops at that chunk with
 *     FW_ERR_DIGEST and the bytes wasted are at most one chunk (the bad one)
 *     plus what the transport had in flight;
 *   - chunks are body[i * chunk_size, min((i + 1) * chunk_size, body_size)):
 *     the last one may be shorter; more bytes than body_size is
 *     FW_ERR_FORMAT, fewer at finish FW_ERR_TRUNCATED (nothing is handed on
 *     then: finish of the next stage is not called);
 *   - resume: the stage starts at any chunk boundary (cfg.first_chunk) and
 *     fwd_chunk_check_restart() drops a partly received chunk, so a source
 *     that lost its connection (or a device that rebooted) continues at
 *     fwd_chunk_check_resume_offset(), always a verified chunk boundary;
 *   - the stage does not trust the manifest's numbers blindly: a chunk size
 *     of 0 or above FWD_CHUNK_MAX, an empty body, or a body of more than
 *     FWD_CHUNK_COUNT_MAX chunks is refused at start (FW_ERR_RANGE).
 *   Tag (GCM) and Secure Boot V2 verification still run at the end, in the
 *   pipeline: the chunk check is an early filter, not a replacement.
 *
 * RAM: the caller's struct fwd_chunk_check, FWD_CHUNK_MAX (16 KiB) of chunk
 * buffer + one SHA-256 context + a few words; no allocation. A port short of
 * RAM lowers FWD_CHUNK_MAX (at build time) to the release's chunk size (e.g.
 * 4096 = one flash sector); releases with larger chunks are then refused
 * before any download.
 */
#ifndef FWD_CHUNK_CHECK_H
#define FWD_CHUNK_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_crypto.h"
#include "device/fwd_sink.h"
#include "fw_err.h"

#ifndef FWD_CHUNK_MAX
#define FWD_CHUNK_MAX 16384u      /* largest chunk this device buffers (bytes) */
#endif
#define FWD_CHUNK_COUNT_MAX 0x100000u  /* bound on chunks per body (16 GiB at 16 KiB) */
#define FWD_CHUNK_DIGEST_LEN FWD_SHA256_LEN   /* SHA-256 per chunk */

/* The manifest's digest of chunk `index` into out. 0 or a negative fw_err. */
typedef int (*fwd_chunk_digest_fn)(void *ctx, uint32_t index, uint8_t out[FWD_CHUNK_DIGEST_LEN]);

struct fwd_chunk_check_cfg {
    uint64_t body_size;           /* bytes of the whole body (the manifest's) */
    uint32_t chunk_size;          /* 1..FWD_CHUNK_MAX (the manifest's) */
    uint32_t first_chunk;         /* resume: the body is fed from chunk first_chunk on (0: from the start) */
    fwd_chunk_digest_fn digest;   /* required */
    void *digest_ctx;
    struct fwd_sink out;          /* verified chunks go here (e.g. fwd_ota_pipeline_input) */
};

struct fwd_chunk_check {
    struct fwd_chunk_check_cfg cfg;
    uint32_t nchunks;
    uint32_t index;               /* chunk being received */
    uint32_t have;                /* its bytes in buf */
    int failed;                   /* sticky error */
    uint32_t bad_chunk;           /* index of the chunk that failed its digest (when failed == FW_ERR_DIGEST) */
    uint64_t dropped;             /* bytes received but not handed on (bad chunk, restarts) */
    struct fwd_hash_ctx h;
    int hashing;
    uint8_t buf[FWD_CHUNK_MAX];
};

/* FW_ERR_INVALID_ARG (NULL digest / out.write), FW_ERR_RANGE (chunk size,
 * body size or first_chunk out of bounds). */
int fwd_chunk_check_start(struct fwd_chunk_check *c, const struct fwd_chunk_check_cfg *cfg);
/* The stage as a sink: write = body bytes, any split; finish = end of body. */
struct fwd_sink fwd_chunk_check_input(struct fwd_chunk_check *c);
/* Drop a partly received chunk: the source restarts at the returned offset. */
uint64_t fwd_chunk_check_restart(struct fwd_chunk_check *c);
/* Body offset to (re)start the source at: index * chunk_size. */
uint64_t fwd_chunk_check_resume_offset(const struct fwd_chunk_check *c);
/* Chunks verified and handed on. */
uint32_t fwd_chunk_check_verified(const struct fwd_chunk_check *c);
/* Wipe the buffer and free the hash context (also after failure). */
void fwd_chunk_check_free(struct fwd_chunk_check *c);

#endif
