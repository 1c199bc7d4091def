/* SPDX-License-Identifier: Apache-2.0 */
#include "encryptor/fwh_ecies.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "fw_enc_header.h"
#include "fw_err.h"


static const char curve_name[] = "prime256v1";

int fwh_ecies_is_p256(EVP_PKEY *pk)
{
    char name[64];
    size_t len = 0;
    if (!pk || !EVP_PKEY_is_a(pk, "EC")) return 0;
    if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len)) return 0;
    return strcmp(name, curve_name) == 0;
}

/* pub = d*G as an uncompressed octet string (65 bytes). */
static int scalar_to_point(const EC_GROUP *g, const BIGNUM *d, uint8_t pub[65])
{
    int rc = FW_ERR_CRYPTO;
    EC_POINT *p = EC_POINT_new(g);
    if (p && EC_POINT_mul(g, p, d, NULL, NULL, NULL) &&
        EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, pub, 65, NULL) == 65)
        rc = FW_OK;
    EC_POINT_free(p);
    return rc;
}

static int keypair_from_params(const BIGNUM *d, const uint8_t pub[65], EVP_PKEY **out)
{
    int rc = FW_ERR_CRYPTO;
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!b || !ctx) goto done;
    if (!OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, curve_name, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, 65) ||
        !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d))
        goto done;
    params = OSSL_PARAM_BLD_to_param(b);
    if (params && EVP_PKEY_fromdata_init(ctx) > 0 && EVP_PKEY_fromdata(ctx, out, EVP_PKEY_KEYPAIR, params) > 0)
        rc = FW_OK;
done:
    /* d is a secure BIGNUM, so the builder put its copy in a secure block
     * that OSSL_PARAM_free clears before freeing. */
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

int fwh_ecies_device_key(const uint8_t hmac_key[FWH_ECIES_HMAC_KEY_SIZE], EVP_PKEY **out)
{
    int rc = FW_ERR_CRYPTO;
    uint8_t dbytes[32], pub[65];
    BIGNUM *d = NULL;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    *out = NULL;
    if (!g) return FW_ERR_CRYPTO;
    if (!PKCS5_PBKDF2_HMAC((const char *)hmac_key, FWH_ECIES_HMAC_KEY_SIZE, fw_enc_ecies_fixed_salt,
                           sizeof fw_enc_ecies_fixed_salt, FWH_ECIES_PBKDF2_ITER, EVP_sha256(), sizeof dbytes, dbytes))
        goto done;
    d = BN_secure_new();
    if (!d || !BN_bin2bn(dbytes, sizeof dbytes, d)) goto done;
    /* §3.4: 1 <= d < n, no reduction (the device rejects such keys). */
    if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0) {
        rc = FW_ERR_KEY;
        goto done;
    }
    rc = scalar_to_point(g, d, pub);
    if (rc == FW_OK) rc = keypair_from_params(d, pub, out);
done:
    OPENSSL_cleanse(dbytes, sizeof dbytes);
    BN_clear_free(d);
    EC_GROUP_free(g);
    ERR_clear_error();
    return rc;
}

int fwh_ecies_point_to_pkey(const uint8_t xy[64], EVP_PKEY **out)
{
    uint8_t oct[65];
    oct[0] = 0x04;
    memcpy(oct + 1, xy, 64);
    *out = NULL;
    OSSL_PARAM params[3];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)curve_name, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, oct, sizeof oct);
    params[2] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx) return FW_ERR_CRYPTO;
    int ok = EVP_PKEY_fromdata_init(ctx) > 0 && EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) > 0;
    EVP_PKEY_CTX_free(ctx);
    if (ok) {
        /* fromdata decodes the point (on-curve check); check it fully anyway. */
        EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, *out, NULL);
        ok = c && EVP_PKEY_public_check(c) > 0;
        EVP_PKEY_CTX_free(c);
    }
    ERR_clear_error();
    if (!ok) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return FW_ERR_KEY;
    }
    return FW_OK;
}

int fwh_ecies_pkey_to_point(EVP_PKEY *pk, uint8_t xy[64])
{
    uint8_t oct[65];
    size_t len = 0;
    if (!fwh_ecies_is_p256(pk)) return FW_ERR_KEY;
    /* Ask for the uncompressed form explicitly; a key may carry a preference. */
    if (!EVP_PKEY_set_utf8_string_param(pk, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed"))
        ERR_clear_error();
    if (!EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, oct, sizeof oct, &len) ||
        len != 65 || oct[0] != 0x04) {
        ERR_clear_error();
        return FW_ERR_KEY;
    }
    memcpy(xy, oct + 1, 64);
    return FW_OK;
}

static int hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t salt[32], uint8_t key[32])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    int ok = 0;
    if (kctx) {
        OSSL_PARAM p[5];
        p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
        p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
        p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, 32);
        p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)FWH_ECIES_INFO,
                                                 sizeof FWH_ECIES_INFO - 1);
        p[4] = OSSL_PARAM_construct_end();
        ok = EVP_KDF_derive(kctx, key, 32, p) > 0;
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

static int derive(EVP_PKEY *own_priv, EVP_PKEY *peer_pub, const uint8_t salt[32], uint8_t key[32], int validate_peer)
{
    uint8_t z[32];
    size_t zlen = sizeof z;
    int rc = FW_ERR_KEY;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, own_priv, NULL);
    if (ctx && EVP_PKEY_derive_init(ctx) > 0 && EVP_PKEY_derive_set_peer_ex(ctx, peer_pub, validate_peer) > 0 &&
        EVP_PKEY_derive(ctx, z, &zlen) > 0 && zlen == sizeof z)
        rc = hkdf_sha256(z, zlen, salt, key);
    EVP_PKEY_CTX_free(ctx);
    OPENSSL_cleanse(z, sizeof z);
    ERR_clear_error();
    return rc;
}

int fwh_ecies_derive(EVP_PKEY *own_priv, EVP_PKEY *peer_pub, const uint8_t salt[32], uint8_t key[32])
{
    return derive(own_priv, peer_pub, salt, key, 1);
}

/* Ephemeral server key, ECDH with the device key, HKDF -> key. */
int fwh_ecies_wrap(EVP_PKEY *dev_pub, uint8_t key[32], uint8_t server_xy[64], uint8_t salt[32])
{
    EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    int rc = eph ? FW_OK : FW_ERR_CRYPTO;
    if (rc == FW_OK && RAND_bytes(salt, 32) != 1) rc = FW_ERR_CRYPTO;
    if (rc == FW_OK) rc = fwh_ecies_pkey_to_point(eph, server_xy);
    /* No full public-key check of the device key here (it is a third of the
     * cost of a fleet release): its point was checked to be on P-256 when it
     * was decoded, P-256 has cofactor 1 so that is the whole subgroup check,
     * and the private key it meets is ephemeral, used once and freed, so
     * there is no long-term secret an invalid point could probe. Decryption
     * (fwh_ecies_derive) keeps the check for the hostile header's point. */
    if (rc == FW_OK) rc = fwh_ecies_is_p256(dev_pub) ? derive(eph, dev_pub, salt, key, 0) : FW_ERR_KEY;
    EVP_PKEY_free(eph); /* frees and clears the ephemeral scalar */
    return rc;
}
