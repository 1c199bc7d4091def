/* SPDX-License-Identifier: Apache-2.0 */
/* Partition table codec (FORMATS §6). See fw_partition.h. */
#include "fw_partition.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

/* ---- keywords (gen_esp32part TYPES / SUBTYPES, in its dict order) -------- */


static const struct fw_pt_keyword types_kw[] = {
    {"app", 0x00}, {"data", 0x01}, {"bootloader", 0x02}, {"partition_table", 0x03}, {NULL, 0},
};
static const struct fw_pt_keyword app_kw[] = {
    {"factory", 0x00}, {"test", 0x20},
    {"ota_0", 0x10}, {"ota_1", 0x11}, {"ota_2", 0x12}, {"ota_3", 0x13}, {"ota_4", 0x14}, {"ota_5", 0x15},
    {"ota_6", 0x16}, {"ota_7", 0x17}, {"ota_8", 0x18}, {"ota_9", 0x19}, {"ota_10", 0x1A}, {"ota_11", 0x1B},
    {"ota_12", 0x1C}, {"ota_13", 0x1D}, {"ota_14", 0x1E}, {"ota_15", 0x1F},
    {"tee_0", 0x30}, {"tee_1", 0x31}, {NULL, 0},
};
static const struct fw_pt_keyword data_kw[] = {
    {"ota", 0x00}, {"phy", 0x01}, {"nvs", 0x02}, {"coredump", 0x03}, {"nvs_keys", 0x04}, {"efuse", 0x05},
    {"undefined", 0x06}, {"esphttpd", 0x80}, {"fat", 0x81}, {"spiffs", 0x82}, {"littlefs", 0x83},
    {"tee_ota", FW_PT_SUB_DATA_TEE_OTA}, {NULL, 0},
};
static const struct fw_pt_keyword boot_kw[] = {{"primary", 0x00}, {"ota", 0x01}, {"recovery", 0x02}, {NULL, 0}};
static const struct fw_pt_keyword pt_kw[] = {{"primary", 0x00}, {"ota", 0x01}, {NULL, 0}};
static const struct fw_pt_keyword no_kw[] = {{NULL, 0}};

static const struct fw_pt_keyword *subtypes_for(uint8_t type)
{
    switch (type) {
    case FW_PT_TYPE_APP: return app_kw;
    case FW_PT_TYPE_DATA: return data_kw;
    case FW_PT_TYPE_BOOTLOADER: return boot_kw;
    case FW_PT_TYPE_PARTITION_TABLE: return pt_kw;
    default: return no_kw;
    }
}

static const char *kw_name(const struct fw_pt_keyword *k, uint8_t v)
{
    for (; k->name; k++)
        if (k->value == v) return k->name;
    return NULL;
}

const struct fw_pt_keyword *fw_pt_type_keywords(void) { return types_kw; }
const struct fw_pt_keyword *fw_pt_subtype_keywords(uint8_t type) { return subtypes_for(type); }

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
    memcpy(rec + 12, e->label, fw_strnlen(e->label, FW_PT_LABEL_LEN));
    fw_enc32le(rec + 28, e->flags);
}

void fw_pt_entry_decode(const uint8_t rec[FW_PT_RECORD_LEN], struct fw_pt_entry *e)
{
    e->type = rec[2];
    e->subtype = rec[3];
    e->offset = fw_dec32le(rec + 4);
    e->size = fw_dec32le(rec + 8);
    size_t n = fw_strnlen((const char *)rec + 12, FW_PT_LABEL_LEN); /* 16 chars: no NUL */
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

int fw_pt_diag_set(struct fw_pt_diag *d, unsigned line, int err, const char *fmt, ...)
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

uint32_t fw_pt_offset_align(uint8_t type) { return type == FW_PT_TYPE_APP ? FW_PT_APP_ALIGN : FW_PT_DATA_ALIGN; }

int fw_pt_is_primary_boot_or_table(const struct fw_pt_entry *e)
{
    return (e->type == FW_PT_TYPE_BOOTLOADER || e->type == FW_PT_TYPE_PARTITION_TABLE) && e->subtype == 0;
}

static int check_entry(const struct fw_pt_entry *e, struct fw_pt_diag *d)
{
    uint32_t a = fw_pt_offset_align(e->type);
    if (e->offset % a) return fw_pt_diag_set(d, 0, FW_ERR_ALIGN, "%s: offset 0x%x is not aligned to 0x%x", e->label, (unsigned)e->offset, (unsigned)a);
    if (e->type == FW_PT_TYPE_APP && e->size % 0x1000)
        return fw_pt_diag_set(d, 0, FW_ERR_ALIGN, "%s: size 0x%x is not aligned to 0x1000", e->label, (unsigned)e->size);
    if (e->type == FW_PT_TYPE_DATA && (e->subtype == FW_PT_SUB_DATA_OTA || e->subtype == FW_PT_SUB_DATA_COREDUMP) &&
        (e->flags & FW_PT_FLAG_READONLY))
        return fw_pt_diag_set(d, 0, FW_ERR_FORMAT, "%s: otadata/coredump partitions are always read-write", e->label);
    if (e->type == FW_PT_TYPE_DATA && e->subtype == FW_PT_SUB_DATA_NVS && e->size < FW_PT_NVS_RW_MIN &&
        !(e->flags & FW_PT_FLAG_READONLY))
        return fw_pt_diag_set(d, 0, FW_ERR_RANGE, "%s: read/write NVS must be at least 0x%x bytes (size 0x%x)", e->label,
                        (unsigned)FW_PT_NVS_RW_MIN, (unsigned)e->size);
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
                return fw_pt_diag_set(d, 0, FW_ERR_FORMAT, "partition names must be unique ('%s')", e->label);
        if (!fw_pt_is_primary_boot_or_table(e) && e->offset < first_free)
            return fw_pt_diag_set(d, 0, FW_ERR_RANGE, "%s: offset 0x%x is below 0x%llx", e->label, (unsigned)e->offset,
                            (unsigned long long)first_free);
        for (unsigned j = 0; j < i; j++)
            if (fw_pt_entries_overlap(e, &t->e[j]))
                return fw_pt_diag_set(d, 0, FW_ERR_RANGE, "%s (0x%x-0x%llx) overlaps %s (0x%x-0x%llx)", e->label, (unsigned)e->offset,
                                (unsigned long long)e->offset + e->size - 1, t->e[j].label, (unsigned)t->e[j].offset,
                                (unsigned long long)t->e[j].offset + t->e[j].size - 1);
        if (flash_size && (uint64_t)e->offset + e->size > flash_size)
            return fw_pt_diag_set(d, 0, FW_ERR_NO_SPACE, "%s ends at 0x%llx, beyond the 0x%llx-byte flash", e->label,
                            (unsigned long long)e->offset + e->size, (unsigned long long)flash_size);
        if (e->type == FW_PT_TYPE_DATA && e->subtype == FW_PT_SUB_DATA_OTA) {
            if (++n_otadata > 1) return fw_pt_diag_set(d, 0, FW_ERR_FORMAT, "found multiple otadata partitions");
            if (e->size != FW_PT_OTADATA_SIZE)
                return fw_pt_diag_set(d, 0, FW_ERR_RANGE, "%s: otadata partition must have size 0x2000 (is 0x%x)", e->label, (unsigned)e->size);
        }
    }
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
