/* SPDX-License-Identifier: Apache-2.0 */
/* A HAL flash view of the simulator with real-NOR re-programming inside
 * chosen address windows (the NVS partitions), strict elsewhere.
 *
 * The simulator's strict mode refuses programming any byte that is not
 * 0xFF. ESP-IDF NVS, like the real chip, re-programs bytes on purpose: page
 * state words (ACTIVE -> FULL -> FREEING) and entry-state bitmap words only
 * ever clear more bits (FORMATS §5.3/§5.4). Inside a window this view checks
 * the physical NOR rule instead — a write may only clear bits, setting one
 * is refused with FW_ERR_NOT_ERASED — and then lets the simulator program
 * (cut injection, tracing and counters unchanged). Outside the windows every
 * call goes to the simulator untouched. */
#ifndef FWD_SIM_NOR_H
#define FWD_SIM_NOR_H

#include "device/port/sim/fwd_sim.h"

#define FWD_SIM_NOR_WINDOWS 4

struct fwd_sim_nor {
    struct fwd_sim_flash *sim;
    struct fwd_flash inner;
    uint32_t lo[FWD_SIM_NOR_WINDOWS], hi[FWD_SIM_NOR_WINDOWS];
    unsigned n;
};

/* Fill `out` with a view of `sim` (windows added with fwd_sim_nor_allow). */
void fwd_sim_nor_hal(struct fwd_sim_nor *v, struct fwd_sim_flash *sim, struct fwd_flash *out);
/* Allow NOR re-programming in [addr, addr+len). FW_ERR_NO_SPACE when full. */
int fwd_sim_nor_allow(struct fwd_sim_nor *v, uint32_t addr, uint32_t len);

#endif
