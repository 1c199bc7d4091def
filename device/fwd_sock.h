/* SPDX-License-Identifier: Apache-2.0 */
/* TCP socket layer of the OTA HTTP client (POSIX sockets; an lwIP port has
 * the same calls). Every wait has a deadline on the HAL clock: the socket is
 * non-blocking, connect completes under poll(), and reads and writes wait
 * with poll() for at most the time left.
 *
 * Sockets get TCP_NODELAY: the TLS client's handshake writes are small
 * (ClientKeyExchange, ChangeCipherSpec, Finished, then the request); with
 * Nagle each small write after the first waits for the server's delayed ACK,
 * 36-40 ms per handshake on Linux.
 */
#ifndef FWD_SOCK_H
#define FWD_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"
#include "device/fwd_stream.h"

/* Resolve host (name, dotted IPv4 or bare IPv6 literal) and try its
 * addresses in order, all within the one deadline_ms (HAL clock): a refused
 * address moves on to the next, a silent one uses up the deadline. Returns the
 * non-blocking, TCP_NODELAY socket (>= 0), FW_ERR_TIMEOUT when the deadline
 * passed, FW_ERR_NET otherwise. */
int fwd_sock_connect(const char *host, const char *port, const struct fwd_time *t, uint64_t deadline_ms);

/* Wait until fd is readable (want_write 0) or writable (1), at most until
 * deadline_ms. 1 ready, 0 deadline reached, FW_ERR_NET on a poll error. */
int fwd_sock_wait(int fd, int want_write, const struct fwd_time *t, uint64_t deadline_ms);

/* Non-blocking I/O: > 0 bytes, 0 on orderly close (recv), FW_ERR_TIMEOUT if
 * it would block (retry after fwd_sock_wait), FW_ERR_NET on error. */
long fwd_sock_recv(int fd, uint8_t *buf, size_t n);
long fwd_sock_send(int fd, const uint8_t *buf, size_t n);

void fwd_sock_close(int fd);

/* Sleep up to ms on the HAL clock (retry back-off); returns early never. */
void fwd_sock_sleep(const struct fwd_time *t, uint32_t ms);

/* TCP as the default carrier of the TLS/HTTP client (fwd_stream.h): open
 * connects with fwd_sock_connect within its timeout; the stream's recv and
 * send wait with fwd_sock_wait for at most their timeout. Caller-provided,
 * one connection at a time. */
struct fwd_sock_carrier {
    const struct fwd_time *time;
    int fd;                     /* -1 when closed */
};
/* A closed carrier on clock t, and the struct fwd_carrier that drives it. */
struct fwd_carrier fwd_sock_carrier(struct fwd_sock_carrier *c, const struct fwd_time *t);

#endif
