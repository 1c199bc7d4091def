/* SPDX-License-Identifier: Apache-2.0 */
/* Raw mbedTLS cost of the primitives the OTA pipeline uses, one primitive
 * per run, so `valgrind --tool=callgrind` can count each one alone
 * (bench/30-ota.sh subtracts the "none" baseline).
 *
 *   bench_raw MODE MIB [RSA_PRIV.pem [SBV2_SIGNED_IMAGE]]
 *     none        setup only
 *     gcm         AES-256-GCM decrypt, 16-byte IV, MIB MiB in 4 KiB calls
 *     xts-enc     AES-XTS (2x128-bit key) encrypt in 128-byte data units (flash write)
 *     xts-dec     same, decrypt (read-back through flash decryption)
 *     sha256      SHA-256 over MIB MiB
 *     rsa-unwrap  one RSA-3072 PKCS#1 v1.5 private decryption (needs RSA_PRIV.pem)
 *     pss-verify  one RSA-3072 PSS (salt 32) verify with the public half of RSA_PRIV.pem
 *     rsa-prep    the preparation the two above share (key parse, a test
 *                 ciphertext and signature): subtract it to get the op alone
 *     rsa-unwrap-cold, pss-verify-cold, rsa-prep-cold
 *                 the same ops on a second, freshly parsed context that has
 *                 done nothing yet, as in the OTA pipeline (one op per key
 *                 load): the first private op sets up the blinding values,
 *                 the first public op the Montgomery constant, which the
 *                 warm figures above have already paid for
 * Prints a checksum so the work cannot be optimised away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

static uint8_t in[4096], out[4096];

static int rng(void *ctx, unsigned char *p, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 131 + 7);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_raw MODE MIB [RSA_PRIV.pem]\n");
        return 2;
    }
    const char *mode = argv[1];
    size_t blocks = (size_t)atoi(argv[2]) * 256; /* 4 KiB blocks */
    uint8_t key[64], iv[16], acc = 0;
    for (int i = 0; i < 64; i++) key[i] = (uint8_t)(i * 7 + 1);
    memset(iv, 0x42, sizeof iv);
    for (size_t i = 0; i < sizeof in; i++) in[i] = (uint8_t)i;

    if (!strcmp(mode, "gcm")) {
        mbedtls_gcm_context g;
        mbedtls_gcm_init(&g);
        mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, key, 256);
        mbedtls_gcm_starts(&g, MBEDTLS_GCM_DECRYPT, iv, 16, NULL, 0);
        for (size_t b = 0; b < blocks; b++) {
            mbedtls_gcm_update(&g, sizeof in, in, out);
            acc ^= out[b & 4095];
        }
        uint8_t tag[16];
        mbedtls_gcm_finish(&g, tag, 16);
        acc ^= tag[0];
        mbedtls_gcm_free(&g);
    } else if (!strcmp(mode, "xts-enc") || !strcmp(mode, "xts-dec")) {
        int enc = !strcmp(mode, "xts-enc");
        mbedtls_aes_xts_context x;
        mbedtls_aes_xts_init(&x);
        if (enc) mbedtls_aes_xts_setkey_enc(&x, key, 256);
        else mbedtls_aes_xts_setkey_dec(&x, key, 256);
        for (size_t b = 0; b < blocks; b++) {
            for (size_t u = 0; u < sizeof in; u += 128) {
                uint8_t tw[16] = { 0 };
                uint32_t addr = (uint32_t)(b * 4096 + u);
                memcpy(tw, &addr, 4);
                mbedtls_aes_crypt_xts(&x, enc ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT, 128, tw, in + u, out + u);
            }
            acc ^= out[b & 4095];
        }
        mbedtls_aes_xts_free(&x);
    } else if (!strcmp(mode, "sha256")) {
        mbedtls_sha256_context s;
        mbedtls_sha256_init(&s);
        mbedtls_sha256_starts_ret(&s, 0);
        for (size_t b = 0; b < blocks; b++) mbedtls_sha256_update_ret(&s, in, sizeof in);
        uint8_t d[32];
        mbedtls_sha256_finish_ret(&s, d);
        acc ^= d[0];
        mbedtls_sha256_free(&s);
    } else if (!strncmp(mode, "rsa-unwrap", 10) || !strncmp(mode, "pss-verify", 10) || !strncmp(mode, "rsa-prep", 8)) {
        if (argc < 4) return 2;
        int cold = strstr(mode, "-cold") != NULL;
        mbedtls_pk_context pk, pk2;
        mbedtls_pk_init(&pk);
        mbedtls_pk_init(&pk2);
        if (mbedtls_pk_parse_keyfile(&pk, argv[3], NULL) || mbedtls_pk_get_type(&pk) != MBEDTLS_PK_RSA) return 3;
        if (cold && mbedtls_pk_parse_keyfile(&pk2, argv[3], NULL)) return 3;
        mbedtls_rsa_context *r = mbedtls_pk_rsa(pk);
        uint8_t ct[384], msg[32], outk[32], sig[384], hash[32];
        memset(msg, 0x5A, sizeof msg);
        memset(hash, 0xA5, sizeof hash);
        /* Prepared with the same key outside the measured op (the public op is cheap). */
        mbedtls_rsa_set_padding(r, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
        if (mbedtls_rsa_rsaes_pkcs1_v15_encrypt(r, rng, NULL, MBEDTLS_RSA_PUBLIC, 32, msg, ct)) return 3;
        mbedtls_rsa_set_padding(r, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
        if (mbedtls_rsa_rsassa_pss_sign(r, rng, NULL, MBEDTLS_RSA_PRIVATE, MBEDTLS_MD_SHA256, 32, hash, sig)) return 3;
        if (cold) r = mbedtls_pk_rsa(pk2); /* the measured op runs on a context that has done nothing yet */
        if (!strncmp(mode, "rsa-prep", 8)) {
            acc ^= ct[0] ^ sig[0];
        } else if (!strncmp(mode, "rsa-unwrap", 10)) {
            size_t olen = 0;
            mbedtls_rsa_set_padding(r, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
            int rc = mbedtls_rsa_rsaes_pkcs1_v15_decrypt(r, rng, NULL, MBEDTLS_RSA_PRIVATE, &olen, ct, outk, 32);
            acc ^= (uint8_t)(rc == 0 && olen == 32 && !memcmp(outk, msg, 32));
        } else {
            int rc = mbedtls_rsa_rsassa_pss_verify_ext(r, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32, hash,
                                                       MBEDTLS_MD_SHA256, 32, sig);
            acc ^= (uint8_t)(rc == 0);
        }
        mbedtls_pk_free(&pk);
        mbedtls_pk_free(&pk2);
    } else if (strcmp(mode, "none")) {
        fprintf(stderr, "bench_raw: unknown mode %s\n", mode);
        return 2;
    }
    printf("bench_raw %s %u\n", mode, acc);
    return 0;
}
