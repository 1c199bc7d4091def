/* SPDX-License-Identifier: Apache-2.0 */
/* ESP app image codec and streaming parser (FORMATS §1). See fw_image.h. */
#include "fw_image.h"
#include "fw_boot_desc.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

/* ---- chip table ---------------------------------------------------------- */

static const struct { const char *name; uint16_t id; } chips[] = {
    {"esp32", FW_CHIP_ESP32},       {"esp32s2", FW_CHIP_ESP32S2},   {"esp32c3", FW_CHIP_ESP32C3},
    {"esp32s3", FW_CHIP_ESP32S3},   {"esp32c2", FW_CHIP_ESP32C2},   {"esp32c6", FW_CHIP_ESP32C6},
    {"esp32h2", FW_CHIP_ESP32H2},   {"esp32p4", FW_CHIP_ESP32P4},   {"esp32c61", FW_CHIP_ESP32C61},
    {"esp32c5", FW_CHIP_ESP32C5},   {"esp32h21", FW_CHIP_ESP32H21}, {"esp32h4", FW_CHIP_ESP32H4},
    {"esp32s31", FW_CHIP_ESP32S31},
};
#define N_CHIPS (sizeof chips / sizeof chips[0])

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return 0;
    }
    return *a == *b;
}

int fw_chip_from_name(const char *name)
{
    if (!name) return -1;
    /* accept the esptool spelling "esp32-c3" too */
    char tmp[16];
    size_t j = 0;
    for (size_t i = 0; name[i] && j + 1 < sizeof tmp; i++)
        if (name[i] != '-' && name[i] != '_') tmp[j++] = name[i];
    tmp[j] = 0;
    if (strlen(name) >= sizeof tmp + 4) return -1;
    for (size_t i = 0; i < N_CHIPS; i++)
        if (ieq(tmp, chips[i].name)) return chips[i].id;
    return -1;
}

const char *fw_chip_name(uint16_t chip_id)
{
    for (size_t i = 0; i < N_CHIPS; i++)
        if (chips[i].id == chip_id) return chips[i].name;
    return NULL;
}

const char *fw_chip_name_at(size_t i) { return i < N_CHIPS ? chips[i].name : NULL; }

/* ---- memory map (esptool targets: *_MAP_START/END and MEMORY_MAP) -------- */

struct mem_range { uint16_t chip; uint32_t lo, hi; enum fw_seg_class cls; };

static const struct mem_range mem_map[] = {
    {FW_CHIP_ESP32C3, 0x3C000000u, 0x3C800000u, FW_SEG_DROM},
    {FW_CHIP_ESP32C3, 0x42000000u, 0x42800000u, FW_SEG_IROM},
    {FW_CHIP_ESP32C3, 0x3FC80000u, 0x3FCE0000u, FW_SEG_DRAM},
    {FW_CHIP_ESP32C3, 0x4037C000u, 0x403E0000u, FW_SEG_IRAM},
    {FW_CHIP_ESP32C3, 0x50000000u, 0x50002000u, FW_SEG_RTC},
    {FW_CHIP_ESP32S3, 0x3C000000u, 0x3E000000u, FW_SEG_DROM},
    {FW_CHIP_ESP32S3, 0x42000000u, 0x44000000u, FW_SEG_IROM},
    {FW_CHIP_ESP32S3, 0x3FC88000u, 0x3FD00000u, FW_SEG_DRAM},
    {FW_CHIP_ESP32S3, 0x40370000u, 0x403E0000u, FW_SEG_IRAM},
    {FW_CHIP_ESP32S3, 0x50000000u, 0x50002000u, FW_SEG_RTC},
    {FW_CHIP_ESP32S3, 0x600FE000u, 0x60100000u, FW_SEG_RTC},
    {FW_CHIP_ESP32C2, 0x3C000000u, 0x3C400000u, FW_SEG_DROM},
    {FW_CHIP_ESP32C2, 0x42000000u, 0x42400000u, FW_SEG_IROM},
    {FW_CHIP_ESP32C2, 0x3FCA0000u, 0x3FCE0000u, FW_SEG_DRAM},
    {FW_CHIP_ESP32C2, 0x4037C000u, 0x403C0000u, FW_SEG_IRAM},
    /* unified-bus chips: IROM and DROM windows share 0x42xxxxxx, SRAM is both I and D */
    {FW_CHIP_ESP32C6, 0x42000000u, 0x42800000u, FW_SEG_IROM},
    {FW_CHIP_ESP32C6, 0x42800000u, 0x43000000u, FW_SEG_DROM},
    {FW_CHIP_ESP32C6, 0x40800000u, 0x40880000u, FW_SEG_RAM_OTHER},
    {FW_CHIP_ESP32C6, 0x50000000u, 0x50004000u, FW_SEG_RTC},
    {FW_CHIP_ESP32H2, 0x42000000u, 0x42800000u, FW_SEG_IROM},
    {FW_CHIP_ESP32H2, 0x42800000u, 0x43000000u, FW_SEG_DROM},
    {FW_CHIP_ESP32H2, 0x40800000u, 0x40850000u, FW_SEG_RAM_OTHER},
};

enum fw_seg_class fw_image_seg_class(uint16_t chip_id, uint32_t load_addr)
{
    if (load_addr < 0x10000000u) return FW_SEG_PADDING;
    int known = 0;
    for (size_t i = 0; i < sizeof mem_map / sizeof mem_map[0]; i++) {
        if (mem_map[i].chip != chip_id) continue;
        known = 1;
        if (load_addr >= mem_map[i].lo && load_addr < mem_map[i].hi) return mem_map[i].cls;
    }
    return known ? FW_SEG_RAM_OTHER : FW_SEG_UNKNOWN;
}

const char *fw_seg_class_name(enum fw_seg_class c)
{
    switch (c) {
    case FW_SEG_PADDING:   return "PADDING";
    case FW_SEG_DROM:      return "DROM";
    case FW_SEG_IROM:      return "IROM";
    case FW_SEG_DRAM:      return "DRAM";
    case FW_SEG_IRAM:      return "IRAM";
    case FW_SEG_RTC:       return "RTC";
    case FW_SEG_RAM_OTHER: return "RAM";
    default:               return "UNKNOWN";
    }
}

int fw_image_check_mapping(uint16_t chip_id, const struct fw_image_segment *segs, unsigned n,
                           uint64_t part_off, uint32_t page)
{
    if (!segs || page == 0 || (page & (page - 1))) return FW_ERR_INVALID_ARG;
    if (fw_image_seg_class(chip_id, 0x40000000u) == FW_SEG_UNKNOWN) return FW_ERR_UNSUPPORTED; /* no memory map */
    for (unsigned i = 0; i < n; i++) {
        if (!fw_seg_is_flash_mapped(fw_image_seg_class(chip_id, segs[i].load_addr))) continue;
        if ((part_off + segs[i].data_off) % page != segs[i].load_addr % page) return FW_ERR_ALIGN;
    }
    return FW_OK;
}

/* ---- header and descriptor codecs ---------------------------------------- */

void fw_image_header_decode(const uint8_t b[FW_IMAGE_HEADER_LEN], struct fw_image_header *h)
{
    h->magic = b[0];
    h->segment_count = b[1];
    h->spi_mode = b[2];
    h->spi_speed_size = b[3];
    h->entry_addr = fw_dec32le(b + 4);
    h->wp_pin = b[8];
    memcpy(h->spi_pin_drv, b + 9, 3);
    h->chip_id = fw_dec16le(b + 12);
    h->min_chip_rev = b[14];
    h->min_chip_rev_full = fw_dec16le(b + 15);
    h->max_chip_rev_full = fw_dec16le(b + 17);
    memcpy(h->reserved, b + 19, 4);
    h->hash_appended = b[23];
}

void fw_image_header_encode(const struct fw_image_header *h, uint8_t b[FW_IMAGE_HEADER_LEN])
{
    b[0] = h->magic;
    b[1] = h->segment_count;
    b[2] = h->spi_mode;
    b[3] = h->spi_speed_size;
    fw_enc32le(b + 4, h->entry_addr);
    b[8] = h->wp_pin;
    memcpy(b + 9, h->spi_pin_drv, 3);
    fw_enc16le(b + 12, h->chip_id);
    b[14] = h->min_chip_rev;
    fw_enc16le(b + 15, h->min_chip_rev_full);
    fw_enc16le(b + 17, h->max_chip_rev_full);
    memcpy(b + 19, h->reserved, 4);
    b[23] = h->hash_appended;
}

int fw_image_header_check(const struct fw_image_header *h)
{
    if (h->magic != FW_IMAGE_MAGIC) return FW_ERR_MAGIC;
    if (h->segment_count == 0 || h->segment_count > FW_IMAGE_MAX_SEGMENTS) return FW_ERR_RANGE;
    if (h->hash_appended > 1) return FW_ERR_FORMAT;
    return FW_OK;
}

int fw_image_check_chip(const struct fw_image_header *h, uint16_t chip_id, uint16_t chip_rev_full)
{
    if (h->chip_id != chip_id) return FW_ERR_CHIP;
    return fw_image_chip_rev_ok(h->min_chip_rev_full, h->max_chip_rev_full, chip_rev_full) ? FW_OK : FW_ERR_CHIP;
}

int fw_image_chip_rev_ok(uint16_t min_rev_full, uint16_t max_rev_full, uint16_t chip_rev_full)
{
    if (chip_rev_full < min_rev_full) return 0;
    int unlimited = max_rev_full == 0 || max_rev_full == 0xFFFF;
    return unlimited || chip_rev_full <= max_rev_full;
}

static void get_str(char *dst, const uint8_t *src, size_t field)
{
    size_t n = 0;
    while (n < field && src[n]) n++;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static int put_str(uint8_t *dst, const char *src, size_t field)
{
    size_t n = fw_strnlen(src, field);
    if (n >= field) return FW_ERR_RANGE; /* needs its NUL */
    memset(dst, 0, field);
    memcpy(dst, src, n);
    return FW_OK;
}

void fw_app_desc_decode(const uint8_t b[FW_APP_DESC_LEN], struct fw_app_desc *d)
{
    d->magic_word = fw_dec32le(b);
    d->secure_version = fw_dec32le(b + 4);
    d->reserv1[0] = fw_dec32le(b + 8);
    d->reserv1[1] = fw_dec32le(b + 12);
    get_str(d->version, b + 16, 32);
    get_str(d->project_name, b + 48, 32);
    get_str(d->time, b + 80, 16);
    get_str(d->date, b + 96, 16);
    get_str(d->idf_ver, b + 112, 32);
    memcpy(d->app_elf_sha256, b + 144, 32);
    d->min_efuse_blk_rev_full = fw_dec16le(b + 176);
    d->max_efuse_blk_rev_full = fw_dec16le(b + 178);
    d->mmu_page_size = b[180];
    d->spi_flash_mode = b[181];
    d->reserv3 = fw_dec16le(b + 182);
    memcpy(d->reserv2, b + 184, 72);
}

int fw_app_desc_encode(const struct fw_app_desc *d, uint8_t b[FW_APP_DESC_LEN])
{
    memset(b, 0, FW_APP_DESC_LEN);
    fw_enc32le(b, d->magic_word);
    fw_enc32le(b + 4, d->secure_version);
    fw_enc32le(b + 8, d->reserv1[0]);
    fw_enc32le(b + 12, d->reserv1[1]);
    if (put_str(b + 16, d->version, 32) || put_str(b + 48, d->project_name, 32) ||
        put_str(b + 80, d->time, 16) || put_str(b + 96, d->date, 16) || put_str(b + 112, d->idf_ver, 32))
        return FW_ERR_RANGE;
    memcpy(b + 144, d->app_elf_sha256, 32);
    fw_enc16le(b + 176, d->min_efuse_blk_rev_full);
    fw_enc16le(b + 178, d->max_efuse_blk_rev_full);
    b[180] = d->mmu_page_size;
    b[181] = d->spi_flash_mode;
    fw_enc16le(b + 182, d->reserv3);
    memcpy(b + 184, d->reserv2, 72);
    return FW_OK;
}

int fw_image_peek_secure_version(const uint8_t *img, size_t len, uint32_t *secure_version)
{
    if (!img || !secure_version) return FW_ERR_INVALID_ARG;
    if (len < FW_APP_DESC_OFFSET + 8) return FW_ERR_TRUNCATED;
    if (img[0] != FW_IMAGE_MAGIC || fw_dec32le(img + FW_APP_DESC_OFFSET) != FW_APP_DESC_MAGIC) return FW_ERR_MAGIC;
    *secure_version = fw_dec32le(img + FW_APP_DESC_OFFSET + 4);
    return FW_OK;
}

uint32_t fw_app_desc_mmu_page(const struct fw_app_desc *d)
{
    /* chips with configurable MMU use 8..64 KiB pages */
    if (d->mmu_page_size >= 13 && d->mmu_page_size <= 16) return 1u << d->mmu_page_size;
    return 0x10000u;
}

uint8_t fw_image_xor(uint8_t acc, const uint8_t *p, size_t n)
{
    uint64_t w = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8); /* XOR of all bytes is byte-order independent */
        w ^= v;
    }
    w ^= w >> 32;
    w ^= w >> 16;
    w ^= w >> 8;
    acc ^= (uint8_t)w;
    for (; i < n; i++) acc ^= p[i];
    return acc;
}

/* ---- streaming parser ---------------------------------------------------- */

static int fail(struct fw_image_parser *p, int err)
{
    p->state = FW_IMG_S_ERROR;
    p->err = err;
    return err;
}

void fw_image_parser_init(struct fw_image_parser *p, uint64_t limit)
{
    memset(p, 0, sizeof *p);
    p->state = FW_IMG_S_HEADER;
    p->limit = limit;
    p->state_end = FW_IMAGE_HEADER_LEN;
}

void fw_image_parser_init_kind(struct fw_image_parser *p, uint64_t limit, enum fw_image_kind kind)
{
    fw_image_parser_init(p, limit);
    p->kind = kind;
}

/* Descriptor at image offset 0x20 of each kind: length and magic. */
static uint32_t desc_len(const struct fw_image_parser *p)
{
    return p->kind == FW_IMAGE_KIND_BOOTLOADER ? FW_BOOT_DESC_LEN : FW_APP_DESC_LEN;
}

static void set_state(struct fw_image_parser *p, enum fw_image_state s, uint64_t len)
{
    p->state = s;
    p->state_end = p->pos + len;
    p->buf_len = 0;
}

/* Segment headers are all parsed: the rest of the layout follows (§1.9). */
static int compute_layout(struct fw_image_parser *p, uint64_t last_end)
{
    p->chk_off = fw_image_checksum_off(last_end);
    p->hash_end = p->chk_off + 1;
    p->image_len = p->hash_end + (p->header.hash_appended ? FW_IMAGE_HASH_LEN : 0);
    p->sig_off = fw_align_up(p->image_len, FW_IMAGE_SIG_ALIGN);
    p->layout_known = 1;
    if (p->limit != FW_IMAGE_NO_LIMIT && p->image_len > p->limit) return FW_ERR_NO_SPACE;
    return FW_OK;
}

static int on_header(struct fw_image_parser *p)
{
    fw_image_header_decode(p->buf, &p->header);
    p->have_header = 1;
    int rc = fw_image_header_check(&p->header);
    if (rc) return rc;
    p->checksum = FW_IMAGE_CHECKSUM_SEED;
    set_state(p, FW_IMG_S_SEG_HDR, FW_IMAGE_SEG_HDR_LEN);
    return FW_OK;
}

static int on_seg_hdr(struct fw_image_parser *p)
{
    struct fw_image_segment *s = &p->seg[p->seg_seen];
    s->load_addr = fw_dec32le(p->buf);
    s->data_len = fw_dec32le(p->buf + 4);
    s->data_off = p->pos;
    if (s->data_len % 4) return FW_ERR_ALIGN;
    if (s->data_len >= FW_IMAGE_SEG_MAX_LEN) return FW_ERR_RANGE;
    if (p->seg_seen == 0 && s->data_len < desc_len(p)) return FW_ERR_FORMAT;
    uint64_t end = s->data_off + s->data_len; /* < 17 * 2^24 + 2^32: no overflow */
    if (p->limit != FW_IMAGE_NO_LIMIT && end > p->limit) return FW_ERR_NO_SPACE;
    p->seg_seen++;
    if (p->seg_seen == p->header.segment_count) {
        int rc = compute_layout(p, end);
        if (rc) return rc;
    }
    set_state(p, FW_IMG_S_SEG_DATA, s->data_len);
    return FW_OK;
}

static int on_seg_data_end(struct fw_image_parser *p)
{
    if (p->seg_seen < p->header.segment_count) set_state(p, FW_IMG_S_SEG_HDR, FW_IMAGE_SEG_HDR_LEN);
    else set_state(p, FW_IMG_S_PAD, p->chk_off - p->pos);
    return FW_OK;
}

/* Capture descriptor bytes from segment-0 data [0x20, 0x120). */
static int capture_desc(struct fw_image_parser *p, const uint8_t *d, size_t n)
{
    uint32_t dlen = desc_len(p);
    if (p->seg_seen != 1 || p->pos >= FW_APP_DESC_OFFSET + dlen) return FW_OK;
    uint64_t off = p->pos - FW_APP_DESC_OFFSET;
    size_t take = n;
    if (take > dlen - off) take = (size_t)(dlen - off);
    memcpy(p->desc_raw + off, d, take);
    uint64_t got = off + take;
    if (p->kind == FW_IMAGE_KIND_BOOTLOADER) {
        if (off == 0 && got >= 1 && p->desc_raw[0] != FW_BOOT_DESC_MAGIC) return FW_ERR_MAGIC;
        if (got == dlen) p->have_desc = 1;
        return FW_OK;
    }
    /* reject a wrong magic as soon as its 4 bytes are in */
    if (off < 4 && got >= 4 && fw_dec32le(p->desc_raw) != FW_APP_DESC_MAGIC) return FW_ERR_MAGIC;
    if (got == FW_APP_DESC_LEN) {
        fw_app_desc_decode(p->desc_raw, &p->desc);
        p->have_desc = 1;
    }
    return FW_OK;
}

/* Finish the current state (its last byte was consumed) and enter the next;
 * zero-length states are passed through immediately. */
static int complete_states(struct fw_image_parser *p)
{
    while (p->pos == p->state_end) {
        int rc = FW_OK;
        switch (p->state) {
        case FW_IMG_S_HEADER:   rc = on_header(p); break;
        case FW_IMG_S_SEG_HDR:  rc = on_seg_hdr(p); break;
        case FW_IMG_S_SEG_DATA: rc = on_seg_data_end(p); break;
        case FW_IMG_S_PAD:      set_state(p, FW_IMG_S_CHECKSUM, 1); break;
        case FW_IMG_S_CHECKSUM:
            p->stored_checksum = p->buf[0];
            p->checksum_ok = p->stored_checksum == p->checksum;
            if (p->header.hash_appended) set_state(p, FW_IMG_S_HASH, FW_IMAGE_HASH_LEN);
            else set_state(p, FW_IMG_S_DONE, 0);
            break;
        case FW_IMG_S_HASH:     set_state(p, FW_IMG_S_DONE, 0); break;
        default:                return FW_OK; /* DONE: no further states */
        }
        if (rc) return fail(p, rc);
        if (p->state == FW_IMG_S_DONE) return FW_OK;
    }
    return FW_OK;
}

int fw_image_parser_feed(struct fw_image_parser *p, const uint8_t *data, size_t len)
{
    if (p->state == FW_IMG_S_ERROR) return p->err;
    if (len && !data) return FW_ERR_INVALID_ARG;
    int over = 0;
    if (p->limit != FW_IMAGE_NO_LIMIT && len > p->limit - (p->pos < p->limit ? p->pos : p->limit)) {
        len = (size_t)(p->limit - p->pos);
        over = 1;
    }
    while (len) {
        if (p->state == FW_IMG_S_DONE) { p->pos += len; break; }
        uint64_t need = p->state_end - p->pos;
        size_t n = need < len ? (size_t)need : len;
        switch (p->state) {
        case FW_IMG_S_HEADER:
        case FW_IMG_S_SEG_HDR:
        case FW_IMG_S_CHECKSUM:
            memcpy(p->buf + p->buf_len, data, n);
            p->buf_len += (unsigned)n;
            break;
        case FW_IMG_S_SEG_DATA: {
            int rc = capture_desc(p, data, n);
            if (rc) return fail(p, rc);
            p->checksum = fw_image_xor(p->checksum, data, n);
            break;
        }
        case FW_IMG_S_HASH:
            memcpy(p->stored_hash + p->hash_got, data, n);
            p->hash_got += (unsigned)n;
            break;
        default: /* PAD: covered by the hash, value unchecked (§1.4) */
            break;
        }
        p->pos += n;
        data += n;
        len -= n;
        int rc = complete_states(p);
        if (rc) return rc;
    }
    if (over) return fail(p, FW_ERR_NO_SPACE);
    return FW_OK;
}

int fw_image_parser_finish(const struct fw_image_parser *p)
{
    if (p->state == FW_IMG_S_ERROR) return p->err;
    if (p->state != FW_IMG_S_DONE) return FW_ERR_TRUNCATED;
    if (!p->checksum_ok) return FW_ERR_CHECKSUM;
    return FW_OK;
}

const struct fw_image_header *fw_image_parser_header(const struct fw_image_parser *p)
{
    return p->have_header ? &p->header : NULL;
}

const struct fw_app_desc *fw_image_parser_app_desc(const struct fw_image_parser *p)
{
    return p->have_desc && p->kind == FW_IMAGE_KIND_APP ? &p->desc : NULL;
}

const uint8_t *fw_image_parser_raw_desc(const struct fw_image_parser *p)
{
    return p->have_desc ? p->desc_raw : NULL;
}

const uint8_t *fw_image_parser_stored_hash(const struct fw_image_parser *p)
{
    return (p->header.hash_appended && p->hash_got == FW_IMAGE_HASH_LEN) ? p->stored_hash : NULL;
}

static size_t before(uint64_t end, uint64_t chunk_off, size_t len)
{
    if (chunk_off >= end) return 0;
    return end - chunk_off < len ? (size_t)(end - chunk_off) : len;
}

size_t fw_image_parser_in_hash(const struct fw_image_parser *p, uint64_t chunk_off, size_t len)
{
    return p->layout_known ? before(p->hash_end, chunk_off, len) : len;
}

size_t fw_image_parser_in_signed(const struct fw_image_parser *p, uint64_t chunk_off, size_t len)
{
    return p->layout_known ? before(p->sig_off, chunk_off, len) : len;
}

int fw_image_parse_buffer(struct fw_image_parser *p, const uint8_t *img, size_t len, uint64_t limit)
{
    fw_image_parser_init(p, limit);
    int rc = fw_image_parser_feed(p, img, len);
    if (rc) return rc;
    return fw_image_parser_finish(p);
}
