/* SPDX-License-Identifier: Apache-2.0 */
/* ESP app image codec (FORMATS §1): header, esp_app_desc_t, chip table and a
 * crypto-free STREAMING parser.
 *
 * The parser is a push parser (BearSSL style): the caller owns the context
 * (sizeof(struct fw_image_parser) ~ 600 bytes, no malloc) and feeds the image
 * bytes in order, in any chunking. It validates FORMATS §1.10 rules 1, 3, 4
 * and 5 as the bytes arrive, XORs the checksum over segment data, and exposes
 * the layout as soon as it is known:
 *
 *   0 ........ hash_end = C+1 ...... E = hash_end(+32) ...... S = ALIGN_UP(E,4096)
 *   [ header | segments | pad | checksum ][ SHA-256 ][ gap ][ signature sector ]
 *
 * Hashing is the caller's job (host: OpenSSL, device: mbedTLS). Feed a chunk,
 * then ask fw_image_parser_in_hash()/in_signed() how many of that chunk's
 * bytes lie before hash_end / S and hash exactly those:
 *
 *     uint64_t off = fw_image_parser_pos(&p);
 *     int rc = fw_image_parser_feed(&p, buf, n);
 *     if (rc < 0) ...reject...
 *     sha256_update(&h_simple, buf, fw_image_parser_in_hash(&p, off, n));
 *     sha256_update(&h_signed, buf, fw_image_parser_in_signed(&p, off, n));
 *
 * Bytes after E (gap, signature sector) are accepted and only counted; the
 * parser does not interpret them. */
#ifndef FW_IMAGE_H
#define FW_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define FW_IMAGE_MAGIC          0xE9
#define FW_IMAGE_HEADER_LEN     24
#define FW_IMAGE_SEG_HDR_LEN    8
#define FW_IMAGE_MAX_SEGMENTS   16
#define FW_IMAGE_SEG_MAX_LEN    0x1000000u   /* data_len must be below this */
#define FW_IMAGE_HASH_LEN       32
#define FW_IMAGE_CHECKSUM_SEED  0xEF
#define FW_IMAGE_SIG_ALIGN      4096u        /* signature sector alignment */
#define FW_IMAGE_SIG_SECTOR_LEN 4096u
#define FW_IMAGE_NO_LIMIT       UINT64_MAX   /* fw_image_parser_init limit: none */

#define FW_APP_DESC_OFFSET      0x20         /* image offset of esp_app_desc_t */
#define FW_APP_DESC_LEN         256
#define FW_APP_DESC_MAGIC       0xABCD5432u
#define FW_APP_DESC_END         (FW_APP_DESC_OFFSET + FW_APP_DESC_LEN) /* 0x120 */

/* Chip ids (image header offset 12, FORMATS §1.2). */
enum fw_chip_id {
    FW_CHIP_ESP32    = 0x0000,
    FW_CHIP_ESP32S2  = 0x0002,
    FW_CHIP_ESP32C3  = 0x0005,
    FW_CHIP_ESP32S3  = 0x0009,
    FW_CHIP_ESP32C2  = 0x000C,
    FW_CHIP_ESP32C6  = 0x000D,
    FW_CHIP_ESP32H2  = 0x0010,
    FW_CHIP_ESP32P4  = 0x0012,
    FW_CHIP_ESP32C61 = 0x0014,
    FW_CHIP_ESP32C5  = 0x0017,
    FW_CHIP_ESP32H21 = 0x0019,
    FW_CHIP_ESP32H4  = 0x001C,
    FW_CHIP_ESP32S31 = 0x0020,
    FW_CHIP_INVALID  = 0xFFFF,
};

/* "esp32c3" -> 0x0005; returns -1 for an unknown name (case-insensitive). */
int fw_chip_from_name(const char *name);
/* 0x0005 -> "esp32c3"; NULL for an unknown id. */
const char *fw_chip_name(uint16_t chip_id);
/* i-th entry of the chip table (for listing); NULL past the end. */
const char *fw_chip_name_at(size_t i);

/* 24-byte image header, every field (FORMATS §1.2). */
struct fw_image_header {
    uint8_t  magic;
    uint8_t  segment_count;
    uint8_t  spi_mode;
    uint8_t  spi_speed_size;     /* low nibble speed, high nibble size */
    uint32_t entry_addr;
    uint8_t  wp_pin;
    uint8_t  spi_pin_drv[3];
    uint16_t chip_id;
    uint8_t  min_chip_rev;       /* legacy */
    uint16_t min_chip_rev_full;  /* major*100 + minor */
    uint16_t max_chip_rev_full;  /* 0 / 0xFFFF = not set */
    uint8_t  reserved[4];
    uint8_t  hash_appended;
};

/* Pure codecs: decode never fails (validation is separate), encode writes 24 bytes. */
void fw_image_header_decode(const uint8_t b[FW_IMAGE_HEADER_LEN], struct fw_image_header *h);
void fw_image_header_encode(const struct fw_image_header *h, uint8_t b[FW_IMAGE_HEADER_LEN]);
/* Structural header rules 1 and 3: magic, 1..16 segments, hash_appended in {0,1}. */
int fw_image_header_check(const struct fw_image_header *h);
/* Rule 2: chip id equals `chip_id`, and chip revision `chip_rev_full`
 * (major*100+minor) lies in [min_chip_rev_full, max_chip_rev_full] (max only
 * when set). FW_ERR_CHIP otherwise. */
int fw_image_check_chip(const struct fw_image_header *h, uint16_t chip_id, uint16_t chip_rev_full);
/* The revision part of rule 2 on bare values: min <= rev, and rev <= max
 * unless max is 0 or 0xFFFF (no upper limit). 1 if in range, else 0. */
int fw_image_chip_rev_ok(uint16_t min_rev_full, uint16_t max_rev_full, uint16_t chip_rev_full);

/* esp_app_desc_t, 256 bytes (FORMATS §1.7). Strings are copied NUL-terminated
 * (a field without NUL keeps all its bytes, so buffers are one larger). */
struct fw_app_desc {
    uint32_t magic_word;
    uint32_t secure_version;
    uint32_t reserv1[2];
    char     version[33];
    char     project_name[33];
    char     time[17];
    char     date[17];
    char     idf_ver[33];
    uint8_t  app_elf_sha256[32];
    uint16_t min_efuse_blk_rev_full;
    uint16_t max_efuse_blk_rev_full;
    uint8_t  mmu_page_size;      /* log2; 0 / out of range -> default 64 KiB */
    uint8_t  spi_flash_mode;
    uint16_t reserv3;
    uint8_t  reserv2[72];
};

void fw_app_desc_decode(const uint8_t b[FW_APP_DESC_LEN], struct fw_app_desc *d);
/* Encode; FW_ERR_RANGE if a string does not fit its field with its NUL. */
int fw_app_desc_encode(const struct fw_app_desc *d, uint8_t b[FW_APP_DESC_LEN]);
/* secure_version straight from the first bytes of an image (what the
 * bootloader reads for anti-rollback: the first 8 bytes of segment 0 data at
 * image offset 0x20, §1.7). Needs len >= 0x28; checks the image magic and the
 * descriptor magic. FW_ERR_TRUNCATED / FW_ERR_MAGIC otherwise. */
int fw_image_peek_secure_version(const uint8_t *img, size_t len, uint32_t *secure_version);
/* MMU page size in bytes from the descriptor (64 KiB when unset/out of range). */
uint32_t fw_app_desc_mmu_page(const struct fw_app_desc *d);

/* Segment address classes (esptool's view). */
enum fw_seg_class {
    FW_SEG_UNKNOWN = 0,   /* chip not in the memory-map table */
    FW_SEG_PADDING,       /* load_addr < 0x10000000: never loaded */
    FW_SEG_DROM,          /* flash-mapped data */
    FW_SEG_IROM,          /* flash-mapped code */
    FW_SEG_DRAM,
    FW_SEG_IRAM,
    FW_SEG_RTC,
    FW_SEG_RAM_OTHER,     /* loaded to RAM, no finer classification */
};
enum fw_seg_class fw_image_seg_class(uint16_t chip_id, uint32_t load_addr);
const char *fw_seg_class_name(enum fw_seg_class c);
static inline int fw_seg_is_flash_mapped(enum fw_seg_class c) { return c == FW_SEG_DROM || c == FW_SEG_IROM; }

struct fw_image_segment {
    uint32_t load_addr;
    uint32_t data_len;
    uint64_t data_off;   /* image offset of the first data byte */
};

/* Rule 6 (mapping half): every flash-mapped segment's data offset, taken
 * relative to a partition at `part_off`, is congruent to its load address
 * modulo `page`. FW_ERR_ALIGN otherwise; FW_ERR_UNSUPPORTED for a chip whose
 * memory map is not in the table (esp32c3, esp32s3, esp32c2, esp32c6, esp32h2). */
int fw_image_check_mapping(uint16_t chip_id, const struct fw_image_segment *segs, unsigned n,
                           uint64_t part_off, uint32_t page);

enum fw_image_state {
    FW_IMG_S_HEADER = 0,
    FW_IMG_S_SEG_HDR,
    FW_IMG_S_SEG_DATA,
    FW_IMG_S_PAD,
    FW_IMG_S_CHECKSUM,
    FW_IMG_S_HASH,
    FW_IMG_S_DONE,       /* E bytes consumed; anything more is trailing data */
    FW_IMG_S_ERROR,      /* sticky */
};

struct fw_image_parser {
    enum fw_image_state state;
    int err;                     /* sticky error once state == ERROR */
    uint64_t limit;              /* partition size; FW_IMAGE_NO_LIMIT for none */
    uint64_t pos;                /* bytes consumed so far */
    uint64_t state_end;          /* image offset where the current state ends */
    uint8_t buf[FW_IMAGE_HEADER_LEN];
    unsigned buf_len;
    struct fw_image_header header;
    int have_header;
    uint8_t desc_raw[FW_APP_DESC_LEN];
    struct fw_app_desc desc;
    int have_desc;
    struct fw_image_segment seg[FW_IMAGE_MAX_SEGMENTS];
    unsigned seg_seen;           /* segment headers parsed */
    uint8_t checksum;            /* running XOR */
    uint8_t stored_checksum;
    int checksum_ok;             /* valid once state >= HASH */
    uint8_t stored_hash[FW_IMAGE_HASH_LEN];
    unsigned hash_got;
    int layout_known;            /* C, hash_end, E, S valid */
    uint64_t chk_off;            /* C */
    uint64_t hash_end;           /* C + 1 */
    uint64_t image_len;          /* E */
    uint64_t sig_off;            /* S */
    int kind;                    /* enum fw_image_kind (fw_image_parser_init_kind) */
};

void fw_image_parser_init(struct fw_image_parser *p, uint64_t limit);
/* What segment 0 must start with: an app (esp_app_desc_t, 256 bytes, magic
 * 0xABCD5432; fw_image_parser_init) or a second-stage bootloader
 * (esp_bootloader_desc_t, 80 bytes, magic byte 0x50, FORMATS 1.8: read it
 * with fw_image_parser_raw_desc and common/fw_boot_desc.h). */
enum fw_image_kind { FW_IMAGE_KIND_APP = 0, FW_IMAGE_KIND_BOOTLOADER = 1 };
void fw_image_parser_init_kind(struct fw_image_parser *p, uint64_t limit, enum fw_image_kind kind);
/* The raw descriptor bytes (app: 256, bootloader: 80) once captured, else NULL. */
const uint8_t *fw_image_parser_raw_desc(const struct fw_image_parser *p);
/* Consume len bytes. Returns FW_OK or a negative fw_err (sticky: every later
 * call returns the same error). A checksum mismatch is NOT a feed error; see
 * fw_image_parser_finish(). Bytes beyond `limit` are FW_ERR_NO_SPACE. */
int fw_image_parser_feed(struct fw_image_parser *p, const uint8_t *data, size_t len);
/* FW_OK when E bytes were consumed and the checksum matched; FW_ERR_TRUNCATED
 * if the image is incomplete; FW_ERR_CHECKSUM on mismatch; else the feed error. */
int fw_image_parser_finish(const struct fw_image_parser *p);
static inline int fw_image_parser_done(const struct fw_image_parser *p) { return p->state == FW_IMG_S_DONE; }
static inline uint64_t fw_image_parser_pos(const struct fw_image_parser *p) { return p->pos; }
/* Header once 24 bytes were fed, app descriptor once 0x120 bytes were fed; else NULL. */
const struct fw_image_header *fw_image_parser_header(const struct fw_image_parser *p);
const struct fw_app_desc *fw_image_parser_app_desc(const struct fw_image_parser *p);
/* The appended SHA-256 once E bytes were consumed (and hash_appended), else NULL. */
const uint8_t *fw_image_parser_stored_hash(const struct fw_image_parser *p);
/* Of the chunk [chunk_off, chunk_off+len) already fed, how many leading bytes
 * lie before hash_end (simple hash region) / before S (signed region). While
 * the layout is still unknown every fed byte lies before both. */
size_t fw_image_parser_in_hash(const struct fw_image_parser *p, uint64_t chunk_off, size_t len);
size_t fw_image_parser_in_signed(const struct fw_image_parser *p, uint64_t chunk_off, size_t len);

/* One-shot helpers over a whole buffer (host tools, tests). */
int fw_image_parse_buffer(struct fw_image_parser *p, const uint8_t *img, size_t len, uint64_t limit);

/* Pure layout arithmetic (§1.4, §1.9): C from L (offset after the last
 * segment), E, S. Inputs are small enough that 64-bit never overflows. */
static inline uint64_t fw_image_checksum_off(uint64_t L) { return ((L + 1 + 15) / 16) * 16 - 1; }

/* XOR checksum update over segment data (seeded with FW_IMAGE_CHECKSUM_SEED). */
uint8_t fw_image_xor(uint8_t acc, const uint8_t *p, size_t n);

#endif
