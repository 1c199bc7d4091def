/* SPDX-License-Identifier: Apache-2.0 */
/* The MPS2 AN386 (Cortex-M4, QEMU) port of fwseal's device HAL
 * (device/fwd_hal.h): the worked example of docs/porting.md.
 *
 *   flash   emulated SPI NOR in the board's PSRAM with the simulator's rules
 *           (device/port/sim/fwd_sim.h): erase sets 0xFF per 4 KiB sector,
 *           programming needs write_align and is refused on bytes that are not
 *           erased (FW_ERR_NOT_ERASED) except inside the windows opened with
 *           an386_flash_allow_reprogram() (the NVS partitions), where it may
 *           only clear bits, as real NOR does. Loaded from and saved to the
 *           host's flash.bin through semihosting: a "reset" is a QEMU restart
 *           with the same file, and the file is byte-compatible with
 *           fwseal-device's (same image, same offsets).
 *   eFuse   the host's efuse.bin (the simulator's 256-byte layout,
 *           device/port/sim/fwd_sim_efuse_blob.h), burn = OR, never clears;
 *           written back to the host file at once on every burn, after the
 *           flash written so far (the files never show a burn without the
 *           flash writes that preceded it).
 *   random  mbedTLS CTR-DRBG seeded once from the entropy source the port
 *           declares (an386_rng.h): a semihosting read of the host's
 *           /dev/urandom, or a seed file for deterministic runs. A product
 *           seeds from its TRNG.
 *   time    SysTick (an386_rt.h), milliseconds since reset.
 */
#ifndef AN386_PLATFORM_H
#define AN386_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"
#include "device/port/mps2-an386/an386_rng.h"
#include "device/port/sim/fwd_sim_efuse_blob.h"

#define AN386_FLASH_MAX (16u << 20)   /* the PSRAM window */
#define AN386_REPROGRAM_WINDOWS 4

struct an386_flash {
    uint8_t *mem;
    uint32_t size, sector_size, write_align;
    uint32_t lo[AN386_REPROGRAM_WINDOWS], hi[AN386_REPROGRAM_WINDOWS];
    unsigned nwin;
    uint32_t dirty_lo, dirty_hi;  /* bytes changed since load (saved back) */
};

struct an386_efuse {
    uint8_t blob[FWD_SIM_EFUSE_FILE_SIZE];
    char path[160];
    /* Before a burn: persist the flash written so far (a burn is permanent
     * at once, so the flash.bin it is saved with must not lag behind it). */
    int (*flush_flash)(void *ctx);
    void *flush_ctx;
};

struct an386_platform {
    struct an386_flash flash;
    struct an386_efuse efuse;
    struct an386_rng rng;
    int rng_ready;
    char flash_path[160];
    struct fwd_platform plat;
};

/* Load DIR/flash.bin (its size is the flash size) and DIR/efuse.bin, fill
 * p->plat. write_align as in device.conf (4 by default). No random source
 * yet: random.fill fails with FW_ERR_CRYPTO until an386_attach_random()
 * (a bootloader verifies signatures and needs none, so its image carries no
 * DRBG). FW_ERR_IO when a file is missing or unreadable, FW_ERR_FORMAT when
 * it is not a flash image / eFuse file. */
int an386_open(struct an386_platform *p, const char *dir, uint32_t write_align);
/* Seed the CTR-DRBG from the declared entropy source and make it
 * p->plat.random (an386_rng.h). FW_ERR_CRYPTO when the source fails. */
int an386_attach_random(struct an386_platform *p, const struct an386_entropy *ent);
/* Let write() re-program (clear more bits of) programmed bytes inside
 * [addr, addr+len): NOR behaviour the NVS partitions need. Declares
 * FWD_FLASH_CAP_NOR_REPROGRAM. FW_ERR_NO_SPACE when all windows are used. */
int an386_flash_allow_reprogram(struct an386_platform *p, uint32_t addr, uint32_t len);
/* Write the changed part of the flash back to DIR/flash.bin ("power off"). */
int an386_save(struct an386_platform *p);
void an386_close(struct an386_platform *p);

#endif
