/* SPDX-License-Identifier: Apache-2.0 */
/* File-backed NOR flash simulator with power-cut injection (see fwd_sim.h). */
#include "device/port/sim/fwd_sim.h"
#include "device/port/sim/fwd_sim_tear.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIM_SECTOR 4096u
#define SIM_WRITE_ALIGN 4u

static void sim_defaults(struct fwd_sim_flash *s, uint32_t size)
{
    memset(s, 0, sizeof *s);
    s->size = size;
    s->sector_size = SIM_SECTOR;
    s->write_align = SIM_WRITE_ALIGN;
    s->fd = -1;
    s->trace_fd = -1;
    s->strict = 1;
    s->cut_seed = FWD_SIM_CUT_SEED_DEFAULT;
    s->cut_keep = FWD_SIM_KEEP_PICK;
}

static int size_ok(uint32_t size)
{
    return size >= SIM_SECTOR && size % SIM_SECTOR == 0;
}

int fwd_sim_flash_open_mem(struct fwd_sim_flash *s, uint32_t size)
{
    if (!s || !size_ok(size)) return FW_ERR_INVALID_ARG;
    sim_defaults(s, size);
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return FW_ERR_NOMEM;
    s->mem = m;
    memset(s->mem, 0xFF, size);
    return FW_OK;
}

int fwd_sim_flash_open_file(struct fwd_sim_flash *s, const char *path, uint32_t size, int create)
{
    if (!s || !path) return FW_ERR_INVALID_ARG;
    int fd;
    if (create) {
        if (!size_ok(size)) return FW_ERR_INVALID_ARG;
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) return FW_ERR_IO;
        if (ftruncate(fd, (off_t)size) != 0) { close(fd); unlink(path); return FW_ERR_IO; }
    } else {
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) return FW_ERR_IO;
        struct stat st;
        if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > UINT32_MAX ||
            !size_ok((uint32_t)st.st_size)) {
            close(fd);
            return FW_ERR_FORMAT;
        }
        size = (uint32_t)st.st_size;
    }
    sim_defaults(s, size);
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) { close(fd); return FW_ERR_IO; }
    s->mem = m;
    s->fd = fd;
    if (create) memset(s->mem, 0xFF, size);
    return FW_OK;
}

void fwd_sim_flash_close(struct fwd_sim_flash *s)
{
    if (!s) return;
    if (s->mem) {
        if (s->fd >= 0) msync(s->mem, s->size, MS_SYNC);
        munmap(s->mem, s->size);
        s->mem = NULL;
    }
    if (s->fd >= 0) close(s->fd);
    if (s->trace_fd >= 0) close(s->trace_fd);
    s->fd = s->trace_fd = -1;
}

void fwd_sim_flash_set_cut(struct fwd_sim_flash *s, uint64_t n, int mode)
{
    s->cut_at = n ? s->ops + n : 0;
    s->cut_mode = mode;
}

void fwd_sim_flash_set_tear(struct fwd_sim_flash *s, uint32_t keep, uint64_t seed)
{
    s->cut_keep = keep;
    s->cut_seed = seed;
}

void fwd_sim_flash_revive(struct fwd_sim_flash *s)
{
    s->dead = 0;
    s->cut_at = 0;
    s->cut_in_efuse = 0;
}

/* One trace line, written with a single write(2) on an O_APPEND descriptor so
 * it is complete even if the process _exit()s right after. */
static void trace(const struct fwd_sim_flash *s, const char *op, uint32_t addr, size_t len, const char *cut,
                  uint32_t keep)
{
    if (s->trace_fd < 0) return;
    char line[128], tail[48] = "";
    if (cut && s->cut_mode == FWD_SIM_CUT_TORN) snprintf(tail, sizeof tail, " keep=%" PRIu32, keep);
    int n = snprintf(line, sizeof line, "%s 0x%08" PRIx32 " %zu #%" PRIu64 "%s%s%s\n", op, addr, len, s->ops,
                     cut ? " cut=" : "", cut ? cut : "", tail);
    if (n > 0 && (size_t)n < sizeof line) {
        ssize_t w = write(s->trace_fd, line, (size_t)n);
        (void)w; /* tracing is best effort: it must never change behaviour */
    }
}

/* The prefix of the cut operation that completes (torn mode) and the seed of
 * its half-done word / weakly erased sector: from the run seed and the
 * operation's coordinates, so the same FWSEAL_SIM_CUT_SEED replays it. */
static uint32_t cut_keep(const struct fwd_sim_flash *s, int erase, uint32_t addr, size_t len, uint64_t *seed)
{
    *seed = fwd_sim_tear_mix(s->cut_seed, s->ops, addr, len);
    if (s->cut_keep == FWD_SIM_KEEP_PICK)
        return fwd_sim_tear_pick(erase, len, s->write_align, s->sector_size, *seed);
    return s->cut_keep < len ? s->cut_keep : (uint32_t)(len ? len - 1 : 0);
}

/* Count a write/erase; returns 1 if this operation is the cut point. */
static int next_op_is_cut(struct fwd_sim_flash *s)
{
    s->ops++;
    return s->cut_at && s->ops == s->cut_at;
}

static int power_lost(struct fwd_sim_flash *s)
{
    s->dead = 1;
    if (s->fd >= 0) msync(s->mem, s->size, MS_SYNC);
    if (s->on_cut) s->on_cut(s->on_cut_arg);
    return FW_ERR_POWER_LOSS;
}

/* ---- the power domain, shared with the eFuse (fwd_sim_efuse.power) ---- */

int fwd_sim_power_op(struct fwd_sim_flash *s, const char *what, uint32_t len, uint32_t *keep)
{
    int cut = next_op_is_cut(s), torn = cut && s->cut_mode == FWD_SIM_CUT_TORN;
    /* no seed: the other parts of the domain (eFuse bits) complete one by
     * one in a fixed order, only the prefix length is a choice */
    *keep = !torn ? 0 : s->cut_keep == FWD_SIM_KEEP_PICK ? len / 2 : s->cut_keep < len ? s->cut_keep : len ? len - 1 : 0;
    if (s->trace_fd >= 0) {
        char line[200], tail[48] = "";
        if (torn) snprintf(tail, sizeof tail, " keep=%" PRIu32, *keep);
        int n = snprintf(line, sizeof line, "%s #%" PRIu64 "%s%s%s\n", what, s->ops, cut ? " cut=" : "",
                         cut ? (torn ? "torn" : "clean") : "", tail);
        if (n > 0 && (size_t)n < sizeof line) {
            ssize_t w = write(s->trace_fd, line, (size_t)n);
            (void)w; /* best effort, as trace() */
        }
    }
    return cut;
}

int fwd_sim_power_lost(struct fwd_sim_flash *s)
{
    return power_lost(s);
}

static int sim_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct fwd_sim_flash *s = ctx;
    if (s->dead) return FW_ERR_POWER_LOSS;
    if ((uint64_t)addr + len > s->size) return FW_ERR_INVALID_ARG;
    memcpy(buf, s->mem + addr, len);
    s->st.reads++;
    s->st.read_bytes += len;
    return FW_OK;
}

/* NOR programming can only clear bits: new = old AND data. 8 bytes at a
 * time (memcpy: no alignment assumptions), then the tail. */
static void program(struct fwd_sim_flash *s, uint32_t addr, const uint8_t *src, size_t len)
{
    uint8_t *m = s->mem + addr;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t a, b;
        memcpy(&a, m + i, 8);
        memcpy(&b, src + i, 8);
        a &= b;
        memcpy(m + i, &a, 8);
    }
    for (; i < len; i++) m[i] &= src[i];
}

/* Strict mode: every byte to program must still be erased (0xFF). */
static int all_erased(const uint8_t *m, size_t len)
{
    uint64_t acc = ~(uint64_t)0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, m + i, 8);
        acc &= w;
    }
    uint8_t t = 0xFF;
    for (; i < len; i++) t &= m[i];
    return acc == ~(uint64_t)0 && t == 0xFF;
}

static int sim_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct fwd_sim_flash *s = ctx;
    if (s->dead) return FW_ERR_POWER_LOSS;
    if ((uint64_t)addr + len > s->size) return FW_ERR_INVALID_ARG;
    if (s->write_align > 1 && (addr % s->write_align || len % s->write_align)) return FW_ERR_ALIGN;
    if (s->strict && !all_erased(s->mem + addr, len)) return FW_ERR_NOT_ERASED;
    int cut = next_op_is_cut(s);
    uint64_t seed = 0;
    uint32_t keep = cut ? cut_keep(s, 0, addr, len, &seed) : 0;
    trace(s, "write", addr, len, cut ? (s->cut_mode == FWD_SIM_CUT_TORN ? "torn" : "clean") : NULL, keep);
    if (cut) {
        if (s->cut_mode == FWD_SIM_CUT_TORN && len)
            fwd_sim_tear_write(s->mem + addr, buf, len, keep, s->write_align, seed);
        return power_lost(s);
    }
    program(s, addr, buf, len);
    s->st.writes++;
    s->st.write_bytes += len;
    return FW_OK;
}

static int sim_erase(void *ctx, uint32_t addr, size_t len)
{
    struct fwd_sim_flash *s = ctx;
    if (s->dead) return FW_ERR_POWER_LOSS;
    if ((uint64_t)addr + len > s->size) return FW_ERR_INVALID_ARG;
    if (addr % s->sector_size || len % s->sector_size) return FW_ERR_ALIGN;
    int cut = next_op_is_cut(s);
    uint64_t seed = 0;
    uint32_t keep = cut ? cut_keep(s, 1, addr, len, &seed) : 0;
    trace(s, "erase", addr, len, cut ? (s->cut_mode == FWD_SIM_CUT_TORN ? "torn" : "clean") : NULL, keep);
    if (cut) {
        if (s->cut_mode == FWD_SIM_CUT_TORN && len)
            fwd_sim_tear_erase(s->mem + addr, len, keep, s->sector_size, seed);
        return power_lost(s);
    }
    memset(s->mem + addr, 0xFF, len);
    s->st.erases++;
    s->st.erase_bytes += len;
    return FW_OK;
}

void fwd_sim_flash_hal(struct fwd_sim_flash *s, struct fwd_flash *out)
{
    out->size = s->size;
    out->sector_size = s->sector_size;
    out->write_align = s->write_align;
    out->read = sim_read;
    out->write = sim_write;
    out->erase = sim_erase;
    out->ctx = s;
    out->write_encrypted = NULL;    /* a bare NOR chip: no transparent encryption */
    out->read_decrypted = NULL;
    out->caps = 0; /* strict mode (the default) refuses re-programming: fwd_sim_nor.h declares it */
}

static int parse_count(const char *v, uint64_t *out)
{
    char *end;
    if (!v || !*v || *v == '-') return -1;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n == 0) return -1;
    *out = n;
    return 0;
}

/* A prefix length in bytes, 0 allowed. */
static int parse_keep(const char *v, uint32_t *out)
{
    char *end;
    if (!v || !*v || *v < '0' || *v > '9') return -1;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n >= FWD_SIM_KEEP_PICK) return -1;
    *out = (uint32_t)n;
    return 0;
}

int fwd_sim_flash_apply_env(struct fwd_sim_flash *s)
{
    const char *seed = getenv("FWSEAL_SIM_CUT_SEED");
    const char *keep = getenv("FWSEAL_SIM_CUT_KEEP");
    if (seed && *seed && fwd_sim_tear_parse_seed(seed, &s->cut_seed)) return FW_ERR_INVALID_ARG;
    if (keep && *keep && parse_keep(keep, &s->cut_keep)) return FW_ERR_INVALID_ARG;
    const char *mode = getenv("FWSEAL_SIM_CUT_MODE");
    const char *at = getenv("FWSEAL_SIM_CUT_AT");
    const char *tr = getenv("FWSEAL_SIM_TRACE");
    int m = FWD_SIM_CUT_CLEAN;
    if (mode && *mode) {
        if (!strcmp(mode, "torn")) m = FWD_SIM_CUT_TORN;
        else if (strcmp(mode, "clean")) return FW_ERR_INVALID_ARG;
    }
    if (at && *at) {
        uint64_t n;
        if (parse_count(at, &n)) return FW_ERR_INVALID_ARG;
        fwd_sim_flash_set_cut(s, n, m);
    }
    if (tr && *tr) {
        int fd = open(tr, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) return FW_ERR_IO;
        if (s->trace_fd >= 0) close(s->trace_fd);
        s->trace_fd = fd;
    }
    return FW_OK;
}
