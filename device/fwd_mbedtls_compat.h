/* SPDX-License-Identifier: Apache-2.0 */
/* The one place where mbedTLS 2.28 and 3.6 differ, for the files that call
 * mbedTLS directly: the crypto backend (device/fwd_crypto_mbedtls.c) and the
 * TLS client (device/fwd_tls.c), plus test fixtures that make signatures.
 * No other file includes it, and no other file tests MBEDTLS_VERSION_*.
 *
 * Each wrapper below is named after the operation (fwd_mbed_<what>) and
 * has the same meaning on both versions; the #if is inside the wrapper, so
 * the call sites stay free of version tests. Supported: mbedTLS 2.28 LTS
 * (Debian 12) and 3.6 LTS (Debian 13, ESP-IDF 5.x, Zephyr); 3.0-3.5 and 4.x
 * are refused at compile time (untested; 3.6 adds accessors used here).
 * On 3.6 the device code uses only the public API except in one place
 * (MBEDTLS_PRIVATE: the alert byte of a refused handshake); the test
 * fixture that signs ECDSA reads the key pair's private members too.
 * See docs/porting.md "mbedTLS versions". */
#ifndef FWD_MBEDTLS_COMPAT_H
#define FWD_MBEDTLS_COMPAT_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/version.h>

#include <mbedtls/ecp.h>
#include <mbedtls/gcm.h>
#include <mbedtls/md.h>
#include <mbedtls/md5.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/ssl.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && MBEDTLS_VERSION_NUMBER < 0x04000000
#define FWD_MBEDTLS_3 1
#include <psa/crypto.h>
#elif MBEDTLS_VERSION_NUMBER >= 0x021C0000 && MBEDTLS_VERSION_NUMBER < 0x03000000
#define FWD_MBEDTLS_3 0
#else
#error "fwseal's device library supports mbedTLS 2.28 LTS and 3.6 LTS (3.x from 3.6 on)"
#endif

/* 3.x marks struct members that are not part of its API with
 * MBEDTLS_PRIVATE(); in 2.28 every member is plain. */
#ifndef MBEDTLS_PRIVATE
#define MBEDTLS_PRIVATE(member) member
#endif

/* ---- hashes: 2.28's *_ret functions are 3.x's plain names ------------------ */

static inline int fwd_mbed_sha256_starts(mbedtls_sha256_context *c)
{
#if FWD_MBEDTLS_3
    return mbedtls_sha256_starts(c, 0);
#else
    return mbedtls_sha256_starts_ret(c, 0);
#endif
}

static inline int fwd_mbed_sha256_update(mbedtls_sha256_context *c, const uint8_t *p, size_t n)
{
#if FWD_MBEDTLS_3
    return mbedtls_sha256_update(c, p, n);
#else
    return mbedtls_sha256_update_ret(c, p, n);
#endif
}

static inline int fwd_mbed_sha256_finish(mbedtls_sha256_context *c, uint8_t out[32])
{
#if FWD_MBEDTLS_3
    return mbedtls_sha256_finish(c, out);
#else
    return mbedtls_sha256_finish_ret(c, out);
#endif
}

static inline int fwd_mbed_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
#if FWD_MBEDTLS_3
    return mbedtls_sha256(p, n, out, 0);
#else
    return mbedtls_sha256_ret(p, n, out, 0);
#endif
}

/* SHA-384 (the SHA-512 engine with is384 = 1). A configuration may leave it
 * out (a boot image whose scheme table signs no SHA-384 digest, docs/porting.md
 * 9.7: 3.6 without MBEDTLS_SHA384_C, 2.28 without MBEDTLS_SHA512_C or with
 * MBEDTLS_SHA512_NO_SHA384): then every call below fails (init and free do
 * nothing), so fwd_hash_start(FWD_HASH_SHA384) fails and a device whose
 * eFuse asks for SHA-384 refuses every image -- never a fallback to SHA-256. */
#if FWD_MBEDTLS_3 ? defined(MBEDTLS_SHA384_C) : (defined(MBEDTLS_SHA512_C) && !defined(MBEDTLS_SHA512_NO_SHA384))
#define FWD_MBED_HAVE_SHA384 1
#else
#define FWD_MBED_HAVE_SHA384 0
#endif

#if FWD_MBED_HAVE_SHA384
static inline void fwd_mbed_sha512_init(mbedtls_sha512_context *c) { mbedtls_sha512_init(c); }
static inline void fwd_mbed_sha512_free(mbedtls_sha512_context *c) { mbedtls_sha512_free(c); }
static inline void fwd_mbed_sha512_clone(mbedtls_sha512_context *d, const mbedtls_sha512_context *s)
{
    mbedtls_sha512_clone(d, s);
}

static inline int fwd_mbed_sha384_starts(mbedtls_sha512_context *c)
{
#if FWD_MBEDTLS_3
    return mbedtls_sha512_starts(c, 1);
#else
    return mbedtls_sha512_starts_ret(c, 1);
#endif
}

static inline int fwd_mbed_sha512_update(mbedtls_sha512_context *c, const uint8_t *p, size_t n)
{
#if FWD_MBEDTLS_3
    return mbedtls_sha512_update(c, p, n);
#else
    return mbedtls_sha512_update_ret(c, p, n);
#endif
}

static inline int fwd_mbed_sha512_finish(mbedtls_sha512_context *c, uint8_t *out)
{
#if FWD_MBEDTLS_3
    return mbedtls_sha512_finish(c, out);
#else
    return mbedtls_sha512_finish_ret(c, out);
#endif
}
#else
static inline void fwd_mbed_sha512_init(mbedtls_sha512_context *c) { (void)c; }
static inline void fwd_mbed_sha512_free(mbedtls_sha512_context *c) { (void)c; }
static inline void fwd_mbed_sha512_clone(mbedtls_sha512_context *d, const mbedtls_sha512_context *s)
{
    (void)d;
    (void)s;
}
static inline int fwd_mbed_sha384_starts(mbedtls_sha512_context *c)
{
    (void)c;
    return -1;
}
static inline int fwd_mbed_sha512_update(mbedtls_sha512_context *c, const uint8_t *p, size_t n)
{
    (void)c;
    (void)p;
    (void)n;
    return -1;
}
static inline int fwd_mbed_sha512_finish(mbedtls_sha512_context *c, uint8_t *out)
{
    (void)c;
    (void)out;
    return -1;
}
#endif

static inline int fwd_mbed_md5(const uint8_t *p, size_t n, uint8_t out[16])
{
#if FWD_MBEDTLS_3
    return mbedtls_md5(p, n, out);
#else
    return mbedtls_md5_ret(p, n, out);
#endif
}

/* ---- PBKDF2: 3.x deprecates the md-context form for the md-type form ------- */

static inline int fwd_mbed_pbkdf2_hmac(mbedtls_md_type_t md, const uint8_t *pw, size_t pw_len, const uint8_t *salt,
                                       size_t salt_len, uint32_t iterations, uint32_t out_len, uint8_t *out)
{
#if FWD_MBEDTLS_3
    return mbedtls_pkcs5_pbkdf2_hmac_ext(md, pw, pw_len, salt, salt_len, iterations, out_len, out);
#else
    mbedtls_md_context_t ctx;
    mbedtls_md_init(&ctx);
    int rc = mbedtls_md_setup(&ctx, mbedtls_md_info_from_type(md), 1);
    if (rc == 0) rc = mbedtls_pkcs5_pbkdf2_hmac(&ctx, pw, pw_len, salt, salt_len, iterations, out_len, out);
    mbedtls_md_free(&ctx);
    return rc;
#endif
}

/* ---- AES-GCM: 3.x moved the AAD out of starts and reports output lengths -- */

/* Starts an operation without associated data. */
static inline int fwd_mbed_gcm_starts(mbedtls_gcm_context *c, int mode, const uint8_t *iv, size_t iv_len)
{
#if FWD_MBEDTLS_3
    return mbedtls_gcm_starts(c, mode, iv, iv_len);
#else
    return mbedtls_gcm_starts(c, mode, iv, iv_len, NULL, 0);
#endif
}

/* Exactly n bytes out for n bytes in (the seam's contract). 3.x lets an
 * implementation buffer a partial block instead (an accelerator behind
 * MBEDTLS_GCM_ALT may); that would leave bytes undelivered, so it is an
 * error here rather than silently short output. */
static inline int fwd_mbed_gcm_update(mbedtls_gcm_context *c, const uint8_t *in, uint8_t *out, size_t n)
{
#if FWD_MBEDTLS_3
    size_t produced = 0;
    int rc = mbedtls_gcm_update(c, in, n, out, n, &produced);
    return rc != 0 ? rc : produced == n ? 0 : MBEDTLS_ERR_GCM_BAD_INPUT;
#else
    return mbedtls_gcm_update(c, n, in, out);
#endif
}

/* The tag; no plaintext is held back (see fwd_mbed_gcm_update). */
static inline int fwd_mbed_gcm_finish(mbedtls_gcm_context *c, uint8_t *tag, size_t tag_len)
{
#if FWD_MBEDTLS_3
    size_t produced = 0;
    int rc = mbedtls_gcm_finish(c, NULL, 0, &produced, tag, tag_len);
    return rc != 0 ? rc : produced == 0 ? 0 : MBEDTLS_ERR_GCM_BAD_INPUT;
#else
    return mbedtls_gcm_finish(c, tag, tag_len);
#endif
}

/* ---- RSA: 3.x drops the public/private mode argument ------------------------ */

static inline int fwd_mbed_rsa_init(mbedtls_rsa_context *rsa, int padding, mbedtls_md_type_t md)
{
#if FWD_MBEDTLS_3
    mbedtls_rsa_init(rsa);
    return mbedtls_rsa_set_padding(rsa, padding, md);
#else
    mbedtls_rsa_init(rsa, padding, (int)md);
    return 0;
#endif
}

static inline int fwd_mbed_rsa_pss_verify(mbedtls_rsa_context *rsa, mbedtls_md_type_t md, unsigned digest_len,
                                          const uint8_t *digest, mbedtls_md_type_t mgf1_md, int salt_len,
                                          const uint8_t *sig)
{
#if FWD_MBEDTLS_3
    return mbedtls_rsa_rsassa_pss_verify_ext(rsa, md, digest_len, digest, mgf1_md, salt_len, sig);
#else
    return mbedtls_rsa_rsassa_pss_verify_ext(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, md, digest_len, digest, mgf1_md,
                                             salt_len, sig);
#endif
}

/* Private-key PKCS#1 v1.5 decryption (blinded with f_rng). */
static inline int fwd_mbed_rsa_pkcs1_v15_decrypt(mbedtls_rsa_context *rsa,
                                                 int (*f_rng)(void *, unsigned char *, size_t), void *p_rng,
                                                 size_t *olen, const uint8_t *in, uint8_t *out, size_t out_max)
{
#if FWD_MBEDTLS_3
    return mbedtls_rsa_rsaes_pkcs1_v15_decrypt(rsa, f_rng, p_rng, olen, in, out, out_max);
#else
    return mbedtls_rsa_rsaes_pkcs1_v15_decrypt(rsa, f_rng, p_rng, MBEDTLS_RSA_PRIVATE, olen, in, out, out_max);
#endif
}

/* ---- key parsing: 3.x wants an RNG (EC blinding) --------------------------- */

/* An RNG that refuses. Parsing an RSA key never draws random bytes; an EC
 * private key whose file lacks the public point would need blinded point
 * multiplication to derive it, and the callers of fwd_mbed_pk_parse_key
 * have no randomness to offer: such a key is refused, never parsed with a
 * fake RNG. */
static inline int fwd_mbed_no_rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
}

/* An unencrypted private key, PEM (NUL included in len) or DER. */
static inline int fwd_mbed_pk_parse_key(mbedtls_pk_context *pk, const uint8_t *key, size_t len)
{
#if FWD_MBEDTLS_3
    return mbedtls_pk_parse_key(pk, key, len, NULL, 0, fwd_mbed_no_rng, NULL);
#else
    return mbedtls_pk_parse_key(pk, key, len, NULL, 0);
#endif
}

#if defined(MBEDTLS_FS_IO)
/* Same from a file (tests; bare-metal configurations have no file I/O). */
static inline int fwd_mbed_pk_parse_keyfile(mbedtls_pk_context *pk, const char *path,
                                            int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
#if FWD_MBEDTLS_3
    return mbedtls_pk_parse_keyfile(pk, path, NULL, f_rng, p_rng);
#else
    (void)f_rng;
    (void)p_rng;
    return mbedtls_pk_parse_keyfile(pk, path, NULL);
#endif
}
#endif

/* ---- EC key pairs: 3.x hides the members behind accessors ------------------ */

static inline mbedtls_ecp_group_id fwd_mbed_ec_group_id(const mbedtls_ecp_keypair *ec)
{
#if FWD_MBEDTLS_3
    return mbedtls_ecp_keypair_get_group_id(ec);
#else
    return ec->grp.id;
#endif
}

/* The public point, uncompressed (04 || X || Y). */
static inline int fwd_mbed_ec_write_public(const mbedtls_ecp_keypair *ec, size_t *olen, uint8_t *buf, size_t buflen)
{
#if FWD_MBEDTLS_3
    return mbedtls_ecp_write_public_key(ec, MBEDTLS_ECP_PF_UNCOMPRESSED, olen, buf, buflen);
#else
    return mbedtls_ecp_point_write_binary(&ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, olen, buf, buflen);
#endif
}

/* ---- TLS client -------------------------------------------------------------- */

/* Once before a handshake: 3.6's TLS code draws on PSA Crypto when it is
 * built in (always with TLS 1.3 or MBEDTLS_USE_PSA_CRYPTO), and PSA must be
 * initialised first; 2.28 has nothing to initialise. Idempotent. */
static inline int fwd_mbed_tls_prepare(void)
{
#if FWD_MBEDTLS_3 && defined(MBEDTLS_PSA_CRYPTO_C)
    return psa_crypto_init() == PSA_SUCCESS ? 0 : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
#else
    return 0;
#endif
}

/* TLS 1.2 and nothing else (3.6 enables TLS 1.3 by default; the client's
 * policy and its messages are about TLS 1.2 with the suites it lists). */
static inline void fwd_mbed_ssl_conf_tls12_only(mbedtls_ssl_config *conf)
{
#if FWD_MBEDTLS_3
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/* The description byte of the fatal alert the peer sent, after a handshake
 * returned MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE; -1 if unknown. Neither
 * version has an accessor: the record is read from the context (3.6:
 * through MBEDTLS_PRIVATE, the one private access in fwseal). */
static inline int fwd_mbed_ssl_received_alert(const mbedtls_ssl_context *ssl)
{
    const unsigned char *msg = ssl->MBEDTLS_PRIVATE(in_msg);
    return msg ? msg[1] : -1;
}

/* What a handshake error code means for the messages, version-neutral. */
enum fwd_mbed_hs_error {
    FWD_MBED_HS_OTHER = 0,
    FWD_MBED_HS_UNOFFERED_CHOICE, /* the server picked a suite/parameter the client did not offer */
    FWD_MBED_HS_BAD_VERSION,      /* the server's protocol version is not TLS 1.2 */
};

static inline enum fwd_mbed_hs_error fwd_mbed_hs_error_kind(int rc)
{
#if FWD_MBEDTLS_3
    if (rc == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER) return FWD_MBED_HS_UNOFFERED_CHOICE;
    if (rc == MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION) return FWD_MBED_HS_BAD_VERSION;
#else
    if (rc == MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO || rc == MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN)
        return FWD_MBED_HS_UNOFFERED_CHOICE;
    if (rc == MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION) return FWD_MBED_HS_BAD_VERSION;
#endif
    return FWD_MBED_HS_OTHER;
}

#endif /* FWD_MBEDTLS_COMPAT_H */
