/* SPDX-License-Identifier: Apache-2.0 */
/* Device image verifier (device/fwd_verify.c): the signed espsecure vectors
 * read through a partition-reader callback, and one rejection test per
 * validation rule of FORMATS §1.10 / §2.9 with the precise reason code. */
#include "testutil.h"

#include "device/fwd_verify.h"
#include "fw_bytes.h"

#define PART 0x40000u   /* 256 KiB partition */

struct rd {
    const uint8_t *img;
    size_t len;
    uint32_t reads;
    uint8_t seen[PART];  /* how many times each byte was read */
};

static int rd_fn(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct rd *r = ctx;
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        size_t o = (size_t)off + i;
        b[i] = o < r->len ? r->img[o] : 0xFF;   /* erased flash after the image */
        if (o < PART && r->seen[o] < 255) r->seen[o]++;
    }
    r->reads++;
    return FW_OK;
}

static struct rd R;
static struct fwd_verify_work W;

static void efuse_c3(struct fwd_efuse_state *ef, const char *digest_rel)
{
    memset(ef, 0, sizeof *ef);
    ef->chip_id = 0x0005;
    ef->chip_rev = 4;           /* v0.4: inside [v0.3, v1.99] */
    if (digest_rel) {
        size_t n;
        uint8_t *d = tu_read(tu_vector(digest_rel), &n);
        assert_int_equal(n, 32);
        memcpy(ef->digest[0], d, 32);
        ef->digest_present = 1;
        free(d);
    }
}

#define K1 "secure_boot_v2/sb_rsa3072_key1.digest.bin"
#define KE "secure_boot_v2/sb_ecdsa256_key.digest.bin"

static int run(const uint8_t *img, size_t len, uint32_t part_size, const struct fwd_efuse_state *ef,
               uint32_t part_off, struct fwd_verify_result *res)
{
    memset(&R, 0, sizeof R);
    R.img = img;
    R.len = len;
    struct fwd_verify_policy pol = {.efuse = ef, .part_offset = part_off};
    return fwd_verify_image(rd_fn, &R, part_size, &pol, &W, res);
}

static uint8_t *signed_img(size_t *len) { return tu_read(tu_vector("secure_boot_v2/signed_rsa_1key.bin"), len); }

static void signed_vectors_accepted(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    size_t len;
    uint8_t *img = signed_img(&len);
    efuse_c3(&ef, K1);
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_OK);
    assert_int_equal(r.image_len, 196608);
    assert_int_equal(r.sig_off, 196608);
    assert_int_equal(r.total_len, 200704);
    assert_int_equal(r.block, 0);
    assert_int_equal(r.app.desc.secure_version, 4);
    assert_string_equal(r.app.desc.version, "1.2.0-sb");
    assert_string_equal(r.app.desc.project_name, "fw_update_demo");
    uint8_t want[32];
    tu_hex("bf5529024917735518b97ef630638416bdb6cd32593cda5d96773abdd333e983", want, 32);
    assert_memory_equal(r.digest, want, 32);
    /* every byte of [0, S+4096) read exactly once: what is hashed is what was checked */
    for (size_t i = 0; i < r.total_len; i++)
        if (R.seen[i] != 1) fail_msg("byte %zu read %u times", i, R.seen[i]);
    for (size_t i = r.total_len; i < PART; i++) assert_int_equal(R.seen[i], 0);
    free(img);

    /* unpadded image: gap of 0xFF bytes between E and S is signed as found */
    img = tu_read(tu_vector("secure_boot_v2/signed_rsa_1key_unpadded.bin"), &len);
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.image_len, 104784);
    assert_int_equal(r.sig_off, 106496);
    assert_int_equal(r.app.desc.secure_version, 1);
    free(img);

    img = tu_read(tu_vector("secure_boot_v2/signed_ecdsa256.bin"), &len);
    efuse_c3(&ef, KE);
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_OK);
    free(img);
}

struct mut { const char *name; size_t off; uint8_t xor_; uint8_t set; int use_set; int reason; };

static void expect_reason(const uint8_t *orig, size_t len, const struct mut *m, const struct fwd_efuse_state *ef)
{
    uint8_t *img = malloc(len);
    struct fwd_verify_result r;
    memcpy(img, orig, len);
    if (m->use_set) img[m->off] = m->set;
    else img[m->off] ^= m->xor_;
    int rc = run(img, len, PART, ef, 0x10000, &r);
    if (rc == FW_OK || r.reason != m->reason)
        fail_msg("%s: rc %d reason %d (%s), wanted %d (%s)", m->name, rc, r.reason, fwd_verify_reason_str(r.reason),
                 m->reason, fwd_verify_reason_str(m->reason));
    assert_int_equal(rc, r.fail.code);
    assert_string_equal(r.fail.why, fwd_verify_reason_str(r.reason)); /* code and reason together */
    free(img);
}

/* One mutation per rule; each is caught by the rule named, before the
 * signature (which would fail too) is ever looked at. */
static void rejection_per_rule(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    size_t len;
    uint8_t *img = signed_img(&len);
    efuse_c3(&ef, K1);
    const size_t seg1 = 0x20 + 0x9a4c;              /* second segment header */
    const struct mut muts[] = {
        {"rule 1: magic", 0, 0x01, 0, 0, FWD_VR_HEADER},
        {"rule 1: 0 segments", 1, 0, 0, 1, FWD_VR_HEADER},
        {"rule 1: 17 segments", 1, 0, 17, 1, FWD_VR_HEADER},
        {"rule 2: chip id", 12, 0, 0x09, 1, FWD_VR_CHIP},
        {"rule 3: hash_appended 2", 23, 0, 2, 1, FWD_VR_HEADER},
        {"rule 7: hash_appended 0 (hash always required)", 23, 0, 0, 1, FWD_VR_HEADER},
        {"rule 4: data_len not a multiple of 4", seg1 + 4, 0, 0x8d, 1, FWD_VR_SEGMENT},
        {"rule 4: data_len >= 16 MiB", seg1 + 7, 0, 0x01, 1, FWD_VR_SEGMENT},
        {"rule 4/8: segment outside the partition", seg1 + 6, 0, 0xF0, 1, FWD_VR_TOO_BIG},
        {"rule 5: app descriptor magic", 0x20, 0x01, 0, 0, FWD_VR_APP_DESC},
        {"rule 6: DROM load address not page-congruent", 24, 0x04, 0, 0, FWD_VR_SEGMENT},
        {"rule 7: checksum (segment data byte)", seg1 + 8 + 100, 0x01, 0, 0, FWD_VR_CHECKSUM},
        {"rule 7: appended SHA-256", 196608 - 1, 0x01, 0, 0, FWD_VR_HASH},
        {"SBv2: signature flipped", 196608 + 812 + 7, 0x01, 0, 0, FWD_VR_NO_SIGNATURE},
    };
    for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) expect_reason(img, len, &muts[i], &ef);
    /* rule 5: segment 0 shorter than the app descriptor (252 bytes) */
    uint8_t *b = malloc(len);
    memcpy(b, img, len);
    fw_enc32le(b + 28, 0xFC);
    struct fwd_verify_result r;
    assert_int_not_equal(run(b, len, PART, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_APP_DESC);
    free(b);
    free(img);
}

static void chip_revision_and_partition_checks(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    size_t len;
    uint8_t *img = signed_img(&len);
    efuse_c3(&ef, K1);
    ef.chip_rev = 2;                  /* below min v0.3 */
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_CHIP);
    assert_int_equal(r.reason, FWD_VR_CHIP);
    ef.chip_rev = 200;                /* above max v1.99 */
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_CHIP);
    ef.chip_id = 0x0009;              /* an S3 refuses a C3 image */
    ef.chip_rev = 4;
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_CHIP);
    efuse_c3(&ef, K1);
    /* rule 6 relative to the partition: a slot not on a 64 KiB boundary */
    assert_int_not_equal(run(img, len, PART, &ef, 0x11000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_SEGMENT);
    /* rule 8: partition too small for the image / for the signature sector */
    assert_int_not_equal(run(img, len, 0x10000, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_TOO_BIG);
    assert_int_not_equal(run(img, len, 196608 + 100, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_TOO_BIG);
    assert_int_not_equal(run(img, len, 196608, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_TOO_BIG);
    /* exactly big enough */
    assert_int_equal(run(img, len, 200704, &ef, 0x10000, &r), FW_OK);
    /* erased partition */
    assert_int_not_equal(run(img, 0, PART, &ef, 0x10000, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_HEADER);
    free(img);
}

static void anti_rollback(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    size_t len;
    uint8_t *img = signed_img(&len);   /* secure_version 4 */
    efuse_c3(&ef, K1);
    ef.secure_version_bits = 0xF;      /* 4: equal is fine */
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_OK);
    ef.secure_version_bits = 0x1F;     /* 5 */
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_ROLLBACK);
    assert_int_equal(r.reason, FWD_VR_ROLLBACK);
    ef.secure_version_bits = 0x80000007u;  /* not a clean prefix: popcount 4 */
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_OK);
    free(img);
}

static void signature_outcomes(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    size_t len;
    uint8_t *img = signed_img(&len);
    efuse_c3(&ef, "secure_boot_v2/sb_rsa3072_wrong.digest.bin");
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_UNTRUSTED);
    assert_int_equal(r.reason, FWD_VR_UNTRUSTED);
    efuse_c3(&ef, K1);
    ef.digest_revoked = 1;
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_REVOKED);
    efuse_c3(&ef, NULL);
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_UNTRUSTED);
    assert_int_equal(r.reason, FWD_VR_NO_KEYS);
    free(img);

    static const struct { const char *f; int reason; } neg[] = {
        {"secure_boot_v2/neg_sig_signature_flipped.bin", FWD_VR_SIGNATURE},
        {"secure_boot_v2/neg_sig_digest_field_modified.bin", FWD_VR_DIGEST},
        {"secure_boot_v2/neg_sig_bad_crc.bin", FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_sig_sector_erased.bin", FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_image_byte_changed.bin", -1},
        {"secure_boot_v2/neg_image_appdesc_changed.bin", -1},
        {"secure_boot_v2/neg_image_last_byte_changed.bin", -1},
    };
    efuse_c3(&ef, K1);
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++) {
        img = tu_read(tu_vector(neg[i].f), &len);
        int rc = run(img, len, PART, &ef, 0x10000, &r);
        if (rc == FW_OK) fail_msg("%s accepted", neg[i].f);
        if (neg[i].reason >= 0 && r.reason != neg[i].reason)
            fail_msg("%s: reason %s", neg[i].f, fwd_verify_reason_str(r.reason));
        free(img);
    }
    /* (neg_truncated.bin lacks only the last 16 bytes of the sector, which
     * are 0xFF: in a partition it reads back identical to the signed image.
     * The OTA path rejects it by length, see test_ota.c.) */
    /* an unsigned (but otherwise perfect) app image is never accepted */
    img = tu_read(tu_vector("app/app_esp32c3_64k.bin"), &len);
    assert_int_equal(run(img, len, PART, &ef, 0x10000, &r), FW_ERR_SIGNATURE);
    assert_int_equal(r.reason, FWD_VR_NO_SIGNATURE);
    free(img);
}

/* Fail closed: the policy has no field whose zero value skips a check. A
 * policy zeroed with memset and one designated-initialised with only the
 * eFuse view both still require a signature: an unsigned image is refused,
 * a signature by an unprovisioned key is refused, the signed image passes. */
static void zeroed_policy_still_requires_signature(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    size_t len;
    efuse_c3(&ef, K1);
    struct fwd_verify_policy zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    zeroed.efuse = &ef;
    const struct fwd_verify_policy designated = {.efuse = &ef};
    const struct fwd_verify_policy *pols[] = {&zeroed, &designated};
    for (size_t i = 0; i < 2; i++) {
        uint8_t *img = tu_read(tu_vector("app/app_esp32c3_64k.bin"), &len);
        memset(&R, 0, sizeof R);
        R.img = img;
        R.len = len;
        assert_int_equal(fwd_verify_image(rd_fn, &R, PART, pols[i], &W, &r), FW_ERR_SIGNATURE);
        assert_int_equal(r.reason, FWD_VR_NO_SIGNATURE);
        free(img);
        img = signed_img(&len);
        R.img = img;
        R.len = len;
        assert_int_equal(fwd_verify_image(rd_fn, &R, PART, pols[i], &W, &r), FW_OK);
        struct fwd_efuse_state wrong;
        efuse_c3(&wrong, "secure_boot_v2/sb_rsa3072_wrong.digest.bin");
        struct fwd_verify_policy p = *pols[i];
        p.efuse = &wrong;
        assert_int_equal(fwd_verify_image(rd_fn, &R, PART, &p, &W, &r), FW_ERR_UNTRUSTED);
        free(img);
    }
}

static void app_info_only(void **state)
{
    (void)state;
    size_t len;
    struct fwd_app_info a;
    uint8_t *img = signed_img(&len);
    memset(&R, 0, sizeof R);
    R.img = img;
    R.len = len;
    assert_int_equal(fwd_verify_read_app_info(rd_fn, &R, PART, &a), FW_OK);
    assert_int_equal(a.chip_id, 5);
    assert_int_equal(a.desc.secure_version, 4);
    assert_string_equal(a.desc.idf_ver, "v5.5.5");
    R.len = 0;                               /* erased slot */
    assert_int_equal(fwd_verify_read_app_info(rd_fn, &R, PART, &a), FW_ERR_NOT_FOUND);
    assert_int_equal(fwd_verify_parse_app_info(img, 100, &a), FW_ERR_TRUNCATED);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_vectors_accepted),
        cmocka_unit_test(rejection_per_rule),
        cmocka_unit_test(chip_revision_and_partition_checks),
        cmocka_unit_test(anti_rollback),
        cmocka_unit_test(signature_outcomes),
        cmocka_unit_test(zeroed_policy_still_requires_signature),
        cmocka_unit_test(app_info_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
