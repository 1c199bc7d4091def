/* SPDX-License-Identifier: Apache-2.0 */
/* The eFuse file's byte layout (efuse.bin, FWD_SIM_EFUSE_FILE_SIZE bytes; the
 * table is in fwd_sim_efuse.c): pure C, no POSIX, so every port that keeps
 * its eFuse block in the same file (device/port/mps2-an386/ under QEMU)
 * writes byte-identical files. */
#ifndef FWD_SIM_EFUSE_BLOB_H
#define FWD_SIM_EFUSE_BLOB_H

#include <stdint.h>

#include "device/fwd_hal.h"

#define FWD_SIM_EFUSE_FILE_SIZE 256

#define FWD_SIM_EF_MAGIC "FWEF"
#define FWD_SIM_EF_VERSION 1
#define FWD_SIM_OFF_DIGEST 0x08
#define FWD_SIM_OFF_PRESENT 0x68
#define FWD_SIM_OFF_REVOKED 0x69
#define FWD_SIM_OFF_FE_MODE 0x6A
#define FWD_SIM_OFF_SHA384 0x6B
#define FWD_SIM_OFF_SIGREQ 0xB4
#define FWD_SIM_OFF_SECVER 0x6C
#define FWD_SIM_OFF_CHIP 0x70
#define FWD_SIM_OFF_REV 0x72
#define FWD_SIM_OFF_FE_KEY 0x74

/* Fixed binary layout of the eFuse file (FWD_SIM_EFUSE_FILE_SIZE bytes). */
int fwd_sim_efuse_decode(const uint8_t blob[FWD_SIM_EFUSE_FILE_SIZE], struct fwd_efuse_state *st);
void fwd_sim_efuse_encode(const struct fwd_efuse_state *st, uint8_t blob[FWD_SIM_EFUSE_FILE_SIZE]);

#endif
