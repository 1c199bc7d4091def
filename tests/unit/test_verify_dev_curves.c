/* SPDX-License-Identifier: Apache-2.0 */
/* Device verifier with the ECDSA P-384 and P-192 schemes (device/fwd_sig_ecdsa_p384.c,
 * fwd_sig_ecdsa_p192.c): espsecure's signed esp32c3 images of
 * vectors/secure_boot_v2_ecdsa_ext verified with fwd_verify_image() against
 * the eFuse key digest, each vector with its documented result (README there),
 * and the eFuse's say on the digest: SHA-384 only with SECURE_BOOT_SHA384_EN. */
#include "testutil.h"

#include "device/fwd_efuse.h"
#include "device/fwd_sig.h"
#include "device/fwd_verify.h"
#include "fw_bytes.h"

#define PART 0x40000u   /* 256 KiB partition */
#define V "secure_boot_v2_ecdsa_ext/"

struct rd {
    const uint8_t *img;
    size_t len;
    uint8_t seen[PART];
};

static int rd_fn(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct rd *r = ctx;
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        size_t o = (size_t)off + i;
        b[i] = o < r->len ? r->img[o] : 0xFF;
        if (o < PART && r->seen[o] < 255) r->seen[o]++;
    }
    return FW_OK;
}

static struct rd R;
static struct fwd_verify_work W;

static void efuse(struct fwd_efuse_state *ef, const char *digest_rel, int sha384)
{
    memset(ef, 0, sizeof *ef);
    ef->chip_id = 0x0005;       /* the vectors are esp32c3 images */
    ef->chip_rev = 4;
    ef->sb_sha384 = (uint8_t)sha384;
    size_t n;
    uint8_t *d = tu_read(tu_vector(digest_rel), &n);
    assert_int_equal(n, 32);
    memcpy(ef->digest[0], d, 32);
    ef->digest_present = 1;
    free(d);
}

static int run_file(const char *rel, const struct fwd_efuse_state *ef, struct fwd_verify_result *res)
{
    size_t len;
    uint8_t *img = tu_read(tu_vector(rel), &len);
    memset(&R, 0, sizeof R);
    R.img = img;
    R.len = len;
    struct fwd_verify_policy pol = {.efuse = ef, .part_offset = 0x10000};
    int rc = fwd_verify_image(rd_fn, &R, PART, &pol, &W, res);
    free(img);
    return rc;
}

static void expect(const char *img, const char *digest, int sha384, int rc_want, int reason_want)
{
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    efuse(&ef, digest, sha384);
    int rc = run_file(img, &ef, &r);
    if (rc != rc_want || r.reason != reason_want)
        fail_msg("%s with %s (sha384 %d): rc %d reason %s, wanted rc %d reason %s", img, digest, sha384, rc,
                 fwd_verify_reason_str(r.reason), rc_want, fwd_verify_reason_str(reason_want));
    assert_int_equal(rc, r.fail.code);
}

static void p384_signed_image_verifies_over_sha384(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    efuse(&ef, V "sb_ecdsa384_key.digest.bin", 1);
    assert_int_equal(run_file(V "signed_ecdsa384.bin", &ef, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_OK);
    assert_int_equal(r.block, 0);
    assert_int_equal(r.key_slot, 0);
    assert_int_equal(r.total_len, 212992);
    assert_int_equal(r.app.desc.secure_version, 3);
    assert_string_equal(r.app.desc.project_name, "ecdsa_ext");
    /* both digests of [0, S) from the one read of each byte */
    size_t len;
    uint8_t *img = tu_read(tu_vector(V "signed_ecdsa384.bin"), &len);
    uint8_t d256[32], d384[48];
    assert_int_equal(fwd_hash(FWD_HASH_SHA256, img, r.sig_off, d256, sizeof d256), FW_OK);
    assert_int_equal(fwd_hash(FWD_HASH_SHA384, img, r.sig_off, d384, sizeof d384), FW_OK);
    assert_memory_equal(r.digest, d256, 32);
    assert_memory_equal(r.digest384, d384, 48);
    assert_memory_equal(img + r.sig_off + FW_SBV2_OFF_DIGEST, d384, 48);   /* what espsecure signed */
    for (size_t i = 0; i < r.total_len; i++)
        if (R.seen[i] != 1) fail_msg("byte %zu read %u times", i, R.seen[i]);
    free(img);
}

static void p384_vectors_documented_results(void **state)
{
    (void)state;
    expect(V "signed_ecdsa384.bin", V "sb_ecdsa384_wrong.digest.bin", 1, FW_ERR_UNTRUSTED, FWD_VR_UNTRUSTED);
    /* the flipped byte (sector + 100) lies in X, under the CRC: no valid block */
    expect(V "neg_ecdsa384_signature_flipped.bin", V "sb_ecdsa384_key.digest.bin", 1, FW_ERR_SIGNATURE,
           FWD_VR_NO_SIGNATURE);
    /* a SHA-256 device cannot check a SHA-384 block: refused, not skipped into acceptance */
    expect(V "signed_ecdsa384.bin", V "sb_ecdsa384_key.digest.bin", 0, FW_ERR_DIGEST, FWD_VR_DIGEST);
}

static void p192_vectors_documented_results(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    efuse(&ef, V "sb_ecdsa192_key.digest.bin", 0);
    assert_int_equal(run_file(V "signed_ecdsa192.bin", &ef, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_OK);
    assert_int_equal(r.block, 0);
    expect(V "signed_ecdsa192.bin", V "sb_ecdsa192_wrong.digest.bin", 0, FW_ERR_UNTRUSTED, FWD_VR_UNTRUSTED);
    expect(V "neg_ecdsa192_signature_flipped.bin", V "sb_ecdsa192_key.digest.bin", 0, FW_ERR_SIGNATURE,
           FWD_VR_NO_SIGNATURE);
    /* a SHA-384 (P-384) device refuses SHA-256 blocks */
    expect(V "signed_ecdsa192.bin", V "sb_ecdsa192_key.digest.bin", 1, FW_ERR_DIGEST, FWD_VR_DIGEST);
}

/* A signature that is wrong but under a valid CRC reaches the curve math. */
static void resigned_crc_bad_signature(void **state)
{
    (void)state;
    static const struct { const char *img, *digest; size_t sig_off; int sha384; } v[] = {
        {V "signed_ecdsa384.bin", V "sb_ecdsa384_key.digest.bin", FW_SBV2_EC384_OFF_SIG, 1},
        {V "signed_ecdsa192.bin", V "sb_ecdsa192_key.digest.bin", FW_SBV2_EC_OFF_SIG, 0},
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(v[k].img), &len);
        uint8_t *blk = img + len - FW_SBV2_SECTOR_SIZE;
        blk[v[k].sig_off + 3] ^= 0x01;                           /* r changes */
        fw_enc32le(blk + FW_SBV2_OFF_CRC, fw_sbv2_block_crc(blk));
        struct fwd_efuse_state ef;
        struct fwd_verify_result r;
        efuse(&ef, v[k].digest, v[k].sha384);
        memset(&R, 0, sizeof R);
        R.img = img;
        R.len = len;
        struct fwd_verify_policy pol = {.efuse = &ef, .part_offset = 0x10000};
        assert_int_equal(fwd_verify_image(rd_fn, &R, PART, &pol, &W, &r), FW_ERR_SIGNATURE);
        assert_int_equal(r.reason, FWD_VR_SIGNATURE);
        free(img);
    }
}

static void key_digests_of_pem_keys(void **state)
{
    (void)state;
    static const struct { const char *pem, *digest; enum fw_sbv2_scheme scheme; } v[] = {
        {V "sb_ecdsa384_key.pem", V "sb_ecdsa384_key.digest.bin", FW_SBV2_ECDSA_P384},
        {V "sb_ecdsa384_key_pub.pem", V "sb_ecdsa384_key.digest.bin", FW_SBV2_ECDSA_P384},
        {V "sb_ecdsa384_wrong_pub.pem", V "sb_ecdsa384_wrong.digest.bin", FW_SBV2_ECDSA_P384},
        {V "sb_ecdsa192_key.pem", V "sb_ecdsa192_key.digest.bin", FW_SBV2_ECDSA_P192},
        {V "sb_ecdsa192_key_pub.pem", V "sb_ecdsa192_key.digest.bin", FW_SBV2_ECDSA_P192},
        {V "sb_ecdsa192_wrong_pub.pem", V "sb_ecdsa192_wrong.digest.bin", FW_SBV2_ECDSA_P192},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n, dn;
        uint8_t *pem = tu_read(tu_vector(v[i].pem), &n);
        uint8_t *want = tu_read(tu_vector(v[i].digest), &dn);
        uint8_t got[32];
        enum fw_sbv2_scheme s = FW_SBV2_SCHEME_NONE;
        assert_int_equal(fwd_efuse_key_digest_pem_scheme(pem, n, got, &s), FW_OK);
        assert_int_equal(s, v[i].scheme);
        assert_memory_equal(got, want, 32);
        free(pem);
        free(want);
    }
}

static void scheme_rows(void **state)
{
    (void)state;
    const struct fwd_sig_scheme *p384 = fwd_sig_scheme_find(FW_SBV2_ECDSA_P384);
    const struct fwd_sig_scheme *p192 = fwd_sig_scheme_find(FW_SBV2_ECDSA_P192);
    assert_non_null(p384);
    assert_non_null(p192);
    assert_int_equal(p384->digest_alg, FWD_HASH_SHA384);
    assert_int_equal(p384->digest_len, 48);
    assert_int_equal(p192->digest_alg, FWD_HASH_SHA256);
    assert_int_equal(p192->digest_len, 32);
    /* a block's signature over a digest of the wrong length is an argument error */
    size_t len;
    uint8_t *img = tu_read(tu_vector(V "signed_ecdsa384.bin"), &len);
    const uint8_t *blk = img + len - FW_SBV2_SECTOR_SIZE;
    assert_int_equal(fwd_verify_block_signature(blk, blk + FW_SBV2_OFF_DIGEST, 32), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_verify_block_signature(blk, blk + FW_SBV2_OFF_DIGEST, 48), FW_OK);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(p384_signed_image_verifies_over_sha384),
        cmocka_unit_test(p384_vectors_documented_results),
        cmocka_unit_test(p192_vectors_documented_results),
        cmocka_unit_test(resigned_crc_bad_signature),
        cmocka_unit_test(key_digests_of_pem_keys),
        cmocka_unit_test(scheme_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
