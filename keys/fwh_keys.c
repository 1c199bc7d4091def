/* SPDX-License-Identifier: Apache-2.0 */
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
#include <openssl/err.h>
#include <openssl/pem.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_why.h"
#include "keys/fwh_sig.h"


void fwh_secure_free(void *p, size_t len)
{
    if (!p) return;
    OPENSSL_cleanse(p, len);
    free(p);
}

void fwh_key_free(struct fwh_key *k)
{
    if (k->ext && k->ext->free) k->ext->free(k->ext_ctx);
    EVP_PKEY_free(k->pkey);
    memset(k, 0, sizeof *k);
}

/* "RSA-3072 or ECDSA P-256": the schemes of the table, for messages. */
static void supported_list(char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; fwh_sig_scheme_at(i) && used < n; i++) {
        const char *sep = i == 0 ? "" : fwh_sig_scheme_at(i + 1) ? ", " : " or ";
        int w = snprintf(out + used, n - used, "%s%s", sep, fwh_sig_scheme_at(i)->display);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* What an unsupported key is, for the message: "RSA-2048", "EC secp384r1". */
static void describe(EVP_PKEY *pk, char *desc, size_t n)
{
    if (EVP_PKEY_is_a(pk, "RSA")) {
        snprintf(desc, n, "RSA-%d", EVP_PKEY_get_bits(pk));
    } else if (EVP_PKEY_is_a(pk, "EC")) {
        char group[64] = "";
        size_t glen = 0;
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) != 1)
            snprintf(group, sizeof group, "unnamed curve");
        snprintf(desc, n, "EC %s", group);
    } else {
        const char *tn = EVP_PKEY_get0_type_name(pk);
        snprintf(desc, n, "%s", tn ? tn : "unknown");
    }
}

/* The scheme of a decoded key: the first row of the scheme table that
 * claims it; a key no row takes is refused with what it is. */
static int classify(struct fwh_key *k, char *why, size_t whylen)
{
    for (size_t i = 0; fwh_sig_scheme_at(i); i++) {
        const struct fwh_sig_scheme *s = fwh_sig_scheme_at(i);
        int rc = s->classify(s, k->pkey, &k->has_private, why, whylen);
        if (rc == FW_ERR_NOT_FOUND) continue;
        if (rc == FW_OK) k->type = s->id;
        return rc;
    }
    char desc[96], list[96];
    describe(k->pkey, desc, sizeof desc);
    supported_list(list, sizeof list);
    return fwh_why(FW_ERR_KEY, why, whylen, "unsupported key type %s (Secure Boot V2 needs %s)", desc, list);
}

int fwh_key_adopt(EVP_PKEY *pk, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    k->pkey = pk;
    int rc = classify(k, why, whylen);
    if (rc) fwh_key_free(k);
    return rc;
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

int fwh_key_pem_is_encrypted(const uint8_t *pem, size_t len)
{
    return contains(pem, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(pem, len, "Proc-Type: 4,ENCRYPTED");
}

int fwh_key_from_pem(const uint8_t *pem, size_t len, struct fwh_key *k, char *why, size_t whylen)
{
    return fwh_key_from_pem_pass(pem, len, NULL, k, why, whylen);
}

int fwh_key_from_pem_pass(const uint8_t *pem, size_t len, const char *pass, struct fwh_key *k, char *why,
                          size_t whylen)
{
    memset(k, 0, sizeof *k);
    if (len > FWH_KEY_FILE_MAX) return fwh_why(FW_ERR_KEY, why, whylen, "key file too large");
    int encrypted = fwh_key_pem_is_encrypted(pem, len);
    if (encrypted && !pass) return fwh_why(FW_ERR_STATE, why, whylen, "key is encrypted: give --pass");
    /* `openssl ecparam -genkey` writes an EC PARAMETERS block before the key:
     * decode from the first block that is a key. */
    size_t start = skip_ec_params(pem, len);
    /* No PEM armour: DER (PKCS#8, SPKI, or the traditional RSA / SEC1 forms). */
    const char *input = contains(pem, len, "-----BEGIN ") ? "PEM" : "DER";
    OSSL_DECODER_CTX *dctx =
        OSSL_DECODER_CTX_new_for_pkey(&k->pkey, input, NULL, NULL, 0, NULL, NULL);
    if (!dctx) return fwh_why(FW_ERR_CRYPTO, why, whylen, "OpenSSL decoder unavailable");
    /* Only an encrypted key gets the passphrase; OpenSSL never prompts. */
    if (encrypted && OSSL_DECODER_CTX_set_passphrase(dctx, (const unsigned char *)pass, strlen(pass)) != 1) {
        OSSL_DECODER_CTX_free(dctx);
        return fwh_why(FW_ERR_CRYPTO, why, whylen, "OpenSSL decoder unavailable");
    }
    const unsigned char *p = pem + start;
    size_t left = len - start;
    int ok = OSSL_DECODER_from_data(dctx, &p, &left) == 1 && k->pkey;
    OSSL_DECODER_CTX_free(dctx);
    if (!ok) {
        EVP_PKEY_free(k->pkey);
        k->pkey = NULL;
        ERR_clear_error();
        if (encrypted)
            return fwh_why(FW_ERR_AUTH, why, whylen, "wrong passphrase for the encrypted key (or a damaged key file)");
        return fwh_why(FW_ERR_KEY, why, whylen, "not a PEM private or public key (nor DER)");
    }
    int rc = classify(k, why, whylen);
    if (rc) fwh_key_free(k);
    return rc;
}

int fwh_key_load(const char *path, struct fwh_key *k, char *why, size_t whylen)
{
    return fwh_key_load_pass(path, NULL, k, why, whylen);
}

int fwh_key_read(FILE *f, uint8_t **buf, size_t *n, char *why, size_t whylen)
{
    *n = 0;
    *buf = malloc(FWH_KEY_FILE_MAX + 1);
    if (!*buf) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    *n = fread(*buf, 1, FWH_KEY_FILE_MAX + 1, f);
    if (ferror(f)) return fwh_why(FW_ERR_IO, why, whylen, "read failed");
    if (*n > FWH_KEY_FILE_MAX) return fwh_why(FW_ERR_KEY, why, whylen, "too large for a key file");
    return FW_OK;
}

int fwh_key_load_pass(const char *path, const char *pass, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    FILE *f = fopen(path, "rb");
    if (!f) return fwh_why(FW_ERR_IO, why, whylen, "%s", strerror(errno));
    uint8_t *buf;
    size_t n;
    int rc = fwh_key_read(f, &buf, &n, why, whylen);
    fclose(f);
    if (rc == FW_OK) rc = fwh_key_from_pem_pass(buf, n, pass, k, why, whylen);
    fwh_secure_free(buf, FWH_KEY_FILE_MAX + 1);
    return rc;
}

int fwh_key_generate(enum fw_sbv2_scheme t, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    const struct fwh_sig_scheme *s = fwh_sig_scheme_find(t);
    if (!s) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "unknown key type");
    if (!s->generate)
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "fwseal verifies %s signatures but does not make %s keys",
                       s->display, s->display);
    k->pkey = s->generate(s);
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
    if (!k->has_private || k->ext) return FW_ERR_KEY;
    BIO *b = BIO_new(BIO_s_secmem()); /* cleansed on free */
    if (!b) return FW_ERR_NOMEM;
    int rc = PEM_write_bio_PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL) == 1 ? bio_take(b, out, len)
                                                                                  : FW_ERR_CRYPTO;
    BIO_free(b);
    return rc;
}

int fwh_key_private_pem_encrypted(const struct fwh_key *k, const char *pass, uint8_t **out, size_t *len)
{
    if (!k->has_private || k->ext || !pass || !*pass) return FW_ERR_KEY;
    BIO *b = BIO_new(BIO_s_secmem());
    if (!b) return FW_ERR_NOMEM;
    int rc = PEM_write_bio_PKCS8PrivateKey(b, k->pkey, EVP_aes_256_cbc(), pass, (int)strlen(pass), NULL, NULL) == 1
                 ? bio_take(b, out, len)
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
    return fwh_sig_scheme_find(k->type) ? k->type : FW_SBV2_SCHEME_NONE;
}

const char *fwh_key_type_name(enum fw_sbv2_scheme t)
{
    const struct fwh_sig_scheme *s = fwh_sig_scheme_find(t);
    return s ? s->cli_name : "none";
}

enum fw_sbv2_scheme fwh_key_type_parse(const char *s)
{
    const struct fwh_sig_scheme *row = fwh_sig_scheme_by_name(s);
    return row ? row->id : FW_SBV2_SCHEME_NONE;
}

int fwh_key_sbv2_fields(const struct fwh_key *k, struct fw_sbv2_block *b)
{
    const struct fwh_sig_scheme *s = fwh_sig_scheme_find(k->type);
    return s ? s->key_fields(s, k->pkey, b) : FW_ERR_KEY;
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
