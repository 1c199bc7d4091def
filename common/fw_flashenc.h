/* SPDX-License-Identifier: Apache-2.0 */
/* Flash-encryption layout rules shared by the host encryptor and the device
 * (FORMATS §4.2, §5.10): crypto-free. XTS flash encryption works on 128-byte
 * data units aligned on the ABSOLUTE flash address, tweak = LE32(unit
 * address) || 12 zero bytes; encrypted reads and writes are AES-block (16)
 * aligned. NVS entry encryption (§5.10) uses the same tweak form with the
 * partition-relative offset of each 32-byte entry (FW_NVS_ENTRY_SIZE). */
#ifndef FW_FLASHENC_H
#define FW_FLASHENC_H

#include <stdint.h>
#include <string.h>

#include "fw_bytes.h"

#define FW_FE_UNIT_LEN 128u   /* XTS data unit */
#define FW_FE_BLOCK_LEN 16u   /* alignment of encrypted addresses and lengths */
#define FW_XTS_TWEAK_LEN 16u

/* tweak = LE32(v) || 12 zero bytes (v: unit address or NVS entry offset). */
static inline void fw_xts_tweak_le32(uint32_t v, uint8_t tweak[FW_XTS_TWEAK_LEN])
{
    memset(tweak, 0, FW_XTS_TWEAK_LEN);
    fw_enc32le(tweak, v);
}

/* Start of the 128-byte data unit holding flash address addr. */
static inline uint32_t fw_fe_unit_start(uint32_t addr)
{
    return addr & ~(uint32_t)(FW_FE_UNIT_LEN - 1);
}

#endif
