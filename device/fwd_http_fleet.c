/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS source of a fleet release (see fwd_http_fleet.h). */
#include "device/fwd_http_fleet.h"

#include <stdio.h>
#include <string.h>

static int to_sink(void *ctx, const uint8_t *p, size_t n) { return fwd_sink_write(ctx, p, n); }

static int http_get(void *ctx, const char *path, uint64_t from, uint64_t expect_total, uint64_t max,
                    const struct fwd_sink *sink, struct fw_fail *fail)
{
    struct fwd_fleet_http *fh = ctx;
    size_t blen = strlen(fh->base);
    int slash = blen && fh->base[blen - 1] == '/';
    int n = snprintf(fh->url, sizeof fh->url, "%s%s%s", fh->base, slash ? "" : "/", path);
    if (n < 0 || (size_t)n >= sizeof fh->url) return fw_fail_set(fail, FW_ERR_UNSUPPORTED, "URL too long");
    fh->h->cfg.max_body = max;
    struct fwd_http_result res;
    fh->requests++;
    int rc = fwd_http_get(fh->h, fh->url, from, expect_total ? expect_total : FWD_HTTP_NO_LENGTH, to_sink,
                          (void *)sink, &res);
    if (rc != FW_OK) fw_fail_set(fail, rc, res.fail.why);
    return rc;
}

static int http_retry(void *ctx, int err, unsigned attempt)
{
    struct fwd_fleet_http *fh = ctx;
    if (!fwd_http_retryable(err) || attempt > fh->retries) return 0;
    fwd_http_wait_ms(fh->h, fwd_http_backoff_pick(fh->h, attempt));
    return 1;
}

int fwd_fleet_http_source(struct fwd_fleet_http *fh, struct fwd_http *h, const char *base, unsigned retries,
                          struct fwd_fleet_source *out)
{
    if (!fh || !h || !base || !out) return FW_ERR_INVALID_ARG;
    if (strncmp(base, "https://", 8) && strncmp(base, "http://", 7)) return FW_ERR_INVALID_ARG;
    memset(fh, 0, sizeof *fh);
    fh->h = h;
    fh->base = base;
    fh->retries = retries;
    out->get = http_get;
    out->retry = http_retry;
    out->ctx = fh;
    return FW_OK;
}
