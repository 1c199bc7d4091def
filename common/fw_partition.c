/* Partition table codec (FORMATS §6). See fw_partition.h. */
#include "fw_partition.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

/* ---- keywords (gen_esp32part TYPES / SUBTYPES, in its dict order) -------- */

struct kw { const char *name; uint8_t val; };

static const struct kw types_kw[] = {
    {"app", 0x00}, {"data", 0x01}, {"bootloader", 0x02}, {"partition_table", 0x03}, {NULL, 0},
};
static const struct kw app_kw[] = {
    {"factory", 0x00}, {"test", 0x20},
    {"ota_0", 0x10}, {"ota_1", 0x11}, {"ota_2", 0x12}, {"ota_3", 0x13}, {"ota_4", 0x14}, {"ota_5", 0x15},
    {"ota_6", 0x16}, {"ota_7", 0x17}, {"ota_8", 0x18}, {"ota_9", 0x19}, {"ota_10", 0x1A}, {"ota_11", 0x1B},
    {"ota_12", 0x1C}, {"ota_13", 0x1D}, {"ota_14", 0x1E}, {"ota_15", 0x1F},
    {"tee_0", 0x30}, {"tee_1", 0x31}, {NULL, 0},
};
static const struct kw data_kw[] = {
    {"ota", 0x00}, {"phy", 0x01}, {"nvs", 0x02}, {"coredump", 0x03}, {"nvs_keys", 0x04}, {"efuse", 0x05},
    {"undefined", 0x06}, {"esphttpd", 0x80}, {"fat", 0x81}, {"spiffs", 0x82}, {"littlefs", 0x83},
    {"tee_ota", FW_PT_SUB_DATA_TEE_OTA}, {NULL, 0},
};
static const struct kw boot_kw[] = {{"primary", 0x00}, {"ota", 0x01}, {"recovery", 0x02}, {NULL, 0}};
static const struct kw pt_kw[] = {{"primary", 0x00}, {"ota", 0x01}, {NULL, 0}};
static const struct kw no_kw[] = {{NULL, 0}};

static const struct kw *subtypes_for(uint8_t type)
{
    switch (type) {
    case FW_PT_TYPE_APP: return app_kw;
    case FW_PT_TYPE_DATA: return data_kw;
    case FW_PT_TYPE_BOOTLOADER: return boot_kw;
    case FW_PT_TYPE_PARTITION_TABLE: return pt_kw;
    default: return no_kw;
    }
}

static const char *kw_name(const struct kw *k, uint8_t v)
{
    for (; k->name; k++)
        if (k->val == v) return k->name;
    return NULL;
}

const char *fw_pt_type_name(uint8_t type) { return kw_name(types_kw, type); }
const char *fw_pt_subtype_name(uint8_t type, uint8_t subtype) { return kw_name(subtypes_for(type), subtype); }

/* ---- binary records ------------------------------------------------------ */

void fw_pt_entry_encode(const struct fw_pt_entry *e, uint8_t rec[FW_PT_RECORD_LEN])
{
    fw_enc16le(rec, FW_PT_MAGIC);
    rec[2] = e->type;
    rec[3] = e->subtype;
    fw_enc32le(rec + 4, e->offset);
    fw_enc32le(rec + 8, e->size);
    memset(rec + 12, 0, FW_PT_LABEL_LEN);
    memcpy(rec + 12, e->label, strnlen(e->label, FW_PT_LABEL_LEN));
    fw_enc32le(rec + 28, e->flags);
}

void fw_pt_entry_decode(const uint8_t rec[FW_PT_RECORD_LEN], struct fw_pt_entry *e)
{
    e->type = rec[2];
    e->subtype = rec[3];
    e->offset = fw_dec32le(rec + 4);
    e->size = fw_dec32le(rec + 8);
    size_t n = strnlen((const char *)rec + 12, FW_PT_LABEL_LEN); /* 16 chars: no NUL */
    memcpy(e->label, rec + 12, n);
    e->label[n] = 0;
    e->flags = fw_dec32le(rec + 28);
}

static int is_terminator(const uint8_t *rec)
{
    return fw_dec16le(rec) == 0xFFFF && rec[2] == 0xFF && rec[3] == 0xFF;
}

int fw_pt_parse(struct fw_pt *t, const uint8_t *bin, size_t len, uint64_t flash_size,
                fw_pt_md5_fn md5, void *md5_ctx, unsigned opts)
{
    if (!t || !bin) return FW_ERR_INVALID_ARG;
    if (!md5 && !(opts & FW_PT_IGNORE_MD5)) return FW_ERR_INVALID_ARG;
    memset(t, 0, sizeof *t);
    if (len < FW_PT_RECORD_LEN) return FW_ERR_TRUNCATED;
    size_t nrec = len / FW_PT_RECORD_LEN;
    if (nrec > FW_PT_MAX_RECORDS) nrec = FW_PT_MAX_RECORDS;
    for (size_t i = 0; i < nrec; i++) {
        const uint8_t *rec = bin + i * FW_PT_RECORD_LEN;
        uint16_t magic = fw_dec16le(rec);
        if (is_terminator(rec)) {
            if (t->count == 0) return FW_ERR_FORMAT; /* empty table */
            if ((opts & FW_PT_REQUIRE_MD5) && !t->has_md5) return FW_ERR_NOT_FOUND;
            return FW_OK;
        }
        if (magic == FW_PT_MD5_MAGIC) {
            if (t->has_md5) return FW_ERR_FORMAT;
            t->has_md5 = 1;
            if (opts & FW_PT_IGNORE_MD5) continue;
            uint8_t d[16];
            if (md5(md5_ctx, bin, i * FW_PT_RECORD_LEN, d) != 0) return FW_ERR_CRYPTO;
            if (!fw_ct_equal(d, rec + 16, 16)) return FW_ERR_DIGEST;
            continue;
        }
        if (magic != FW_PT_MAGIC) return FW_ERR_MAGIC;
        if (t->count >= FW_PT_MAX_ENTRIES) return FW_ERR_FORMAT;
        struct fw_pt_entry *e = &t->e[t->count];
        fw_pt_entry_decode(rec, e);
        if (flash_size && (e->offset > flash_size || e->size > flash_size - e->offset)) return FW_ERR_RANGE;
        t->count++;
    }
    return len / FW_PT_RECORD_LEN < FW_PT_MAX_RECORDS ? FW_ERR_TRUNCATED : FW_ERR_FORMAT; /* no terminator */
}

int fw_pt_to_binary(const struct fw_pt *t, int with_md5, fw_pt_md5_fn md5, void *md5_ctx, uint8_t out[FW_PT_LEN])
{
    if (!t || !out || (with_md5 && !md5)) return FW_ERR_INVALID_ARG;
    size_t used = (size_t)(t->count + (with_md5 ? 1 : 0)) * FW_PT_RECORD_LEN;
    if (t->count == 0) return FW_ERR_FORMAT;
    if (used >= FW_PT_LEN) return FW_ERR_NO_SPACE; /* the fill must leave a terminator */
    memset(out, 0xFF, FW_PT_LEN);
    for (unsigned i = 0; i < t->count; i++) fw_pt_entry_encode(&t->e[i], out + i * FW_PT_RECORD_LEN);
    if (with_md5) {
        uint8_t *rec = out + t->count * FW_PT_RECORD_LEN;
        rec[0] = rec[1] = 0xEB; /* bytes 2..15 stay 0xFF */
        if (md5(md5_ctx, out, t->count * FW_PT_RECORD_LEN, rec + 16) != 0) return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

/* ---- lookups ------------------------------------------------------------- */

const struct fw_pt_entry *fw_pt_find_label(const struct fw_pt *t, const char *label)
{
    for (unsigned i = 0; i < t->count; i++)
        if (!strncmp(t->e[i].label, label, FW_PT_LABEL_LEN + 1)) return &t->e[i];
    return NULL;
}

int fw_pt_find(const struct fw_pt *t, uint8_t type, uint8_t subtype, unsigned start)
{
    for (unsigned i = start; i < t->count; i++) {
        if (type != FW_PT_TYPE_ANY && t->e[i].type != type) continue;
        if (subtype != FW_PT_SUB_ANY && t->e[i].subtype != subtype) continue;
        return (int)i;
    }
    return -1;
}

unsigned fw_pt_ota_count(const struct fw_pt *t)
{
    unsigned n = 0;
    while (n < 16 && fw_pt_find(t, FW_PT_TYPE_APP, (uint8_t)(FW_PT_SUB_APP_OTA_MIN + n), 0) >= 0) n++;
    return n;
}

const struct fw_pt_entry *fw_pt_ota_slot(const struct fw_pt *t, unsigned slot)
{
    if (slot >= fw_pt_ota_count(t)) return NULL;
    return &t->e[fw_pt_find(t, FW_PT_TYPE_APP, (uint8_t)(FW_PT_SUB_APP_OTA_MIN + slot), 0)];
}

const struct fw_pt_entry *fw_pt_otadata(const struct fw_pt *t)
{
    int i = fw_pt_find(t, FW_PT_TYPE_DATA, FW_PT_SUB_DATA_OTA, 0);
    return i < 0 ? NULL : &t->e[i];
}

int fw_pt_entries_overlap(const struct fw_pt_entry *a, const struct fw_pt_entry *b)
{
    uint64_t a0 = a->offset, a1 = a0 + a->size, b0 = b->offset, b1 = b0 + b->size;
    return a0 < b1 && b0 < a1;
}

/* ---- generator checks ---------------------------------------------------- */

static int diag_set(struct fw_pt_diag *d, unsigned line, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int diag_set(struct fw_pt_diag *d, unsigned line, int err, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        d->line = line;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        va_end(ap);
    }
    return err;
}

static uint32_t offset_align(uint8_t type) { return type == FW_PT_TYPE_APP ? FW_PT_APP_ALIGN : FW_PT_DATA_ALIGN; }

static int is_primary_boot_or_table(const struct fw_pt_entry *e)
{
    return (e->type == FW_PT_TYPE_BOOTLOADER || e->type == FW_PT_TYPE_PARTITION_TABLE) && e->subtype == 0;
}

static int check_entry(const struct fw_pt_entry *e, struct fw_pt_diag *d)
{
    uint32_t a = offset_align(e->type);
    if (e->offset % a) return diag_set(d, 0, FW_ERR_ALIGN, "%s: offset 0x%x is not aligned to 0x%x", e->label, e->offset, a);
    if (e->type == FW_PT_TYPE_APP && e->size % 0x1000)
        return diag_set(d, 0, FW_ERR_ALIGN, "%s: size 0x%x is not aligned to 0x1000", e->label, e->size);
    if (e->type == FW_PT_TYPE_DATA && (e->subtype == FW_PT_SUB_DATA_OTA || e->subtype == FW_PT_SUB_DATA_COREDUMP) &&
        (e->flags & FW_PT_FLAG_READONLY))
        return diag_set(d, 0, FW_ERR_FORMAT, "%s: otadata/coredump partitions are always read-write", e->label);
    if (e->type == FW_PT_TYPE_DATA && e->subtype == FW_PT_SUB_DATA_NVS && e->size < FW_PT_NVS_RW_MIN &&
        !(e->flags & FW_PT_FLAG_READONLY))
        return diag_set(d, 0, FW_ERR_RANGE, "%s: read/write NVS must be at least 0x%x bytes (size 0x%x)", e->label,
                        FW_PT_NVS_RW_MIN, e->size);
    return FW_OK;
}

int fw_pt_check(const struct fw_pt *t, uint32_t table_offset, uint64_t flash_size, struct fw_pt_diag *d)
{
    uint64_t first_free = (uint64_t)table_offset + FW_PT_SECTOR_LEN;
    unsigned n_otadata = 0;
    for (unsigned i = 0; i < t->count; i++) {
        const struct fw_pt_entry *e = &t->e[i];
        int rc = check_entry(e, d);
        if (rc) return rc;
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(t->e[j].label, e->label))
                return diag_set(d, 0, FW_ERR_FORMAT, "partition names must be unique ('%s')", e->label);
        if (!is_primary_boot_or_table(e) && e->offset < first_free)
            return diag_set(d, 0, FW_ERR_RANGE, "%s: offset 0x%x is below 0x%llx", e->label, e->offset,
                            (unsigned long long)first_free);
        for (unsigned j = 0; j < i; j++)
            if (fw_pt_entries_overlap(e, &t->e[j]))
                return diag_set(d, 0, FW_ERR_RANGE, "%s (0x%x-0x%llx) overlaps %s (0x%x-0x%llx)", e->label, e->offset,
                                (unsigned long long)e->offset + e->size - 1, t->e[j].label, t->e[j].offset,
                                (unsigned long long)t->e[j].offset + t->e[j].size - 1);
        if (flash_size && (uint64_t)e->offset + e->size > flash_size)
            return diag_set(d, 0, FW_ERR_NO_SPACE, "%s ends at 0x%llx, beyond the 0x%llx-byte flash", e->label,
                            (unsigned long long)e->offset + e->size, (unsigned long long)flash_size);
        if (e->type == FW_PT_TYPE_DATA && e->subtype == FW_PT_SUB_DATA_OTA) {
            if (++n_otadata > 1) return diag_set(d, 0, FW_ERR_FORMAT, "found multiple otadata partitions");
            if (e->size != FW_PT_OTADATA_SIZE)
                return diag_set(d, 0, FW_ERR_RANGE, "%s: otadata partition must have size 0x2000 (is 0x%x)", e->label, e->size);
        }
    }
    return FW_OK;
}

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
static int parse_int(const char *v, const struct kw *kws, uint64_t *out)
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
    for (const struct kw *k = kws; k->name; k++) {
        size_t i = 0;
        while (k->name[i] && lower(v[i]) == k->name[i]) i++;
        if (!k->name[i] && !v[i]) { *out = k->val; return 0; }
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
                if (e - s >= sizeof name) return diag_set(d, line, FW_ERR_RANGE, "variable name too long");
                memcpy(name, in + s, e - s);
                name[e - s] = 0;
                const char *val = getvar ? getvar(name) : NULL;
                if (!val) return diag_set(d, line, FW_ERR_NOT_FOUND, "unknown variable '%s'", name);
                size_t vl = strlen(val);
                if (o + vl >= max) return diag_set(d, line, FW_ERR_RANGE, "line too long");
                memcpy(out + o, val, vl);
                o += vl;
                i = brace ? j + 1 : j;
                continue;
            }
        }
        if (o + 1 >= max) return diag_set(d, line, FW_ERR_RANGE, "line too long");
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
    if (!*f[1]) return diag_set(d, lineno, FW_ERR_FORMAT, "field 'type' can't be left empty");
    if (parse_int(f[1], types_kw, &v) || v > 0xFE)
        return diag_set(d, lineno, FW_ERR_FORMAT, "invalid type '%s'", f[1]);
    e->type = (uint8_t)v;
    if (e->type == FW_PT_TYPE_BOOTLOADER)
        return diag_set(d, lineno, FW_ERR_UNSUPPORTED, "bootloader partitions need a primary bootloader offset (unsupported)");
    if (!*f[2]) {
        if (e->type == FW_PT_TYPE_APP) return diag_set(d, lineno, FW_ERR_FORMAT, "app partition cannot have an empty subtype");
        v = FW_PT_SUB_DATA_UNDEFINED;
    } else if (parse_int(f[2], subtypes_for(e->type), &v) || v > 0xFF) {
        return diag_set(d, lineno, FW_ERR_FORMAT, "invalid subtype '%s'", f[2]);
    }
    e->subtype = (uint8_t)v;

    *has_offset = 0;
    if (*f[3]) {
        if (parse_int(f[3], no_kw, &v) || v > UINT32_MAX) return diag_set(d, lineno, FW_ERR_FORMAT, "invalid offset '%s'", f[3]);
        e->offset = (uint32_t)v;
        *has_offset = 1;
    }
    if (e->type == FW_PT_TYPE_PARTITION_TABLE) {
        e->size = FW_PT_SECTOR_LEN; /* implied */
    } else {
        if (!*f[4]) return diag_set(d, lineno, FW_ERR_FORMAT, "size field can't be empty");
        if (parse_int(f[4], no_kw, &v) || v > UINT32_MAX) return diag_set(d, lineno, FW_ERR_FORMAT, "invalid size '%s'", f[4]);
        e->size = (uint32_t)v;
    }

    char *fl = f[5];
    while (fl) {
        char *c = strchr(fl, ':');
        if (c) *c = 0;
        if (!strcmp(fl, "encrypted")) e->flags |= FW_PT_FLAG_ENCRYPTED;
        else if (!strcmp(fl, "readonly")) e->flags |= FW_PT_FLAG_READONLY;
        else if (*fl) return diag_set(d, lineno, FW_ERR_FORMAT, "unknown flag '%s'", fl);
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
        if (is_primary_boot_or_table(e)) {
            if (!has_off[i]) e->offset = table_offset;
            continue;
        }
        if (has_off[i] && e->offset < last_end)
            return diag_set(d, lines[i], FW_ERR_RANGE, "partitions overlap: offset 0x%x, previous space ends at 0x%llx",
                            e->offset, (unsigned long long)last_end);
        if (!has_off[i]) {
            uint32_t a = offset_align(e->type);
            if (last_end % a) last_end += a - last_end % a;
            if (last_end > UINT32_MAX) return diag_set(d, lines[i], FW_ERR_RANGE, "offset beyond 4 GiB");
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
            if (csv[k] == 0) return diag_set(d, lineno, FW_ERR_FORMAT, "NUL byte in CSV");
        char buf[CSV_LINE_MAX];
        int rc = expand_vars(csv + s, n, buf, sizeof buf, getvar, d, lineno);
        if (rc) return rc;
        char *line = buf;
        trim(&line);
        if (!*line || *line == '#') continue;
        if (t->count >= FW_PT_MAX_ENTRIES) return diag_set(d, lineno, FW_ERR_NO_SPACE, "more than %u partitions", FW_PT_MAX_ENTRIES);
        int ho = 0;
        rc = parse_row(line, lineno, &t->e[t->count], &ho, d);
        if (rc) return rc;
        has_off[t->count] = (uint8_t)ho;
        lines[t->count] = lineno;
        t->count++;
    }
    if (t->count == 0) return diag_set(d, 0, FW_ERR_FORMAT, "no partitions");
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

int fw_pt_is_encrypted_type(uint8_t type, uint8_t subtype, uint32_t flags)
{
    if (type == FW_PT_TYPE_DATA && subtype == FW_PT_SUB_DATA_NVS) return 0; /* own XTS layer, §5.10 */
    if (type == FW_PT_TYPE_APP || type == FW_PT_TYPE_BOOTLOADER || type == FW_PT_TYPE_PARTITION_TABLE) return 1;
    if (type == FW_PT_TYPE_DATA && (subtype == FW_PT_SUB_DATA_OTA || subtype == FW_PT_SUB_DATA_NVS_KEYS ||
                                    subtype == FW_PT_SUB_DATA_TEE_OTA))
        return 1;
    return (flags & FW_PT_FLAG_ENCRYPTED) != 0;
}
