/* SPDX-License-Identifier: Apache-2.0 */
#include "device/port/sim/fwd_sim_nor.h"

#include "fw_err.h"

static int inside(const struct fwd_sim_nor *v, uint32_t addr, size_t len)
{
    for (unsigned i = 0; i < v->n; i++)
        if (addr >= v->lo[i] && (uint64_t)addr + len <= v->hi[i]) return 1;
    return 0;
}

static int nor_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct fwd_sim_nor *v = ctx;
    return v->inner.read(v->inner.ctx, addr, buf, len);
}

static int nor_erase(void *ctx, uint32_t addr, size_t len)
{
    struct fwd_sim_nor *v = ctx;
    return v->inner.erase(v->inner.ctx, addr, len);
}

static int nor_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct fwd_sim_nor *v = ctx;
    struct fwd_sim_flash *s = v->sim;
    if (!inside(v, addr, len) || s->dead || (uint64_t)addr + len > s->size)
        return v->inner.write(v->inner.ctx, addr, buf, len);
    const uint8_t *b = buf;
    for (size_t i = 0; i < len; i++)
        if ((s->mem[addr + i] & b[i]) != b[i]) return FW_ERR_NOT_ERASED; /* would set a bit */
    int strict = s->strict;
    s->strict = 0;
    int rc = v->inner.write(v->inner.ctx, addr, buf, len);
    s->strict = strict;
    return rc;
}

void fwd_sim_nor_hal(struct fwd_sim_nor *v, struct fwd_sim_flash *sim, struct fwd_flash *out)
{
    v->sim = sim;
    v->n = 0;
    fwd_sim_flash_hal(sim, &v->inner);
    *out = v->inner;
    out->read = nor_read;
    out->write = nor_write;
    out->erase = nor_erase;
    out->ctx = v;
    out->caps = v->inner.caps | FWD_FLASH_CAP_NOR_REPROGRAM; /* inside the windows; strict outside */
}

int fwd_sim_nor_allow(struct fwd_sim_nor *v, uint32_t addr, uint32_t len)
{
    if (v->n >= FWD_SIM_NOR_WINDOWS) return FW_ERR_NO_SPACE;
    v->lo[v->n] = addr;
    v->hi[v->n] = addr + len;
    v->n++;
    return FW_OK;
}
