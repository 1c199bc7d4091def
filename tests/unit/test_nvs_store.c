/* SPDX-License-Identifier: Apache-2.0 */
/* NVS store engine + device binding: ESP-made vectors (plain, encrypted
 * with mbedTLS XTS, negative keys and entry CRC), read/write behaviour,
 * blobs across pages, version flip, errors that must lose nothing. */
#include "nvs_testlib.h"

#include "device/fwd_nvs.h"
#include "fw_bytes.h"
#include "fw_crc32.h"

static char list_a[60000], list_b[60000];

static uint8_t *vec(const char *rel, size_t *n)
{
    return tu_read(tu_vector(rel), n);
}

/* keys source over an in-memory plaintext keys image */
static int mem_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    memcpy(buf, (uint8_t *)ctx + off, len);
    return 0;
}

static int mount_vec(struct fwd_nvs *n, const char *img_rel, const char *keys_rel, struct ramflash *rf,
                     uint8_t *mem, int ro)
{
    size_t len, kl;
    uint8_t *img = vec(img_rel, &len);
    memcpy(mem, img, len);
    free(img);
    struct fw_nvs_io io;
    rf_init(rf, mem, (uint32_t)len, &io);
    if (!keys_rel) return fwd_nvs_init(n, &io, NULL, ro);
    static uint8_t kp[4096];
    uint8_t *k = vec(keys_rel, &kl);
    memcpy(kp, k, 4096);
    free(k);
    struct fwd_nvs_keys_src src = { mem_read, mem_read, kp };
    return fwd_nvs_init(n, &io, &src, ro);
}

static struct fwd_nvs nv;
static uint8_t mem[0x4000], mem2[0x4000];

static void vectors_plain_and_encrypted_agree(void **state)
{
    (void)state;
    struct ramflash rf;
    unsigned ca, cb;
    assert_int_equal(mount_vec(&nv, "nvs/nvs.bin", NULL, &rf, mem, 1), 0);
    size_t la = nvs_listing(&nv.store, list_a, sizeof list_a, &ca);
    fwd_nvs_deinit(&nv);
    assert_int_equal(ca, 136);
    assert_int_equal(mount_vec(&nv, "nvs/nvs_encrypted.bin", "nvs/nvs_keys.bin", &rf, mem, 1), 0);
    size_t lb = nvs_listing(&nv.store, list_b, sizeof list_b, &cb);
    assert_int_equal(cb, 136);
    assert_int_equal(la, lb);
    assert_memory_equal(list_a, list_b, la);
    assert_non_null(strstr(list_a, "limits/u64_max u64 18446744073709551615\n"));
    assert_non_null(strstr(list_a, "limits/i64_min i64 -9223372036854775808\n"));
    assert_non_null(strstr(list_a, "strings/s_utf8 string h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe4\xbd\xa0\xe5\xa5\xbd\n"));
    assert_non_null(strstr(list_a, "strings/s_empty string \n"));
    assert_non_null(strstr(list_a, "blobs/h_4 blob iODHng==\n"));
    /* the two-page blob reassembles to the file it came from */
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&nv.store, "blobs", 0, &h), 0);
    static uint8_t blob[8000];
    size_t n = sizeof blob, fl;
    assert_int_equal(fw_nvs_get_blob(&h, "fw_cert", blob, &n), 0);
    uint8_t *file = vec("nvs/nvs_file_big.bin", &fl);
    assert_int_equal(n, fl);
    assert_memory_equal(blob, file, fl);
    free(file);
    struct fw_nvs_info in;
    assert_int_equal(fw_nvs_find(&h, "fw_cert", &in), 0);
    assert_int_equal(in.chunks, 2);
    /* read-only mount never writes */
    assert_int_equal(rf.ops, 0);
    fwd_nvs_deinit(&nv);
}

static void vector_mounts_read_write_without_changes(void **state)
{
    (void)state;
    struct ramflash rf;
    size_t len;
    uint8_t *ref = vec("nvs/nvs_encrypted.bin", &len);
    assert_int_equal(mount_vec(&nv, "nvs/nvs_encrypted.bin", "nvs/nvs_keys.bin", &rf, mem, 0), 0);
    assert_int_equal(rf.ops, 0);
    assert_memory_equal(mem, ref, len);
    free(ref);
    fwd_nvs_deinit(&nv);
}

static void entry_crc_vector_drops_one_item(void **state)
{
    (void)state;
    struct ramflash rf;
    unsigned c;
    assert_int_equal(mount_vec(&nv, "nvs/neg_nvs_entry_crc.bin", NULL, &rf, mem, 1), 0);
    nvs_listing(&nv.store, list_a, sizeof list_a, &c);
    assert_int_equal(c, 135);
    assert_null(strstr(list_a, "limits/u8_min "));
    assert_non_null(strstr(list_a, "limits/u8_max u8 255\n"));
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&nv.store, "limits", 0, &h), 0);
    uint8_t v;
    assert_int_equal(fw_nvs_get_u8(&h, "u8_min", &v), FW_ERR_NOT_FOUND);
}

static void bad_keys_are_rejected_and_nothing_written(void **state)
{
    (void)state;
    struct ramflash rf;
    size_t len;
    uint8_t *ref = vec("nvs/nvs_encrypted.bin", &len);
    assert_int_equal(mount_vec(&nv, "nvs/nvs_encrypted.bin", "nvs/neg_nvs_wrong_keys.bin", &rf, mem, 0), FW_ERR_KEY);
    assert_non_null(strstr(nv.store.fail.why, "wrong key"));
    assert_int_equal(mount_vec(&nv, "nvs/nvs_encrypted.bin", "nvs/neg_nvs_wrong_keys.bin", &rf, mem, 1), FW_ERR_KEY);
    assert_int_equal(mount_vec(&nv, "nvs/nvs_encrypted.bin", "nvs/neg_nvs_keys_bad_crc.bin", &rf, mem, 0), FW_ERR_CRC);
    assert_non_null(strstr(nv.store.fail.why, "corrupt"));
    assert_int_equal(mount_vec(&nv, "nvs/nvs_encrypted.bin", "nvs/neg_nvs_keys_erased.bin", &rf, mem, 0), FW_ERR_STATE);
    assert_non_null(strstr(nv.store.fail.why, "not initialised"));
    assert_int_equal(rf.ops, 0);
    assert_memory_equal(mem, ref, len);
    free(ref);
}

static void fresh(struct ramflash *rf, uint8_t *m, uint32_t size, const uint8_t *keys)
{
    memset(m, 0xFF, size);
    struct fw_nvs_io io;
    rf_init(rf, m, size, &io);
    assert_int_equal(fwd_nvs_init_keys(&nv, &io, keys, 0), 0);
}

static void remount(struct ramflash *rf, uint8_t *m, uint32_t size, const uint8_t *keys)
{
    fwd_nvs_deinit(&nv);
    struct fw_nvs_io io;
    unsigned long ops = rf->ops;
    rf_init(rf, m, size, &io);
    rf->ops = ops;
    assert_int_equal(fwd_nvs_init_keys(&nv, &io, keys, 0), 0);
}

static void types_round_trip(const uint8_t *keys)
{
    struct ramflash rf;
    fresh(&rf, mem, sizeof mem, keys);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&nv.store, "cfg", 1, &h), 0);
    assert_int_equal(fw_nvs_set_u8(&h, "u8", 200), 0);
    assert_int_equal(fw_nvs_set_i8(&h, "i8", -5), 0);
    assert_int_equal(fw_nvs_set_u16(&h, "u16", 65000), 0);
    assert_int_equal(fw_nvs_set_i16(&h, "i16", -30000), 0);
    assert_int_equal(fw_nvs_set_u32(&h, "u32", 0xDEADBEEF), 0);
    assert_int_equal(fw_nvs_set_i32(&h, "i32", INT32_MIN), 0);
    assert_int_equal(fw_nvs_set_u64(&h, "u64", UINT64_MAX), 0);
    assert_int_equal(fw_nvs_set_i64(&h, "i64", INT64_MIN), 0);
    assert_int_equal(fw_nvs_set_str(&h, "s", "hello"), 0);
    static uint8_t big[6000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(fw_nvs_set_blob(&h, "blob", big, sizeof big), 0);
    remount(&rf, mem, sizeof mem, keys);
    assert_int_equal(fw_nvs_open(&nv.store, "cfg", 0, &h), 0);
    uint8_t u8; int8_t i8; uint16_t u16; int16_t i16; uint32_t u32; int32_t i32; uint64_t u64; int64_t i64;
    assert_int_equal(fw_nvs_get_u8(&h, "u8", &u8), 0); assert_int_equal(u8, 200);
    assert_int_equal(fw_nvs_get_i8(&h, "i8", &i8), 0); assert_int_equal(i8, -5);
    assert_int_equal(fw_nvs_get_u16(&h, "u16", &u16), 0); assert_int_equal(u16, 65000);
    assert_int_equal(fw_nvs_get_i16(&h, "i16", &i16), 0); assert_int_equal(i16, -30000);
    assert_int_equal(fw_nvs_get_u32(&h, "u32", &u32), 0); assert_int_equal(u32, 0xDEADBEEF);
    assert_int_equal(fw_nvs_get_i32(&h, "i32", &i32), 0); assert_true(i32 == INT32_MIN);
    assert_int_equal(fw_nvs_get_u64(&h, "u64", &u64), 0); assert_true(u64 == UINT64_MAX);
    assert_int_equal(fw_nvs_get_i64(&h, "i64", &i64), 0); assert_true(i64 == INT64_MIN);
    assert_int_equal(fw_nvs_get_u16(&h, "u8", &u16), FW_ERR_FORMAT);   /* wrong type */
    char s[16];
    size_t n = sizeof s;
    assert_int_equal(fw_nvs_get_str(&h, "s", s, &n), 0);
    assert_string_equal(s, "hello");
    static uint8_t back[8000];
    n = sizeof back;
    assert_int_equal(fw_nvs_get_blob(&h, "blob", back, &n), 0);
    assert_int_equal(n, sizeof big);
    assert_memory_equal(back, big, n);
    struct fw_nvs_info in;
    assert_int_equal(fw_nvs_find(&h, "blob", &in), 0);
    assert_true(in.chunks >= 2); /* 6000 bytes cannot fit one page */
    /* overwrite the blob: new version range, old chunks gone */
    big[0] ^= 0xFF;
    assert_int_equal(fw_nvs_open(&nv.store, "cfg", 1, &h), 0);
    assert_int_equal(fw_nvs_set_blob(&h, "blob", big, 100), 0);
    remount(&rf, mem, sizeof mem, keys);
    assert_int_equal(fw_nvs_open(&nv.store, "cfg", 1, &h), 0);
    n = sizeof back;
    assert_int_equal(fw_nvs_get_blob(&h, "blob", back, &n), 0);
    assert_int_equal(n, 100);
    assert_memory_equal(back, big, 100);
    /* erase a key, then the namespace */
    assert_int_equal(fw_nvs_erase_key(&h, "u8"), 0);
    assert_int_equal(fw_nvs_get_u8(&h, "u8", &u8), FW_ERR_NOT_FOUND);
    assert_int_equal(fw_nvs_erase_key(&h, "u8"), FW_ERR_NOT_FOUND);
    struct fw_nvs_stats st;
    assert_int_equal(fw_nvs_stats(&nv.store, &st), 0);
    assert_int_equal(st.namespace_count, 1);
    assert_int_equal(st.total_entries, 4 * 126);
    assert_int_equal(fw_nvs_erase_all(&h), 0);
    remount(&rf, mem, sizeof mem, keys);
    unsigned c;
    nvs_listing(&nv.store, list_a, sizeof list_a, &c);
    assert_int_equal(c, 0);
    assert_int_equal(rf.strict_violations, 0);
    fwd_nvs_deinit(&nv);
}

static void plain_types_round_trip(void **state) { (void)state; types_round_trip(NULL); }
static void encrypted_types_round_trip(void **state)
{
    (void)state;
    uint8_t k[64];
    for (int i = 0; i < 64; i++) k[i] = (uint8_t)(i * 13 + 1);
    types_round_trip(k);
}

static void blob_version_flips_on_vector(void **state)
{
    (void)state;
    struct ramflash rf;
    assert_int_equal(mount_vec(&nv, "nvs/nvs.bin", NULL, &rf, mem, 0), 0);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&nv.store, "blobs", 1, &h), 0);
    assert_int_equal(fw_nvs_set_blob(&h, "h_4", "\x01\x02\x03", 3), 0);
    /* the new index has chunk_start 0x80 and one chunk with index 0x80 */
    int seen_idx = 0, seen_chunk = 0;
    for (unsigned p = 0; p < 4; p++)
        for (unsigned i = 0; i < 126; i++) {
            const uint8_t *e = mem + p * 4096 + 64 + 32 * i;
            if (fw_nvs_bm_get(mem + p * 4096 + 32, i) != FW_NVS_ES_WRITTEN) continue;
            if (e[0] != h.ns || strcmp((const char *)e + 8, "h_4")) continue;
            if (e[1] == FW_NVS_BLOB_IDX) { seen_idx++; assert_int_equal(e[29], 0x80); }
            if (e[1] == FW_NVS_BLOB_DATA) { seen_chunk++; assert_int_equal(e[3], 0x80); }
        }
    assert_int_equal(seen_idx, 1);
    assert_int_equal(seen_chunk, 1);
    assert_int_equal(fw_nvs_set_blob(&h, "h_4", "\x09", 1), 0); /* and back to 0x00 */
    uint8_t b[4];
    size_t n = sizeof b;
    assert_int_equal(fw_nvs_get_blob(&h, "h_4", b, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0], 9);
    assert_int_equal(rf.strict_violations, 0);
}

static void errors_lose_nothing(void **state)
{
    (void)state;
    struct ramflash rf;
    fresh(&rf, mem, sizeof mem, NULL);
    struct fw_nvs_handle h, ro;
    assert_int_equal(fw_nvs_open(&nv.store, "app", 1, &h), 0);
    assert_int_equal(fw_nvs_set_u32(&h, "keep", 1234), 0);
    assert_int_equal(fw_nvs_set_blob(&h, "bl", "abc", 3), 0);
    /* key too long */
    assert_int_equal(fw_nvs_set_u8(&h, "abcdefghijklmnop", 1), FW_ERR_RANGE);
    assert_non_null(strstr(nv.store.fail.why, "15"));
    assert_int_equal(nv.store.fail.code, FW_ERR_RANGE);     /* code and reason travel together */
    assert_int_equal(fw_nvs_open(&nv.store, "abcdefghijklmnop", 1, &ro), FW_ERR_RANGE);
    /* read-only handle */
    assert_int_equal(fw_nvs_open(&nv.store, "app", 0, &ro), 0);
    assert_int_equal(fw_nvs_set_u8(&ro, "x", 1), FW_ERR_STATE);
    assert_int_equal(fw_nvs_open(&nv.store, "nosuch", 0, &ro), FW_ERR_NOT_FOUND);
    /* blob above the maximum: min(4-1,127)*4000 = 12000 */
    static uint8_t big[13000];
    assert_int_equal(fw_nvs_blob_max(&nv.store), 12000);
    assert_int_equal(fw_nvs_set_blob(&h, "bl", big, 12001), FW_ERR_RANGE);
    assert_non_null(strstr(nv.store.fail.why, "blob larger"));
    /* fill the partition with strings until full */
    char key[16], val[200];
    memset(val, 'v', sizeof val - 1);
    val[sizeof val - 1] = 0;
    int i, rc = 0;
    for (i = 0; i < 1000 && !rc; i++) {
        snprintf(key, sizeof key, "k%d", i);
        rc = fw_nvs_set_str(&h, key, val);
    }
    assert_int_equal(rc, FW_ERR_NO_SPACE);
    assert_non_null(strstr(nv.store.fail.why, "full"));
    assert_int_equal(nv.store.fail.code, FW_ERR_NO_SPACE);
    int stored = i - 1;
    /* a blob that cannot fit: error, old blob intact */
    assert_int_equal(fw_nvs_set_blob(&h, "bl", big, 8000), FW_ERR_NO_SPACE);
    remount(&rf, mem, sizeof mem, NULL);
    assert_int_equal(fw_nvs_open(&nv.store, "app", 1, &h), 0);
    uint32_t v;
    assert_int_equal(fw_nvs_get_u32(&h, "keep", &v), 0);
    assert_int_equal(v, 1234);
    uint8_t b[8];
    size_t n = sizeof b;
    assert_int_equal(fw_nvs_get_blob(&h, "bl", b, &n), 0);
    assert_int_equal(n, 3);
    for (i = 0; i < stored; i++) {
        char got[256];
        n = sizeof got;
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(fw_nvs_get_str(&h, key, got, &n), 0);
        assert_string_equal(got, val);
    }
    /* erasing makes room again (garbage collection) */
    for (i = 0; i < stored; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(fw_nvs_erase_key(&h, key), 0);
    }
    assert_int_equal(fw_nvs_set_str(&h, "again", val), 0);
    assert_int_equal(rf.strict_violations, 0);
    fwd_nvs_deinit(&nv);
}

static void too_many_namespaces(void **state)
{
    (void)state;
    struct ramflash rf;
    fresh(&rf, mem2, sizeof mem2, NULL);
    struct fw_nvs_handle h;
    char name[16];
    for (int i = 1; i <= 254; i++) {
        snprintf(name, sizeof name, "ns%d", i);
        assert_int_equal(fw_nvs_open(&nv.store, name, 1, &h), 0);
        assert_int_equal(h.ns, i);
    }
    assert_int_equal(fw_nvs_set_u8(&h, "last", 7), 0);
    assert_int_equal(fw_nvs_open(&nv.store, "ns255", 1, &h), FW_ERR_NO_SPACE);
    assert_non_null(strstr(nv.store.fail.why, "too many namespaces"));
    assert_int_equal(fw_nvs_open(&nv.store, "ns254", 0, &h), 0);
    uint8_t v;
    assert_int_equal(fw_nvs_get_u8(&h, "last", &v), 0);
    assert_int_equal(v, 7);
    fwd_nvs_deinit(&nv);
}

static void unchanged_write_is_skipped(void **state)
{
    (void)state;
    struct ramflash rf;
    fresh(&rf, mem2, sizeof mem2, NULL);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&nv.store, "a", 1, &h), 0);
    assert_int_equal(fw_nvs_set_u32(&h, "x", 5), 0);
    assert_int_equal(fw_nvs_set_str(&h, "s", "same"), 0);
    unsigned long ops = rf.ops;
    assert_int_equal(fw_nvs_set_u32(&h, "x", 5), 0);
    assert_int_equal(fw_nvs_set_str(&h, "s", "same"), 0);
    assert_int_equal(rf.ops, ops);
    /* type change replaces the item */
    assert_int_equal(fw_nvs_set_str(&h, "x", "now a string"), 0);
    uint32_t v;
    assert_int_equal(fw_nvs_get_u32(&h, "x", &v), FW_ERR_FORMAT);
    fwd_nvs_deinit(&nv);
}

/* Hostile images: random corruption of the vector (bytes, whole entries,
 * bitmaps, page headers) must never crash, read out of bounds, or make the
 * store program a bit from 0 to 1; a read-write mount stays usable. */
static void corrupted_images_are_survived(void **state)
{
    (void)state;
    size_t len;
    uint8_t *ref = vec("nvs/nvs.bin", &len);
    uint64_t r = 0x1234567;
    static char list[60000];
    for (int it = 0; it < 400; it++) {
        memcpy(mem, ref, len);
        int nmut = 1 + it % 12;
        for (int m = 0; m < nmut; m++) {
            r ^= r << 13; r ^= r >> 7; r ^= r << 17;
            unsigned off = (unsigned)(r % len);
            switch ((r >> 40) % 4) {
            case 0: mem[off] ^= (uint8_t)(1u << ((r >> 32) & 7)); break;                 /* bit flip */
            case 1: memset(mem + (off & ~31u), (uint8_t)(r >> 24), 32); break;          /* entry */
            case 2: mem[(off & ~4095u) + 32 + (off % 32)] = (uint8_t)(r >> 16); break;  /* bitmap */
            default: mem[(off & ~4095u) + (off % 32)] = (uint8_t)(r >> 8); break;       /* header */
            }
        }
        for (int ro = 1; ro >= 0; ro--) {
            struct ramflash rf;
            struct fw_nvs_io io;
            memcpy(mem2, mem, len);
            rf_init(&rf, mem2, (uint32_t)len, &io);
            static struct fw_nvs_store s;
            int rc = fw_nvs_mount(&s, &io, NULL, ro);
            if (rc) continue; /* refused (e.g. newer version, no free page): fine */
            unsigned c;
            nvs_listing(&s, list, sizeof list, &c);
            assert_true(c <= 136);
            if (!ro) {
                struct fw_nvs_handle h;
                rc = fw_nvs_open(&s, "fresh", 1, &h);
                if (!rc) rc = fw_nvs_set_str(&h, "k", "after corruption");
                if (!rc) {
                    char b[32];
                    size_t n = sizeof b;
                    assert_int_equal(fw_nvs_get_str(&h, "k", b, &n), 0);
                    assert_string_equal(b, "after corruption");
                }
            }
            assert_int_equal(rf.strict_violations, 0);
        }
    }
    free(ref);
    (void)0;
}

/* A page of a newer format version is refused (ESP_ERR_NVS_NEW_VERSION_FOUND);
 * a V1 single-page blob (type 0x41) is still readable. */
static void newer_version_refused_v1_blob_read(void **state)
{
    (void)state;
    size_t len;
    uint8_t *ref = vec("nvs/nvs.bin", &len);
    memcpy(mem, ref, len);
    mem[4096 + 8] = 0xFD;                                  /* page 1 version */
    fw_enc32le(mem + 4096 + 28, fw_nvs_page_hdr_crc(mem + 4096));
    struct ramflash rf;
    struct fw_nvs_io io;
    rf_init(&rf, mem, (uint32_t)len, &io);
    static struct fw_nvs_store s;
    assert_int_equal(fw_nvs_mount(&s, &io, NULL, 1), FW_ERR_VERSION);
    assert_non_null(strstr(s.fail.why, "newer"));
    /* a storage that does not declare NOR re-programming: read-only only */
    io.nor_reprogram = 0;
    assert_int_equal(fw_nvs_mount(&s, &io, NULL, 0), FW_ERR_UNSUPPORTED);
    assert_non_null(strstr(s.fail.why, "NOR re-programming"));
    io.nor_reprogram = 1;
    /* a V1 blob (type 0x41, payload in the same item) next to a namespace entry */
    memset(mem, 0xFF, sizeof mem);
    fw_nvs_page_hdr_encode(mem, FW_NVS_PS_ACTIVE, 0);
    uint8_t e[96];
    memset(e, 0xFF, sizeof e);
    fw_nvs_entry_init(e, 0, FW_NVS_U8, 1, FW_NVS_CHUNK_ANY, "old");
    e[24] = 1;
    fw_nvs_entry_seal(e);
    fw_nvs_entry_init(e + 32, 1, FW_NVS_BLOB, 2, FW_NVS_CHUNK_ANY, "v1b");
    fw_enc16le(e + 32 + 24, 3);
    fw_enc32le(e + 32 + 28, fw_crc32_esp("xyz", 3));
    fw_nvs_entry_seal(e + 32);
    memcpy(e + 64, "xyz", 3);
    memcpy(mem + 64, e, 96);
    for (unsigned k = 0; k < 3; k++) fw_nvs_bm_set(mem + 32, k, FW_NVS_ES_WRITTEN);
    rf_init(&rf, mem, sizeof mem, &io);
    assert_int_equal(fw_nvs_mount(&s, &io, NULL, 0), 0);
    struct fw_nvs_handle h;
    assert_int_equal(fw_nvs_open(&s, "old", 1, &h), 0);
    uint8_t b[8];
    size_t n = sizeof b;
    assert_int_equal(fw_nvs_get_blob(&h, "v1b", b, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(b, "xyz", 3);
    assert_int_equal(fw_nvs_set_blob(&h, "v1b", "new!", 4), 0); /* rewritten as V2, V1 erased */
    rf_init(&rf, mem, sizeof mem, &io);
    assert_int_equal(fw_nvs_mount(&s, &io, NULL, 0), 0);
    assert_int_equal(fw_nvs_open(&s, "old", 0, &h), 0);
    struct fw_nvs_info in;
    assert_int_equal(fw_nvs_find(&h, "v1b", &in), 0);
    assert_int_equal(in.type, FW_NVS_BLOB_IDX);
    n = sizeof b;
    assert_int_equal(fw_nvs_get_blob(&h, "v1b", b, &n), 0);
    assert_memory_equal(b, "new!", 4);
    assert_int_equal(rf.strict_violations, 0);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_plain_and_encrypted_agree),
        cmocka_unit_test(vector_mounts_read_write_without_changes),
        cmocka_unit_test(entry_crc_vector_drops_one_item),
        cmocka_unit_test(bad_keys_are_rejected_and_nothing_written),
        cmocka_unit_test(plain_types_round_trip),
        cmocka_unit_test(encrypted_types_round_trip),
        cmocka_unit_test(blob_version_flips_on_vector),
        cmocka_unit_test(errors_lose_nothing),
        cmocka_unit_test(too_many_namespaces),
        cmocka_unit_test(unchanged_write_is_skipped),
        cmocka_unit_test(corrupted_images_are_survived),
        cmocka_unit_test(newer_version_refused_v1_blob_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
