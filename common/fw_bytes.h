/* SPDX-License-Identifier: Apache-2.0 */
/* Explicit little/big-endian codecs. Every format field goes through these:
 * never cast a byte pointer to a wider integer type. */
#ifndef FW_BYTES_H
#define FW_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t fw_dec16le(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t fw_dec32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t fw_dec64le(const uint8_t *p)
{
    return (uint64_t)fw_dec32le(p) | ((uint64_t)fw_dec32le(p + 4) << 32);
}
static inline uint32_t fw_dec32be(const uint8_t *p)
{
    return (uint32_t)p[3] | ((uint32_t)p[2] << 8) | ((uint32_t)p[1] << 16) | ((uint32_t)p[0] << 24);
}
/* Length of s, at most max: strnlen() is POSIX, not C11, and newlib (bare
 * metal) hides it in strict C11 mode. */
static inline size_t fw_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}
static inline void fw_enc16le(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void fw_enc32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void fw_enc64le(uint8_t *p, uint64_t v) { fw_enc32le(p, (uint32_t)v); fw_enc32le(p + 4, (uint32_t)(v >> 32)); }
static inline void fw_enc32be(uint8_t *p, uint32_t v)
{
    p[3] = (uint8_t)v; p[2] = (uint8_t)(v >> 8); p[1] = (uint8_t)(v >> 16); p[0] = (uint8_t)(v >> 24);
}

/* Reverse n bytes in place (little-endian big numbers, flash-encryption units). */
static inline void fw_reverse(uint8_t *p, size_t n)
{
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        uint8_t t = p[i]; p[i] = p[j]; p[j] = t;
    }
}

/* Copy src to dst reversed (dst and src must not overlap). */
static inline void fw_reverse_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[n - 1 - i];
}

/* ALIGN_UP for power-of-two or arbitrary alignments; callers check overflow first. */
static inline uint64_t fw_align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

/* Constant-time equality of two byte strings: 1 if equal. */
static inline int fw_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = (const volatile uint8_t *)a, *y = (const volatile uint8_t *)b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) d |= (uint8_t)(x[i] ^ y[i]);
    return d == 0;
}

/* Every byte zero, without an early exit (the bytes may be key material). */
static inline int fw_all_zero(const void *p, size_t n)
{
    const uint8_t *x = (const uint8_t *)p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= x[i];
    return acc == 0;
}

/* Wipe memory in a way the optimiser cannot drop. */
static inline void fw_wipe(void *p, size_t n)
{
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

#endif
