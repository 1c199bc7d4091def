/* SPDX-License-Identifier: Apache-2.0 */
/* Drive the device HTTPS client (device/fwd_http) from the shell.
 *
 *   http_get URL [--ca CA.pem] [--from N] [--expect-total N] [--timeout-ms N] [--connect-timeout-ms N]
 *            [--window-ms N --min-bytes N] [--redirects N] [--allow-http] [--max N] [--tap]
 *
 * --tap: connections come from a carrier of this program (fwd_stream.h) that
 * wraps the TCP one and watches every byte the TLS/HTTP client sends and
 * receives through it; it reports on stderr:
 *   http_get: tap opened=N sent=S received=R plain_request_seen=0|1
 * (plain_request_seen: a cleartext "GET " went through the tap).
 *
 * Body bytes go to stdout; one summary line goes to stderr:
 *   http_get: rc=<fw_err> (<strerror>) status=S total=T received=R redirects=K why=<reason>
 * Exit 0 on success, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device/fwd_http.h"
#include "device/port/sim/fwd_sim.h"
#include "fw_err.h"

/* ---- --tap: a carrier of our own around the TCP carrier ---------------------- */

struct tap {
    struct fwd_sock_carrier tcp_ctx;
    struct fwd_carrier tcp;
    struct fwd_stream inner;
    unsigned opened;
    unsigned long long sent, received;
    int plain_request_seen;
};

static long tap_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    struct tap *t = ctx;
    long r = t->inner.recv(t->inner.ctx, buf, n, timeout_ms);
    if (r > 0) t->received += (unsigned long long)r;
    return r;
}

static long tap_send(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    struct tap *t = ctx;
    if (n >= 4 && !memcmp(buf, "GET ", 4)) t->plain_request_seen = 1;
    long r = t->inner.send(t->inner.ctx, buf, n, timeout_ms);
    if (r > 0) t->sent += (unsigned long long)r;
    return r;
}

static int tap_open(void *ctx, const char *host, const char *port, uint32_t timeout_ms, struct fwd_stream *out)
{
    struct tap *t = ctx;
    int rc = t->tcp.open(t->tcp.ctx, host, port, timeout_ms, &t->inner);
    if (rc != FW_OK) return rc;
    t->opened++;
    *out = (struct fwd_stream){ tap_recv, tap_send, t };
    return FW_OK;
}

static void tap_close(void *ctx)
{
    struct tap *t = ctx;
    t->tcp.close(t->tcp.ctx);
}

static int out_sink(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    return fwrite(p, 1, n, stdout) == n ? 0 : FW_ERR_IO;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static uint8_t buf[65536];
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[(*len)++] = 0; /* PEM: the NUL counts */
    return buf;
}

int main(int argc, char **argv)
{
    static struct fwd_http h;
    struct fwd_random rng;
    struct fwd_time tm;
    fwd_sim_random_hal(&rng);
    fwd_sim_time_hal(&tm);
    struct fwd_http_cfg cfg = { .rng = &rng, .time = &tm, .max_redirects = 3 };
    const char *url = NULL;
    uint64_t from = 0, expect = FWD_HTTP_NO_LENGTH;
    static struct tap tap;
    struct fwd_carrier tap_carrier = { tap_open, tap_close, &tap };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--allow-http")) { cfg.allow_http = 1; continue; }
        if (!strcmp(a, "--tap")) {
            tap.tcp = fwd_sock_carrier(&tap.tcp_ctx, &tm);
            cfg.carrier = &tap_carrier;
            continue;
        }
        if (a[0] != '-') { url = a; continue; }
        if (!v) { fprintf(stderr, "http_get: %s needs a value\n", a); return 2; }
        i++;
        if (!strcmp(a, "--ca")) {
            cfg.ca_pem = slurp(v, &cfg.ca_pem_len);
            if (!cfg.ca_pem) { fprintf(stderr, "http_get: cannot read %s\n", v); return 3; }
        } else if (!strcmp(a, "--from")) from = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--expect-total")) expect = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--timeout-ms")) cfg.read_timeout_ms = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--connect-timeout-ms")) cfg.connect_timeout_ms = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--window-ms")) cfg.watchdog_window_ms = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--min-bytes")) cfg.watchdog_min_bytes = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--redirects")) cfg.max_redirects = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--max")) cfg.max_body = strtoull(v, NULL, 0);
        else { fprintf(stderr, "http_get: unknown option %s\n", a); return 2; }
    }
    if (!url) { fprintf(stderr, "usage: http_get URL [--ca CA.pem] [options]\n"); return 2; }
    int rc = fwd_http_init(&h, &cfg);
    struct fwd_http_result res = { .fail = { .code = FW_ERR_INVALID_ARG, .why = "init failed" } };
    if (rc == 0) rc = fwd_http_get(&h, url, from, expect, out_sink, NULL, &res);
    fflush(stdout);
    fprintf(stderr, "http_get: rc=%d (%s) status=%d total=%lld received=%llu redirects=%u why=%s\n", rc,
            fw_strerror(rc), res.status, res.total == FWD_HTTP_NO_LENGTH ? -1LL : (long long)res.total,
            (unsigned long long)res.received, res.redirects, res.fail.why);
    if (cfg.carrier)
        fprintf(stderr, "http_get: tap opened=%u sent=%llu received=%llu plain_request_seen=%d\n", tap.opened, tap.sent,
                tap.received, tap.plain_request_seen);
    fwd_http_free(&h);
    return rc == 0 ? 0 : 1;
}
