/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP client's byte ranges, validators and kept-alive connections
 * (issue 15), against a scripted server behind the carrier seam
 * (fwd_stream.h): FROM-LAST Range requests, one connection for several
 * requests, one transparent reconnect when the server closed an idle
 * connection, a changed ETag / Last-Modified refused before any body byte,
 * 416 and 200-for-a-Range named. */
#include "testutil.h"

#include "device/fwd_http.h"
#include "device/port/sim/fwd_sim.h"
#include "fw_err.h"

/* ---- a scripted server ---------------------------------------------------------- */

struct script {
    const char *resp[8];      /* one response per request, in order */
    int close_after[8];       /* the server closes the connection after that response */
    int die_on_next_send;     /* the kept connection was closed while idle: the next send fails */
    unsigned nresp, next;
    unsigned opens, closes;
    char req[8][512];         /* the requests as received */
    size_t reqlen;
    const char *out;          /* response bytes not yet read */
    int closed;               /* orderly close once out is drained */
};

static long fake_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)timeout_ms;
    struct script *s = ctx;
    if (s->out && *s->out) {
        size_t k = strlen(s->out);
        if (k > n) k = n;
        memcpy(buf, s->out, k);
        s->out += k;
        return (long)k;
    }
    return s->closed ? 0 : FW_ERR_TIMEOUT;
}

static long fake_send(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)timeout_ms;
    struct script *s = ctx;
    if (s->die_on_next_send) {
        s->die_on_next_send = 0;
        return FW_ERR_NET;
    }
    assert_true(s->next < 8 && s->reqlen + n < sizeof s->req[0]);
    memcpy(s->req[s->next] + s->reqlen, buf, n);
    s->reqlen += n;
    s->req[s->next][s->reqlen] = 0;
    if (strstr(s->req[s->next], "\r\n\r\n")) { /* a whole request: answer it */
        assert_true(s->next < s->nresp);
        s->out = s->resp[s->next];
        s->closed = s->close_after[s->next];
        s->next++;
        s->reqlen = 0;
    }
    return (long)n;
}

static int fake_open(void *ctx, const char *host, const char *port, uint32_t timeout_ms, struct fwd_stream *out)
{
    (void)host, (void)port, (void)timeout_ms;
    struct script *s = ctx;
    s->opens++;
    s->out = NULL;
    s->closed = 0;
    *out = (struct fwd_stream){ fake_recv, fake_send, s };
    return FW_OK;
}

static void fake_close(void *ctx) { ((struct script *)ctx)->closes++; }

static struct fwd_random rng;
static struct fwd_time clk;
static struct fwd_http h;
static struct fwd_carrier car;

static void client(struct script *s)
{
    car = (struct fwd_carrier){ fake_open, fake_close, s };
    struct fwd_http_cfg cfg = { .rng = &rng, .time = &clk, .allow_http = 1, .read_timeout_ms = 200, .carrier = &car };
    assert_int_equal(fwd_http_init(&h, &cfg), FW_OK);
}

struct got {
    char buf[256];
    size_t n;
};
static int sink(void *ctx, const uint8_t *p, size_t n)
{
    struct got *g = ctx;
    assert_true(g->n + n < sizeof g->buf);
    memcpy(g->buf + g->n, p, n);
    g->n += n;
    return 0;
}

#define URL "http://fw.example/app.enc"

/* ---- tests ------------------------------------------------------------------------ */

static void pieces_over_one_connection(void **state)
{
    (void)state;
    struct script s = {
        .resp = { "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-3/10\r\nContent-Length: 4\r\nETag: \"e1\"\r\n\r\nABCD",
                  "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4-7/10\r\nContent-Length: 4\r\nETag: \"e1\"\r\n\r\nEFGH",
                  "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 8-9/10\r\nContent-Length: 2\r\nETag: \"e1\"\r\n\r\nIJ" },
        .nresp = 3,
    };
    client(&s);
    struct got g = { .n = 0 };
    struct fwd_http_result res;
    struct fwd_http_req rq = { .from = 0, .last = 3, .expect_total = FWD_HTTP_NO_LENGTH, .keep_alive = 1 };
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_OK);
    assert_int_equal(res.total, 10);
    assert_string_equal(res.etag, "\"e1\"");
    assert_false(res.reused);
    rq = (struct fwd_http_req){ .from = 4, .last = 7, .expect_total = 10, .expect_etag = "\"e1\"", .keep_alive = 1 };
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_OK);
    assert_true(res.reused);
    /* the last piece asks past the end: the server's shorter range is the end */
    rq = (struct fwd_http_req){ .from = 8, .last = 11, .expect_total = 10, .expect_etag = "\"e1\"", .keep_alive = 1 };
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_OK);
    assert_int_equal(g.n, 10);
    assert_memory_equal(g.buf, "ABCDEFGHIJ", 10);
    assert_int_equal(s.opens, 1);
    assert_non_null(strstr(s.req[0], "Range: bytes=0-3\r\n"));
    assert_non_null(strstr(s.req[0], "Connection: keep-alive\r\n"));
    assert_non_null(strstr(s.req[2], "Range: bytes=8-11\r\n"));
    fwd_http_free(&h);
    assert_int_equal(s.closes, 1);
}

static void reconnect_only_when_closed(void **state)
{
    (void)state;
    struct script s = {
        .resp = { "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-1/4\r\nContent-Length: 2\r\nConnection: close\r\n\r\nAB",
                  "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 2-2/4\r\nContent-Length: 1\r\n\r\nC",
                  "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 3-3/4\r\nContent-Length: 1\r\n\r\nD" },
        .close_after = { 1, 0, 0 },
        .nresp = 3,
    };
    client(&s);
    struct got g = { .n = 0 };
    struct fwd_http_result res;
    struct fwd_http_req rq = { .from = 0, .last = 1, .expect_total = 4, .keep_alive = 1 };
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_OK);
    rq.from = 2, rq.last = 2; /* "Connection: close" before: a new connection */
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_OK);
    assert_int_equal(s.opens, 2);
    assert_false(res.reused);
    s.die_on_next_send = 1;   /* the server dropped the idle connection meanwhile */
    rq.from = 3, rq.last = 3;
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_OK);
    assert_int_equal(s.opens, 3);
    assert_memory_equal(g.buf, "ABCD", 4);
    fwd_http_free(&h);
}

static void changed_resource_refused_before_the_body(void **state)
{
    (void)state;
    struct script s = {
        .resp = { "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 6\r\nETag: \"e2\"\r\n\r\nXXXXXX",
                  "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 6\r\nLast-Modified: Sat\r\n\r\nXXXXXX",
                  "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n\r\n",
                  "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nETag: \"e1\"\r\n\r\nABCDEFGHIJ",
                  "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4-9/11\r\nContent-Length: 6\r\nETag: \"e1\"\r\n\r\nXXXXXX" },
        .nresp = 5,
    };
    client(&s);
    struct got g = { .n = 0 };
    struct fwd_http_result res;
    struct fwd_http_req rq = { .from = 4, .last = FWD_HTTP_NO_LENGTH, .expect_total = 10, .expect_etag = "\"e1\"" };
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_ERR_PROTOCOL);
    assert_non_null(strstr(res.fail.why, "ETag"));
    rq.expect_etag = NULL;
    rq.expect_last_modified = "Fri";
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_ERR_PROTOCOL);
    assert_non_null(strstr(res.fail.why, "Last-Modified"));
    rq.expect_last_modified = NULL;
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_ERR_PROTOCOL);
    assert_non_null(strstr(res.fail.why, "416"));
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_ERR_PROTOCOL);
    assert_non_null(strstr(res.fail.why, "Range"));
    assert_int_equal(fwd_http_request(&h, URL, &rq, sink, &g, &res), FW_ERR_PROTOCOL);
    assert_non_null(strstr(res.fail.why, "size changed"));
    assert_int_equal(g.n, 0); /* not one body byte of another resource */
    fwd_http_free(&h);
}

int main(void)
{
    fwd_sim_random_hal(&rng);
    fwd_sim_time_hal(&clk);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pieces_over_one_connection),
        cmocka_unit_test(reconnect_only_when_closed),
        cmocka_unit_test(changed_resource_refused_before_the_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
