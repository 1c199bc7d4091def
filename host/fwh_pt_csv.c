/* SPDX-License-Identifier: Apache-2.0 */
/* Partition table CSV (FORMATS §6.5), host side: the text form
 * gen_esp32part.py reads and writes. Host-only text parsing; the byte layout,
 * keywords and the table rules it applies (fw_pt_check) are common's
 * (common/fw_partition.h). */
#include "host/fwh_pt_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fw_err.h"

static const struct fw_pt_keyword no_kw[] = {{NULL, 0}};

/* ---- CSV parse ----------------------------------------------------------- */

#define CSV_LINE_MAX 512

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

static void trim(char **s)
{
    char *p = *s;
    while (is_space(*p)) p++;
    size_t n = strlen(p);
    while (n && is_space(p[n - 1])) p[--n] = 0;
    *s = p;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* Python int(v, 0) for non-negative values: 0x/0o/0b prefixes, decimal
 * without leading zeros ("0", "00" ok). Returns 0 on success. */
static int py_int(const char *v, uint64_t *out)
{
    unsigned base = 10;
    const char *p = v;
    if (p[0] == '0' && (lower(p[1]) == 'x' || lower(p[1]) == 'o' || lower(p[1]) == 'b')) {
        base = lower(p[1]) == 'x' ? 16 : lower(p[1]) == 'o' ? 8 : 2;
        p += 2;
    } else if (p[0] == '0') {
        for (const char *q = p; *q; q++)
            if (*q != '0') return -1;
    }
    if (!*p) return -1;
    uint64_t x = 0;
    for (; *p; p++) {
        char c = lower(*p);
        unsigned dv = (c >= '0' && c <= '9') ? (unsigned)(c - '0') : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10) : 99;
        if (dv >= base) return -1;
        if (x > (UINT64_MAX - dv) / base) return -1;
        x = x * base + dv;
    }
    *out = x;
    return 0;
}

/* gen_esp32part parse_int: k/m suffixes (recursively), int(v, 0), then keywords. */
static int parse_int(const char *v, const struct fw_pt_keyword *kws, uint64_t *out)
{
    size_t n = strlen(v);
    if (n > 64) return -1;
    if (n && (lower(v[n - 1]) == 'k' || lower(v[n - 1]) == 'm')) {
        char tmp[65];
        memcpy(tmp, v, n - 1);
        tmp[n - 1] = 0;
        uint64_t mul = lower(v[n - 1]) == 'k' ? 1024u : 1024u * 1024u, x;
        if (parse_int(tmp, kws, &x)) return -1;
        if (x > UINT64_MAX / mul) return -1;
        *out = x * mul;
        return 0;
    }
    if (py_int(v, out) == 0) return 0;
    for (const struct fw_pt_keyword *k = kws; k->name; k++) {
        size_t i = 0;
        while (k->name[i] && lower(v[i]) == k->name[i]) i++;
        if (!k->name[i] && !v[i]) { *out = k->value; return 0; }
    }
    return -1;
}

/* Expand $NAME and ${NAME} (os.path.expandvars); unknown names are an error. */
static int expand_vars(const char *in, size_t n, char *out, size_t max, fw_pt_getvar_fn getvar, struct fw_pt_diag *d,
                       unsigned line)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] == '$') {
            size_t j = i + 1, s, e;
            int brace = j < n && in[j] == '{';
            if (brace) j++;
            s = j;
            while (j < n && (in[j] == '_' || (in[j] >= 'A' && in[j] <= 'Z') || (in[j] >= 'a' && in[j] <= 'z') ||
                             (j > s && in[j] >= '0' && in[j] <= '9')))
                j++;
            e = j;
            if (e > s && (!brace || (j < n && in[j] == '}'))) {
                char name[64];
                if (e - s >= sizeof name) return fw_pt_diag_set(d, line, FW_ERR_RANGE, "variable name too long");
                memcpy(name, in + s, e - s);
                name[e - s] = 0;
                const char *val = getvar ? getvar(name) : NULL;
                if (!val) return fw_pt_diag_set(d, line, FW_ERR_NOT_FOUND, "unknown variable '%s'", name);
                size_t vl = strlen(val);
                if (o + vl >= max) return fw_pt_diag_set(d, line, FW_ERR_RANGE, "line too long");
                memcpy(out + o, val, vl);
                o += vl;
                i = brace ? j + 1 : j;
                continue;
            }
        }
        if (o + 1 >= max) return fw_pt_diag_set(d, line, FW_ERR_RANGE, "line too long");
        out[o++] = in[i++];
    }
    out[o] = 0;
    return FW_OK;
}

static int parse_row(char *line, unsigned lineno, struct fw_pt_entry *e, int *has_offset, struct fw_pt_diag *d)
{
    char *f[6] = {0};
    int nf = 0;
    char *p = line;
    while (nf < 6) {
        f[nf++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    while (nf < 6) f[nf++] = "";
    for (int i = 0; i < 6; i++) trim(&f[i]);

    memset(e, 0, sizeof *e);
    if (strlen(f[0]) > FW_PT_LABEL_LEN && d) d->warnings |= FW_PT_WARN_NAME_TRUNCATED;
    memcpy(e->label, f[0], strnlen(f[0], FW_PT_LABEL_LEN));

    uint64_t v;
    if (!*f[1]) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "field 'type' can't be left empty");
    if (parse_int(f[1], fw_pt_type_keywords(), &v) || v > 0xFE)
        return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "invalid type '%s'", f[1]);
    e->type = (uint8_t)v;
    if (!*f[2]) {
        if (e->type == FW_PT_TYPE_APP) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "app partition cannot have an empty subtype");
        v = FW_PT_SUB_DATA_UNDEFINED;
    } else if (parse_int(f[2], fw_pt_subtype_keywords(e->type), &v) || v > 0xFF) {
        return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "invalid subtype '%s'", f[2]);
    }
    e->subtype = (uint8_t)v;

    *has_offset = 0;
    if (*f[3]) {
        if (parse_int(f[3], no_kw, &v) || v > UINT32_MAX) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "invalid offset '%s'", f[3]);
        e->offset = (uint32_t)v;
        *has_offset = 1;
    }
    /* bootloader/ota and bootloader/recovery (a recovery bootloader for ROMs that fall
     * back to it) with an explicit offset and size; the primary one sits at the chip's
     * bootloader offset, which this parser does not know */
    if (e->type == FW_PT_TYPE_BOOTLOADER && (e->subtype == 0 || !*has_offset))
        return fw_pt_diag_set(d, lineno, FW_ERR_UNSUPPORTED, "bootloader partitions need a primary bootloader offset (unsupported)");
    if (e->type == FW_PT_TYPE_PARTITION_TABLE) {
        e->size = FW_PT_SECTOR_LEN; /* implied */
    } else {
        if (!*f[4]) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "size field can't be empty");
        if (parse_int(f[4], no_kw, &v) || v > UINT32_MAX) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "invalid size '%s'", f[4]);
        e->size = (uint32_t)v;
    }

    char *fl = f[5];
    while (fl) {
        char *c = strchr(fl, ':');
        if (c) *c = 0;
        if (!strcmp(fl, "encrypted")) e->flags |= FW_PT_FLAG_ENCRYPTED;
        else if (!strcmp(fl, "readonly")) e->flags |= FW_PT_FLAG_READONLY;
        else if (*fl) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "unknown flag '%s'", fl);
        fl = c ? c + 1 : NULL;
    }
    return FW_OK;
}

/* Fill empty offsets (gen_esp32part from_csv fix-up pass). */
static int place_offsets(struct fw_pt *t, const uint8_t *has_off, const unsigned *lines, uint32_t table_offset,
                         struct fw_pt_diag *d)
{
    uint64_t last_end = (uint64_t)table_offset + FW_PT_SECTOR_LEN;
    for (unsigned i = 0; i < t->count; i++) {
        struct fw_pt_entry *e = &t->e[i];
        if (fw_pt_is_primary_boot_or_table(e)) {
            if (!has_off[i]) e->offset = table_offset;
            continue;
        }
        if (has_off[i] && e->offset < last_end)
            return fw_pt_diag_set(d, lines[i], FW_ERR_RANGE, "partitions overlap: offset 0x%x, previous space ends at 0x%llx",
                            e->offset, (unsigned long long)last_end);
        if (!has_off[i]) {
            uint32_t a = fw_pt_offset_align(e->type);
            if (last_end % a) last_end += a - last_end % a;
            if (last_end > UINT32_MAX) return fw_pt_diag_set(d, lines[i], FW_ERR_RANGE, "offset beyond 4 GiB");
            e->offset = (uint32_t)last_end;
        }
        last_end = (uint64_t)e->offset + e->size;
    }
    return FW_OK;
}

int fw_pt_from_csv(struct fw_pt *t, const char *csv, size_t len, uint32_t table_offset, fw_pt_getvar_fn getvar,
                   struct fw_pt_diag *d)
{
    if (!t || (!csv && len)) return FW_ERR_INVALID_ARG;
    memset(t, 0, sizeof *t);
    if (d) memset(d, 0, sizeof *d);
    uint8_t has_off[FW_PT_MAX_ENTRIES];
    unsigned lines[FW_PT_MAX_ENTRIES];
    unsigned lineno = 0;
    size_t i = 0;
    while (i < len) {
        size_t s = i;
        while (i < len && csv[i] != '\n' && csv[i] != '\r') i++;
        size_t n = i - s;
        if (i < len && csv[i] == '\r' && i + 1 < len && csv[i + 1] == '\n') i++;
        if (i < len) i++;
        lineno++;
        for (size_t k = s; k < s + n; k++)
            if (csv[k] == 0) return fw_pt_diag_set(d, lineno, FW_ERR_FORMAT, "NUL byte in CSV");
        char buf[CSV_LINE_MAX];
        int rc = expand_vars(csv + s, n, buf, sizeof buf, getvar, d, lineno);
        if (rc) return rc;
        char *line = buf;
        trim(&line);
        if (!*line || *line == '#') continue;
        if (t->count >= FW_PT_MAX_ENTRIES) return fw_pt_diag_set(d, lineno, FW_ERR_NO_SPACE, "more than %u partitions", FW_PT_MAX_ENTRIES);
        int ho = 0;
        rc = parse_row(line, lineno, &t->e[t->count], &ho, d);
        if (rc) return rc;
        has_off[t->count] = (uint8_t)ho;
        lines[t->count] = lineno;
        t->count++;
    }
    if (t->count == 0) return fw_pt_diag_set(d, 0, FW_ERR_FORMAT, "no partitions");
    int rc = place_offsets(t, has_off, lines, table_offset, d);
    if (rc) return rc;
    return fw_pt_check(t, table_offset, 0, d);
}

/* ---- CSV emit ------------------------------------------------------------ */

struct sbuf { char *p; size_t max, n; int err; };

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->err) return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(b->p + b->n, b->max - b->n, fmt, ap);
    va_end(ap);
    if (r < 0 || (size_t)r >= b->max - b->n) { b->err = FW_ERR_NO_SPACE; return; }
    b->n += (size_t)r;
}

/* gen_esp32part addr_format: sizes as <n>M / <n>K when exact, else 0x hex. */
static void sb_size(struct sbuf *b, uint32_t v)
{
    if (v % 0x100000 == 0) sb_printf(b, "%uM", v / 0x100000);
    else if (v % 0x400 == 0) sb_printf(b, "%uK", v / 0x400);
    else sb_printf(b, "0x%x", v);
}

static int label_csv_safe(const char *l)
{
    size_t n = strlen(l);
    if (n == 0 || l[0] == '#' || is_space(l[0]) || is_space(l[n - 1])) return 0;
    for (; *l; l++)
        if ((unsigned char)*l < 0x20 || (unsigned char)*l > 0x7E || *l == ',' || *l == '$') return 0;
    return 1;
}

int fw_pt_to_csv(const struct fw_pt *t, char *out, size_t max, size_t *out_len)
{
    if (!t || !out || max == 0) return FW_ERR_INVALID_ARG;
    struct sbuf b = {out, max, 0, 0};
    sb_printf(&b, "# ESP-IDF Partition Table\n# Name, Type, SubType, Offset, Size, Flags\n");
    for (unsigned i = 0; i < t->count; i++) {
        const struct fw_pt_entry *e = &t->e[i];
        if (!label_csv_safe(e->label)) return FW_ERR_FORMAT;
        const char *tn = fw_pt_type_name(e->type), *sn = fw_pt_subtype_name(e->type, e->subtype);
        sb_printf(&b, "%s,", e->label);
        if (tn) sb_printf(&b, "%s,", tn);
        else sb_printf(&b, "%u,", e->type);
        if (sn) sb_printf(&b, "%s,", sn);
        else sb_printf(&b, "%u,", e->subtype);
        sb_printf(&b, "0x%x,", e->offset);
        sb_size(&b, e->size);
        sb_printf(&b, ",");
        if (e->flags & FW_PT_FLAG_ENCRYPTED) sb_printf(&b, "encrypted%s", (e->flags & FW_PT_FLAG_READONLY) ? ":" : "");
        if (e->flags & FW_PT_FLAG_READONLY) sb_printf(&b, "readonly");
        sb_printf(&b, "\n");
    }
    if (b.err) return b.err;
    if (out_len) *out_len = b.n;
    return FW_OK;
}
