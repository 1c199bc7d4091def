/* SPDX-License-Identifier: Apache-2.0 */
/* common/fw_sbv2: the crypto-free SBv2 codec against espsecure's vectors
 * (secure_boot_v2/signed.tsv, keys.tsv) and synthetic blocks. */
#include "testutil.h"

#include <openssl/evp.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"
#include "fw_sbv2.h"

#define MAXROWS 16

struct key_row { char name[64]; uint8_t digest[32]; };
struct signed_row { char file[256]; char keys[256]; uint8_t image_digest[32]; };

/* Path of a vector named by a TSV row (tu_vector() takes literals). */
static const char *row_path(const char *rel)
{
    static char buf[1024];
    const char *base = getenv("FWSEAL_SHARED");
    int n = snprintf(buf, sizeof buf, "%s/vectors/%.200s", base ? base : "../shared", rel);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    return buf;
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
    assert_int_equal(len, 32);
}

/* Split a TSV line in place into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    while (n < max) {
        f[n++] = line;
        char *t = strchr(line, '\t');
        if (!t) break;
        *t = 0;
        line = t + 1;
    }
    return n;
}

static int load_keys(struct key_row *rows)
{
    FILE *f = fopen(tu_vector("secure_boot_v2/keys.tsv"), "r");
    assert_non_null(f);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *fl[5];
        if (line[0] == '#' || split_tabs(line, fl, 5) != 5) continue;
        assert_true(n < MAXROWS);
        snprintf(rows[n].name, sizeof rows[n].name, "%s", fl[0]);
        tu_hex(fl[4], rows[n].digest, 32);
        n++;
    }
    fclose(f);
    return n;
}

static int load_signed(struct signed_row *rows)
{
    FILE *f = fopen(tu_vector("secure_boot_v2/signed.tsv"), "r");
    assert_non_null(f);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *fl[5];
        if (line[0] == '#' || split_tabs(line, fl, 5) != 5) continue;
        assert_true(n < MAXROWS);
        snprintf(rows[n].file, sizeof rows[n].file, "%s", fl[0]);
        snprintf(rows[n].keys, sizeof rows[n].keys, "%s", fl[1]);
        tu_hex(fl[4], rows[n].image_digest, 32);
        n++;
    }
    fclose(f);
    return n;
}

static const uint8_t *key_digest(const struct key_row *keys, int nk, const char *name, size_t len)
{
    for (int i = 0; i < nk; i++)
        if (strlen(keys[i].name) == len && !strncmp(keys[i].name, name, len)) return keys[i].digest;
    fail_msg("key %.*s not in keys.tsv", (int)len, name);
    return NULL;
}

/* Every espsecure-signed vector: the blocks decode, CRCs are valid, the
 * image digest is the one in signed.tsv and the key regions hash to keys.tsv. */
static void vectors_decode(void **state)
{
    (void)state;
    struct key_row keys[MAXROWS];
    struct signed_row rows[MAXROWS];
    int nk = load_keys(keys), ns = load_signed(rows);
    assert_true(nk >= 6 && ns >= 6);
    for (int r = 0; r < ns; r++) {
        size_t len;
        uint8_t *img = tu_read(row_path(rows[r].file), &len);
        assert_true(len % FW_SBV2_SECTOR_SIZE == 0 && len >= FW_SBV2_SECTOR_SIZE);
        const uint8_t *sector = img + len - FW_SBV2_SECTOR_SIZE;
        uint8_t digest[32];
        sha256(img, len - FW_SBV2_SECTOR_SIZE, digest);
        assert_memory_equal(digest, rows[r].image_digest, 32);

        unsigned expect_blocks = 1;
        for (const char *p = rows[r].keys; *p; p++) expect_blocks += *p == ',';
        struct fw_sbv2_scan scan;
        assert_int_equal(fw_sbv2_sector_scan(sector, &scan), expect_blocks);
        assert_true(scan.tail_erased);

        const char *kp = rows[r].keys;
        for (unsigned i = 0; i < expect_blocks; i++) {
            const uint8_t *blk = fw_sbv2_sector_block_c(sector, i);
            struct fw_sbv2_block b;
            assert_int_equal(fw_sbv2_block_decode(blk, &b), FW_OK);
            assert_int_equal(b.crc_stored, b.crc_computed);
            assert_int_equal(fw_sbv2_block_reserved_ok(blk), FW_OK);
            assert_true(fw_sbv2_scheme_supported(b.scheme));
            assert_memory_equal(b.image_digest, rows[r].image_digest, 32);

            size_t off, klen, nlen = strcspn(kp, ",");
            assert_int_equal(fw_sbv2_key_region(blk, &off, &klen), FW_OK);
            uint8_t kd[32];
            sha256(blk + off, klen, kd);
            assert_memory_equal(kd, key_digest(keys, nk, kp, nlen), 32);
            kp += nlen + (kp[nlen] == ',');

            /* encode(decode(block)) is the identity */
            uint8_t again[FW_SBV2_BLOCK_SIZE];
            assert_int_equal(fw_sbv2_block_encode(&b, again), FW_OK);
            assert_memory_equal(again, blk, FW_SBV2_BLOCK_SIZE);
        }
        for (unsigned i = expect_blocks; i < FW_SBV2_MAX_BLOCKS; i++) {
            assert_true(scan.erased[i]);
            assert_int_equal(scan.status[i], FW_ERR_MAGIC);
        }
        free(img);
    }
}

static void ecdsa_vector_fields(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_ecdsa256.bin"), &len);
    const uint8_t *blk = img + len - FW_SBV2_SECTOR_SIZE;
    struct fw_sbv2_block b;
    assert_int_equal(fw_sbv2_block_decode(blk, &b), FW_OK);
    assert_int_equal(b.scheme, FW_SBV2_ECDSA_P256);
    assert_int_equal(b.version, 3);
    assert_int_equal(b.ec.curve_id, 2);
    assert_int_equal(b.ec.coord_len, 32);
    assert_memory_equal(b.ec.x, blk + 37, 32);
    assert_memory_equal(b.ec.s, blk + 101 + 32, 32);
    free(img);
}

static void rsa_vector_fields(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_rsa_1key.bin"), &len);
    const uint8_t *blk = img + len - FW_SBV2_SECTOR_SIZE;
    struct fw_sbv2_block b;
    assert_int_equal(fw_sbv2_block_decode(blk, &b), FW_OK);
    assert_int_equal(b.scheme, FW_SBV2_RSA3072);
    assert_int_equal(b.rsa.e, 65537);
    assert_true(b.rsa.n[FW_SBV2_RSA_LEN - 1] & 0x80);   /* LE: top byte last, 3072-bit */
    assert_true(b.rsa.n[0] & 1);                          /* odd modulus */
    /* m' * n == -1 mod 2^32 */
    uint32_t n0 = fw_dec32le(b.rsa.n);
    assert_int_equal((uint32_t)(b.rsa.mdash * n0), 0xFFFFFFFFu);
    free(img);
}

/* The negative vectors fail for the documented reason. */
static void negative_vectors(void **state)
{
    (void)state;
    static const struct { const char *file; unsigned valid; int status0; int status1; } cases[] = {
        {"secure_boot_v2/neg_sig_bad_crc.bin", 0, FW_ERR_CRC, FW_ERR_MAGIC},
        {"secure_boot_v2/neg_sig_block_modified_crc_stale.bin", 0, FW_ERR_CRC, FW_ERR_MAGIC},
        {"secure_boot_v2/neg_sig_bad_magic.bin", 0, FW_ERR_MAGIC, FW_ERR_MAGIC},
        {"secure_boot_v2/neg_sig_bad_version.bin", 0, FW_ERR_UNSUPPORTED, FW_ERR_MAGIC},
        {"secure_boot_v2/neg_sig_sector_erased.bin", 0, FW_ERR_MAGIC, FW_ERR_MAGIC},
        {"secure_boot_v2/neg_2keys_block1_bad_crc.bin", 1, FW_OK, FW_ERR_CRC},
        {"secure_boot_v2/neg_sig_signature_flipped.bin", 1, FW_OK, FW_ERR_MAGIC},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(cases[i].file), &len);
        struct fw_sbv2_scan scan;
        assert_int_equal(fw_sbv2_sector_scan(img + len - FW_SBV2_SECTOR_SIZE, &scan), cases[i].valid);
        assert_int_equal(scan.status[0], cases[i].status0);
        assert_int_equal(scan.status[1], cases[i].status1);
        free(img);
    }
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(seed + i * 7);
}

static void synthetic_p384_p192_roundtrip(void **state)
{
    (void)state;
    static const enum fw_sbv2_scheme schemes[] = {FW_SBV2_ECDSA_P384, FW_SBV2_ECDSA_P192, FW_SBV2_ECDSA_P256};
    for (size_t k = 0; k < 3; k++) {
        struct fw_sbv2_block b, d;
        memset(&b, 0, sizeof b);
        b.scheme = schemes[k];
        size_t c = fw_sbv2_coord_len(b.scheme);
        fill(b.image_digest, fw_sbv2_digest_len(b.scheme), 1);
        fill(b.ec.x, c, 2); fill(b.ec.y, c, 3); fill(b.ec.r, c, 4); fill(b.ec.s, c, 5);
        uint8_t blk[FW_SBV2_BLOCK_SIZE];
        assert_int_equal(fw_sbv2_block_encode(&b, blk), FW_OK);
        assert_int_equal(fw_sbv2_block_decode(blk, &d), FW_OK);
        assert_int_equal(d.scheme, b.scheme);
        assert_int_equal(fw_sbv2_block_reserved_ok(blk), FW_OK);
        assert_memory_equal(d.ec.y, b.ec.y, c);
        assert_memory_equal(d.ec.s, b.ec.s, c);
        size_t off, klen;
        assert_int_equal(fw_sbv2_key_region(blk, &off, &klen), FW_OK);
        if (b.scheme == FW_SBV2_ECDSA_P384) {
            assert_int_equal(blk[2], 1);
            assert_int_equal(blk[52], 3);
            assert_int_equal(off, 52); assert_int_equal(klen, 97);
            assert_memory_equal(blk + 4, b.image_digest, 48);
            assert_memory_equal(blk + 53 + 48, b.ec.y, 48);
            assert_memory_equal(blk + 149 + 48, b.ec.s, 48);
        } else {
            assert_int_equal(blk[2], 0);
            assert_int_equal(off, 36); assert_int_equal(klen, 65);
            assert_memory_equal(blk + 37 + c, b.ec.y, c);
        }
        assert_int_equal(fw_dec32le(blk + 1196), fw_crc32_std(blk, 1196));
        /* configured-scheme mismatch */
        assert_int_equal(fw_sbv2_block_check(blk, FW_SBV2_RSA3072), FW_ERR_RANGE);
        assert_int_equal(fw_sbv2_block_check(blk, b.scheme), FW_OK);
        /* a nonzero reserved byte is reported, CRC fixed so only that differs */
        blk[1199 - 10] = 1;
        fw_enc32le(blk + 1196, fw_sbv2_block_crc(blk));
        assert_int_equal(fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE), FW_OK);
        assert_int_equal(fw_sbv2_block_reserved_ok(blk), FW_ERR_FORMAT);
    }
}

static void unknown_curve_and_version(void **state)
{
    (void)state;
    struct fw_sbv2_block b;
    memset(&b, 0, sizeof b);
    b.scheme = FW_SBV2_ECDSA_P256;
    uint8_t blk[FW_SBV2_BLOCK_SIZE];
    assert_int_equal(fw_sbv2_block_encode(&b, blk), FW_OK);
    blk[36] = 9; /* unknown curve */
    fw_enc32le(blk + 1196, fw_sbv2_block_crc(blk));
    assert_int_equal(fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE), FW_ERR_UNSUPPORTED);
    size_t off, len;
    assert_int_equal(fw_sbv2_key_region(blk, &off, &len), FW_ERR_UNSUPPORTED);
    blk[36] = 2; blk[2] = 1; /* sha384 with a P-256 curve byte: inconsistent */
    fw_enc32le(blk + 1196, fw_sbv2_block_crc(blk));
    assert_int_equal(fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE), FW_ERR_UNSUPPORTED);
    b.scheme = FW_SBV2_SCHEME_NONE;
    assert_int_equal(fw_sbv2_block_encode(&b, blk), FW_ERR_INVALID_ARG);
}

static void sector_layout(void **state)
{
    (void)state;
    uint8_t sector[FW_SBV2_SECTOR_SIZE];
    fw_sbv2_sector_erase(sector);
    struct fw_sbv2_scan scan;
    assert_int_equal(fw_sbv2_sector_scan(sector, &scan), 0);
    assert_true(scan.erased[0] && scan.erased[1] && scan.erased[2] && scan.tail_erased);
    assert_ptr_equal(fw_sbv2_sector_block(sector, 1), sector + 1216);
    assert_ptr_equal(fw_sbv2_sector_block(sector, 2), sector + 2432);

    /* valid block in slot 1 only: the scan stops at slot 0 */
    struct fw_sbv2_block b;
    memset(&b, 0, sizeof b);
    b.scheme = FW_SBV2_RSA3072;
    assert_int_equal(fw_sbv2_block_encode(&b, fw_sbv2_sector_block(sector, 1)), FW_OK);
    assert_int_equal(fw_sbv2_sector_scan(sector, &scan), 0);
    assert_int_equal(scan.status[1], FW_OK);
    assert_int_equal(fw_sbv2_block_encode(&b, fw_sbv2_sector_block(sector, 0)), FW_OK);
    assert_int_equal(fw_sbv2_sector_scan(sector, &scan), 2);
    sector[4000] = 0;
    fw_sbv2_sector_scan(sector, &scan);
    assert_false(scan.tail_erased);

    uint64_t s;
    assert_int_equal(fw_sbv2_sector_offset(0, &s), FW_OK); assert_true(s == 0);
    assert_int_equal(fw_sbv2_sector_offset(104784, &s), FW_OK); assert_true(s == 106496);
    assert_int_equal(fw_sbv2_sector_offset(196608, &s), FW_OK); assert_true(s == 196608);
    assert_int_equal(fw_sbv2_sector_offset(UINT64_MAX - 10, &s), FW_ERR_OVERFLOW);

    uint8_t le[4] = {1, 2, 3, 4}, be[4];
    fw_sbv2_le_to_be(be, le, 4);
    assert_memory_equal(be, "\x04\x03\x02\x01", 4);
    assert_string_equal(fw_sbv2_scheme_name(FW_SBV2_ECDSA_P384), "ECDSA-P384");
    /* every scheme the format defines is verified (P-384, P-192: issue 16) */
    assert_true(fw_sbv2_scheme_supported(FW_SBV2_ECDSA_P384));
    assert_true(fw_sbv2_scheme_supported(FW_SBV2_ECDSA_P192));
    assert_true(fw_sbv2_scheme_supported(FW_SBV2_ECDSA_P256));
    assert_true(fw_sbv2_scheme_supported(FW_SBV2_RSA3072));
    assert_false(fw_sbv2_scheme_supported(FW_SBV2_SCHEME_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_decode),
        cmocka_unit_test(ecdsa_vector_fields),
        cmocka_unit_test(rsa_vector_fields),
        cmocka_unit_test(negative_vectors),
        cmocka_unit_test(synthetic_p384_p192_roundtrip),
        cmocka_unit_test(unknown_curve_and_version),
        cmocka_unit_test(sector_layout),
    };
    return cmocka_run_group_tests_name("sbv2", tests, NULL, NULL);
}
