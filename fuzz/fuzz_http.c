/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: HTTP/1.1 response parser of the OTA client
 * (device/fwd_http_parse): head accumulation, head parsing, then body
 * framing (Content-Length, chunked, until-close) of whatever follows, fed
 * in input-driven chunks; the URL splitter (device/fwd_http) on the
 * Location of a redirect and on the raw input. Invariants: never more body bytes than announced
 * or than the cap, the accumulator never claims more than it was given.
 */
// FUZZ-MAX-LEN: 8192
// FUZZ-SEED-PREFIX: 0740
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_err.h"
#include "device/fwd_http.h"
#include "device/fwd_http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count { uint64_t n; };
static int sink(void *ctx, const uint8_t *p, size_t n)
{
    struct count *c = ctx;
    if (n == 0) __builtin_trap();
    volatile uint8_t x = p[0] ^ p[n - 1];
    (void)x;
    c->n += n;
    return 0;
}

static void url(const char *u)
{
    char host[256], port[8], path[FWD_HTTP_URL_MAX];
    int tls = -1;
    if (fwd_http_parse_url(u, &tls, host, sizeof host, port, path, sizeof path) != 0) return;
    if (tls != 0 && tls != 1) __builtin_trap();
    if (!memchr(host, 0, sizeof host) || !memchr(port, 0, sizeof port) || !memchr(path, 0, sizeof path)) __builtin_trap();
    if (path[0] != '/' || host[0] == 0) __builtin_trap();
}

static void check_url(const uint8_t *p, size_t n)
{
    static char u[FWD_HTTP_URL_MAX + 64];
    if (n > sizeof u - 1) n = sizeof u - 1;
    memcpy(u, p, n);
    u[n] = 0;
    url(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fwd_http_headacc acc;
    static struct fwd_http_head head;
    struct fwd_http_body body;
    struct count got = {0};
    if (size < 2) return 0;
    check_url(data + 2, size - 2);
    uint8_t split = data[0];
    uint64_t cap = (uint64_t)data[1] * 64u;
    data += 2, size -= 2;

    fwd_http_headacc_init(&acc);
    size_t off = 0;
    int rc = 0;
    while (off < size && rc == 0) {
        size_t n = (size_t)(split % 53) + 1, used = 0;
        split = (uint8_t)(split * 17 + 5);
        if (n > size - off) n = size - off;
        rc = fwd_http_headacc_feed(&acc, data + off, n, &used);
        if (used > n || acc.len > FWD_HTTP_HEAD_MAX || (rc == 0 && used != n)) __builtin_trap();
        off += used;
    }
    if (rc != 1) return 0;
    if (fwd_http_parse_head(acc.buf, acc.len, &head) != 0) return 0;
    if (head.status < 100 || head.status > 599) __builtin_trap();
    if (memchr(head.location, 0, sizeof head.location) == NULL) __builtin_trap();
    if (head.location[0]) url(head.location);

    fwd_http_body_init(&body, &head, cap);
    rc = 0;
    while (off < size && rc == 0) {
        size_t n = (size_t)(split % 53) + 1;
        split = (uint8_t)(split * 17 + 5);
        if (n > size - off) n = size - off;
        rc = fwd_http_body_feed(&body, data + off, n, sink, &got);
        off += n;
    }
    if (got.n > cap) __builtin_trap();
    if (!head.chunked && head.content_length != FWD_HTTP_NO_LENGTH && got.n > head.content_length) __builtin_trap();
    (void)fwd_http_body_eof(&body);
    return 0;
}
