/* SPDX-License-Identifier: Apache-2.0 */
#include "fw_crc32.h"

/* Table built once from the polynomial; 1 KiB of const data on a device
 * would be generated at build time, here it is computed lazily. */
static uint32_t crc_table[256];
static int crc_table_ready;

static void crc_table_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

uint32_t fw_crc32_le(uint32_t seed, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t c = ~seed;
    if (!crc_table_ready) crc_table_init();
    while (len--) c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}
