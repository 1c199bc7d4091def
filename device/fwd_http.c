/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS GET client with pinned CA, redirects, Range resume and a throughput
 * watchdog (see fwd_http.h). */
#include "device/fwd_http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "fw_err.h"

/* ---- URL ------------------------------------------------------------------ */

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* "[v6]" host: hex digits, ':' and '.', a valid IPv6 address (no zone id). */
static int parse_bracketed(const char *p, char *host, size_t hostsz, size_t *consumed)
{
    size_t n = 1;
    while ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f') || (p[n] >= 'A' && p[n] <= 'F') ||
           p[n] == ':' || p[n] == '.')
        n++;
    if (p[n] != ']' || n == 1 || n - 1 >= hostsz || n - 1 > 45) return FW_ERR_UNSUPPORTED;
    memcpy(host, p + 1, n - 1);
    host[n - 1] = 0;
    uint8_t a[16];
    if (inet_pton(AF_INET6, host, a) != 1) return FW_ERR_UNSUPPORTED;
    *consumed = n + 1;
    return FW_OK;
}

int fwd_http_parse_url(const char *url, int *tls, char *host, size_t hostsz, char port[8], char *path,
                       size_t pathsz)
{
    const char *p;
    if (!url) return FW_ERR_INVALID_ARG;
    if (!strncmp(url, "https://", 8)) { *tls = 1; p = url + 8; }
    else if (!strncmp(url, "http://", 7)) { *tls = 0; p = url + 7; }
    else return FW_ERR_UNSUPPORTED;
    size_t hl = 0;
    if (*p == '[') {
        if (parse_bracketed(p, host, hostsz, &hl) != FW_OK) return FW_ERR_UNSUPPORTED;
    } else {
        while (host_char(p[hl])) hl++;
        if (hl == 0 || hl >= hostsz || hl > 255) return FW_ERR_UNSUPPORTED; /* also rejects '@' */
        memcpy(host, p, hl);
        host[hl] = 0;
    }
    p += hl;
    strcpy(port, *tls ? "443" : "80");
    if (*p == ':') {
        unsigned v = 0;
        size_t d = 0;
        for (p++; *p >= '0' && *p <= '9' && d < 6; p++, d++) v = v * 10 + (unsigned)(*p - '0');
        if (d == 0 || d > 5 || v == 0 || v > 65535) return FW_ERR_UNSUPPORTED;
        snprintf(port, 8, "%u", v);
    }
    if (*p && *p != '/' && *p != '?' && *p != '#') return FW_ERR_UNSUPPORTED;
    size_t n = 0;
    if (*p != '/') path[n++] = '/';
    for (; *p && *p != '#'; p++) {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F) return FW_ERR_UNSUPPORTED;
        if (n + 1 >= pathsz) return FW_ERR_UNSUPPORTED;
        path[n++] = *p;
    }
    path[n] = 0;
    return FW_OK;
}

int fwd_http_ip_literal(const char *host, uint8_t ip[16])
{
    if (inet_pton(AF_INET, host, ip) == 1) return 4;
    if (inet_pton(AF_INET6, host, ip) == 1) return 16;
    return 0;
}

int fwd_http_retryable(int err) { return err == FW_ERR_NET || err == FW_ERR_TIMEOUT || err == FW_ERR_TRUNCATED; }

uint32_t fwd_http_backoff_delay(unsigned attempt, uint32_t rnd)
{
    unsigned shift = attempt > 0 ? attempt - 1 : 0;
    if (shift > 16) shift = 16;
    uint64_t d = (uint64_t)FWD_HTTP_BACKOFF_BASE_MS << shift;
    if (d > FWD_HTTP_BACKOFF_MAX_MS) d = FWD_HTTP_BACKOFF_MAX_MS;
    /* "Equal jitter": half fixed, half random, so clients that lost the same
     * server at the same moment do not come back in lockstep. */
    uint32_t half = (uint32_t)(d / 2);
    return half + rnd % (half + 1);
}

uint32_t fwd_http_backoff_pick(struct fwd_http *h, unsigned attempt)
{
    uint8_t b[4] = { 0 };
    if (h->cfg.rng->fill(h->cfg.rng->ctx, b, sizeof b) != 0) memset(b, 0, sizeof b); /* no jitter, still bounded */
    uint32_t rnd = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return fwd_http_backoff_delay(attempt, rnd);
}

void fwd_http_wait_ms(struct fwd_http *h, uint32_t ms) { fwd_sock_sleep(h->cfg.time, ms); }

/* ---- setup ---------------------------------------------------------------- */

int fwd_http_init(struct fwd_http *h, const struct fwd_http_cfg *cfg)
{
    if (!h || !cfg || !cfg->rng || !cfg->time) return FW_ERR_INVALID_ARG;
    memset(h, 0, sizeof *h);
    h->cfg = *cfg;
    if (!h->cfg.read_timeout_ms) h->cfg.read_timeout_ms = 10000;
    if (!h->cfg.connect_timeout_ms) h->cfg.connect_timeout_ms = h->cfg.read_timeout_ms;
    if (!h->cfg.handshake_timeout_ms) h->cfg.handshake_timeout_ms = h->cfg.read_timeout_ms;
    if (!h->cfg.watchdog_window_ms) h->cfg.watchdog_window_ms = h->cfg.read_timeout_ms;
    if (!h->cfg.watchdog_min_bytes) h->cfg.watchdog_min_bytes = 1024;
    if (!h->cfg.max_body) h->cfg.max_body = FWD_HTTP_NO_LENGTH;
    h->carrier = cfg->carrier ? *cfg->carrier : fwd_sock_carrier(&h->sock, cfg->time);
    h->conf_ready = 1;
    struct fwd_tls_cfg tc = { cfg->ca_pem, cfg->ca_pem_len, cfg->rng, h->cfg.read_timeout_ms };
    return fwd_tls_init(&h->tls, &tc);
}

static void disconnect(struct fwd_http *h)
{
    if (h->tls_live) {
        /* Best effort, never waits: the alert goes out only if the carrier
         * takes it at once (the CLOSING phase has no time left). */
        h->phase = FWD_PHASE_CLOSING;
        fwd_tls_close(&h->tls);
    }
    if (h->connected) h->carrier.close(h->carrier.ctx);
    h->connected = 0;
    h->tls_live = 0;
    h->conn_key[0] = 0;
}

void fwd_http_close(struct fwd_http *h)
{
    if (h && h->conf_ready) disconnect(h);
}

void fwd_http_free(struct fwd_http *h)
{
    if (!h || !h->conf_ready) return;
    disconnect(h);
    fwd_tls_free(&h->tls);
    h->conf_ready = 0;
}

/* ---- connection I/O --------------------------------------------------------- */

static uint64_t now_ms(const struct fwd_http *h) { return h->cfg.time->now_ms(h->cfg.time->ctx); }

static void set_phase(struct fwd_http *h, enum fwd_http_phase phase, uint32_t total_ms)
{
    h->phase = phase;
    h->phase_deadline = total_ms ? now_ms(h) + total_ms : 0;
}

/* Why the last wait ended without data (static strings). */
static const char *timeout_reason(const struct fwd_http *h)
{
    switch (h->expired) {
    /* A stalled server trips the watchdog and the read timeout in the same
     * millisecond (the window is one read timeout by default), so which one
     * is seen first is a race: the message is true for both. */
    case FWD_EXPIRED_WATCHDOG: return "timed out: transfer too slow (throughput watchdog)";
    case FWD_EXPIRED_PHASE:
        switch (h->phase) {
        case FWD_PHASE_HANDSHAKE: return "TLS handshake timed out (handshake deadline)";
        case FWD_PHASE_REQUEST: return "timed out sending the request";
        case FWD_PHASE_HEAD: return "timed out waiting for the response head (head deadline)";
        default: return "timed out";
        }
    default:
        return h->phase == FWD_PHASE_HANDSHAKE ? "TLS handshake timed out (no data within the read timeout)"
               : h->phase == FWD_PHASE_HEAD    ? "timed out waiting for the response"
                                               : "read timed out";
    }
}

/* The earliest of: the per-wait timeout, the phase deadline, the watchdog
 * deadline. Returns 0 with h->expired set when one already passed. */
static uint64_t wait_deadline(struct fwd_http *h, uint32_t per_wait_ms)
{
    uint64_t now = now_ms(h);
    uint64_t wd_end = h->wd_on ? h->win_start + h->cfg.watchdog_window_ms : UINT64_MAX;
    if (h->phase_deadline && now >= h->phase_deadline) { /* first: names the phase */
        h->expired = FWD_EXPIRED_PHASE;
        return 0;
    }
    if (now >= wd_end) {
        h->expired = FWD_EXPIRED_WATCHDOG;
        return 0;
    }
    uint64_t d = now + per_wait_ms;
    if (h->phase_deadline && h->phase_deadline < d) d = h->phase_deadline;
    if (wd_end < d) d = wd_end;
    return d;
}

/* Throughput watchdog: every watchdog_min_bytes of HTTP data must complete
 * within watchdog_window_ms of the previous ones; a server that stops or
 * trickles is cut off at most one window after its last full quota. */
static void watchdog_count(struct fwd_http *h, size_t got)
{
    h->win_bytes += got;
    if (h->win_bytes >= h->cfg.watchdog_min_bytes) {
        h->win_start = now_ms(h);
        h->win_bytes = 0;
    }
}

/* How long the next wait of an I/O call may last: > 0 (ms), or
 * FW_ERR_TIMEOUT with h->expired set (per-call timeout, phase deadline or
 * watchdog). */
static long next_wait(struct fwd_http *h, uint64_t call_deadline)
{
    uint64_t now = now_ms(h);
    if (now >= call_deadline) {
        h->expired = FWD_EXPIRED_READ;
        return FW_ERR_TIMEOUT;
    }
    uint64_t d = wait_deadline(h, (uint32_t)(call_deadline - now));
    if (!d) return FW_ERR_TIMEOUT;
    return d > now ? (long)(d - now) : 1;
}

/* One call of the carrier's stream under every deadline: first a try that
 * does not wait, then waits no longer than next_wait allows. > 0 bytes, 0 on
 * close (recv), FW_ERR_TIMEOUT (h->expired says which deadline), FW_ERR_NET. */
static long io_call(struct fwd_http *h, int is_send, uint8_t *rbuf, const uint8_t *sbuf, size_t n)
{
    h->expired = FWD_EXPIRED_NONE;
    uint64_t call_deadline = now_ms(h) + h->cfg.read_timeout_ms;
    if (h->phase == FWD_PHASE_CLOSING) call_deadline = 0;
    uint32_t wait = 0;
    for (;;) {
        long r = is_send ? h->raw.send(h->raw.ctx, sbuf, n, wait) : h->raw.recv(h->raw.ctx, rbuf, n, wait);
        if (r != FW_ERR_TIMEOUT) return r; /* data, 0 = close, or an error */
        long w = next_wait(h, call_deadline);
        if (w < 0) return w;
        wait = (uint32_t)w;
    }
}

/* The carrier's stream as TLS (or plain HTTP) sees it: every call bounded by
 * the per-call timeout, the phase deadline and the watchdog. The timeout a
 * caller passes is the configured read timeout; io_call applies it. */
static long guarded_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)timeout_ms;
    return io_call(ctx, 0, buf, NULL, n);
}

static long guarded_send(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)timeout_ms;
    return io_call(ctx, 1, NULL, buf, n);
}

static int tls_handshake(struct fwd_http *h, struct fwd_http_result *res)
{
    struct fwd_stream guarded = { guarded_recv, guarded_send, h };
    set_phase(h, FWD_PHASE_HANDSHAKE, h->cfg.handshake_timeout_ms);
    const char *why = NULL;
    int rc = fwd_tls_handshake(&h->tls, &guarded, h->host, h->ip, h->ip_len, &res->verify_flags, &why);
    h->tls_live = h->tls.live; /* a session exists (even a failed one): close it */
    res->fail.why = rc == FW_ERR_TIMEOUT ? timeout_reason(h) : why;
    return rc;
}

static int connect_to(struct fwd_http *h, int tls, struct fwd_http_result *res)
{
    h->ip_len = (uint8_t)fwd_http_ip_literal(h->host, h->ip);
    set_phase(h, FWD_PHASE_CONNECT, h->cfg.connect_timeout_ms);
    int rc = h->carrier.open(h->carrier.ctx, h->host, h->port, h->cfg.connect_timeout_ms, &h->raw);
    if (rc != FW_OK) {
        res->fail.why = rc == FW_ERR_TIMEOUT ? "connect timed out" : "cannot connect";
        return rc == FW_ERR_TIMEOUT ? FW_ERR_TIMEOUT : FW_ERR_NET;
    }
    h->connected = 1;
    h->connects++;
    h->wd_on = 0;
    return tls ? tls_handshake(h, res) : FW_OK;
}

static int send_all(struct fwd_http *h, const uint8_t *p, size_t n)
{
    while (n > 0) {
        long rc = h->tls_live ? fwd_tls_write(&h->tls, p, n) : io_call(h, 1, NULL, p, n);
        if (rc == FW_ERR_TIMEOUT) return FW_ERR_TIMEOUT;
        if (rc <= 0) return FW_ERR_NET;
        p += rc;
        n -= (size_t)rc;
    }
    return FW_OK;
}

/* One read: >0 bytes, 0 on orderly close, or a negative fw_err. */
static int recv_some(struct fwd_http *h, uint8_t *buf, size_t n)
{
    /* The watchdog judges the server, not this device: time spent since the
     * last read returned (the sink writing or erasing flash) is not counted. */
    if (h->wd_on && h->idle_since) h->win_start += now_ms(h) - h->idle_since;
    h->idle_since = 0;
    long rc = h->tls_live ? fwd_tls_read(&h->tls, buf, n) : io_call(h, 0, buf, NULL, n);
    if (rc > 0) {
        watchdog_count(h, (size_t)rc); /* HTTP bytes, not TLS framing */
        h->idle_since = now_ms(h);
        return (int)rc;
    }
    if (rc == 0) return 0;
    return rc == FW_ERR_TIMEOUT ? FW_ERR_TIMEOUT : FW_ERR_NET;
}

/* An IPv6 literal is written in brackets in URLs and Host headers. */
#define V6_OPEN(h) (strchr((h)->host, ':') ? "[" : "")
#define V6_CLOSE(h) (strchr((h)->host, ':') ? "]" : "")

/* ---- one request -------------------------------------------------------------- */

/* The request is formatted in the (not yet used) head buffer: no stack copy. */
static int is_range(const struct fwd_http_req *rq) { return rq->from > 0 || rq->last != FWD_HTTP_NO_LENGTH; }

static int send_request(struct fwd_http *h, const struct fwd_http_req *rq)
{
    char *req = h->head.buf;
    size_t cap = sizeof h->head.buf;
    int n = snprintf(req, cap,
                     "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: fwseal-device\r\n"
                     "Accept-Encoding: identity\r\nConnection: %s\r\n",
                     h->path, V6_OPEN(h), h->host, V6_CLOSE(h), h->port, rq->keep_alive ? "keep-alive" : "close");
    if (n < 0 || (size_t)n >= cap - 80) return FW_ERR_INVALID_ARG;
    if (is_range(rq) && rq->last != FWD_HTTP_NO_LENGTH)
        n += snprintf(req + n, cap - (size_t)n, "Range: bytes=%llu-%llu\r\n", (unsigned long long)rq->from,
                      (unsigned long long)rq->last);
    else if (is_range(rq))
        n += snprintf(req + n, cap - (size_t)n, "Range: bytes=%llu-\r\n", (unsigned long long)rq->from);
    n += snprintf(req + n, cap - (size_t)n, "\r\n");
    return send_all(h, (const uint8_t *)req, (size_t)n);
}

/* Read until the head is complete; leftover body bytes stay in io[*off..*len). */
static int read_head(struct fwd_http *h, size_t *off, size_t *len, struct fwd_http_result *res)
{
    fwd_http_headacc_init(&h->head);
    for (;;) {
        int got = recv_some(h, h->io, sizeof h->io);
        if (got < 0) {
            res->fail.why = got == FW_ERR_TIMEOUT ? timeout_reason(h) : "connection failed";
            return got;
        }
        if (got == 0) {
            res->fail.why = "connection closed before the response head";
            return FW_ERR_NET;
        }
        size_t used;
        int rc = fwd_http_headacc_feed(&h->head, h->io, (size_t)got, &used);
        if (rc < 0) {
            res->fail.why = "response head too large";
            return rc;
        }
        if (rc == 1) {
            *off = used;
            *len = (size_t)got;
            rc = fwd_http_parse_head(h->head.buf, h->head.len, &h->hd);
            if (rc) res->fail.why = "malformed HTTP response head";
            res->status = h->hd.status;
            return rc;
        }
    }
}

/* Check the status/range against the request; sets res->total. */
/* The resource must be the one the caller expects (never mix two images). */
static int check_validator(const struct fwd_http_head *hd, const struct fwd_http_req *rq, struct fwd_http_result *res)
{
    if (rq->expect_etag && rq->expect_etag[0]) {
        res->fail.why = "resource changed between requests (ETag differs)";
        return strcmp(hd->etag, rq->expect_etag) ? FW_ERR_PROTOCOL : FW_OK;
    }
    if (rq->expect_last_modified && rq->expect_last_modified[0]) {
        res->fail.why = "resource changed between requests (Last-Modified differs)";
        return strcmp(hd->last_modified, rq->expect_last_modified) ? FW_ERR_PROTOCOL : FW_OK;
    }
    return FW_OK;
}

static int check_response(struct fwd_http *h, const struct fwd_http_req *rq, struct fwd_http_result *res)
{
    const struct fwd_http_head *hd = &h->hd;
    uint64_t from = rq->from, expect_total = rq->expect_total;
    memcpy(res->etag, hd->etag, sizeof res->etag);
    memcpy(res->last_modified, hd->last_modified, sizeof res->last_modified);
    res->fail.why = "unexpected HTTP status";
    if (hd->status == 416) {
        res->fail.why = "server answered 416 (range not satisfiable)";
        return FW_ERR_PROTOCOL;
    }
    if (!is_range(rq)) {
        if (hd->status != 200) return FW_ERR_PROTOCOL;
        res->total = hd->content_length;
    } else {
        if (hd->status == 206 && hd->has_range && hd->range_total != FWD_HTTP_NO_LENGTH &&
            expect_total != FWD_HTTP_NO_LENGTH && hd->range_total != expect_total) {
            res->fail.why = "resource size changed between requests";
            return FW_ERR_PROTOCOL;
        }
        res->fail.why = "server did not honour the Range request";
        uint64_t want_last = rq->last;
        if (hd->range_total != FWD_HTTP_NO_LENGTH && (want_last == FWD_HTTP_NO_LENGTH || want_last >= hd->range_total))
            want_last = hd->range_total - 1;
        if (hd->status != 206 || !hd->has_range || hd->range_first != from ||
            hd->range_total == FWD_HTTP_NO_LENGTH || hd->range_last != want_last)
            return FW_ERR_PROTOCOL;
        if (hd->content_length != FWD_HTTP_NO_LENGTH && hd->content_length != hd->range_last - hd->range_first + 1)
            return FW_ERR_PROTOCOL;
        res->total = hd->range_total;
    }
    int vrc = check_validator(hd, rq, res);
    if (vrc != FW_OK) return vrc;
    if (expect_total != FWD_HTTP_NO_LENGTH && res->total != FWD_HTTP_NO_LENGTH && res->total != expect_total) {
        res->fail.why = "resource size changed between requests";
        return FW_ERR_PROTOCOL;
    }
    if (res->total != FWD_HTTP_NO_LENGTH && res->total > h->cfg.max_body) {
        res->fail.why = "announced size exceeds the limit";
        return FW_ERR_NO_SPACE;
    }
    return FW_OK;
}

struct counted {
    fwd_http_sink sink;
    void *ctx;
    struct fwd_http_result *res;
};
static int counted_sink(void *ctx, const uint8_t *p, size_t n)
{
    struct counted *c = ctx;
    int rc = c->sink(c->ctx, p, n);
    if (rc >= 0) c->res->received += n;
    return rc;
}

static int read_body(struct fwd_http *h, uint64_t from, int keep, size_t off, size_t len, struct counted *cs,
                     struct fwd_http_result *res)
{
    struct fwd_http_body b;
    uint64_t cap = h->cfg.max_body - (from < h->cfg.max_body ? from : h->cfg.max_body);
    fwd_http_body_init(&b, &h->hd, cap);
    int rc = fwd_http_body_feed(&b, h->io + off, len - off, counted_sink, cs);
    while (rc == FW_OK && !b.done) {
        int got = recv_some(h, h->io, sizeof h->io);
        if (got == 0) {
            rc = fwd_http_body_eof(&b);
            if (rc == FW_OK) return FW_OK; /* until-close body */
            res->fail.why = "connection closed before the end of the body";
            return FW_ERR_TRUNCATED;
        }
        if (got < 0) {
            res->fail.why = got == FW_ERR_TIMEOUT ? timeout_reason(h) : "connection lost";
            return got;
        }
        rc = fwd_http_body_feed(&b, h->io, (size_t)got, counted_sink, cs);
    }
    if (rc == FW_OK && !keep) {
        /* Body complete: the server must not send anything more (we asked
         * for Connection: close). A short drain catches an over-send. (A
         * kept connection's next bytes are the next response: an over-send
         * shows up there as a malformed head.) */
        int got = recv_some(h, h->io, sizeof h->io);
        if (got > 0) rc = FW_ERR_PROTOCOL;
    }
    if (rc == FW_ERR_PROTOCOL) res->fail.why = "server sent more than it announced or broke HTTP framing";
    else if (rc == FW_ERR_NO_SPACE) res->fail.why = "body exceeds the limit";
    else if (rc != FW_OK && !res->fail.why) res->fail.why = "body rejected";
    return rc;
}

static int redirect(struct fwd_http *h, int tls, struct fwd_http_result *res)
{
    const char *loc = h->hd.location;
    res->fail.why = "bad redirect";
    if (!loc[0]) return FW_ERR_PROTOCOL;
    if (loc[0] == '/') {
        if (strlen(h->host) + strlen(loc) + 20 >= sizeof h->url) return FW_ERR_PROTOCOL;
        int n = snprintf(h->url, sizeof h->url, "%s://%s%s%s:%s", tls ? "https" : "http", V6_OPEN(h), h->host,
                         V6_CLOSE(h), h->port);
        if (n < 0 || (size_t)n + strlen(loc) >= sizeof h->url) return FW_ERR_PROTOCOL;
        memcpy(h->url + n, loc, strlen(loc) + 1);
    } else {
        if (strlen(loc) >= sizeof h->url) return FW_ERR_PROTOCOL;
        strcpy(h->url, loc);
    }
    return FW_OK;
}

/* Request + response head on the open connection. */
static int exchange(struct fwd_http *h, const struct fwd_http_req *rq, size_t *off, size_t *len,
                    struct fwd_http_result *res)
{
    /* The request and the whole head: one read timeout each, in total. */
    set_phase(h, FWD_PHASE_REQUEST, h->cfg.read_timeout_ms);
    /* The watchdog runs from the request to the last byte of the body
     * (the handshake has its own, shorter, total deadline). */
    h->wd_on = 1;
    h->win_start = now_ms(h);
    h->win_bytes = 0;
    h->idle_since = 0;
    int rc = send_request(h, rq);
    if (rc != FW_OK) {
        res->fail.why = rc == FW_ERR_TIMEOUT ? timeout_reason(h) : "cannot send the request";
        return rc;
    }
    set_phase(h, FWD_PHASE_HEAD, h->cfg.read_timeout_ms);
    return read_head(h, off, len, res);
}

/* A connection for this request: the kept-alive one if it goes to the same
 * place, else a new one. */
static int open_for(struct fwd_http *h, int tls, const char *key, int *reused, struct fwd_http_result *res)
{
    *reused = h->connected && h->conn_key[0] && !strcmp(h->conn_key, key);
    if (*reused) return FW_OK;
    disconnect(h);
    int rc = connect_to(h, tls, res);
    if (rc == FW_OK && h->cfg.on_connected) h->cfg.on_connected(h->cfg.ev_ctx, h->host, tls);
    return rc;
}

static int http_get(struct fwd_http *h, const char *url, const struct fwd_http_req *rq, fwd_http_sink sink,
                    void *ctx, struct fwd_http_result *res)
{
    if (!res) return FW_ERR_INVALID_ARG;
    memset(res, 0, sizeof *res);
    res->total = FWD_HTTP_NO_LENGTH;
    res->fail.why = "invalid argument";
    if (!h || !h->conf_ready || !url || !rq || !sink || strlen(url) >= sizeof h->url) return FW_ERR_INVALID_ARG;
    if (rq->last != FWD_HTTP_NO_LENGTH && rq->last < rq->from) return FW_ERR_INVALID_ARG;
    strcpy(h->url, url);
    struct counted cs = { sink, ctx, res };
    int first_tls = -1;
    for (;;) {
        int tls;
        int rc = fwd_http_parse_url(h->url, &tls, h->host, sizeof h->host, h->port, h->path, sizeof h->path);
        if (rc) {
            disconnect(h);
            res->fail.why = "unsupported URL";
            return rc;
        }
        if (first_tls < 0) first_tls = tls;
        if (!tls && !h->cfg.allow_http) {
            disconnect(h);
            res->fail.why = first_tls ? "redirect from https to http refused" : "plain http refused (use https)";
            return FW_ERR_UNSUPPORTED;
        }
        char key[sizeof h->conn_key];
        snprintf(key, sizeof key, "%d %s %s", tls, h->host, h->port);
        size_t off = 0, len = 0;
        int reused = 0;
        for (int pass = 0;; pass++) {
            rc = open_for(h, tls, key, &reused, res);
            if (rc == FW_OK) rc = exchange(h, rq, &off, &len, res);
            /* A kept connection the server closed while idle: once more on a new one. */
            if (rc == FW_ERR_NET && reused && pass == 0) {
                disconnect(h);
                continue;
            }
            break;
        }
        res->reused = reused;
        if (rc == FW_OK) set_phase(h, FWD_PHASE_BODY, 0); /* per-read timeout + watchdog */
        if (rc == FW_OK && h->hd.status >= 300 && h->hd.status < 400 && h->hd.status != 304) {
            disconnect(h);
            if (res->redirects >= h->cfg.max_redirects) {
                res->fail.why = "too many redirects";
                return FW_ERR_PROTOCOL;
            }
            res->redirects++;
            if ((rc = redirect(h, tls, res)) != FW_OK) return rc;
            continue;
        }
        int keep = rq->keep_alive && !h->hd.conn_close &&
                   (h->hd.chunked || h->hd.content_length != FWD_HTTP_NO_LENGTH);
        if (rc == FW_OK) rc = check_response(h, rq, res);
        if (rc == FW_OK && h->cfg.on_response) h->cfg.on_response(h->cfg.ev_ctx, res);
        if (rc == FW_OK) rc = read_body(h, rq->from, keep, off, len, &cs, res);
        if (rc == FW_OK && keep) strcpy(h->conn_key, key);
        else disconnect(h);
        if (rc == FW_OK) res->fail.why = "ok";
        return rc;
    }
}

int fwd_http_request(struct fwd_http *h, const char *url, const struct fwd_http_req *rq, fwd_http_sink sink,
                     void *ctx, struct fwd_http_result *res)
{
    int rc = http_get(h, url, rq, sink, ctx, res);
    if (res) res->fail.code = (enum fw_err)rc; /* the reason travels with its code */
    return rc;
}

int fwd_http_get(struct fwd_http *h, const char *url, uint64_t from, uint64_t expect_total,
                 fwd_http_sink sink, void *ctx, struct fwd_http_result *res)
{
    struct fwd_http_req rq = { .from = from, .last = FWD_HTTP_NO_LENGTH, .expect_total = expect_total };
    return fwd_http_request(h, url, &rq, sink, ctx, res);
}
