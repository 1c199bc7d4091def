/* SPDX-License-Identifier: Apache-2.0 */
#include "device/fwd_hal.h"

static int in_bounds(const struct fwd_flash *f, uint32_t addr, size_t len)
{
    return f && (uint64_t)addr + (uint64_t)len <= (uint64_t)f->size;
}

int fwd_flash_read(const struct fwd_flash *f, uint32_t addr, void *buf, size_t len)
{
    if (!in_bounds(f, addr, len) || (!buf && len)) return FW_ERR_INVALID_ARG;
    return len ? f->read(f->ctx, addr, buf, len) : FW_OK;
}

int fwd_flash_write(const struct fwd_flash *f, uint32_t addr, const void *buf, size_t len)
{
    if (!in_bounds(f, addr, len) || (!buf && len)) return FW_ERR_INVALID_ARG;
    if (f->write_align > 1 && (addr % f->write_align || len % f->write_align)) return FW_ERR_ALIGN;
    return len ? f->write(f->ctx, addr, buf, len) : FW_OK;
}

int fwd_flash_erase(const struct fwd_flash *f, uint32_t addr, size_t len)
{
    if (!in_bounds(f, addr, len)) return FW_ERR_INVALID_ARG;
    if (addr % f->sector_size || len % f->sector_size) return FW_ERR_ALIGN;
    return len ? f->erase(f->ctx, addr, len) : FW_OK;
}

/* Transparent encryption works on 16-byte AES blocks (ESP's driver has the
 * same rule); a driver without it gets no plaintext. */
int fwd_flash_has_encryption(const struct fwd_flash *f)
{
    return f && f->write_encrypted && f->read_decrypted;
}

static int enc_args_ok(const struct fwd_flash *f, uint32_t addr, const void *buf, size_t len)
{
    if (!in_bounds(f, addr, len) || (!buf && len)) return FW_ERR_INVALID_ARG;
    if (!fwd_flash_has_encryption(f)) return FW_ERR_KEY;
    if (addr % 16 || len % 16) return FW_ERR_ALIGN;
    return FW_OK;
}

int fwd_flash_write_encrypted(const struct fwd_flash *f, uint32_t addr, const void *buf, size_t len)
{
    int rc = enc_args_ok(f, addr, buf, len);
    if (rc) return rc;
    return len ? f->write_encrypted(f->ctx, addr, buf, len) : FW_OK;
}

int fwd_flash_read_decrypted(const struct fwd_flash *f, uint32_t addr, void *buf, size_t len)
{
    int rc = enc_args_ok(f, addr, buf, len);
    if (rc) return rc;
    return len ? f->read_decrypted(f->ctx, addr, buf, len) : FW_OK;
}
