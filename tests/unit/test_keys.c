/* SPDX-License-Identifier: Apache-2.0 */
/* keys/: PEM loading, refusal of other key types, SBv2 fields and digests
 * against espsecure (keys.tsv), signing and block verification. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "fw_err.h"
#include "fw_sbv2.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_sbv2_crypto.h"

struct krow { const char *priv, *pub, *digest; enum fw_sbv2_scheme type; };

static const struct krow keys[] = {
    {"secure_boot_v2/sb_rsa3072_key1.pem", "secure_boot_v2/sb_rsa3072_key1_pub.pem",
     "ffcfbe591f3a74020ede0f2a9efc88dbaf5d0fe6a7a0ed89d6ab79c7a25eec97", FW_SBV2_RSA3072},
    {"secure_boot_v2/sb_rsa3072_key2.pem", "secure_boot_v2/sb_rsa3072_key2_pub.pem",
     "381883a359262c5e00143780d3090d2bd24feea30b81395ce1c6cad68664b199", FW_SBV2_RSA3072},
    {"secure_boot_v2/sb_rsa3072_key3.pem", "secure_boot_v2/sb_rsa3072_key3_pub.pem",
     "38d421f107e506f1a0484527d58602876af281a93a534b528e66f5557cd3d6f0", FW_SBV2_RSA3072},
    {"secure_boot_v2/sb_rsa3072_wrong.pem", "secure_boot_v2/sb_rsa3072_wrong_pub.pem",
     "f26c6ca61743289a248f1cbba5ba50b594942deb866de30a96ed06add041c062", FW_SBV2_RSA3072},
    {"secure_boot_v2/sb_ecdsa256_key.pem", "secure_boot_v2/sb_ecdsa256_key_pub.pem",
     "72f513cb9c24a7e3089b355193a444c631719e9a6312f280e14dd6a2d9807d0a", FW_SBV2_ECDSA_P256},
    {"secure_boot_v2/sb_ecdsa256_wrong.pem", "secure_boot_v2/sb_ecdsa256_wrong_pub.pem",
     "3f1df0f54f7157c20e6c4f5a50d14a80ee2036b290f3c93a05159f94132cf7aa", FW_SBV2_ECDSA_P256},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static void digests_match_espsecure(void **state)
{
    (void)state;
    char why[256];
    for (size_t i = 0; i < NKEYS; i++) {
        uint8_t want[32], got[32];
        tu_hex(keys[i].digest, want, 32);
        size_t flen;
        uint8_t *f = tu_read(tu_vector(keys[i].priv), &flen);
        free(f);
        /* the .digest.bin file next to the key holds the same bytes */
        char dpath[256];
        snprintf(dpath, sizeof dpath, "%s", keys[i].priv);
        strcpy(strstr(dpath, ".pem"), ".digest.bin");
        uint8_t *d = tu_read(tu_vector(dpath), &flen);
        assert_int_equal(flen, 32);
        assert_memory_equal(d, want, 32);
        free(d);

        const char *paths[2] = {keys[i].priv, keys[i].pub};
        for (int p = 0; p < 2; p++) {
            struct fwh_key k;
            assert_int_equal(fwh_key_load(tu_vector(paths[p]), &k, why, sizeof why), FW_OK);
            assert_int_equal(k.type, keys[i].type);
            assert_int_equal(k.has_private, p == 0);
            assert_int_equal(fwh_key_sbv2_digest(&k, got), FW_OK);
            assert_memory_equal(got, want, 32);
            fwh_key_free(&k);
        }
    }
}

/* Key fields derived from the PEM equal espsecure's block byte for byte. */
static void fields_match_vector_block(void **state)
{
    (void)state;
    static const struct { const char *img, *key; } cases[] = {
        {"secure_boot_v2/signed_rsa_1key.bin", "secure_boot_v2/sb_rsa3072_key1_pub.pem"},
        {"secure_boot_v2/signed_ecdsa256.bin", "secure_boot_v2/sb_ecdsa256_key_pub.pem"},
    };
    char why[256];
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(cases[i].img), &len);
        const uint8_t *blk = img + len - FW_SBV2_SECTOR_SIZE;
        struct fwh_key k;
        assert_int_equal(fwh_key_load(tu_vector(cases[i].key), &k, why, sizeof why), FW_OK);
        struct fw_sbv2_block *b = calloc(1, sizeof *b);
        assert_int_equal(fwh_key_sbv2_fields(&k, b), FW_OK);
        uint8_t mine[FW_SBV2_BLOCK_SIZE];
        assert_int_equal(fw_sbv2_block_encode(b, mine), FW_OK);
        size_t off, klen;
        assert_int_equal(fw_sbv2_key_region(blk, &off, &klen), FW_OK);
        assert_memory_equal(mine + off, blk + off, klen);
        free(b);
        fwh_key_free(&k);
        free(img);
    }
}

static void vector_signatures_verify(void **state)
{
    (void)state;
    static const char *files[] = {"secure_boot_v2/signed_rsa_1key.bin", "secure_boot_v2/signed_ecdsa256.bin",
                                  "secure_boot_v2/signed_rsa_1key_unpadded.bin"};
    char why[256];
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        uint8_t *img = tu_read(tu_vector(files[i]), &len);
        uint8_t dg[32];
        unsigned dl;
        assert_int_equal(EVP_Digest(img, len - 4096, dg, &dl, EVP_sha256(), NULL), 1);
        uint8_t *blk = img + len - FW_SBV2_SECTOR_SIZE;
        assert_int_equal(fwh_sbv2_block_verify(blk, dg, 32, why, sizeof why), FW_OK);
        dg[0] ^= 1;
        assert_int_equal(fwh_sbv2_block_verify(blk, dg, 32, why, sizeof why), FW_ERR_SIGNATURE);
        free(img);
    }
    size_t len;
    uint8_t *img = tu_read(tu_vector("secure_boot_v2/neg_ecdsa256_signature_flipped.bin"), &len);
    uint8_t dg[32];
    unsigned dl;
    assert_int_equal(EVP_Digest(img, len - 4096, dg, &dl, EVP_sha256(), NULL), 1);
    assert_int_equal(fwh_sbv2_block_verify(img + len - 4096, dg, 32, why, sizeof why), FW_ERR_SIGNATURE);
    free(img);
}

static void sign_and_verify_roundtrip(void **state)
{
    (void)state;
    char why[256];
    const char *privs[] = {"secure_boot_v2/sb_rsa3072_key2.pem", "secure_boot_v2/sb_ecdsa256_key.pem"};
    for (int i = 0; i < 2; i++) {
        struct fwh_key k;
        assert_int_equal(fwh_key_load(tu_vector(privs[i]), &k, why, sizeof why), FW_OK);
        uint8_t dg[32], blk[FW_SBV2_BLOCK_SIZE], kd[32], kd2[32];
        for (int j = 0; j < 32; j++) dg[j] = (uint8_t)(j * 3);
        assert_int_equal(fwh_sbv2_sign_block(&k, dg, sizeof dg, blk, why, sizeof why), FW_OK);
        assert_int_equal(fw_sbv2_block_check(blk, fwh_key_scheme(&k)), FW_OK);
        assert_int_equal(fw_sbv2_block_reserved_ok(blk), FW_OK);
        assert_memory_equal(blk + 4, dg, 32);
        assert_int_equal(fwh_sbv2_block_verify(blk, dg, 32, why, sizeof why), FW_OK);
        assert_int_equal(fwh_block_key_digest(blk, kd), FW_OK);
        assert_int_equal(fwh_key_sbv2_digest(&k, kd2), FW_OK);
        assert_memory_equal(kd, kd2, 32);
        /* a public key cannot sign */
        k.has_private = 0;
        assert_int_equal(fwh_sbv2_sign_block(&k, dg, sizeof dg, blk, why, sizeof why), FW_ERR_KEY);
        fwh_key_free(&k);
    }
}

static uint8_t *pem_of(EVP_PKEY *pk, int priv, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    assert_non_null(b);
    assert_int_equal(priv ? PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL) : PEM_write_bio_PUBKEY(b, pk), 1);
    char *d;
    long n = BIO_get_mem_data(b, &d);
    uint8_t *out = malloc((size_t)n);
    memcpy(out, d, (size_t)n);
    *len = (size_t)n;
    BIO_free(b);
    return out;
}

static void refuses_other_key_types(void **state)
{
    (void)state;
    EVP_PKEY *pks[] = {
        EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048),
        EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521"),
        EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"),
    };
    const char *names[] = {"RSA-2048", "secp521r1", "ED25519"};
    char why[256];
    for (int i = 0; i < 3; i++) {
        assert_non_null(pks[i]);
        for (int priv = 0; priv < 2; priv++) {
            size_t len;
            uint8_t *pem = pem_of(pks[i], priv, &len);
            struct fwh_key k;
            assert_int_equal(fwh_key_from_pem(pem, len, &k, why, sizeof why), FW_ERR_KEY);
            assert_non_null(strstr(why, names[i]));
            assert_null(k.pkey);
            free(pem);
        }
        EVP_PKEY_free(pks[i]);
    }
    struct fwh_key k;
    assert_int_equal(fwh_key_from_pem((const uint8_t *)"garbage", 7, &k, why, sizeof why), FW_ERR_KEY);
    const char *enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    /* An encrypted key needs a passphrase (issue 16): without one it is
     * refused with that reason, a garbage one is not a key either. */
    assert_int_equal(fwh_key_from_pem((const uint8_t *)enc, strlen(enc), &k, why, sizeof why), FW_ERR_STATE);
    assert_non_null(strstr(why, "encrypted"));
    assert_int_equal(fwh_key_from_pem_pass((const uint8_t *)enc, strlen(enc), "x", &k, why, sizeof why), FW_ERR_AUTH);
    assert_int_equal(fwh_key_load("/nonexistent/key.pem", &k, why, sizeof why), FW_ERR_IO);
    const char *params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    assert_int_equal(fwh_key_from_pem((const uint8_t *)params, strlen(params), &k, why, sizeof why), FW_ERR_KEY);
}

/* `openssl ecparam -genkey` output: EC PARAMETERS block, then the key. */
static void ec_params_block_skipped(void **state)
{
    (void)state;
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    size_t len;
    uint8_t *pem = pem_of(pk, 1, &len);
    const char *params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    size_t pl = strlen(params);
    uint8_t *both = malloc(pl + len);
    memcpy(both, params, pl);
    memcpy(both + pl, pem, len);
    struct fwh_key k;
    char why[256];
    assert_int_equal(fwh_key_from_pem(both, pl + len, &k, why, sizeof why), FW_OK);
    assert_int_equal(k.type, FW_SBV2_ECDSA_P256);
    assert_true(k.has_private);
    fwh_key_free(&k);
    free(both);
    free(pem);
    EVP_PKEY_free(pk);
}

/* keygen --encrypt output: PKCS#8 encrypted PEM; the right passphrase gives
 * the same key, a wrong one FW_ERR_AUTH without the passphrase in why. */
static void encrypted_pem_roundtrip(void **state)
{
    (void)state;
    char why[256];
    for (int t = 0; t < 2; t++) {
        struct fwh_key k, back;
        assert_int_equal(fwh_key_generate(t ? FW_SBV2_ECDSA_P256 : FW_SBV2_RSA3072, &k, why, sizeof why), FW_OK);
        uint8_t *pem = NULL;
        size_t len = 0;
        assert_int_equal(fwh_key_private_pem_encrypted(&k, "correct horse", &pem, &len), FW_OK);
        assert_true(fwh_key_pem_is_encrypted(pem, len));
        assert_memory_equal(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37);
        assert_int_equal(fwh_key_from_pem_pass(pem, len, "wrong horse", &back, why, sizeof why), FW_ERR_AUTH);
        assert_null(strstr(why, "horse"));
        assert_null(back.pkey);
        assert_int_equal(fwh_key_from_pem_pass(pem, len, NULL, &back, why, sizeof why), FW_ERR_STATE);
        assert_int_equal(fwh_key_from_pem_pass(pem, len, "correct horse", &back, why, sizeof why), FW_OK);
        assert_true(back.has_private);
        assert_int_equal(EVP_PKEY_eq(k.pkey, back.pkey), 1);
        fwh_secure_free(pem, len);
        fwh_key_free(&k);
        fwh_key_free(&back);
    }
}

/* Detached signatures: every accepted encoding of a good signature gives a
 * block that verifies; a signature by another key, over another digest, or
 * of the wrong length is refused. */
static void block_from_external_signature(void **state)
{
    (void)state;
    char why[256];
    uint8_t digest[32], other[32], blk[FW_SBV2_BLOCK_SIZE];
    memset(digest, 0x5A, sizeof digest);
    memset(other, 0xA5, sizeof other);
    struct fwh_key k, k2;
    assert_int_equal(fwh_key_generate(FW_SBV2_ECDSA_P256, &k, why, sizeof why), FW_OK);
    assert_int_equal(fwh_key_generate(FW_SBV2_ECDSA_P256, &k2, why, sizeof why), FW_OK);
    uint8_t der[80];
    size_t derlen = sizeof der;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k.pkey, NULL);
    assert_true(EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 &&
                EVP_PKEY_sign(c, der, &derlen, digest, sizeof digest) > 0);
    EVP_PKEY_CTX_free(c);
    assert_int_equal(fwh_sbv2_block_from_signature(&k, digest, 32, der, derlen, blk, why, sizeof why), FW_OK);
    assert_int_equal(fwh_sbv2_block_verify(blk, digest, 32, why, sizeof why), FW_OK);
    uint8_t be[64], le[64];
    fw_sbv2_le_to_be(be, blk + FW_SBV2_EC_OFF_SIG, 32);
    fw_sbv2_le_to_be(be + 32, blk + FW_SBV2_EC_OFF_SIG + 32, 32);
    memcpy(le, blk + FW_SBV2_EC_OFF_SIG, 64);
    assert_int_equal(fwh_sbv2_block_from_signature(&k, digest, 32, be, 64, blk, why, sizeof why), FW_OK);
    assert_int_equal(fwh_sbv2_block_from_signature(&k, digest, 32, le, 64, blk, why, sizeof why), FW_OK);
    assert_int_equal(fwh_sbv2_block_from_signature(&k2, digest, 32, be, 64, blk, why, sizeof why), FW_ERR_SIGNATURE);
    assert_int_equal(fwh_sbv2_block_from_signature(&k, other, 32, be, 64, blk, why, sizeof why), FW_ERR_SIGNATURE);
    assert_int_equal(fwh_sbv2_block_from_signature(&k, digest, 32, be, 63, blk, why, sizeof why), FW_ERR_SIGNATURE);
    der[derlen - 1] ^= 1;
    assert_int_equal(fwh_sbv2_block_from_signature(&k, digest, 32, der, derlen, blk, why, sizeof why), FW_ERR_SIGNATURE);
    fwh_key_free(&k);
    fwh_key_free(&k2);
}

static void generate_export_reload(void **state)
{
    (void)state;
    char why[256];
    enum fw_sbv2_scheme types[] = {FW_SBV2_ECDSA_P256, FW_SBV2_RSA3072};
    for (int i = 0; i < 2; i++) {
        struct fwh_key k, priv, pub;
        assert_int_equal(fwh_key_generate(types[i], &k, why, sizeof why), FW_OK);
        assert_true(k.has_private);
        uint8_t *pp, *pu;
        size_t lp, lu;
        assert_int_equal(fwh_key_private_pem(&k, &pp, &lp), FW_OK);
        assert_int_equal(fwh_key_public_pem(&k, &pu, &lu), FW_OK);
        assert_int_equal(fwh_key_from_pem(pp, lp, &priv, why, sizeof why), FW_OK);
        assert_int_equal(fwh_key_from_pem(pu, lu, &pub, why, sizeof why), FW_OK);
        assert_true(priv.has_private);
        assert_false(pub.has_private);
        uint8_t d1[32], d2[32];
        assert_int_equal(fwh_key_sbv2_digest(&priv, d1), FW_OK);
        assert_int_equal(fwh_key_sbv2_digest(&pub, d2), FW_OK);
        assert_memory_equal(d1, d2, 32);
        fwh_secure_free(pp, lp);
        assert_int_equal(fwh_key_private_pem(&pub, &pp, &lp), FW_ERR_KEY);
        free(pu);
        fwh_key_free(&k); fwh_key_free(&priv); fwh_key_free(&pub);
    }
    assert_int_equal(fwh_key_type_parse("ecdsa256"), FW_SBV2_ECDSA_P256);
    assert_int_equal(fwh_key_type_parse("rsa3072"), FW_SBV2_RSA3072);
    assert_int_equal(fwh_key_type_parse("rsa2048"), FW_SBV2_SCHEME_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digests_match_espsecure),
        cmocka_unit_test(fields_match_vector_block),
        cmocka_unit_test(vector_signatures_verify),
        cmocka_unit_test(sign_and_verify_roundtrip),
        cmocka_unit_test(refuses_other_key_types),
        cmocka_unit_test(generate_export_reload),
        cmocka_unit_test(ec_params_block_skipped),
        cmocka_unit_test(encrypted_pem_roundtrip),
        cmocka_unit_test(block_from_external_signature),
    };
    return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
