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
