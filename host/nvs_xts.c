/* SPDX-License-Identifier: Apache-2.0 */
#include "host/nvs_host.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "fw_bytes.h"
#include "fw_err.h"

void fwh_nvs_xts_init(struct fwh_nvs_xts *x, const uint8_t keys[64])
{
    memcpy(x->key, keys, 64);
}

void fwh_nvs_xts_free(struct fwh_nvs_xts *x)
{
    OPENSSL_cleanse(x->key, sizeof x->key);
}

/* One 32-byte data unit; OpenSSL's XTS matches IEEE 1619 (no reversal). */
static int xts_one(struct fwh_nvs_xts *x, int enc, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    uint8_t tweak[16] = { 0 };
    fw_enc32le(tweak, off);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok = c && EVP_CipherInit_ex(c, EVP_aes_256_xts(), NULL, x->key, tweak, enc) == 1 &&
                    EVP_CipherUpdate(c, out, &n, in, 32) == 1 && n == 32;
    EVP_CIPHER_CTX_free(c);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

static int enc_cb(void *ctx, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    return xts_one(ctx, 1, off, in, out);
}

static int dec_cb(void *ctx, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    return xts_one(ctx, 0, off, in, out);
}

void fwh_nvs_xts_crypt(struct fwh_nvs_xts *x, struct fw_nvs_crypt *c)
{
    c->encrypt = enc_cb;
    c->decrypt = dec_cb;
    c->ctx = x;
}

int fwh_nvs_keys_random(uint8_t keys[64])
{
    /* OpenSSL refuses XTS keys whose halves are equal; redraw in that case */
    do {
        if (RAND_bytes(keys, 64) != 1) return FW_ERR_CRYPTO;
    } while (!memcmp(keys, keys + 32, 32));
    return FW_OK;
}
