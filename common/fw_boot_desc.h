/* SPDX-License-Identifier: Apache-2.0 */
/* esp_bootloader_desc_t (FORMATS 1.8): 80 bytes at image offset 0x20 of a
 * second-stage bootloader image (the start of its first, DRAM segment), and
 * where the chips keep their bootloader (FORMATS 1.1). */
#ifndef FW_BOOT_DESC_H
#define FW_BOOT_DESC_H

#include <stdint.h>

#define FW_BOOT_DESC_LEN   80u
#define FW_BOOT_DESC_MAGIC 0x50u     /* magic_byte, decimal 80 */

struct fw_boot_desc {
    uint8_t  magic_byte;
    uint8_t  reserved[2];
    uint8_t  secure_version;         /* bootloader anti-rollback version */
    uint32_t version;                /* LE32 bootloader version */
    char     idf_ver[33];            /* NUL-terminated copy of 32 bytes */
    char     date_time[25];          /* NUL-terminated copy of 24 bytes */
    uint8_t  reserved2[16];
};

/* Decode never fails; FW_ERR_MAGIC from fw_boot_desc_check if magic_byte != 0x50. */
void fw_boot_desc_decode(const uint8_t b[FW_BOOT_DESC_LEN], struct fw_boot_desc *d);
int fw_boot_desc_check(const struct fw_boot_desc *d);
/* Encode; FW_ERR_RANGE if a string does not fit with its NUL... except that,
 * as in esp_app_desc_t, a string filling its field exactly is allowed. */
int fw_boot_desc_encode(const struct fw_boot_desc *d, uint8_t b[FW_BOOT_DESC_LEN]);

/* Flash offset of the second-stage bootloader of a chip (FORMATS 1.1:
 * 0x1000 on ESP32/ESP32-S2, 0x2000 on ESP32-P4/C5, else 0x0). */
uint32_t fw_boot_offset(uint16_t chip_id);

#endif
