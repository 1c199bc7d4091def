/* SPDX-License-Identifier: Apache-2.0 */
/* nvs_bench: figures for bench/40-nvs.sh, printed as BENCH rows.
 * The device NVS library on a RAM NOR flash (24 KiB partition, 48 keys):
 * set (u32 and 64-byte strings, garbage collection included) and get
 * operations per second, plain and XTS-encrypted; mount time of the 16 KiB
 * ESP vector; bytes programmed per u32 update (write amplification).
 * Best of 3 runs, CPU time (clock()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device/fwd_nvs.h"

#define PSIZE (6 * 4096)

static uint8_t flash[PSIZE];
static unsigned long written;

static int rd(void *c, uint32_t o, void *b, size_t n) { (void)c; memcpy(b, flash + o, n); return 0; }
static int wr(void *c, uint32_t o, const void *b, size_t n)
{
    (void)c;
    const uint8_t *p = b;
    for (size_t i = 0; i < n; i++) flash[o + i] &= p[i];
    written += n;
    return 0;
}
static int er(void *c, uint32_t o, size_t n) { (void)c; memset(flash + o, 0xFF, n); return 0; }

static struct fwd_nvs nv;
static const struct fw_nvs_io io = { PSIZE, rd, wr, er, NULL, 1 };

static double secs(clock_t a, clock_t b) { return (double)(b - a) / CLOCKS_PER_SEC; }

static void row(const char *metric, double v, const char *unit, const char *note)
{
    printf("BENCH\tnvs\t%s\t%.1f\t%s\t-\t-\t%s\n", metric, v, unit, note);
}

static double run_sets(const uint8_t *keys, int strings, unsigned n)
{
    memset(flash, 0xFF, sizeof flash);
    if (fwd_nvs_init_keys(&nv, &io, keys, 0)) return 0;
    struct fw_nvs_handle h;
    fw_nvs_open(&nv.store, "bench", 1, &h);
    char key[16], val[64];
    clock_t t0 = clock();
    for (unsigned i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k%u", i % 48);
        int rc;
        if (strings) {
            snprintf(val, sizeof val, "value-%08u-%040u", i, i * 7);
            rc = fw_nvs_set_str(&h, key, val);
        } else {
            rc = fw_nvs_set_u32(&h, key, i);
        }
        if (rc) { fprintf(stderr, "set failed: %d\n", rc); exit(1); }
    }
    double s = secs(t0, clock());
    fwd_nvs_deinit(&nv);
    return n / s;
}

static double run_gets(const uint8_t *keys, unsigned n)
{
    if (fwd_nvs_init_keys(&nv, &io, keys, 1)) return 0;
    struct fw_nvs_handle h;
    fw_nvs_open(&nv.store, "bench", 0, &h);
    char key[16], val[64];
    clock_t t0 = clock();
    for (unsigned i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k%u", i % 48);
        size_t len = sizeof val;
        if (fw_nvs_get_str(&h, key, val, &len)) { fprintf(stderr, "get failed\n"); exit(1); }
    }
    double s = secs(t0, clock());
    fwd_nvs_deinit(&nv);
    return n / s;
}

static double best(double a, double b) { return a > b ? a : b; }

int main(int argc, char **argv)
{
    uint8_t keys[64];
    for (int i = 0; i < 64; i++) keys[i] = (uint8_t)(i * 37 + 11);
    for (int enc = 0; enc < 2; enc++) {
        const uint8_t *k = enc ? keys : NULL;
        const char *tag = enc ? "xts" : "plain";
        char m[64];
        double u = 0, s = 0, g = 0;
        for (int r = 0; r < 3; r++) {
            u = best(u, run_sets(k, 0, 20000));
            s = best(s, run_sets(k, 1, 20000));
            g = best(g, run_gets(k, 20000));
        }
        snprintf(m, sizeof m, "set_u32_%s", tag);
        row(m, u, "ops/s", "24 KiB partition, 48 keys, GC included");
        snprintf(m, sizeof m, "set_str64_%s", tag);
        row(m, s, "ops/s", "64-byte strings (3 entries)");
        snprintf(m, sizeof m, "get_str64_%s", tag);
        row(m, g, "ops/s", "read + payload CRC");
    }
    /* write amplification of a u32 update (steady state, GC amortised) */
    memset(flash, 0xFF, sizeof flash);
    fwd_nvs_init_keys(&nv, &io, NULL, 0);
    struct fw_nvs_handle h;
    fw_nvs_open(&nv.store, "bench", 1, &h);
    for (unsigned i = 0; i < 1000; i++) fw_nvs_set_u32(&h, "x", i);
    written = 0;
    for (unsigned i = 0; i < 10000; i++) fw_nvs_set_u32(&h, "x", i + 5000);
    row("bytes_programmed_per_u32_set", written / 10000.0, "bytes", "entry 32 + bitmap words + GC copies");
    fwd_nvs_deinit(&nv);
    /* mount of the ESP vector (16 KiB, 136 items) */
    if (argc > 1) {
        FILE *f = fopen(argv[1], "rb");
        if (f) {
            size_t n = fread(flash, 1, sizeof flash, f);
            fclose(f);
            struct fw_nvs_io vio = { (uint32_t)n, rd, wr, er, NULL, 1 };
            double bestus = 1e12;
            for (int r = 0; r < 3; r++) {
                clock_t t0 = clock();
                for (int i = 0; i < 200; i++) {
                    fwd_nvs_init_keys(&nv, &vio, NULL, 1);
                    fwd_nvs_deinit(&nv);
                }
                double us = secs(t0, clock()) / 200 * 1e6;
                if (us < bestus) bestus = us;
            }
            row("mount_vector_16k", bestus, "us", "nvs.bin: 3 pages, 136 items, read-only");
        }
    }
    return 0;
}
