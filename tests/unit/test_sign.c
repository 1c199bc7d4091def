/* signer/: streamed digest equals espsecure's image digests; sector assembly
 * (fresh, append, 3-block limit, mixed schemes, stale blocks). */
#include "testutil.h"

#include "fw_err.h"
#include "fw_sbv2.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_sbv2_crypto.h"
#include "signer/fwh_sign.h"

static void load(const char *rel, struct fwh_key *k)
{
    char why[256];
    if (fwh_key_load(tu_vector(rel), k, why, sizeof why)) fail_msg("%s: %s", rel, why);
}

/* Digest of a file streamed in odd chunks plus the 0xFF gap. */
static void stream_digest(const char *rel, size_t chunk, uint8_t out[32])
{
    size_t len;
    uint8_t *p = tu_read(tu_vector(rel), &len);
    struct fwh_signer s;
    assert_int_equal(fwh_signer_init(&s), FW_OK);
    for (size_t off = 0; off < len; off += chunk)
        assert_int_equal(fwh_signer_update(&s, p + off, len - off < chunk ? len - off : chunk), FW_OK);
    assert_int_equal(fwh_signer_update_ff(&s, fwh_sbv2_pad_len(len)), FW_OK);
    assert_true(s.len % 4096 == 0);
    assert_int_equal(fwh_signer_digest(&s, out), FW_OK);
    fwh_signer_free(&s);
    free(p);
}

static void digests_match_vectors(void **state)
{
    (void)state;
    uint8_t d[32], want[32];
    stream_digest("app/app_esp32c3_64k.bin", 1000, d);
    tu_hex("8d18c3fc16ca89b1864c7997ad6a858dcd147dd9fdb305fd6a065641b492f16c", want, 32);
    assert_memory_equal(d, want, 32);
    stream_digest("app/app_esp32c3_128k_sbpad.bin", 4096, d);
    tu_hex("bf5529024917735518b97ef630638416bdb6cd32593cda5d96773abdd333e983", want, 32);
    assert_memory_equal(d, want, 32);
    assert_true(fwh_sbv2_pad_len(0) == 0);
    assert_true(fwh_sbv2_pad_len(1) == 4095);
    assert_true(fwh_sbv2_pad_len(104784) == 106496 - 104784);
    assert_true(fwh_sbv2_pad_len(8192) == 0);
}

static void fresh_and_append(void **state)
{
    (void)state;
    struct fwh_key k1, k2, k3, k4, ke;
    load("secure_boot_v2/sb_rsa3072_key1.pem", &k1);
    load("secure_boot_v2/sb_rsa3072_key2.pem", &k2);
    load("secure_boot_v2/sb_rsa3072_key3.pem", &k3);
    load("secure_boot_v2/sb_rsa3072_wrong.pem", &k4);
    load("secure_boot_v2/sb_ecdsa256_key.pem", &ke);
    uint8_t dg[32], other[32];
    for (int i = 0; i < 32; i++) { dg[i] = (uint8_t)i; other[i] = (uint8_t)(i + 1); }
    static uint8_t s1[4096], s2[4096], s3[4096], s4[4096];
    char why[256];
    const struct fwh_key *one[] = {&k1}, *two[] = {&k2, &k3}, *fourth[] = {&k4}, *ec[] = {&ke};
    const struct fwh_key *mixed[] = {&k1, &ke};

    assert_int_equal(fwh_sbv2_build_sector(s1, NULL, one, 1, dg, why, sizeof why), FW_OK);
    struct fw_sbv2_scan scan;
    assert_int_equal(fw_sbv2_sector_scan(s1, &scan), 1);
    assert_true(scan.erased[1] && scan.erased[2] && scan.tail_erased);

    assert_int_equal(fwh_sbv2_build_sector(s2, s1, two, 2, dg, why, sizeof why), FW_OK);
    assert_int_equal(fw_sbv2_sector_scan(s2, &scan), 3);
    assert_memory_equal(s2, s1, FW_SBV2_BLOCK_SIZE); /* block 0 kept byte for byte */
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(fwh_sbv2_block_verify(fw_sbv2_sector_block(s2, i), dg, 32, why, sizeof why), FW_OK);

    assert_int_equal(fwh_sbv2_build_sector(s3, s2, fourth, 1, dg, why, sizeof why), FW_ERR_NO_SPACE);
    assert_non_null(strstr(why, "at most 3"));
    const struct fwh_key *four[] = {&k1, &k2, &k3, &k4};
    assert_int_equal(fwh_sbv2_build_sector(s3, NULL, four, 4, dg, why, sizeof why), FW_ERR_NO_SPACE);
    assert_int_equal(fwh_sbv2_build_sector(s3, NULL, mixed, 2, dg, why, sizeof why), FW_ERR_KEY);
    assert_non_null(strstr(why, "mixed"));
    assert_int_equal(fwh_sbv2_build_sector(s3, s1, ec, 1, dg, why, sizeof why), FW_ERR_KEY);
    /* the kept block must sign this very digest */
    assert_int_equal(fwh_sbv2_build_sector(s3, s1, fourth, 1, other, why, sizeof why), FW_ERR_DIGEST);
    /* appending to an erased sector */
    fw_sbv2_sector_erase(s4);
    assert_int_equal(fwh_sbv2_build_sector(s3, s4, fourth, 1, dg, why, sizeof why), FW_ERR_NOT_FOUND);
    /* the scan stops at the first invalid block: garbage in slot 1 is dropped */
    memcpy(s4, s1, 4096);
    memset(fw_sbv2_sector_block(s4, 1), 0x5A, FW_SBV2_BLOCK_SIZE);
    assert_int_equal(fwh_sbv2_build_sector(s3, s4, fourth, 1, dg, why, sizeof why), FW_OK);
    assert_int_equal(fw_sbv2_sector_scan(s3, &scan), 2);
    assert_true(scan.erased[2] && scan.tail_erased);
    /* a public key cannot sign */
    struct fwh_key pub;
    load("secure_boot_v2/sb_ecdsa256_key_pub.pem", &pub);
    const struct fwh_key *pk[] = {&pub};
    assert_int_equal(fwh_sbv2_build_sector(s3, NULL, pk, 1, dg, why, sizeof why), FW_ERR_KEY);

    fwh_key_free(&k1); fwh_key_free(&k2); fwh_key_free(&k3); fwh_key_free(&k4);
    fwh_key_free(&ke); fwh_key_free(&pub);
}

/* Appending to espsecure's own vector keeps its blocks and verifies. */
static void append_to_espsecure_vector(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/signed_rsa_2keys.bin"), &len);
    struct fwh_key k3;
    load("secure_boot_v2/sb_rsa3072_key3.pem", &k3);
    uint8_t dg[32];
    struct fwh_signer s;
    assert_int_equal(fwh_signer_init(&s), FW_OK);
    assert_int_equal(fwh_signer_update(&s, img, len - 4096), FW_OK);
    assert_int_equal(fwh_signer_digest(&s, dg), FW_OK);
    fwh_signer_free(&s);
    static uint8_t sector[4096];
    char why[256];
    const struct fwh_key *keys[] = {&k3};
    assert_int_equal(fwh_sbv2_build_sector(sector, img + len - 4096, keys, 1, dg, why, sizeof why), FW_OK);
    assert_memory_equal(sector, img + len - 4096, 2 * FW_SBV2_BLOCK_SIZE);
    assert_int_equal(fwh_sbv2_block_verify(fw_sbv2_sector_block(sector, 2), dg, 32, why, sizeof why), FW_OK);
    fwh_key_free(&k3);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digests_match_vectors),
        cmocka_unit_test(fresh_and_append),
        cmocka_unit_test(append_to_espsecure_vector),
    };
    return cmocka_run_group_tests_name("sign", tests, NULL, NULL);
}
