/* SPDX-License-Identifier: Apache-2.0 */
/* App image codec and streaming parser (FORMATS §1) against the vectors in
 * app/ (cases.tsv, *.appdesc.json, *.image_info.txt) plus one synthetic test
 * per validation rule. Every vector is fed in several chunkings, which must
 * all give the same result. */
#include "testutil.h"

#include <openssl/evp.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"

static const size_t chunkings[] = {0 /* whole */, 1, 3, 7, 64, 4093, 65536};
#define N_CHUNKINGS (sizeof chunkings / sizeof chunkings[0])

struct parse_result {
    int feed_rc, finish_rc;
    struct fw_image_parser p;
    uint8_t sha_hash[32];   /* SHA-256 of [0, hash_end) */
    uint8_t sha_signed[32]; /* SHA-256 of [0, min(S, len)) */
    int desc_at;            /* bytes fed when the descriptor first appeared */
};

/* Feed img in chunks of `chunk` (0 = one call) and hash the way callers do. */
static void parse_chunked(const uint8_t *img, size_t len, size_t chunk, uint64_t limit, struct parse_result *r)
{
    EVP_MD_CTX *h1 = EVP_MD_CTX_new(), *h2 = EVP_MD_CTX_new();
    assert_non_null(h1);
    assert_non_null(h2);
    assert_int_equal(EVP_DigestInit_ex(h1, EVP_sha256(), NULL), 1);
    assert_int_equal(EVP_DigestInit_ex(h2, EVP_sha256(), NULL), 1);
    memset(r, 0, sizeof *r);
    r->desc_at = -1;
    fw_image_parser_init(&r->p, limit);
    size_t step = chunk ? chunk : (len ? len : 1);
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        uint64_t at = fw_image_parser_pos(&r->p);
        assert_int_equal(at, off);
        r->feed_rc = fw_image_parser_feed(&r->p, img + off, n);
        if (r->feed_rc) break;
        EVP_DigestUpdate(h1, img + off, fw_image_parser_in_hash(&r->p, at, n));
        EVP_DigestUpdate(h2, img + off, fw_image_parser_in_signed(&r->p, at, n));
        if (r->desc_at < 0 && fw_image_parser_app_desc(&r->p)) r->desc_at = (int)(off + n);
    }
    r->finish_rc = fw_image_parser_finish(&r->p);
    unsigned ml;
    EVP_DigestFinal_ex(h1, r->sha_hash, &ml);
    EVP_DigestFinal_ex(h2, r->sha_signed, &ml);
    EVP_MD_CTX_free(h1);
    EVP_MD_CTX_free(h2);
}

static void assert_same_result(const struct parse_result *a, const struct parse_result *b)
{
    assert_int_equal(a->feed_rc, b->feed_rc);
    assert_int_equal(a->finish_rc, b->finish_rc);
    assert_int_equal(a->p.state, b->p.state);
    if (a->feed_rc == FW_OK) assert_int_equal(a->p.pos, b->p.pos);
    assert_int_equal(a->p.seg_seen, b->p.seg_seen);
    assert_memory_equal(a->p.seg, b->p.seg, sizeof a->p.seg);
    assert_int_equal(a->p.layout_known, b->p.layout_known);
    assert_int_equal(a->p.hash_end, b->p.hash_end);
    assert_int_equal(a->p.image_len, b->p.image_len);
    assert_int_equal(a->p.sig_off, b->p.sig_off);
    if (a->feed_rc == FW_OK) assert_int_equal(a->p.checksum, b->p.checksum);
    assert_int_equal(a->p.checksum_ok, b->p.checksum_ok);
    assert_memory_equal(&a->p.header, &b->p.header, sizeof a->p.header);
    assert_int_equal(a->p.have_desc, b->p.have_desc);
    if (a->p.have_desc) assert_memory_equal(&a->p.desc, &b->p.desc, sizeof a->p.desc);
    if (a->feed_rc == FW_OK) { /* hashing stops at a feed error */
        assert_memory_equal(a->sha_hash, b->sha_hash, 32);
        assert_memory_equal(a->sha_signed, b->sha_signed, 32);
    }
}

/* ---- tiny readers for the vector side files ---- */

/* Value of "key" in a flat JSON text: string contents or number/bare token. */
static int json_get(const char *json, const char *key, char *out, size_t max)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p) return -1;
    p += strlen(pat);
    while (*p == ' ') p++;
    size_t n = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"' && n + 1 < max) out[n++] = *p++;
    } else {
        while (*p && *p != ',' && *p != '\n' && *p != '}' && n + 1 < max) out[n++] = *p++;
    }
    out[n] = 0;
    return 0;
}

static unsigned long json_num(const char *json, const char *key)
{
    char v[128];
    if (json_get(json, key, v, sizeof v)) fail_msg("key %s missing", key);
    return strtoul(v, NULL, 0);
}

static char *read_text(const char *path)
{
    size_t n;
    uint8_t *b = tu_read(path, &n);
    char *s = realloc(b, n + 1);
    assert_non_null(s);
    s[n] = 0;
    return s;
}

static void hexstr(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* Check the parse against *.appdesc.json and the segment table of *.image_info.txt. */
static void check_against_sidecars(const char *rel, const struct parse_result *r, size_t file_len)
{
    char path[512], v[128], hex[65];
    snprintf(path, sizeof path, "%s.appdesc.json", rel);
    char *js = read_text(tu_vector(path));
    const struct fw_image_header *h = fw_image_parser_header(&r->p);
    const struct fw_app_desc *d = fw_image_parser_app_desc(&r->p);
    assert_non_null(h);
    assert_non_null(d);
    assert_int_equal(h->magic, json_num(js, "magic"));
    assert_int_equal(h->segment_count, json_num(js, "segment_count"));
    assert_int_equal(h->spi_mode, json_num(js, "spi_mode"));
    assert_int_equal(h->spi_speed_size, json_num(js, "spi_speed_size"));
    assert_int_equal(h->entry_addr, json_num(js, "entry_addr"));
    assert_int_equal(h->chip_id, json_num(js, "chip_id"));
    assert_int_equal(h->min_chip_rev_full, json_num(js, "min_chip_rev_full"));
    assert_int_equal(h->max_chip_rev_full, json_num(js, "max_chip_rev_full"));
    assert_int_equal(h->hash_appended, json_num(js, "hash_appended"));
    assert_int_equal(d->magic_word, json_num(js, "magic_word"));
    assert_int_equal(d->secure_version, json_num(js, "secure_version"));
    json_get(js, "version", v, sizeof v);       assert_string_equal(d->version, v);
    json_get(js, "project_name", v, sizeof v);  assert_string_equal(d->project_name, v);
    json_get(js, "time", v, sizeof v);          assert_string_equal(d->time, v);
    json_get(js, "date", v, sizeof v);          assert_string_equal(d->date, v);
    json_get(js, "idf_ver", v, sizeof v);       assert_string_equal(d->idf_ver, v);
    json_get(js, "app_elf_sha256", v, sizeof v);
    hexstr(d->app_elf_sha256, 32, hex);
    assert_string_equal(hex, v);
    assert_int_equal(d->min_efuse_blk_rev_full, json_num(js, "min_efuse_blk_rev_full"));
    assert_int_equal(d->max_efuse_blk_rev_full, json_num(js, "max_efuse_blk_rev_full"));
    assert_int_equal(d->mmu_page_size, json_num(js, "mmu_page_size_log2"));
    assert_int_equal(file_len, json_num(js, "file_size"));
    json_get(js, "appended_sha256", v, sizeof v);
    hexstr(fw_image_parser_stored_hash(&r->p), 32, hex);
    assert_string_equal(hex, v);
    json_get(js, "sha256_of_image_without_digest", v, sizeof v);
    hexstr(r->sha_hash, 32, hex);
    assert_string_equal(hex, v);
    free(js);

    snprintf(path, sizeof path, "%s.image_info.txt", rel);
    char *info = read_text(tu_vector(path));
    const char *t = strstr(info, "-------  -------");
    assert_non_null(t);
    t = strchr(t, '\n') + 1;
    for (unsigned i = 0; i < r->p.seg_seen; i++) {
        unsigned idx, len, addr, foff;
        char cls[64];
        assert_int_equal(sscanf(t, " %u %x %x %x %63s", &idx, &len, &addr, &foff, cls), 5);
        assert_int_equal(idx, i);
        assert_int_equal(r->p.seg[i].data_len, len);
        assert_int_equal(r->p.seg[i].load_addr, addr);
        assert_int_equal(r->p.seg[i].data_off, (uint64_t)foff + 8);
        /* our address classes agree with esptool's first memory type */
        const char *mine = fw_seg_class_name(fw_image_seg_class(h->chip_id, addr));
        if (!strcmp(mine, "DRAM")) assert_non_null(strstr(t, "DRAM"));
        else assert_non_null(strstr(t, mine));
        t = strchr(t, '\n') + 1;
    }
    const char *ck = strstr(info, "Checksum: 0x");
    assert_non_null(ck);
    assert_int_equal(strtoul(ck + 10, NULL, 16), r->p.stored_checksum);
    assert_non_null(strstr(ck, "(valid)"));
    free(info);
}

/* Every row of app/cases.tsv. */
static void app_vectors_cases_tsv(void **state)
{
    (void)state;
    char *tsv = read_text(tu_vector("app/cases.tsv"));
    int n_valid = 0, n_invalid = 0;
    for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char expect[16], chip[16], rel[256], sv[16], ver[64], proj[64], sha[80];
        assert_int_equal(sscanf(line, "%15s %15s %255s %15s %63s %63s %79s", expect, chip, rel, sv, ver, proj, sha), 7);
        size_t len;
        uint8_t *img = tu_read(tu_vector(rel), &len);
        struct parse_result ref;
        parse_chunked(img, len, 0, FW_IMAGE_NO_LIMIT, &ref);
        for (size_t c = 1; c < N_CHUNKINGS; c++) {
            struct parse_result r;
            parse_chunked(img, len, chunkings[c], FW_IMAGE_NO_LIMIT, &r);
            assert_same_result(&ref, &r);
        }
        const uint8_t *stored = fw_image_parser_stored_hash(&ref.p);
        int hash_ok = stored && !memcmp(stored, ref.sha_hash, 32);
        int valid = ref.feed_rc == FW_OK && ref.finish_rc == FW_OK && hash_ok;
        if (!strcmp(expect, "valid")) {
            n_valid++;
            assert_true(valid);
            assert_int_equal(ref.p.header.chip_id, fw_chip_from_name(chip));
            assert_int_equal(fw_image_check_chip(&ref.p.header, (uint16_t)fw_chip_from_name(chip), 3), FW_OK);
            assert_int_equal(ref.p.desc.secure_version, strtoul(sv, NULL, 10));
            assert_string_equal(ref.p.desc.version, ver);
            assert_string_equal(ref.p.desc.project_name, proj);
            /* the unsigned vectors end exactly at E */
            assert_int_equal(ref.p.image_len, len);
            assert_int_equal(ref.p.sig_off, fw_align_up(len, 4096));
            assert_int_equal(fw_image_check_mapping(ref.p.header.chip_id, ref.p.seg, ref.p.seg_seen, 0x10000,
                                                    fw_app_desc_mmu_page(&ref.p.desc)), FW_OK);
            check_against_sidecars(rel, &ref, len);
        } else {
            n_invalid++;
            assert_false(valid);
        }
        free(img);
    }
    assert_int_equal(n_valid, 4);
    assert_int_equal(n_invalid, 5);
    free(tsv);
}

/* The byte-exact reason for each negative vector. */
static void negative_vectors_reasons(void **state)
{
    (void)state;
    static const struct { const char *file; int feed, finish, hash_ok; } neg[] = {
        {"app/neg_app_bad_magic.bin", FW_ERR_MAGIC, FW_ERR_MAGIC, 0},
        {"app/neg_app_bad_sha256.bin", FW_OK, FW_OK, 0},
        {"app/neg_app_byte_changed.bin", FW_OK, FW_ERR_CHECKSUM, 0},
        {"app/neg_app_bad_appdesc_magic.bin", FW_ERR_MAGIC, FW_ERR_MAGIC, 0},
        {"app/neg_app_truncated.bin", FW_OK, FW_ERR_TRUNCATED, 0},
    };
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(neg[i].file), &len);
        for (size_t c = 0; c < N_CHUNKINGS; c++) {
            struct parse_result r;
            parse_chunked(img, len, chunkings[c], FW_IMAGE_NO_LIMIT, &r);
            assert_int_equal(r.feed_rc, neg[i].feed);
            assert_int_equal(r.finish_rc, neg[i].finish);
            const uint8_t *st = fw_image_parser_stored_hash(&r.p);
            assert_int_equal(st && !memcmp(st, r.sha_hash, 32), neg[i].hash_ok);
        }
        free(img);
    }
}

/* Header and descriptor codecs re-encode the vector bytes exactly. */
static void codecs_round_trip(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("app/app_esp32s3_256k.bin"), &len);
    struct fw_image_header h;
    uint8_t b[FW_APP_DESC_LEN];
    fw_image_header_decode(img, &h);
    fw_image_header_encode(&h, b);
    assert_memory_equal(b, img, FW_IMAGE_HEADER_LEN);
    assert_int_equal(fw_image_header_check(&h), FW_OK);
    struct fw_app_desc d;
    fw_app_desc_decode(img + FW_APP_DESC_OFFSET, &d);
    assert_int_equal(fw_app_desc_encode(&d, b), FW_OK);
    assert_memory_equal(b, img + FW_APP_DESC_OFFSET, FW_APP_DESC_LEN);
    assert_int_equal(fw_app_desc_mmu_page(&d), 0x10000);
    uint32_t sv = 0;
    assert_int_equal(fw_image_peek_secure_version(img, 0x28, &sv), FW_OK);
    assert_int_equal(sv, 3);
    assert_int_equal(fw_image_peek_secure_version(img, 0x27, &sv), FW_ERR_TRUNCATED);
    img[0x20] ^= 1;
    assert_int_equal(fw_image_peek_secure_version(img, len, &sv), FW_ERR_MAGIC);
    img[0x20] ^= 1;
    img[0] = 0xE8;
    assert_int_equal(fw_image_peek_secure_version(img, len, &sv), FW_ERR_MAGIC);
    img[0] = 0xE9;
    /* a string that does not fit with its NUL is refused by encode */
    memset(d.version, 'x', 32);
    d.version[32] = 0;
    assert_int_equal(fw_app_desc_encode(&d, b), FW_ERR_RANGE);
    /* ... but decodes fine when found on flash without NUL */
    memset(img + FW_APP_DESC_OFFSET + 16, 'y', 32);
    fw_app_desc_decode(img + FW_APP_DESC_OFFSET, &d);
    assert_int_equal(strlen(d.version), 32);
    free(img);
}

static void chip_table_and_rule2(void **state)
{
    (void)state;
    assert_int_equal(fw_chip_from_name("esp32c3"), 5);
    assert_int_equal(fw_chip_from_name("ESP32-S3"), 9);
    assert_int_equal(fw_chip_from_name("esp32"), 0);
    assert_int_equal(fw_chip_from_name("esp32c5"), 0x17);
    assert_int_equal(fw_chip_from_name("esp32p4"), 0x12);
    assert_int_equal(fw_chip_from_name("esp8266"), -1);
    assert_int_equal(fw_chip_from_name(""), -1);
    assert_string_equal(fw_chip_name(0x0D), "esp32c6");
    assert_null(fw_chip_name(0xFFFF));
    for (size_t i = 0; fw_chip_name_at(i); i++)
        assert_string_equal(fw_chip_name((uint16_t)fw_chip_from_name(fw_chip_name_at(i))), fw_chip_name_at(i));
    struct fw_image_header h = {.magic = 0xE9, .segment_count = 1, .chip_id = 5,
                                .min_chip_rev_full = 3, .max_chip_rev_full = 199};
    assert_int_equal(fw_image_check_chip(&h, 5, 3), FW_OK);
    assert_int_equal(fw_image_check_chip(&h, 5, 199), FW_OK);
    assert_int_equal(fw_image_check_chip(&h, 5, 2), FW_ERR_CHIP);
    assert_int_equal(fw_image_check_chip(&h, 5, 200), FW_ERR_CHIP);
    assert_int_equal(fw_image_check_chip(&h, 9, 3), FW_ERR_CHIP);
    h.max_chip_rev_full = 0xFFFF; /* not set */
    assert_int_equal(fw_image_check_chip(&h, 5, 5000), FW_OK);
    h.max_chip_rev_full = 0;
    assert_int_equal(fw_image_check_chip(&h, 5, 5000), FW_OK);
}

/* The revision rule on bare values: what the OTA pipeline's early check uses
 * before a whole header went through the parser (issue 12 §4). */
static void chip_rev_rule_on_values(void **state)
{
    (void)state;
    assert_true(fw_image_chip_rev_ok(3, 199, 3));
    assert_true(fw_image_chip_rev_ok(3, 199, 199));
    assert_false(fw_image_chip_rev_ok(3, 199, 2));
    assert_false(fw_image_chip_rev_ok(3, 199, 200));
    assert_true(fw_image_chip_rev_ok(3, 0, 5000));       /* max 0: no limit */
    assert_true(fw_image_chip_rev_ok(3, 0xFFFF, 65534)); /* max unset: no limit */
    assert_false(fw_image_chip_rev_ok(3, 0xFFFF, 2));
    assert_true(fw_image_chip_rev_ok(0, 0, 0));
}

/* ---- synthetic images: one test per rule ---- */

/* Build a minimal valid image into buf: n segments of the given lengths. */
static size_t build(uint8_t *buf, size_t max, const uint32_t *lens, unsigned n, int hash)
{
    struct fw_image_header h = {.magic = 0xE9, .segment_count = (uint8_t)n, .spi_mode = 2,
                                .spi_speed_size = 0x2F, .entry_addr = 0x40380080, .wp_pin = 0xEE,
                                .chip_id = 5, .min_chip_rev_full = 3, .max_chip_rev_full = 199,
                                .hash_appended = (uint8_t)hash};
    fw_image_header_encode(&h, buf);
    size_t off = 24;
    uint8_t ck = 0xEF;
    for (unsigned i = 0; i < n; i++) {
        assert_true(off + 8 + lens[i] <= max);
        fw_enc32le(buf + off, i == 0 ? 0x3C010020u : 0x3FC8C000u + i * 0x1000);
        fw_enc32le(buf + off + 4, lens[i]);
        off += 8;
        for (uint32_t j = 0; j < lens[i]; j++) buf[off + j] = (uint8_t)(j * 7 + i);
        if (i == 0 && lens[i] >= 4) fw_enc32le(buf + off, FW_APP_DESC_MAGIC);
        ck = fw_image_xor(ck, buf + off, lens[i]);
        off += lens[i];
    }
    while (off % 16 != 15) buf[off++] = 0;
    buf[off++] = ck;
    if (hash) {
        unsigned ml;
        EVP_Digest(buf, off, buf + off, &ml, EVP_sha256(), NULL);
        off += 32;
    }
    return off;
}

static int parse_rc(const uint8_t *img, size_t len, uint64_t limit)
{
    struct parse_result r, r1;
    parse_chunked(img, len, 0, limit, &r);
    parse_chunked(img, len, 1, limit, &r1);
    assert_same_result(&r, &r1);
    return r.feed_rc ? r.feed_rc : r.finish_rc;
}

static void synthetic_valid_and_layout(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    uint32_t lens[] = {256, 0, 12};
    size_t len = build(buf, sizeof buf, lens, 3, 1);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_OK);
    struct fw_image_parser p;
    assert_int_equal(fw_image_parse_buffer(&p, buf, len, len), FW_OK);
    uint64_t L = 24 + 8 + 256 + 8 + 0 + 8 + 12;
    assert_int_equal(p.chk_off, fw_image_checksum_off(L));
    assert_int_equal(p.chk_off % 16, 15);
    assert_int_equal(p.hash_end, p.chk_off + 1);
    assert_int_equal(p.image_len, len);
    assert_int_equal(p.sig_off, 4096);
    /* trailing bytes (gap + signature sector) are accepted and only counted */
    static uint8_t big[16384];
    memcpy(big, buf, len);
    memset(big + len, 0xFF, sizeof big - len);
    struct parse_result r;
    parse_chunked(big, 8192, 100, FW_IMAGE_NO_LIMIT, &r);
    assert_int_equal(r.finish_rc, FW_OK);
    assert_int_equal(r.p.pos, 8192);
    assert_int_equal(fw_image_parser_in_hash(&r.p, 0, 8192), p.hash_end);
    assert_int_equal(fw_image_parser_in_signed(&r.p, 0, 8192), 4096);
    assert_int_equal(fw_image_parser_in_signed(&r.p, 4000, 200), 96);
    assert_int_equal(fw_image_parser_in_signed(&r.p, 5000, 200), 0);
    /* no hash appended: E = C + 1 */
    len = build(buf, sizeof buf, lens, 3, 0);
    assert_int_equal(fw_image_parse_buffer(&p, buf, len, FW_IMAGE_NO_LIMIT), FW_OK);
    assert_int_equal(p.image_len, p.hash_end);
    assert_null(fw_image_parser_stored_hash(&p));
}

static void rule1_magic_and_segment_count(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    uint32_t lens[17];
    for (int i = 0; i < 17; i++) lens[i] = i == 0 ? 256 : 4;
    size_t len = build(buf, sizeof buf, lens, 16, 1);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_OK);
    len = build(buf, sizeof buf, lens, 17, 1);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_RANGE);
    len = build(buf, sizeof buf, lens, 1, 1);
    buf[1] = 0;
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_RANGE);
    len = build(buf, sizeof buf, lens, 1, 1);
    buf[0] = 0xE8;
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_MAGIC);
    /* the header error is reported as soon as 24 bytes are in */
    struct fw_image_parser p;
    fw_image_parser_init(&p, FW_IMAGE_NO_LIMIT);
    assert_int_equal(fw_image_parser_feed(&p, buf, 23), FW_OK);
    assert_int_equal(fw_image_parser_feed(&p, buf + 23, 1), FW_ERR_MAGIC);
    assert_int_equal(fw_image_parser_feed(&p, buf + 24, 10), FW_ERR_MAGIC); /* sticky */
}

static void rule3_hash_appended(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    uint32_t lens[] = {256};
    size_t len = build(buf, sizeof buf, lens, 1, 1);
    buf[23] = 2;
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_FORMAT);
}

static void rule4_segment_lengths_and_limit(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    uint32_t lens[] = {256, 8};
    size_t len = build(buf, sizeof buf, lens, 2, 1);
    size_t seg1 = 24 + 8 + 256;
    /* not a multiple of 4 */
    fw_enc32le(buf + seg1 + 4, 6);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_ALIGN);
    /* 16 MiB and a wrap-around attempt */
    fw_enc32le(buf + seg1 + 4, 0x1000000);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_RANGE);
    fw_enc32le(buf + seg1 + 4, 0xFFFFFFFC);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_RANGE);
    /* a segment that would end beyond the partition is refused at its header */
    fw_enc32le(buf + seg1 + 4, 0xFFFFF0);
    struct fw_image_parser p;
    fw_image_parser_init(&p, 0x10000);
    assert_int_equal(fw_image_parser_feed(&p, buf, seg1 + 8), FW_ERR_NO_SPACE);
    /* E beyond the limit, and bytes fed past the limit */
    len = build(buf, sizeof buf, lens, 2, 1);
    assert_int_equal(parse_rc(buf, len, len - 1), FW_ERR_NO_SPACE);
    assert_int_equal(parse_rc(buf, len, len), FW_OK);
    uint8_t more[64];
    memcpy(more, buf, 0);
    fw_image_parser_init(&p, len);
    assert_int_equal(fw_image_parser_feed(&p, buf, len), FW_OK);
    assert_int_equal(fw_image_parser_feed(&p, more, 1), FW_ERR_NO_SPACE);
}

static void rule5_app_descriptor(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    uint32_t lens[] = {252, 8};
    size_t len = build(buf, sizeof buf, lens, 2, 1);
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_FORMAT); /* segment 0 < 256 */
    uint32_t ok[] = {512, 8};
    len = build(buf, sizeof buf, ok, 2, 1);
    buf[0x23] ^= 0x01;
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_MAGIC);
    /* wrong magic is reported as soon as its 4 bytes are in */
    struct fw_image_parser p;
    fw_image_parser_init(&p, FW_IMAGE_NO_LIMIT);
    assert_int_equal(fw_image_parser_feed(&p, buf, 0x23), FW_OK);
    assert_int_equal(fw_image_parser_feed(&p, buf + 0x23, 1), FW_ERR_MAGIC);
    /* the descriptor is available exactly after 0x120 bytes */
    len = build(buf, sizeof buf, ok, 2, 1);
    fw_image_parser_init(&p, FW_IMAGE_NO_LIMIT);
    assert_int_equal(fw_image_parser_feed(&p, buf, FW_APP_DESC_END - 1), FW_OK);
    assert_null(fw_image_parser_app_desc(&p));
    assert_int_equal(fw_image_parser_feed(&p, buf + FW_APP_DESC_END - 1, 1), FW_OK);
    assert_non_null(fw_image_parser_app_desc(&p));
    assert_int_equal(fw_image_parser_app_desc(&p)->magic_word, FW_APP_DESC_MAGIC);
}

static void rule6_mapping_congruence(void **state)
{
    (void)state;
    struct fw_image_segment s[2] = {{0x3C010020, 256, 0x20}, {0x42000020, 256, 0x10020}};
    assert_int_equal(fw_image_check_mapping(5, s, 2, 0x10000, 0x10000), FW_OK);
    assert_int_equal(fw_image_check_mapping(5, s, 2, 0x11000, 0x10000), FW_ERR_ALIGN);
    s[1].data_off += 4;
    assert_int_equal(fw_image_check_mapping(5, s, 2, 0x10000, 0x10000), FW_ERR_ALIGN);
    s[1].load_addr = 0x3FC8C000; /* RAM: not mapped, rule does not apply */
    assert_int_equal(fw_image_check_mapping(5, s, 2, 0x10000, 0x10000), FW_OK);
    assert_int_equal(fw_image_check_mapping(0x0000, s, 2, 0x10000, 0x10000), FW_ERR_UNSUPPORTED); /* esp32: no map */
    assert_int_equal(fw_image_check_mapping(5, s, 2, 0x10000, 0x10001), FW_ERR_INVALID_ARG);
    assert_int_equal(fw_image_seg_class(0x0D, 0x42800020), FW_SEG_DROM);   /* c6 unified bus */
    assert_int_equal(fw_image_seg_class(0x0D, 0x42000020), FW_SEG_IROM);
    assert_int_equal(fw_image_seg_class(0x0C, 0x3C000020), FW_SEG_DROM);   /* c2 */
    assert_int_equal(fw_image_seg_class(0x0000, 0x3F400020), FW_SEG_UNKNOWN);
    assert_int_equal(fw_image_seg_class(5, 0), FW_SEG_PADDING);
    assert_int_equal(fw_image_seg_class(9, 0x42000020), FW_SEG_IROM);
    assert_int_equal(fw_image_seg_class(9, 0x3C030020), FW_SEG_DROM);
}

static void checksum_mismatch_and_truncation(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    uint32_t lens[] = {256, 8};
    size_t len = build(buf, sizeof buf, lens, 2, 1);
    buf[24 + 8 + 256 + 8 + 2] ^= 0x40; /* data byte of segment 1 */
    assert_int_equal(parse_rc(buf, len, FW_IMAGE_NO_LIMIT), FW_ERR_CHECKSUM);
    len = build(buf, sizeof buf, lens, 2, 1);
    for (size_t cut = 0; cut < len; cut += 13) assert_int_equal(parse_rc(buf, cut, FW_IMAGE_NO_LIMIT), FW_ERR_TRUNCATED);
    assert_int_equal(parse_rc(buf, len - 1, FW_IMAGE_NO_LIMIT), FW_ERR_TRUNCATED);
    /* garbage never crashes and never validates */
    uint32_t x = 12345;
    for (int t = 0; t < 200; t++) {
        for (size_t i = 0; i < 600; i++) { x = x * 1103515245u + 12345u; buf[i] = (uint8_t)(x >> 16); }
        if (t % 2) buf[0] = 0xE9;
        assert_int_not_equal(parse_rc(buf, 600, FW_IMAGE_NO_LIMIT), FW_OK);
    }
}

/* Bit flips in the structural bytes of a real vector (header, segment
 * headers, descriptor, checksum, hash): never a crash, never "valid", and
 * every chunking agrees. */
static void mutated_vector_fuzz(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("app/app_esp32c3_64k.bin"), &len);
    struct fw_image_parser ref;
    assert_int_equal(fw_image_parse_buffer(&ref, img, len, FW_IMAGE_NO_LIMIT), FW_OK);
    uint64_t spots[24 + FW_IMAGE_MAX_SEGMENTS * 8 + 4];
    unsigned ns = 0;
    for (unsigned i = 0; i < 24; i++) spots[ns++] = i;
    for (unsigned s = 0; s < ref.seg_seen; s++)
        for (unsigned k = 0; k < 8; k++) spots[ns++] = ref.seg[s].data_off - 8 + k;
    spots[ns++] = 0x20; spots[ns++] = ref.chk_off; spots[ns++] = ref.hash_end; spots[ns++] = len - 1;
    uint32_t x = 99;
    for (unsigned s = 0; s < ns; s++) {
        for (int b = 0; b < 8; b += 3) {
            img[spots[s]] ^= (uint8_t)(1u << b);
            struct parse_result r1, r2;
            x = x * 1103515245u + 12345u;
            parse_chunked(img, len, 0, FW_IMAGE_NO_LIMIT, &r1);
            parse_chunked(img, len, 1 + (x >> 16) % 5000, FW_IMAGE_NO_LIMIT, &r2);
            assert_same_result(&r1, &r2);
            const uint8_t *st = fw_image_parser_stored_hash(&r1.p);
            int valid = !r1.feed_rc && !r1.finish_rc && st && !memcmp(st, r1.sha_hash, 32);
            /* flips in the unused high bits of some header fields keep the
             * structure but always break the SHA-256 */
            assert_false(valid);
            img[spots[s]] ^= (uint8_t)(1u << b);
        }
    }
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(app_vectors_cases_tsv),
        cmocka_unit_test(negative_vectors_reasons),
        cmocka_unit_test(codecs_round_trip),
        cmocka_unit_test(chip_table_and_rule2),
        cmocka_unit_test(synthetic_valid_and_layout),
        cmocka_unit_test(rule1_magic_and_segment_count),
        cmocka_unit_test(rule3_hash_appended),
        cmocka_unit_test(rule4_segment_lengths_and_limit),
        cmocka_unit_test(rule5_app_descriptor),
        cmocka_unit_test(rule6_mapping_congruence),
        cmocka_unit_test(checksum_mismatch_and_truncation),
        cmocka_unit_test(mutated_vector_fuzz),
        cmocka_unit_test(chip_rev_rule_on_values),
    };
    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
