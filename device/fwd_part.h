/* SPDX-License-Identifier: Apache-2.0 */
/* The device context and partition access (FORMATS §4.1, §6).
 *
 * fwd_dev_open() loads the eFuse state, initialises flash encryption from it
 * (mode + key; the key copy is wiped right after the key schedule is built),
 * reads the partition table at flash 0x8000 (through decryption when flash
 * encryption is on), validates it with common/fw_partition (§6.4) and keeps
 * a compact copy. Partition-relative access then does bounds checks and
 * encrypts exactly the partitions ESP encrypts (§4.1):
 *   - app type (factory, ota_N, test, tee...), bootloader and
 *     partition_table types, data/ota (otadata), data/nvs_keys, TEE otadata
 *     (data/tee_ota), and anything flagged `encrypted`;
 *   - never data/nvs (NVS has its own XTS layer, §5.10) — even if flagged.
 * With flash encryption off nothing is encrypted.
 *
 * Rules (FW_ERR_* on violation, nothing written):
 *   - off + len <= partition size (64-bit checked) -> else FW_ERR_RANGE;
 *   - encrypted write: off and len multiples of 16 -> else FW_ERR_ALIGN;
 *     raw write: the flash write_align; erase: sector-aligned;
 *   - reads may have any offset/length (encrypted reads decrypt the
 *     enclosing 16-byte blocks in a 16-byte scratch);
 *   - "is this erased?" must use fwd_part_read_raw (erased flash decrypts to
 *     noise, §4.4).
 * A FW_ERR_POWER_LOSS from the HAL is returned unchanged at once.
 *
 * Memory (no heap): struct fwd_dev = flash-encryption context (1176 bytes,
 * device/fwd_fe.h) + FWD_PART_MAX compact entries (32 bytes each, 2 KiB
 * for 64) + a FWD_PART_WBUF-byte encryption buffer (default 4096) -> 7352
 * bytes on a 64-bit host. Stack: < 256 bytes per call, except fwd_dev_open
 * which parses the table once with a struct fw_pt on the stack (3428 bytes;
 * the raw 0xC00-byte table itself is read into wbuf).
 * The context may hold internal pointers (AES key schedules): never copy a
 * struct fwd_dev after fwd_dev_open().
 */
#ifndef FWD_PART_H
#define FWD_PART_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_fe.h"
#include "device/fwd_hal.h"
#include "fw_partition.h"

#define FWD_PART_MAX 64        /* compact entries kept (ESP limit is 95) */
#ifndef FWD_PART_WBUF
#define FWD_PART_WBUF 4096u    /* encrypted writes are issued in chunks of this size */
#endif
#define FWD_PST_ANY 0xFFFF     /* fwd_part_find_type: any subtype (lookup wildcard) */

/* Device names of the partition format's values (FORMATS §6.2): the values
 * are common/fw_partition.h's (FW_PT_*), which new code uses directly. */
#define FWD_PART_TABLE_OFFSET FW_PT_OFFSET_DEFAULT
#define FWD_PART_LABEL_LEN FW_PT_LABEL_LEN
#define FWD_PT_APP FW_PT_TYPE_APP
#define FWD_PT_DATA FW_PT_TYPE_DATA
#define FWD_PT_BOOTLOADER FW_PT_TYPE_BOOTLOADER
#define FWD_PT_PARTITION_TABLE FW_PT_TYPE_PARTITION_TABLE
#define FWD_PST_FACTORY FW_PT_SUB_APP_FACTORY
#define FWD_PST_OTA_0 FW_PT_SUB_APP_OTA_MIN
#define FWD_PST_TEST FW_PT_SUB_APP_TEST
#define FWD_PST_DATA_OTA FW_PT_SUB_DATA_OTA
#define FWD_PST_DATA_NVS FW_PT_SUB_DATA_NVS
#define FWD_PST_DATA_NVS_KEYS FW_PT_SUB_DATA_NVS_KEYS
#define FWD_PST_DATA_TEE_OTA FW_PT_SUB_DATA_TEE_OTA
#define FWD_PART_FLAG_ENCRYPTED FW_PT_FLAG_ENCRYPTED
#define FWD_PART_FLAG_READONLY FW_PT_FLAG_READONLY

struct fwd_part {
    char label[FW_PT_LABEL_LEN + 1]; /* always NUL-terminated (16-char labels have no NUL on flash) */
    uint8_t type;
    uint8_t subtype;
    uint8_t encrypted;                  /* effective: FE on and §4.1 says so */
    uint32_t offset;                    /* absolute flash address */
    uint32_t size;
    uint32_t flags;                     /* raw flags field */
};

struct fwd_dev {
    const struct fwd_platform *plat;
    int fe_mode;                        /* enum fwd_fe_mode from eFuse */
    struct fwd_fe fe;
    uint16_t chip_id, chip_rev;         /* from eFuse */
    uint32_t pt_offset;
    size_t nparts;
    struct fwd_part parts[FWD_PART_MAX];
    uint8_t wbuf[FWD_PART_WBUF];        /* encryption scratch, never holds keys */
};

/* Open: eFuse -> FE, partition table at pt_offset (0 = 0x8000).
 * FW_ERR_KEY for a bad FE mode in eFuse, table errors from fw_partition
 * (FW_ERR_MAGIC, FW_ERR_DIGEST for a bad MD5, FW_ERR_RANGE, ...), then
 * fwd_part_validate's, FW_ERR_NO_SPACE for more than FWD_PART_MAX partitions. */
int fwd_dev_open(struct fwd_dev *d, const struct fwd_platform *plat, uint32_t pt_offset);
/* Like fwd_dev_open but without a partition table (nparts = 0): used to
 * provision a blank device (write the table with fwd_dev_write_abs). */
int fwd_dev_open_blank(struct fwd_dev *d, const struct fwd_platform *plat);
/* Device-side table rules on top of fw_partition's §6.4 validation: every
 * partition non-empty and inside the flash (FW_ERR_RANGE), starting on a
 * sector boundary (FW_ERR_ALIGN), no two overlapping or sharing a label
 * (FW_ERR_FORMAT). Used by fwd_dev_open and fwd_dev_set_parts. */
int fwd_part_validate(const struct fwd_part *parts, size_t n, uint32_t flash_size, uint32_t sector);

/* Install an already-parsed partition list (tests, or a port that keeps
 * its table elsewhere). Entries are copied; `encrypted` is recomputed from
 * the FE mode. FW_ERR_NO_SPACE above FWD_PART_MAX, FW_ERR_RANGE for an entry
 * outside the flash, fwd_part_validate's errors otherwise. */
int fwd_dev_set_parts(struct fwd_dev *d, const struct fwd_part *parts, size_t n);
/* Wipes the FE context. Safe to call twice / after a failed open. */
void fwd_dev_close(struct fwd_dev *d);

/* Does §4.1 encrypt this partition when flash encryption is on? The rule is
 * common/fw_partition's fw_pt_is_encrypted_type. */
int fwd_part_is_encrypted_type(uint8_t type, uint8_t subtype, uint32_t flags);

/* Lookup. NULL when absent. subtype FWD_PST_ANY matches every subtype. */
const struct fwd_part *fwd_part_find(const struct fwd_dev *d, const char *label);
const struct fwd_part *fwd_part_find_type(const struct fwd_dev *d, uint8_t type, unsigned subtype);
/* OTA slots: contiguous ota_0, ota_1, ... (§6.6); count stops at the first
 * missing subtype. fwd_part_ota_slot(d, i) for i < count, else NULL. */
size_t fwd_part_ota_count(const struct fwd_dev *d);
const struct fwd_part *fwd_part_ota_slot(const struct fwd_dev *d, size_t slot);

/* Partition-relative access (off from the partition start). */
int fwd_part_read(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, void *buf, size_t len);
int fwd_part_write(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, const void *buf, size_t len);
int fwd_part_erase(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, size_t len);
int fwd_part_read_raw(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, void *buf, size_t len);
int fwd_part_write_raw(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, const void *buf, size_t len);

/* Absolute-address access with explicit encryption choice (provisioning:
 * bootloader, partition table). encrypt is ignored when FE is off. */
int fwd_dev_read_abs(struct fwd_dev *d, uint32_t addr, void *buf, size_t len, int decrypt);
int fwd_dev_write_abs(struct fwd_dev *d, uint32_t addr, const void *buf, size_t len, int encrypt);

#endif
