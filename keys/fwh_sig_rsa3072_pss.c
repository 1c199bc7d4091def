/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme RSA-3072 PSS on the host (FORMATS §2.3): RSASSA-PSS,
 * SHA-256, MGF1-SHA-256, salt 32, over the image digest; n, e, rinv, m' and
 * the signature stored little-endian in the block. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_why.h"
#include "keys/fwh_sig.h"

#define RSA_BITS ((int)FW_SBV2_RSA_BITS)
#define PSS_SALT_LEN ((int)FW_SBV2_RSA_PSS_SALT_LEN)
#define DIGEST_LEN FW_SBV2_DIGEST_SHA256_LEN

/* PSS parameters of §2.3 on a sign or verify context. */
static int set_pss(EVP_PKEY_CTX *c)
{
    return EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(c, PSS_SALT_LEN) > 0;
}

static int has_bn_param(const EVP_PKEY *pk, const char *name)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(pk, name, &bn) == 1;
    BN_clear_free(bn);
    return ok;
}

static int classify(const struct fwh_sig_scheme *row, EVP_PKEY *pk, int *has_private, char *why, size_t whylen)
{
    (void)row;
    if (!EVP_PKEY_is_a(pk, "RSA")) return FW_ERR_NOT_FOUND;
    BIGNUM *e = NULL;
    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        return fwh_why(FW_ERR_KEY, why, whylen, "RSA key without public exponent");
    int e_ok = BN_num_bits(e) <= 32 && BN_is_odd(e);
    BN_free(e);
    if (EVP_PKEY_get_bits(pk) != RSA_BITS) return FW_ERR_NOT_FOUND;
    if (!e_ok) return fwh_why(FW_ERR_KEY, why, whylen, "RSA public exponent does not fit 32 bits");
    *has_private = has_bn_param(pk, OSSL_PKEY_PARAM_RSA_D);
    return FW_OK;
}

static EVP_PKEY *generate(const struct fwh_sig_scheme *row)
{
    (void)row;
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_BITS);
}

/* m' = -n^-1 mod 2^32 from the lowest word of the (odd) modulus: Newton's
 * iteration x <- x(2 - n x) doubles the correct low bits each step. */
static uint32_t mont_mdash(uint32_t n0)
{
    uint32_t x = n0; /* correct to 3 bits for odd n0 */
    for (int i = 0; i < 5; i++) x *= 2u - n0 * x;
    return (uint32_t)(0u - x);
}

static int key_fields(const struct fwh_sig_scheme *row, EVP_PKEY *pk, struct fw_sbv2_block *b)
{
    (void)row;
    BIGNUM *n = NULL, *e = NULL, *r = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    int rc = FW_ERR_CRYPTO;
    if (!r || !ctx || EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        goto out;
    /* rinv = R^2 mod n with R = 2^3072 */
    if (!BN_set_bit(r, 2 * RSA_BITS) || !BN_mod(r, r, n, ctx)) goto out;
    if (BN_bn2lebinpad(n, b->rsa.n, FW_SBV2_RSA_LEN) != (int)FW_SBV2_RSA_LEN ||
        BN_bn2lebinpad(r, b->rsa.rinv, FW_SBV2_RSA_LEN) != (int)FW_SBV2_RSA_LEN)
        goto out;
    b->rsa.e = (uint32_t)BN_get_word(e);
    b->rsa.mdash = mont_mdash(fw_dec32le(b->rsa.n));
    b->scheme = FW_SBV2_RSA3072;
    rc = FW_OK;
out:
    BN_free(n); BN_free(e); BN_free(r); BN_CTX_free(ctx);
    return rc;
}

static int sign(const struct fwh_sig_scheme *row, EVP_PKEY *pk, const uint8_t *digest, size_t digest_len,
                struct fw_sbv2_block *b)
{
    (void)row;
    uint8_t sig[FW_SBV2_RSA_LEN];
    size_t siglen = sizeof sig;
    if (digest_len != DIGEST_LEN) return FW_ERR_INVALID_ARG;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0 && set_pss(c) &&
             EVP_PKEY_sign(c, sig, &siglen, digest, digest_len) > 0 && siglen == FW_SBV2_RSA_LEN;
    EVP_PKEY_CTX_free(c);
    if (!ok) return FW_ERR_CRYPTO;
    fw_sbv2_be_to_le(b->rsa.sig, sig, FW_SBV2_RSA_LEN);
    return FW_OK;
}

/* Public key from the block's n and e. */
static EVP_PKEY *from_block(const uint8_t *blk, char *why, size_t whylen)
{
    EVP_PKEY *pk = NULL;
    BIGNUM *n = BN_lebin2bn(blk + FW_SBV2_RSA_OFF_N, FW_SBV2_RSA_LEN, NULL);
    BIGNUM *e = BN_lebin2bn(blk + FW_SBV2_RSA_OFF_E, 4, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!n || !e || !bld || !c) goto out;
    if (BN_num_bits(n) != RSA_BITS || !BN_is_odd(n)) {
        fwh_why(FW_ERR_KEY, why, whylen, "embedded RSA modulus is not a 3072-bit odd number");
        goto out;
    }
    if (BN_is_zero(e) || !BN_is_odd(e) || BN_is_one(e)) {
        fwh_why(FW_ERR_KEY, why, whylen, "embedded RSA exponent is invalid");
        goto out;
    }
    if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) || !(params = OSSL_PARAM_BLD_to_param(bld)))
        goto out;
    if (EVP_PKEY_fromdata_init(c) <= 0 || EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pk = NULL;
        fwh_why(FW_ERR_KEY, why, whylen, "embedded RSA key rejected by OpenSSL");
    }
out:
    BN_free(n); BN_free(e);
    OSSL_PARAM_free(params); OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(c);
    return pk;
}

static int verify(const struct fwh_sig_scheme *row, const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest,
                  size_t digest_len, char *why, size_t whylen)
{
    (void)row;
    if (digest_len != DIGEST_LEN) return FW_ERR_INVALID_ARG;
    EVP_PKEY *pk = from_block(blk, why, whylen);
    if (!pk) return FW_ERR_KEY;
    uint8_t sig[FW_SBV2_RSA_LEN];
    fw_sbv2_le_to_be(sig, blk + FW_SBV2_RSA_OFF_SIG, FW_SBV2_RSA_LEN);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    int rc = FW_OK;
    if (!c || EVP_PKEY_verify_init(c) <= 0 || !set_pss(c)) rc = FW_ERR_CRYPTO;
    else if (EVP_PKEY_verify(c, sig, sizeof sig, digest, digest_len) != 1) rc = FW_ERR_SIGNATURE;
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(pk);
    return rc;
}

static const char *const aliases[] = { "rsa-3072", NULL };

const struct fwh_sig_scheme fwh_sig_rsa3072_pss = {
    .id = FW_SBV2_RSA3072,
    .cli_name = "rsa3072",
    .aliases = aliases,
    .display = "RSA-3072",
    .digest_len = DIGEST_LEN,
    .classify = classify,
    .generate = generate,
    .key_fields = key_fields,
    .sign = sign,
    .verify = verify,
    .params = NULL,
};
