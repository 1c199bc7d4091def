#include "device/fwd_nvs.h"

#include <string.h>

#include <mbedtls/platform_util.h>

#include "fw_bytes.h"
#include "fw_err.h"

int fwd_nvs_xts_init(struct fwd_nvs_xts *x, const uint8_t keys[64])
{
    mbedtls_aes_xts_init(&x->enc);
    mbedtls_aes_xts_init(&x->dec);
    if (mbedtls_aes_xts_setkey_enc(&x->enc, keys, 512) || mbedtls_aes_xts_setkey_dec(&x->dec, keys, 512)) {
        fwd_nvs_xts_free(x);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

void fwd_nvs_xts_free(struct fwd_nvs_xts *x)
{
    mbedtls_aes_xts_free(&x->enc);
    mbedtls_aes_xts_free(&x->dec);
}

/* One entry = one 32-byte XTS data unit, tweak = its partition offset. */
static int xts_unit(mbedtls_aes_xts_context *c, int mode, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    uint8_t tweak[16] = { 0 };
    fw_enc32le(tweak, off);
    return mbedtls_aes_crypt_xts(c, mode, 32, tweak, in, out) ? FW_ERR_CRYPTO : FW_OK;
}

static int enc_cb(void *ctx, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    return xts_unit(&((struct fwd_nvs_xts *)ctx)->enc, MBEDTLS_AES_ENCRYPT, off, in, out);
}

static int dec_cb(void *ctx, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    return xts_unit(&((struct fwd_nvs_xts *)ctx)->dec, MBEDTLS_AES_DECRYPT, off, in, out);
}

void fwd_nvs_xts_crypt(struct fwd_nvs_xts *x, struct fw_nvs_crypt *c)
{
    c->encrypt = enc_cb;
    c->decrypt = dec_cb;
    c->ctx = x;
}

int fwd_nvs_keys_load(const struct fwd_nvs_keys_src *src, uint8_t keys[64])
{
    uint8_t raw[68], dec[68];
    int rc = src->read_raw(src->ctx, 0, raw, sizeof raw);
    if (!rc) rc = src->read_dec(src->ctx, 0, dec, sizeof dec);
    if (!rc) rc = fw_nvs_keys_parse(raw, dec, keys);
    mbedtls_platform_zeroize(dec, sizeof dec);
    mbedtls_platform_zeroize(raw, sizeof raw);
    return rc;
}

static int reg_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct fwd_nvs_region *r = ctx;
    return fwd_flash_read(r->flash, r->base + off, buf, len);
}

static int reg_write(void *ctx, uint32_t off, const void *buf, size_t len)
{
    struct fwd_nvs_region *r = ctx;
    return fwd_flash_write(r->flash, r->base + off, buf, len);
}

static int reg_erase(void *ctx, uint32_t off, size_t len)
{
    struct fwd_nvs_region *r = ctx;
    return fwd_flash_erase(r->flash, r->base + off, len);
}

void fwd_nvs_region_io(struct fwd_nvs_region *r, const struct fwd_flash *f, uint32_t base, uint32_t size,
                       struct fw_nvs_io *io)
{
    r->flash = f;
    r->base = base;
    io->size = size;
    io->read = reg_read;
    io->write = reg_write;
    io->erase = reg_erase;
    io->ctx = r;
    io->nor_reprogram = (f->caps & FWD_FLASH_CAP_NOR_REPROGRAM) != 0;
}

int fwd_nvs_init_keys(struct fwd_nvs *n, const struct fw_nvs_io *io, const uint8_t *keys64, int readonly)
{
    memset(n, 0, sizeof *n);
    struct fw_nvs_crypt c;
    if (keys64) {
        int rc = fwd_nvs_xts_init(&n->xts, keys64);
        if (rc) return rc;
        n->encrypted = 1;
        fwd_nvs_xts_crypt(&n->xts, &c);
    }
    int rc = fw_nvs_mount(&n->store, io, keys64 ? &c : NULL, readonly);
    if (rc && n->encrypted) {
        const char *why = n->store.why;
        fwd_nvs_deinit(n);
        n->store.why = why;
    }
    return rc;
}

int fwd_nvs_init(struct fwd_nvs *n, const struct fw_nvs_io *io, const struct fwd_nvs_keys_src *keys, int readonly)
{
    if (!keys) return fwd_nvs_init_keys(n, io, NULL, readonly);
    uint8_t k[64];
    int rc = fwd_nvs_keys_load(keys, k);
    if (rc) {
        memset(n, 0, sizeof *n);
        n->store.why = rc == FW_ERR_STATE ? "nvs_keys partition: keys not initialised"
                                          : "nvs_keys partition: corrupt (CRC mismatch)";
        return rc;
    }
    rc = fwd_nvs_init_keys(n, io, k, readonly);
    mbedtls_platform_zeroize(k, sizeof k);
    return rc;
}

void fwd_nvs_deinit(struct fwd_nvs *n)
{
    if (n->encrypted) fwd_nvs_xts_free(&n->xts);
    n->encrypted = 0;
}
