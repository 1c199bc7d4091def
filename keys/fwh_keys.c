/* Host keys for Secure Boot V2: load, generate, export, SBv2 fields, digest. */
#include "keys/fwh_keys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_why.h"


void fwh_secure_free(void *p, size_t len)
{
    if (!p) return;
    OPENSSL_cleanse(p, len);
    free(p);
}

void fwh_key_free(struct fwh_key *k)
{
    EVP_PKEY_free(k->pkey);
    memset(k, 0, sizeof *k);
}

static int has_bn_param(const EVP_PKEY *pk, const char *name)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(pk, name, &bn) == 1;
    BN_clear_free(bn);
    return ok;
}

/* Decide whether a decoded key is one we sign/verify with. */
static int classify(struct fwh_key *k, char *why, size_t whylen)
{
    EVP_PKEY *pk = k->pkey;
    char desc[96];
    if (EVP_PKEY_is_a(pk, "RSA")) {
        int bits = EVP_PKEY_get_bits(pk);
        BIGNUM *e = NULL;
        if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
            return fwh_why(FW_ERR_KEY, why, whylen, "RSA key without public exponent");
        int e_ok = BN_num_bits(e) <= 32 && BN_is_odd(e);
        BN_free(e);
        if (bits != 3072) {
            snprintf(desc, sizeof desc, "RSA-%d", bits);
            return fwh_why(FW_ERR_KEY, why, whylen,
                        "unsupported key type %s (Secure Boot V2 needs RSA-3072 or ECDSA P-256)", desc);
        }
        if (!e_ok) return fwh_why(FW_ERR_KEY, why, whylen, "RSA public exponent does not fit 32 bits");
        k->type = FWH_KEY_RSA3072;
        k->has_private = has_bn_param(pk, OSSL_PKEY_PARAM_RSA_D);
        return FW_OK;
    }
    if (EVP_PKEY_is_a(pk, "EC")) {
        char group[64] = "";
        size_t glen = 0;
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) != 1)
            snprintf(group, sizeof group, "unnamed curve");
        if (strcmp(group, "prime256v1") && strcmp(group, "P-256") && strcmp(group, "secp256r1")) {
            snprintf(desc, sizeof desc, "EC %s", group);
            return fwh_why(FW_ERR_KEY, why, whylen,
                        "unsupported key type %s (Secure Boot V2 needs RSA-3072 or ECDSA P-256)", desc);
        }
        if (!has_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X))
            return fwh_why(FW_ERR_KEY, why, whylen, "EC parameters without a key");
        k->type = FWH_KEY_ECDSA_P256;
        k->has_private = has_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY);
        return FW_OK;
    }
    const char *tn = EVP_PKEY_get0_type_name(pk);
    return fwh_why(FW_ERR_KEY, why, whylen,
                "unsupported key type %s (Secure Boot V2 needs RSA-3072 or ECDSA P-256)", tn ? tn : "unknown");
}

static int contains(const uint8_t *p, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(p + i, needle, m)) return 1;
    return 0;
}

/* Offset of the first PEM block that is not "EC PARAMETERS" (0 if none). */
static size_t skip_ec_params(const uint8_t *p, size_t n)
{
    static const char begin[] = "-----BEGIN ", params[] = "-----BEGIN EC PARAMETERS-----";
    size_t bl = sizeof begin - 1, pl = sizeof params - 1;
    for (size_t i = 0; i + bl <= n; i++) {
        if (memcmp(p + i, begin, bl)) continue;
        if (i + pl <= n && !memcmp(p + i, params, pl)) { i += pl - 1; continue; }
        return i;
    }
    return 0;
}

int fwh_key_from_pem(const uint8_t *pem, size_t len, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    if (len > FWH_KEY_FILE_MAX) return fwh_why(FW_ERR_KEY, why, whylen, "key file too large");
    if (contains(pem, len, "ENCRYPTED"))
        return fwh_why(FW_ERR_KEY, why, whylen, "encrypted private keys are not supported");
    /* `openssl ecparam -genkey` writes an EC PARAMETERS block before the key:
     * decode from the first block that is a key. */
    size_t start = skip_ec_params(pem, len);
    /* No PEM armour: DER (PKCS#8, SPKI, or the traditional RSA / SEC1 forms). */
    const char *input = contains(pem, len, "-----BEGIN ") ? "PEM" : "DER";
    OSSL_DECODER_CTX *dctx =
        OSSL_DECODER_CTX_new_for_pkey(&k->pkey, input, NULL, NULL, 0, NULL, NULL);
    if (!dctx) return fwh_why(FW_ERR_CRYPTO, why, whylen, "OpenSSL decoder unavailable");
    const unsigned char *p = pem + start;
    size_t left = len - start;
    int ok = OSSL_DECODER_from_data(dctx, &p, &left) == 1 && k->pkey;
    OSSL_DECODER_CTX_free(dctx);
    if (!ok) {
        EVP_PKEY_free(k->pkey);
        k->pkey = NULL;
        return fwh_why(FW_ERR_KEY, why, whylen, "not a PEM private or public key (nor DER)");
    }
    int rc = classify(k, why, whylen);
    if (rc) fwh_key_free(k);
    return rc;
}

int fwh_key_load(const char *path, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    FILE *f = fopen(path, "rb");
    if (!f) return fwh_why(FW_ERR_IO, why, whylen, "%s", strerror(errno));
    uint8_t *buf = malloc(FWH_KEY_FILE_MAX + 1);
    if (!buf) { fclose(f); return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory"); }
    size_t n = fread(buf, 1, FWH_KEY_FILE_MAX + 1, f);
    int rerr = ferror(f);
    fclose(f);
    int rc;
    if (rerr) rc = fwh_why(FW_ERR_IO, why, whylen, "read failed");
    else if (n > FWH_KEY_FILE_MAX) rc = fwh_why(FW_ERR_KEY, why, whylen, "too large for a key file");
    else rc = fwh_key_from_pem(buf, n, k, why, whylen);
    fwh_secure_free(buf, FWH_KEY_FILE_MAX + 1);
    return rc;
}

int fwh_key_generate(enum fwh_key_type t, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    if (t == FWH_KEY_RSA3072) k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
    else if (t == FWH_KEY_ECDSA_P256) k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "unknown key type");
    if (!k->pkey) return fwh_why(FW_ERR_CRYPTO, why, whylen, "key generation failed");
    int rc = classify(k, why, whylen);
    if (rc) fwh_key_free(k);
    return rc;
}

/* Copy a memory BIO's contents into a malloc'd buffer. */
static int bio_take(BIO *b, uint8_t **out, size_t *len)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    if (n <= 0) return FW_ERR_CRYPTO;
    *out = malloc((size_t)n);
    if (!*out) return FW_ERR_NOMEM;
    memcpy(*out, data, (size_t)n);
    *len = (size_t)n;
    return FW_OK;
}

int fwh_key_private_pem(const struct fwh_key *k, uint8_t **out, size_t *len)
{
    if (!k->has_private) return FW_ERR_KEY;
    BIO *b = BIO_new(BIO_s_secmem()); /* cleansed on free */
    if (!b) return FW_ERR_NOMEM;
    int rc = PEM_write_bio_PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL) == 1 ? bio_take(b, out, len)
                                                                                  : FW_ERR_CRYPTO;
    BIO_free(b);
    return rc;
}

int fwh_key_public_pem(const struct fwh_key *k, uint8_t **out, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b) return FW_ERR_NOMEM;
    int rc = PEM_write_bio_PUBKEY(b, k->pkey) == 1 ? bio_take(b, out, len) : FW_ERR_CRYPTO;
    BIO_free(b);
    return rc;
}

enum fw_sbv2_scheme fwh_key_scheme(const struct fwh_key *k)
{
    switch (k->type) {
    case FWH_KEY_RSA3072: return FW_SBV2_RSA3072;
    case FWH_KEY_ECDSA_P256: return FW_SBV2_ECDSA_P256;
    default: return FW_SBV2_SCHEME_NONE;
    }
}

const char *fwh_key_type_name(enum fwh_key_type t)
{
    switch (t) {
    case FWH_KEY_RSA3072: return "rsa3072";
    case FWH_KEY_ECDSA_P256: return "ecdsa-p256";
    default: return "none";
    }
}

enum fwh_key_type fwh_key_type_parse(const char *s)
{
    if (!strcmp(s, "rsa3072") || !strcmp(s, "rsa-3072")) return FWH_KEY_RSA3072;
    if (!strcmp(s, "ecdsa-p256") || !strcmp(s, "ecdsa256") || !strcmp(s, "ecdsa-256")) return FWH_KEY_ECDSA_P256;
    return FWH_KEY_NONE;
}

/* m' = -n^-1 mod 2^32 from the lowest word of the (odd) modulus: Newton's
 * iteration x <- x(2 - n x) doubles the correct low bits each step. */
static uint32_t mont_mdash(uint32_t n0)
{
    uint32_t x = n0; /* correct to 3 bits for odd n0 */
    for (int i = 0; i < 5; i++) x *= 2u - n0 * x;
    return (uint32_t)(0u - x);
}

static int rsa_fields(const struct fwh_key *k, struct fw_sbv2_block *b)
{
    BIGNUM *n = NULL, *e = NULL, *r = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    int rc = FW_ERR_CRYPTO;
    if (!r || !ctx || EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        goto out;
    /* rinv = R^2 mod n with R = 2^3072 */
    if (!BN_set_bit(r, 2 * 3072) || !BN_mod(r, r, n, ctx)) goto out;
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

static int ec_fields(const struct fwh_key *k, struct fw_sbv2_block *b)
{
    BIGNUM *x = NULL, *y = NULL;
    int rc = FW_ERR_CRYPTO;
    if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
        EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
        BN_bn2lebinpad(x, b->ec.x, 32) == 32 && BN_bn2lebinpad(y, b->ec.y, 32) == 32) {
        b->scheme = FW_SBV2_ECDSA_P256;
        b->ec.curve_id = FW_SBV2_CURVE_P256;
        b->ec.coord_len = 32;
        rc = FW_OK;
    }
    BN_free(x); BN_free(y);
    return rc;
}

int fwh_key_sbv2_fields(const struct fwh_key *k, struct fw_sbv2_block *b)
{
    switch (k->type) {
    case FWH_KEY_RSA3072: return rsa_fields(k, b);
    case FWH_KEY_ECDSA_P256: return ec_fields(k, b);
    default: return FW_ERR_KEY;
    }
}

int fwh_block_key_digest(const uint8_t blk[FW_SBV2_BLOCK_SIZE], uint8_t digest[FW_SBV2_KEY_DIGEST_LEN])
{
    size_t off, len;
    int rc = fw_sbv2_key_region(blk, &off, &len);
    if (rc) return rc;
    unsigned int dl = 0;
    if (EVP_Digest(blk + off, len, digest, &dl, EVP_sha256(), NULL) != 1 || dl != 32) return FW_ERR_CRYPTO;
    return FW_OK;
}

int fwh_key_sbv2_digest(const struct fwh_key *k, uint8_t digest[FW_SBV2_KEY_DIGEST_LEN])
{
    struct fw_sbv2_block *b = calloc(1, sizeof *b);
    uint8_t blk[FW_SBV2_BLOCK_SIZE];
    if (!b) return FW_ERR_NOMEM;
    int rc = fwh_key_sbv2_fields(k, b);
    if (!rc) rc = fw_sbv2_block_encode(b, blk);
    if (!rc) rc = fwh_block_key_digest(blk, digest);
    free(b);
    return rc;
}

int fwh_pkey_from_der(const uint8_t *der, size_t len, int want_private, EVP_PKEY **out)
{
    *out = NULL;
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(
        out, "DER", NULL, NULL, want_private ? OSSL_KEYMGMT_SELECT_PRIVATE_KEY : OSSL_KEYMGMT_SELECT_PUBLIC_KEY, NULL, NULL);
    if (!dctx) return FW_ERR_CRYPTO;
    const unsigned char *p = der;
    size_t left = len;
    int ok = OSSL_DECODER_from_data(dctx, &p, &left) == 1 && *out && left == 0;
    OSSL_DECODER_CTX_free(dctx);
    if (ok) return FW_OK;
    EVP_PKEY_free(*out);
    *out = NULL;
    return FW_ERR_KEY;
}
