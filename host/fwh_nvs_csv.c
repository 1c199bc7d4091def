/* SPDX-License-Identifier: Apache-2.0 */
#include "host/fwh_nvs_csv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

/* ---------------------------------------------------------------- decoders */

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long fw_nvs_hex_decode(const char *s, size_t n, uint8_t *out, size_t max)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) n--; /* file rows */
    if (n % 2 || n / 2 > max) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexv((unsigned char)s[2 * i]), lo = hexv((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static int b64v(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

long fw_nvs_b64_decode(const char *s, size_t n, uint8_t *out, size_t max)
{
    uint32_t acc = 0;
    size_t bits = 0, o = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
        if (c == '=') { pad++; continue; }
        int v = b64v(c);
        if (v < 0 || pad) return -1; /* data after padding */
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= max) return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (pad > 2 || bits >= 6) return -1;
    return (long)o;
}

void fw_nvs_b64_encode(const uint8_t *in, size_t n, char *out)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = al[(v >> 18) & 63];
        out[o++] = al[(v >> 12) & 63];
        out[o++] = i + 1 < n ? al[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? al[v & 63] : '=';
    }
    out[o] = 0;
}

/* -------------------------------------------------------------- CSV reader */

struct csvr {
    const char *p, *end;
    unsigned line;      /* line of the current record's start */
    unsigned next_line;
    char *scratch;      /* holds unescaped fields of one record */
};

/* One record into f[0..3] (missing fields = ""). 1 = record, 0 = EOF, <0 = error. */
static int csv_next(struct csvr *r, char *f[4], int *nf)
{
    /* skip blank and comment lines */
    for (;;) {
        if (r->p >= r->end) return 0;
        if (*r->p == '\n' || *r->p == '\r') {
            if (*r->p == '\n') r->next_line++;
            r->p++;
            continue;
        }
        if (*r->p == '#') {
            while (r->p < r->end && *r->p != '\n') r->p++;
            continue;
        }
        break;
    }
    r->line = r->next_line;
    char *o = r->scratch;
    int n = 0;
    static char empty[] = "";
    for (int i = 0; i < 4; i++) f[i] = empty;
    for (;;) {
        char *start = o;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) return FW_ERR_FORMAT; /* unterminated quote */
                char c = *r->p++;
                if (c == '"') {
                    if (r->p < r->end && *r->p == '"') { *o++ = '"'; r->p++; continue; }
                    break;
                }
                if (c == '\n') r->next_line++;
                *o++ = c;
            }
        }
        while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') *o++ = *r->p++;
        *o++ = 0;
        if (n < 4) f[n] = start;
        n++;
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == '\r') r->p++;
        if (r->p < r->end && *r->p == '\n') { r->p++; r->next_line++; }
        break;
    }
    *nf = n;
    return 1;
}

/* --------------------------------------------------------------- generator */

struct gen {
    uint8_t *out;
    size_t size;
    int page;           /* current page, -1 before the first */
    unsigned entry;     /* next entry in the current page */
    unsigned ns_count;
    char *err;
    size_t errlen;
    unsigned line;
};

static int gerr(struct gen *g, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int gerr(struct gen *g, int code, const char *fmt, ...)
{
    if (g->err && g->errlen) {
        int n = snprintf(g->err, g->errlen, "line %u: ", g->line);
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < g->errlen) vsnprintf(g->err + n, g->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return code;
}

static uint8_t *page_ptr(struct gen *g) { return g->out + (size_t)g->page * FW_NVS_PAGE_SIZE; }

static int new_page(struct gen *g)
{
    if (g->page >= 0) fw_enc32le(page_ptr(g), FW_NVS_PS_FULL); /* state is outside the CRC */
    size_t pages = g->size / FW_NVS_PAGE_SIZE;
    if ((size_t)(g->page + 1) + 1 >= pages) /* new page index must be < pages - 1 */
        return gerr(g, FW_ERR_NO_SPACE, "partition too small (0x%zx bytes; one page must stay erased)", g->size);
    g->page++;
    fw_nvs_page_hdr_encode(page_ptr(g), FW_NVS_PS_ACTIVE, (uint32_t)g->page);
    g->entry = 0;
    return FW_OK;
}

/* Copy n bytes as ceil(n/32) entries at the current position and mark them WRITTEN. */
static void put_entries(struct gen *g, const uint8_t *data, size_t n, unsigned count)
{
    uint8_t *pg = page_ptr(g);
    memcpy(pg + FW_NVS_FIRST_ENTRY + FW_NVS_ENTRY_SIZE * g->entry, data, n);
    for (unsigned i = 0; i < count; i++) fw_nvs_bm_set(pg + FW_NVS_BITMAP_OFF, g->entry++, FW_NVS_ES_WRITTEN);
}

static int put_primitive(struct gen *g, uint8_t ns, uint8_t type, const char *key, uint64_t v)
{
    if (g->entry >= FW_NVS_ENTRIES) {
        int rc = new_page(g);
        if (rc) return rc;
    }
    uint8_t e[32];
    fw_nvs_entry_init(e, ns, type, 1, FW_NVS_CHUNK_ANY, key);
    for (unsigned i = 0; i < fw_nvs_prim_size(type); i++) e[24 + i] = (uint8_t)(v >> (8 * i));
    fw_nvs_entry_seal(e);
    put_entries(g, e, 32, 1);
    return FW_OK;
}

static void varlen_header(uint8_t e[32], uint8_t ns, uint8_t type, uint8_t span, uint8_t chunk,
                          const char *key, const uint8_t *data, size_t n)
{
    fw_nvs_entry_init(e, ns, type, span, chunk, key);
    fw_enc16le(e + 24, (uint16_t)n);
    fw_enc32le(e + 28, fw_crc32_esp(data, n));
    fw_nvs_entry_seal(e);
}

static int put_string(struct gen *g, uint8_t ns, const char *key, const uint8_t *data, size_t n)
{
    unsigned dcount = (unsigned)((n + 31) / 32);
    if (dcount + 1 >= FW_NVS_ENTRIES) return gerr(g, FW_ERR_RANGE, "string '%s' too long (%zu bytes)", key, n);
    if (g->entry >= FW_NVS_ENTRIES || g->entry + dcount + 1 >= FW_NVS_ENTRIES) {
        int rc = new_page(g);
        if (rc) return rc;
    }
    uint8_t e[32];
    varlen_header(e, ns, FW_NVS_SZ, (uint8_t)(dcount + 1), FW_NVS_CHUNK_ANY, key, data, n);
    put_entries(g, e, 32, 1);
    put_entries(g, data, n, dcount);
    return FW_OK;
}

static int put_blob(struct gen *g, uint8_t ns, const char *key, const uint8_t *data, size_t n)
{
    if (g->entry >= FW_NVS_ENTRIES) {
        int rc = new_page(g);
        if (rc) return rc;
    }
    size_t off = 0, remaining = n;
    unsigned chunks = 0;
    for (;;) {
        size_t tail = (size_t)(FW_NVS_ENTRIES - g->entry - 1) * FW_NVS_ENTRY_SIZE;
        size_t chunk = remaining < tail ? remaining : tail;
        remaining -= chunk;
        unsigned dcount = (unsigned)((chunk + 31) / 32);
        if (chunks >= 127) return gerr(g, FW_ERR_RANGE, "blob '%s' too large (%zu bytes)", key, n);
        uint8_t e[32];
        varlen_header(e, ns, FW_NVS_BLOB_DATA, (uint8_t)(dcount + 1), (uint8_t)chunks, key, data + off, chunk);
        put_entries(g, e, 32, 1);
        put_entries(g, data + off, chunk, dcount);
        chunks++;
        off += chunk;
        if (remaining || tail - chunk < FW_NVS_ENTRY_SIZE) {
            int rc = new_page(g);
            if (rc) return rc;
        }
        if (!remaining) break;
    }
    uint8_t e[32];
    fw_nvs_entry_init(e, ns, FW_NVS_BLOB_IDX, 1, FW_NVS_CHUNK_ANY, key);
    fw_enc32le(e + 24, (uint32_t)n);
    e[28] = (uint8_t)chunks;
    e[29] = 0;
    fw_nvs_entry_seal(e);
    put_entries(g, e, 32, 1);
    return FW_OK;
}

/* Parse an integer of a primitive type (decimal or 0x hex, optional sign). */
int fw_nvs_parse_int(const char *s, uint8_t type, uint64_t *out)
{
    int neg = 0;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    if (!(*s >= '0' && *s <= '9')) return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    while (*end == ' ' || *end == '\t') end++;
    if (errno || *end) return -1;
    unsigned bits = 8 * fw_nvs_prim_size(type);
    int is_signed = (type & 0x10) != 0;
    if (!is_signed) {
        if (neg && v) return -1;
        if (bits < 64 && v >> bits) return -1;
        *out = v;
        return 0;
    }
    uint64_t lim = (uint64_t)1 << (bits - 1);   /* |min| */
    if (neg ? v > lim : v >= lim) return -1;
    *out = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return 0;
}

static int enc_type(const char *enc)
{
    static const struct { const char *n; int t; } m[] = {
        { "u8", FW_NVS_U8 }, { "i8", FW_NVS_I8 }, { "u16", FW_NVS_U16 }, { "i16", FW_NVS_I16 },
        { "u32", FW_NVS_U32 }, { "i32", FW_NVS_I32 }, { "u64", FW_NVS_U64 }, { "i64", FW_NVS_I64 },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(m[i].n, enc)) return m[i].t;
    return -1;
}

/* Turn the textual value (or file contents) of a varlen row into bytes. */
static int varlen_bytes(struct gen *g, const char *enc, const uint8_t *v, size_t n, int is_file,
                        uint8_t **buf, size_t *len, int *is_string)
{
    *is_string = !strcmp(enc, "string");
    uint8_t *b = malloc(n + 1);
    if (!b) return gerr(g, FW_ERR_NOMEM, "out of memory");
    long got;
    if (*is_string) {
        if (memchr(v, 0, n)) { free(b); return gerr(g, FW_ERR_FORMAT, "string contains a NUL byte"); }
        memcpy(b, v, n);
        b[n] = 0;
        got = (long)n + 1;
    } else if (!strcmp(enc, "hex2bin")) {
        got = fw_nvs_hex_decode((const char *)v, n, b, n);
    } else if (!strcmp(enc, "base64")) {
        got = fw_nvs_b64_decode((const char *)v, n, b, n);
    } else if (!strcmp(enc, "binary") && is_file) {
        memcpy(b, v, n);
        got = (long)n;
    } else {
        free(b);
        return gerr(g, FW_ERR_FORMAT, "unknown encoding '%s'", enc);
    }
    if (got < 0) { free(b); return gerr(g, FW_ERR_FORMAT, "invalid %s value", enc); }
    *buf = b;
    *len = (size_t)got;
    return FW_OK;
}

static int do_row(struct gen *g, char *f[4], const struct fw_nvs_gen_loader *ld)
{
    const char *key = f[0], *type = f[1], *enc = f[2], *val = f[3];
    size_t klen = strlen(key);
    if (klen == 0) return gerr(g, FW_ERR_FORMAT, "empty key");
    if (klen > FW_NVS_KEY_MAX) return gerr(g, FW_ERR_RANGE, "key '%s' longer than 15 characters", key);
    if (!strcmp(type, "namespace")) {
        if (g->ns_count >= FW_NVS_MAX_NS) return gerr(g, FW_ERR_NO_SPACE, "too many namespaces (max 254)");
        g->ns_count++;
        return put_primitive(g, 0, FW_NVS_U8, key, g->ns_count);
    }
    int is_file = !strcmp(type, "file");
    if (!is_file && strcmp(type, "data")) return gerr(g, FW_ERR_FORMAT, "unknown type '%s'", type);
    if (!g->ns_count) return gerr(g, FW_ERR_FORMAT, "'%s' appears before any namespace", key);
    uint8_t ns = (uint8_t)g->ns_count;
    int t = enc_type(enc);
    if (t > 0 && !is_file) {
        uint64_t v;
        if (fw_nvs_parse_int(val, (uint8_t)t, &v)) return gerr(g, FW_ERR_RANGE, "'%s' is not a valid %s", val, enc);
        return put_primitive(g, ns, (uint8_t)t, key, v);
    }
    if (t > 0) return gerr(g, FW_ERR_FORMAT, "file rows need string, hex2bin, base64 or binary");
    const uint8_t *src = (const uint8_t *)val;
    size_t srclen = strlen(val);
    uint8_t *file = NULL;
    if (is_file) {
        if (!ld || !ld->load) return gerr(g, FW_ERR_UNSUPPORTED, "file rows need a loader");
        int rc = ld->load(ld->ctx, val, &file, &srclen);
        if (rc) return gerr(g, rc, "%s: cannot read file", val);
        src = file;
    }
    uint8_t *bytes = NULL;
    size_t n = 0;
    int is_string;
    int rc = varlen_bytes(g, enc, src, srclen, is_file, &bytes, &n, &is_string);
    free(file);
    if (rc) return rc;
    rc = is_string ? put_string(g, ns, key, bytes, n) : put_blob(g, ns, key, bytes, n);
    free(bytes);
    return rc;
}

static int check_header(struct gen *g, char *f[4], int nf)
{
    static const char *const want[4] = { "key", "type", "encoding", "value" };
    for (int i = 0; i < 4; i++)
        if (nf < 4 || strcmp(f[i], want[i])) return gerr(g, FW_ERR_FORMAT, "header must be key,type,encoding,value");
    return FW_OK;
}

static int encrypt_all(struct gen *g, const struct fw_nvs_crypt *c)
{
    for (int p = 0; p <= g->page; p++) {
        uint8_t *pg = g->out + (size_t)p * FW_NVS_PAGE_SIZE;
        for (unsigned i = 0; i < FW_NVS_ENTRIES; i++) {
            if (fw_nvs_bm_get(pg + FW_NVS_BITMAP_OFF, i) != FW_NVS_ES_WRITTEN) continue;
            uint32_t off = (uint32_t)p * FW_NVS_PAGE_SIZE + FW_NVS_FIRST_ENTRY + FW_NVS_ENTRY_SIZE * i;
            uint8_t tmp[32];
            int rc = c->encrypt(c->ctx, off, g->out + off, tmp);
            if (rc) return rc;
            memcpy(g->out + off, tmp, 32);
        }
    }
    return FW_OK;
}

int fw_nvs_gen_csv(const char *csv, size_t csv_len, uint8_t *out, size_t out_size,
                   const struct fw_nvs_gen_loader *ld, const struct fw_nvs_crypt *crypt,
                   char *err, size_t errlen)
{
    struct gen g = { .out = out, .size = out_size, .page = -1, .err = err, .errlen = errlen };
    if (err && errlen) err[0] = 0;
    if (!csv || !out || out_size % FW_NVS_PAGE_SIZE || out_size < 2 * FW_NVS_PAGE_SIZE)
        return gerr(&g, FW_ERR_INVALID_ARG, "size must be a multiple of 4096 and at least 0x2000");
    memset(out, 0xFF, out_size);
    struct csvr r = { .p = csv, .end = csv + csv_len, .line = 1, .next_line = 1 };
    r.scratch = malloc(csv_len + 8);
    if (!r.scratch) return gerr(&g, FW_ERR_NOMEM, "out of memory");
    int rc = new_page(&g);
    char *f[4];
    int nf, header_seen = 0;
    while (rc == FW_OK) {
        int got = csv_next(&r, f, &nf);
        g.line = r.line;
        if (got < 0) { rc = gerr(&g, got, "unterminated quoted field"); break; }
        if (got == 0) break;
        if (!header_seen) { rc = check_header(&g, f, nf); header_seen = 1; continue; }
        if (nf > 4) { rc = gerr(&g, FW_ERR_FORMAT, "more than 4 fields"); break; }
        rc = do_row(&g, f, ld);
    }
    free(r.scratch);
    if (rc == FW_OK && !header_seen) { g.line = 1; rc = gerr(&g, FW_ERR_FORMAT, "empty CSV"); }
    if (rc == FW_OK && crypt) rc = encrypt_all(&g, crypt);
    if (rc) memset(out, 0xFF, out_size);
    return rc;
}
