/* SPDX-License-Identifier: Apache-2.0 */
/* JSON writer (fwh_json.h). */
#include "host/fwh_json.h"

#include <inttypes.h>
#include <string.h>

void fw_json_init(struct fw_json *j, FILE *f, unsigned lines)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->tight = lines == FW_JSON_TIGHT;
    j->lines = j->tight ? 0 : lines;
}

static void newline_indent(struct fw_json *j, unsigned depth)
{
    fputc('\n', j->f);
    for (unsigned i = 0; i < depth; i++) fputs("  ", j->f);
}

/* Separator before a member or array item of the current container. */
static void before_value(struct fw_json *j)
{
    if (j->after_key) { j->after_key = 0; return; }
    if (j->depth == 0) return;
    uint32_t bit = 1u << (j->depth - 1);
    int multi = j->depth - 1 < j->lines;
    if (j->has_items & bit) fputs(multi || j->tight ? "," : ", ", j->f);
    if (multi) newline_indent(j, j->depth);
    j->has_items |= bit;
}

static void open_container(struct fw_json *j, int array)
{
    before_value(j);
    fputc(array ? '[' : '{', j->f);
    if (j->depth < FW_JSON_MAX_DEPTH) {
        uint32_t bit = 1u << j->depth;
        j->has_items &= ~bit;
        if (array) j->is_array |= bit; else j->is_array &= ~bit;
    }
    j->depth++;
}

void fw_json_obj(struct fw_json *j) { open_container(j, 0); }
void fw_json_arr(struct fw_json *j) { open_container(j, 1); }

void fw_json_end(struct fw_json *j)
{
    if (j->depth == 0) return;
    j->depth--;
    uint32_t bit = 1u << j->depth;
    if ((j->has_items & bit) && j->depth < j->lines) newline_indent(j, j->depth);
    fputc(j->is_array & bit ? ']' : '}', j->f);
    if (j->depth == 0) fputc('\n', j->f);
}

size_t fw_utf8_seq_len(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80) return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }
    else if (c == 0xED) { len = 3; hi = 0x9F; }          /* no surrogates */
    else if (c >= 0xE1 && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }          /* <= U+10FFFF */
    else return 0;
    if (n < len || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return len;
}

/* The quoted string; returns 1 if some byte was not valid UTF-8. */
static int write_string(FILE *f, const uint8_t *p, size_t n)
{
    int bad = 0;
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t len = fw_utf8_seq_len(p + i, n - i);
        if (len == 0) { fputs("\\ufffd", f); bad = 1; i++; continue; }
        if (len > 1) { fwrite(p + i, 1, len, f); i += len; continue; }
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7F) fprintf(f, "\\u%04x", c); /* one form for every control byte */
        else fputc(c, f);
        i++;
    }
    fputc('"', f);
    return bad;
}

void fw_json_key(struct fw_json *j, const char *key)
{
    before_value(j);
    write_string(j->f, (const uint8_t *)key, strlen(key));
    fputs(j->tight ? ":" : ": ", j->f);
    j->after_key = 1;
}

void fw_json_strn(struct fw_json *j, const void *p, size_t n)
{
    before_value(j);
    write_string(j->f, p, n);
}

void fw_json_str(struct fw_json *j, const char *s)
{
    if (!s) fw_json_null(j);
    else fw_json_strn(j, s, strlen(s));
}

void fw_json_u64(struct fw_json *j, uint64_t v)
{
    before_value(j);
    fprintf(j->f, "%" PRIu64, v);
}

void fw_json_i64(struct fw_json *j, int64_t v)
{
    before_value(j);
    fprintf(j->f, "%" PRId64, v);
}

void fw_json_bool(struct fw_json *j, int v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->f);
}

void fw_json_null(struct fw_json *j)
{
    before_value(j);
    fputs("null", j->f);
}

void fw_json_hex(struct fw_json *j, const uint8_t *p, size_t n)
{
    before_value(j);
    fputc('"', j->f);
    for (size_t i = 0; i < n; i++) fprintf(j->f, "%02x", p[i]);
    fputc('"', j->f);
}

void fw_json_kstrn(struct fw_json *j, const char *key, const void *p, size_t n)
{
    fw_json_key(j, key);
    before_value(j);
    if (!write_string(j->f, p, n)) return;
    char hk[96];
    snprintf(hk, sizeof hk, "%s_hex", key);
    fw_json_khex(j, hk, p, n);
}

void fw_json_kstr(struct fw_json *j, const char *key, const char *s)
{
    if (!s) fw_json_knull(j, key);
    else fw_json_kstrn(j, key, s, strlen(s));
}

void fw_json_ku64(struct fw_json *j, const char *key, uint64_t v) { fw_json_key(j, key); fw_json_u64(j, v); }
void fw_json_ki64(struct fw_json *j, const char *key, int64_t v) { fw_json_key(j, key); fw_json_i64(j, v); }
void fw_json_kbool(struct fw_json *j, const char *key, int v) { fw_json_key(j, key); fw_json_bool(j, v); }
void fw_json_knull(struct fw_json *j, const char *key) { fw_json_key(j, key); fw_json_null(j); }
void fw_json_khex(struct fw_json *j, const char *key, const uint8_t *p, size_t n)
{
    fw_json_key(j, key);
    fw_json_hex(j, p, n);
}
