/* Test helpers for NVS unit tests: a RAM NOR flash with strict NOR checks
 * and power-cut injection, and a canonical listing of a store's items. */
#ifndef NVS_TESTLIB_H
#define NVS_TESTLIB_H

#include "testutil.h"

#include "fw_err.h"
#include "fw_nvs.h"
#include "fw_nvs_gen.h"
#include "fw_nvs_store.h"

/* NOR in RAM: erase -> 0xFF, a write may only clear bits (strict: a write
 * that would set a bit is an error, as on the simulator). Cut injection:
 * cut_at = N makes the N-th write/erase (1-based) fail with POWER_LOSS,
 * in mode 0 without effect, in mode 1 torn (first half of a write / the
 * first half of an erase), and every later op fail too (device is dead). */
struct ramflash {
    uint8_t *mem;
    uint32_t size;
    unsigned long ops;
    unsigned long cut_at;
    int cut_mode;
    int dead;
    int strict_violations;
    unsigned long erases;
};

static inline int rf_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct ramflash *f = ctx;
    if (off + (uint64_t)len > f->size) return FW_ERR_INVALID_ARG;
    memcpy(buf, f->mem + off, len);
    return 0;
}

static inline int rf_cut(struct ramflash *f)
{
    if (f->dead) return 1;
    f->ops++;
    if (f->cut_at && f->ops == f->cut_at) { f->dead = 1; return 2; }
    return 0;
}

static inline int rf_write(void *ctx, uint32_t off, const void *buf, size_t len)
{
    struct ramflash *f = ctx;
    if (off + (uint64_t)len > f->size || off % 4 || len % 4) return FW_ERR_INVALID_ARG;
    int c = rf_cut(f);
    if (c == 1) return FW_ERR_POWER_LOSS;
    size_t n = c == 2 ? (f->cut_mode ? len / 2 : 0) : len;
    const uint8_t *b = buf;
    for (size_t i = 0; i < n; i++) {
        if ((f->mem[off + i] & b[i]) != b[i]) { f->strict_violations++; return FW_ERR_NOT_ERASED; }
        f->mem[off + i] &= b[i];
    }
    return c ? FW_ERR_POWER_LOSS : 0;
}

static inline int rf_erase(void *ctx, uint32_t off, size_t len)
{
    struct ramflash *f = ctx;
    if (off + (uint64_t)len > f->size || off % 4096 || len % 4096) return FW_ERR_INVALID_ARG;
    int c = rf_cut(f);
    if (c == 1) return FW_ERR_POWER_LOSS;
    size_t n = c == 2 ? (f->cut_mode ? len / 2 : 0) : len;
    memset(f->mem + off, 0xFF, n);
    f->erases++;
    return c ? FW_ERR_POWER_LOSS : 0;
}

static inline void rf_init(struct ramflash *f, uint8_t *mem, uint32_t size, struct fw_nvs_io *io)
{
    memset(f, 0, sizeof *f);
    f->mem = mem;
    f->size = size;
    io->size = size;
    io->read = rf_read;
    io->write = rf_write;
    io->erase = rf_erase;
    io->ctx = f;
}

/* Append one canonical line per item ("ns/key type value", blobs base64). */
static inline size_t nvs_listing(struct fw_nvs_store *s, char *out, size_t max, unsigned *count)
{
    struct fw_nvs_iter it = { 0 };
    struct fw_nvs_info in;
    size_t o = 0;
    *count = 0;
    static uint8_t buf[520000];
    static char b64[700000];
    while (fw_nvs_iter_next(s, 0, &it, &in)) {
        struct fw_nvs_handle h;
        assert_int_equal(fw_nvs_open_index(s, in.ns, 0, &h), 0);
        char val[64];
        const char *v = val;
        if (fw_nvs_type_is_primitive(in.type)) {
            uint64_t x;
            assert_int_equal(fw_nvs_get_int(&h, in.key, in.type, &x), 0);
            if (in.type & 0x10) snprintf(val, sizeof val, "%lld", (long long)fw_nvs_int_signed(in.type, x));
            else snprintf(val, sizeof val, "%llu", (unsigned long long)x);
        } else if (in.type == FW_NVS_SZ) {
            size_t n = sizeof buf;
            if (fw_nvs_get_str(&h, in.key, (char *)buf, &n)) continue;
            v = (const char *)buf;
        } else {
            size_t n = sizeof buf;
            if (fw_nvs_get_blob(&h, in.key, buf, &n)) continue;
            fw_nvs_b64_encode(buf, n, b64);
            v = b64;
        }
        int k = snprintf(out + o, max - o, "%s/%s %s %s\n", in.ns_name, in.key, fw_nvs_type_name(in.type), v);
        assert_true(k > 0 && (size_t)k < max - o);
        o += (size_t)k;
        (*count)++;
    }
    return o;
}

#endif
