/* SPDX-License-Identifier: Apache-2.0 */
/* signer/: streamed digest equals espsecure's image digests; sector assembly
 * (fresh, append, 3-block limit, mixed schemes, stale blocks). */
#include "testutil.h"

#include <openssl/rsa.h>

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

/* A fake external signer (a token): signs with an OpenSSL key it holds,
 * optionally damaging the signature, optionally as hash-and-sign (then it
 * must have been streamed the whole signed region). */
struct fake_token {
    EVP_PKEY *priv;
    int corrupt, streams;
    EVP_MD_CTX *md;   /* hash-and-sign: its own hash of what it was streamed */
    uint64_t streamed;
};

static int fake_sign(void *ctx, const uint8_t *digest, size_t dlen, uint8_t *sig, size_t *siglen, char *why,
                     size_t whylen)
{
    struct fake_token *t = ctx;
    (void)why; (void)whylen;
    uint8_t own[32];
    if (t->streams) { /* sign what was streamed, not what the caller says */
        unsigned n = 0;
        if (!t->md || EVP_DigestFinal_ex(t->md, own, &n) != 1) return FW_ERR_STATE;
        digest = own;
    }
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, t->priv, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) > 0 && EVP_PKEY_sign(c, sig, siglen, digest, dlen) > 0;
    EVP_PKEY_CTX_free(c);
    if (!ok) return FW_ERR_CRYPTO;
    if (t->corrupt) sig[*siglen / 2] ^= 0x10;
    return FW_OK;
}
static int fake_streams(void *ctx) { return ((struct fake_token *)ctx)->streams; }
static int fake_update(void *ctx, const void *p, size_t n)
{
    struct fake_token *t = ctx;
    if (!t->md) {
        t->md = EVP_MD_CTX_new();
        EVP_DigestInit_ex(t->md, EVP_sha256(), NULL);
    }
    t->streamed += n;
    return EVP_DigestUpdate(t->md, p, n) == 1 ? FW_OK : FW_ERR_CRYPTO;
}
static const struct fwh_ext_signer fake_signer = {"fake token", fake_sign, fake_streams, fake_update, NULL};

/* k: the public half of a fresh RSA key, signing through the fake token. */
static void fake_key(struct fake_token *t, struct fwh_key *k)
{
    char why[256];
    struct fwh_key full;
    assert_int_equal(fwh_key_generate(FW_SBV2_RSA3072, &full, why, sizeof why), FW_OK);
    uint8_t *pem;
    size_t len;
    assert_int_equal(fwh_key_public_pem(&full, &pem, &len), FW_OK);
    assert_int_equal(fwh_key_from_pem(pem, len, k, why, sizeof why), FW_OK);
    free(pem);
    assert_false(k->has_private);
    t->priv = full.pkey;
    full.pkey = NULL;
    k->ext = &fake_signer;
    k->ext_ctx = t;
    k->has_private = 1;
}

/* Issue 16: a signature from outside (token, service) is verified against
 * the key's public half before it becomes a block; a damaged one never does. */
static void external_signatures_are_verified(void **state)
{
    (void)state;
    char why[256];
    uint8_t digest[32], sector[FW_SBV2_SECTOR_SIZE];
    memset(digest, 0x42, sizeof digest);
    struct fake_token t = {0};
    struct fwh_key k;
    fake_key(&t, &k);
    const struct fwh_key *kp[] = {&k};
    assert_int_equal(fwh_sbv2_build_sector(sector, NULL, kp, 1, digest, why, sizeof why), FW_OK);
    assert_int_equal(fwh_sbv2_block_verify(sector, digest, 32, why, sizeof why), FW_OK);
    t.corrupt = 1;
    assert_int_not_equal(fwh_sbv2_build_sector(sector, NULL, kp, 1, digest, why, sizeof why), FW_OK);
    assert_non_null(strstr(why, "does not verify"));
    struct fw_sbv2_scan scan;
    assert_int_equal(fw_sbv2_sector_scan(sector, &scan), 0); /* nothing usable left in the sector */
    EVP_PKEY_free(t.priv);
    k.ext = NULL;
    fwh_key_free(&k);
}

/* Hash-and-sign keys get every hashed byte (data and 0xFF gap) streamed;
 * the resulting block verifies over the locally computed digest. */
static void hash_and_sign_keys_get_the_stream(void **state)
{
    (void)state;
    char why[256];
    uint8_t data[5000], digest[32], sector[FW_SBV2_SECTOR_SIZE];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7);
    struct fake_token t = {.streams = 1};
    struct fwh_key k;
    fake_key(&t, &k);
    const struct fwh_key *kp[] = {&k};
    struct fwh_signer s;
    assert_int_equal(fwh_signer_init(&s), FW_OK);
    assert_int_equal(fwh_signer_attach(&s, kp, 1), FW_OK);
    assert_int_equal(fwh_signer_update(&s, data, 1234), FW_OK);
    assert_int_equal(fwh_signer_update(&s, data + 1234, sizeof data - 1234), FW_OK);
    assert_int_equal(fwh_signer_update_ff(&s, fwh_sbv2_pad_len(sizeof data)), FW_OK);
    assert_int_equal(fwh_signer_attach(&s, kp, 1), FW_ERR_STATE); /* too late */
    assert_int_equal(fwh_signer_digest(&s, digest), FW_OK);
    fwh_signer_free(&s);
    assert_int_equal(t.streamed, 8192);
    assert_int_equal(fwh_sbv2_build_sector(sector, NULL, kp, 1, digest, why, sizeof why), FW_OK);
    assert_int_equal(fwh_sbv2_block_verify(sector, digest, 32, why, sizeof why), FW_OK);
    EVP_MD_CTX_free(t.md);
    EVP_PKEY_free(t.priv);
    k.ext = NULL;
    fwh_key_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digests_match_vectors),
        cmocka_unit_test(external_signatures_are_verified),
        cmocka_unit_test(hash_and_sign_keys_get_the_stream),
        cmocka_unit_test(fresh_and_append),
        cmocka_unit_test(append_to_espsecure_vector),
    };
    return cmocka_run_group_tests_name("sign", tests, NULL, NULL);
}
