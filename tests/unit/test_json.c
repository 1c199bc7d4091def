/* SPDX-License-Identifier: Apache-2.0 */
/* The shared JSON writer (host/fwh_json.h): separators and layout, escapes,
 * strict UTF-8 (RFC 3629), invalid bytes as U+FFFD with a "<key>_hex" member. */
#define _GNU_SOURCE /* open_memstream */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "host/fwh_json.h"

struct buf {
    char *p;
    size_t n;
    FILE *f;
};

static struct fw_json *start(struct buf *b, struct fw_json *j, unsigned lines)
{
    b->p = NULL;
    b->f = open_memstream(&b->p, &b->n);
    assert_non_null(b->f);
    fw_json_init(j, b->f, lines);
    return j;
}

static void done(struct buf *b, const char *want)
{
    fclose(b->f);
    assert_string_equal(b->p, want);
    free(b->p);
}

static void tight_object_and_array(void **state)
{
    (void)state;
    struct buf b;
    struct fw_json j;
    start(&b, &j, FW_JSON_TIGHT);
    fw_json_obj(&j);
    fw_json_kstr(&j, "a", "x");
    fw_json_ku64(&j, "n", 18446744073709551615ull);
    fw_json_ki64(&j, "m", -5);
    fw_json_key(&j, "l");
    fw_json_arr(&j);
    fw_json_bool(&j, 1);
    fw_json_null(&j);
    fw_json_end(&j);
    fw_json_knull(&j, "z");
    fw_json_kstr(&j, "s", NULL);
    fw_json_end(&j);
    done(&b, "{\"a\":\"x\",\"n\":18446744073709551615,\"m\":-5,\"l\":[true,null],\"z\":null,\"s\":null}\n");
}

static void lines_layout(void **state)
{
    (void)state;
    struct buf b;
    struct fw_json j;
    start(&b, &j, 1);
    fw_json_arr(&j);
    fw_json_obj(&j);
    fw_json_ku64(&j, "a", 1);
    fw_json_ku64(&j, "b", 2);
    fw_json_end(&j);
    fw_json_obj(&j);
    fw_json_end(&j);
    fw_json_end(&j);
    done(&b, "[\n  {\"a\": 1, \"b\": 2},\n  {}\n]\n");
    start(&b, &j, 2);
    fw_json_arr(&j);
    fw_json_end(&j);
    done(&b, "[]\n");
}

static void escapes(void **state)
{
    (void)state;
    struct buf b;
    struct fw_json j;
    start(&b, &j, FW_JSON_TIGHT);
    fw_json_strn(&j, "q\"b\\n\n\r\t\b\f\x01\x1f\x7f/", 14);
    done(&b, "\"q\\\"b\\\\n\\u000a\\u000d\\u0009\\u0008\\u000c\\u0001\\u001f\\u007f/\"");
}

static void utf8_kept(void **state)
{
    (void)state;
    struct buf b;
    struct fw_json j;
    /* é (2 bytes), ✓ (3), U+10FFFF (4), U+0800 and U+10000 (the smallest 3- and 4-byte forms) */
    const char *s = "\xc3\xa9\xe2\x9c\x93\xf4\x8f\xbf\xbf\xe0\xa0\x80\xf0\x90\x80\x80";
    start(&b, &j, FW_JSON_TIGHT);
    fw_json_obj(&j);
    fw_json_kstr(&j, "v", s);
    fw_json_end(&j);
    char want[64];
    snprintf(want, sizeof want, "{\"v\":\"%s\"}\n", s); /* no _hex member */
    done(&b, want);
}

static void invalid_bytes(void **state)
{
    (void)state;
    static const struct { const char *in; size_t n; const char *out; } cases[] = {
        {"\xff", 1, "\\ufffd"},
        {"a\xc3", 2, "a\\ufffd"},                       /* truncated 2-byte */
        {"\xc0\xaf", 2, "\\ufffd\\ufffd"},              /* overlong '/' */
        {"\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd"},   /* overlong 3-byte */
        {"\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd"},   /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd"}, /* above U+10FFFF */
        {"\xf5", 1, "\\ufffd"},
        {"\x80x", 2, "\\ufffdx"},                      /* lone continuation */
        {"\xe2\x9c", 2, "\\ufffd\\ufffd"},              /* truncated 3-byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        struct fw_json j;
        start(&b, &j, FW_JSON_TIGHT);
        fw_json_obj(&j);
        fw_json_kstrn(&j, "k", cases[i].in, cases[i].n);
        fw_json_end(&j);
        char hex[32] = "", want[160];
        for (size_t k = 0; k < cases[i].n; k++) snprintf(hex + 2 * k, 3, "%02x", (unsigned char)cases[i].in[k]);
        snprintf(want, sizeof want, "{\"k\":\"%s\",\"k_hex\":\"%s\"}\n", cases[i].out, hex);
        done(&b, want);
    }
}

static void seq_len_bounds(void **state)
{
    (void)state;
    assert_int_equal(fw_utf8_seq_len((const uint8_t *)"A", 1), 1);
    assert_int_equal(fw_utf8_seq_len((const uint8_t *)"\xc2\x80", 2), 2);
    assert_int_equal(fw_utf8_seq_len((const uint8_t *)"\xc2\x80", 1), 0);
    assert_int_equal(fw_utf8_seq_len((const uint8_t *)"\xc1\xbf", 2), 0);
    assert_int_equal(fw_utf8_seq_len((const uint8_t *)"\xed\x9f\xbf", 3), 3); /* U+D7FF */
    assert_int_equal(fw_utf8_seq_len((const uint8_t *)"\xee\x80\x80", 3), 3); /* U+E000 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tight_object_and_array), cmocka_unit_test(lines_layout), cmocka_unit_test(escapes),
        cmocka_unit_test(utf8_kept),              cmocka_unit_test(invalid_bytes), cmocka_unit_test(seq_len_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
