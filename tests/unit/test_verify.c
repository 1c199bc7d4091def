/* SPDX-License-Identifier: Apache-2.0 */
/* verify/: the incremental verifier gives the same report whatever the
 * chunking, names the right first failure, and survives hostile input. */
#include "testutil.h"

#include <openssl/evp.h>

#include "fw_err.h"
#include "fw_image.h"
#include "fw_sbv2.h"
#include "verify/fwh_verify.h"

static const char *KEY1 = "ffcfbe591f3a74020ede0f2a9efc88dbaf5d0fe6a7a0ed89d6ab79c7a25eec97";
static const char *KEY2 = "381883a359262c5e00143780d3090d2bd24feea30b81395ce1c6cad68664b199";

static int run_chunked(const uint8_t *p, size_t len, size_t chunk, const struct fwh_verify_opts *o,
                       struct fwh_report *r)
{
    struct fwh_verify *v;
    assert_int_equal(fwh_verify_new(&v, o), FW_OK);
    for (size_t off = 0; off < len;) {
        size_t n = len - off < chunk ? len - off : chunk;
        assert_int_equal(fwh_verify_update(v, p + off, n), FW_OK);
        off += n;
    }
    int rc = fwh_verify_finish(v, r);
    assert_int_equal(fwh_verify_update(v, p, 1), FW_ERR_STATE);
    fwh_verify_free(v);
    return rc;
}

static void chunking_does_not_matter(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_rsa_2keys.bin"), &len);
    uint8_t trusted[1][32];
    tu_hex(KEY2, trusted[0], 32);
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[32])trusted, .n_trusted = 1};
    static struct fwh_report ref, r;
    assert_int_equal(run_chunked(img, len, len, &o, &ref), FW_OK);
    assert_true(fwh_report_valid(&ref));
    assert_int_equal(fwh_report_find(&ref, "block1.key_trusted")->result, FWH_PASS);
    assert_int_equal(fwh_report_find(&ref, "block0.key_trusted")->result, FWH_FAIL);
    assert_int_equal(fwh_report_find(&ref, "image.sha256")->result, FWH_PASS);
    static const size_t chunks[] = {1, 7, 24, 4095, 4096, 4097, 65536, 100000};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        if (chunks[i] == 1 && len > 300000) continue;
        assert_int_equal(run_chunked(img, len, chunks[i], &o, &r), FW_OK);
        assert_int_equal(r.n, ref.n);
        for (size_t k = 0; k < r.n; k++) {
            assert_string_equal(r.checks[k].name, ref.checks[k].name);
            assert_int_equal(r.checks[k].result, ref.checks[k].result);
            assert_string_equal(r.checks[k].detail, ref.checks[k].detail);
        }
    }
    free(img);
}

/* One SHA-256 pass serves both digests: the simple hash [0, hash_end) is
 * finalised from a copy of the signed-region context. Where hash_end lies in
 * the last 4096 bytes (an unsigned app image: the verifier holds those back
 * as the candidate signature sector), the pass continues into them. Either
 * way image.sha256 must judge exactly the bytes [0, hash_end), whatever the
 * chunking, and a changed stored hash or a changed last hashed byte fails. */
static void simple_hash_from_the_one_pass(void **state)
{
    (void)state;
    static const char *files[] = {"app/app_esp32c3_64k.bin", "app/app_esp32c3_128k_sbpad.bin",
                                  "secure_boot_v2/signed_rsa_1key.bin"};
    static const size_t chunks[] = {1, 31, 32, 33, 4096, 4097, 65536, 1u << 20};
    struct fwh_verify_opts o = {.allow_untrusted = 1};
    static struct fwh_report r;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(files[f]), &len);
        for (int variant = 0; variant < 3; variant++) {
            uint8_t *m = malloc(len);
            memcpy(m, img, len);
            /* 1: a byte of the appended SHA-256 (right after hash_end);
             * 2: the checksum byte (the last byte of [0, hash_end)) */
            struct fw_image_parser ip;
            fw_image_parser_init(&ip, FW_IMAGE_NO_LIMIT);
            assert_int_equal(fw_image_parser_feed(&ip, img, len), FW_OK);
            assert_true(ip.layout_known);
            size_t hash_at = (size_t)ip.hash_end; /* the appended SHA-256 of [0, hash_end) starts here */
            uint8_t d[32];
            unsigned dl = 0;
            assert_true(EVP_Digest(img, hash_at, d, &dl, EVP_sha256(), NULL));
            assert_memory_equal(d, img + hash_at, 32);
            assert_true(hash_at > 0);
            if (variant == 1) m[hash_at + 5] ^= 0x01;
            if (variant == 2) m[hash_at - 1] ^= 0x40;
            for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
                if (chunks[c] == 1 && len > 70000) continue;
                run_chunked(m, len, chunks[c], &o, &r);
                const struct fwh_check *h = fwh_report_find(&r, "image.sha256");
                assert_non_null(h);
                if (h->result != (variant == 0 ? FWH_PASS : FWH_FAIL))
                    fail_msg("%s variant %d chunk %zu: image.sha256 %s", files[f], variant, chunks[c], h->detail);
                if (variant) assert_int_equal(h->err, FW_ERR_DIGEST);
            }
            free(m);
        }
        free(img);
    }
}

static void first_failures(void **state)
{
    (void)state;
    static const struct { const char *file, *check; int err; } cases[] = {
        {"secure_boot_v2/neg_sig_signature_flipped.bin", "signature.trusted", FW_ERR_SIGNATURE},
        {"secure_boot_v2/neg_sig_bad_crc.bin", "sector.blocks", FW_ERR_CRC},
        {"secure_boot_v2/neg_sig_bad_magic.bin", "sector.blocks", FW_ERR_MAGIC},
        {"secure_boot_v2/neg_sig_bad_version.bin", "sector.blocks", FW_ERR_UNSUPPORTED},
        {"secure_boot_v2/neg_sig_sector_erased.bin", "sector.blocks", FW_ERR_NOT_FOUND},
        {"secure_boot_v2/neg_image_byte_changed.bin", "image.checksum", FW_ERR_CHECKSUM},
        {"secure_boot_v2/neg_image_last_byte_changed.bin", "image.sha256", FW_ERR_DIGEST},
        {"secure_boot_v2/neg_truncated.bin", "file.length", FW_ERR_TRUNCATED},
        {"app/app_esp32c3_128k_sbpad.bin", "image.sector_offset", FW_ERR_FORMAT},
        {"secure_boot_v2/signed_ecdsa256.bin", "signature.trusted", FW_ERR_UNTRUSTED},
        {"secure_boot_v2/neg_sig_digest_field_modified.bin", "signature.trusted", FW_ERR_DIGEST},
    };
    uint8_t trusted[1][32];
    tu_hex(KEY1, trusted[0], 32);
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[32])trusted, .n_trusted = 1};
    static struct fwh_report r;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(cases[i].file), &len);
        int rc = run_chunked(img, len, 8192, &o, &r);
        const struct fwh_check *ff = fwh_report_first_failure(&r);
        assert_non_null(ff);
        if (strcmp(ff->name, cases[i].check)) fail_msg("%s: first failure %s, wanted %s", cases[i].file, ff->name, cases[i].check);
        assert_int_equal(rc, cases[i].err);
        free(img);
    }
}

static void revoked_and_policy(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_rsa_1key.bin"), &len);
    uint8_t d[1][32];
    tu_hex(KEY1, d[0], 32);
    static struct fwh_report r;
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[32])d, .n_trusted = 1,
                                .revoked = (const uint8_t(*)[32])d, .n_revoked = 1};
    assert_int_equal(run_chunked(img, len, 65536, &o, &r), FW_ERR_REVOKED);
    assert_int_equal(fwh_report_find(&r, "block0.key_revoked")->result, FWH_FAIL);

    struct fwh_verify_opts none = {0};
    assert_int_equal(run_chunked(img, len, 65536, &none, &r), FW_ERR_UNTRUSTED);
    assert_string_equal(fwh_report_first_failure(&r)->name, "trust.anchor");
    none.allow_untrusted = 1;
    assert_int_equal(run_chunked(img, len, 65536, &none, &r), FW_OK);

    struct fwh_verify_opts pol = {.trusted = (const uint8_t(*)[32])d, .n_trusted = 1,
                                  .have_min_secure_version = 1, .min_secure_version = 5,
                                  .have_chip = 1, .chip_id = 0x0009};
    assert_int_equal(run_chunked(img, len, 65536, &pol, &r), FW_ERR_CHIP);
    assert_int_equal(fwh_report_find(&r, "image.secure_version")->result, FWH_FAIL);
    pol.chip_id = 0x0005;
    assert_int_equal(run_chunked(img, len, 65536, &pol, &r), FW_ERR_ROLLBACK);
    pol.min_secure_version = 4;
    assert_int_equal(run_chunked(img, len, 65536, &pol, &r), FW_OK);
    free(img);
}

/* §2.8: ESP32 honours block 0 only; ESP32-C3 verifies RSA only. */
static void chip_scheme_rules(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_rsa_2keys.bin"), &len);
    uint8_t d[1][32];
    tu_hex(KEY2, d[0], 32);
    static struct fwh_report r;
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[32])d, .n_trusted = 1, .raw = 1,
                                .have_chip = 1, .chip_id = 0x0000 /* ESP32 */};
    assert_int_not_equal(run_chunked(img, len, 65536, &o, &r), FW_OK);
    assert_int_equal(fwh_report_find(&r, "block1.chip")->result, FWH_FAIL);
    assert_non_null(strstr(fwh_report_find(&r, "block1.chip")->detail, "only signature block 0"));
    o.chip_id = 0x0005; /* ESP32-C3: 3 blocks */
    assert_int_equal(run_chunked(img, len, 65536, &o, &r), FW_OK);
    tu_hex(KEY1, d[0], 32);
    o.chip_id = 0x0000;
    assert_int_equal(run_chunked(img, len, 65536, &o, &r), FW_OK);
    free(img);

    img = tu_read(tu_vector("secure_boot_v2/signed_ecdsa256.bin"), &len);
    tu_hex("72f513cb9c24a7e3089b355193a444c631719e9a6312f280e14dd6a2d9807d0a", d[0], 32);
    o.chip_id = 0x0005;
    assert_int_not_equal(run_chunked(img, len, 65536, &o, &r), FW_OK);
    assert_non_null(strstr(fwh_report_find(&r, "block0.chip")->detail, "does not verify ECDSA-P256"));
    o.chip_id = 0x000D; /* ESP32-C6: RSA or P-256 */
    assert_int_equal(run_chunked(img, len, 65536, &o, &r), FW_OK);
    free(img);
}

/* A P-384 block decodes but is reported unsupported; block 0 still counts. */
/* A P-384 block is checked against the SHA-384 of the signed region: a
 * synthetic one signing a zero digest with no key fails its digest and
 * signature checks; block 0 (RSA) still verifies. */
static void p384_block_checked_against_sha384(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_rsa_1key.bin"), &len);
    struct fw_sbv2_block b;
    memset(&b, 0, sizeof b);
    b.scheme = FW_SBV2_ECDSA_P384;
    assert_int_equal(fw_sbv2_block_encode(&b, img + len - 4096 + FW_SBV2_BLOCK_SIZE), FW_OK);
    uint8_t d[1][32];
    tu_hex(KEY1, d[0], 32);
    static struct fwh_report r;
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[32])d, .n_trusted = 1};
    assert_int_equal(run_chunked(img, len, 65536, &o, &r), FW_OK);
    const struct fwh_check *c = fwh_report_find(&r, "block1.format");
    assert_non_null(c);
    assert_int_equal(c->result, FWH_PASS);
    c = fwh_report_find(&r, "block1.image_digest");
    assert_non_null(c);
    assert_int_equal(c->result, FWH_FAIL);
    assert_int_equal(strlen(c->detail) > 0, 1);
    c = fwh_report_find(&r, "block1.signature");
    assert_non_null(c);
    assert_int_equal(c->result, FWH_FAIL);
    assert_non_null(strstr(c->detail, "P-384"));
    free(img);
}

/* Short, empty, garbage and non-image inputs: a report, never a crash. */
static void hostile_inputs(void **state)
{
    (void)state;
    uint8_t *buf = malloc(3 * 4096);
    uint32_t x = 12345;
    for (size_t i = 0; i < 3 * 4096; i++) { x = x * 1103515245u + 12345u; buf[i] = (uint8_t)(x >> 16); }
    uint8_t d[1][32] = {{0}};
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[32])d, .n_trusted = 1};
    static struct fwh_report r;
    static const size_t sizes[] = {0, 1, 24, 4095, 4096, 8191, 8192, 12288};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_int_not_equal(run_chunked(buf, sizes[i], 1000, &o, &r), FW_OK);
        assert_false(fwh_report_valid(&r));
        o.raw = 1;
        assert_int_not_equal(run_chunked(buf, sizes[i], 1000, &o, &r), FW_OK);
        o.raw = 0;
    }
    /* an image header that claims huge segments, then ends */
    memset(buf, 0xFF, 8192);
    buf[0] = 0xE9; buf[1] = 16; buf[23] = 1;
    for (int s = 0; s < 2; s++) { buf[24 + 4 + s] = 0xFC; buf[24 + 6] = 0xFF; }
    assert_int_not_equal(run_chunked(buf, 8192, 333, &o, &r), FW_OK);
    assert_int_equal(fwh_report_find(&r, "image.structure")->result, FWH_FAIL);
    free(buf);

    char why[128];
    assert_int_equal(fwh_verify_file("/nonexistent/file.bin", &o, &r, why, sizeof why), FW_ERR_IO);
    assert_int_equal(r.n, 0);
}

static void json_escapes(void **state)
{
    (void)state;
    static struct fwh_report r;
    fwh_report_init(&r);
    fwh_report_add(&r, "x", FWH_FAIL, 1, FW_ERR_FORMAT, "quote \" backslash \\ tab \t");
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    fwh_report_print_json(&r, "a\"b", f);
    fclose(f);
    assert_non_null(strstr(out, "\"file\": \"a\\\"b\""));
    assert_non_null(strstr(out, "quote \\\" backslash \\\\ tab \\u0009"));
    assert_non_null(strstr(out, "\"valid\": false"));
    free(out);
    /* a full report does not overflow */
    for (int i = 0; i < 2 * FWH_REPORT_MAX; i++) fwh_report_add(&r, "y", FWH_PASS, 0, 0, "%d", i);
    assert_int_equal(r.n, FWH_REPORT_MAX);
}

/* A check past the report's capacity is never silently dropped: the report
 * turns invalid with a required "report.overflow" failure that says how many
 * checks were lost, in text and JSON; a report exactly at capacity is valid. */
static void overflow_makes_report_invalid(void **state)
{
    (void)state;
    static struct fwh_report r;
    fwh_report_init(&r);
    for (int i = 0; i < FWH_REPORT_MAX - 1; i++) fwh_report_add(&r, "ok", FWH_PASS, 1, 0, "%d", i);
    assert_true(fwh_report_valid(&r));                        /* full, nothing lost */
    assert_null(fwh_report_find(&r, FWH_REPORT_OVERFLOW));
    struct fwh_check *c = fwh_report_add(&r, "late", FWH_PASS, 1, 0, "passes");
    assert_non_null(c);                                       /* callers may still write to it */
    snprintf(c->detail, sizeof c->detail, "written after add");
    for (int i = 0; i < 11; i++) fwh_report_add(&r, "later", FWH_PASS, 0, 0, "%d", i);
    assert_int_equal(r.n, FWH_REPORT_MAX);
    assert_false(fwh_report_valid(&r));
    const struct fwh_check *ff = fwh_report_first_failure(&r);
    assert_non_null(ff);
    assert_string_equal(ff->name, FWH_REPORT_OVERFLOW);
    assert_int_equal(ff->err, FW_ERR_NO_SPACE);
    assert_non_null(strstr(ff->detail, "12 check(s)"));
    assert_null(fwh_report_find(&r, "late"));
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    fwh_report_print_json(&r, "x.bin", f);
    fwh_report_print_text(&r, f);
    fclose(f);
    assert_non_null(strstr(out, "\"valid\": false"));
    assert_non_null(strstr(out, "\"first_failure\": \"report.overflow\""));
    assert_non_null(strstr(out, "INVALID"));
    free(out);
    /* an earlier required failure stays the first failure; still invalid */
    fwh_report_init(&r);
    fwh_report_add(&r, "bad", FWH_FAIL, 1, FW_ERR_SIGNATURE, "no");
    for (int i = 0; i < FWH_REPORT_MAX; i++) fwh_report_add(&r, "ok", FWH_PASS, 1, 0, "%d", i);
    assert_string_equal(fwh_report_first_failure(&r)->name, "bad");
    assert_non_null(fwh_report_find(&r, FWH_REPORT_OVERFLOW));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunking_does_not_matter),
        cmocka_unit_test(simple_hash_from_the_one_pass),
        cmocka_unit_test(first_failures),
        cmocka_unit_test(revoked_and_policy),
        cmocka_unit_test(chip_scheme_rules),
        cmocka_unit_test(p384_block_checked_against_sha384),
        cmocka_unit_test(hostile_inputs),
        cmocka_unit_test(json_escapes),
        cmocka_unit_test(overflow_makes_report_invalid),
    };
    return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
