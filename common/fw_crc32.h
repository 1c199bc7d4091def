/* SPDX-License-Identifier: Apache-2.0 */
/* The two CRC-32 flavours of FORMATS §0. Both: reflected poly 0xEDB88320.
 *   CRC32-STD = zlib crc32(data, 0)          -> SBv2 signature blocks
 *   CRC32-ESP = zlib crc32(data, 0xFFFFFFFF) -> otadata, NVS, nvs_keys
 * fw_crc32_le mirrors the ESP ROM helper esp_rom_crc32_le(seed, buf, len):
 * it inverts on entry and exit, so chaining passes the previous result. */
#ifndef FW_CRC32_H
#define FW_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t fw_crc32_le(uint32_t seed, const void *buf, size_t len);

static inline uint32_t fw_crc32_std(const void *buf, size_t len) { return fw_crc32_le(0, buf, len); }
static inline uint32_t fw_crc32_esp(const void *buf, size_t len) { return fw_crc32_le(0xFFFFFFFFu, buf, len); }

#endif
