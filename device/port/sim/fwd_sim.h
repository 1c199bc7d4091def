/* SPDX-License-Identifier: Apache-2.0 */
/* Host simulation HAL: one implementation of device/fwd_hal.h.
 *
 *  - NOR flash backed by a file mapped MAP_SHARED (or by anonymous memory for
 *    unit tests): every programmed byte is in the page cache the moment the
 *    call returns, so data survives an abrupt _exit() exactly like real flash
 *    survives a power cut.
 *      erase  -> bytes become 0xFF;
 *      write  -> new = old AND data (bits only go 1 -> 0);
 *      STRICT -> (default, always on in tests) programming any byte that is
 *                not 0xFF is refused with FW_ERR_NOT_ERASED and nothing is
 *                written; this includes re-writing identical bytes, so every
 *                caller must erase before it programs.
 *    Counters: read/write/erase operations and bytes.
 *
 *  - Power-cut injection. Write and erase calls, and eFuse burns, are
 *    numbered 1, 2, 3... (all share one counter, the device's power domain,
 *    kept in struct fwd_sim_flash and used by the eFuse through
 *    fwd_sim_efuse.power; reads and eFuse loads are not counted; one erase
 *    or burn call is one operation whatever its length). When the operation
 *    numbered `cut_at` arrives:
 *      FWD_SIM_CUT_CLEAN: nothing of it happens;
 *      FWD_SIM_CUT_TORN:  a part of it happens, as on real NOR flash that
 *        loses power mid-operation (the model: device/port/sim/fwd_sim_tear.h):
 *        write: a prefix of `keep` bytes is programmed exactly, the word in
 *               flight loses a seeded random subset of the bits the write
 *               would clear (never a bit set), the rest is untouched;
 *        erase: a prefix of `keep` bytes becomes 0xFF, the rest of the
 *               sector in flight keeps its old bytes with a seeded random
 *               subset of its 0 bits set to 1 (weakly erased), later
 *               sectors are untouched.
 *        `keep` is cut_keep (fwd_sim_flash_set_tear, FWSEAL_SIM_CUT_KEEP;
 *        clamped to len - 1) or, by default (FWD_SIM_KEEP_PICK), one of the
 *        prefix lengths of fwd_sim_tear_points() chosen by the seed. The
 *        seed of the cut is fwd_sim_tear_mix(cut_seed, op number, address,
 *        length): the same run seed reproduces the same torn bytes.
 *        eFuse burn: of the k bits it would program, the first `keep` in
 *               bit order (file offset, then bit 0..7) are burned, never
 *               clearing any (a clean cut burns nothing). eFuse bits are
 *               programmed one by one: no word in flight, no seed. `keep`
 *               counts bits: cut_keep clamped to k - 1 (k = 0: 0) or, by
 *               default (FWD_SIM_KEEP_PICK), floor(k/2).
 *    then the simulator latches "dead": this and every later call (reads too)
 *    return FW_ERR_POWER_LOSS. If an on_cut hook is installed it is called
 *    first (the CLI installs one that _exit(99)s at once).
 *
 *  - Environment (fwd_sim_flash_apply_env, used by every fwseal-device command):
 *      FWSEAL_SIM_TRACE=FILE   append one line per write/erase/burn:
 *                              "write 0x0000d000 32 #1" / "erase 0x0000d000 4096 #2"
 *                              (op, absolute address, decimal length, op number
 *                              within this process);
 *                              "efuse-burn secure_version 1->3 bits 0x00000001->0x00000007 #3"
 *                              (a burn that only raises secure_version) or
 *                              "efuse-burn 296 bits #1" (any other burn, e.g.
 *                              provisioning); the cut operation's line ends
 *                              with " cut=clean" or " cut=torn keep=K"
 *                              (K: the prefix of the operation that completed:
 *                              bytes of a write/erase, bits of a burn).
 *      FWSEAL_SIM_CUT_AT=N     cut at operation N (1-based).
 *      FWSEAL_SIM_CUT_MODE=torn|clean (default clean).
 *      FWSEAL_SIM_CUT_SEED=S   run seed of torn cuts, decimal or 0x-hex
 *                              (default FWD_SIM_CUT_SEED_DEFAULT = 1): the
 *                              runners print it with every failure, and the
 *                              same S (with the same CUT_AT) replays the cut.
 *      FWSEAL_SIM_CUT_KEEP=K   torn prefix in bytes (0 allowed) instead of
 *                              the seed's choice.
 *
 *  - eFuse block in a file (layout in fwd_sim_efuse.c and docs/porting.md),
 *    burn = bitwise OR (bits never clear).
 *  - random: getrandom(2); time: CLOCK_MONOTONIC in milliseconds.
 */
#ifndef FWD_SIM_H
#define FWD_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"
#include "device/port/sim/fwd_sim_efuse_blob.h"
#include "device/port/sim/fwd_sim_tear.h"

enum fwd_sim_cut_mode { FWD_SIM_CUT_CLEAN = 0, FWD_SIM_CUT_TORN = 1 };

/* cut_keep value: the seed chooses the torn prefix (see FWD_SIM_CUT_TORN). */
#define FWD_SIM_KEEP_PICK UINT32_MAX

struct fwd_sim_stats {
    uint64_t reads, read_bytes;
    uint64_t writes, write_bytes;
    uint64_t erases, erase_bytes;
};

struct fwd_sim_flash {
    uint8_t *mem;          /* mapping of the whole flash */
    uint32_t size;
    uint32_t sector_size;
    uint32_t write_align;
    int fd;                /* backing file, -1 for anonymous memory */
    int strict;            /* 1: programming a non-0xFF byte is refused */
    struct fwd_sim_stats st;
    uint64_t ops;          /* write+erase operations so far (numbering) */
    uint64_t cut_at;       /* 0: never */
    int cut_mode;          /* enum fwd_sim_cut_mode */
    uint64_t cut_seed;     /* run seed of torn cuts (FWSEAL_SIM_CUT_SEED) */
    uint32_t cut_keep;     /* torn prefix in bytes (burn: bits), or FWD_SIM_KEEP_PICK */
    int dead;              /* latched after the cut */
    int trace_fd;          /* -1: no trace */
    int cut_in_efuse;      /* the cut operation was an eFuse burn */
    void (*on_cut)(void *arg);
    void *on_cut_arg;
};

/* Anonymous flash of `size` bytes, all 0xFF, strict mode on (unit tests). */
int fwd_sim_flash_open_mem(struct fwd_sim_flash *s, uint32_t size);
/* Map `path`. create=1: the file must not exist and is created erased (0xFF)
 * with `size` bytes; create=0: it must exist and `size` is taken from it
 * (size argument ignored). Strict mode on. */
int fwd_sim_flash_open_file(struct fwd_sim_flash *s, const char *path, uint32_t size, int create);
/* msync + unmap + close (also after a cut). Safe on a zeroed struct. */
void fwd_sim_flash_close(struct fwd_sim_flash *s);

/* Fill in the HAL view (geometry + callbacks pointing at s). */
void fwd_sim_flash_hal(struct fwd_sim_flash *s, struct fwd_flash *out);

/* Arm a cut at operation number n counted from the CURRENT count
 * (n = 1: the very next write/erase). n = 0 disarms. */
void fwd_sim_flash_set_cut(struct fwd_sim_flash *s, uint64_t n, int mode);
/* Torn cuts: prefix `keep` (FWD_SIM_KEEP_PICK: chosen by the seed) and run
 * seed. Defaults: FWD_SIM_KEEP_PICK, FWD_SIM_CUT_SEED_DEFAULT. */
void fwd_sim_flash_set_tear(struct fwd_sim_flash *s, uint32_t keep, uint64_t seed);
/* Revive after a cut (in-process tests: "power comes back"). Keeps data and
 * counters, disarms the cut. */
void fwd_sim_flash_revive(struct fwd_sim_flash *s);

/* The power domain, for the other parts of the device (the eFuse): number
 * one operation described by `what` (its trace line is "WHAT #N"); returns
 * 1 if it is the armed cut point (the caller does the part of it that the
 * cut mode lets happen, then calls fwd_sim_power_lost), else 0. `len` is
 * the operation's size in its own unit (a burn: its new bits); *keep is
 * set to the part of it that happens: 0 unless the cut is torn, then the
 * prefix above (cut_keep clamped to len - 1, or floor(len/2) by default),
 * traced as " cut=torn keep=K". */
int fwd_sim_power_op(struct fwd_sim_flash *s, const char *what, uint32_t len, uint32_t *keep);
/* Latch "dead", run the on_cut hook; returns FW_ERR_POWER_LOSS. */
int fwd_sim_power_lost(struct fwd_sim_flash *s);

/* Apply FWSEAL_SIM_TRACE / FWSEAL_SIM_CUT_AT / FWSEAL_SIM_CUT_MODE /
 * FWSEAL_SIM_CUT_SEED / FWSEAL_SIM_CUT_KEEP.
 * Returns FW_ERR_INVALID_ARG for a malformed value, FW_ERR_IO if the trace
 * file cannot be opened. */
int fwd_sim_flash_apply_env(struct fwd_sim_flash *s);

/* ---- eFuse ---------------------------------------------------------- */


struct fwd_sim_efuse {
    int fd;                                  /* -1: in memory only */
    uint8_t blob[FWD_SIM_EFUSE_FILE_SIZE];   /* in-memory copy of the file */
    struct fwd_sim_flash *power;             /* power domain (fwd_sim_bind); NULL: burns never cut */
};

/* In-memory eFuses, all zero (unit tests). */
void fwd_sim_efuse_open_mem(struct fwd_sim_efuse *e);
/* File-backed. create=1 creates a blank (all-zero) block; the file must not exist. */
int fwd_sim_efuse_open_file(struct fwd_sim_efuse *e, const char *path, int create);
void fwd_sim_efuse_close(struct fwd_sim_efuse *e);
void fwd_sim_efuse_hal(struct fwd_sim_efuse *e, struct fwd_efuse *out);

/* Bits a burn of `req` would program (set in req, not yet burned). */
unsigned fwd_sim_efuse_missing_bits(const struct fwd_sim_efuse *e, const struct fwd_efuse_state *req);
/* Burn only the first `nbits` of those bits, in bit order (file offset, then
 * bit 0..7), never clearing any: what a burn cut by a power loss leaves.
 * Bypasses the power domain (the caller models the cut). */
int fwd_sim_efuse_burn_bits(struct fwd_sim_efuse *e, const struct fwd_efuse_state *req, unsigned nbits);

/* Fixed binary layout of the eFuse file: fwd_sim_efuse_encode/_decode in
 * fwd_sim_efuse_blob.h (included above). */

/* ---- random / time ---------------------------------------------------- */

void fwd_sim_random_hal(struct fwd_random *out);
void fwd_sim_time_hal(struct fwd_time *out);

/* ---- the whole simulated platform ------------------------------------- */

struct fwd_sim {
    struct fwd_sim_flash flash;
    struct fwd_sim_efuse efuse;
    struct fwd_platform plat;
};

/* In-memory platform: erased flash of flash_size bytes, blank eFuses. */
int fwd_sim_open_mem(struct fwd_sim *sim, uint32_t flash_size);
/* Re-derive sim->plat from sim->flash / sim->efuse (after opening them
 * yourself); the eFuse joins the flash's power domain (op numbering, cut, trace). */
void fwd_sim_bind(struct fwd_sim *sim);
void fwd_sim_close(struct fwd_sim *sim);

#endif
