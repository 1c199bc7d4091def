/* Minimal HTTPS GET client for OTA downloads, on mbedTLS 2.28 (net + ssl).
 *
 *   - https: server certificate verified against ONE pinned CA (PEM) with a
 *     hostname check (DNS names; mbedTLS 2.28 cannot match IP-address SANs,
 *     so URLs must use a host name), TLS 1.2 minimum, verification REQUIRED;
 *   - plain http only if cfg.allow_http (tests); a redirect from https to
 *     http is refused unless allow_http;
 *   - redirects (301/302/303/307/308) followed up to cfg.max_redirects;
 *   - Content-Length, chunked and until-close bodies, through the bounded
 *     parser of fwd_http_parse.h; never more bytes than announced;
 *   - Range requests for resume: from > 0 sends "Range: bytes=FROM-" and
 *     requires 206 with a Content-Range starting at FROM, ending at the last
 *     byte, and (if expect_total is known) the same total;
 *   - a per-read timeout and a minimum-throughput watchdog (at least
 *     watchdog_min_bytes in every watchdog_window_ms), using the HAL clock.
 *
 * Memory: the caller owns struct fwd_http (10400 bytes on x86-64: 4 KiB head
 * buffer, 2 x 1 KiB URL/path, 1 KiB I/O buffer, the mbedTLS contexts). mbedTLS allocates the parsed CA chain at init and its
 * TLS record buffers (2 x ~16.6 KiB) per connection; nothing else.
 * Connect is blocking (the OS connect timeout applies); all reads honour
 * read_timeout_ms.
 */
#ifndef FWD_HTTP_H
#define FWD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "device/fwd_hal.h"
#include "device/fwd_http_parse.h"

struct fwd_http_cfg {
    const uint8_t *ca_pem;        /* pinned CA certificate(s), PEM incl. its NUL; required for https */
    size_t ca_pem_len;
    const struct fwd_random *rng; /* TLS randomness; required */
    const struct fwd_time *time;  /* watchdog clock; required */
    uint32_t read_timeout_ms;     /* 0 -> 10000 */
    uint32_t watchdog_window_ms;  /* 0 -> 2 x read_timeout_ms */
    uint32_t watchdog_min_bytes;  /* per window; 0 -> 1024 */
    unsigned max_redirects;       /* 0 -> none followed */
    int allow_http;
    uint64_t max_body;            /* refuse a larger announced/received resource */
    /* Optional: called once the connection (and TLS handshake) is up. */
    void (*on_connected)(void *ctx, const char *host, int tls);
    void *ev_ctx;
};

struct fwd_http_result {
    int status;              /* last HTTP status seen (0 if none) */
    uint64_t total;          /* full resource size if known, else FWD_HTTP_NO_LENGTH */
    uint64_t received;       /* body bytes handed to the sink by this call */
    unsigned redirects;
    uint32_t verify_flags;   /* mbedTLS X.509 verify flags on FW_ERR_TLS */
    const char *why;         /* short static reason on failure, never NULL after a call */
};

struct fwd_http {
    struct fwd_http_cfg cfg;
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    int conf_ready, tls_live, net_live;
    uint64_t win_start, win_bytes;
    char host[256];
    char port[8];
    char path[FWD_HTTP_URL_MAX];
    char url[FWD_HTTP_URL_MAX];
    struct fwd_http_headacc head;
    struct fwd_http_head hd;
    uint8_t io[1024];
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

/* 1 for errors a retry with a Range request may cure (NET, TIMEOUT, TRUNCATED). */
int fwd_http_retryable(int err);

/* URL split (exposed for tests): scheme http/https only, host name or IPv4
 * (<= 255 chars), optional port, path (default "/"), no userinfo, no IPv6,
 * printable ASCII only; the fragment is dropped. */
int fwd_http_parse_url(const char *url, int *tls, char *host, size_t hostsz, char port[8], char *path,
                       size_t pathsz);

#endif
