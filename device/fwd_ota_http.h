/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS as one transport of the OTA pipeline: download a URL into
 * fwd_ota_pipeline_feed() with Range resume on dropped connections, then
 * fwd_ota_pipeline_finish(). The pipeline knows nothing of HTTP; this module
 * reports the connection and each retry through the pipeline's generic
 * source events (source = the host name, offset = the input byte the next
 * request starts from). Other transports are written the same way
 * (docs/porting.md).
 *
 * Memory: nothing of its own; the caller's struct fwd_http (fwd_http.h) and
 * struct fwd_ota_pipeline.
 */
#ifndef FWD_OTA_HTTP_H
#define FWD_OTA_HTTP_H

#include "device/fwd_http.h"
#include "device/fwd_ota_pipeline.h"

/* Download url with h (initialised by the caller: CA, timeouts) into the
 * started pipeline p; on a retryable transport error reconnect and continue
 * with a Range request from the next byte into the SAME stream, at most
 * `retries` times, each after a bounded, jittered back-off
 * (fwd_http_backoff_pick); then finish. Returns 0 or the error (pipeline
 * aborted). */
int fwd_ota_http_run(struct fwd_ota_pipeline *p, struct fwd_http *h, const char *url, unsigned retries);

#endif
