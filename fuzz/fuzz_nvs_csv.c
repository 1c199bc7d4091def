/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: NVS CSV parser and partition generator (common/fw_nvs_gen),
 * the nvs_partition_gen.py format behind `fwseal nvs generate`. Byte 0 picks
 * the partition size and whether entries go through a (toy, reversible)
 * "encryption" callback; the rest is the CSV. `file` rows load their content
 * from a buffer derived from the path. Invariants: a generated image has
 * valid page headers and entry CRCs; the base64/hex decoders stay in bounds
 * and base64 round-trips.
 */
// FUZZ-MAX-LEN: 8192
// FUZZ-SEED-PREFIX: 06
// FUZZ-SEEDS: nvs/nvs.csv
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/fw_err.h"
#include "common/fw_nvs.h"
#include "host/fwh_nvs_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int load(void *ctx, const char *path, uint8_t **buf, size_t *len)
{
    (void)ctx;
    size_t n = strlen(path) * 37 % 5000; /* some files larger than a page */
    if (path[0] == '!') return FW_ERR_IO;
    *buf = malloc(n ? n : 1);
    if (!*buf) return FW_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) (*buf)[i] = (uint8_t)(path[i % strlen(path)] + i);
    *len = n;
    return 0;
}

static int xor_crypt(void *ctx, uint32_t rel_off, const uint8_t in[32], uint8_t out[32])
{
    (void)ctx;
    for (int i = 0; i < 32; i++) out[i] = in[i] ^ (uint8_t)(rel_off + i);
    return 0;
}

static void check_image(const uint8_t *img, size_t size)
{
    for (size_t p = 0; p < size; p += 4096) {
        const uint8_t *pg = img + p;
        int erased = 1;
        for (size_t i = 0; i < 32 && erased; i++) erased = pg[i] == 0xFF;
        if (!erased && !fw_nvs_page_hdr_crc_ok(pg)) __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t img[6 * 4096];
    static uint8_t dec[8192];
    static char b64[8192 / 3 * 4 + 8];
    char err[160];
    if (size < 1) return 0;
    uint8_t opt = data[0];
    data++, size--;

    size_t pages = 2 + (opt >> 1) % 5;
    struct fw_nvs_gen_loader ld = {load, NULL};
    struct fw_nvs_crypt cr = {xor_crypt, xor_crypt, NULL};
    err[0] = 0;
    int rc = fw_nvs_gen_csv((const char *)data, size, img, pages * 4096, &ld, (opt & 1) ? &cr : NULL, err,
                            sizeof err);
    if (memchr(err, 0, sizeof err) == NULL) __builtin_trap();
    if (rc == FW_OK) check_image(img, pages * 4096);

    /* The value decoders, straight on the input. */
    long n = fw_nvs_hex_decode((const char *)data, size, dec, sizeof dec);
    if (n > (long)sizeof dec) __builtin_trap();
    n = fw_nvs_b64_decode((const char *)data, size, dec, sizeof dec);
    if (n > (long)sizeof dec) __builtin_trap();
    if (n >= 0 && (size_t)n <= 6000) {
        static uint8_t again[8192];
        fw_nvs_b64_encode(dec, (size_t)n, b64);
        long m = fw_nvs_b64_decode(b64, strlen(b64), again, sizeof again);
        if (m != n || memcmp(dec, again, (size_t)n) != 0) __builtin_trap();
    }
    return 0;
}
