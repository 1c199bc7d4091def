/* SPDX-License-Identifier: Apache-2.0 */
/* Heap and stack of the device OTA pipeline, measured in-process (bench).
 *
 *   bench_ota_mem ENC_IMAGE RSA_PRIV.pem
 *
 * Builds an in-memory simulated ESP32-C3 (vectors: partitions_two_ota.bin,
 * XTS-128 flash key, Secure Boot digest of sb_rsa3072_key1, chip rev 0.3),
 * puts secure_boot_v2/signed_rsa_1key_unpadded.bin in ota_0 as the running
 * app, then runs the pipeline on ENC_IMAGE (an encrypted image signed with
 * sb_rsa3072_key1) from a buffer, in 4 KiB feeds, on a thread whose stack is
 * painted first. All contexts are static (as on a device); the heap is
 * mbedTLS's own (bignums, AES key schedule), counted by interposing malloc.
 * Prints "key_heap_resident=N key_heap_peak=N pipeline_heap_peak=N
 * stack_peak=N rc=R" (bytes; pipeline_heap_peak excludes the resident key).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/fwd_efuse.h"
#include "device/fwd_ota_pipeline.h"
#include "device/port/sim/fwd_sim.h"

/* ---- counting allocator (interposes glibc's for the whole process) ---- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static size_t cur, peak;
#define HDR 16

void *malloc(size_t n)
{
    uint8_t *p = __libc_malloc(n + HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    cur += n;
    if (cur > peak) peak = cur;
    return p + HDR;
}
void free(void *q)
{
    if (!q) return;
    uint8_t *p = (uint8_t *)q - HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    cur -= n;
    __libc_free(p);
}
void *calloc(size_t a, size_t b)
{
    if (b && a > (size_t)-1 / b - HDR) return NULL;
    void *p = malloc(a * b);
    if (p) memset(p, 0, a * b);
    return p;
}
void *realloc(void *q, size_t n)
{
    if (!q) return malloc(n);
    size_t old;
    memcpy(&old, (uint8_t *)q - HDR, sizeof old);
    void *p = malloc(n);
    if (p) memcpy(p, q, old < n ? old : n);
    free(q);
    return p;
}

/* ---- device ---------------------------------------------------------------- */
static struct fwd_sim sim;
static struct fwd_dev d0;
static struct fwd_ota_dev dev;
static struct fwd_ota_pipeline pl;
static struct fwd_decrypt_key key;

static uint8_t *slurp(const char *path, size_t *len, int nul)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_ota_mem: cannot open %s\n", path);
        exit(3);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = __libc_malloc((size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) exit(3);
    fclose(f);
    p[n] = 0;
    *len = (size_t)n + (nul ? 1 : 0);
    return p;
}

static const char *vec(const char *rel)
{
    static char buf[4][1024];
    static int i;
    const char *base = getenv("FWSEAL_SHARED");
    char *o = buf[i++ & 3];
    snprintf(o, sizeof buf[0], "%s/vectors/%s", base ? base : "../shared", rel);
    return o;
}

static void device_up(void)
{
    size_t n;
    if (fwd_sim_open_mem(&sim, 4u << 20)) exit(3);
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    uint8_t *k = slurp(vec("flash_encryption/fe_key_xts_256.bin"), &n, 0);
    memcpy(st.fe_key, k, 32);
    st.fe_mode = FWD_FE_XTS128;
    st.chip_id = 5;
    st.chip_rev = 3;
    uint8_t *dg = slurp(vec("secure_boot_v2/sb_rsa3072_key1.digest.bin"), &n, 0);
    memcpy(st.digest[0], dg, 32);
    st.digest_present = 1;
    fwd_efuse_secver_bits(1, &st.secure_version_bits);
    if (sim.plat.efuse.burn(sim.plat.efuse.ctx, &st)) exit(3);
    if (fwd_dev_open_blank(&d0, &sim.plat)) exit(3);
    uint8_t *pt = slurp(vec("partition_table/partitions_two_ota.bin"), &n, 0);
    if (fwd_dev_write_abs(&d0, 0x8000, pt, n, 1)) exit(3);
    fwd_dev_close(&d0);
    if (fwd_dev_open(&d0, &sim.plat, 0)) exit(3);
    uint8_t *img = slurp(vec("secure_boot_v2/signed_rsa_1key_unpadded.bin"), &n, 0);
    const struct fwd_part *p0 = fwd_part_find(&d0, "ota_0");
    size_t padded = (n + 4095) / 4096 * 4096;
    static uint8_t buf[1u << 20];
    memset(buf, 0xFF, padded);
    memcpy(buf, img, n);
    if (fwd_part_erase(&d0, p0, 0, padded) || fwd_part_write(&d0, p0, 0, buf, padded)) exit(3);
    fwd_dev_close(&d0);
    if (fwd_ota_dev_open(&dev, &sim.plat, 0, "ota_0")) exit(3);
}

struct job {
    const uint8_t *img;
    size_t len;
    int rc;
};

static void *run(void *arg)
{
    struct job *j = arg;
    struct fwd_ota_pipeline_cfg cfg = { .dev = &dev, .key = &key };
    int rc = fwd_ota_pipeline_start(&pl, &cfg);
    for (size_t off = 0; rc == 0 && off < j->len; off += 4096)
        rc = fwd_ota_pipeline_feed(&pl, j->img + off, j->len - off < 4096 ? j->len - off : 4096);
    if (rc == 0) rc = fwd_ota_pipeline_finish(&pl);
    j->rc = rc;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_ota_mem ENC_IMAGE RSA_PRIV.pem\n");
        return 2;
    }
    size_t n, pn;
    struct job j;
    j.img = slurp(argv[1], &j.len, 0);
    uint8_t *pem = slurp(argv[2], &pn, 1);
    device_up();

    size_t base = cur;
    peak = cur;
    fwd_decrypt_key_init(&key);
    if (fwd_decrypt_key_load_rsa(&key, pem, pn)) return 3;
    size_t key_resident = cur - base, key_peak = peak - base;

    /* Pipeline on a painted 256 KiB stack. */
    enum { STACK = 256 * 1024 };
    uint8_t *stk = __libc_malloc(STACK);
    memset(stk, 0xA5, STACK);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstack(&at, stk, STACK);
    size_t before = cur;
    peak = cur;
    pthread_t t;
    if (pthread_create(&t, &at, run, &j)) return 3;
    pthread_join(t, NULL);
    size_t pipe_peak = peak - before;
    size_t untouched = 0;
    while (untouched < STACK && stk[untouched] == 0xA5) untouched++;
    (void)n;
    printf("key_heap_resident=%zu key_heap_peak=%zu pipeline_heap_peak=%zu stack_peak=%zu rc=%d\n", key_resident,
           key_peak, pipe_peak, (size_t)STACK - untouched, j.rc);
    return j.rc == 0 ? 0 : 1;
}
