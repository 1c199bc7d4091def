/* SPDX-License-Identifier: Apache-2.0 */
/* Raw primitives of an OTA and of a boot verification, straight on mbedTLS
 * (no fwseal code): AES-256-GCM decrypt, XTS-AES-128 encrypt and decrypt in
 * 128-byte units (the flash-encryption unit), SHA-256, each over 1 MiB; one
 * RSA-3072 PSS verification and one ECDSA P-256 verification. A verification
 * costs the same whether the signature matches or not (the public-key
 * operation is done in full before the comparison), so random signatures
 * under a random key are used: no key files needed. */
#include "tests/target/fwtest_bench.h"

#include <stdio.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/gcm.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "device/port/mps2-an386/an386_rt.h"

#define MIB (1024u * 1024u)
static uint8_t buf[4096];

static uint64_t t0;
static void start(void) { t0 = an386_ticks(); }
static void stop(const char *name, unsigned bytes)
{
    char num[21];
    printf("fwtest: prim %s insns %s bytes %u\n", name, an386_u64((an386_ticks() - t0) * AN386_NS_PER_TICK, num), bytes);
}

static int rng(void *ctx, unsigned char *out, size_t len)
{
    const struct fwd_platform *plat = ctx;
    return plat->random.fill(plat->random.ctx, out, len) ? -1 : 0;
}

static int sym(const struct fwd_platform *plat)
{
    uint8_t key[64], iv[16], tag[16], tweak[16] = { 0 };
    int rc = 0;
    plat->random.fill(plat->random.ctx, key, sizeof key);
    plat->random.fill(plat->random.ctx, buf, sizeof buf);
    memset(iv, 0x5A, sizeof iv);

    mbedtls_sha256_context sh;
    mbedtls_sha256_init(&sh);
    start();
    rc |= mbedtls_sha256_starts(&sh, 0);
    for (unsigned i = 0; i < MIB / sizeof buf; i++) rc |= mbedtls_sha256_update(&sh, buf, sizeof buf);
    rc |= mbedtls_sha256_finish(&sh, tag);
    stop("sha256", MIB);
    mbedtls_sha256_free(&sh);

    mbedtls_gcm_context g;
    mbedtls_gcm_init(&g);
    size_t ol;
    start();
    rc |= mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, key, 256);
    rc |= mbedtls_gcm_starts(&g, MBEDTLS_GCM_DECRYPT, iv, 12);
    for (unsigned i = 0; i < MIB / sizeof buf; i++) rc |= mbedtls_gcm_update(&g, buf, sizeof buf, buf, sizeof buf, &ol);
    rc |= mbedtls_gcm_finish(&g, NULL, 0, &ol, tag, 16);
    stop("aes256-gcm-decrypt", MIB);
    mbedtls_gcm_free(&g);

    for (int dir = 0; dir < 2; dir++) {
        mbedtls_aes_xts_context x;
        mbedtls_aes_xts_init(&x);
        rc |= dir ? mbedtls_aes_xts_setkey_dec(&x, key, 256) : mbedtls_aes_xts_setkey_enc(&x, key, 256);
        start();
        for (unsigned i = 0; i < MIB / 128; i++) {
            memcpy(tweak, &i, sizeof i);
            uint8_t *u = buf + (i % (sizeof buf / 128)) * 128;
            rc |= mbedtls_aes_crypt_xts(&x, dir ? MBEDTLS_AES_DECRYPT : MBEDTLS_AES_ENCRYPT, 128, tweak, u, u);
        }
        stop(dir ? "xts128-decrypt" : "xts128-encrypt", MIB);
        mbedtls_aes_xts_free(&x);
    }
    memset(key, 0, sizeof key);
    return rc;
}

static int rsa_verify(const struct fwd_platform *plat)
{
    static uint8_t n[384], sig[384];
    uint8_t hash[32] = { 0 };
    mbedtls_rsa_context r;
    mbedtls_rsa_init(&r);
    mbedtls_mpi N, E;
    mbedtls_mpi_init(&N);
    mbedtls_mpi_init(&E);
    plat->random.fill(plat->random.ctx, n, sizeof n);
    plat->random.fill(plat->random.ctx, sig, sizeof sig);
    n[0] |= 0x80;
    n[sizeof n - 1] |= 1;
    sig[0] = 0x01;   /* below the modulus */
    int rc = mbedtls_mpi_read_binary(&N, n, sizeof n) || mbedtls_mpi_lset(&E, 65537) ||
             mbedtls_rsa_import(&r, &N, NULL, NULL, NULL, &E) || mbedtls_rsa_complete(&r) ||
             mbedtls_rsa_set_padding(&r, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
    if (!rc) {
        start();
        (void)mbedtls_rsa_rsassa_pss_verify(&r, MBEDTLS_MD_SHA256, 32, hash, sig); /* a mismatch, at full cost */
        stop("rsa3072-pss-verify", 0);
    }
    mbedtls_mpi_free(&N);
    mbedtls_mpi_free(&E);
    mbedtls_rsa_free(&r);
    return rc;
}

static int ecdsa_verify(const struct fwd_platform *plat)
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point Q;
    mbedtls_mpi d, r, s;
    uint8_t hash[32], rb[32];
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&Q);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    plat->random.fill(plat->random.ctx, hash, sizeof hash);
    int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) ||
             mbedtls_ecp_gen_privkey(&grp, &d, rng, (void *)plat) ||
             mbedtls_ecp_mul(&grp, &Q, &d, &grp.G, rng, (void *)plat);
    plat->random.fill(plat->random.ctx, rb, sizeof rb);
    rb[0] &= 0x7F;
    rc = rc || mbedtls_mpi_read_binary(&r, rb, sizeof rb);
    plat->random.fill(plat->random.ctx, rb, sizeof rb);
    rb[0] &= 0x7F;
    rc = rc || mbedtls_mpi_read_binary(&s, rb, sizeof rb);
    if (!rc) {
        start();
        (void)mbedtls_ecdsa_verify(&grp, hash, sizeof hash, &Q, &r, &s); /* a mismatch, at full cost */
        stop("ecdsa-p256-verify", 0);
    }
    mbedtls_mpi_free(&d);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_group_free(&grp);
    return rc;
}

/* Calibration of the counting method: a loop of exactly 2 instructions per
 * iteration (SUBS + BNE), 10 million iterations = 20 000 000 instructions;
 * the bench prints measured / expected. */
static void calibrate(void)
{
    uint32_t n = 10000000u;
    start();
    __asm__ volatile("1: subs %0, %0, #1\n"
                     "   bne 1b\n"
                     : "+r"(n)
                     :
                     : "cc");
    stop("calibration-20000000", 0);
}

int fwtest_bench_prims(const struct fwd_platform *plat)
{
    calibrate();
    int rc = sym(plat);
    rc |= rsa_verify(plat);
    rc |= ecdsa_verify(plat);
    if (rc) printf("fwtest: FAIL bench-prims\n");
    return rc ? FW_ERR_CRYPTO : FW_OK;
}
