/* SPDX-License-Identifier: Apache-2.0 */
/* Partition table codec (FORMATS §6): the 0xC00-byte binary table with the
 * device validation of §6.4, lookups and OTA slot helpers (§6.6), the exact
 * gen_esp32part serialisation, and the table rules (gen_esp32part verify()).
 * The CSV text form of §6.5 is host-side parsing: host/fwh_pt_csv.h.
 *
 * common/ has no crypto: MD5 is computed through a caller-supplied callback.
 * Memory: struct fw_pt is ~3.5 KiB (95 fixed entries), no malloc anywhere. */
#ifndef FW_PARTITION_H
#define FW_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#define FW_PT_OFFSET_DEFAULT  0x8000u  /* CONFIG_PARTITION_TABLE_OFFSET default */
#define FW_PT_SECTOR_LEN      0x1000u  /* the table occupies one sector */
#define FW_PT_LEN             0xC00u   /* data area: 96 records */
#define FW_PT_RECORD_LEN      32u
#define FW_PT_MAX_RECORDS     96u
#define FW_PT_MAX_ENTRIES     95u
#define FW_PT_MAGIC           0x50AAu  /* bytes AA 50 */
#define FW_PT_MD5_MAGIC       0xEBEBu  /* bytes EB EB */
#define FW_PT_LABEL_LEN       16u      /* 16 chars fit without a NUL */
#define FW_PT_OTADATA_SIZE    0x2000u
#define FW_PT_NVS_RW_MIN      0x3000u
#define FW_PT_APP_ALIGN       0x10000u
#define FW_PT_DATA_ALIGN      0x1000u

enum fw_pt_type {
    FW_PT_TYPE_APP = 0x00,
    FW_PT_TYPE_DATA = 0x01,
    FW_PT_TYPE_BOOTLOADER = 0x02,
    FW_PT_TYPE_PARTITION_TABLE = 0x03,
    FW_PT_TYPE_ANY = 0xFF,               /* lookups only */
};

enum fw_pt_subtype {
    FW_PT_SUB_APP_FACTORY = 0x00,
    FW_PT_SUB_APP_OTA_MIN = 0x10,        /* ota_0 .. ota_15 = 0x10 .. 0x1F */
    FW_PT_SUB_APP_OTA_MAX = 0x1F,
    FW_PT_SUB_APP_TEST = 0x20,
    FW_PT_SUB_DATA_OTA = 0x00,
    FW_PT_SUB_DATA_PHY = 0x01,
    FW_PT_SUB_DATA_NVS = 0x02,
    FW_PT_SUB_DATA_COREDUMP = 0x03,
    FW_PT_SUB_DATA_NVS_KEYS = 0x04,
    FW_PT_SUB_DATA_EFUSE = 0x05,
    FW_PT_SUB_DATA_UNDEFINED = 0x06,
    FW_PT_SUB_DATA_TEE_OTA = 0x90,       /* TEE otadata */
    FW_PT_SUB_ANY = 0xFF,                /* lookups only */
};

#define FW_PT_FLAG_ENCRYPTED  0x1u
#define FW_PT_FLAG_READONLY   0x2u

struct fw_pt_entry {
    uint8_t  type;
    uint8_t  subtype;
    uint32_t offset;
    uint32_t size;
    char     label[FW_PT_LABEL_LEN + 1];  /* NUL-terminated copy */
    uint32_t flags;
};

struct fw_pt {
    struct fw_pt_entry e[FW_PT_MAX_ENTRIES];
    unsigned count;                        /* entries, MD5 record excluded */
    int      has_md5;                      /* binary input had an MD5 record */
};

/* MD5 provided by the caller (OpenSSL on the host, mbedTLS on the device).
 * Returns 0 on success. */
typedef int (*fw_pt_md5_fn)(void *ctx, const uint8_t *data, size_t len, uint8_t out[16]);

/* fw_pt_parse options */
#define FW_PT_REQUIRE_MD5  0x1u   /* a table without an MD5 record is rejected */
#define FW_PT_IGNORE_MD5   0x2u   /* do not verify the MD5 record (md5 may be NULL) */

/* Parse a binary table with the device validation of §6.4: records up to 96;
 * AA 50 entries within flash_size (0 = no flash bound); at most one EB EB MD5
 * record, verified over all preceding records; terminator (magic FFFF, type
 * and subtype FF) required, first record may not be it. Errors:
 * FW_ERR_MAGIC (unknown record), FW_ERR_RANGE (out of flash), FW_ERR_DIGEST
 * (MD5 mismatch), FW_ERR_FORMAT (second MD5, empty, no terminator),
 * FW_ERR_NOT_FOUND (MD5 required but absent), FW_ERR_TRUNCATED (len < 32). */
int fw_pt_parse(struct fw_pt *t, const uint8_t *bin, size_t len, uint64_t flash_size,
                fw_pt_md5_fn md5, void *md5_ctx, unsigned opts);

/* Serialise exactly like gen_esp32part: records, optional MD5 record, 0xFF
 * fill to FW_PT_LEN. FW_ERR_NO_SPACE above 95 entries (94 with MD5). */
int fw_pt_to_binary(const struct fw_pt *t, int with_md5, fw_pt_md5_fn md5, void *md5_ctx,
                    uint8_t out[FW_PT_LEN]);

/* Encode/decode one 32-byte entry record. */
void fw_pt_entry_encode(const struct fw_pt_entry *e, uint8_t rec[FW_PT_RECORD_LEN]);
void fw_pt_entry_decode(const uint8_t rec[FW_PT_RECORD_LEN], struct fw_pt_entry *e);

/* Lookups. fw_pt_find returns the index of the first entry at or after
 * `start` matching type/subtype (FW_PT_TYPE_ANY / FW_PT_SUB_ANY match all),
 * or -1. */
const struct fw_pt_entry *fw_pt_find_label(const struct fw_pt *t, const char *label);
int fw_pt_find(const struct fw_pt *t, uint8_t type, uint8_t subtype, unsigned start);
/* Number of OTA app slots the device can reach: ota_0, ota_1, ... present
 * without a gap (§6.6). */
unsigned fw_pt_ota_count(const struct fw_pt *t);
/* The ota_<slot> app partition if slot < fw_pt_ota_count(), else NULL. */
const struct fw_pt_entry *fw_pt_ota_slot(const struct fw_pt *t, unsigned slot);
/* The otadata partition (data/ota) or NULL. */
const struct fw_pt_entry *fw_pt_otadata(const struct fw_pt *t);
/* Two entries overlap in flash. */
int fw_pt_entries_overlap(const struct fw_pt_entry *a, const struct fw_pt_entry *b);

/* FORMATS §4.1: does flash encryption (when on) encrypt a partition of
 * this type/subtype/flags? app, bootloader and partition_table types,
 * data/ota, data/nvs_keys, data/tee_ota, anything flagged encrypted -- never
 * data/nvs (its own XTS layer, §5.10), even if flagged. 1 or 0. */
int fw_pt_is_encrypted_type(uint8_t type, uint8_t subtype, uint32_t flags);

/* Keyword names ("app", "ota_0", "nvs_keys", ...); NULL when the value has none. */
const char *fw_pt_type_name(uint8_t type);
const char *fw_pt_subtype_name(uint8_t type, uint8_t subtype);

/* Errors of the (host) CSV parser and of the generator checks: line (0 when not tied to
 * one) and a one-line message. */
struct fw_pt_diag {
    unsigned line;
    char msg[128];
    unsigned warnings;              /* FW_PT_WARN_* seen while parsing */
};
#define FW_PT_WARN_NAME_TRUNCATED  0x1u  /* a name longer than 16 chars was cut */
#define FW_PT_WARN_UNKNOWN_FLAGS   0x2u  /* binary entry had unknown flag bits */

/* Keywords of the type and subtype columns (gen_esp32part TYPES / SUBTYPES,
 * in its dict order), ending with {NULL, 0}; no subtype keywords for an
 * unknown type. Shared by the names below and the host's CSV parser. */
struct fw_pt_keyword { const char *name; uint8_t value; };
const struct fw_pt_keyword *fw_pt_type_keywords(void);
const struct fw_pt_keyword *fw_pt_subtype_keywords(uint8_t type);

/* Offset alignment of a partition of `type`: app 0x10000, others 0x1000. */
uint32_t fw_pt_offset_align(uint8_t type);
/* The primary bootloader and partition table entries sit at fixed places
 * (the table offset), outside the "nothing below table_offset + 0x1000" rule. */
int fw_pt_is_primary_boot_or_table(const struct fw_pt_entry *e);

/* Record an error in `diag` (may be NULL): line (0 = none) and a formatted
 * one-line message; returns `err`. */
int fw_pt_diag_set(struct fw_pt_diag *d, unsigned line, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* gen_esp32part's verify(): offsets aligned (app 0x10000, others 0x1000), app
 * sizes multiple of 0x1000, nothing below table_offset + 0x1000, no overlap,
 * unique names, at most one otadata and of size 0x2000, otadata/coredump not
 * readonly, R/W NVS >= 0x3000, and everything inside flash_size (0 = skip). */
int fw_pt_check(const struct fw_pt *t, uint32_t table_offset, uint64_t flash_size, struct fw_pt_diag *diag);

#endif
