/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet release crypto: shared body, per-device headers (see fwh_fleet.h). */
#include "encryptor/fwh_fleet.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "encryptor/fwh_ecies.h"
#include "encryptor/fwh_encimg.h"
#include "fw_err.h"

/* AES-256-GCM, 16-byte IV (the container's), no AAD. */
static EVP_CIPHER_CTX *gcm16(const uint8_t key[32], const uint8_t iv[16], int enc)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) > 0 &&
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) > 0 &&
        EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) > 0)
        return c;
    EVP_CIPHER_CTX_free(c);
    return NULL;
}

int fwh_fleet_key_check(const uint8_t key[FW_ENC_AES_KEY_SIZE], uint8_t out[FW_MF_HASH_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) > 0 &&
             EVP_DigestUpdate(md, FW_MF_KEY_CHECK_LABEL, FW_MF_KEY_CHECK_LABEL_LEN) > 0 &&
             EVP_DigestUpdate(md, key, FW_ENC_AES_KEY_SIZE) > 0 && EVP_DigestFinal_ex(md, out, &len) > 0 &&
             len == FW_MF_HASH_LEN;
    EVP_MD_CTX_free(md);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_fleet_content_new(struct fwh_fleet_content *c)
{
    memset(c, 0, sizeof *c);
    if (RAND_priv_bytes(c->key, sizeof c->key) != 1 || RAND_bytes(c->iv, sizeof c->iv) != 1) return FW_ERR_CRYPTO;
    return fwh_fleet_key_check(c->key, c->key_check);
}

int fwh_fleet_content_ecies_stock(struct fwh_fleet_content *c, EVP_PKEY *dev_pub)
{
    memset(c, 0, sizeof *c);
    if (!fwh_ecies_is_p256(dev_pub)) return FW_ERR_KEY;
    int rc = fwh_ecies_wrap(dev_pub, c->key, c->server_xy, c->salt);
    if (rc == FW_OK && RAND_bytes(c->iv, sizeof c->iv) != 1) rc = FW_ERR_CRYPTO;
    if (rc == FW_OK) rc = fwh_fleet_key_check(c->key, c->key_check);
    c->ecies_stock = 1;
    if (rc != FW_OK) fwh_fleet_content_wipe(c);
    return rc;
}

void fwh_fleet_content_wipe(struct fwh_fleet_content *c)
{
    OPENSSL_cleanse(c->key, sizeof c->key);
}

/* ---- body ------------------------------------------------------------------ */

static EVP_MD_CTX *sha256_new(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) > 0) return md;
    EVP_MD_CTX_free(md);
    return NULL;
}

int fwh_fleet_enc_begin(struct fwh_fleet_enc *e, const struct fwh_fleet_content *c, uint32_t chunk_size,
                        uint8_t (*hashes)[FW_MF_HASH_LEN], uint32_t max_chunks)
{
    memset(e, 0, sizeof *e);
    if (!chunk_size || !hashes || !max_chunks) return FW_ERR_INVALID_ARG;
    e->chunk_size = chunk_size;
    e->hashes = hashes;
    e->max_chunks = max_chunks;
    e->gcm = gcm16(c->key, c->iv, 1);
    e->image_md = sha256_new();
    e->chunk_md = sha256_new();
    if (!e->gcm || !e->image_md || !e->chunk_md) {
        fwh_fleet_enc_free(e);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

static int close_chunk(struct fwh_fleet_enc *e)
{
    unsigned len = 0;
    if (e->nchunks >= e->max_chunks) return FW_ERR_RANGE;
    if (EVP_DigestFinal_ex(e->chunk_md, e->hashes[e->nchunks], &len) <= 0 || len != FW_MF_HASH_LEN ||
        EVP_DigestInit_ex(e->chunk_md, EVP_sha256(), NULL) <= 0)
        return FW_ERR_CRYPTO;
    e->nchunks++;
    e->in_chunk = 0;
    return FW_OK;
}

int fwh_fleet_enc_update(struct fwh_fleet_enc *e, const uint8_t *in, size_t n, uint8_t *out)
{
    if (!e->gcm) return FW_ERR_STATE;
    if (n > UINT32_MAX || e->total + n > UINT32_MAX) return FW_ERR_RANGE;
    if (EVP_DigestUpdate(e->image_md, in, n) <= 0) return FW_ERR_CRYPTO;
    size_t done = 0;
    while (done < n) {
        size_t step = n - done;
        if (step > (size_t)(e->chunk_size - e->in_chunk)) step = e->chunk_size - e->in_chunk;
        int got = 0;
        if (EVP_EncryptUpdate(e->gcm, out + done, &got, in + done, (int)step) <= 0 || got != (int)step ||
            EVP_DigestUpdate(e->chunk_md, out + done, step) <= 0)
            return FW_ERR_CRYPTO;
        e->in_chunk += (uint32_t)step;
        done += step;
        if (e->in_chunk == e->chunk_size) {
            int rc = close_chunk(e);
            if (rc != FW_OK) return rc;
        }
    }
    e->total += n;
    return FW_OK;
}

int fwh_fleet_enc_finish(struct fwh_fleet_enc *e, struct fwh_fleet_content *c)
{
    uint8_t dummy[16];
    int got = 0, rc = FW_OK;
    unsigned len = 0;
    if (!e->gcm) return FW_ERR_STATE;
    if (e->total == 0) rc = FW_ERR_RANGE;
    if (rc == FW_OK && e->in_chunk) rc = close_chunk(e);
    if (rc == FW_OK && (EVP_EncryptFinal_ex(e->gcm, dummy, &got) <= 0 || got != 0 ||
                        EVP_CIPHER_CTX_ctrl(e->gcm, EVP_CTRL_GCM_GET_TAG, FW_ENC_TAG_SIZE, c->tag) <= 0 ||
                        EVP_DigestFinal_ex(e->image_md, c->image_sha256, &len) <= 0 || len != FW_MF_HASH_LEN))
        rc = FW_ERR_CRYPTO;
    if (rc == FW_OK) {
        c->size = (uint32_t)e->total;
        c->chunk_count = e->nchunks;
    }
    fwh_fleet_enc_free(e);
    return rc;
}

void fwh_fleet_enc_free(struct fwh_fleet_enc *e)
{
    EVP_CIPHER_CTX_free(e->gcm);   /* clears the key schedule */
    EVP_MD_CTX_free(e->image_md);
    EVP_MD_CTX_free(e->chunk_md);
    e->gcm = NULL;
    e->image_md = e->chunk_md = NULL;
}

/* ---- headers --------------------------------------------------------------- */

int fwh_fleet_ext_wrap(const uint8_t kek[FW_ENC_AES_KEY_SIZE], const uint8_t key[FW_ENC_AES_KEY_SIZE],
                       struct fw_enc_ext *x)
{
    if (RAND_bytes(x->wrap_iv, sizeof x->wrap_iv) != 1) return FW_ERR_CRYPTO;
    EVP_CIPHER_CTX *g = gcm16(kek, x->wrap_iv, 1);
    uint8_t dummy[16];
    int got = 0, fin = 0;
    int ok = g && EVP_EncryptUpdate(g, x->wrapped, &got, key, FW_ENC_AES_KEY_SIZE) > 0 &&
             got == FW_ENC_AES_KEY_SIZE && EVP_EncryptFinal_ex(g, dummy, &fin) > 0 && fin == 0 &&
             EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_GET_TAG, FW_ENC_EXT_WRAP_TAG_SIZE, x->wrap_tag) > 0;
    EVP_CIPHER_CTX_free(g);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_fleet_ext_unwrap(const uint8_t kek[FW_ENC_AES_KEY_SIZE], const struct fw_enc_ext *x,
                         uint8_t key[FW_ENC_AES_KEY_SIZE])
{
    EVP_CIPHER_CTX *g = gcm16(kek, x->wrap_iv, 0);
    uint8_t dummy[16];
    int got = 0, fin = 0;
    if (!g) return FW_ERR_CRYPTO;
    int rc = FW_ERR_CRYPTO;
    if (EVP_DecryptUpdate(g, key, &got, x->wrapped, FW_ENC_EXT_WRAPPED_SIZE) > 0 && got == FW_ENC_AES_KEY_SIZE &&
        EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_SET_TAG, FW_ENC_EXT_WRAP_TAG_SIZE, (void *)x->wrap_tag) > 0)
        rc = EVP_DecryptFinal_ex(g, dummy, &fin) > 0 ? FW_OK : FW_ERR_AUTH;
    EVP_CIPHER_CTX_free(g);
    ERR_clear_error();
    if (rc != FW_OK) OPENSSL_cleanse(key, FW_ENC_AES_KEY_SIZE);
    return rc;
}

static int rsa_wrap(EVP_PKEY *pub, const uint8_t key[32], uint8_t wrapped[FW_ENC_RSA_WRAPPED_SIZE])
{
    size_t len = FW_ENC_RSA_WRAPPED_SIZE;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    int ok = ctx && EVP_PKEY_encrypt_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
             EVP_PKEY_encrypt(ctx, wrapped, &len, key, FW_ENC_AES_KEY_SIZE) > 0 && len == FW_ENC_RSA_WRAPPED_SIZE;
    EVP_PKEY_CTX_free(ctx);
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

static int shared_ecies_header(EVP_PKEY *dev_pub, const struct fwh_fleet_content *c, struct fw_enc_header *h)
{
    uint8_t kek[FW_ENC_AES_KEY_SIZE], xy[FW_ENC_SERVER_PUB_SIZE], salt[FW_ENC_KDF_SALT_SIZE];
    struct fw_enc_ext x;
    int rc = fwh_ecies_wrap(dev_pub, kek, xy, salt);
    if (rc == FW_OK) rc = fwh_fleet_ext_wrap(kek, c->key, &x);
    OPENSSL_cleanse(kek, sizeof kek);
    if (rc != FW_OK) return rc;
    fw_enc_header_init_ecies(h, xy, salt, c->iv, c->size);
    fw_enc_ext_encode(h, &x);
    return FW_OK;
}

int fwh_fleet_header(EVP_PKEY *dev_pub, const struct fwh_fleet_content *c, uint8_t hdr[FW_ENC_HEADER_SIZE])
{
    struct fw_enc_header h;
    int scheme = 0, rc = fwh_encimg_key_scheme(dev_pub, &scheme, NULL, 0);
    if (rc != FW_OK) return rc;
    if (scheme == FW_ENC_SCHEME_RSA3072) {
        if (c->ecies_stock) return FW_ERR_KEY;
        uint8_t wrapped[FW_ENC_RSA_WRAPPED_SIZE];
        rc = rsa_wrap(dev_pub, c->key, wrapped);
        if (rc == FW_OK) fw_enc_header_init_rsa(&h, wrapped, c->iv, c->size);
    } else if (c->ecies_stock) {
        fw_enc_header_init_ecies(&h, c->server_xy, c->salt, c->iv, c->size);
    } else {
        rc = shared_ecies_header(dev_pub, c, &h);
    }
    ERR_clear_error();
    if (rc != FW_OK) return rc;
    memcpy(h.tag, c->tag, sizeof h.tag);
    fw_enc_header_encode(&h, hdr);
    return FW_OK;
}
