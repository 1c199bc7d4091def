/* SPDX-License-Identifier: Apache-2.0 */
/* Signature scheme ECDSA P-256 with SHA-256 on the host (FORMATS §2.4): the
 * signature over the image digest, r and s stored as 32-byte little-endian
 * numbers, the public point as X, Y little-endian after the curve id. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include "fw_err.h"
#include "host/fwh_why.h"
#include "keys/fwh_sig.h"

#define COORD ((int)FW_SBV2_P256_COORD_LEN)
#define DIGEST_LEN FW_SBV2_DIGEST_SHA256_LEN

static int has_bn_param(const EVP_PKEY *pk, const char *name)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(pk, name, &bn) == 1;
    BN_clear_free(bn);
    return ok;
}

static int classify(EVP_PKEY *pk, int *has_private, char *why, size_t whylen)
{
    char group[64] = "";
    size_t glen = 0;
    if (!EVP_PKEY_is_a(pk, "EC")) return FW_ERR_NOT_FOUND;
    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) != 1)
        return FW_ERR_NOT_FOUND;
    if (strcmp(group, "prime256v1") && strcmp(group, "P-256") && strcmp(group, "secp256r1")) return FW_ERR_NOT_FOUND;
    if (!has_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X))
        return fwh_why(FW_ERR_KEY, why, whylen, "EC parameters without a key");
    *has_private = has_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY);
    return FW_OK;
}

static EVP_PKEY *generate(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int key_fields(EVP_PKEY *pk, struct fw_sbv2_block *b)
{
    BIGNUM *x = NULL, *y = NULL;
    int rc = FW_ERR_CRYPTO;
    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
        BN_bn2lebinpad(x, b->ec.x, COORD) == COORD && BN_bn2lebinpad(y, b->ec.y, COORD) == COORD) {
        b->scheme = FW_SBV2_ECDSA_P256;
        b->ec.curve_id = FW_SBV2_CURVE_P256;
        b->ec.coord_len = COORD;
        rc = FW_OK;
    }
    BN_free(x); BN_free(y);
    return rc;
}

/* ECDSA DER -> r, s little-endian. */
static int der_to_rs(const uint8_t *der, size_t len, uint8_t r[COORD], uint8_t s[COORD])
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (!es) return FW_ERR_CRYPTO;
    const BIGNUM *br = NULL, *bs = NULL;
    ECDSA_SIG_get0(es, &br, &bs);
    int ok = BN_bn2lebinpad(br, r, COORD) == COORD && BN_bn2lebinpad(bs, s, COORD) == COORD;
    ECDSA_SIG_free(es);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

static int sign(EVP_PKEY *pk, const uint8_t *digest, size_t digest_len, struct fw_sbv2_block *b)
{
    uint8_t der[128];
    size_t derlen = sizeof der;
    if (digest_len != DIGEST_LEN) return FW_ERR_INVALID_ARG;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 &&
             EVP_PKEY_sign(c, der, &derlen, digest, digest_len) > 0;
    EVP_PKEY_CTX_free(c);
    return ok ? der_to_rs(der, derlen, b->ec.r, b->ec.s) : FW_ERR_CRYPTO;
}

/* Public key from the block's X, Y (LE); the point must be on the curve. */
static EVP_PKEY *from_block(const uint8_t *blk, char *why, size_t whylen)
{
    uint8_t pub[1 + 2 * COORD];
    pub[0] = 0x04;
    fw_sbv2_le_to_be(pub + 1, blk + FW_SBV2_EC_OFF_POINT, COORD);
    fw_sbv2_le_to_be(pub + 1 + COORD, blk + FW_SBV2_EC_OFF_POINT + COORD, COORD);
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
    BIGNUM *r = BN_lebin2bn(blk + FW_SBV2_EC_OFF_SIG, COORD, NULL);
    BIGNUM *s = BN_lebin2bn(blk + FW_SBV2_EC_OFF_SIG + COORD, COORD, NULL);
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

static int verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len, char *why,
                  size_t whylen)
{
    if (digest_len != DIGEST_LEN) return FW_ERR_INVALID_ARG;
    EVP_PKEY *pk = from_block(blk, why, whylen);
    if (!pk) return FW_ERR_KEY;
    uint8_t *der = NULL;
    int dl = 0;
    int rc = rs_to_der(blk, &der, &dl);
    EVP_PKEY_CTX *c = rc ? NULL : EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    if (!rc) {
        int ok = c && EVP_PKEY_verify_init(c) > 0 && EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0;
        if (!ok) rc = FW_ERR_CRYPTO;
        else if (EVP_PKEY_verify(c, der, (size_t)dl, digest, digest_len) != 1) rc = FW_ERR_SIGNATURE;
    }
    EVP_PKEY_CTX_free(c);
    OPENSSL_free(der);
    EVP_PKEY_free(pk);
    return rc;
}

static const char *const aliases[] = { "ecdsa256", "ecdsa-256", NULL };

const struct fwh_sig_scheme fwh_sig_ecdsa_p256 = {
    .id = FW_SBV2_ECDSA_P256,
    .cli_name = "ecdsa-p256",
    .aliases = aliases,
    .display = "ECDSA P-256",
    .digest_len = DIGEST_LEN,
    .classify = classify,
    .generate = generate,
    .key_fields = key_fields,
    .sign = sign,
    .verify = verify,
};
