/* SPDX-License-Identifier: Apache-2.0 */
#include "device/fwd_nvs_part.h"

#include <string.h>


#include "fw_bytes.h"
#include "fw_err.h"

static int b_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct fwd_nvs_bind *b = ctx;
    return fwd_part_read_raw(b->dev, b->part, off, buf, len);
}

static int b_write(void *ctx, uint32_t off, const void *buf, size_t len)
{
    struct fwd_nvs_bind *b = ctx;
    return fwd_part_write_raw(b->dev, b->part, off, buf, len);
}

static int b_erase(void *ctx, uint32_t off, size_t len)
{
    struct fwd_nvs_bind *b = ctx;
    return fwd_part_erase(b->dev, b->part, off, len);
}

static int b_read_dec(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct fwd_nvs_bind *b = ctx;
    return fwd_part_read(b->dev, b->part, off, buf, len);
}

void fwd_nvs_part_io(struct fwd_nvs_bind *b, struct fwd_dev *d, const struct fwd_part *p, struct fw_nvs_io *io)
{
    b->dev = d;
    b->part = p;
    io->size = p->size;
    io->read = b_read;
    io->write = b_write;
    io->erase = b_erase;
    io->ctx = b;
    io->nor_reprogram = (d->plat->flash.caps & FWD_FLASH_CAP_NOR_REPROGRAM) != 0;
}

void fwd_nvs_part_keys_src(struct fwd_nvs_bind *b, struct fwd_dev *d, const struct fwd_part *p,
                           struct fwd_nvs_keys_src *src)
{
    b->dev = d;
    b->part = p;
    src->read_raw = b_read;
    src->read_dec = b_read_dec;
    src->ctx = b;
}

int fwd_nvs_keys_provision(struct fwd_dev *d, const struct fwd_part *p, const uint8_t keys[FW_NVS_KEYS_LEN])
{
    if (p->size < FW_NVS_KEYS_IMAGE_LEN) return FW_ERR_RANGE;
    uint8_t img[FW_NVS_KEYS_IMAGE_LEN];
    fw_nvs_keys_build(keys, img);
    int rc = fwd_part_erase(d, p, 0, sizeof img);
    /* keys + CRC + 0xFF up to whole 16-byte blocks (encrypted writes) */
    if (!rc) rc = fwd_part_write(d, p, 0, img, (size_t)fw_align_up(FW_NVS_KEYS_RECORD_LEN, FW_FE_BLOCK_LEN));
    fw_wipe(img, sizeof img);
    return rc;
}

int fwd_nvs_dev_open(struct fwd_nvs_dev *n, struct fwd_dev *d, const char *label, int readonly)
{
    memset(n, 0, sizeof *n);
    const struct fwd_part *p = fwd_part_find(d, label ? label : "nvs");
    if (!p) {
        return fw_fail_set(&n->nvs.store.fail, FW_ERR_NOT_FOUND, "no such partition");
    }
    if (p->type != FW_PT_TYPE_DATA || p->subtype != FW_PT_SUB_DATA_NVS) {
        return fw_fail_set(&n->nvs.store.fail, FW_ERR_FORMAT, "not a data/nvs partition");
    }
    if (p->flags & FW_PT_FLAG_ENCRYPTED) {
        return fw_fail_set(&n->nvs.store.fail, FW_ERR_STATE, "NVS partition must not be flagged encrypted (NVS has its own encryption)");
    }
    struct fw_nvs_io io;
    fwd_nvs_part_io(&n->data, d, p, &io);
    const struct fwd_part *k = fwd_part_find_type(d, FW_PT_TYPE_DATA, FW_PT_SUB_DATA_NVS_KEYS);
    if (!k) return fwd_nvs_init(&n->nvs, &io, NULL, readonly);
    struct fwd_nvs_keys_src src;
    fwd_nvs_part_keys_src(&n->keys, d, k, &src);
    return fwd_nvs_init(&n->nvs, &io, &src, readonly);
}

void fwd_nvs_dev_close(struct fwd_nvs_dev *n)
{
    fwd_nvs_deinit(&n->nvs);
}

int fwd_nvs_dev_erase(struct fwd_dev *d, const char *label)
{
    const struct fwd_part *p = fwd_part_find(d, label);
    if (!p) return FW_ERR_NOT_FOUND;
    if (p->type != FW_PT_TYPE_DATA || p->subtype != FW_PT_SUB_DATA_NVS) return FW_ERR_FORMAT;
    return fwd_part_erase(d, p, 0, p->size);
}
