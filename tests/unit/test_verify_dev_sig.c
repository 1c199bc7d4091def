/* SPDX-License-Identifier: Apache-2.0 */
/* Device-side Secure Boot V2 crypto (fwd_verify_sig.c, mbedTLS) against the
 * espsecure vectors in ../shared/vectors/secure_boot_v2 (FORMATS §2). Blocks
 * are taken by offset from the signed files: the sector is the last 4096 bytes. */
#include "testutil.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "device/fwd_efuse.h"
#include "device/fwd_mbedtls_compat.h"
#include "device/fwd_verify.h"
#include "fw_bytes.h"
#include "fw_crc32.h"

struct signed_file {
    uint8_t *data;
    size_t len;
    uint32_t s;        /* sector offset */
    uint8_t digest[32];
};

static void load(struct signed_file *f, const char *rel)
{
    f->data = tu_read(tu_vector(rel), &f->len);
    assert_true(f->len > 4096 && f->len % 4096 == 0);
    f->s = (uint32_t)(f->len - 4096);
    assert_int_equal(fwd_mbed_sha256(f->data, f->s, f->digest), 0);
}

static const uint8_t *sector(const struct signed_file *f) { return f->data + f->s; }

static void put_digest(struct fwd_efuse_state *ef, int slot, const char *rel)
{
    size_t n;
    uint8_t *d = tu_read(tu_vector(rel), &n);
    assert_int_equal(n, 32);
    memcpy(ef->digest[slot], d, 32);
    ef->digest_present |= (uint8_t)(1u << slot);
    free(d);
}

static int verify(const char *file, const char *key_digest, int revoke, struct fwd_verify_result *res)
{
    struct signed_file f;
    struct fwd_efuse_state ef;
    memset(&ef, 0, sizeof ef);
    load(&f, file);
    if (key_digest) put_digest(&ef, 0, key_digest);
    if (revoke) ef.digest_revoked = 1;
    memset(res, 0, sizeof *res);
    int rc = fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, res);
    free(f.data);
    return rc;
}

#define K1 "secure_boot_v2/sb_rsa3072_key1.digest.bin"
#define K2 "secure_boot_v2/sb_rsa3072_key2.digest.bin"
#define K3 "secure_boot_v2/sb_rsa3072_key3.digest.bin"
#define KW "secure_boot_v2/sb_rsa3072_wrong.digest.bin"
#define KE "secure_boot_v2/sb_ecdsa256_key.digest.bin"
#define KEW "secure_boot_v2/sb_ecdsa256_wrong.digest.bin"

static void key_digests_match_espsecure(void **state)
{
    (void)state;
    static const struct { const char *file; int blk; const char *dig; } c[] = {
        {"secure_boot_v2/signed_rsa_3keys_append.bin", 0, K1},
        {"secure_boot_v2/signed_rsa_3keys_append.bin", 1, K2},
        {"secure_boot_v2/signed_rsa_3keys_append.bin", 2, K3},
        {"secure_boot_v2/signed_ecdsa256.bin", 0, KE},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct signed_file f;
        size_t n;
        uint8_t got[32];
        load(&f, c[i].file);
        uint8_t *want = tu_read(tu_vector(c[i].dig), &n);
        const uint8_t *blk = sector(&f) + c[i].blk * FWD_SBV2_BLOCK;
        assert_int_equal(fwd_verify_block_valid(blk), FW_OK);
        assert_int_equal(fwd_verify_key_digest(blk, got), FW_OK);
        assert_memory_equal(got, want, 32);
        free(want);
        free(f.data);
    }
}

static void valid_images_verify(void **state)
{
    (void)state;
    struct fwd_verify_result r;
    assert_int_equal(verify("secure_boot_v2/signed_rsa_1key.bin", K1, 0, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_OK);
    assert_int_equal(r.block, 0);
    assert_int_equal(r.key_slot, 0);
    assert_int_equal(verify("secure_boot_v2/signed_rsa_1key_unpadded.bin", K1, 0, &r), FW_OK);
    assert_int_equal(verify("secure_boot_v2/signed_rsa_2keys.bin", K2, 0, &r), FW_OK);
    assert_int_equal(r.block, 1);
    assert_int_equal(verify("secure_boot_v2/signed_rsa_2keys_append.bin", K2, 0, &r), FW_OK);
    assert_int_equal(verify("secure_boot_v2/signed_rsa_3keys_append.bin", K3, 0, &r), FW_OK);
    assert_int_equal(r.block, 2);
    assert_int_equal(verify("secure_boot_v2/signed_ecdsa256.bin", KE, 0, &r), FW_OK);
    assert_int_equal(r.block, 0);
    /* Block 1 has a bad CRC: skipped, block 0 still verifies with key1. */
    assert_int_equal(verify("secure_boot_v2/neg_2keys_block1_bad_crc.bin", K1, 0, &r), FW_OK);
}

static void untrusted_and_revoked(void **state)
{
    (void)state;
    struct fwd_verify_result r;
    assert_int_equal(verify("secure_boot_v2/signed_rsa_1key.bin", KW, 0, &r), FW_ERR_UNTRUSTED);
    assert_int_equal(r.reason, FWD_VR_UNTRUSTED);
    assert_int_equal(verify("secure_boot_v2/signed_rsa_1key.bin", K2, 0, &r), FW_ERR_UNTRUSTED);
    assert_int_equal(verify("secure_boot_v2/signed_ecdsa256.bin", KEW, 0, &r), FW_ERR_UNTRUSTED);
    assert_int_equal(verify("secure_boot_v2/signed_rsa_1key.bin", K1, 1, &r), FW_ERR_REVOKED);
    assert_int_equal(r.reason, FWD_VR_REVOKED);
    assert_int_equal(r.block, -1);
    assert_int_equal(verify("secure_boot_v2/neg_2keys_block1_bad_crc.bin", K2, 0, &r), FW_ERR_UNTRUSTED);
    /* No digest provisioned at all: never accept. */
    assert_int_equal(verify("secure_boot_v2/signed_rsa_1key.bin", NULL, 0, &r), FW_ERR_UNTRUSTED);
    assert_int_equal(r.reason, FWD_VR_NO_KEYS);
}

static void revoked_slot_other_slot_trusted(void **state)
{
    (void)state;
    struct signed_file f;
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    memset(&ef, 0, sizeof ef);
    load(&f, "secure_boot_v2/signed_rsa_2keys.bin");
    put_digest(&ef, 0, K1);
    put_digest(&ef, 2, K2);
    ef.digest_revoked = 1;           /* key1 revoked, key2 (slot 2) trusted */
    assert_int_equal(fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, &r), FW_OK);
    assert_int_equal(r.block, 1);
    assert_int_equal(r.key_slot, 2);
    assert_int_equal(r.block_status[0], FWD_VR_REVOKED);
    ef.digest_revoked = 5;           /* both revoked */
    assert_int_equal(fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, &r), FW_ERR_REVOKED);
    /* present bit cleared: a matching digest in an unprovisioned slot is not trusted */
    ef.digest_revoked = 0;
    ef.digest_present = 0x2;
    assert_int_equal(fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, &r), FW_ERR_UNTRUSTED);
    free(f.data);
}

static void negative_vectors(void **state)
{
    (void)state;
    struct fwd_verify_result r;
    static const struct { const char *file; const char *key; int reason; } c[] = {
        {"secure_boot_v2/neg_sig_bad_crc.bin", K1, FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_sig_block_modified_crc_stale.bin", K1, FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_sig_bad_magic.bin", K1, FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_sig_bad_version.bin", K1, FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_sig_sector_erased.bin", K1, FWD_VR_NO_SIGNATURE},
        {"secure_boot_v2/neg_sig_signature_flipped.bin", K1, FWD_VR_SIGNATURE},
        {"secure_boot_v2/neg_sig_digest_field_modified.bin", K1, FWD_VR_DIGEST},
        {"secure_boot_v2/neg_image_byte_changed.bin", K1, FWD_VR_DIGEST},
        {"secure_boot_v2/neg_image_appdesc_changed.bin", K1, FWD_VR_DIGEST},
        {"secure_boot_v2/neg_image_last_byte_changed.bin", K1, FWD_VR_DIGEST},
        {"secure_boot_v2/neg_ecdsa256_signature_flipped.bin", KE, FWD_VR_SIGNATURE},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int rc = verify(c[i].file, c[i].key, 0, &r);
        if (rc == FW_OK || r.reason != c[i].reason)
            fail_msg("%s: rc %d reason %d, wanted reason %d", c[i].file, rc, r.reason, c[i].reason);
    }
}

/* Signature check alone, ignoring the block's image_digest: a digest field
 * that was changed (CRC fixed) leaves a signature that still verifies over the
 * real digest -- which is why the verifier compares image_digest first. */
static void signature_is_over_real_digest(void **state)
{
    (void)state;
    struct signed_file f;
    load(&f, "secure_boot_v2/neg_sig_digest_field_modified.bin");
    assert_int_equal(fwd_verify_block_signature(sector(&f), f.digest, sizeof f.digest), FW_OK);
    uint8_t other[32];
    memcpy(other, f.digest, 32);
    other[0] ^= 1;
    assert_int_equal(fwd_verify_block_signature(sector(&f), other, sizeof other), FW_ERR_SIGNATURE);
    free(f.data);
}

static void fix_crc(uint8_t *blk) { fw_enc32le(blk + 1196, fw_crc32_std(blk, 1196)); }

static void ecdsa_scalar_and_point_checks(void **state)
{
    (void)state;
    struct signed_file f;
    uint8_t blk[FWD_SBV2_BLOCK];
    load(&f, "secure_boot_v2/signed_ecdsa256.bin");
    /* r = 0 */
    memcpy(blk, sector(&f), sizeof blk);
    memset(blk + 101, 0, 32);
    fix_crc(blk);
    assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), FW_ERR_SIGNATURE);
    /* s = n (group order, little-endian) */
    static const char *n_be = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    uint8_t nb[32];
    tu_hex(n_be, nb, 32);
    memcpy(blk, sector(&f), sizeof blk);
    fw_reverse_copy(blk + 133, nb, 32);
    fix_crc(blk);
    assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), FW_ERR_SIGNATURE);
    /* point not on the curve */
    memcpy(blk, sector(&f), sizeof blk);
    blk[37] ^= 1;
    fix_crc(blk);
    assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), FW_ERR_KEY);
    /* a P-256 block relabelled P-192 (curve id 1): its point and signature
     * fill bytes that P-192 requires zero, so the block is not valid, and its
     * first 24-byte coordinates are no P-192 point */
    memcpy(blk, sector(&f), sizeof blk);
    blk[36] = 1;
    fix_crc(blk);
    assert_int_equal(fwd_verify_block_valid(blk), FW_ERR_FORMAT);
    assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), FW_ERR_KEY);
    /* relabelled P-384 (sha_version 1, curve id at 52): a 48-byte digest is
     * needed; the SHA-256 one is an argument error, never a pass */
    memcpy(blk, sector(&f), sizeof blk);
    blk[2] = 1;
    blk[52] = 3;
    fix_crc(blk);
    assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), FW_ERR_INVALID_ARG);
    free(f.data);
}

/* The 16 padding bytes of a block (1200..1215) and its reserved fields are
 * covered by neither the CRC nor the signature: a trusted block whose padding
 * was altered is refused as invalid (FORMATS 2.9 rule 2), for RSA and ECDSA. */
static void block_padding_must_be_zero(void **state)
{
    (void)state;
    static const struct { const char *file, *key; size_t off; } cases[] = {
        {"secure_boot_v2/signed_rsa_1key.bin", K1, 1200},
        {"secure_boot_v2/signed_rsa_1key.bin", K1, 1215},
        {"secure_boot_v2/signed_rsa_1key.bin", K1, 2},
        {"secure_boot_v2/signed_ecdsa256.bin", "secure_boot_v2/sb_ecdsa256_key.digest.bin", 1207},
        {"secure_boot_v2/signed_ecdsa256.bin", "secure_boot_v2/sb_ecdsa256_key.digest.bin", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct signed_file f;
        struct fwd_efuse_state ef;
        struct fwd_verify_result r;
        memset(&ef, 0, sizeof ef);
        load(&f, cases[i].file);
        put_digest(&ef, 0, cases[i].key);
        assert_int_equal(fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, &r), FW_OK);
        uint8_t *blk = f.data + f.s;
        blk[cases[i].off] ^= 0x01;
        if (cases[i].off < 1196) fix_crc(blk);   /* reserved field: keep the CRC right */
        assert_int_not_equal(fwd_verify_block_valid(blk), FW_OK);
        assert_int_not_equal(fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, &r), FW_OK);
        assert_int_equal(r.block_status[0], FWD_VR_NO_SIGNATURE);
        free(f.data);
    }
}

static void rsa_modulus_size_enforced(void **state)
{
    (void)state;
    struct signed_file f;
    uint8_t blk[FWD_SBV2_BLOCK];
    load(&f, "secure_boot_v2/signed_rsa_1key.bin");
    memcpy(blk, sector(&f), sizeof blk);
    blk[36 + 383] = 0;    /* top byte of n (LE): now < 3072 bits */
    blk[36 + 382] = 0;
    fix_crc(blk);
    assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), FW_ERR_KEY);
    free(f.data);
}

/* Re-sign the vector's digest with key1 using PSS salt 20: the key and the
 * digest are right, only the salt length differs -> must be refused. */
static void rsa_pss_salt_must_be_32(void **state)
{
    (void)state;
    struct signed_file f;
    uint8_t blk[FWD_SBV2_BLOCK], sig[384];
    mbedtls_pk_context pk;
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    load(&f, "secure_boot_v2/signed_rsa_1key.bin");
    mbedtls_pk_init(&pk);
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    assert_int_equal(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0), 0);
    assert_int_equal(fwd_mbed_pk_parse_keyfile(&pk, tu_vector("secure_boot_v2/sb_rsa3072_key1.pem"),
                                               mbedtls_ctr_drbg_random, &drbg), 0);
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);
    mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
    for (int salt = 20; salt <= 32; salt += 12) {
        assert_int_equal(mbedtls_rsa_rsassa_pss_sign_ext(rsa, mbedtls_ctr_drbg_random, &drbg, MBEDTLS_MD_SHA256,
                                                         32, f.digest, salt, sig), 0);
        memcpy(blk, sector(&f), sizeof blk);
        fw_reverse_copy(blk + 812, sig, 384);
        fix_crc(blk);
        assert_int_equal(fwd_verify_block_signature(blk, f.digest, sizeof f.digest), salt == 32 ? FW_OK : FW_ERR_SIGNATURE);
    }
    mbedtls_pk_free(&pk);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    free(f.data);
}

/* ---- k-of-n policy (eFuse sig_required_bits) ---- */

/* 3-key vector (blocks: key1, key2, key3) against slots holding `keys`
 * (NULL: empty), revoke bits, policy k; block `dup_from` copied over block
 * `dup_to` when dup_to >= 0 (same key twice). */
static int verify_k(const char *const keys[3], uint8_t revoked, unsigned k, int dup_from, int dup_to,
                    struct fwd_verify_result *r)
{
    struct signed_file f;
    struct fwd_efuse_state ef;
    memset(&ef, 0, sizeof ef);
    load(&f, "secure_boot_v2/signed_rsa_3keys_append.bin");
    for (int i = 0; i < 3; i++)
        if (keys[i]) put_digest(&ef, i, keys[i]);
    ef.digest_revoked = revoked;
    if (k) assert_int_equal(fwd_efuse_sigreq_bits(k, &ef.sig_required_bits), FW_OK);
    if (dup_to >= 0)
        memcpy(f.data + f.s + dup_to * FWD_SBV2_BLOCK, f.data + f.s + dup_from * FWD_SBV2_BLOCK, FWD_SBV2_BLOCK);
    memset(r, 0, sizeof *r);
    int rc = fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, r);
    free(f.data);
    return rc;
}

static void policy_field_fails_closed(void **state)
{
    (void)state;
    struct fwd_efuse_state ef;
    uint8_t b;
    memset(&ef, 0, sizeof ef);
    assert_int_equal(fwd_efuse_required_signatures(&ef), 1);     /* blank: 1, never 0 */
    ef.sig_required_bits = 0x03;
    assert_int_equal(fwd_efuse_required_signatures(&ef), 2);
    ef.sig_required_bits = 0xF0;                                  /* stray bits only raise it */
    assert_int_equal(fwd_efuse_required_signatures(&ef), 4);
    assert_int_equal(fwd_efuse_sigreq_bits(0, &b), FW_ERR_RANGE);
    assert_int_equal(fwd_efuse_sigreq_bits(4, &b), FW_ERR_RANGE);
    assert_int_equal(fwd_efuse_sigreq_bits(3, &b), FW_OK);
    assert_int_equal(b, 0x07);
}

static void policy_k_of_n(void **state)
{
    (void)state;
    struct fwd_verify_result r;
    const char *const k12[3] = {K1, K2, NULL}, *const k123[3] = {K1, K2, K3}, *const k1[3] = {K1, NULL, NULL};
    /* K=1 (default, blank field): one trusted block is enough. */
    assert_int_equal(verify_k(k1, 0, 0, 0, -1, &r), FW_OK);
    assert_int_equal(r.required_keys, 1);
    assert_int_equal(r.verified_keys, 1);
    /* K=2, two distinct trusted keys verify. */
    assert_int_equal(verify_k(k12, 0, 2, 0, -1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_OK);
    assert_int_equal(r.verified_keys, 2);
    assert_int_equal(r.required_keys, 2);
    assert_int_equal(r.block, 0);
    /* K=2, one valid + one revoked: refused, and the reason says policy. */
    assert_int_not_equal(verify_k(k12, 0x2, 2, 0, -1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_POLICY);
    assert_int_equal(r.verified_keys, 1);
    assert_int_equal(r.block_status[1], FWD_VR_REVOKED);
    /* K=2, only one key provisioned: refused. */
    assert_int_not_equal(verify_k(k1, 0, 2, 0, -1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_POLICY);
    /* K=2, two blocks by the SAME key (block 0 copied over block 1): one key. */
    assert_int_not_equal(verify_k(k12, 0, 2, 0, 1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_POLICY);
    assert_int_equal(r.verified_keys, 1);
    assert_int_equal(r.block_status[0], FWD_VR_OK);
    assert_int_equal(r.block_status[1], FWD_VR_OK);
    /* K=3: all three distinct keys verify; any one revoked or missing refuses. */
    assert_int_equal(verify_k(k123, 0, 3, 0, -1, &r), FW_OK);
    assert_int_equal(r.verified_keys, 3);
    assert_int_not_equal(verify_k(k123, 0x4, 3, 0, -1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_POLICY);
    assert_int_not_equal(verify_k(k12, 0, 3, 0, -1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_POLICY);
    assert_int_not_equal(verify_k(k123, 0, 3, 2, 1, &r), FW_OK);     /* key3 twice, key2 gone */
    assert_int_equal(r.verified_keys, 2);
    /* K=2 with nothing trusted still names the per-block reason, not the policy. */
    assert_int_not_equal(verify_k(k12, 0x3, 2, 0, -1, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_REVOKED);
    /* A bad signature by one of two keys: only one verified key. */
    struct signed_file f;
    struct fwd_efuse_state ef;
    memset(&ef, 0, sizeof ef);
    load(&f, "secure_boot_v2/signed_rsa_3keys_append.bin");
    put_digest(&ef, 0, K1);
    put_digest(&ef, 1, K2);
    ef.sig_required_bits = 0x3;
    f.data[f.s + FWD_SBV2_BLOCK + 1100] ^= 1;                      /* block 1's signature */
    fix_crc(f.data + f.s + FWD_SBV2_BLOCK);
    assert_int_not_equal(fwd_verify_sig_sector(sector(&f), f.digest, sizeof f.digest, &ef, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_POLICY);
    assert_int_equal(r.block_status[1], FWD_VR_SIGNATURE);
    free(f.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_digests_match_espsecure),
        cmocka_unit_test(valid_images_verify),
        cmocka_unit_test(untrusted_and_revoked),
        cmocka_unit_test(revoked_slot_other_slot_trusted),
        cmocka_unit_test(negative_vectors),
        cmocka_unit_test(signature_is_over_real_digest),
        cmocka_unit_test(ecdsa_scalar_and_point_checks),
        cmocka_unit_test(rsa_modulus_size_enforced),
        cmocka_unit_test(rsa_pss_salt_must_be_32),
        cmocka_unit_test(block_padding_must_be_zero),
        cmocka_unit_test(policy_field_fails_closed),
        cmocka_unit_test(policy_k_of_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
