/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded HTTP/1.1 response head parser and body decoder (fwd_http_parse.h). */
#include "device/fwd_http_parse.h"

#include <string.h>

#include "fw_err.h"

#define NUM_MAX    (1ull << 53)   /* no sane firmware is larger; keeps sums far from overflow */
#define LINE_MAX_  256u           /* chunk-size line incl. extensions */
#define TRAILER_MAX 1024u

void fwd_http_headacc_init(struct fwd_http_headacc *a) { a->len = 0; }

int fwd_http_headacc_feed(struct fwd_http_headacc *a, const uint8_t *p, size_t n, size_t *used)
{
    *used = 0;
    for (size_t i = 0; i < n; i++) {
        if (a->len >= sizeof a->buf) return FW_ERR_PROTOCOL;
        a->buf[a->len++] = (char)p[i];
        if (a->len >= 4 && !memcmp(a->buf + a->len - 4, "\r\n\r\n", 4)) {
            *used = i + 1;
            return 1;
        }
    }
    *used = n;
    return 0;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static int name_is(const char *s, size_t n, const char *want)
{
    size_t w = strlen(want);
    if (n != w) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != want[i]) return 0;
    return 1;
}

/* Decimal, digits only, <= NUM_MAX. Consumes from *s up to end. */
static int parse_dec(const char **s, const char *end, uint64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    if (p >= end || *p < '0' || *p > '9') return FW_ERR_PROTOCOL;
    while (p < end && *p >= '0' && *p <= '9') {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > NUM_MAX) return FW_ERR_PROTOCOL;
        p++;
    }
    *s = p;
    *out = v;
    return 0;
}

static int parse_content_length(const char *v, size_t n, struct fwd_http_head *h)
{
    const char *p = v, *end = v + n;
    uint64_t cl;
    if (parse_dec(&p, end, &cl) || p != end) return FW_ERR_PROTOCOL;
    if (h->content_length != FWD_HTTP_NO_LENGTH && h->content_length != cl) return FW_ERR_PROTOCOL;
    h->content_length = cl;
    return 0;
}

/* "bytes FIRST-LAST/TOTAL" or "bytes FIRST-LAST/" followed by "*". */
static int parse_content_range(const char *v, size_t n, struct fwd_http_head *h)
{
    const char *p = v, *end = v + n;
    if (h->has_range || n < 6 || memcmp(p, "bytes ", 6)) return FW_ERR_PROTOCOL;
    p += 6;
    if (parse_dec(&p, end, &h->range_first) || p >= end || *p++ != '-') return FW_ERR_PROTOCOL;
    if (parse_dec(&p, end, &h->range_last) || p >= end || *p++ != '/') return FW_ERR_PROTOCOL;
    if (p < end && *p == '*' && p + 1 == end) {
        h->range_total = FWD_HTTP_NO_LENGTH;
    } else {
        if (parse_dec(&p, end, &h->range_total) || p != end) return FW_ERR_PROTOCOL;
        if (h->range_last >= h->range_total) return FW_ERR_PROTOCOL;
    }
    if (h->range_first > h->range_last) return FW_ERR_PROTOCOL;
    h->has_range = 1;
    return 0;
}

/* A validator: once, non-empty, bounded. */
static int copy_value(char *dst, size_t cap, const char *v, size_t vlen)
{
    if (dst[0] || vlen == 0 || vlen >= cap) return FW_ERR_PROTOCOL;
    memcpy(dst, v, vlen);
    dst[vlen] = 0;
    return 0;
}

/* Comma-separated token list contains `tok` (case-insensitive). */
static int has_token(const char *v, size_t n, const char *tok)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
        size_t j = i;
        while (j < n && v[j] != ',' && v[j] != ' ' && v[j] != '\t') j++;
        if (j > i && name_is(v + i, j - i, tok)) return 1;
        i = j;
    }
    return 0;
}

static int parse_header(const char *line, size_t n, struct fwd_http_head *h)
{
    const char *colon = memchr(line, ':', n);
    if (!colon || colon == line) return FW_ERR_PROTOCOL;
    size_t nlen = (size_t)(colon - line);
    for (size_t i = 0; i < nlen; i++)
        if (line[i] == ' ' || line[i] == '\t') return FW_ERR_PROTOCOL; /* no space before the colon */
    const char *v = colon + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t')) end--;
    size_t vlen = (size_t)(end - v);
    if (name_is(line, nlen, "content-length")) return parse_content_length(v, vlen, h);
    if (name_is(line, nlen, "content-range")) return parse_content_range(v, vlen, h);
    if (name_is(line, nlen, "transfer-encoding")) {
        if (!name_is(v, vlen, "chunked")) return FW_ERR_UNSUPPORTED;
        h->chunked = 1;
        return 0;
    }
    if (name_is(line, nlen, "etag")) return copy_value(h->etag, sizeof h->etag, v, vlen);
    if (name_is(line, nlen, "last-modified")) return copy_value(h->last_modified, sizeof h->last_modified, v, vlen);
    if (name_is(line, nlen, "connection")) {
        if (has_token(v, vlen, "close")) h->conn_close = 1;
        return 0;
    }
    if (name_is(line, nlen, "location")) {
        if (vlen >= sizeof h->location || h->location[0]) return FW_ERR_PROTOCOL;
        memcpy(h->location, v, vlen);
        h->location[vlen] = 0;
    }
    return 0;
}

static int parse_status(const char *line, size_t n, struct fwd_http_head *h)
{
    /* "HTTP/1.0 200" or "HTTP/1.1 200 OK" */
    if (n < 12 || memcmp(line, "HTTP/1.", 7) || (line[7] != '0' && line[7] != '1') || line[8] != ' ')
        return FW_ERR_PROTOCOL;
    int st = 0;
    for (int i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9') return FW_ERR_PROTOCOL;
        st = st * 10 + (line[i] - '0');
    }
    if (n > 12 && line[12] != ' ') return FW_ERR_PROTOCOL;
    if (st < 100 || st > 599) return FW_ERR_PROTOCOL;
    h->status = st;
    h->conn_close = line[7] == '0'; /* HTTP/1.0: no keep-alive assumed */
    return 0;
}

int fwd_http_parse_head(const char *buf, size_t len, struct fwd_http_head *h)
{
    memset(h, 0, sizeof *h);
    h->content_length = FWD_HTTP_NO_LENGTH;
    if (!buf || len < 4 || len > FWD_HTTP_HEAD_MAX || memcmp(buf + len - 4, "\r\n\r\n", 4))
        return FW_ERR_PROTOCOL;
    size_t pos = 0;
    int first = 1;
    while (pos < len) {
        const char *line = buf + pos;
        const char *cr = memchr(line, '\r', len - pos);
        if (!cr || (size_t)(cr - buf) + 1 >= len || cr[1] != '\n') return FW_ERR_PROTOCOL;
        size_t n = (size_t)(cr - line);
        pos += n + 2;
        if (n == 0) break; /* blank line: end of head */
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)line[i];
            if ((c < 0x20 && c != '\t') || c == 0x7F) return FW_ERR_PROTOCOL; /* incl. bare LF, NUL */
        }
        int rc;
        if (first) rc = parse_status(line, n, h);
        else if (line[0] == ' ' || line[0] == '\t') rc = FW_ERR_PROTOCOL; /* obs-fold */
        else rc = parse_header(line, n, h);
        if (rc) return rc;
        first = 0;
    }
    if (pos != len || first) return FW_ERR_PROTOCOL;
    if (h->chunked && h->content_length != FWD_HTTP_NO_LENGTH) return FW_ERR_PROTOCOL;
    return 0;
}

/* ---- body ---------------------------------------------------------------- */

enum { CS_SIZE, CS_EXT, CS_SIZE_LF, CS_DATA, CS_DATA_CR, CS_DATA_LF, CS_TRAILER, CS_TRAILER_LF };

void fwd_http_body_init(struct fwd_http_body *b, const struct fwd_http_head *h, uint64_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
    if (h->chunked) {
        b->mode = FWD_BODY_CHUNKED;
        b->cstate = CS_SIZE;
    } else if (h->content_length != FWD_HTTP_NO_LENGTH) {
        b->mode = FWD_BODY_LENGTH;
        b->remaining = h->content_length;
        b->done = h->content_length == 0;
    } else {
        b->mode = FWD_BODY_CLOSE;
    }
}

static int deliver(struct fwd_http_body *b, const uint8_t *p, size_t n, fwd_http_sink sink, void *ctx)
{
    if (n > b->max - b->received) return FW_ERR_NO_SPACE;
    b->received += n;
    int rc = sink(ctx, p, n);
    return rc < 0 ? rc : 0;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (uint8_t)(c | 0x20);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* One step of the chunked decoder on a non-data byte. */
static int chunked_byte(struct fwd_http_body *b, uint8_t c)
{
    if (++b->line_len > (b->cstate >= CS_TRAILER ? TRAILER_MAX : LINE_MAX_)) return FW_ERR_PROTOCOL;
    switch (b->cstate) {
    case CS_SIZE: {
        int v = hexval(c);
        if (v >= 0) {
            if (b->remaining > (NUM_MAX >> 4)) return FW_ERR_PROTOCOL;
            b->remaining = (b->remaining << 4) | (uint64_t)v;
            b->digits++;
            return 0;
        }
        if (!b->digits) return FW_ERR_PROTOCOL;
        if (c == ';' || c == ' ' || c == '\t') { b->cstate = CS_EXT; return 0; }
        if (c == '\r') { b->cstate = CS_SIZE_LF; return 0; }
        return FW_ERR_PROTOCOL;
    }
    case CS_EXT:
        if (c == '\r') b->cstate = CS_SIZE_LF;
        else if (c < 0x20 && c != '\t') return FW_ERR_PROTOCOL;
        return 0;
    case CS_SIZE_LF:
        if (c != '\n') return FW_ERR_PROTOCOL;
        b->line_len = 0;
        b->cstate = b->remaining ? CS_DATA : CS_TRAILER;
        return 0;
    case CS_DATA_CR:
        if (c != '\r') return FW_ERR_PROTOCOL;
        b->cstate = CS_DATA_LF;
        return 0;
    case CS_DATA_LF:
        if (c != '\n') return FW_ERR_PROTOCOL;
        b->cstate = CS_SIZE;
        b->line_len = 0;
        b->digits = 0;
        b->remaining = 0;
        return 0;
    case CS_TRAILER:
        if (c == '\r') b->cstate = CS_TRAILER_LF;
        else if (c < 0x20 && c != '\t') return FW_ERR_PROTOCOL;
        return 0;
    case CS_TRAILER_LF:
        if (c != '\n') return FW_ERR_PROTOCOL;
        if (b->line_len == 2) b->done = 1; /* empty line: end of message */
        b->line_len = 0;
        b->cstate = CS_TRAILER;
        return 0;
    default:
        return FW_ERR_PROTOCOL;
    }
}

int fwd_http_body_feed(struct fwd_http_body *b, const uint8_t *p, size_t n, fwd_http_sink sink, void *ctx)
{
    while (n > 0) {
        if (b->done) return FW_ERR_PROTOCOL; /* more than announced */
        if (b->mode == FWD_BODY_CLOSE || (b->mode == FWD_BODY_LENGTH) || b->cstate == CS_DATA) {
            size_t take = n;
            if (b->mode != FWD_BODY_CLOSE && take > b->remaining) take = (size_t)b->remaining;
            int rc = deliver(b, p, take, sink, ctx);
            if (rc) return rc;
            p += take;
            n -= take;
            if (b->mode != FWD_BODY_CLOSE) {
                b->remaining -= take;
                if (b->remaining == 0) {
                    if (b->mode == FWD_BODY_LENGTH) b->done = 1;
                    else b->cstate = CS_DATA_CR;
                }
            }
            continue;
        }
        int rc = chunked_byte(b, *p);
        if (rc) return rc;
        p++;
        n--;
    }
    return 0;
}

int fwd_http_body_eof(const struct fwd_http_body *b)
{
    return (b->mode == FWD_BODY_CLOSE || b->done) ? 0 : FW_ERR_TRUNCATED;
}
