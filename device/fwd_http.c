/* HTTPS GET client with pinned CA, redirects, Range resume and a throughput
 * watchdog (see fwd_http.h). */
#include "device/fwd_http.h"

#include <stdio.h>
#include <string.h>

#include <mbedtls/error.h>

#include "fw_err.h"

/* ---- URL ------------------------------------------------------------------ */

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
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
    while (host_char(p[hl])) hl++;
    if (hl == 0 || hl >= hostsz || hl > 255) return FW_ERR_UNSUPPORTED; /* also rejects '[' and '@' */
    memcpy(host, p, hl);
    host[hl] = 0;
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

int fwd_http_retryable(int err) { return err == FW_ERR_NET || err == FW_ERR_TIMEOUT || err == FW_ERR_TRUNCATED; }

/* ---- setup ---------------------------------------------------------------- */

static int rng_adapter(void *p, unsigned char *buf, size_t len)
{
    const struct fwd_random *r = p;
    return r->fill(r->ctx, buf, len) == 0 ? 0 : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

int fwd_http_init(struct fwd_http *h, const struct fwd_http_cfg *cfg)
{
    if (!h || !cfg || !cfg->rng || !cfg->time) return FW_ERR_INVALID_ARG;
    memset(h, 0, sizeof *h);
    h->cfg = *cfg;
    if (!h->cfg.read_timeout_ms) h->cfg.read_timeout_ms = 10000;
    if (!h->cfg.watchdog_window_ms) h->cfg.watchdog_window_ms = 2 * h->cfg.read_timeout_ms;
    if (!h->cfg.watchdog_min_bytes) h->cfg.watchdog_min_bytes = 1024;
    if (!h->cfg.max_body) h->cfg.max_body = FWD_HTTP_NO_LENGTH;
    mbedtls_net_init(&h->net);
    mbedtls_ssl_init(&h->ssl);
    mbedtls_ssl_config_init(&h->conf);
    mbedtls_x509_crt_init(&h->ca);
    h->conf_ready = 1;
    if (cfg->ca_pem && cfg->ca_pem_len) {
        /* PEM: the terminating NUL must be inside ca_pem_len (mbedTLS rule). */
        int rc = mbedtls_x509_crt_parse(&h->ca, cfg->ca_pem, cfg->ca_pem_len);
        if (rc != 0) return FW_ERR_KEY; /* rc > 0: some certificates failed: refuse all */
    }
    if (mbedtls_ssl_config_defaults(&h->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return FW_ERR_CRYPTO;
    mbedtls_ssl_conf_authmode(&h->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&h->conf, &h->ca, NULL);
    mbedtls_ssl_conf_min_version(&h->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_rng(&h->conf, rng_adapter, (void *)h->cfg.rng);
    mbedtls_ssl_conf_read_timeout(&h->conf, h->cfg.read_timeout_ms);
    return FW_OK;
}

static void disconnect(struct fwd_http *h)
{
    if (h->tls_live) {
        mbedtls_ssl_close_notify(&h->ssl);
        mbedtls_ssl_free(&h->ssl);
        mbedtls_ssl_init(&h->ssl);
    }
    if (h->net_live) {
        mbedtls_net_free(&h->net);
        mbedtls_net_init(&h->net);
    }
    h->tls_live = h->net_live = 0;
}

void fwd_http_free(struct fwd_http *h)
{
    if (!h || !h->conf_ready) return;
    disconnect(h);
    mbedtls_ssl_free(&h->ssl);
    mbedtls_ssl_config_free(&h->conf);
    mbedtls_x509_crt_free(&h->ca);
    h->conf_ready = 0;
}

/* ---- connection I/O --------------------------------------------------------- */

static int connect_to(struct fwd_http *h, int tls, struct fwd_http_result *res)
{
    if (mbedtls_net_connect(&h->net, h->host, h->port, MBEDTLS_NET_PROTO_TCP) != 0) {
        res->why = "cannot connect";
        return FW_ERR_NET;
    }
    h->net_live = 1;
    if (!tls) return FW_OK;
    if (!h->cfg.ca_pem || !h->cfg.ca_pem_len) {
        res->why = "https needs a pinned CA";
        return FW_ERR_INVALID_ARG;
    }
    if (mbedtls_ssl_setup(&h->ssl, &h->conf) != 0 || mbedtls_ssl_set_hostname(&h->ssl, h->host) != 0) {
        res->why = "TLS setup failed";
        return FW_ERR_CRYPTO;
    }
    h->tls_live = 1;
    mbedtls_ssl_set_bio(&h->ssl, &h->net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
    int rc;
    while ((rc = mbedtls_ssl_handshake(&h->ssl)) != 0) {
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        res->verify_flags = mbedtls_ssl_get_verify_result(&h->ssl);
        if (rc == MBEDTLS_ERR_SSL_TIMEOUT) {
            res->why = "TLS handshake timed out";
            return FW_ERR_TIMEOUT;
        }
        if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
            res->why = (res->verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) &&
                               !(res->verify_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
                           ? "server certificate does not match the host name"
                           : "server certificate not trusted by the pinned CA";
        } else {
            res->why = "TLS handshake failed";
        }
        return FW_ERR_TLS;
    }
    return FW_OK;
}

static int send_all(struct fwd_http *h, const uint8_t *p, size_t n)
{
    while (n > 0) {
        int rc = h->tls_live ? mbedtls_ssl_write(&h->ssl, p, n) : mbedtls_net_send(&h->net, p, n);
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        if (rc <= 0) return FW_ERR_NET;
        p += rc;
        n -= (size_t)rc;
    }
    return FW_OK;
}

/* One read: >0 bytes, 0 on orderly close, or a negative fw_err. */
static int recv_some(struct fwd_http *h, uint8_t *buf, size_t n)
{
    for (;;) {
        int rc = h->tls_live ? mbedtls_ssl_read(&h->ssl, buf, n)
                             : mbedtls_net_recv_timeout(&h->net, buf, n, h->cfg.read_timeout_ms);
        if (rc > 0) return rc;
        if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return 0;
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        if (rc == MBEDTLS_ERR_SSL_TIMEOUT) return FW_ERR_TIMEOUT;
        return FW_ERR_NET;
    }
}

/* Throughput watchdog: called after every read attempt. */
static int watchdog(struct fwd_http *h, size_t got, struct fwd_http_result *res)
{
    uint64_t now = h->cfg.time->now_ms(h->cfg.time->ctx);
    h->win_bytes += got;
    if (now - h->win_start < h->cfg.watchdog_window_ms) return FW_OK;
    if (h->win_bytes < h->cfg.watchdog_min_bytes) {
        res->why = "transfer too slow (throughput watchdog)";
        return FW_ERR_TIMEOUT;
    }
    h->win_start = now;
    h->win_bytes = 0;
    return FW_OK;
}

/* ---- one request -------------------------------------------------------------- */

/* The request is formatted in the (not yet used) head buffer: no stack copy. */
static int send_request(struct fwd_http *h, uint64_t from)
{
    char *req = h->head.buf;
    size_t cap = sizeof h->head.buf;
    int n = snprintf(req, cap,
                     "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: fwseal-device\r\n"
                     "Accept-Encoding: identity\r\nConnection: close\r\n",
                     h->path, h->host, h->port);
    if (n < 0 || (size_t)n >= cap - 64) return FW_ERR_INVALID_ARG;
    if (from > 0) n += snprintf(req + n, cap - (size_t)n, "Range: bytes=%llu-\r\n", (unsigned long long)from);
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
            res->why = got == FW_ERR_TIMEOUT ? "timed out waiting for the response" : "connection failed";
            return got;
        }
        if (got == 0) {
            res->why = "connection closed before the response head";
            return FW_ERR_NET;
        }
        int rc = watchdog(h, 0, res);
        if (rc) return rc;
        size_t used;
        rc = fwd_http_headacc_feed(&h->head, h->io, (size_t)got, &used);
        if (rc < 0) {
            res->why = "response head too large";
            return rc;
        }
        if (rc == 1) {
            *off = used;
            *len = (size_t)got;
            rc = fwd_http_parse_head(h->head.buf, h->head.len, &h->hd);
            if (rc) res->why = "malformed HTTP response head";
            res->status = h->hd.status;
            return rc;
        }
    }
}

/* Check the status/range against the request; sets res->total. */
static int check_response(struct fwd_http *h, uint64_t from, uint64_t expect_total, struct fwd_http_result *res)
{
    const struct fwd_http_head *hd = &h->hd;
    res->why = "unexpected HTTP status";
    if (from == 0) {
        if (hd->status != 200) return FW_ERR_PROTOCOL;
        res->total = hd->content_length;
    } else {
        res->why = "server did not honour the Range request";
        if (hd->status != 206 || !hd->has_range || hd->range_first != from ||
            hd->range_total == FWD_HTTP_NO_LENGTH || hd->range_last + 1 != hd->range_total)
            return FW_ERR_PROTOCOL;
        if (hd->content_length != FWD_HTTP_NO_LENGTH && hd->content_length != hd->range_last - hd->range_first + 1)
            return FW_ERR_PROTOCOL;
        res->total = hd->range_total;
    }
    if (expect_total != FWD_HTTP_NO_LENGTH && res->total != FWD_HTTP_NO_LENGTH && res->total != expect_total) {
        res->why = "resource size changed between requests";
        return FW_ERR_PROTOCOL;
    }
    if (res->total != FWD_HTTP_NO_LENGTH && res->total > h->cfg.max_body) {
        res->why = "announced size exceeds the limit";
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

static int read_body(struct fwd_http *h, uint64_t from, size_t off, size_t len, struct counted *cs,
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
            res->why = "connection closed before the end of the body";
            return FW_ERR_TRUNCATED;
        }
        if (got < 0) {
            res->why = got == FW_ERR_TIMEOUT ? "read timed out" : "connection lost";
            return got;
        }
        if ((rc = watchdog(h, (size_t)got, res)) != FW_OK) return rc;
        rc = fwd_http_body_feed(&b, h->io, (size_t)got, counted_sink, cs);
    }
    if (rc == FW_OK) {
        /* Body complete: the server must not send anything more (we asked
         * for Connection: close). A short drain catches an over-send. */
        int got = recv_some(h, h->io, sizeof h->io);
        if (got > 0) rc = FW_ERR_PROTOCOL;
    }
    if (rc == FW_ERR_PROTOCOL) res->why = "server sent more than it announced or broke HTTP framing";
    else if (rc == FW_ERR_NO_SPACE) res->why = "body exceeds the limit";
    else if (rc != FW_OK && !res->why) res->why = "body rejected";
    return rc;
}

static int redirect(struct fwd_http *h, int tls, struct fwd_http_result *res)
{
    const char *loc = h->hd.location;
    res->why = "bad redirect";
    if (!loc[0]) return FW_ERR_PROTOCOL;
    if (loc[0] == '/') {
        if (strlen(h->host) + strlen(loc) + 20 >= sizeof h->url) return FW_ERR_PROTOCOL;
        int n = snprintf(h->url, sizeof h->url, "%s://%s:%s", tls ? "https" : "http", h->host, h->port);
        if (n < 0 || (size_t)n + strlen(loc) >= sizeof h->url) return FW_ERR_PROTOCOL;
        memcpy(h->url + n, loc, strlen(loc) + 1);
    } else {
        if (strlen(loc) >= sizeof h->url) return FW_ERR_PROTOCOL;
        strcpy(h->url, loc);
    }
    return FW_OK;
}

int fwd_http_get(struct fwd_http *h, const char *url, uint64_t from, uint64_t expect_total,
                 fwd_http_sink sink, void *ctx, struct fwd_http_result *res)
{
    if (!res) return FW_ERR_INVALID_ARG;
    memset(res, 0, sizeof *res);
    res->total = FWD_HTTP_NO_LENGTH;
    res->why = "invalid argument";
    if (!h || !h->conf_ready || !url || !sink || strlen(url) >= sizeof h->url) return FW_ERR_INVALID_ARG;
    strcpy(h->url, url);
    struct counted cs = { sink, ctx, res };
    int first_tls = -1;
    for (;;) {
        int tls;
        int rc = fwd_http_parse_url(h->url, &tls, h->host, sizeof h->host, h->port, h->path, sizeof h->path);
        if (rc) {
            res->why = "unsupported URL";
            return rc;
        }
        if (first_tls < 0) first_tls = tls;
        if (!tls && !h->cfg.allow_http) {
            res->why = first_tls ? "redirect from https to http refused" : "plain http refused (use https)";
            return FW_ERR_UNSUPPORTED;
        }
        h->win_start = h->cfg.time->now_ms(h->cfg.time->ctx);
        h->win_bytes = 0;
        rc = connect_to(h, tls, res);
        if (rc == FW_OK && h->cfg.on_connected) h->cfg.on_connected(h->cfg.ev_ctx, h->host, tls);
        if (rc == FW_OK && (rc = send_request(h, from)) != FW_OK) res->why = "cannot send the request";
        size_t off = 0, len = 0;
        if (rc == FW_OK) rc = read_head(h, &off, &len, res);
        if (rc == FW_OK && h->hd.status >= 300 && h->hd.status < 400 && h->hd.status != 304) {
            disconnect(h);
            if (res->redirects >= h->cfg.max_redirects) {
                res->why = "too many redirects";
                return FW_ERR_PROTOCOL;
            }
            res->redirects++;
            if ((rc = redirect(h, tls, res)) != FW_OK) return rc;
            continue;
        }
        if (rc == FW_OK) rc = check_response(h, from, expect_total, res);
        if (rc == FW_OK) rc = read_body(h, from, off, len, &cs, res);
        disconnect(h);
        if (rc == FW_OK) res->why = "ok";
        return rc;
    }
}
