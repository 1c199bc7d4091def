/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal HTTPS GET client for OTA downloads, over a carrier of byte
 * streams (fwd_stream.h; TCP sockets by default, cfg.carrier for another)
 * and the TLS client of fwd_tls.h.
 *
 *   - https: server certificate verified against ONE pinned CA (PEM),
 *     verification REQUIRED, TLS 1.2 with ECDHE + AEAD suites only (AES-GCM,
 *     AES-CCM, ChaCha20-Poly1305); a host name is matched by mbedTLS (DNS
 *     SANs, the CN only when there is no SAN); an IP literal (https://10.0.0.5/,
 *     https://[fd00::5]/) is matched byte for byte against the leaf's iPAddress
 *     SANs (fwd_x509_san.h), never against the CN, and sent without SNI
 *     (all in fwd_tls.c);
 *   - expired / not-yet-valid / untrusted / mismatching certificates are
 *     reported as such (fwd_http_result.why);
 *   - plain http only if cfg.allow_http (tests); a redirect from https to
 *     http is refused unless allow_http;
 *   - redirects (301/302/303/307/308) followed up to cfg.max_redirects;
 *   - Content-Length, chunked and until-close bodies, through the bounded
 *     parser of fwd_http_parse.h; never more bytes than announced;
 *   - Range requests for resume: from > 0 sends "Range: bytes=FROM-" and
 *     requires 206 with a Content-Range starting at FROM, ending at the last
 *     byte, and (if expect_total is known) the same total;
 *   - no wait without a deadline, all on the HAL clock (fwd_sock.h):
 *     connect (non-blocking + poll) within connect_timeout_ms; the whole TLS
 *     handshake within handshake_timeout_ms; the request and the whole
 *     response head within read_timeout_ms each; every single read or write
 *     within read_timeout_ms; and from the request to the last byte of the
 *     body a throughput watchdog: every watchdog_min_bytes of HTTP data (head
 *     and body, not TLS framing) must complete within watchdog_window_ms of
 *     the previous ones, enforced while waiting on the socket, so a server
 *     trickling one TLS record a byte at a time is cut off at most one
 *     window after its last full quota (time the caller's sink spends between
 *     reads, e.g. erasing flash, is not held against the server);
 *   - retries (fwd_ota_http_run, fwd_ota_http.h) back off: fwd_http_backoff_pick().
 *
 * Memory: the caller owns struct fwd_http (about 11 KiB on x86-64: 4 KiB head
 * buffer, 2 x 1 KiB URL/path, 1 KiB I/O buffer, struct fwd_tls with the mbedTLS
 * contexts). mbedTLS allocates the parsed CA chain at init and its
 * TLS record buffers (2 x ~16.6 KiB) per connection; nothing else.
 * Name resolution (getaddrinfo) is the OS resolver's, with its own timeouts.
 */
#ifndef FWD_HTTP_H
#define FWD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"
#include "device/fwd_http_parse.h"
#include "device/fwd_sock.h"
#include "device/fwd_stream.h"
#include "device/fwd_tls.h"

struct fwd_http_result;

struct fwd_http_cfg {
    const uint8_t *ca_pem;        /* pinned CA certificate(s), PEM incl. its NUL; required for https */
    size_t ca_pem_len;
    const struct fwd_random *rng; /* TLS randomness; required */
    const struct fwd_time *time;  /* watchdog clock; required */
    uint32_t read_timeout_ms;     /* per read/write, request, response head; 0 -> 10000 */
    uint32_t connect_timeout_ms;  /* TCP connect; 0 -> read_timeout_ms */
    uint32_t handshake_timeout_ms;/* whole TLS handshake; 0 -> read_timeout_ms */
    uint32_t watchdog_window_ms;  /* 0 -> read_timeout_ms */
    uint32_t watchdog_min_bytes;  /* per window; 0 -> 1024 */
    unsigned max_redirects;       /* 0 -> none followed */
    int allow_http;
    uint64_t max_body;            /* refuse a larger announced/received resource */
    /* Optional: where connections come from; NULL: TCP sockets (fwd_sock.h).
     * TLS and HTTP run unchanged over any carrier's streams. */
    const struct fwd_carrier *carrier;
    /* Optional: called once the connection (and TLS handshake) is up. */
    void (*on_connected)(void *ctx, const char *host, int tls);
    /* Optional: called once a response head passed every check, before its
     * body (res: status, total, validators). */
    void (*on_response)(void *ctx, const struct fwd_http_result *res);
    void *ev_ctx;
};

struct fwd_http_result {
    int status;              /* last HTTP status seen (0 if none) */
    int reused;              /* the request went over a kept-alive connection */
    char etag[FWD_HTTP_VALIDATOR_MAX];          /* validators of the response ("" if none) */
    char last_modified[FWD_HTTP_VALIDATOR_MAX];
    uint64_t total;          /* full resource size if known, else FWD_HTTP_NO_LENGTH */
    uint64_t received;       /* body bytes handed to the sink by this call */
    unsigned redirects;
    uint32_t verify_flags;   /* mbedTLS X.509 verify flags on FW_ERR_TLS */
    struct fw_fail fail;     /* the returned code + a short static reason, why never NULL after a call */
};

enum fwd_http_phase {
    FWD_PHASE_CONNECT = 1, FWD_PHASE_HANDSHAKE, FWD_PHASE_REQUEST, FWD_PHASE_HEAD, FWD_PHASE_BODY, FWD_PHASE_CLOSING,
};
enum fwd_http_expired { FWD_EXPIRED_NONE = 0, FWD_EXPIRED_READ, FWD_EXPIRED_PHASE, FWD_EXPIRED_WATCHDOG };

struct fwd_http {
    struct fwd_http_cfg cfg;
    struct fwd_carrier carrier;    /* cfg.carrier or the socket one below */
    struct fwd_sock_carrier sock;
    struct fwd_stream raw;         /* the carrier's stream of this connection */
    int connected;
    struct fwd_tls tls;
    int conf_ready, tls_live;
    enum fwd_http_phase phase;
    enum fwd_http_expired expired; /* which deadline ended the last wait */
    uint64_t phase_deadline;       /* HAL ms, 0 = none (body: per-read + watchdog) */
    int wd_on;                     /* watchdog armed (request sent .. end of body) */
    uint64_t win_start, win_bytes; /* watchdog: time the last quota completed, HTTP bytes since */
    uint64_t idle_since;           /* last read returned data at (0: in a read); sink time is not the server's */
    uint8_t ip[16], ip_len;        /* host as an IP literal (4/16), 0 for a name */
    char host[256];
    char port[8];
    char path[FWD_HTTP_URL_MAX];
    char url[FWD_HTTP_URL_MAX];
    struct fwd_http_headacc head;
    struct fwd_http_head hd;
    char conn_key[280];            /* "tls host port" of a kept-alive connection, "" if none */
    unsigned connects;             /* connections opened (TCP + TLS handshakes) since init */
    uint8_t io[1024];
};

/* One request: a byte range of url and what the response must match. */
struct fwd_http_req {
    uint64_t from;                 /* first byte */
    uint64_t last;                 /* last byte (inclusive), FWD_HTTP_NO_LENGTH: to the end */
    uint64_t expect_total;         /* FWD_HTTP_NO_LENGTH: not known yet */
    const char *expect_etag;       /* NULL or "": not checked */
    const char *expect_last_modified; /* checked only when no ETag is expected */
    int keep_alive;                /* keep the connection for the next request to the same host */
};

/* Parse the CA and prepare the TLS configuration. FW_ERR_KEY if the CA PEM
 * does not parse; FW_ERR_INVALID_ARG on a bad cfg. */
int fwd_http_init(struct fwd_http *h, const struct fwd_http_cfg *cfg);
void fwd_http_free(struct fwd_http *h);

/* GET url from byte `from`, streaming the body to sink. Returns 0 when the
 * whole body arrived. Errors: FW_ERR_NET (connect/reset/closed early),
 * FW_ERR_TIMEOUT (read timeout or watchdog), FW_ERR_TLS (handshake or
 * certificate), FW_ERR_PROTOCOL (bad HTTP, status, range, over-send, too many
 * redirects), FW_ERR_NO_SPACE (larger than max_body), FW_ERR_UNSUPPORTED
 * (URL form), FW_ERR_INVALID_ARG, or the sink's error. res->received tells
 * how much of the body reached the sink in every case. */
int fwd_http_get(struct fwd_http *h, const char *url, uint64_t from, uint64_t expect_total,
                 fwd_http_sink sink, void *ctx, struct fwd_http_result *res);

/* The general form: from = 0 and last = FWD_HTTP_NO_LENGTH asks for the
 * whole resource (200 required); anything else sends "Range: bytes=FROM-"
 * or "bytes=FROM-LAST" and requires a 206 whose Content-Range starts at
 * FROM and ends at LAST (or at the end when the resource is shorter), with
 * a known total equal to expect_total. A response whose ETag (else
 * Last-Modified) differs from the expected one is refused before any body
 * byte reaches the sink ("resource changed"). keep_alive: the request does
 * not ask to close; after a complete Content-Length / chunked body the
 * connection is kept and reused by the next request for the same scheme,
 * host and port (reconnecting once, transparently, when the server closed
 * it meanwhile); res->etag / last_modified report the response's validators. */
int fwd_http_request(struct fwd_http *h, const char *url, const struct fwd_http_req *rq, fwd_http_sink sink,
                     void *ctx, struct fwd_http_result *res);
/* Close a kept-alive connection (fwd_http_free does it too). */
void fwd_http_close(struct fwd_http *h);

/* 1 for errors a retry with a Range request may cure (NET, TIMEOUT, TRUNCATED). */
int fwd_http_retryable(int err);

/* Retry back-off: bounded exponential with equal jitter. Delay for retry
 * number attempt (1, 2, ...): with d = min(MAX, BASE << (attempt - 1)),
 * d/2 + rnd % (d/2 + 1), i.e. in [d/2, d]. */
#define FWD_HTTP_BACKOFF_BASE_MS 500u
#define FWD_HTTP_BACKOFF_MAX_MS 8000u
uint32_t fwd_http_backoff_delay(unsigned attempt, uint32_t rnd);
/* The delay for retry number attempt, rnd drawn from the HAL random. */
uint32_t fwd_http_backoff_pick(struct fwd_http *h, unsigned attempt);
/* Wait ms on the HAL clock. */
void fwd_http_wait_ms(struct fwd_http *h, uint32_t ms);

/* 4 (IPv4 dotted quad) or 16 (IPv6) with the address bytes in ip, 0 for a
 * host name. */
int fwd_http_ip_literal(const char *host, uint8_t ip[16]);

/* URL split (exposed for tests): scheme http/https only, host name or IPv4
 * (<= 255 chars) or a bracketed IPv6 literal ([::1], returned without the
 * brackets; no zone id), optional port, path (default "/"), no userinfo,
 * printable ASCII only; the fragment is dropped. */
int fwd_http_parse_url(const char *url, int *tls, char *host, size_t hostsz, char port[8], char *path,
                       size_t pathsz);

#endif
