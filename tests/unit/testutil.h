/* SPDX-License-Identifier: Apache-2.0 */
/* Header-only helpers for cmocka unit tests (each test is one .c file). */
#ifndef FW_TESTUTIL_H
#define FW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Path of a file under ../shared/vectors (FWSEAL_SHARED overrides ../shared). */
static inline const char *tu_vector(const char *rel)
{
    static char buf[4][1024];
    static int n;
    const char *base = getenv("FWSEAL_SHARED");
    char *out = buf[n++ & 3];
    snprintf(out, sizeof buf[0], "%s/vectors/%s", base ? base : "../shared", rel);
    return out;
}

/* Read a whole file; fails the test if it cannot. Caller frees. */
static inline uint8_t *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(p);
    if (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n) fail_msg("short read %s", path);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Decode a hex string into out (fails the test on bad input); returns length. */
static inline size_t tu_hex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = strlen(hex);
    assert_true(n % 2 == 0 && n / 2 <= max);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n / 2;
}

#endif
