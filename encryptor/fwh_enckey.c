/* SPDX-License-Identifier: Apache-2.0 */
#include "encryptor/fwh_enckey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "fw_err.h"

/* Refuse passphrase prompts: these tools run unattended. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf; (void)size; (void)rwflag; (void)u;
    return 0;
}

static BIO *mem_bio(const uint8_t *pem, size_t len)
{
    return len > 0x7FFFFFFF ? NULL : BIO_new_mem_buf(pem, (int)len);
}

int fwh_enckey_priv_from_pem(const uint8_t *pem, size_t len, EVP_PKEY **out)
{
    BIO *b = mem_bio(pem, len);
    *out = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL) : NULL;
    BIO_free(b);
    ERR_clear_error();
    return *out ? FW_OK : FW_ERR_KEY;
}

int fwh_enckey_pub_from_pem(const uint8_t *pem, size_t len, EVP_PKEY **out)
{
    BIO *b = mem_bio(pem, len);
    *out = b ? PEM_read_bio_PUBKEY(b, NULL, no_passphrase, NULL) : NULL;
    BIO_free(b);
    ERR_clear_error();
    if (*out) return FW_OK;
    return fwh_enckey_priv_from_pem(pem, len, out);
}

int fwh_enckey_pub_to_pem(EVP_PKEY *pk, char **pem, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *p = NULL;
    long n;
    int rc = FW_ERR_CRYPTO;
    if (b && PEM_write_bio_PUBKEY(b, pk) && (n = BIO_get_mem_data(b, &p)) > 0) {
        *pem = malloc((size_t)n + 1);
        if (*pem) {
            memcpy(*pem, p, (size_t)n);
            (*pem)[n] = '\0';
            *len = (size_t)n;
            rc = FW_OK;
        } else {
            rc = FW_ERR_NOMEM;
        }
    }
    BIO_free(b);
    ERR_clear_error();
    return rc;
}

struct fwh_pubkey_decoder {
    OSSL_DECODER_CTX *ctx;
    EVP_PKEY *out;                 /* where the context puts each key */
};

struct fwh_pubkey_decoder *fwh_pubkey_decoder_new(void)
{
    struct fwh_pubkey_decoder *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->ctx = OSSL_DECODER_CTX_new_for_pkey(&d->out, NULL, "SubjectPublicKeyInfo", NULL, EVP_PKEY_PUBLIC_KEY, NULL, NULL);
    if (!d->ctx) {
        free(d);
        ERR_clear_error();
        return NULL;
    }
    return d;
}

int fwh_pubkey_decoder_load(struct fwh_pubkey_decoder *d, const uint8_t *buf, size_t len, EVP_PKEY **out)
{
    const unsigned char *p = buf;
    size_t left = len;
    *out = NULL;
    d->out = NULL;
    int ok = OSSL_DECODER_from_data(d->ctx, &p, &left) && d->out;
    ERR_clear_error();
    if (!ok) {
        EVP_PKEY_free(d->out);
        d->out = NULL;
        return FW_ERR_KEY;
    }
    *out = d->out;
    d->out = NULL;
    return FW_OK;
}

void fwh_pubkey_decoder_free(struct fwh_pubkey_decoder *d)
{
    if (!d) return;
    OSSL_DECODER_CTX_free(d->ctx);
    free(d);
}
