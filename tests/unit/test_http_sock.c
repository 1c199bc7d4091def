/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA client's socket layer (device/fwd_sock) and retry back-off:
 * TCP_NODELAY and non-blocking sockets, a connect deadline on the HAL clock,
 * bounded and jittered back-off. */
#include "testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "device/fwd_http.h"
#include "device/fwd_sock.h"
#include "device/port/sim/fwd_sim.h"
#include "fw_err.h"

static struct fwd_time clk;

static int listener(int backlog, char port[8])
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    assert_true(l >= 0);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, backlog), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
    snprintf(port, 8, "%u", (unsigned)ntohs(a.sin_port));
    return l;
}

static uint64_t deadline_in(uint32_t ms) { return clk.now_ms(clk.ctx) + ms; }

/* The handshake's small writes must not wait for delayed ACKs (fwd_sock.h). */
static void nodelay_and_nonblocking(void **state)
{
    (void)state;
    char port[8];
    int l = listener(4, port);
    int fd = fwd_sock_connect("127.0.0.1", port, &clk, deadline_in(5000));
    assert_true(fd >= 0);
    int v = 0;
    socklen_t vl = sizeof v;
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0);
    assert_int_not_equal(v, 0);
    assert_true(fcntl(fd, F_GETFL, 0) & O_NONBLOCK);
    /* nothing to read: the wait ends at its deadline, the read would block */
    uint8_t b[4];
    assert_int_equal(fwd_sock_wait(fd, 0, &clk, deadline_in(50)), 0);
    assert_int_equal(fwd_sock_recv(fd, b, sizeof b), FW_ERR_TIMEOUT);
    int c = accept(l, NULL, NULL);
    assert_true(c >= 0);
    assert_int_equal(write(c, "ok", 2), 2);
    assert_int_equal(fwd_sock_wait(fd, 0, &clk, deadline_in(5000)), 1);
    assert_int_equal(fwd_sock_recv(fd, b, sizeof b), 2);
    close(c);
    assert_int_equal(fwd_sock_wait(fd, 0, &clk, deadline_in(5000)), 1);
    assert_int_equal(fwd_sock_recv(fd, b, sizeof b), 0); /* orderly close */
    fwd_sock_close(fd);
    close(l);
}

/* A listener whose accept queue is full drops SYNs: a blocking connect would
 * wait for the kernel's SYN retries (minutes). The deadline ends it. */
static void connect_deadline(void **state)
{
    (void)state;
    char port[8];
    int l = listener(0, port);
    int filler[4], nf = 0, rc = 0;
    /* Fill the queue (backlog 0 admits one or two), until a connect times out. */
    for (nf = 0; nf < 4; nf++) {
        rc = fwd_sock_connect("127.0.0.1", port, &clk, deadline_in(300));
        if (rc < 0) break;
        filler[nf] = rc;
    }
    assert_int_equal(rc, FW_ERR_TIMEOUT);
    for (int i = 0; i < nf; i++) fwd_sock_close(filler[i]);
    close(l);
}

static void connect_refused(void **state)
{
    (void)state;
    char port[8];
    int l = listener(1, port);
    close(l); /* nobody listens there any more */
    assert_int_equal(fwd_sock_connect("127.0.0.1", port, &clk, deadline_in(5000)), FW_ERR_NET);
}

static void backoff_bounded_and_jittered(void **state)
{
    (void)state;
    uint32_t prev_max = 0;
    for (unsigned attempt = 1; attempt <= 40; attempt++) {
        uint32_t lo = fwd_http_backoff_delay(attempt, 0), hi = fwd_http_backoff_delay(attempt, UINT32_MAX);
        uint32_t d = hi > lo ? hi : lo;
        assert_true(lo >= FWD_HTTP_BACKOFF_BASE_MS / 4);
        assert_true(hi <= FWD_HTTP_BACKOFF_MAX_MS);
        assert_true(d >= prev_max || d == FWD_HTTP_BACKOFF_MAX_MS); /* grows, then stays at the cap */
        prev_max = d;
        for (uint32_t r = 0; r < 5000; r += 7) {
            uint32_t v = fwd_http_backoff_delay(attempt, r * 2654435761u);
            assert_true(v >= lo && v <= FWD_HTTP_BACKOFF_MAX_MS);
        }
    }
    assert_int_equal(fwd_http_backoff_delay(1, 0), FWD_HTTP_BACKOFF_BASE_MS / 2);
    assert_int_equal(fwd_http_backoff_delay(1, FWD_HTTP_BACKOFF_BASE_MS / 2), FWD_HTTP_BACKOFF_BASE_MS);
    assert_int_equal(fwd_http_backoff_delay(2, 0), FWD_HTTP_BACKOFF_BASE_MS);
    assert_int_equal(fwd_http_backoff_delay(1000, 0), FWD_HTTP_BACKOFF_MAX_MS / 2);
    /* jitter: different random draws give different delays */
    assert_int_not_equal(fwd_http_backoff_delay(3, 1), fwd_http_backoff_delay(3, 977));
}

/* A fake HAL clock that jumps: the wait follows the HAL clock, not the OS. */
static uint64_t fake_now;
static unsigned fake_calls;
static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    fake_calls++;
    return fake_now += 3000;
}

static void sleep_follows_hal_clock(void **state)
{
    (void)state;
    struct fwd_time fake = { fake_clock, NULL };
    fake_now = 1000;
    fwd_sock_sleep(&fake, 4000); /* two HAL reads past the target: no real wait */
    assert_true(fake_now >= 1000 + 4000);
    assert_true(fake_calls <= 3);
    uint64_t t0 = clk.now_ms(clk.ctx);
    fwd_sock_sleep(&clk, 200);
    assert_true(clk.now_ms(clk.ctx) >= t0 + 200); /* never returns early */
}

/* The result carries the returned code and its reason together (struct fw_fail). */
static void result_carries_code_and_reason(void **state)
{
    (void)state;
    struct fwd_http_result res;
    assert_int_equal(fwd_http_get(NULL, "http://x/", 0, 0, NULL, NULL, &res), FW_ERR_INVALID_ARG);
    assert_int_equal(res.fail.code, FW_ERR_INVALID_ARG);
    assert_string_equal(res.fail.why, "invalid argument");
}

int main(void)
{
    fwd_sim_time_hal(&clk);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nodelay_and_nonblocking), cmocka_unit_test(connect_deadline),
        cmocka_unit_test(connect_refused), cmocka_unit_test(backoff_bounded_and_jittered),
        cmocka_unit_test(sleep_follows_hal_clock),
        cmocka_unit_test(result_carries_code_and_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
