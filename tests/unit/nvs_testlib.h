/* SPDX-License-Identifier: Apache-2.0 */
/* Test helpers for NVS unit tests: a RAM NOR flash with strict NOR checks
 * and power-cut injection, and a canonical listing of a store's items. */
#ifndef NVS_TESTLIB_H
#define NVS_TESTLIB_H

#include "testutil.h"

#include "fw_err.h"
#include "fw_nvs.h"
#include "host/fwh_nvs_csv.h"
#include "nvs/fw_nvs_store.h"
#include "device/port/sim/fwd_sim_tear.h"

/* NOR in RAM: erase -> 0xFF, a write may only clear bits (strict: a write
 * that would set a bit is an error, as on the simulator). Cut injection:
 * cut_at = N makes the N-th write/erase (1-based) fail with POWER_LOSS,
 * in mode 0 without effect, in mode 1 torn with the simulator's NOR fault
 * model (device/port/sim/fwd_sim_tear.h: a prefix chosen by the seed among the
 * sweep points, then a half-programmed word / a weakly erased sector rest),
 * and every later op fail too (device is dead). The torn bits come from
 * cut_seed (rf_init: FWSEAL_SIM_CUT_SEED, default 1) and the cut's
 * coordinates; torn_keep / torn_seed say what the last cut did. */
struct ramflash {
    uint8_t *mem;
    uint32_t size;
    unsigned long ops;
    unsigned long cut_at;
    int cut_mode;
    int dead;
    int strict_violations;
    unsigned long erases;
    uint64_t cut_seed;
    uint32_t torn_keep;   /* last torn cut: prefix in bytes */
};

/* The run seed of torn cuts: FWSEAL_SIM_CUT_SEED (decimal or 0x-hex), else 1. */
static inline uint64_t rf_run_seed(void) { return fwd_sim_tear_env_seed(); }

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
    const uint8_t *b = buf;
    for (size_t i = 0; i < len; i++)
        if ((f->mem[off + i] & b[i]) != b[i]) { f->strict_violations++; return c ? FW_ERR_POWER_LOSS : FW_ERR_NOT_ERASED; }
    if (c == 2) {
        if (f->cut_mode && len) {
            uint64_t seed = fwd_sim_tear_mix(f->cut_seed, f->ops, off, len);
            f->torn_keep = fwd_sim_tear_pick(0, len, 4, 4096, seed);
            fwd_sim_tear_write(f->mem + off, b, len, f->torn_keep, 4, seed);
        }
        return FW_ERR_POWER_LOSS;
    }
    for (size_t i = 0; i < len; i++) f->mem[off + i] &= b[i];
    return 0;
}

static inline int rf_erase(void *ctx, uint32_t off, size_t len)
{
    struct ramflash *f = ctx;
    if (off + (uint64_t)len > f->size || off % 4096 || len % 4096) return FW_ERR_INVALID_ARG;
    int c = rf_cut(f);
    if (c == 1) return FW_ERR_POWER_LOSS;
    f->erases++;
    if (c == 2) {
        if (f->cut_mode && len) {
            uint64_t seed = fwd_sim_tear_mix(f->cut_seed, f->ops, off, len);
            f->torn_keep = fwd_sim_tear_pick(1, len, 4, 4096, seed);
            fwd_sim_tear_erase(f->mem + off, len, f->torn_keep, 4096, seed);
        }
        return FW_ERR_POWER_LOSS;
    }
    memset(f->mem + off, 0xFF, len);
    return 0;
}

static inline void rf_init(struct ramflash *f, uint8_t *mem, uint32_t size, struct fw_nvs_io *io)
{
    memset(f, 0, sizeof *f);
    f->cut_seed = rf_run_seed();
    f->mem = mem;
    f->size = size;
    io->size = size;
    io->read = rf_read;
    io->write = rf_write;
    io->erase = rf_erase;
    io->ctx = f;
    io->nor_reprogram = 1; /* rf_write ANDs like NOR */
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
