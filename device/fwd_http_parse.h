/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP/1.1 response parsing for the OTA client, kept apart from the I/O so
 * it can be fed hostile bytes in unit tests. Everything is bounded: the
 * response head may be at most FWD_HTTP_HEAD_MAX bytes, numbers are parsed
 * with overflow checks, and a body never yields more bytes than the head
 * announced (Content-Length, Content-Range, or the chunk sizes).
 *
 * Memory: struct fwd_http_headacc 4 KiB + 8; struct fwd_http_head ~1.1 KiB;
 * struct fwd_http_body 48 bytes. No allocation.
 */
#ifndef FWD_HTTP_PARSE_H
#define FWD_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define FWD_HTTP_HEAD_MAX   4096u  /* status line + headers + blank line */
#define FWD_HTTP_URL_MAX    1024u  /* Location value, request path */
#define FWD_HTTP_NO_LENGTH  UINT64_MAX
#define FWD_HTTP_VALIDATOR_MAX 128u /* ETag / Last-Modified value incl. NUL */

/* Accumulates the response head until the empty line. */
struct fwd_http_headacc {
    char buf[FWD_HTTP_HEAD_MAX];
    size_t len;
};
void fwd_http_headacc_init(struct fwd_http_headacc *a);
/* Consume up to n bytes (sets *used). Returns 0 while more is needed, 1 once
 * the head is complete (bytes after it, from p + *used, are body), or
 * FW_ERR_PROTOCOL if the head exceeds FWD_HTTP_HEAD_MAX. */
int fwd_http_headacc_feed(struct fwd_http_headacc *a, const uint8_t *p, size_t n, size_t *used);

struct fwd_http_head {
    int status;                    /* 100..599 */
    int chunked;                   /* Transfer-Encoding: chunked */
    uint64_t content_length;       /* FWD_HTTP_NO_LENGTH if absent */
    int has_range;                 /* Content-Range present */
    uint64_t range_first, range_last;
    uint64_t range_total;          /* FWD_HTTP_NO_LENGTH for an unknown total ("*") */
    char location[FWD_HTTP_URL_MAX]; /* "" if absent */
    char etag[FWD_HTTP_VALIDATOR_MAX];          /* "" if absent (weak W/"..." kept as sent) */
    char last_modified[FWD_HTTP_VALIDATOR_MAX]; /* "" if absent */
    int conn_close;                /* "Connection: close" (or an HTTP/1.0 response) */
};

/* Parse a complete head (as accumulated). Rejects with FW_ERR_PROTOCOL:
 * a status line other than "HTTP/1.x DDD ...", header lines without a colon,
 * obs-fold continuation lines, control bytes, duplicate conflicting
 * Content-Length, Content-Length with Transfer-Encoding, a non-chunked
 * Transfer-Encoding (FW_ERR_UNSUPPORTED), malformed numbers or ranges,
 * numbers beyond 2^53, Location longer than FWD_HTTP_URL_MAX-1, a duplicate
 * or over-long (>= FWD_HTTP_VALIDATOR_MAX) ETag / Last-Modified. */
int fwd_http_parse_head(const char *buf, size_t len, struct fwd_http_head *h);

typedef int (*fwd_http_sink)(void *ctx, const uint8_t *p, size_t n);

/* Body framing: Content-Length, chunked, or (if neither) until close. */
enum { FWD_BODY_LENGTH = 1, FWD_BODY_CHUNKED, FWD_BODY_CLOSE };

struct fwd_http_body {
    int mode;
    int done;
    int cstate;            /* chunked decoder state */
    uint32_t line_len;     /* bytes in the current size/trailer line */
    uint32_t digits;
    uint64_t remaining;    /* LENGTH: body bytes left; CHUNKED: bytes left in chunk */
    uint64_t received;     /* body bytes delivered */
    uint64_t max;          /* hard cap on delivered bytes */
};

/* mode from the head; max caps delivered bytes (FW_ERR_NO_SPACE beyond). */
void fwd_http_body_init(struct fwd_http_body *b, const struct fwd_http_head *h, uint64_t max);
/* Decode n raw bytes, handing body bytes to sink. Any byte after the end of
 * the body (Content-Length reached or final chunk) is FW_ERR_PROTOCOL: the
 * server sent more than it announced. Sink errors propagate. */
int fwd_http_body_feed(struct fwd_http_body *b, const uint8_t *p, size_t n, fwd_http_sink sink, void *ctx);
/* At EOF: 0 if the body is complete (CLOSE mode: always), else FW_ERR_TRUNCATED. */
int fwd_http_body_eof(const struct fwd_http_body *b);

#endif
