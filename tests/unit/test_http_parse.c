/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP response parser and body decoder fed hostile input. */
#include "testutil.h"

#include "device/fwd_http.h"
#include "device/fwd_http_parse.h"
#include "fw_err.h"

static int head(const char *s, struct fwd_http_head *h) { return fwd_http_parse_head(s, strlen(s), h); }

static void status_lines(void **state)
{
    (void)state;
    struct fwd_http_head h;
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", &h), 0);
    assert_int_equal(h.status, 200);
    assert_int_equal(h.content_length, 5);
    assert_int_equal(head("HTTP/1.0 404\r\n\r\n", &h), 0);
    assert_int_equal(h.status, 404);
    assert_int_equal(h.content_length, FWD_HTTP_NO_LENGTH);
    static const char *bad[] = {
        "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n",
        "HTTP/1.1 600 x\r\n\r\n", "http/1.1 200 OK\r\n\r\n", "HTTP/1.1 2a0 OK\r\n\r\n", "HTTP/1.2 200 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n", "\r\n\r\n", "HTTP/1.1 200 OK\n\r\n\r\n", "HTTP/1.1 200 OK\r\nX\0: y\r\n\r\n",
        "HTTP/1.1 200 O\x01K\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "HTTP/1.1 200 OK\r\n: v\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "HTTP/1.1 200 OK\r\nName : v\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: b\rX\r\n\r\n", "HTTP/1.1 200 OK\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (head(bad[i], &h) != FW_ERR_PROTOCOL) fail_msg("accepted bad head #%zu", i);
    }
    /* embedded NUL: length-based, not string-based */
    static const char nul[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
    assert_int_equal(fwd_http_parse_head(nul, sizeof nul - 1, &h), FW_ERR_PROTOCOL);
}

static void lengths(void **state)
{
    (void)state;
    struct fwd_http_head h;
    assert_int_equal(head("HTTP/1.1 200 OK\r\ncontent-LENGTH:   9007199254740992  \r\n\r\n", &h), 0);
    assert_int_equal(h.content_length, 9007199254740992ull);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 9007199254740993\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", &h),
                     FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &h), 0);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", &h),
                     FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", &h), FW_ERR_UNSUPPORTED);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n", &h), 0);
    assert_int_equal(h.chunked, 1);
}

static void ranges(void **state)
{
    (void)state;
    struct fwd_http_head h;
    assert_int_equal(head("HTTP/1.1 206 Partial\r\nContent-Range: bytes 100-199/200\r\nContent-Length: 100\r\n\r\n",
                          &h), 0);
    assert_int_equal(h.has_range, 1);
    assert_int_equal(h.range_first, 100);
    assert_int_equal(h.range_last, 199);
    assert_int_equal(h.range_total, 200);
    assert_int_equal(head("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/*\r\n\r\n", &h), 0);
    assert_int_equal(h.range_total, FWD_HTTP_NO_LENGTH);
    static const char *bad[] = {
        "bytes 100-199/199", "bytes 200-100/300", "bytes -1-5/6", "bytes 1-/5", "items 0-1/2", "bytes 0-1/2x",
        "bytes  0-1/2", "bytes 0-1", "bytes 0-99999999999999999999/1", "bytes */100",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[256];
        snprintf(buf, sizeof buf, "HTTP/1.1 206 P\r\nContent-Range: %s\r\n\r\n", bad[i]);
        if (head(buf, &h) != FW_ERR_PROTOCOL) fail_msg("accepted range '%s'", bad[i]);
    }
}

static void location_and_size(void **state)
{
    (void)state;
    struct fwd_http_head h;
    assert_int_equal(head("HTTP/1.1 302 Found\r\nLocation: https://x/y\r\n\r\n", &h), 0);
    assert_string_equal(h.location, "https://x/y");
    char *big = malloc(FWD_HTTP_HEAD_MAX + 64);
    int n = snprintf(big, FWD_HTTP_HEAD_MAX, "HTTP/1.1 302 F\r\nLocation: /");
    memset(big + n, 'a', FWD_HTTP_URL_MAX);
    strcpy(big + n + FWD_HTTP_URL_MAX, "\r\n\r\n");
    assert_int_equal(head(big, &h), FW_ERR_PROTOCOL);
    /* head accumulator: bounded, finds the end across split feeds */
    static struct fwd_http_headacc a;
    fwd_http_headacc_init(&a);
    size_t used;
    const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    for (size_t i = 0; i < strlen(r); i++) {
        int rc = fwd_http_headacc_feed(&a, (const uint8_t *)r + i, 1, &used);
        if (rc == 1) {
            assert_int_equal(i, strlen(r) - 4);
            break;
        }
        assert_int_equal(rc, 0);
    }
    assert_int_equal(fwd_http_parse_head(a.buf, a.len, &h), 0);
    fwd_http_headacc_init(&a);
    memset(big, 'A', FWD_HTTP_HEAD_MAX + 64);
    assert_int_equal(fwd_http_headacc_feed(&a, (const uint8_t *)big, FWD_HTTP_HEAD_MAX + 64, &used), FW_ERR_PROTOCOL);
    free(big);
}

struct acc {
    uint8_t buf[4096];
    size_t len;
};
static int acc_sink(void *ctx, const uint8_t *p, size_t n)
{
    struct acc *a = ctx;
    assert_true(a->len + n <= sizeof a->buf);
    memcpy(a->buf + a->len, p, n);
    a->len += n;
    return 0;
}

/* Decode s with every split size; returns feed rc (or eof rc). */
static int body(const char *hd, const char *s, size_t slen, uint64_t max, struct acc *out)
{
    struct fwd_http_head h;
    assert_int_equal(head(hd, &h), 0);
    int first = -100;
    for (size_t split = 1; split <= slen + 1; split++) {
        struct fwd_http_body b;
        struct acc a = { .len = 0 };
        fwd_http_body_init(&b, &h, max);
        int rc = 0;
        for (size_t off = 0; off < slen && !rc; off += split) {
            size_t n = slen - off < split ? slen - off : split;
            rc = fwd_http_body_feed(&b, (const uint8_t *)s + off, n, acc_sink, &a);
        }
        if (!rc) rc = fwd_http_body_eof(&b);
        if (first == -100) {
            first = rc;
            if (out) *out = a;
        } else {
            assert_int_equal(rc, first);
            if (!rc && out) assert_memory_equal(a.buf, out->buf, a.len);
        }
    }
    return first;
}

#define CH "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
#define CL5 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
#define S(x) x, sizeof(x) - 1

static void bodies(void **state)
{
    (void)state;
    struct acc a;
    assert_int_equal(body(CL5, S("hello"), 100, &a), 0);
    assert_int_equal(a.len, 5);
    assert_int_equal(body(CL5, S("hell"), 100, NULL), FW_ERR_TRUNCATED);
    assert_int_equal(body(CL5, S("hello!"), 100, NULL), FW_ERR_PROTOCOL); /* over-send */
    assert_int_equal(body(CL5, S("hello"), 4, NULL), FW_ERR_NO_SPACE);
    assert_int_equal(body(CH, S("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"), 100, &a), 0);
    assert_int_equal(a.len, 11);
    assert_memory_equal(a.buf, "hello world", 11);
    assert_int_equal(body(CH, S("A\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n"), 100, &a), 0);
    assert_int_equal(a.len, 10);
    assert_int_equal(body(CH, S("5\r\nhello\r\n0\r\n\r\nEXTRA"), 100, NULL), FW_ERR_PROTOCOL);
    assert_int_equal(body(CH, S("5\r\nhello\r\n0\r\n"), 100, NULL), FW_ERR_TRUNCATED);
    assert_int_equal(body(CH, S("5\r\nhelloX\r\n0\r\n\r\n"), 100, NULL), FW_ERR_PROTOCOL);
    assert_int_equal(body(CH, S("\r\nhello\r\n"), 100, NULL), FW_ERR_PROTOCOL);
    assert_int_equal(body(CH, S("g\r\n"), 100, NULL), FW_ERR_PROTOCOL);
    assert_int_equal(body(CH, S("5\nhello\r\n0\r\n\r\n"), 100, NULL), FW_ERR_PROTOCOL);
    /* chunk size overflow: 2^64 and beyond, and just over the 2^53 cap */
    assert_int_equal(body(CH, S("10000000000000000\r\n"), UINT64_MAX, NULL), FW_ERR_PROTOCOL);
    assert_int_equal(body(CH, S("FFFFFFFFFFFFFFFFFFFF\r\n"), UINT64_MAX, NULL), FW_ERR_PROTOCOL);
    assert_int_equal(body(CH, S("40000000000000\r\n"), UINT64_MAX, NULL), FW_ERR_PROTOCOL);
    /* big announced chunk: capped by max */
    assert_int_equal(body(CH, S("FFFFFFFF\r\nabcdef"), 3, NULL), FW_ERR_NO_SPACE);
    /* endless chunk extension / trailer lines are bounded */
    char *longext = malloc(2000);
    strcpy(longext, "5;");
    memset(longext + 2, 'x', 1500);
    strcpy(longext + 1502, "\r\nhello\r\n0\r\n\r\n");
    struct fwd_http_head h;
    struct fwd_http_body b;
    assert_int_equal(head(CH, &h), 0);
    fwd_http_body_init(&b, &h, 100);
    assert_int_equal(fwd_http_body_feed(&b, (const uint8_t *)longext, strlen(longext), acc_sink, &a),
                     FW_ERR_PROTOCOL);
    free(longext);
    /* until-close bodies */
    assert_int_equal(body("HTTP/1.1 200 OK\r\n\r\n", S("anything"), 100, &a), 0);
    assert_int_equal(a.len, 8);
    assert_int_equal(body("HTTP/1.1 200 OK\r\n\r\n", S("anything"), 7, NULL), FW_ERR_NO_SPACE);
}

/* Validators and keep-alive (issue 15): taken as sent, bounded, once. */
static void validators_and_connection(void **state)
{
    (void)state;
    struct fwd_http_head h;
    assert_int_equal(head("HTTP/1.1 206 Partial\r\nETag: \"5f-1a2b\"\r\nLast-Modified: Fri, 04 Dec 2026 16:00:00 GMT\r\n\r\n", &h), 0);
    assert_string_equal(h.etag, "\"5f-1a2b\"");
    assert_string_equal(h.last_modified, "Fri, 04 Dec 2026 16:00:00 GMT");
    assert_false(h.conn_close);
    assert_int_equal(head("HTTP/1.1 200 OK\r\netag: W/\"x\"\r\n\r\n", &h), 0);
    assert_string_equal(h.etag, "W/\"x\"");
    assert_int_equal(h.last_modified[0], 0);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n", &h), 0);
    assert_true(h.conn_close);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nConnection: closed\r\n\r\n", &h), 0);
    assert_false(h.conn_close);
    assert_int_equal(head("HTTP/1.0 200 OK\r\n\r\n", &h), 0);
    assert_true(h.conn_close); /* HTTP/1.0: no keep-alive assumed */
    /* two ETags (a proxy and the origin disagreeing), an empty one, one too long */
    assert_int_equal(head("HTTP/1.1 200 OK\r\nETag: \"a\"\r\nETag: \"a\"\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nETag:\r\n\r\n", &h), FW_ERR_PROTOCOL);
    assert_int_equal(head("HTTP/1.1 200 OK\r\nLast-Modified: a\r\nLast-Modified: b\r\n\r\n", &h), FW_ERR_PROTOCOL);
    char big[400];
    int n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nETag: \"%0*d\"\r\n\r\n", (int)FWD_HTTP_VALIDATOR_MAX, 0);
    assert_true(n > 0 && (size_t)n < sizeof big);
    assert_int_equal(head(big, &h), FW_ERR_PROTOCOL);
}

static void urls(void **state)
{
    (void)state;
    char host[256], port[8], path[FWD_HTTP_URL_MAX];
    int tls;
    assert_int_equal(fwd_http_parse_url("https://localhost:8443/fw/a.bin?x=1#frag", &tls, host, sizeof host, port, path,
                                        sizeof path), 0);
    assert_int_equal(tls, 1);
    assert_string_equal(host, "localhost");
    assert_string_equal(port, "8443");
    assert_string_equal(path, "/fw/a.bin?x=1");
    assert_int_equal(fwd_http_parse_url("http://h", &tls, host, sizeof host, port, path, sizeof path), 0);
    assert_int_equal(tls, 0);
    assert_string_equal(port, "80");
    assert_string_equal(path, "/");
    static const char *bad[] = {
        "ftp://h/", "https://", "https://user@h/", "https://h:0/", "https://h:65536/",
        "https://[::1/", "https://[]/", "https://[zz::1]/", "https://[::1%25lo]/", "https://[1.2.3.4]/",
        "https://[::1]x/", "https://[::1]:/", "https://[:::1]/", "https://[1:2:3:4:5:6:7:8:9]/", "https://::1/",
        "https://[::1]@h/",
        "https://h:123456/", "https://h:/", "https://h/a b", "https://h/\x01", "https://h\r\n/", "HTTPS://h/",
        "https://h:80x/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (fwd_http_parse_url(bad[i], &tls, host, sizeof host, port, path, sizeof path) == 0)
            fail_msg("accepted URL '%s'", bad[i]);
    /* IP literals: dotted IPv4, bracketed IPv6 (host returned without brackets) */
    assert_int_equal(fwd_http_parse_url("https://[::1]:8443/a", &tls, host, sizeof host, port, path, sizeof path), 0);
    assert_string_equal(host, "::1");
    assert_string_equal(port, "8443");
    assert_string_equal(path, "/a");
    assert_int_equal(fwd_http_parse_url("https://[FD00::0a:5]", &tls, host, sizeof host, port, path, sizeof path), 0);
    assert_string_equal(host, "FD00::0a:5");
    assert_string_equal(port, "443");
    assert_int_equal(fwd_http_parse_url("https://[::ffff:192.168.1.10]/", &tls, host, sizeof host, port, path,
                                        sizeof path), 0);
    uint8_t ip[16];
    static const uint8_t v4[4] = { 192, 168, 1, 10 }, v6[16] = { 0xFD, [14] = 0, [15] = 5 }, lo6[16] = { [15] = 1 };
    assert_int_equal(fwd_http_ip_literal("192.168.1.10", ip), 4);
    assert_memory_equal(ip, v4, 4);
    assert_int_equal(fwd_http_ip_literal("fd00::5", ip), 16);
    assert_memory_equal(ip, v6, 16);
    assert_int_equal(fwd_http_ip_literal("::1", ip), 16);
    assert_memory_equal(ip, lo6, 16);
    static const char *names[] = { "localhost", "192.168.1", "192.168.1.010", "1.2.3.4.5", "256.1.1.1", "0x7f.1.1.1",
                                   "127.1", "", "1.2.3.4." };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (fwd_http_ip_literal(names[i], ip) != 0) fail_msg("'%s' taken for an IP literal", names[i]);
    char *longp = malloc(FWD_HTTP_URL_MAX + 32);
    strcpy(longp, "https://h/");
    memset(longp + 10, 'a', FWD_HTTP_URL_MAX);
    longp[10 + FWD_HTTP_URL_MAX] = 0;
    assert_int_not_equal(fwd_http_parse_url(longp, &tls, host, sizeof host, port, path, sizeof path), 0);
    free(longp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_lines), cmocka_unit_test(lengths), cmocka_unit_test(ranges),
        cmocka_unit_test(location_and_size), cmocka_unit_test(bodies), cmocka_unit_test(urls),
        cmocka_unit_test(validators_and_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
