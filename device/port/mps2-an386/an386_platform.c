/* SPDX-License-Identifier: Apache-2.0 */
/* HAL of the MPS2 AN386 port (an386_platform.h). */
#include "device/port/mps2-an386/an386_platform.h"

#include <string.h>

#include "device/port/mps2-an386/an386_rt.h"
#include "device/port/mps2-an386/an386_semihost.h"
#include "fw_bytes.h"

/* The emulated NOR chip: PSRAM, not RAM the firmware uses (an386.ld). */
static uint8_t nor_mem[AN386_FLASH_MAX] __attribute__((section(".nor_flash"), aligned(4096)));

/* ---- flash -------------------------------------------------------------------- */

static int in_window(const struct an386_flash *f, uint32_t addr, size_t len)
{
    for (unsigned i = 0; i < f->nwin; i++)
        if (addr >= f->lo[i] && (uint64_t)addr + len <= f->hi[i]) return 1;
    return 0;
}

static void mark_dirty(struct an386_flash *f, uint32_t addr, size_t len)
{
    if (addr < f->dirty_lo) f->dirty_lo = addr;
    if (addr + (uint32_t)len > f->dirty_hi) f->dirty_hi = addr + (uint32_t)len;
}

static int nor_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct an386_flash *f = ctx;
    if ((uint64_t)addr + len > f->size) return FW_ERR_INVALID_ARG;
    memcpy(buf, f->mem + addr, len);
    return FW_OK;
}

static int nor_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct an386_flash *f = ctx;
    const uint8_t *src = buf;
    if ((uint64_t)addr + len > f->size) return FW_ERR_INVALID_ARG;
    if (addr % f->write_align || len % f->write_align) return FW_ERR_ALIGN;
    uint8_t *m = f->mem + addr;
    if (in_window(f, addr, len)) {      /* NOR: programming may only clear bits */
        for (size_t i = 0; i < len; i++)
            if ((m[i] & src[i]) != src[i]) return FW_ERR_NOT_ERASED;
    } else {                            /* strict, as the simulator: only erased bytes */
        for (size_t i = 0; i < len; i++)
            if (m[i] != 0xFF) return FW_ERR_NOT_ERASED;
    }
    for (size_t i = 0; i < len; i++) m[i] &= src[i];
    mark_dirty(f, addr, len);
    return FW_OK;
}

static int nor_erase(void *ctx, uint32_t addr, size_t len)
{
    struct an386_flash *f = ctx;
    if ((uint64_t)addr + len > f->size) return FW_ERR_INVALID_ARG;
    if (addr % f->sector_size || len % f->sector_size) return FW_ERR_ALIGN;
    memset(f->mem + addr, 0xFF, len);
    mark_dirty(f, addr, len);
    return FW_OK;
}

int an386_flash_allow_reprogram(struct an386_platform *p, uint32_t addr, uint32_t len)
{
    struct an386_flash *f = &p->flash;
    for (unsigned i = 0; i < f->nwin; i++)
        if (f->lo[i] == addr && f->hi[i] == addr + len) return FW_OK;   /* already open */
    if (f->nwin >= AN386_REPROGRAM_WINDOWS) return FW_ERR_NO_SPACE;
    f->lo[f->nwin] = addr;
    f->hi[f->nwin] = addr + len;
    f->nwin++;
    p->plat.flash.caps |= FWD_FLASH_CAP_NOR_REPROGRAM;
    return FW_OK;
}

static int load_file(const char *path, uint8_t *buf, size_t max, size_t *len)
{
    int fd = sh_open(path, SH_MODE_RB);
    if (fd < 0) return FW_ERR_IO;
    long n = sh_flen(fd);
    int rc = FW_OK;
    if (n <= 0 || (size_t)n > max) rc = FW_ERR_FORMAT;
    else if (sh_read(fd, buf, (size_t)n) != n) rc = FW_ERR_IO;
    sh_close(fd);
    *len = rc == FW_OK ? (size_t)n : 0;
    return rc;
}

/* Semihosting files have no positioned write: the whole image is written
 * back (a host file copy, not flash wear). */
static int save_file(const char *path, const uint8_t *buf, size_t len)
{
    int fd = sh_open(path, SH_MODE_WB);
    if (fd < 0) return FW_ERR_IO;
    int rc = sh_write_all(fd, buf, len) ? FW_ERR_IO : FW_OK;
    if (sh_close(fd) && rc == FW_OK) rc = FW_ERR_IO;
    return rc;
}

/* ---- eFuse -------------------------------------------------------------------- */

static int ef_load(void *ctx, struct fwd_efuse_state *out)
{
    struct an386_efuse *e = ctx;
    return fwd_sim_efuse_decode(e->blob, out);
}

/* OR the requested bits in (never clears), then persist at once: an eFuse
 * burn is permanent the moment it returns. */
static int ef_burn(void *ctx, const struct fwd_efuse_state *req)
{
    struct an386_efuse *e = ctx;
    uint8_t want[FWD_SIM_EFUSE_FILE_SIZE], next[FWD_SIM_EFUSE_FILE_SIZE];
    if (e->flush_flash && e->flush_flash(e->flush_ctx)) return FW_ERR_IO;
    fwd_sim_efuse_encode(req, want);
    for (size_t i = 0; i < sizeof next; i++) next[i] = (uint8_t)(e->blob[i] | want[i]);
    int rc = save_file(e->path, next, sizeof next);
    if (rc == FW_OK) memcpy(e->blob, next, sizeof next);
    fw_wipe(want, sizeof want);
    fw_wipe(next, sizeof next);
    return rc;
}

/* ---- time --------------------------------------------------------------------- */

static uint64_t time_ms(void *ctx)
{
    (void)ctx;
    return an386_now_ms();
}

/* ---- the platform ------------------------------------------------------------- */

/* DIR/NAME into out (no printf: a bootloader image carries no formatter). */
static int join(char *out, size_t max, const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    if (d + 1 + n + 1 > max) return FW_ERR_INVALID_ARG;
    memcpy(out, dir, d);
    out[d] = '/';
    memcpy(out + d + 1, name, n + 1);
    return FW_OK;
}

static int no_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return FW_ERR_CRYPTO;   /* an386_attach_random() not called: fail closed */
}

static int flush_flash(void *ctx)
{
    return an386_save(ctx);
}

int an386_open(struct an386_platform *p, const char *dir, uint32_t write_align)
{
    memset(p, 0, sizeof *p);
    if (write_align == 0 || write_align > 256 || 4096 % write_align) return FW_ERR_INVALID_ARG;
    if (join(p->flash_path, sizeof p->flash_path, dir, "flash.bin") ||
        join(p->efuse.path, sizeof p->efuse.path, dir, "efuse.bin"))
        return FW_ERR_INVALID_ARG;
    size_t n;
    int rc = load_file(p->flash_path, nor_mem, sizeof nor_mem, &n);
    if (rc) return rc;
    if (n < 4096 || n % 4096) return FW_ERR_FORMAT;
    p->flash = (struct an386_flash){ .mem = nor_mem, .size = (uint32_t)n, .sector_size = 4096,
                                     .write_align = write_align, .dirty_lo = UINT32_MAX };
    size_t en;
    if ((rc = load_file(p->efuse.path, p->efuse.blob, sizeof p->efuse.blob, &en))) return rc;
    struct fwd_efuse_state st;
    if (en != sizeof p->efuse.blob || fwd_sim_efuse_decode(p->efuse.blob, &st)) return FW_ERR_FORMAT;
    fw_wipe(&st, sizeof st);

    an386_rng_count_mbedtls_heap();   /* heap figures count mbedTLS */
    p->plat.random = (struct fwd_random){ .fill = no_random, .ctx = NULL };

    p->plat.flash = (struct fwd_flash){ .size = p->flash.size, .sector_size = 4096, .write_align = write_align,
                                        .read = nor_read, .write = nor_write, .erase = nor_erase,
                                        .ctx = &p->flash, .caps = 0 };
    p->plat.efuse = (struct fwd_efuse){ .load = ef_load, .burn = ef_burn, .ctx = &p->efuse };
    p->efuse.flush_flash = flush_flash;
    p->efuse.flush_ctx = p;
    p->plat.time = (struct fwd_time){ .now_ms = time_ms, .ctx = NULL };
    return FW_OK;
}

int an386_attach_random(struct an386_platform *p, const struct an386_entropy *ent)
{
    int rc = an386_rng_init(&p->rng, ent, &p->plat.random);
    if (rc == FW_OK) p->rng_ready = 1;
    return rc;
}

int an386_save(struct an386_platform *p)
{
    if (p->flash.dirty_lo >= p->flash.dirty_hi) return FW_OK;   /* nothing changed */
    int rc = save_file(p->flash_path, p->flash.mem, p->flash.size);
    if (rc == FW_OK) {
        p->flash.dirty_lo = UINT32_MAX;
        p->flash.dirty_hi = 0;
    }
    return rc;
}

void an386_close(struct an386_platform *p)
{
    if (p->rng_ready) an386_rng_free(&p->rng);
    p->rng_ready = 0;
    fw_wipe(p->efuse.blob, sizeof p->efuse.blob);
}
