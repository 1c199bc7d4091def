/* SPDX-License-Identifier: Apache-2.0 */
#include "device/fwd_nvs.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_flashenc.h"
#include "fw_err.h"

int fwd_nvs_xts_init(struct fwd_nvs_xts *x, const uint8_t keys[FW_NVS_KEYS_LEN])
{
    memset(x, 0, sizeof *x);
    if (fwd_xts_init(&x->enc, FWD_XTS_ENCRYPT, keys, FW_NVS_KEYS_LEN) ||
        fwd_xts_init(&x->dec, FWD_XTS_DECRYPT, keys, FW_NVS_KEYS_LEN)) {
        fwd_nvs_xts_free(x);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

void fwd_nvs_xts_free(struct fwd_nvs_xts *x)
{
    fwd_xts_free(&x->enc);
    fwd_xts_free(&x->dec);
}

/* One entry = one 32-byte XTS data unit, tweak = its partition offset. */
static int xts_unit(const struct fwd_xts_ctx *c, uint32_t off, const uint8_t in[FW_NVS_ENTRY_SIZE],
                    uint8_t out[FW_NVS_ENTRY_SIZE])
{
    uint8_t tweak[FW_XTS_TWEAK_LEN];
    fw_xts_tweak_le32(off, tweak);
    return fwd_xts_crypt(c, tweak, in, out, FW_NVS_ENTRY_SIZE) == FW_OK ? FW_OK : FW_ERR_CRYPTO;
}

static int enc_cb(void *ctx, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    return xts_unit(&((struct fwd_nvs_xts *)ctx)->enc, off, in, out);
}

static int dec_cb(void *ctx, uint32_t off, const uint8_t in[32], uint8_t out[32])
{
    return xts_unit(&((struct fwd_nvs_xts *)ctx)->dec, off, in, out);
}

void fwd_nvs_xts_crypt(struct fwd_nvs_xts *x, struct fw_nvs_crypt *c)
{
    c->encrypt = enc_cb;
    c->decrypt = dec_cb;
    c->ctx = x;
}

int fwd_nvs_keys_load(const struct fwd_nvs_keys_src *src, uint8_t keys[FW_NVS_KEYS_LEN])
{
    uint8_t raw[FW_NVS_KEYS_RECORD_LEN], dec[FW_NVS_KEYS_RECORD_LEN];
    int rc = src->read_raw(src->ctx, 0, raw, sizeof raw);
    if (!rc) rc = src->read_dec(src->ctx, 0, dec, sizeof dec);
    if (!rc) rc = fw_nvs_keys_parse(raw, dec, keys);
    fw_wipe(dec, sizeof dec);
    fw_wipe(raw, sizeof raw);
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
        struct fw_fail fail = n->store.fail;
        fwd_nvs_deinit(n);
        n->store.fail = fail;
    }
    return rc;
}

int fwd_nvs_init(struct fwd_nvs *n, const struct fw_nvs_io *io, const struct fwd_nvs_keys_src *keys, int readonly)
{
    if (!keys) return fwd_nvs_init_keys(n, io, NULL, readonly);
    uint8_t k[FW_NVS_KEYS_LEN];
    int rc = fwd_nvs_keys_load(keys, k);
    if (rc) {
        memset(n, 0, sizeof *n);
        return fw_fail_set(&n->store.fail, rc, rc == FW_ERR_STATE ? "nvs_keys partition: keys not initialised"
                                                                  : "nvs_keys partition: corrupt (CRC mismatch)");
    }
    rc = fwd_nvs_init_keys(n, io, k, readonly);
    fw_wipe(k, sizeof k);
    return rc;
}

void fwd_nvs_deinit(struct fwd_nvs *n)
{
    if (n->encrypted) fwd_nvs_xts_free(&n->xts);
    n->encrypted = 0;
}
