/* SPDX-License-Identifier: Apache-2.0 */
/* The byte-stream seam between OTA stages: every stage consumes bytes through
 * a struct fwd_sink and hands its output to the next stage's sink, so a new
 * stage (inflate, delta patcher, manifest chunk check...) is one more link in
 * the chain, not an edit of the stages around it (docs/architecture.md,
 * "Stage chain and transports").
 *
 *   source -> [decrypt] -> [new stage] -> early checks + slot writer
 *   (transport)   fwd_decrypt.h            fwd_ota_pipeline.c
 *
 * Contract of a sink:
 *   - write(ctx, p, n): consume n > 0 bytes, any split; 0 or a negative fw_err
 *     (sticky: the stage has already cleaned up after itself; the caller stops
 *     feeding and reports it);
 *   - finish(ctx): end of input; the stage checks what only the end can tell
 *     (a tag, a length, a digest) and then finishes its own output sink; 0
 *     only if this stage AND everything after it accepted the stream. NULL
 *     means "nothing to check at the end";
 *   - ctx is the stage's caller-provided context: no stage allocates.
 */
#ifndef FWD_SINK_H
#define FWD_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "fw_err.h"

typedef int (*fwd_sink_write_fn)(void *ctx, const uint8_t *p, size_t n);
typedef int (*fwd_sink_finish_fn)(void *ctx);

struct fwd_sink {
    fwd_sink_write_fn write;
    fwd_sink_finish_fn finish;  /* optional */
    void *ctx;
};

static inline int fwd_sink_write(const struct fwd_sink *s, const uint8_t *p, size_t n)
{
    return n ? s->write(s->ctx, p, n) : FW_OK;
}

static inline int fwd_sink_finish(const struct fwd_sink *s)
{
    return s->finish ? s->finish(s->ctx) : FW_OK;
}

#endif
