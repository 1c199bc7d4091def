/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated chip ROM: before the second-stage bootloader (boot/fwb_boot.h)
 * runs, the ROM verifies the bootloader image in flash with Secure Boot V2
 * (FORMATS 2.7: the bootloader's own signature against the eFuse digests;
 * structure, SHA-256, bootloader descriptor and chip as fwd_verify_image with
 * kind FW_IMAGE_KIND_BOOTLOADER checks them).
 *
 * The ROM of newer chips can fall back to a RECOVERY bootloader at a second
 * flash address burned in eFuse (ESP-IDF's recovery-bootloader feature) when
 * the primary one does not load; the ROM of the older chips (ESP32, S2, S3,
 * C3...) has no such fallback: a primary bootloader that does not verify
 * bricks them. fwb_rom_cfg.has_recovery says which ROM is simulated.
 *
 * Memory: the caller's work area; no heap. */
#ifndef FWB_ROM_H
#define FWB_ROM_H

#include <stdint.h>

#include "device/fwd_part.h"
#include "device/fwd_verify.h"

struct fwb_rom_cfg {
    uint32_t bootloader_offset;   /* the chip's (fw_boot_offset) */
    uint32_t bootloader_max;      /* bytes the image may take (up to the partition table) */
    int has_recovery;             /* the ROM falls back to recovery_offset */
    uint32_t recovery_offset;
};

struct fwb_rom_result {
    int primary_reason;           /* enum fwd_verify_reason of the primary bootloader */
    int used_recovery;            /* the recovery bootloader was verified and runs */
    int recovery_reason;          /* its verification (when tried) */
    uint32_t booted_offset;
    struct fw_boot_desc desc;     /* of the bootloader that runs */
    uint8_t digest[FWD_VERIFY_DIGEST_LEN];
    int key_slot;
};

/* FW_OK: a bootloader verified (res says which); FW_ERR_NOT_FOUND: none did
 * -- the chip does not boot; FW_ERR_POWER_LOSS and read errors unchanged. */
int fwb_rom_run(struct fwd_dev *d, const struct fwd_efuse_state *ef, const struct fwb_rom_cfg *cfg,
                struct fwd_verify_work *w, struct fwb_rom_result *res);

/* Verify a bootloader image at an absolute flash offset (what the ROM does
 * for each candidate; also `status`). */
int fwb_rom_verify_at(struct fwd_dev *d, const struct fwd_efuse_state *ef, uint32_t offset, uint32_t max,
                      struct fwd_verify_work *w, struct fwd_verify_result *vr);

#endif
