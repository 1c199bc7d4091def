/* Secure Boot V2 block signing and signature verification (OpenSSL 3 EVP). */
#include "keys/fwh_sbv2_crypto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "fw_err.h"
#include "host/fwh_why.h"


/* PSS parameters of §2.3 on a sign or verify context. */
static int set_pss(EVP_PKEY_CTX *c)
{
    return EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) > 0;
}

/* Raw signature over the digest: RSA-PSS bytes (BE, 384) or ECDSA DER. */
static int raw_sign(const struct fwh_key *k, const uint8_t digest[32], uint8_t *sig, size_t *siglen)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0;
    if (ok && k->type == FWH_KEY_RSA3072) ok = set_pss(c);
    if (ok && k->type == FWH_KEY_ECDSA_P256) ok = EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0;
    ok = ok && EVP_PKEY_sign(c, sig, siglen, digest, 32) > 0;
    EVP_PKEY_CTX_free(c);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

/* ECDSA DER -> r, s little-endian 32 bytes each. */
static int der_to_rs(const uint8_t *der, size_t len, uint8_t r[32], uint8_t s[32])
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (!es) return FW_ERR_CRYPTO;
    const BIGNUM *br = NULL, *bs = NULL;
    ECDSA_SIG_get0(es, &br, &bs);
    int ok = BN_bn2lebinpad(br, r, 32) == 32 && BN_bn2lebinpad(bs, s, 32) == 32;
    ECDSA_SIG_free(es);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_sbv2_sign_block(const struct fwh_key *k, const uint8_t digest[32], uint8_t blk[FW_SBV2_BLOCK_SIZE],
                        char *why, size_t whylen)
{
    if (!k->has_private) return fwh_why(FW_ERR_KEY, why, whylen, "a private key is needed to sign");
    struct fw_sbv2_block *b = calloc(1, sizeof *b);
    if (!b) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    int rc = fwh_key_sbv2_fields(k, b);
    uint8_t sig[512];
    size_t siglen = sizeof sig;
    if (!rc) rc = raw_sign(k, digest, sig, &siglen);
    if (!rc) {
        memcpy(b->image_digest, digest, 32);
        b->digest_len = 32;
        if (k->type == FWH_KEY_RSA3072) {
            if (siglen != FW_SBV2_RSA_LEN) rc = FW_ERR_CRYPTO;
            else fw_sbv2_be_to_le(b->rsa.sig, sig, FW_SBV2_RSA_LEN);
        } else {
            rc = der_to_rs(sig, siglen, b->ec.r, b->ec.s);
        }
    }
    if (!rc) rc = fw_sbv2_block_encode(b, blk);
    free(b);
    if (rc) return fwh_why(rc, why, whylen, "signing failed (%s)", fw_strerror(rc));
    /* Never emit a block that does not verify (bug or fault in the signer). */
    rc = fwh_sbv2_block_verify(blk, digest, 32, why, whylen);
    if (rc) return fwh_why(FW_ERR_CRYPTO, why, whylen, "self-check of the new signature failed");
    return FW_OK;
}

/* Public key from the block's n and e. */
static EVP_PKEY *rsa_from_block(const uint8_t *blk, char *why, size_t whylen)
{
    EVP_PKEY *pk = NULL;
    BIGNUM *n = BN_lebin2bn(blk + FW_SBV2_RSA_OFF_N, FW_SBV2_RSA_LEN, NULL);
    BIGNUM *e = BN_lebin2bn(blk + FW_SBV2_RSA_OFF_E, 4, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!n || !e || !bld || !c) goto out;
    if (BN_num_bits(n) != 3072 || !BN_is_odd(n)) {
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

/* Public key from the block's X, Y (LE) on P-256; the point must be on the curve. */
static EVP_PKEY *ec_from_block(const uint8_t *blk, char *why, size_t whylen)
{
    uint8_t pub[65];
    pub[0] = 0x04;
    fw_sbv2_le_to_be(pub + 1, blk + FW_SBV2_EC_OFF_POINT, 32);
    fw_sbv2_le_to_be(pub + 33, blk + FW_SBV2_EC_OFF_POINT + 32, 32);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!c || EVP_PKEY_fromdata_init(c) <= 0 || EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pk = NULL;
        fwh_why(FW_ERR_KEY, why, whylen, "embedded EC point is not a valid P-256 point");
    }
    EVP_PKEY_CTX_free(c);
    if (pk) {
        EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
        int ok = chk && EVP_PKEY_public_check(chk) == 1;
        EVP_PKEY_CTX_free(chk);
        if (!ok) {
            EVP_PKEY_free(pk);
            pk = NULL;
            fwh_why(FW_ERR_KEY, why, whylen, "embedded EC point is not on P-256");
        }
    }
    return pk;
}

/* r, s (LE) -> DER; OpenSSL's verify then enforces 1 <= r, s < n. */
static int rs_to_der(const uint8_t *blk, uint8_t **der, int *len)
{
    BIGNUM *r = BN_lebin2bn(blk + FW_SBV2_EC_OFF_SIG, 32, NULL);
    BIGNUM *s = BN_lebin2bn(blk + FW_SBV2_EC_OFF_SIG + 32, 32, NULL);
    ECDSA_SIG *es = ECDSA_SIG_new();
    if (!r || !s || !es || !ECDSA_SIG_set0(es, r, s)) {
        BN_free(r); BN_free(s); ECDSA_SIG_free(es);
        return FW_ERR_CRYPTO;
    }
    *der = NULL;
    *len = i2d_ECDSA_SIG(es, der);
    ECDSA_SIG_free(es);
    return *len > 0 ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_sbv2_block_verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len,
                          char *why, size_t whylen)
{
    enum fw_sbv2_scheme s = fw_sbv2_block_scheme(blk);
    if (!fw_sbv2_scheme_supported(s))
        return fwh_why(FW_ERR_UNSUPPORTED, why, whylen, "%s signatures are not supported", fw_sbv2_scheme_name(s));
    if (digest_len != 32) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "digest length %zu", digest_len);
    EVP_PKEY *pk = s == FW_SBV2_RSA3072 ? rsa_from_block(blk, why, whylen) : ec_from_block(blk, why, whylen);
    if (!pk) return FW_ERR_KEY;

    uint8_t sig_be[FW_SBV2_RSA_LEN];
    uint8_t *der = NULL;
    const uint8_t *sig = sig_be;
    size_t siglen = FW_SBV2_RSA_LEN;
    int rc = FW_OK;
    if (s == FW_SBV2_RSA3072) {
        fw_sbv2_le_to_be(sig_be, blk + FW_SBV2_RSA_OFF_SIG, FW_SBV2_RSA_LEN);
    } else {
        int dl = 0;
        rc = rs_to_der(blk, &der, &dl);
        sig = der;
        siglen = (size_t)dl;
    }
    EVP_PKEY_CTX *c = rc ? NULL : EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    if (!rc) {
        int ok = c && EVP_PKEY_verify_init(c) > 0 &&
                 (s == FW_SBV2_RSA3072 ? set_pss(c) : EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0);
        if (!ok) rc = FW_ERR_CRYPTO;
        else if (EVP_PKEY_verify(c, sig, siglen, digest, digest_len) != 1) rc = FW_ERR_SIGNATURE;
    }
    EVP_PKEY_CTX_free(c);
    OPENSSL_free(der);
    EVP_PKEY_free(pk);
    if (rc == FW_ERR_SIGNATURE)
        return fwh_why(rc, why, whylen, "%s signature does not verify with the block's key", fw_sbv2_scheme_name(s));
    if (rc) return fwh_why(rc, why, whylen, "signature check failed (%s)", fw_strerror(rc));
    return FW_OK;
}
