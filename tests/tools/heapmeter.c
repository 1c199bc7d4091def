/* SPDX-License-Identifier: Apache-2.0 */
/* bench helper: peak heap of the device paths, measured by interposing the
 * C allocator (every malloc/calloc/realloc/free of the process, mbedTLS's
 * included, goes through here and is sized with malloc_usable_size).
 *
 *   heapmeter OLD.signed NEW.signed NEW.enc ENC_PRIV.pem DIGEST.bin
 *
 * Prints BENCH rows: peak heap above the level at the start of each phase —
 * the encrypted OTA pipeline (key already loaded, as on a device that loads
 * it once), the bootloader, and an NVS mount + 200 set/commit. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nvs/fw_nvs_store.h"
#include "device/fwd_fleet.h"
#include "device/fwd_nvs.h"
#include "tests/tools/pc_dev.h"

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static size_t cur, peak;

static void *count(void *p)
{
    if (p) {
        cur += malloc_usable_size(p);
        if (cur > peak) peak = cur;
    }
    return p;
}
void *malloc(size_t n) { return count(__libc_malloc(n)); }
void *calloc(size_t n, size_t m) { return count(__libc_calloc(n, m)); }
void free(void *p)
{
    if (p) cur -= malloc_usable_size(p);
    __libc_free(p);
}
void *realloc(void *p, size_t n)
{
    if (p) cur -= malloc_usable_size(p);
    return count(__libc_realloc(p, n));
}

static struct pc P;
static size_t start;
static void phase_begin(void) { start = cur, peak = cur; }
static void phase_row(const char *metric, const char *note)
{
    printf("BENCH\tdevice memory\t%s\t%zu\tbytes\t-\t-\t%s\n", metric, peak - start, note);
}

/* The caller-provided structs docs/porting.md names, as this build lays
 * them out (the docs quote no sizes: they point here). */
static void struct_size(const char *name, size_t size)
{
    printf("BENCH\tstruct sizes\tstruct %s\t%zu\tbytes\t-\t-\tsizeof on this build (x86-64)\n", name, size);
}

static void struct_sizes(void)
{
    struct_size("fwd_fe", sizeof(struct fwd_fe));
    struct_size("fwd_dev", sizeof(struct fwd_dev));
    struct_size("fw_pt", sizeof(struct fw_pt));
    struct_size("fwd_otadata", sizeof(struct fwd_otadata));
    struct_size("fwd_verify_work", sizeof(struct fwd_verify_work));
    struct_size("fwd_ota_dev", sizeof(struct fwd_ota_dev));
    struct_size("fwd_ota_handle", sizeof(struct fwd_ota_handle));
    struct_size("fwd_ota_pipeline", sizeof(struct fwd_ota_pipeline));
    struct_size("fwd_decrypt", sizeof(struct fwd_decrypt));
    struct_size("fwb_plan", sizeof(struct fwb_plan));
    struct_size("fwb_result", sizeof(struct fwb_result));
    struct_size("fwd_chunk_check", sizeof(struct fwd_chunk_check));   /* fleet: verify-before-write stage */
    struct_size("fwd_fleet", sizeof(struct fwd_fleet));               /* fleet update, manifest buffer included */
}

int main(int argc, char **argv)
{
    if (argc < 6) { fprintf(stderr, "usage: heapmeter OLD.signed NEW.signed NEW.enc ENC_PRIV.pem DIGEST.bin\n"); return 2; }
    size_t ol, nl, el, dl;
    uint8_t *old_img = pc_file(argv[1], &ol, 0), *enc = pc_file(argv[3], &el, 0), *dig = pc_file(argv[5], &dl, 0);
    (void)nl;
    pc_open(&P, dig, argv[4]);
    struct fwb_result r;
    if (pc_flash_image(&P, "ota_0", old_img, ol) || pc_boot(&P, &r)) { fprintf(stderr, "heapmeter: setup failed\n"); return 3; }

    phase_begin();
    int rc = pc_ota(&P, "ota_0", enc, el, 4096);
    phase_row("peak heap: encrypted OTA pipeline (RSA-3072)", rc ? "OTA FAILED" : "decrypt+write+verify+set boot; key loaded before; mbedTLS included");
    phase_begin();
    rc = pc_boot(&P, &r);
    phase_row("peak heap: bootloader", rc ? "BOOT FAILED" : "two full verifications of the chosen image; mbedTLS included");

    static struct fwd_nvs nvs;
    struct fwd_nvs_region region;
    struct fw_nvs_io io;
    struct fw_nvs_handle h;
    static const uint8_t keys[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    phase_begin();
    fwd_nvs_region_io(&region, &P.plat.flash, PC_NVS_OFF, PC_NVS_SIZE, &io);
    rc = fwd_nvs_init_keys(&nvs, &io, keys, 0);
    if (!rc) rc = fw_nvs_open(&nvs.store, "bench", 1, &h);
    for (int i = 0; !rc && i < 200; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i % 20);
        rc = fw_nvs_set_int(&h, k, FW_NVS_U32, (uint64_t)i);
        if (!rc) rc = fw_nvs_commit(&h);
    }
    phase_row("peak heap: NVS (encrypted) mount + 200 set/commit", rc ? "NVS FAILED" : "store is caller-provided (static here); mbedTLS XTS included");
    printf("BENCH\tdevice memory\tstruct fwd_ota_dev + fwd_ota_pipeline\t%zu\tbytes\t-\t-\tcaller-provided (static on a device)\n",
           sizeof(struct fwd_ota_dev) + sizeof(struct fwd_ota_pipeline));
    printf("BENCH\tdevice memory\tstruct fwd_nvs\t%zu\tbytes\t-\t-\tcaller-provided\n", sizeof(struct fwd_nvs));
    struct_sizes();
    return 0;
}
