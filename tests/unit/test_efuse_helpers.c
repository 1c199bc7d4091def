/* SPDX-License-Identifier: Apache-2.0 */
/* eFuse helpers: thermometer code and SBv2 key digests equal to espsecure's
 * (the .digest.bin files of vectors/secure_boot_v2), from public and private PEM files. */
#include "testutil.h"

#include "device/fwd_efuse.h"

static void digest_of(const char *pem, const char *digest)
{
    size_t pl, dl;
    uint8_t *p = tu_read(tu_vector(pem), &pl);
    uint8_t *d = tu_read(tu_vector(digest), &dl);
    uint8_t out[32];
    assert_int_equal(dl, 32);
    assert_int_equal(fwd_efuse_key_digest_pem(p, pl, out), FW_OK);
    assert_memory_equal(out, d, 32);
    free(p);
    free(d);
}

static void rsa_digests(void **s)
{
    (void)s;
    digest_of("secure_boot_v2/sb_rsa3072_key1_pub.pem", "secure_boot_v2/sb_rsa3072_key1.digest.bin");
    digest_of("secure_boot_v2/sb_rsa3072_key1.pem", "secure_boot_v2/sb_rsa3072_key1.digest.bin");
    digest_of("secure_boot_v2/sb_rsa3072_key2_pub.pem", "secure_boot_v2/sb_rsa3072_key2.digest.bin");
    digest_of("secure_boot_v2/sb_rsa3072_wrong_pub.pem", "secure_boot_v2/sb_rsa3072_wrong.digest.bin");
}

static void ecdsa_digests(void **s)
{
    (void)s;
    digest_of("secure_boot_v2/sb_ecdsa256_key_pub.pem", "secure_boot_v2/sb_ecdsa256_key.digest.bin");
    digest_of("secure_boot_v2/sb_ecdsa256_key.pem", "secure_boot_v2/sb_ecdsa256_key.digest.bin");
    digest_of("secure_boot_v2/sb_ecdsa256_wrong_pub.pem", "secure_boot_v2/sb_ecdsa256_wrong.digest.bin");
}

static void rejects_non_keys(void **s)
{
    (void)s;
    uint8_t out[32];
    const char *junk = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    assert_int_equal(fwd_efuse_key_digest_pem((const uint8_t *)junk, strlen(junk), out), FW_ERR_KEY);
    size_t n;
    uint8_t *p = tu_read(tu_vector("pre_encrypted/rsa/rsa_pub_key.pem"), &n); /* RSA-3072 too: accepted */
    assert_int_equal(fwd_efuse_key_digest_pem(p, n, out), FW_OK);
    free(p);
}

static void thermometer(void **s)
{
    (void)s;
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    uint32_t b;
    assert_int_equal(fwd_efuse_secver_bits(0, &b), FW_OK); assert_int_equal(b, 0);
    assert_int_equal(fwd_efuse_secver_bits(3, &b), FW_OK); assert_int_equal(b, 7);
    assert_int_equal(fwd_efuse_secver_bits(32, &b), FW_OK); assert_int_equal(b, 0xFFFFFFFFu);
    assert_int_equal(fwd_efuse_secver_bits(33, &b), FW_ERR_RANGE);
    st.secure_version_bits = 0x0000000F;
    assert_int_equal(fwd_efuse_secure_version(&st), 4);
    st.secure_version_bits = 0x80000001; /* popcount, whatever the positions */
    assert_int_equal(fwd_efuse_secure_version(&st), 2);
    st.digest_present = 0x3;
    st.digest_revoked = 0x2;
    assert_true(fwd_efuse_digest_usable(&st, 0));
    assert_false(fwd_efuse_digest_usable(&st, 1));
    assert_false(fwd_efuse_digest_usable(&st, 2));
    assert_false(fwd_efuse_digest_usable(&st, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rsa_digests),
        cmocka_unit_test(ecdsa_digests),
        cmocka_unit_test(rejects_non_keys),
        cmocka_unit_test(thermometer),
    };
    return cmocka_run_group_tests_name("efuse_helpers", tests, NULL, NULL);
}
