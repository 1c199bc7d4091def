/* SPDX-License-Identifier: Apache-2.0 */
/* signer/ with ECDSA P-384 and P-192 (issue 16): the streamed SHA-384 of
 * espsecure's P-384 input equals the image_digest field of its signed image,
 * a P-384 sector signs that digest and verifies (host and device verifiers),
 * a digest of the wrong length is refused, P-192 keys do not sign. */
#include "testutil.h"

#include "device/fwd_verify.h"
#include "fw_err.h"
#include "fw_sbv2.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_sbv2_crypto.h"
#include "signer/fwh_sign.h"

#define V "secure_boot_v2_ecdsa_ext/"

static void load(const char *rel, struct fwh_key *k)
{
    char why[256];
    if (fwh_key_load(tu_vector(rel), k, why, sizeof why)) fail_msg("%s: %s", rel, why);
}

/* SHA-384 of app_c3.bin + its 0xFF padding, streamed in odd chunks. */
static void stream384(uint8_t out[48])
{
    size_t len;
    uint8_t *p = tu_read(tu_vector(V "app_c3.bin"), &len);
    struct fwh_signer s;
    assert_int_equal(fwh_signer_init_len(&s, 48), FW_OK);
    for (size_t off = 0; off < len; off += 777)
        assert_int_equal(fwh_signer_update(&s, p + off, len - off < 777 ? len - off : 777), FW_OK);
    assert_int_equal(fwh_signer_update_ff(&s, fwh_sbv2_pad_len(len)), FW_OK);
    uint8_t small[32];
    assert_int_equal(fwh_signer_digest(&s, small), FW_ERR_INVALID_ARG);   /* not a SHA-256 signer */
    assert_int_equal(fwh_signer_digest_len(&s, out, 48), FW_OK);
    fwh_signer_free(&s);
    free(p);
}

static void sha384_digest_equals_espsecure(void **state)
{
    (void)state;
    uint8_t d[48];
    stream384(d);
    size_t n;
    uint8_t *signed_img = tu_read(tu_vector(V "signed_ecdsa384.bin"), &n);
    assert_memory_equal(signed_img + n - 4096 + FW_SBV2_OFF_DIGEST, d, 48);
    free(signed_img);
    struct fwh_signer s;
    assert_int_equal(fwh_signer_init_len(&s, 20), FW_ERR_INVALID_ARG);
    fwh_signer_free(&s);
}

static void p384_sector_signs_and_verifies(void **state)
{
    (void)state;
    struct fwh_key k, k192;
    load(V "sb_ecdsa384_key.pem", &k);
    load(V "sb_ecdsa192_key.pem", &k192);
    assert_int_equal(fwh_key_scheme(&k), FW_SBV2_ECDSA_P384);
    assert_int_equal(fwh_key_scheme(&k192), FW_SBV2_ECDSA_P192);
    uint8_t d[48];
    stream384(d);
    static uint8_t sector[4096];
    char why[256];
    const struct fwh_key *one[] = { &k };
    assert_int_equal(fwh_sbv2_build_sector_len(sector, NULL, one, 1, d, 48, why, sizeof why), FW_OK);
    assert_int_equal(fw_sbv2_block_scheme(sector), FW_SBV2_ECDSA_P384);
    assert_memory_equal(sector + FW_SBV2_OFF_DIGEST, d, 48);
    assert_int_equal(fwh_sbv2_block_verify(sector, d, 48, why, sizeof why), FW_OK);
    assert_int_equal(fwd_verify_block_signature(sector, d, 48), FW_OK);   /* the device agrees */
    /* the same key with a SHA-256-sized digest: refused, nothing signed */
    assert_int_equal(fwh_sbv2_build_sector(sector, NULL, one, 1, d, why, sizeof why), FW_ERR_INVALID_ARG);
    /* P-192 keys are verify-only */
    const struct fwh_key *p192[] = { &k192 };
    assert_int_equal(fwh_sbv2_build_sector(sector, NULL, p192, 1, d, why, sizeof why), FW_ERR_KEY);
    assert_non_null(strstr(why, "does not sign"));
    fwh_key_free(&k);
    fwh_key_free(&k192);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha384_digest_equals_espsecure),
        cmocka_unit_test(p384_sector_signs_and_verifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
