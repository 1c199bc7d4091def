/* SPDX-License-Identifier: Apache-2.0 */
/* The transport seam: a bidirectional byte stream with timeouts, in the
 * spirit of BearSSL's low_read / low_write. The TLS client (fwd_tls.h) and the
 * HTTP client (fwd_http.h) read and write through it; TCP sockets
 * (fwd_sock_stream_open) are the default carrier, and any other one (a UART,
 * a BLE L2CAP channel, a cellular modem's socket) is a struct fwd_stream with
 * the same two calls. Nothing here allocates; ctx is the carrier's.
 *
 *   recv(ctx, buf, n, timeout_ms): wait at most timeout_ms for data (0: do
 *       not wait, just try); > 0 bytes received, 0 on an orderly close,
 *       FW_ERR_TIMEOUT when nothing came in time, FW_ERR_NET on an error;
 *   send(ctx, buf, n, timeout_ms): > 0 bytes accepted (may be fewer than n),
 *       FW_ERR_TIMEOUT when none could be sent in time, FW_ERR_NET.
 *
 * A stream never retries by itself: deadlines spanning several calls (a
 * handshake deadline, a throughput watchdog) are the caller's.
 */
#ifndef FWD_STREAM_H
#define FWD_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "fw_err.h"

struct fwd_stream {
    long (*recv)(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms);
    long (*send)(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms);
    void *ctx;
};

/* Opens streams to host:port for a client that names its peer (the HTTP
 * client's connect step). close releases what open set up. */
struct fwd_carrier {
    int (*open)(void *ctx, const char *host, const char *port, uint32_t timeout_ms, struct fwd_stream *out);
    void (*close)(void *ctx);
    void *ctx;
};

#endif
