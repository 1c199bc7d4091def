/* SPDX-License-Identifier: Apache-2.0 */
/* A misbehaving HTTPS server (mbedTLS) for the OTA client tests: things nginx
 * will not do on purpose.
 *
 *   http_liar PORTFILE CERT.pem KEY.pem MODE FILE
 *
 * Listens on 127.0.0.1 (ephemeral port written to PORTFILE), serves every
 * connection with FILE according to MODE, then closes:
 *   oversend   announces Content-Length = size - 100 but sends all of FILE
 *   chunked    a correct chunked response (odd chunk sizes)
 *   trickle    correct head, then the body 1 byte every 100 ms (watchdog)
 *   trickle-head  the response head 1 byte (one TLS record) every 400 ms
 *   redirect   302 to itself, forever (redirect bound)
 * Runs until killed.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static int send_all(mbedtls_ssl_context *ssl, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n) {
        int rc = mbedtls_ssl_write(ssl, p, n);
        if (rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ) continue;
        if (rc <= 0) return -1;
        p += rc;
        n -= (size_t)rc;
    }
    return 0;
}

static void serve(mbedtls_ssl_context *ssl, const char *mode, const unsigned char *body, size_t len)
{
    char head[256];
    if (!strcmp(mode, "oversend")) {
        size_t announced = len > 100 ? len - 100 : 0;
        snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", announced);
        if (send_all(ssl, head, strlen(head)) == 0) send_all(ssl, body, len);
    } else if (!strcmp(mode, "chunked")) {
        snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        if (send_all(ssl, head, strlen(head))) return;
        size_t off = 0, step = 1;
        while (off < len) {
            size_t n = len - off < step ? len - off : step;
            char sz[32];
            snprintf(sz, sizeof sz, "%zx\r\n", n);
            if (send_all(ssl, sz, strlen(sz)) || send_all(ssl, body + off, n) || send_all(ssl, "\r\n", 2)) return;
            off += n;
            step = step * 3 + 7;
            if (step > 20000) step = 777;
        }
        send_all(ssl, "0\r\n\r\n", 5);
    } else if (!strcmp(mode, "trickle")) {
        snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", len);
        if (send_all(ssl, head, strlen(head))) return;
        for (size_t i = 0; i < len; i++) {
            if (send_all(ssl, body + i, 1)) return;
            struct timespec ts = { 0, 100 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    } else if (!strcmp(mode, "trickle-head")) {
        snprintf(head, sizeof head,
                 "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\nX-Pad: %s\r\n\r\n", len,
                 "a slow head that would take about a minute at this pace");
        for (size_t i = 0; head[i]; i++) {
            if (send_all(ssl, head + i, 1)) return;
            struct timespec ts = { 0, 400 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
        send_all(ssl, body, len);
    } else { /* redirect */
        snprintf(head, sizeof head, "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n");
        send_all(ssl, head, strlen(head));
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: http_liar PORTFILE CERT KEY oversend|chunked|trickle|trickle-head|redirect FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[5], "rb");
    if (!f) return 3;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *body = malloc(sz > 0 ? (size_t)sz : 1);
    if (!body || fread(body, 1, (size_t)sz, f) != (size_t)sz) return 3;
    fclose(f);

    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_net_context lst;
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_net_init(&lst);
    if (mbedtls_x509_crt_parse_file(&crt, argv[2]) || mbedtls_pk_parse_keyfile(&key, argv[3], NULL) ||
        mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) ||
        mbedtls_ssl_conf_own_cert(&conf, &crt, &key) || mbedtls_net_bind(&lst, "127.0.0.1", "0", MBEDTLS_NET_PROTO_TCP)) {
        fprintf(stderr, "http_liar: setup failed\n");
        return 3;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    getsockname(lst.fd, (struct sockaddr *)&a, &al);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *pf = fopen(tmp, "w");
    if (!pf) return 3;
    fprintf(pf, "%d\n", ntohs(a.sin_port));
    fclose(pf);
    rename(tmp, argv[1]);

    signal(SIGPIPE, SIG_IGN); /* a client that gave up must not kill the server */
    for (;;) {
        mbedtls_net_context c;
        mbedtls_ssl_context ssl;
        mbedtls_net_init(&c);
        mbedtls_ssl_init(&ssl);
        if (mbedtls_net_accept(&lst, &c, NULL, 0, NULL) == 0 && mbedtls_ssl_setup(&ssl, &conf) == 0) {
            mbedtls_ssl_set_bio(&ssl, &c, mbedtls_net_send, mbedtls_net_recv, NULL);
            int rc;
            while ((rc = mbedtls_ssl_handshake(&ssl)) == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {}
            if (rc == 0) {
                /* read the request head */
                char req[8192];
                size_t have = 0;
                while (have < sizeof req - 1) {
                    int n = mbedtls_ssl_read(&ssl, (unsigned char *)req + have, sizeof req - 1 - have);
                    if (n <= 0) break;
                    have += (size_t)n;
                    req[have] = 0;
                    if (strstr(req, "\r\n\r\n")) break;
                }
                serve(&ssl, argv[4], body, (size_t)sz);
                mbedtls_ssl_close_notify(&ssl);
            }
        }
        mbedtls_ssl_free(&ssl);
        mbedtls_net_free(&c);
    }
}
