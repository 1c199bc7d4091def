/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS source of the OTA pipeline (see fwd_ota_http.h). */
#include "device/fwd_ota_http.h"

#include <string.h>

#include "fw_err.h"

struct run {
    struct fwd_ota_pipeline *p;
    struct fwd_http *h;
    const char *url;
    const struct fwd_ota_http_opts *o;
    uint64_t total;                          /* input size, FWD_HTTP_NO_LENGTH until known */
    char etag[FWD_HTTP_VALIDATOR_MAX];       /* of the first response: every later one must match */
    char last_modified[FWD_HTTP_VALIDATOR_MAX];
    int pinned;                              /* total + validators taken */
    int pin_on_response;                     /* body requests (not the 0-511 check) */
    unsigned attempt;                        /* retries used */
};

static int to_pipeline(void *ctx, const uint8_t *d, size_t n)
{
    struct run *r = ctx;
    if (r->o->resume) fwd_ota_resume_note_head(r->o->resume, fwd_ota_pipeline_offset(r->p), d, n);
    return fwd_ota_pipeline_feed(r->p, d, n);
}

static enum fw_ota_progress_validator validator_of(const char *etag, const char *lm, const char **value)
{
    *value = etag[0] ? etag : lm[0] ? lm : NULL;
    return etag[0] ? FW_OTA_VALIDATOR_ETAG : lm[0] ? FW_OTA_VALIDATOR_LAST_MODIFIED : FW_OTA_VALIDATOR_NONE;
}

/* The first response fixes what the resource is (before its body). */
static void pin(struct run *r, const struct fwd_http_result *res)
{
    if (r->pinned || res->total == FWD_HTTP_NO_LENGTH) return;
    r->pinned = 1;
    r->total = res->total;
    memcpy(r->etag, res->etag, sizeof r->etag);
    memcpy(r->last_modified, res->last_modified, sizeof r->last_modified);
    fwd_ota_pipeline_input_size(r->p, res->total); /* plaintext: the image size */
    if (r->o->resume) {
        const char *v;
        enum fw_ota_progress_validator k = validator_of(r->etag, r->last_modified, &v);
        fwd_ota_resume_note_source(r->o->resume, k, v, r->total);
    }
}

static void on_connected(void *ctx, const char *host, int tls)
{
    struct run *r = ctx;
    fwd_ota_pipeline_source_open(r->p, host, tls);
}

static void on_response(void *ctx, const struct fwd_http_result *res)
{
    struct run *r = ctx;
    if (r->pin_on_response) pin(r, res);
}

static struct fwd_http_req request_at(const struct run *r, uint64_t from)
{
    struct fwd_http_req rq = { .from = from, .last = FWD_HTTP_NO_LENGTH, .expect_total = r->total,
                               .expect_etag = r->etag, .expect_last_modified = r->last_modified,
                               .keep_alive = r->o->max_request > 0 };
    if (r->o->max_request) {
        rq.last = from + r->o->max_request - 1;
        if (r->total != FWD_HTTP_NO_LENGTH && rq.last >= r->total) rq.last = r->total - 1;
    }
    return rq;
}

/* Back off before reconnecting (bounded, jittered): a server that just
 * failed is not hammered, and devices do not return in lockstep. 0 = go on. */
static int retry_or_stop(struct run *r, int rc, const char *why)
{
    if (!fwd_http_retryable(rc) || r->attempt >= r->o->retries) return rc;
    uint32_t delay = fwd_http_backoff_pick(r->h, ++r->attempt);
    fwd_ota_pipeline_source_retry(r->p, r->h->host, r->attempt, delay, rc, why);
    fwd_http_wait_ms(r->h, delay);
    return FW_OK;
}

/* The whole input, piece by piece or in one request, retrying. */
static int download(struct run *r)
{
    for (;;) {
        uint64_t at = fwd_ota_pipeline_offset(r->p);
        if (r->total != FWD_HTTP_NO_LENGTH && at >= r->total && (at > 0 || r->total == 0)) return FW_OK;
        struct fwd_http_req rq = request_at(r, at);
        struct fwd_http_result res;
        int rc = fwd_http_request(r->h, r->url, &rq, to_pipeline, r, &res); /* on_response pins the first */
        int refused = fwd_ota_pipeline_error(r->p);
        if (refused != FW_OK) return refused; /* the pipeline itself refused the data */
        if (rc == FW_OK) {
            if (!r->o->max_request || r->total == FWD_HTTP_NO_LENGTH) return FW_OK; /* whole body */
            continue;                                                               /* next piece */
        }
        if (rc == FW_ERR_PROTOCOL && r->o->max_request && at == 0 && res.status == 200)
            res.fail.why = "server ignores Range requests: no partial download (drop --max-request-size)";
        int stop = retry_or_stop(r, rc, res.fail.why);
        if (stop != FW_OK) {
            /* Given up on the link: keep what is written for the next run. */
            if (r->o->resume && fwd_http_retryable(rc)) return fwd_ota_pipeline_suspend(r->p, rc, res.fail.why);
            return fwd_ota_pipeline_abort(r->p, rc, res.fail.why);
        }
    }
}

/* ---- resume ---------------------------------------------------------------------- */

struct headbuf {
    uint8_t b[FW_OTA_PROGRESS_HEAD];
    size_t n;
};

static int to_head(void *ctx, const uint8_t *d, size_t n)
{
    struct headbuf *hb = ctx;
    if (n > sizeof hb->b - hb->n) return FW_ERR_PROTOCOL;
    memcpy(hb->b + hb->n, d, n);
    hb->n += n;
    return FW_OK;
}

/* Continue an interrupted download. 1 = resumed, 0 = the record does not
 * fit (*why says why; start afresh), < 0 = error (pipeline stopped). */
static int try_resume(struct run *r, uint64_t done, const char **why)
{
    struct fwd_ota_resume *rs = r->o->resume;
    struct headbuf hb;
    struct fwd_http_result res;
    /* kept alive: the rest follows on the same connection */
    struct fwd_http_req rq = { .from = 0, .last = FW_OTA_PROGRESS_HEAD - 1, .expect_total = FWD_HTTP_NO_LENGTH,
                               .keep_alive = 1 };
    int rc;
    for (;;) {
        hb.n = 0;
        rc = fwd_http_request(r->h, r->url, &rq, to_head, &hb, &res);
        if (rc == FW_OK || retry_or_stop(r, rc, res.fail.why) != FW_OK) break;
    }
    if (rc == FW_ERR_PROTOCOL || rc == FW_ERR_NO_SPACE) {   /* 200 for a Range, 416, other size... */
        *why = res.fail.why;
        return 0;
    }
    if (rc != FW_OK) return fwd_ota_pipeline_suspend(r->p, rc, res.fail.why); /* no link: record kept */
    const char *v;
    enum fw_ota_progress_validator k = validator_of(res.etag, res.last_modified, &v);
    if (hb.n != sizeof hb.b || fwd_ota_resume_match(rs, hb.b, hb.n, k, v, res.total, why) != FW_OK) {
        if (hb.n != sizeof hb.b) *why = "short answer for bytes 0-511";
        return 0;
    }
    pin(r, &res);
    rc = fwd_ota_pipeline_resume(r->p, hb.b, hb.n, done, res.total);
    return rc == FW_OK ? 1 : rc;
}

static int start(struct run *r)
{
    struct fwd_ota_resume *rs = r->o->resume;
    if (!rs) return FW_OK;
    uint64_t done = 0;
    if (!r->o->restart) fwd_ota_resume_plan(rs, r->url, r->p->part, &done);
    if (done) {
        const char *why = NULL;
        int got = try_resume(r, done, &why);
        if (got == 1) return FW_OK;
        if (got < 0) return got;
        fwd_ota_pipeline_resume_refused(r->p, why);
        r->pinned = 0;
        r->total = FWD_HTTP_NO_LENGTH;
        r->etag[0] = r->last_modified[0] = 0;
    }
    /* Afresh: the record goes before the slot is touched (the pipeline
     * erases it when the first bytes passed the early checks). */
    int rc = fwd_ota_resume_forget(rs);
    if (rc == FW_ERR_POWER_LOSS) return fwd_ota_pipeline_abort(r->p, rc, "power loss");
    /* An abandoned download's bytes go at once, whatever happens next. */
    if (done && (rc = fwd_ota_pipeline_erase_slot(r->p)) != FW_OK) return rc;
    rc = fwd_ota_resume_begin(rs, r->url, r->p->part);
    return rc == FW_OK ? FW_OK : fwd_ota_pipeline_abort(r->p, rc, "URL too long for the progress record");
}

int fwd_ota_http_run_opts(struct fwd_ota_pipeline *p, struct fwd_http *h, const char *url,
                          const struct fwd_ota_http_opts *opts)
{
    if (!p || !h || !url || !opts) return FW_ERR_INVALID_ARG;
    int state = fwd_ota_pipeline_error(p);
    if (state != FW_OK) return state;
    struct run r = { .p = p, .h = h, .url = url, .o = opts, .total = FWD_HTTP_NO_LENGTH };
    h->cfg.on_connected = on_connected;
    h->cfg.on_response = on_response;
    h->cfg.ev_ctx = &r;
    /* Never accept a resource larger than a container for this slot. */
    uint64_t cap = fwd_ota_pipeline_input_limit(p);
    if (h->cfg.max_body > cap) h->cfg.max_body = cap;
    int rc = start(&r);
    r.pin_on_response = 1;
    if (rc == FW_OK) rc = download(&r);
    if (rc == FW_OK) rc = fwd_ota_pipeline_finish(p);
    fwd_http_close(h);
    h->cfg.on_connected = NULL;
    h->cfg.on_response = NULL;
    h->cfg.ev_ctx = NULL;
    /* Done, or the slot erased (image refused): the record goes. A lost
     * link (slot kept), a refusal that left the slot alone (e.g. the
     * running app must confirm first) or a power cut keeps it. */
    int erased = p->fate == FWD_OTA_SLOT_ERASED || p->fate == FWD_OTA_SLOT_UNKNOWN;
    if (opts->resume && rc != FW_ERR_POWER_LOSS && (rc == FW_OK || erased)) {
        int e = fwd_ota_resume_forget(opts->resume);
        if (e == FW_ERR_POWER_LOSS) return e;
    }
    return rc;
}

int fwd_ota_http_run(struct fwd_ota_pipeline *p, struct fwd_http *h, const char *url, unsigned retries)
{
    struct fwd_ota_http_opts o = { .retries = retries };
    return fwd_ota_http_run_opts(p, h, url, &o);
}
