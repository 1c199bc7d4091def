/* SPDX-License-Identifier: Apache-2.0 */
/* Shared ECDSA code of the host's scheme rows (see fwh_sig_ecdsa.h): keys by
 * OpenSSL group name, block numbers little-endian, signatures through DER. */
#include "keys/fwh_sig_ecdsa.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include "fw_err.h"
#include "host/fwh_why.h"

static int has_bn_param(const EVP_PKEY *pk, const char *name)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(pk, name, &bn) == 1;
    BN_clear_free(bn);
    return ok;
}

static int group_is(const struct fwh_ecdsa_params *p, const char *g)
{
    if (!strcmp(g, p->group)) return 1;
    for (const char *const *a = p->group_aliases; a && *a; a++)
        if (!strcmp(g, *a)) return 1;
    return 0;
}

int fwh_ecdsa_classify(const struct fwh_sig_scheme *row, EVP_PKEY *pk, int *has_private, char *why, size_t whylen)
{
    const struct fwh_ecdsa_params *p = row->params;
    char group[64] = "";
    size_t glen = 0;
    if (!EVP_PKEY_is_a(pk, "EC")) return FW_ERR_NOT_FOUND;
    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) != 1)
        return FW_ERR_NOT_FOUND;
    if (!group_is(p, group)) return FW_ERR_NOT_FOUND;
    if (!has_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X))
        return fwh_why(FW_ERR_KEY, why, whylen, "EC parameters without a key");
    *has_private = has_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY);
    return FW_OK;
}

EVP_PKEY *fwh_ecdsa_generate(const struct fwh_sig_scheme *row)
{
    const struct fwh_ecdsa_params *p = row->params;
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", p->group);
}

int fwh_ecdsa_key_fields(const struct fwh_sig_scheme *row, EVP_PKEY *pk, struct fw_sbv2_block *b)
{
    const struct fwh_ecdsa_params *p = row->params;
    BIGNUM *x = NULL, *y = NULL;
    int c = (int)p->coord, rc = FW_ERR_CRYPTO;
    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 && BN_bn2lebinpad(x, b->ec.x, c) == c &&
        BN_bn2lebinpad(y, b->ec.y, c) == c) {
        b->scheme = row->id;
        b->ec.curve_id = p->curve_id;
        b->ec.coord_len = p->coord;
        rc = FW_OK;
    }
    BN_free(x);
    BN_free(y);
    return rc;
}

/* ECDSA DER -> r, s little-endian. */
static int der_to_rs(const struct fwh_ecdsa_params *p, const uint8_t *der, size_t len, uint8_t *r, uint8_t *s)
{
    const unsigned char *q = der;
    int c = (int)p->coord;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)len);
    if (!es) return FW_ERR_CRYPTO;
    const BIGNUM *br = NULL, *bs = NULL;
    ECDSA_SIG_get0(es, &br, &bs);
    int ok = BN_bn2lebinpad(br, r, c) == c && BN_bn2lebinpad(bs, s, c) == c;
    ECDSA_SIG_free(es);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_ecdsa_sign(const struct fwh_sig_scheme *row, EVP_PKEY *pk, const uint8_t *digest, size_t digest_len,
                   struct fw_sbv2_block *b)
{
    const struct fwh_ecdsa_params *p = row->params;
    uint8_t der[160];
    size_t derlen = sizeof der;
    if (digest_len != row->digest_len) return FW_ERR_INVALID_ARG;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_CTX_set_signature_md(c, p->md()) > 0 &&
             EVP_PKEY_sign(c, der, &derlen, digest, digest_len) > 0;
    EVP_PKEY_CTX_free(c);
    return ok ? der_to_rs(p, der, derlen, b->ec.r, b->ec.s) : FW_ERR_CRYPTO;
}

/* Public key from the block's X, Y (LE); the point must be on the curve. */
static EVP_PKEY *from_block(const struct fwh_ecdsa_params *p, const uint8_t *blk, char *why, size_t whylen)
{
    uint8_t pub[1 + 2 * FW_SBV2_MAX_COORD];
    size_t c = p->coord;
    pub[0] = 0x04;
    fw_sbv2_le_to_be(pub + 1, blk + p->off_point, c);
    fw_sbv2_le_to_be(pub + 1 + c, blk + p->off_point + c, c);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)p->group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * c),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pk = NULL;
        fwh_why(FW_ERR_KEY, why, whylen, "embedded EC point is not a valid %s point", p->display);
    }
    EVP_PKEY_CTX_free(ctx);
    if (pk) {
        EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
        int ok = chk && EVP_PKEY_public_check(chk) == 1;
        EVP_PKEY_CTX_free(chk);
        if (!ok) {
            EVP_PKEY_free(pk);
            pk = NULL;
            fwh_why(FW_ERR_KEY, why, whylen, "embedded EC point is not on %s", p->display);
        }
    }
    return pk;
}

/* r, s (LE) -> DER; OpenSSL's verify then enforces 1 <= r, s < n. */
static int rs_to_der(const struct fwh_ecdsa_params *p, const uint8_t *blk, uint8_t **der, int *len)
{
    BIGNUM *r = BN_lebin2bn(blk + p->off_sig, (int)p->coord, NULL);
    BIGNUM *s = BN_lebin2bn(blk + p->off_sig + p->coord, (int)p->coord, NULL);
    ECDSA_SIG *es = ECDSA_SIG_new();
    if (!r || !s || !es || !ECDSA_SIG_set0(es, r, s)) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return FW_ERR_CRYPTO;
    }
    *der = NULL;
    *len = i2d_ECDSA_SIG(es, der);
    ECDSA_SIG_free(es);
    return *len > 0 ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_ecdsa_verify(const struct fwh_sig_scheme *row, const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest,
                     size_t digest_len, char *why, size_t whylen)
{
    const struct fwh_ecdsa_params *p = row->params;
    if (digest_len != row->digest_len) return FW_ERR_INVALID_ARG;
    EVP_PKEY *pk = from_block(p, blk, why, whylen);
    if (!pk) return FW_ERR_KEY;
    uint8_t *der = NULL;
    int dl = 0;
    int rc = rs_to_der(p, blk, &der, &dl);
    EVP_PKEY_CTX *c = rc ? NULL : EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    if (!rc) {
        int ok = c && EVP_PKEY_verify_init(c) > 0 && EVP_PKEY_CTX_set_signature_md(c, p->md()) > 0;
        if (!ok) rc = FW_ERR_CRYPTO;
        else if (EVP_PKEY_verify(c, der, (size_t)dl, digest, digest_len) != 1) rc = FW_ERR_SIGNATURE;
    }
    EVP_PKEY_CTX_free(c);
    OPENSSL_free(der);
    EVP_PKEY_free(pk);
    return rc;
}
