/* SPDX-License-Identifier: Apache-2.0 */
/* FWMF v1 manifest codec (docs/formats.md §8): layout, round trip, and for
 * every field one value that is accepted and one that is rejected. */
#include "testutil.h"

#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_manifest.h"

#define CHUNKS 3u

static void good(struct fw_manifest *m)
{
    memset(m, 0, sizeof *m);
    m->format_version = 1;
    m->enc_scheme = FW_MF_ENC_RSA3072;
    m->chip_id = 5;                 /* ESP32-C3 */
    m->min_chip_rev = 3;
    m->rollout_bp = 1000;
    m->secure_version = 2;
    m->seq = 7;
    m->issued = 1800000000;
    m->expires = 1830000000;
    m->image_size = 2 * 4096 + 100;
    m->chunk_size = 4096;
    m->chunk_count = CHUNKS;
    m->manifest_len = FW_MF_FIXED_LEN + CHUNKS * 32;
    for (int i = 0; i < 32; i++) m->image_sha256[i] = (uint8_t)(0xA0 + i);
    for (int i = 0; i < 16; i++) m->enc_iv[i] = (uint8_t)(0x10 + i);
    for (int i = 0; i < 16; i++) m->enc_tag[i] = (uint8_t)(0x20 + i);
    for (int i = 0; i < 32; i++) m->key_check[i] = (uint8_t)(0x30 + i);
    for (int i = 0; i < 16; i++) m->rollout_seed[i] = (uint8_t)i;
    strcpy(m->project, "hello_world");
    strcpy(m->version, "1.2.3");
    strcpy(m->body_path, "body.bin");
    strcpy(m->header_path, "headers/{id}.hdr");
    strcpy(m->groups[0], "canary");
    strcpy(m->groups[1], "lab");
    m->group_count = 2;
}

/* A whole file: fixed part, chunk hashes (byte 0x40+i), 0xFF padding, and a
 * placeholder sector (the codec does not look at it). Caller frees. */
static uint8_t *file_of(const struct fw_manifest *m, size_t *len)
{
    size_t n = fw_mf_file_len(m);
    uint8_t *b = malloc(n);
    assert_non_null(b);
    memset(b, 0xFF, n);
    assert_int_equal(fw_mf_encode_fixed(m, b), FW_OK);
    for (uint32_t i = 0; i < m->chunk_count; i++) memset(b + 512 + 32 * i, 0x40 + (int)i, 32);
    memset(b + fw_mf_signed_len(m), 0xE7, 16);
    *len = n;
    return b;
}

static void layout_constants(void **state)
{
    (void)state;
    assert_int_equal(FW_MF_FIXED_LEN, 512);
    assert_int_equal(FW_MF_OFF_CHUNKS, 512);
    assert_int_equal(FW_MF_MAX_CHUNKS, 2032);
    assert_int_equal(FW_MF_MAX_CHUNKS * 32 + 512, 65536);
    assert_int_equal(FW_MF_MAX_FILE_LEN, 65536 + 4096);
}

/* The bytes at the documented offsets (docs/formats.md §8.2). */
static void golden_bytes(void **state)
{
    (void)state;
    struct fw_manifest m;
    good(&m);
    size_t n;
    uint8_t *b = file_of(&m, &n);
    assert_int_equal(n, 4096 + 4096);
    assert_memory_equal(b, "FWMF\x01\x00\x00\x02", 8);
    assert_memory_equal(b + 8, "\x60\x02\x00\x00", 4);          /* L = 512 + 96 = 608 */
    assert_memory_equal(b + 12, "\x01\x00\x05\x00\x03\x00\xe8\x03", 8);
    assert_memory_equal(b + 20, "\x02\x00\x00\x00", 4);
    assert_memory_equal(b + 24, "\x07\x00\x00\x00\x00\x00\x00\x00", 8);
    assert_int_equal(fw_dec64le(b + 32), 1800000000u);
    assert_int_equal(fw_dec64le(b + 40), 1830000000u);
    assert_int_equal(fw_dec32le(b + 48), 8292);
    assert_int_equal(fw_dec32le(b + 52), 4096);
    assert_int_equal(fw_dec32le(b + 56), 3);
    assert_int_equal(b[64], 0xA0);
    assert_int_equal(b[96], 0x10);
    assert_int_equal(b[112], 0x20);
    assert_int_equal(b[128], 0x30);
    assert_int_equal(b[160 + 15], 15);
    assert_string_equal((const char *)b + 176, "hello_world");
    assert_string_equal((const char *)b + 208, "1.2.3");
    assert_string_equal((const char *)b + 240, "body.bin");
    assert_string_equal((const char *)b + 304, "headers/{id}.hdr");
    assert_string_equal((const char *)b + 368, "canary");
    assert_string_equal((const char *)b + 384, "lab");
    assert_true(fw_all_zero(b + 400, 112));
    assert_int_equal(b[512], 0x40);
    assert_int_equal(b[608], 0xFF);
    free(b);
}

static void round_trip(void **state)
{
    (void)state;
    struct fw_manifest m, d;
    good(&m);
    size_t n;
    uint8_t *b = file_of(&m, &n);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    assert_memory_equal(&m, &d, sizeof m);
    assert_int_equal(fw_mf_signed_len(&d), 4096);
    assert_int_equal(fw_mf_file_len(&d), 8192);
    uint8_t again[512];
    assert_int_equal(fw_mf_encode_fixed(&d, again), FW_OK);
    assert_memory_equal(again, b, 512);
    free(b);
}

/* Patch `len` bytes of a good file at `off` with value v (LE), decode. */
static int decode_patched(size_t off, size_t len, uint64_t v)
{
    struct fw_manifest m, d;
    good(&m);
    size_t n;
    uint8_t *b = file_of(&m, &n);
    for (size_t i = 0; i < len; i++) b[off + i] = (uint8_t)(v >> (8 * i));
    int rc = fw_mf_decode(b, n, &d);
    free(b);
    return rc;
}

static int decode_string(size_t off, size_t field, const char *s, size_t slen)
{
    struct fw_manifest m, d;
    good(&m);
    size_t n;
    uint8_t *b = file_of(&m, &n);
    memset(b + off, 0, field);
    memcpy(b + off, s, slen);
    int rc = fw_mf_decode(b, n, &d);
    free(b);
    return rc;
}

/* Decode after changing one struct field (re-encoded through the encoder's
 * own validation when valid); returns the encoder's verdict. */
static int encode_with(void (*edit)(struct fw_manifest *))
{
    struct fw_manifest m;
    good(&m);
    edit(&m);
    uint8_t out[512];
    return fw_mf_encode_fixed(&m, out);
}

static void field_magic(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(0, 1, 'X'), FW_ERR_MAGIC);
    assert_int_equal(decode_patched(3, 1, 'G'), FW_ERR_MAGIC);
    struct fw_manifest d;
    assert_int_equal(fw_mf_decode((const uint8_t *)"FWM", 3, &d), FW_ERR_TRUNCATED);
    assert_int_equal(fw_mf_decode((const uint8_t *)"FWX", 3, &d), FW_ERR_MAGIC);
    assert_int_equal(fw_mf_decode(NULL, 3, &d), FW_ERR_INVALID_ARG);
}

static void field_format_and_fixed_len(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(4, 2, 1), FW_OK);
    assert_int_equal(decode_patched(4, 2, 2), FW_ERR_UNSUPPORTED);
    assert_int_equal(decode_patched(4, 2, 0), FW_ERR_UNSUPPORTED);
    assert_int_equal(decode_patched(6, 2, 512), FW_OK);
    assert_int_equal(decode_patched(6, 2, 544), FW_ERR_UNSUPPORTED);
}

static void field_manifest_len(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(8, 4, 608), FW_OK);
    assert_int_equal(decode_patched(8, 4, 640), FW_ERR_RANGE);
    assert_int_equal(decode_patched(8, 4, 576), FW_ERR_RANGE);
    assert_int_equal(decode_patched(8, 4, 0xFFFFFFFFu), FW_ERR_RANGE);
}

static void field_enc_scheme_flags(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(12, 1, 1), FW_OK);
    assert_int_equal(decode_patched(12, 1, 2), FW_OK);
    assert_int_equal(decode_patched(12, 1, 3), FW_OK);
    assert_int_equal(decode_patched(12, 1, 0), FW_ERR_UNSUPPORTED);
    assert_int_equal(decode_patched(12, 1, 4), FW_ERR_UNSUPPORTED);
    assert_int_equal(decode_patched(13, 1, 0), FW_OK);
    assert_int_equal(decode_patched(13, 1, 1), FW_ERR_UNSUPPORTED);
    assert_string_equal(fw_mf_enc_scheme_name(3), "ecies-p256-shared");
    assert_string_equal(fw_mf_enc_scheme_name(9), "unknown");
}

static void field_chip_rev_rollout(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(14, 2, 0), FW_OK);          /* ESP32 is chip 0 */
    assert_int_equal(decode_patched(14, 2, 0xFFFF), FW_ERR_RANGE);
    assert_int_equal(decode_patched(16, 2, 0), FW_OK);          /* min_chip_rev: any value decodes */
    assert_int_equal(decode_patched(16, 2, 0xFFFF), FW_OK);
    assert_int_equal(decode_patched(18, 2, 0), FW_OK);
    assert_int_equal(decode_patched(18, 2, 10000), FW_OK);
    assert_int_equal(decode_patched(18, 2, 10001), FW_ERR_RANGE);
    assert_int_equal(decode_patched(20, 4, 0xFFFFFFFFu), FW_OK); /* secure_version: checked by the decision */
}

static void field_seq_times(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(24, 8, 1), FW_OK);
    assert_int_equal(decode_patched(24, 8, UINT64_MAX), FW_OK);
    assert_int_equal(decode_patched(24, 8, 0), FW_ERR_RANGE);
    assert_int_equal(decode_patched(32, 8, 0), FW_OK);
    assert_int_equal(decode_patched(32, 8, 1829999999), FW_OK);
    assert_int_equal(decode_patched(32, 8, 1830000000), FW_ERR_RANGE);   /* issued == expires */
    assert_int_equal(decode_patched(40, 8, 1800000001), FW_OK);
    assert_int_equal(decode_patched(40, 8, 1800000000), FW_ERR_RANGE);
    assert_int_equal(decode_patched(40, 8, 0), FW_ERR_RANGE);
}

static void field_sizes(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(48, 4, 8193), FW_OK);       /* still 3 chunks */
    assert_int_equal(decode_patched(48, 4, 12288), FW_OK);
    assert_int_equal(decode_patched(48, 4, 12289), FW_ERR_RANGE); /* 4 chunks */
    assert_int_equal(decode_patched(48, 4, 8192), FW_ERR_RANGE);  /* 2 chunks */
    assert_int_equal(decode_patched(48, 4, 0), FW_ERR_RANGE);
    assert_int_equal(decode_patched(52, 4, 3000), FW_ERR_RANGE); /* not a power of two */
    assert_int_equal(decode_patched(52, 4, 512), FW_ERR_RANGE);
    assert_int_equal(decode_patched(52, 4, 2u * 1024 * 1024), FW_ERR_RANGE);
    assert_int_equal(decode_patched(52, 4, 0), FW_ERR_RANGE);
    assert_int_equal(decode_patched(56, 4, 2), FW_ERR_RANGE);
    assert_int_equal(decode_patched(56, 4, 4), FW_ERR_RANGE);
    /* 1 KiB chunks: 9 chunks, L = 512 + 288 */
    struct fw_manifest m, d;
    good(&m);
    m.chunk_size = 1024;
    m.chunk_count = 9;
    m.manifest_len = 512 + 9 * 32;
    size_t n;
    uint8_t *b = file_of(&m, &n);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    free(b);
    /* the chunk-count bound: MAX_CHUNKS fits in 64 KiB, one more does not */
    good(&m);
    m.chunk_size = 1024;
    m.image_size = FW_MF_MAX_CHUNKS * 1024;
    m.chunk_count = FW_MF_MAX_CHUNKS;
    m.manifest_len = 512 + FW_MF_MAX_CHUNKS * 32;
    b = file_of(&m, &n);
    assert_int_equal(n, 65536 + 4096);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    free(b);
    uint8_t out[512];
    m.image_size += 1;
    m.chunk_count += 1;
    m.manifest_len += 32;
    assert_int_equal(fw_mf_encode_fixed(&m, out), FW_ERR_RANGE);
}

static void field_reserved(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(60, 1, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(63, 1, 0x80), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(496, 1, 1), FW_ERR_FORMAT);
    assert_int_equal(decode_patched(511, 1, 1), FW_ERR_FORMAT);
}

static void field_opaque_bytes(void **state)
{
    (void)state;
    /* image_sha256, iv, tag, key_check, seed: any bytes decode (and are
     * checked later against the data: the image, the header, the key) */
    assert_int_equal(decode_patched(64, 8, 0), FW_OK);
    assert_int_equal(decode_patched(96, 8, UINT64_MAX), FW_OK);
    assert_int_equal(decode_patched(112, 8, 0), FW_OK);
    assert_int_equal(decode_patched(128, 8, 0), FW_OK);
    assert_int_equal(decode_patched(160, 8, 0), FW_OK);
}

static void field_project_version(void **state)
{
    (void)state;
    const size_t offs[2] = {176, 208};
    for (int i = 0; i < 2; i++) {
        size_t o = offs[i];
        assert_int_equal(decode_string(o, 32, "x", 1), FW_OK);
        assert_int_equal(decode_string(o, 32, "v1.0 (beta) #3~", 15), FW_OK);
        assert_int_equal(decode_string(o, 32, "0123456789012345678901234567890", 31), FW_OK);
        assert_int_equal(decode_string(o, 32, "01234567890123456789012345678901", 32), FW_ERR_FORMAT); /* no NUL */
        assert_int_equal(decode_string(o, 32, "", 0), FW_ERR_FORMAT);
        assert_int_equal(decode_string(o, 32, "a\nb", 3), FW_ERR_FORMAT);
        assert_int_equal(decode_string(o, 32, "a\xc3\xa9", 3), FW_ERR_FORMAT);
        assert_int_equal(decode_string(o, 32, "ab\0junk", 7), FW_ERR_FORMAT);   /* junk after NUL */
    }
}

static void field_paths(void **state)
{
    (void)state;
    const size_t B = 240, H = 304;
    assert_int_equal(decode_string(B, 64, "r7/body-1.2.3.bin", 17), FW_OK);
    assert_int_equal(decode_string(B, 64, "/etc/passwd", 11), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "../body.bin", 11), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "a/./b", 5), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "a//b", 4), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "a/", 2), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "a b", 3), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "a?x=1", 5), FW_ERR_FORMAT);
    assert_int_equal(decode_string(B, 64, "{id}.bin", 8), FW_ERR_FORMAT);     /* the body is shared */
    assert_int_equal(decode_string(B, 64, "", 0), FW_ERR_FORMAT);
    assert_int_equal(decode_string(H, 64, "h/{id}", 6), FW_OK);
    assert_int_equal(decode_string(H, 64, "{id}", 4), FW_OK);
    assert_int_equal(decode_string(H, 64, "hdr-{id}.bin", 12), FW_OK);
    assert_int_equal(decode_string(H, 64, "h/all.hdr", 9), FW_ERR_FORMAT);    /* no {id} */
    assert_int_equal(decode_string(H, 64, "{id}/{id}", 9), FW_ERR_FORMAT);
    assert_int_equal(decode_string(H, 64, "h/{ID}", 6), FW_ERR_FORMAT);
    assert_int_equal(decode_string(H, 64, "h/{id", 5), FW_ERR_FORMAT);
    assert_int_equal(decode_string(H, 64, "h/id}", 5), FW_ERR_FORMAT);
    assert_int_equal(decode_string(H, 64, "../{id}", 7), FW_ERR_FORMAT);
    char longp[64];
    memset(longp, 'a', 63);
    longp[63] = 0;
    assert_int_equal(decode_string(B, 64, longp, 63), FW_OK);
    assert_int_equal(fw_mf_check_path(longp, 0), FW_OK);
    char toolong[65];
    memset(toolong, 'a', 64);
    toolong[64] = 0;
    assert_int_equal(fw_mf_check_path(toolong, 0), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_path(NULL, 0), FW_ERR_FORMAT);
}

static void field_groups(void **state)
{
    (void)state;
    const size_t G = 368;
    assert_int_equal(decode_string(G, 16, "beta_2027.x-y", 13), FW_OK);
    assert_int_equal(decode_string(G, 16, "012345678901234", 15), FW_OK);
    assert_int_equal(decode_string(G, 16, "0123456789012345", 16), FW_ERR_FORMAT); /* no NUL */
    assert_int_equal(decode_string(G, 16, "has space", 9), FW_ERR_FORMAT);
    assert_int_equal(decode_string(G, 16, "a/b", 3), FW_ERR_FORMAT);
    /* slot 0 empty but slot 1 used: a gap */
    assert_int_equal(decode_string(G, 16, "", 0), FW_ERR_FORMAT);
    /* all 8 slots used */
    struct fw_manifest m, d;
    good(&m);
    for (unsigned g = 0; g < 8; g++) snprintf(m.groups[g], sizeof m.groups[g], "g%u", g);
    m.group_count = 8;
    size_t n;
    uint8_t *b = file_of(&m, &n);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    assert_int_equal(d.group_count, 8);
    assert_string_equal(d.groups[7], "g7");
    free(b);
    m.group_count = 9;
    uint8_t out[512];
    assert_int_equal(fw_mf_encode_fixed(&m, out), FW_ERR_RANGE);
    /* no group at all */
    good(&m);
    m.group_count = 0;
    b = file_of(&m, &n);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    assert_int_equal(d.group_count, 0);
    free(b);
}

static void file_length_and_padding(void **state)
{
    (void)state;
    struct fw_manifest m, d;
    good(&m);
    size_t n;
    uint8_t *b = file_of(&m, &n);
    assert_int_equal(fw_mf_decode(b, n - 1, &d), FW_ERR_TRUNCATED);
    assert_int_equal(fw_mf_decode(b, 511, &d), FW_ERR_TRUNCATED);
    assert_int_equal(fw_mf_decode_fixed(b, 512, &d), FW_OK);
    uint8_t *big = malloc(n + 1);
    memcpy(big, b, n);
    big[n] = 0xFF;
    assert_int_equal(fw_mf_decode(big, n + 1, &d), FW_ERR_FORMAT);
    free(big);
    b[608] = 0xFE;                       /* first padding byte */
    assert_int_equal(fw_mf_decode(b, n, &d), FW_ERR_FORMAT);
    b[608] = 0xFF;
    b[4095] = 0x00;                      /* last padding byte */
    assert_int_equal(fw_mf_decode(b, n, &d), FW_ERR_FORMAT);
    b[4095] = 0xFF;
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    free(b);
    /* L exactly 4096: no padding at all */
    good(&m);
    m.chunk_size = 1024;
    m.image_size = 112 * 1024;
    m.chunk_count = 112;
    m.manifest_len = 512 + 112 * 32;
    assert_int_equal(m.manifest_len, 4096);
    b = file_of(&m, &n);
    assert_int_equal(n, 8192);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    free(b);
}

static void chunks_access(void **state)
{
    (void)state;
    struct fw_manifest m, d;
    good(&m);
    size_t n;
    uint8_t *b = file_of(&m, &n);
    assert_int_equal(fw_mf_decode(b, n, &d), FW_OK);
    for (uint32_t i = 0; i < 3; i++) {
        const uint8_t *h = fw_mf_chunk_hash(b, n, &d, i);
        assert_ptr_equal(h, b + 512 + 32 * i);
        assert_int_equal(h[31], 0x40 + i);
    }
    assert_null(fw_mf_chunk_hash(b, n, &d, 3));
    assert_null(fw_mf_chunk_hash(b, 600, &d, 2));       /* buffer too short */
    uint32_t off, len;
    assert_int_equal(fw_mf_chunk_range(&d, 0, &off, &len), FW_OK);
    assert_int_equal(off, 0);
    assert_int_equal(len, 4096);
    assert_int_equal(fw_mf_chunk_range(&d, 2, &off, &len), FW_OK);
    assert_int_equal(off, 8192);
    assert_int_equal(len, 100);
    assert_int_equal(fw_mf_chunk_range(&d, 3, &off, &len), FW_ERR_RANGE);
    assert_int_equal(fw_mf_chunk_count(8192, 4096), 2);
    assert_int_equal(fw_mf_chunk_count(8193, 4096), 3);
    assert_int_equal(fw_mf_chunk_count(0xFFFFFFFFu, 1024), 4194304u);
    assert_int_equal(fw_mf_chunk_count(1, 0), 0);
    free(b);
}

static void device_ids_and_header_path(void **state)
{
    (void)state;
    assert_int_equal(fw_mf_check_device_id("dev-0001"), FW_OK);
    assert_int_equal(fw_mf_check_device_id("A.b_c-9"), FW_OK);
    assert_int_equal(fw_mf_check_device_id("01234567890123456789012345678901"), FW_OK);   /* 32 */
    assert_int_equal(fw_mf_check_device_id("012345678901234567890123456789012"), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_device_id(""), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_device_id(".."), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_device_id(".hidden"), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_device_id("a/b"), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_device_id("a%2f"), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_check_device_id(NULL), FW_ERR_FORMAT);
    struct fw_manifest m;
    good(&m);
    char p[64];
    assert_int_equal(fw_mf_header_path(&m, "dev-7", p, sizeof p), FW_OK);
    assert_string_equal(p, "headers/dev-7.hdr");
    assert_int_equal(fw_mf_header_path(&m, "dev-7", p, 17), FW_ERR_NO_SPACE);
    assert_int_equal(fw_mf_header_path(&m, "dev-7", p, 18), FW_OK);
    assert_int_equal(fw_mf_header_path(&m, "../x", p, sizeof p), FW_ERR_FORMAT);
}

/* Values pinned from an independent implementation (docs/formats.md §8.4). */
static void rollout_bucket_vectors(void **state)
{
    (void)state;
    uint8_t seed[16];
    for (int i = 0; i < 16; i++) seed[i] = (uint8_t)i;
    assert_int_equal(fw_mf_rollout_bucket(seed, "dev-0001"), 6213);
    assert_int_equal(fw_mf_rollout_bucket(seed, "dev-0002"), 701);
    assert_int_equal(fw_mf_rollout_bucket(seed, "A"), 882);
    assert_int_equal(fw_mf_rollout_bucket(seed, "esp32-c3-0042"), 1027);
    uint8_t zero[16] = {0};
    assert_int_equal(fw_mf_rollout_bucket(zero, "dev-0001"), 4662);
    /* roughly uniform: 10 % of 10000 ids within +-2 % */
    unsigned in = 0;
    char id[16];
    for (int i = 0; i < 10000; i++) {
        snprintf(id, sizeof id, "dev-%05d", i);
        in += fw_mf_rollout_bucket(seed, id) < 1000;
    }
    assert_int_equal(in, 1056);
}

static void edit_project(struct fw_manifest *m) { m->project[0] = 0; }
static void edit_header_path(struct fw_manifest *m) { strcpy(m->header_path, "h.bin"); }
static void edit_group(struct fw_manifest *m) { strcpy(m->groups[1], "a b"); }
static void edit_count(struct fw_manifest *m) { m->chunk_count = 2; }
static void edit_nothing(struct fw_manifest *m) { (void)m; }

static void encoder_validates(void **state)
{
    (void)state;
    assert_int_equal(encode_with(edit_nothing), FW_OK);
    assert_int_equal(encode_with(edit_project), FW_ERR_FORMAT);
    assert_int_equal(encode_with(edit_header_path), FW_ERR_FORMAT);
    assert_int_equal(encode_with(edit_group), FW_ERR_FORMAT);
    assert_int_equal(encode_with(edit_count), FW_ERR_RANGE);
    uint8_t out[512];
    assert_int_equal(fw_mf_encode_fixed(NULL, out), FW_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_constants),
        cmocka_unit_test(golden_bytes),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(field_magic),
        cmocka_unit_test(field_format_and_fixed_len),
        cmocka_unit_test(field_manifest_len),
        cmocka_unit_test(field_enc_scheme_flags),
        cmocka_unit_test(field_chip_rev_rollout),
        cmocka_unit_test(field_seq_times),
        cmocka_unit_test(field_sizes),
        cmocka_unit_test(field_reserved),
        cmocka_unit_test(field_opaque_bytes),
        cmocka_unit_test(field_project_version),
        cmocka_unit_test(field_paths),
        cmocka_unit_test(field_groups),
        cmocka_unit_test(file_length_and_padding),
        cmocka_unit_test(chunks_access),
        cmocka_unit_test(device_ids_and_header_path),
        cmocka_unit_test(rollout_bucket_vectors),
        cmocka_unit_test(encoder_validates),
    };
    return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
