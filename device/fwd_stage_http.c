/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS source of staged updates (see fwd_stage_http.h). */
#include "device/fwd_stage_http.h"

static int to_stage(void *ctx, const uint8_t *d, size_t n) { return fwd_stage_feed(ctx, d, n); }

int fwd_stage_http_run(struct fwd_stage *s, struct fwd_http *h, const char *url, unsigned retries)
{
    if (!s || !h || !url) return FW_ERR_INVALID_ARG;
    if (s->state != FWD_STAGE_RUNNING) return s->state == FWD_STAGE_FAILED ? s->fail.code : FW_ERR_STATE;
    /* never more than a container of the largest image the target takes */
    uint64_t cap = (uint64_t)(s->staging->size < s->dst_max ? s->staging->size : s->dst_max) + FWD_DECRYPT_HEADER_SIZE;
    if (!h->cfg.max_body || h->cfg.max_body > cap) h->cfg.max_body = cap;
    uint64_t expect = FWD_HTTP_NO_LENGTH;
    for (unsigned attempt = 0;; attempt++) {
        struct fwd_http_result res;
        int rc = fwd_http_get(h, url, s->in_bytes, expect, to_stage, s, &res);
        if (expect == FWD_HTTP_NO_LENGTH && res.total != FWD_HTTP_NO_LENGTH) expect = res.total;
        if (rc == FW_OK) break;
        if (s->state == FWD_STAGE_FAILED) return s->fail.code;   /* the stage refused the data */
        if (!fwd_http_retryable(rc) || attempt >= retries) return fwd_stage_abort(s, rc, res.fail.why ? res.fail.why : "download failed");
        fwd_http_wait_ms(h, fwd_http_backoff_pick(h, attempt + 1));
    }
    return fwd_stage_finish(s);
}
