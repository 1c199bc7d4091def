/* SPDX-License-Identifier: Apache-2.0 */
/* The reference of the HTTPS OTA row in bench/30-ota.sh: the same crypto as
 * `fwseal-device ota URL` in raw mbedTLS, with no format, flash or state
 * machine code around it:
 *   TLS 1.2+ client (mbedTLS defaults, CA pinned, as device/fwd_http.c),
 *   one GET; the body is an ESP encrypted image (RSA): key unwrapped with the
 *   device key (RSAES-PKCS1-v1_5, parsed once, cold as on the device),
 *   AES-256-GCM decrypted as it arrives, each 128-byte unit XTS-AES-128
 *   encrypted into a RAM "flash"; at the end the tag checked, the flash read
 *   back through XTS decryption into one SHA-256 pass over the signed region,
 *   the key digest of signature block 0 computed and its RSA-3072 PSS
 *   signature verified.
 *
 *   ota_raw HOST PORT PATH CA.pem DEVICE_RSA_PRIV.pem FLASH_KEY_32.bin
 * Exit 0 only if the tag and the signature verify.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <mbedtls/aes.h>
#include <mbedtls/gcm.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#define HDR 512u
#define SECTOR 4096u
#define UNIT 128u

static int rng(void *ctx, unsigned char *p, size_t n)
{
    (void)ctx;
    while (n) {
        ssize_t r = getrandom(p, n, 0);
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int die(const char *m)
{
    fprintf(stderr, "ota_raw: %s\n", m);
    return 1;
}

struct ota {
    mbedtls_pk_context dev;
    mbedtls_gcm_context gcm;
    mbedtls_aes_xts_context xe, xd;
    uint8_t hdr[HDR];
    size_t hdr_got;
    uint8_t *flash;      /* plaintext as XTS ciphertext, unit by unit */
    size_t len, cap;     /* bytes written, bin_size */
    uint8_t unit[UNIT];
    size_t unit_got;
    uint8_t carry[16];   /* mbedTLS 2.x GCM: every update but the last a multiple of 16 */
    size_t carry_n;
};

static void xts_unit(mbedtls_aes_xts_context *x, int mode, size_t addr, const uint8_t *in, uint8_t *out)
{
    uint8_t tw[16] = {0};
    for (int i = 0; i < 4; i++) tw[i] = (uint8_t)(addr >> (8 * i));
    mbedtls_aes_crypt_xts(x, mode, UNIT, tw, in, out);
}

static int header(struct ota *o)
{
    uint8_t key[32];
    size_t kl = 0;
    mbedtls_rsa_context *r = mbedtls_pk_rsa(o->dev);
    mbedtls_rsa_set_padding(r, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
    if (mbedtls_rsa_rsaes_pkcs1_v15_decrypt(r, rng, NULL, MBEDTLS_RSA_PRIVATE, &kl, o->hdr + 4, key, sizeof key) ||
        kl != 32)
        return die("key unwrap failed");
    o->cap = (size_t)o->hdr[404] | (size_t)o->hdr[405] << 8 | (size_t)o->hdr[406] << 16 | (size_t)o->hdr[407] << 24;
    o->flash = malloc(o->cap + UNIT);
    if (!o->flash || o->cap < 2 * SECTOR) return die("bad size");
    if (mbedtls_gcm_setkey(&o->gcm, MBEDTLS_CIPHER_ID_AES, key, 256) ||
        mbedtls_gcm_starts(&o->gcm, MBEDTLS_GCM_DECRYPT, o->hdr + 388, 16, NULL, 0))
        return die("GCM init failed");
    return 0;
}

/* Plaintext to "flash", whole 128-byte units XTS-encrypted as they fill. */
static void to_flash(struct ota *o, const uint8_t *pt, size_t k)
{
    for (size_t i = 0; i < k;) {
        size_t t = UNIT - o->unit_got < k - i ? UNIT - o->unit_got : k - i;
        memcpy(o->unit + o->unit_got, pt + i, t);
        o->unit_got += t;
        i += t;
        if (o->unit_got == UNIT) {
            xts_unit(&o->xe, MBEDTLS_AES_ENCRYPT, o->len, o->unit, o->flash + o->len);
            o->len += UNIT;
            o->unit_got = 0;
        }
    }
}

static int gcm_blocks(struct ota *o, const uint8_t *ct, size_t k)
{
    static uint8_t pt[16384 + 32];
    if (mbedtls_gcm_update(&o->gcm, k, ct, pt)) return die("GCM failed");
    to_flash(o, pt, k);
    return 0;
}

static int body(struct ota *o, const uint8_t *p, size_t n)
{
    while (o->hdr_got < HDR && n) {
        o->hdr[o->hdr_got++] = *p++;
        n--;
        if (o->hdr_got == HDR && header(o)) return 1;
    }
    if (o->len + o->unit_got + o->carry_n + n > o->cap) return die("body longer than bin_size");
    if (o->carry_n && n) { /* complete the carried block first */
        size_t t = 16 - o->carry_n < n ? 16 - o->carry_n : n;
        memcpy(o->carry + o->carry_n, p, t);
        o->carry_n += t;
        p += t;
        n -= t;
        if (o->carry_n < 16) return 0;
        if (gcm_blocks(o, o->carry, 16)) return 1;
        o->carry_n = 0;
    }
    while (n >= 16) {
        size_t k = (n < 16384 ? n : 16384) & ~(size_t)15;
        if (gcm_blocks(o, p, k)) return 1;
        p += k;
        n -= k;
    }
    memcpy(o->carry, p, n);
    o->carry_n = n;
    return 0;
}

static int finish(struct ota *o)
{
    uint8_t tag[16], digest[32], kd[32], blk[1216], sig[384], plain[UNIT];
    if (o->hdr_got < HDR) return die("short body");
    if (o->carry_n && gcm_blocks(o, o->carry, o->carry_n)) return 1; /* the last, short update */
    if (o->len + o->unit_got != o->cap || o->unit_got % 16) return die("short body");
    if (mbedtls_gcm_finish(&o->gcm, tag, 16) || memcmp(tag, o->hdr + 408, 16)) return die("GCM tag mismatch");
    if (o->unit_got) { /* last partial unit, zero padded */
        memset(o->unit + o->unit_got, 0, UNIT - o->unit_got);
        xts_unit(&o->xe, MBEDTLS_AES_ENCRYPT, o->len, o->unit, o->flash + o->len);
    }
    /* read back through flash decryption: SHA-256 of the signed region, block 0 */
    mbedtls_sha256_context s;
    mbedtls_sha256_init(&s);
    mbedtls_sha256_starts_ret(&s, 0);
    size_t signed_len = o->cap - SECTOR;
    for (size_t a = 0; a < o->cap; a += UNIT) {
        xts_unit(&o->xd, MBEDTLS_AES_DECRYPT, a, o->flash + a, plain);
        if (a < signed_len) mbedtls_sha256_update_ret(&s, plain, signed_len - a < UNIT ? signed_len - a : UNIT);
        else if (a - signed_len < sizeof blk) memcpy(blk + (a - signed_len), plain, sizeof blk - (a - signed_len) < UNIT ? sizeof blk - (a - signed_len) : UNIT);
    }
    mbedtls_sha256_finish_ret(&s, digest);
    mbedtls_sha256_ret(blk + 36, 776, kd, 0); /* key digest, the trust check */
    mbedtls_rsa_context r;
    mbedtls_mpi n, e;
    mbedtls_rsa_init(&r, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
    mbedtls_mpi_init(&n);
    mbedtls_mpi_init(&e);
    for (size_t i = 0; i < 384; i++) sig[i] = blk[812 + 383 - i];
    int ok = !mbedtls_mpi_read_binary_le(&n, blk + 36, 384) &&
             !mbedtls_mpi_lset(&e, blk[420] | blk[421] << 8 | blk[422] << 16) && !mbedtls_rsa_import(&r, &n, NULL, NULL, NULL, &e) &&
             !mbedtls_rsa_complete(&r) &&
             !mbedtls_rsa_rsassa_pss_verify_ext(&r, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32, digest,
                                                MBEDTLS_MD_SHA256, 32, sig);
    mbedtls_mpi_free(&n);
    mbedtls_mpi_free(&e);
    mbedtls_rsa_free(&r);
    printf("ota_raw: %zu bytes, key digest %02x%02x..., signature %s\n", o->cap, kd[0], kd[1], ok ? "ok" : "BAD");
    return ok ? 0 : die("signature does not verify");
}

int main(int argc, char **argv)
{
    if (argc != 7) return die("usage: ota_raw HOST PORT PATH CA.pem DEVICE_RSA_PRIV.pem FLASH_KEY_32.bin");
    static struct ota o;
    uint8_t fk[32];
    FILE *kf = fopen(argv[6], "rb");
    if (!kf || fread(fk, 1, 32, kf) != 32) return die("flash key");
    fclose(kf);
    mbedtls_pk_init(&o.dev);
    mbedtls_gcm_init(&o.gcm);
    mbedtls_aes_xts_init(&o.xe);
    mbedtls_aes_xts_init(&o.xd);
    if (mbedtls_pk_parse_keyfile(&o.dev, argv[5], NULL) || mbedtls_pk_get_type(&o.dev) != MBEDTLS_PK_RSA)
        return die("device key");
    if (mbedtls_aes_xts_setkey_enc(&o.xe, fk, 256) || mbedtls_aes_xts_setkey_dec(&o.xd, fk, 256)) return die("flash key");

    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_net_init(&net);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&ca);
    if (mbedtls_x509_crt_parse_file(&ca, argv[4])) return die("CA");
    if (mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT))
        return die("TLS config");
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_rng(&conf, rng, NULL);
    if (mbedtls_net_connect(&net, argv[1], argv[2], MBEDTLS_NET_PROTO_TCP) || mbedtls_ssl_setup(&ssl, &conf) ||
        mbedtls_ssl_set_hostname(&ssl, argv[1]))
        return die("connect");
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv, NULL);
    int rc;
    while ((rc = mbedtls_ssl_handshake(&ssl)) != 0)
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) return die("handshake");
    char req[512];
    int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", argv[3], argv[1]);
    for (int w = 0; w < rl;) {
        rc = mbedtls_ssl_write(&ssl, (const unsigned char *)req + w, (size_t)(rl - w));
        if (rc <= 0) return die("write");
        w += rc;
    }
    static uint8_t buf[16384 + 4096];
    size_t have = 0;
    int in_body = 0;
    for (;;) {
        rc = mbedtls_ssl_read(&ssl, buf + have, sizeof buf - have);
        if (rc == MBEDTLS_ERR_SSL_WANT_READ) continue;
        if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) break;
        if (rc < 0) return die("read");
        have += (size_t)rc;
        if (!in_body) { /* status line and headers: find their end, check 200 */
            uint8_t *e = memmem(buf, have, "\r\n\r\n", 4);
            if (!e) {
                if (have == sizeof buf) return die("headers too long");
                continue;
            }
            if (have < 12 || memcmp(buf + 9, "200", 3)) return die("HTTP status not 200");
            size_t hl = (size_t)(e + 4 - buf);
            in_body = 1;
            if (body(&o, buf + hl, have - hl)) return 1;
        } else if (body(&o, buf, have)) {
            return 1;
        }
        have = 0;
    }
    mbedtls_ssl_close_notify(&ssl);
    rc = finish(&o);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
    mbedtls_net_free(&net);
    mbedtls_pk_free(&o.dev);
    mbedtls_gcm_free(&o.gcm);
    mbedtls_aes_xts_free(&o.xe);
    mbedtls_aes_xts_free(&o.xd);
    free(o.flash);
    return rc;
}
