/* SPDX-License-Identifier: Apache-2.0 */
/* Deadline-bounded TCP sockets (see fwd_sock.h). */
#include "device/fwd_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fw_err.h"

/* poll() takes an int of milliseconds; never more than this per call, so a
 * HAL clock that runs apart from the OS clock is re-read regularly. */
#define POLL_SLICE_MS 1000u

static int ms_left(const struct fwd_time *t, uint64_t deadline_ms)
{
    uint64_t now = t->now_ms(t->ctx);
    if (now >= deadline_ms) return 0;
    uint64_t left = deadline_ms - now;
    return (int)(left > POLL_SLICE_MS ? POLL_SLICE_MS : left);
}

int fwd_sock_wait(int fd, int want_write, const struct fwd_time *t, uint64_t deadline_ms)
{
    for (;;) {
        int ms = ms_left(t, deadline_ms);
        if (ms == 0) return 0;
        struct pollfd p = { .fd = fd, .events = want_write ? POLLOUT : POLLIN };
        int rc = poll(&p, 1, ms);
        if (rc < 0 && errno != EINTR) return FW_ERR_NET;
        if (rc > 0) return 1; /* POLLERR/POLLHUP too: the next call reports it */
    }
}

static int prepare(int fd)
{
    int one = 1;
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return -1;
    /* See fwd_sock.h: the small handshake writes must not wait for delayed ACKs. */
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return -1;
#ifdef SO_NOSIGPIPE
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return 0;
}

/* One address: 1 connected, 0 deadline, negative on refusal/error. */
static int connect_one(int fd, const struct addrinfo *ai, const struct fwd_time *t, uint64_t deadline_ms)
{
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return 1;
    if (errno != EINPROGRESS && errno != EINTR) return FW_ERR_NET;
    int rc = fwd_sock_wait(fd, 1, t, deadline_ms);
    if (rc <= 0) return rc;
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) return FW_ERR_NET;
    return 1;
}

int fwd_sock_connect(const char *host, const char *port, const struct fwd_time *t, uint64_t deadline_ms)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    /* Name resolution is the OS resolver's (blocking, its own timeouts). */
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res) return FW_ERR_NET;
    int result = FW_ERR_NET;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        int rc = prepare(fd) == 0 ? connect_one(fd, ai, t, deadline_ms) : FW_ERR_NET;
        if (rc == 1) {
            result = fd;
            break;
        }
        close(fd);
        if (rc == 0) {
            result = FW_ERR_TIMEOUT;
            break;
        }
    }
    freeaddrinfo(res);
    return result;
}

long fwd_sock_recv(int fd, uint8_t *buf, size_t n)
{
    for (;;) {
        ssize_t r = recv(fd, buf, n, 0);
        if (r >= 0) return (long)r;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? FW_ERR_TIMEOUT : FW_ERR_NET;
    }
}

long fwd_sock_send(int fd, const uint8_t *buf, size_t n)
{
#ifdef MSG_NOSIGNAL
    const int flags = MSG_NOSIGNAL; /* a reset peer must not kill the process with SIGPIPE */
#else
    const int flags = 0;
#endif
    for (;;) {
        ssize_t r = send(fd, buf, n, flags);
        if (r >= 0) return (long)r;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? FW_ERR_TIMEOUT : FW_ERR_NET;
    }
}

void fwd_sock_close(int fd)
{
    if (fd >= 0) close(fd);
}

void fwd_sock_sleep(const struct fwd_time *t, uint32_t ms)
{
    uint64_t until = t->now_ms(t->ctx) + ms;
    int left;
    while ((left = ms_left(t, until)) > 0) poll(NULL, 0, left);
}

/* ---- the default carrier (fwd_stream.h) ------------------------------------- */

static uint64_t after(const struct fwd_time *t, uint32_t ms) { return t->now_ms(t->ctx) + ms; }

static long stream_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    struct fwd_sock_carrier *c = ctx;
    long r = fwd_sock_recv(c->fd, buf, n);
    if (r != FW_ERR_TIMEOUT || !timeout_ms) return r;
    int w = fwd_sock_wait(c->fd, 0, c->time, after(c->time, timeout_ms));
    return w < 0 ? w : fwd_sock_recv(c->fd, buf, n);
}

static long stream_send(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    struct fwd_sock_carrier *c = ctx;
    long r = fwd_sock_send(c->fd, buf, n);
    if (r != FW_ERR_TIMEOUT || !timeout_ms) return r;
    int w = fwd_sock_wait(c->fd, 1, c->time, after(c->time, timeout_ms));
    return w < 0 ? w : fwd_sock_send(c->fd, buf, n);
}

static int carrier_open(void *ctx, const char *host, const char *port, uint32_t timeout_ms, struct fwd_stream *out)
{
    struct fwd_sock_carrier *c = ctx;
    int fd = fwd_sock_connect(host, port, c->time, after(c->time, timeout_ms));
    if (fd < 0) return fd;
    c->fd = fd;
    *out = (struct fwd_stream){ stream_recv, stream_send, c };
    return FW_OK;
}

static void carrier_close(void *ctx)
{
    struct fwd_sock_carrier *c = ctx;
    fwd_sock_close(c->fd);
    c->fd = -1;
}

struct fwd_carrier fwd_sock_carrier(struct fwd_sock_carrier *c, const struct fwd_time *t)
{
    c->time = t;
    c->fd = -1;
    struct fwd_carrier k = { carrier_open, carrier_close, c };
    return k;
}
