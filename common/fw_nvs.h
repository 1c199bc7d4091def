/* SPDX-License-Identifier: Apache-2.0 */
/* NVS on-flash format codecs (FORMATS §5): page header, entry-state bitmap,
 * 32-byte entries, type codes, CRCs and the nvs_keys partition record.
 * Crypto-free and I/O-free: the store (nvs/fw_nvs_store.h), the host CSV generator
 * (host/fwh_nvs_csv.h) and the host/device front ends build on these. */
#ifndef FW_NVS_H
#define FW_NVS_H

#include <stddef.h>
#include <stdint.h>

#define FW_NVS_PAGE_SIZE      4096u
#define FW_NVS_ENTRY_SIZE     32u
#define FW_NVS_ENTRIES        126u     /* entries per page */
#define FW_NVS_FIRST_ENTRY    64u      /* page offset of entry 0 */
#define FW_NVS_BITMAP_OFF     32u
#define FW_NVS_KEY_MAX        15u      /* key/namespace chars without NUL */
#define FW_NVS_MAX_NS         254u
#define FW_NVS_CHUNK_MAX      4000u    /* (126-1)*32: payload of one item */
#define FW_NVS_STR_MAX        4000u    /* string incl. its NUL */
#define FW_NVS_CHUNK_ANY      0xFFu
#define FW_NVS_VERSION_V2     0xFEu
#define FW_NVS_VERSION_V1     0xFFu

/* Page states (§5.3). */
#define FW_NVS_PS_UNINIT   0xFFFFFFFFu
#define FW_NVS_PS_ACTIVE   0xFFFFFFFEu
#define FW_NVS_PS_FULL     0xFFFFFFFCu
#define FW_NVS_PS_FREEING  0xFFFFFFF8u
#define FW_NVS_PS_CORRUPT  0xFFFFFFF0u

/* Entry states in the bitmap (§5.4). */
enum fw_nvs_es { FW_NVS_ES_ERASED = 0, FW_NVS_ES_ILLEGAL = 1, FW_NVS_ES_WRITTEN = 2, FW_NVS_ES_EMPTY = 3 };

/* Type codes (§5.6). */
enum fw_nvs_type {
    FW_NVS_U8 = 0x01, FW_NVS_I8 = 0x11, FW_NVS_U16 = 0x02, FW_NVS_I16 = 0x12,
    FW_NVS_U32 = 0x04, FW_NVS_I32 = 0x14, FW_NVS_U64 = 0x08, FW_NVS_I64 = 0x18,
    FW_NVS_SZ = 0x21, FW_NVS_BLOB = 0x41, FW_NVS_BLOB_DATA = 0x42, FW_NVS_BLOB_IDX = 0x48,
    FW_NVS_ANY = 0xFF
};

/* Decoded page header. */
struct fw_nvs_page_hdr {
    uint32_t state;
    uint32_t seq;
    uint8_t version;
    uint32_t crc;        /* as stored */
};

/* Decoded entry (header view). */
struct fw_nvs_entry {
    uint8_t ns;
    uint8_t type;
    uint8_t span;
    uint8_t chunk;
    uint32_t crc;        /* as stored */
    char key[16];        /* NUL-terminated copy (forced) */
    uint8_t data[8];
};

/* --- page header ------------------------------------------------------- */
uint32_t fw_nvs_page_hdr_crc(const uint8_t hdr[32]);
/* Encode a header (state, seq, version V2, reserved 0xFF, CRC). */
void fw_nvs_page_hdr_encode(uint8_t out[32], uint32_t state, uint32_t seq);
void fw_nvs_page_hdr_decode(const uint8_t in[32], struct fw_nvs_page_hdr *h);
/* 1 if the header CRC matches. */
int fw_nvs_page_hdr_crc_ok(const uint8_t hdr[32]);

/* --- bitmap -------------------------------------------------------------- */
static inline unsigned fw_nvs_bm_get(const uint8_t bm[32], unsigned i)
{
    return (bm[i / 4] >> (2 * (i % 4))) & 3u;
}
static inline void fw_nvs_bm_set(uint8_t bm[32], unsigned i, unsigned st)
{
    unsigned sh = 2 * (i % 4);
    bm[i / 4] = (uint8_t)((bm[i / 4] & ~(3u << sh)) | ((st & 3u) << sh));
}

/* --- entries ------------------------------------------------------------- */
uint32_t fw_nvs_entry_crc(const uint8_t e[32]);
int fw_nvs_entry_crc_ok(const uint8_t e[32]);
/* Store the entry CRC into bytes 4..7. */
void fw_nvs_entry_seal(uint8_t e[32]);
void fw_nvs_entry_decode(const uint8_t e[32], struct fw_nvs_entry *out);
/* Start an entry: ns, type, span, chunk, key (must be <= 15 chars), data 0xFF. */
void fw_nvs_entry_init(uint8_t e[32], uint8_t ns, uint8_t type, uint8_t span, uint8_t chunk, const char *key);
/* 1 if the key field holds a NUL within its 16 bytes. */
int fw_nvs_entry_key_ok(const uint8_t e[32]);

/* Type helpers. */
int fw_nvs_type_is_primitive(uint8_t t);           /* U8..I64 */
int fw_nvs_type_is_varlen(uint8_t t);              /* SZ, BLOB, BLOB_DATA */
int fw_nvs_type_known(uint8_t t);
static inline unsigned fw_nvs_prim_size(uint8_t t) { return t & 0x0Fu; }
const char *fw_nvs_type_name(uint8_t t);            /* "u8", ..., "string", "blob", NULL if unknown */
int fw_nvs_type_from_name(const char *name);        /* user types; -1 if unknown */

/* Span of a variable-length item holding `size` payload bytes. */
static inline unsigned fw_nvs_varlen_span(size_t size) { return 1u + (unsigned)((size + 31u) / 32u); }

/* Entry-crypt interface (§5.10): one 32-byte entry at a partition-relative
 * byte offset. NULL crypt = plain NVS. Callbacks return 0 or fw_err. */
struct fw_nvs_crypt {
    int (*encrypt)(void *ctx, uint32_t rel_off, const uint8_t in[32], uint8_t out[32]);
    int (*decrypt)(void *ctx, uint32_t rel_off, const uint8_t in[32], uint8_t out[32]);
    void *ctx;
};

/* --- nvs_keys partition record (§5.10) ----------------------------------- */
#define FW_NVS_KEYS_LEN 64u          /* eky || tky */
#define FW_NVS_KEYS_RECORD_LEN 68u   /* keys + CRC32 at the start of the partition */
#define FW_NVS_KEYS_IMAGE_LEN 4096u  /* one sector: the record, then 0xFF */
/* raw: the first 68 bytes read raw; dec: the same bytes read through flash
 * decryption (pass raw twice for a plaintext keys file). On success copies
 * eky||tky into keys (64 bytes). FW_ERR_STATE = keys not initialised
 * (erased), FW_ERR_CRC = corrupt keys partition. */
int fw_nvs_keys_parse(const uint8_t raw[FW_NVS_KEYS_RECORD_LEN], const uint8_t dec[FW_NVS_KEYS_RECORD_LEN],
                      uint8_t keys[FW_NVS_KEYS_LEN]);
/* Build a 4096-byte plaintext keys partition image from eky||tky. */
void fw_nvs_keys_build(const uint8_t keys[FW_NVS_KEYS_LEN], uint8_t out[FW_NVS_KEYS_IMAGE_LEN]);

#endif
