/* SPDX-License-Identifier: Apache-2.0 */
/* Torn NOR operations (see fwd_sim_tear.h). */
#include "device/port/sim/fwd_sim_tear.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: a full-period 64-bit generator; one state per cut. */
static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t fwd_sim_tear_mix(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t s = seed;
    uint64_t h = next64(&s);
    s ^= a * 0xD1B54A32D192ED03ull;
    h ^= next64(&s);
    s ^= b * 0x8CB92BA72F3D8DD7ull;
    h ^= next64(&s);
    s ^= c * 0xABC98388FB8FAC03ull;
    return h ^ next64(&s);
}

/* Bytes of random masks with a per-cut bit density. */
struct bits {
    uint64_t s, buf;
    int left;   /* bytes left in buf */
    int ands;   /* -1: no bit; 0: every bit; k: density 2^-k */
};

static void bits_init(struct bits *r, uint64_t seed)
{
    static const int ands[8] = {-1, 4, 3, 2, 2, 1, 1, 0};
    r->s = seed;
    r->ands = ands[next64(&r->s) >> 61];
    r->left = 0;
}

static uint8_t raw8(struct bits *r)
{
    if (!r->left) r->buf = next64(&r->s), r->left = 8;
    uint8_t v = (uint8_t)r->buf;
    r->buf >>= 8;
    r->left--;
    return v;
}

static uint8_t mask8(struct bits *r)
{
    if (r->ands < 0) return 0;
    uint8_t m = 0xFF;
    for (int i = 0; i < r->ands; i++) m &= raw8(r);
    return m;
}

static size_t word_end(size_t keep, size_t len, uint32_t unit)
{
    size_t end = (keep / unit + 1) * unit;
    return end < len ? end : len;
}

void fwd_sim_tear_write(uint8_t *dst, const uint8_t *src, size_t len, size_t keep, uint32_t align, uint64_t seed)
{
    if (align < 1) align = 1;
    size_t n = keep < len ? keep : len;
    for (size_t i = 0; i < n; i++) dst[i] &= src[i];
    if (keep >= len) return;
    struct bits r;
    bits_init(&r, seed);
    for (size_t i = keep; i < word_end(keep, len, align); i++) {
        uint8_t clears = (uint8_t)(dst[i] & ~src[i]);   /* bits this write turns 1 -> 0 */
        dst[i] &= (uint8_t)~(clears & mask8(&r));
    }
}

void fwd_sim_tear_erase(uint8_t *dst, size_t len, size_t keep, uint32_t sector, uint64_t seed)
{
    if (!sector) sector = len ? (uint32_t)len : 1;
    size_t n = keep < len ? keep : len;
    memset(dst, 0xFF, n);
    if (keep >= len) return;
    struct bits r;
    bits_init(&r, seed);
    for (size_t i = keep; i < word_end(keep, len, sector); i++) dst[i] |= mask8(&r);
}

static size_t put(uint32_t *out, size_t n, size_t max, uint32_t v)
{
    if (n < max) out[n] = v;
    return n + 1;
}

size_t fwd_sim_tear_points(int erase, size_t len, uint32_t align, uint32_t sector, uint32_t step, uint32_t *out,
                           size_t max)
{
    size_t n = 0;
    if (!len) return 0;
    if (!step) step = 256;
    if (!sector) sector = 4096;
    if (align < 1) align = 1;
    if (!erase && len <= 64) {
        for (uint32_t k = 0; k < len; k++) n = put(out, n, max, k);
        return n;
    }
    /* candidates in ascending order; duplicates are skipped below */
    uint32_t last = UINT32_MAX;
#define ADD(v)                                                                                                  \
    do {                                                                                                        \
        uint32_t v_ = (uint32_t)(v);                                                                            \
        if (v_ < len && (last == UINT32_MAX || v_ > last)) n = put(out, n, max, v_), last = v_;                 \
    } while (0)
    ADD(0);
    ADD(1);
    if (erase) {
        for (uint32_t k = step; k < sector && k < len; k += step) ADD(k);
        for (size_t k = sector; k < len; k += sector) ADD(k);
    } else {
        for (size_t k = step; k < len; k += step) ADD(k);
        ADD((len - 1) / align * align);
    }
    ADD(len - 1);
#undef ADD
    return n;
}

uint32_t fwd_sim_tear_pick(int erase, size_t len, uint32_t align, uint32_t sector, uint64_t seed)
{
    static uint32_t pts[4096];
    size_t n = fwd_sim_tear_points(erase, len, align, sector, 256, pts, sizeof pts / sizeof pts[0]);
    if (!n) return 0;
    if (n > sizeof pts / sizeof pts[0]) n = sizeof pts / sizeof pts[0];
    uint64_t s = seed ^ 0x5851F42D4C957F2Dull;
    return pts[next64(&s) % n];
}

int fwd_sim_tear_parse_seed(const char *v, uint64_t *out)
{
    if (!v) return -1;
    int hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
    const char *d = hex ? v + 2 : v;
    int digit = (*d >= '0' && *d <= '9') || (hex && (*d | 0x20) >= 'a' && (*d | 0x20) <= 'f');
    if (!digit) return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(d, &end, hex ? 16 : 10);
    if (errno || *end) return -1;
    *out = n;
    return 0;
}

uint64_t fwd_sim_tear_env_seed(void)
{
    const char *e = getenv("FWSEAL_SIM_CUT_SEED");
    uint64_t v = FWD_SIM_CUT_SEED_DEFAULT;
    if (e && *e && fwd_sim_tear_parse_seed(e, &v)) {
        /* a seed the user asked for but that cannot be used is never replaced silently */
        static const char msg[] = "FWSEAL_SIM_CUT_SEED: not a number (decimal or 0x-hex)\n";
        (void)!fwrite(msg, 1, sizeof msg - 1, stderr);
        abort();
    }
    return v;
}
