/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS as one transport of the OTA pipeline: download a URL into
 * fwd_ota_pipeline_feed() with Range resume on dropped connections, then
 * fwd_ota_pipeline_finish(). The pipeline knows nothing of HTTP; this module
 * reports the connection and each retry through the pipeline's generic
 * source events (source = the host name, offset = the input byte the next
 * request starts from). Other transports are written the same way
 * (docs/porting.md).
 *
 * Every response after the first must be the same resource: the same total
 * size and the same validator (ETag, else Last-Modified) as the first one,
 * checked before any of its body bytes reach the pipeline; a server that
 * answers a Range request with 200 or 416 is refused. So two versions of a
 * file are never mixed into one slot.
 *
 * With a progress record (opts.resume, device/fwd_ota_resume.h) a download
 * survives reboots and power cuts: checkpoints while writing, and the next
 * run for the same URL re-fetches bytes 0-511 (Range), checks them, the
 * size and the validator against the record, rebuilds the pipeline's state
 * from the flash (fwd_ota_pipeline_resume) and continues with a Range
 * request from the checkpoint. A record that does not match (other URL,
 * slot, header, size or validator, or a server that ignores Range or
 * answers 416) is dropped and the download starts afresh from byte 0 (the
 * pipeline erases the slot before writing). When the link is lost for good
 * the slot and the record are kept (fwd_ota_pipeline_suspend) for the next
 * run; a refusal of the image erases the slot and drops the record.
 *
 * Partial download (opts.max_request > 0): the image is fetched as Range
 * requests of at most max_request bytes over ONE kept-alive TLS connection,
 * reconnecting only when the server closes it, so the device's TLS input
 * buffer need only hold one record of that size.
 *
 * Memory: nothing of its own but a 512-byte head buffer and two validator
 * strings on the stack; the caller's struct fwd_http (fwd_http.h), struct
 * fwd_ota_pipeline and struct fwd_ota_resume.
 */
#ifndef FWD_OTA_HTTP_H
#define FWD_OTA_HTTP_H

#include "device/fwd_http.h"
#include "device/fwd_ota_pipeline.h"
#include "device/fwd_ota_resume.h"

struct fwd_ota_http_opts {
    unsigned retries;              /* reconnect + Range resume at most this often per run */
    uint64_t max_request;          /* 0: one request for the rest; else pieces of at most this size */
    struct fwd_ota_resume *resume; /* NULL: nothing persists across runs */
    int restart;                   /* drop a progress record and start at byte 0 */
};

/* Download url with h (initialised by the caller: CA, timeouts) into the
 * started pipeline p; on a retryable transport error reconnect and continue
 * with a Range request from the next byte into the SAME stream, at most
 * `retries` times, each after a bounded, jittered back-off
 * (fwd_http_backoff_pick); then finish. Returns 0 or the error (pipeline
 * aborted). */
int fwd_ota_http_run(struct fwd_ota_pipeline *p, struct fwd_http *h, const char *url, unsigned retries);

/* The same with the options above. If opts->resume is set, p must have been
 * started with .checkpoint = fwd_ota_resume_checkpoint, .checkpoint_ctx =
 * opts->resume. A transport failure after the retries leaves the slot and
 * the record for the next run (ABORTED event, fate KEPT). */
int fwd_ota_http_run_opts(struct fwd_ota_pipeline *p, struct fwd_http *h, const char *url,
                          const struct fwd_ota_http_opts *opts);

#endif
