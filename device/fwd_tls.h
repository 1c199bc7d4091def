/* SPDX-License-Identifier: Apache-2.0 */
/* TLS client of the OTA download, on mbedTLS 2.28, over ANY byte stream
 * (fwd_stream.h): the HTTP client hands it a deadline-guarded TCP stream by
 * default; a port can hand it a stream over a UART, a modem or a BLE
 * channel instead (mbedtls_ssl_set_bio with callbacks that call the stream).
 *
 *   - the server certificate verified against ONE pinned CA (PEM),
 *     verification REQUIRED, TLS 1.2 with ECDHE + AEAD suites only (AES-GCM,
 *     AES-CCM, ChaCha20-Poly1305);
 *   - a host name is matched by mbedTLS (DNS SANs, the CN only when there is
 *     no SAN) and sent as SNI; an IP literal is matched byte for byte against
 *     the leaf's iPAddress SANs (fwd_x509_san.h), never against the CN, and
 *     sent without SNI;
 *   - refusals are named precisely (untrusted, expired, not yet valid,
 *     host / IP mismatch, no common suite or version).
 *
 * Deadlines are the lower stream's business: every recv/send of the TLS
 * layer is one call of the stream, which applies the caller's deadlines and
 * reports FW_ERR_TIMEOUT.
 *
 * Memory: the caller owns struct fwd_tls (the mbedTLS SSL context and
 * configuration, the parsed CA). mbedTLS allocates the parsed CA chain at
 * init and its record buffers (2 x ~16.6 KiB) per session.
 * This file and fwd_tls.c are the only device files that use the mbedTLS
 * TLS and X.509 APIs.
 */
#ifndef FWD_TLS_H
#define FWD_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "device/fwd_hal.h"
#include "device/fwd_stream.h"

struct fwd_tls_cfg {
    const uint8_t *ca_pem;        /* pinned CA certificate(s), PEM incl. its NUL; required to connect */
    size_t ca_pem_len;
    const struct fwd_random *rng; /* TLS randomness; required */
    uint32_t read_timeout_ms;     /* passed to the stream by mbedTLS (the stream applies its own deadlines) */
};

struct fwd_tls {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    int has_ca;
    int conf_ready, live;
    uint32_t read_timeout_ms;         /* cfg->read_timeout_ms, handed to the stream's send */
    struct fwd_stream lower;          /* the carrier of this session */
    uint32_t leaf_flags, chain_flags; /* X.509 verify flags: depth 0, depth > 0 */
    int san_result;                   /* fwd_x509_san_ip_match() on the leaf, IP hosts */
    uint8_t ip[16], ip_len;           /* peer as an IP literal (4/16), 0 for a name */
};

/* Parse the CA and prepare the client configuration. FW_ERR_KEY if the CA
 * PEM does not parse; FW_ERR_INVALID_ARG on a bad cfg; FW_ERR_CRYPTO. */
int fwd_tls_init(struct fwd_tls *t, const struct fwd_tls_cfg *cfg);
void fwd_tls_free(struct fwd_tls *t);

/* Handshake over lower (copied) with the server named host; ip/ip_len (4 or
 * 16) when host is an IP literal, else ip_len 0. Returns FW_OK, or
 * FW_ERR_TIMEOUT (the stream's deadline passed: the caller names it),
 * FW_ERR_NET (the stream failed or closed), FW_ERR_TLS (*why says what was
 * refused, *verify_flags the mbedTLS X.509 flags), FW_ERR_INVALID_ARG (no
 * pinned CA), FW_ERR_CRYPTO. */
int fwd_tls_handshake(struct fwd_tls *t, const struct fwd_stream *lower, const char *host, const uint8_t ip[16],
                      uint8_t ip_len, uint32_t *verify_flags, const char **why);

/* Application data: > 0 bytes, 0 when the server closed (close_notify or
 * end of stream), FW_ERR_TIMEOUT, FW_ERR_NET. */
long fwd_tls_read(struct fwd_tls *t, uint8_t *buf, size_t n);
long fwd_tls_write(struct fwd_tls *t, const uint8_t *buf, size_t n);

/* End the session: close_notify if the stream takes it at once, then free
 * the session (the configuration and CA stay for the next one). */
void fwd_tls_close(struct fwd_tls *t);

/* The session as a stream (read/write above; the timeout is the lower
 * stream's business), e.g. for a protocol layered on TLS. */
struct fwd_stream fwd_tls_stream(struct fwd_tls *t);

#endif
