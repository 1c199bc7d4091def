/* SPDX-License-Identifier: Apache-2.0 */
/* TLS client over a byte stream (see fwd_tls.h), on mbedTLS 2.28 or 3.6:
 * what differs between them is in device/fwd_mbedtls_compat.h. */
#include "device/fwd_tls.h"

#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl_ciphersuites.h>

#include "device/fwd_mbedtls_compat.h"
#include "device/fwd_x509_san.h"
#include "fw_err.h"

static int rng_adapter(void *p, unsigned char *buf, size_t len)
{
    const struct fwd_random *r = p;
    return r->fill(r->ctx, buf, len) == 0 ? 0 : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

/* TLS 1.2 suites with forward secrecy (ECDHE) and an AEAD cipher only: no
 * CBC (padding oracles, MAC-then-encrypt), no static-RSA key exchange, no
 * truncated CCM_8 tags. mbedTLS offers the ones it was built with. */
static const int aead_fs_suites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CCM,
    0,
};

/* Called by mbedTLS for every certificate of the verified chain, root first,
 * leaf (depth 0) last. mbedTLS matches DNS names only; an IP-literal
 * host is matched here against the leaf's iPAddress SANs (no CN fallback).
 * The per-depth flags are kept so the error names the certificate at fault. */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct fwd_tls *t = ctx;
    if (depth > 0) {
        t->chain_flags |= *flags;
        return 0;
    }
    if (t->ip_len) {
        t->san_result = fwd_x509_san_ip_match(crt->raw.p, crt->raw.len, t->ip, (size_t)t->ip_len);
        if (t->san_result != FWD_SAN_IP_MATCH) *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    }
    t->leaf_flags = *flags;
    return 0;
}

/* A build whose TLS input buffer is smaller than a full 16 KiB record (a
 * small device's MBEDTLS_SSL_IN_CONTENT_LEN) asks the server for records
 * that fit (RFC 6066 max_fragment_length); without that extension compiled
 * in, such a build can only talk to servers that send small records anyway. */
static int conf_small_records(mbedtls_ssl_config *conf)
{
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) && MBEDTLS_SSL_IN_CONTENT_LEN < 16384
    unsigned char code = MBEDTLS_SSL_IN_CONTENT_LEN >= 4096   ? MBEDTLS_SSL_MAX_FRAG_LEN_4096
                         : MBEDTLS_SSL_IN_CONTENT_LEN >= 2048 ? MBEDTLS_SSL_MAX_FRAG_LEN_2048
                         : MBEDTLS_SSL_IN_CONTENT_LEN >= 1024 ? MBEDTLS_SSL_MAX_FRAG_LEN_1024
                                                              : MBEDTLS_SSL_MAX_FRAG_LEN_512;
    if (mbedtls_ssl_conf_max_frag_len(conf, code) != 0) return FW_ERR_CRYPTO;
#else
    (void)conf;
#endif
    return FW_OK;
}

int fwd_tls_init(struct fwd_tls *t, const struct fwd_tls_cfg *cfg)
{
    if (!t || !cfg || !cfg->rng) return FW_ERR_INVALID_ARG;
    memset(t, 0, sizeof *t);
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_x509_crt_init(&t->ca);
    t->conf_ready = 1;
    t->read_timeout_ms = cfg->read_timeout_ms;
    if (fwd_mbed_tls_prepare() != 0) return FW_ERR_CRYPTO;
    if (cfg->ca_pem && cfg->ca_pem_len) {
        /* PEM: the terminating NUL must be inside ca_pem_len (mbedTLS rule). */
        int rc = mbedtls_x509_crt_parse(&t->ca, cfg->ca_pem, cfg->ca_pem_len);
        if (rc != 0) return FW_ERR_KEY; /* rc > 0: some certificates failed: refuse all */
        t->has_ca = 1;
    }
    if (mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return FW_ERR_CRYPTO;
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    fwd_mbed_ssl_conf_tls12_only(&t->conf);
    mbedtls_ssl_conf_rng(&t->conf, rng_adapter, (void *)cfg->rng);
    mbedtls_ssl_conf_read_timeout(&t->conf, cfg->read_timeout_ms);
    mbedtls_ssl_conf_ciphersuites(&t->conf, aead_fs_suites);
    mbedtls_ssl_conf_verify(&t->conf, verify_cb, t);
    return conf_small_records(&t->conf);
}

void fwd_tls_close(struct fwd_tls *t)
{
    if (!t || !t->live) return;
    /* Best effort, never waits for long: the alert goes out only if the
     * stream takes it within its own deadline. */
    mbedtls_ssl_close_notify(&t->ssl);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_init(&t->ssl);
    t->live = 0;
}

void fwd_tls_free(struct fwd_tls *t)
{
    if (!t || !t->conf_ready) return;
    fwd_tls_close(t);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_x509_crt_free(&t->ca);
    t->conf_ready = 0;
}

/* ---- the stream under the session (mbedTLS BIO) ------------------------------ */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct fwd_tls *t = ctx;
    long r = t->lower.send(t->lower.ctx, buf, len, t->read_timeout_ms);
    if (r >= 0) return (int)r;
    return r == FW_ERR_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
    struct fwd_tls *t = ctx;
    long r = t->lower.recv(t->lower.ctx, buf, len, timeout);
    if (r >= 0) return (int)r;
    return r == FW_ERR_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- handshake ------------------------------------------------------------------ */

/* Precise reason for a certificate refusal, from the per-depth flags. */
static const char *verify_reason(const struct fwd_tls *t, uint32_t flags)
{
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) return "server certificate not trusted by the pinned CA";
    if (t->leaf_flags & MBEDTLS_X509_BADCERT_EXPIRED) return "server certificate has expired";
    if (t->leaf_flags & MBEDTLS_X509_BADCERT_FUTURE)
        return "server certificate is not yet valid (its validity starts in the future; check the device clock)";
    if (t->chain_flags & MBEDTLS_X509_BADCERT_EXPIRED) return "a CA certificate of the server chain (or the pinned CA) has expired";
    if (t->chain_flags & MBEDTLS_X509_BADCERT_FUTURE) return "a CA certificate of the server chain (or the pinned CA) is not yet valid";
    if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        if (!t->ip_len) return "server certificate does not match the host name";
        if (t->san_result < 0) return "server certificate has a malformed subjectAltName extension";
        if (t->san_result == FWD_SAN_IP_NO_SAN)
            return "server certificate does not match the IP address (no subjectAltName; the CN is never used)";
        return "server certificate does not match the IP address (no equal iPAddress subjectAltName)";
    }
    return "server certificate rejected (key usage, weak key or signature algorithm)";
}

static const char *handshake_reason(struct fwd_tls *t, int rc)
{
    int alert = rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ? fwd_mbed_ssl_received_alert(&t->ssl) : -1;
    if (alert >= 0) {
        switch (alert) {
        case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE:
        case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY:
            return "TLS handshake refused by the server: no common cipher suite (fwseal-device accepts only "
                   "TLS 1.2 ECDHE with AES-GCM, AES-CCM or ChaCha20-Poly1305)";
        case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION:
            return "TLS handshake refused by the server: no common protocol version (TLS 1.2 required)";
        default: return "TLS handshake failed: fatal alert from the server";
        }
    }
    switch (fwd_mbed_hs_error_kind(rc)) {
    case FWD_MBED_HS_UNOFFERED_CHOICE:
        return "TLS handshake failed: the server chose a cipher suite or version that was not offered";
    case FWD_MBED_HS_BAD_VERSION: return "TLS handshake failed: the server does not speak TLS 1.2";
    case FWD_MBED_HS_OTHER: break;
    }
    return "TLS handshake failed";
}

static int setup_session(struct fwd_tls *t, const struct fwd_stream *lower, const char *host, const uint8_t ip[16],
                         uint8_t ip_len, const char **why)
{
    if (!t->has_ca) {
        *why = "https needs a pinned CA";
        return FW_ERR_INVALID_ARG;
    }
    *why = "TLS setup failed";
    if (mbedtls_ssl_setup(&t->ssl, &t->conf) != 0) return FW_ERR_CRYPTO;
    t->live = 1;
    t->lower = *lower;
    t->ip_len = ip_len == 4 || ip_len == 16 ? ip_len : 0;
    if (t->ip_len) memcpy(t->ip, ip, t->ip_len);
    /* An IP literal is matched in verify_cb against iPAddress SANs; setting it
     * as the mbedTLS host name would make mbedTLS compare it as a DNS name
     * (and send it as SNI, which RFC 6066 forbids for addresses). The
     * explicit NULL says "no DNS name check, on purpose": mbedTLS >= 3.6.3
     * refuses a verified handshake without a host name otherwise
     * (MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME); the leaf is
     * still checked against the IP in verify_cb. */
    if (mbedtls_ssl_set_hostname(&t->ssl, t->ip_len ? NULL : host) != 0) return FW_ERR_CRYPTO;
    t->leaf_flags = t->chain_flags = 0;
    t->san_result = FWD_SAN_IP_NO_MATCH;
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, NULL, bio_recv_timeout);
    return FW_OK;
}

int fwd_tls_handshake(struct fwd_tls *t, const struct fwd_stream *lower, const char *host, const uint8_t ip[16],
                      uint8_t ip_len, uint32_t *verify_flags, const char **why)
{
    if (!t || !t->conf_ready || !lower || !host || !verify_flags || !why) return FW_ERR_INVALID_ARG;
    int rc = setup_session(t, lower, host, ip, ip_len, why);
    if (rc != FW_OK) return rc;
    while ((rc = mbedtls_ssl_handshake(&t->ssl)) != 0) {
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        *verify_flags = mbedtls_ssl_get_verify_result(&t->ssl);
        *why = NULL;
        if (rc == MBEDTLS_ERR_SSL_TIMEOUT) return FW_ERR_TIMEOUT;
        if (rc == MBEDTLS_ERR_NET_RECV_FAILED || rc == MBEDTLS_ERR_NET_SEND_FAILED || rc == MBEDTLS_ERR_SSL_CONN_EOF) {
            *why = "connection lost during the TLS handshake";
            return FW_ERR_NET;
        }
        *why = rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ? verify_reason(t, *verify_flags) : handshake_reason(t, rc);
        return FW_ERR_TLS;
    }
    return FW_OK;
}

/* ---- application data ----------------------------------------------------------- */

long fwd_tls_read(struct fwd_tls *t, uint8_t *buf, size_t n)
{
    for (;;) {
        int rc = mbedtls_ssl_read(&t->ssl, buf, n);
        if (rc > 0) return rc;
        if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return 0;
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        return rc == MBEDTLS_ERR_SSL_TIMEOUT ? FW_ERR_TIMEOUT : FW_ERR_NET;
    }
}

long fwd_tls_write(struct fwd_tls *t, const uint8_t *buf, size_t n)
{
    for (;;) {
        int rc = mbedtls_ssl_write(&t->ssl, buf, n);
        if (rc > 0) return rc;
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        return rc == MBEDTLS_ERR_SSL_TIMEOUT ? FW_ERR_TIMEOUT : FW_ERR_NET;
    }
}

static long stream_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)timeout_ms; /* the lower stream's deadlines apply */
    return fwd_tls_read(ctx, buf, n);
}

static long stream_send(void *ctx, const uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    (void)timeout_ms;
    return fwd_tls_write(ctx, buf, n);
}

struct fwd_stream fwd_tls_stream(struct fwd_tls *t)
{
    struct fwd_stream s = { stream_recv, stream_send, t };
    return s;
}
