/* TCP fault-injection proxy for the OTA network tests.
 *
 *   tcp_proxy PORTFILE TARGET_PORT MODE N [FAULTY]
 *
 * Listens on 127.0.0.1 (ephemeral port, written to PORTFILE once ready) and
 * forwards every connection to 127.0.0.1:TARGET_PORT, one connection at a
 * time. For the first FAULTY connections (default 1; -1 = all) it applies MODE
 * after N bytes went from the server to the client:
 *   cut    close both sides (a dropped connection mid-body)
 *   stall  stop forwarding but keep the sockets open until the client leaves
 *   pass   no fault
 * The proxy works below TLS, so it cannot forge data; it only cuts or stalls.
 * Logs one line per connection on stderr. Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
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

/* Forward between c (client) and s (server). fault: 0 none, 1 cut, 2 stall. */
static void serve(int c, int s, int fault, long long limit, int idx)
{
    long long down = 0;
    int stalled = 0;
    char buf[16384];
    for (;;) {
        struct pollfd p[2] = { { .fd = c, .events = POLLIN }, { .fd = s, .events = stalled ? 0 : POLLIN } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(c, buf, sizeof buf);
            if (n <= 0) break;
            if (!stalled && write(s, buf, (size_t)n) != n) break;
        }
        if (!stalled && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(s, buf, sizeof buf);
            if (n <= 0) break;
            long long room = fault ? limit - down : n;
            if (room > n) room = n;
            if (room > 0 && write(c, buf, (size_t)room) != room) break;
            down += room;
            if (fault && down >= limit) {
                if (fault == 1) break;
                stalled = 1;
            }
        }
    }
    fprintf(stderr, "tcp_proxy: connection %d done, %lld bytes to client%s\n", idx, down,
            fault == 1 && down >= limit ? " (cut)" : stalled ? " (stalled)" : "");
    close(c);
    close(s);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: tcp_proxy PORTFILE TARGET_PORT cut|stall|pass N [FAULTY]\n");
        return 2;
    }
    int target = atoi(argv[2]);
    int fault = !strcmp(argv[3], "cut") ? 1 : !strcmp(argv[3], "stall") ? 2 : 0;
    long long limit = atoll(argv[4]);
    int faulty = argc > 5 ? atoi(argv[5]) : 1;
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
        serve(c, s, apply ? fault : 0, limit, idx);
    }
}
