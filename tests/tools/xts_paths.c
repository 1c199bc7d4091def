/* Measures the two ways to compute espsecure's XTS flash encryption on the
 * host (FORMATS §4.3) on the same 16 MiB and checks they agree:
 *   unit:  per 128-byte unit, reverse, EVP XTS with the unit tweak, reverse
 *          (encryptor/fwh_flashenc.c, what fwseal uses);
 *   alpha: batched per-block rule, X = AES(K2, T) * alpha^m with AES-ECB over
 *          whole buffers (tweaks for all units in one ECB call, data in one).
 * Prints "unit_mbps alpha_mbps" (process CPU time). usage: xts_paths [MiB] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "encryptor/fwh_flashenc.h"
#include "fw_bytes.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: the bench host may be shared */
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void ecb(const uint8_t *key, const uint8_t *in, uint8_t *out, size_t n)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int got = 0;
    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL);
    EVP_CIPHER_CTX_set_padding(c, 0);
    EVP_EncryptUpdate(c, out, &got, in, (int)n);
    EVP_CIPHER_CTX_free(c);
}

static void mul_alpha(uint8_t x[16])
{
    uint8_t carry = (uint8_t)(x[15] >> 7);
    for (int i = 15; i > 0; i--) x[i] = (uint8_t)((x[i] << 1) | (x[i - 1] >> 7));
    x[0] = (uint8_t)((x[0] << 1) ^ (carry ? 0x87 : 0));
}

/* Whole units from a unit-aligned address; key = K1 (16) || K2 (16). */
static void alpha_path(const uint8_t key[32], uint32_t addr, const uint8_t *in, uint8_t *out, size_t n,
                       uint8_t *tw, uint8_t *x)
{
    size_t units = n / 128;
    memset(tw, 0, units * 16);
    for (size_t u = 0; u < units; u++) fw_enc32le(tw + 16 * u, addr + (uint32_t)(128 * u));
    ecb(key + 16, tw, tw, units * 16);
    for (size_t u = 0; u < units; u++) {
        uint8_t t[16];
        memcpy(t, tw + 16 * u, 16);
        for (int j = 7; j >= 0; j--) { /* block j of the unit uses alpha^(7-j) */
            memcpy(x + 128 * u + 16 * j, t, 16);
            mul_alpha(t);
        }
    }
    for (size_t b = 0; b < n / 16; b++) {
        fw_reverse_copy(out + 16 * b, in + 16 * b, 16);
        for (int i = 0; i < 16; i++) out[16 * b + i] ^= x[16 * b + i];
    }
    ecb(key, out, out, n);
    for (size_t b = 0; b < n / 16; b++) {
        uint8_t t[16];
        for (int i = 0; i < 16; i++) t[i] = out[16 * b + i] ^ x[16 * b + i];
        fw_reverse_copy(out + 16 * b, t, 16);
    }
}

int main(int argc, char **argv)
{
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 16) << 20;
    uint8_t key[32], *in = malloc(n), *a = malloc(n), *b = malloc(n), *tw = malloc(n / 8), *x = malloc(n);
    if (!in || !a || !b || !tw || !x) return 1;
    for (size_t i = 0; i < 32; i++) key[i] = (uint8_t)(i * 5 + 3);
    for (size_t i = 0; i < n; i++) in[i] = (uint8_t)(i * 2654435761u >> 13);
    struct fwh_flashenc f;
    if (fwh_flashenc_init(&f, FWH_FLASHENC_XTS, key, 32, 0, 1, NULL, 0)) return 1;
    double t0 = now();
    fwh_flashenc_process(&f, 0x10000, in, n, a);
    double t1 = now();
    alpha_path(key, 0x10000, in, b, n, tw, x);
    double t2 = now();
    fwh_flashenc_free(&f);
    if (memcmp(a, b, n)) { fprintf(stderr, "xts_paths: the two paths disagree\n"); return 2; }
    printf("%.0f %.0f\n", (double)n / 1e6 / (t1 - t0), (double)n / 1e6 / (t2 - t1));
    free(in); free(a); free(b); free(tw); free(x);
    return 0;
}
