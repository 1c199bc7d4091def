/* SPDX-License-Identifier: Apache-2.0 */
/* The fault model of a NOR operation interrupted by a power cut, shared by
 * the simulator (fwd_sim_flash.c, hence every fwseal-device command) and the
 * in-process power-cut layers of the tests (tests/tools/pc_dev.h,
 * tests/unit/nvs_testlib.h), so every proof runs against the same physics.
 *
 * Torn write of `len` bytes (`keep` < len, the prefix that completed):
 *   - bytes [0, keep) are programmed exactly (old AND data);
 *   - the word in flight, bytes [keep, next multiple of `align` or len),
 *     loses a seeded random subset of the bits the write would clear
 *     (old 1, data 0): a half-programmed word. A bit is never set, and a bit
 *     the write would not clear is never cleared;
 *   - every later byte keeps its old value.
 * Torn erase of `len` bytes (`keep` < len):
 *   - bytes [0, keep) become 0xFF;
 *   - the rest of the sector in flight, bytes [keep, next multiple of
 *     `sector` or len), keeps its old bytes with a seeded random subset of
 *     their 0 bits already set to 1 (weakly erased). A bit is never cleared;
 *   - later sectors of a multi-sector erase were not reached: unchanged.
 * The density of the random subset is itself drawn from the seed, one in
 * eight each: no bit, 1/16, 1/8, 1/4 (two in eight), 1/2 (two in eight) or
 * every bit — so the exact-prefix outcome of a simpler model and the
 * whole-word outcome both stay in reach.
 *
 * Reproducible: the outcome is a pure function of (old bytes, data, len,
 * keep, align/sector, seed). Callers derive the seed of one cut with
 * fwd_sim_tear_mix() from a run seed (FWSEAL_SIM_CUT_SEED, a runner's
 * --cut-seed) and the cut's coordinates. */
#ifndef FWD_SIM_TEAR_H
#define FWD_SIM_TEAR_H

#include <stddef.h>
#include <stdint.h>

/* The default run seed when none is given (FWSEAL_SIM_CUT_SEED unset). */
#define FWD_SIM_CUT_SEED_DEFAULT 1u

/* One 64-bit seed from a run seed and up to three coordinates of the cut. */
uint64_t fwd_sim_tear_mix(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

/* Torn program of dst[0..len) with data src (see above). keep >= len
 * programs everything (not a tear). align 0 or 1 means 1. */
void fwd_sim_tear_write(uint8_t *dst, const uint8_t *src, size_t len, size_t keep, uint32_t align, uint64_t seed);

/* Torn erase of dst[0..len) (see above). sector 0 means len. */
void fwd_sim_tear_erase(uint8_t *dst, size_t len, size_t keep, uint32_t sector, uint64_t seed);

/* The prefix lengths an exhaustive sweep tries for one operation, ascending,
 * all < len (0 included: nothing completed but a half-programmed first word
 * or a weakly erased first sector). Writes of at most 64 bytes: every length.
 * Longer writes: 0, 1, every `step` bytes, the last word boundary, len - 1.
 * Erases: 0, 1, every `step` bytes in the first sector, every sector
 * boundary, len - 1. Returns the count (at most `max` are stored). */
size_t fwd_sim_tear_points(int erase, size_t len, uint32_t align, uint32_t sector, uint32_t step, uint32_t *out,
                           size_t max);

/* One of those prefix lengths (step 256), chosen by `seed`: for a single
 * seeded cut (FWSEAL_SIM_CUT_MODE=torn without FWSEAL_SIM_CUT_KEEP). */
uint32_t fwd_sim_tear_pick(int erase, size_t len, uint32_t align, uint32_t sector, uint64_t seed);

/* Parse a run seed: decimal or 0x-hex (never octal), the whole string.
 * 0 or -1 (malformed). */
int fwd_sim_tear_parse_seed(const char *v, uint64_t *out);

/* The run seed of in-process test sweeps: FWSEAL_SIM_CUT_SEED, else
 * FWD_SIM_CUT_SEED_DEFAULT. A malformed value aborts (never ignored). */
uint64_t fwd_sim_tear_env_seed(void);

#endif
