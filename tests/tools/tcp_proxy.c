/* SPDX-License-Identifier: Apache-2.0 */
/* TCP fault-injection proxy for the OTA network tests.
 *
 *   tcp_proxy PORTFILE TARGET_PORT MODE N [FAULTY|MS]
 *
 * Listens on 127.0.0.1 (ephemeral port, written to PORTFILE once ready) and
 * forwards every connection to 127.0.0.1:TARGET_PORT, one connection at a
 * time. For the first FAULTY connections (default 1; -1 = all) it applies MODE
 * after N bytes went from the server to the client:
 *   cut    close both sides (a dropped connection mid-body)
 *   stall  stop forwarding but keep the sockets open until the client leaves
 *   pass   no fault
 *   trickle   forward the rest one byte every MS milliseconds (the 5th
 *          argument, default 400), every connection: N = 0 trickles the TLS
 *          handshake, a larger N the body (whole TLS records arrive slowly)
 * The proxy works below TLS, so it cannot forge data; it only cuts or stalls.
 * Logs one line per connection on stderr. Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_target(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        if (s >= 0) close(s);
        return -1;
    }
    return s;
}

/* Forward between c (client) and s (server). fault: 0 none, 1 cut, 2 stall,
 * 3 trickle (one byte every ms milliseconds once limit bytes went down). */
static void serve(int c, int s, int fault, long long limit, int ms, int idx)
{
    long long down = 0;
    int stalled = 0;
    char buf[16384];
    size_t pend_off = 0, pend_len = 0; /* trickle: bytes read from s, not yet sent */
    for (;;) {
        int trickling = fault == 3 && pend_len > pend_off;
        struct pollfd p[2] = { { .fd = c, .events = POLLIN },
                               { .fd = s, .events = stalled || trickling ? 0 : POLLIN } };
        int rc = poll(p, 2, trickling ? ms : -1);
        if (rc < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(c, buf, sizeof buf);
            if (n <= 0) break;
            if (!stalled && write(s, buf, (size_t)n) != n) break;
        }
        if (trickling) {
            if (rc == 0) { /* the pause is over: one byte */
                if (write(c, buf + pend_off, 1) != 1) break;
                pend_off++;
                down++;
            }
            continue;
        }
        if (!stalled && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(s, buf, sizeof buf);
            if (n <= 0) break;
            long long room = fault ? limit - down : n;
            if (room > n) room = n;
            if (room > 0 && write(c, buf, (size_t)room) != room) break;
            down += room > 0 ? room : 0;
            if (fault == 3 && room < n) { /* the rest of this read goes out byte by byte */
                pend_off = (size_t)(room > 0 ? room : 0);
                pend_len = (size_t)n;
            } else if (fault && fault != 3 && down >= limit) {
                if (fault == 1) break;
                stalled = 1;
            }
        }
    }
    fprintf(stderr, "tcp_proxy: connection %d done, %lld bytes to client%s\n", idx, down,
            fault == 1 && down >= limit ? " (cut)" : stalled ? " (stalled)" : fault == 3 ? " (trickled)" : "");
    close(c);
    close(s);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: tcp_proxy PORTFILE TARGET_PORT cut|stall|pass|trickle N [FAULTY|MS]\n");
        return 2;
    }
    int target = atoi(argv[2]);
    int fault = !strcmp(argv[3], "cut") ? 1 : !strcmp(argv[3], "stall") ? 2 : !strcmp(argv[3], "trickle") ? 3 : 0;
    long long limit = atoll(argv[4]);
    int faulty = argc > 5 ? atoi(argv[5]) : 1;
    int ms = fault == 3 ? (argc > 5 ? atoi(argv[5]) : 400) : 0;
    if (fault == 3) faulty = -1;
    signal(SIGPIPE, SIG_IGN); /* a client that gave up must not kill the proxy */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 8) || getsockname(l, (struct sockaddr *)&a, &al)) {
        perror("tcp_proxy");
        return 3;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (!f) return 3;
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    rename(tmp, argv[1]);
    for (int idx = 0;; idx++) {
        int c = accept(l, NULL, NULL);
        if (c < 0) continue;
        int s = connect_target(target);
        if (s < 0) {
            close(c);
            continue;
        }
        int apply = fault && (faulty < 0 || idx < faulty);
        serve(c, s, apply ? fault : 0, limit, ms, idx);
    }
}
