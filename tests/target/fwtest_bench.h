/* SPDX-License-Identifier: Apache-2.0 */
/* Raw mbedTLS primitives on the target, measured the same way as the device
 * library (SysTick under -icount shift=0, an386_rt.h): the baselines of
 * bench/70-target.sh. Prints "fwtest: prim NAME insns N bytes B". */
#ifndef FWTEST_BENCH_H
#define FWTEST_BENCH_H

#include "device/fwd_hal.h"

int fwtest_bench_prims(const struct fwd_platform *plat);

#endif
