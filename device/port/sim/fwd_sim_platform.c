/* SPDX-License-Identifier: Apache-2.0 */
/* Simulated random source, clock and the platform bundle. */
#include "device/port/sim/fwd_sim.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static int sim_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return FW_ERR_IO;
        buf += n;
        len -= (size_t)n;
    }
    return FW_OK;
}

static uint64_t sim_now_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void fwd_sim_random_hal(struct fwd_random *out)
{
    out->fill = sim_random;
    out->ctx = NULL;
}

void fwd_sim_time_hal(struct fwd_time *out)
{
    out->now_ms = sim_now_ms;
    out->ctx = NULL;
}

void fwd_sim_bind(struct fwd_sim *sim)
{
    fwd_sim_flash_hal(&sim->flash, &sim->plat.flash);
    fwd_sim_efuse_hal(&sim->efuse, &sim->plat.efuse);
    sim->efuse.power = &sim->flash;   /* one power domain: burns are cut points too */
    fwd_sim_random_hal(&sim->plat.random);
    fwd_sim_time_hal(&sim->plat.time);
}

int fwd_sim_open_mem(struct fwd_sim *sim, uint32_t flash_size)
{
    memset(sim, 0, sizeof *sim);
    int rc = fwd_sim_flash_open_mem(&sim->flash, flash_size);
    if (rc) return rc;
    fwd_sim_efuse_open_mem(&sim->efuse);
    fwd_sim_bind(sim);
    return FW_OK;
}

void fwd_sim_close(struct fwd_sim *sim)
{
    fwd_sim_flash_close(&sim->flash);
    fwd_sim_efuse_close(&sim->efuse);
}
