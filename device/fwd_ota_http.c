/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS source of the OTA pipeline (see fwd_ota_http.h). */
#include "device/fwd_ota_http.h"

#include "fw_err.h"

static int to_pipeline(void *ctx, const uint8_t *d, size_t n) { return fwd_ota_pipeline_feed(ctx, d, n); }

static void on_connected(void *ctx, const char *host, int tls) { fwd_ota_pipeline_source_open(ctx, host, tls); }

int fwd_ota_http_run(struct fwd_ota_pipeline *p, struct fwd_http *h, const char *url, unsigned retries)
{
    if (!p || !h || !url) return FW_ERR_INVALID_ARG;
    int state = fwd_ota_pipeline_error(p);
    if (state != FW_OK) return state;
    h->cfg.on_connected = on_connected;
    h->cfg.ev_ctx = p;
    /* Never accept a resource larger than a container for this slot. */
    uint64_t cap = fwd_ota_pipeline_input_limit(p);
    if (h->cfg.max_body > cap) h->cfg.max_body = cap;
    uint64_t expect = FWD_HTTP_NO_LENGTH;
    for (unsigned attempt = 0;; attempt++) {
        struct fwd_http_result res;
        int rc = fwd_http_get(h, url, fwd_ota_pipeline_offset(p), expect, to_pipeline, p, &res);
        if (expect == FWD_HTTP_NO_LENGTH && res.total != FWD_HTTP_NO_LENGTH) {
            expect = res.total;
            fwd_ota_pipeline_input_size(p, res.total); /* plaintext: the image size */
        }
        if (rc == FW_OK) break;
        int refused = fwd_ota_pipeline_error(p);
        if (refused != FW_OK) return refused; /* the pipeline itself refused the data */
        if (!fwd_http_retryable(rc) || attempt >= retries) return fwd_ota_pipeline_abort(p, rc, res.fail.why);
        /* Back off before reconnecting (bounded, jittered): a server that
         * just failed is not hammered, and devices do not return in lockstep. */
        uint32_t delay = fwd_http_backoff_pick(h, attempt + 1);
        fwd_ota_pipeline_source_retry(p, h->host, attempt + 1, delay, rc, res.fail.why);
        fwd_http_wait_ms(h, delay);
    }
    return fwd_ota_pipeline_finish(p);
}
