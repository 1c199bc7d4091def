/* SPDX-License-Identifier: Apache-2.0 */
/* esp_bootloader_desc_t codec (see fw_boot_desc.h). */
#include "fw_boot_desc.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"

#define OFF_IDF  8
#define OFF_DATE 40
#define OFF_RES2 64

void fw_boot_desc_decode(const uint8_t b[FW_BOOT_DESC_LEN], struct fw_boot_desc *d)
{
    memset(d, 0, sizeof *d);
    d->magic_byte = b[0];
    d->reserved[0] = b[1];
    d->reserved[1] = b[2];
    d->secure_version = b[3];
    d->version = fw_dec32le(b + 4);
    memcpy(d->idf_ver, b + OFF_IDF, 32);
    memcpy(d->date_time, b + OFF_DATE, 24);
    memcpy(d->reserved2, b + OFF_RES2, 16);
}

int fw_boot_desc_check(const struct fw_boot_desc *d) { return d->magic_byte == FW_BOOT_DESC_MAGIC ? FW_OK : FW_ERR_MAGIC; }

int fw_boot_desc_encode(const struct fw_boot_desc *d, uint8_t b[FW_BOOT_DESC_LEN])
{
    size_t li = fw_strnlen(d->idf_ver, sizeof d->idf_ver), ld = fw_strnlen(d->date_time, sizeof d->date_time);
    if (li > 32 || ld > 24) return FW_ERR_RANGE;
    memset(b, 0, FW_BOOT_DESC_LEN);
    b[0] = d->magic_byte;
    b[1] = d->reserved[0];
    b[2] = d->reserved[1];
    b[3] = d->secure_version;
    fw_enc32le(b + 4, d->version);
    memcpy(b + OFF_IDF, d->idf_ver, li);
    memcpy(b + OFF_DATE, d->date_time, ld);
    memcpy(b + OFF_RES2, d->reserved2, 16);
    return FW_OK;
}

uint32_t fw_boot_offset(uint16_t chip_id)
{
    switch (chip_id) {
    case FW_CHIP_ESP32:
    case FW_CHIP_ESP32S2: return 0x1000u;
    case FW_CHIP_ESP32P4:
    case FW_CHIP_ESP32C5: return 0x2000u;
    default: return 0x0u;
    }
}
