/* SPDX-License-Identifier: Apache-2.0 */
/* Measures the two ways to compute espsecure's XTS flash encryption on the
 * host (FORMATS §4.3) on the same 16 MiB, in memory, and checks they agree:
 *   fast: encryptor/fwh_flashenc.c (what fwseal uses): the per-block rule in
 *         batches of 64 units, tweaks in one AES-ECB call, data in another,
 *         word-wise reversal;
 *   unit: the straightforward way: per 128-byte unit, byte-wise reverse, EVP
 *         XTS with the unit tweak (a cipher re-init per unit), reverse.
 * Prints "fast_mbps unit_mbps" (process CPU time). usage: xts_paths [MiB] */
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

/* Whole units from a unit-aligned address; key = K1 (16) || K2 (16). */
static int unit_path(const uint8_t key[32], uint32_t addr, const uint8_t *in, uint8_t *out, size_t n)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c || EVP_EncryptInit_ex(c, EVP_aes_128_xts(), NULL, key, NULL) <= 0) return -1;
    for (size_t u = 0; u < n; u += 128) {
        uint8_t tweak[16] = {0}, rev[128];
        int got = 0;
        fw_enc32le(tweak, addr + (uint32_t)u);
        fw_reverse_copy(rev, in + u, 128);
        if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, tweak) <= 0 || EVP_EncryptUpdate(c, rev, &got, rev, 128) <= 0)
            return -1;
        fw_reverse_copy(out + u, rev, 128);
    }
    EVP_CIPHER_CTX_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 16) << 20;
    uint8_t key[32], *in = malloc(n), *a = malloc(n), *b = malloc(n);
    if (!in || !a || !b) return 1;
    for (size_t i = 0; i < 32; i++) key[i] = (uint8_t)(i * 5 + 3);
    for (size_t i = 0; i < n; i++) in[i] = (uint8_t)(i * 2654435761u >> 13);
    memset(a, 0, n); /* fault the pages in before timing */
    memset(b, 0, n);
    struct fwh_flashenc f;
    if (fwh_flashenc_init(&f, FWH_FLASHENC_XTS, key, 32, 0, 1, NULL, 0)) return 1;
    double t0 = now();
    if (fwh_flashenc_process(&f, 0x10000, in, n, a)) return 1;
    double t1 = now();
    if (unit_path(key, 0x10000, in, b, n)) return 1;
    double t2 = now();
    fwh_flashenc_free(&f);
    if (memcmp(a, b, n)) { fprintf(stderr, "xts_paths: the two paths disagree\n"); return 2; }
    printf("%.0f %.0f\n", (double)n / 1e6 / (t1 - t0), (double)n / 1e6 / (t2 - t1));
    free(in); free(a); free(b);
    return 0;
}
