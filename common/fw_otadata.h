/* SPDX-License-Identifier: Apache-2.0 */
/* otadata entries and boot-slot selection (FORMATS §7), crypto-free.
 *
 * Entry (32 bytes, esp_ota_select_entry_t):
 *   0  LE32 ota_seq     (0xFFFFFFFF = empty)
 *   4  20   seq_label   (unused by ESP; fwseal puts its record seal here, below)
 *   24 LE32 ota_state
 *   28 LE32 crc         CRC32-ESP over the 4 bytes of ota_seq only
 *
 * fwseal record seal (inside seq_label, invisible to ESP's reader, which
 * ignores seq_label): bytes 4..7 = "FWS1", 8..19 = 0xFF, 20..23 =
 * LE32 CRC32-ESP over bytes 0..19 followed by bytes 24..27, i.e. over
 * seq, magic, reserved and STATE. ESP's crc does not cover ota_state (§9
 * item 8); the seal does, which is what lets device/fwd_otadata.c append
 * state changes as new records and detect a torn one. Entries without the
 * magic (written by ESP-IDF) are judged by the ESP rules alone.
 *
 * Validity (§7.2 + §7.7): an entry is selectable iff seq != 0xFFFFFFFF,
 * seq != 0, crc matches, state is one of the six known values and is not
 * INVALID/ABORTED (and, if sealed, the seal matches).
 */
#ifndef FW_OTADATA_H
#define FW_OTADATA_H

#include <stddef.h>
#include <stdint.h>

#define FW_OTADATA_ENTRY_SIZE 32u
#define FW_OTADATA_SECTOR 0x1000u
#define FW_OTADATA_SIZE 0x2000u
#define FW_OTADATA_SEAL_MAGIC 0x31535746u /* "FWS1" little-endian */

enum fw_ota_state {
    FW_OTA_NEW = 0x0,
    FW_OTA_PENDING_VERIFY = 0x1,
    FW_OTA_VALID = 0x2,
    FW_OTA_INVALID = 0x3,
    FW_OTA_ABORTED = 0x4,
};
/* ESP's ESP_OTA_IMG_UNDEFINED. A macro, not an enumerator: ISO C enumerators
 * are int, so 0xFFFFFFFF in the enum breaks -Wpedantic builds of the
 * installed headers. The state field is a uint32_t either way. */
#define FW_OTA_UNDEFINED 0xFFFFFFFFu

struct fw_otadata_entry {
    uint32_t seq;
    uint8_t seq_label[20];
    uint32_t state;
    uint32_t crc;
};

/* Byte codec (no checks; decode never fails). */
void fw_otadata_decode(const uint8_t in[FW_OTADATA_ENTRY_SIZE], struct fw_otadata_entry *e);
void fw_otadata_encode(const struct fw_otadata_entry *e, uint8_t out[FW_OTADATA_ENTRY_SIZE]);

/* A fresh sealed entry: seq, state, crc and seal set. */
void fw_otadata_make(struct fw_otadata_entry *e, uint32_t seq, uint32_t state);
/* Rewrite the state of a sealed or ESP entry and (re)seal it (keeps seq). */
void fw_otadata_restate(struct fw_otadata_entry *e, uint32_t state);

/* CRC32-ESP over the LE32 seq (Appendix A.2: 1 -> 0x4743989A). */
uint32_t fw_otadata_crc(uint32_t seq);

/* 1 if the state is one of the six values of §7.3. */
int fw_otadata_state_known(uint32_t state);
const char *fw_otadata_state_name(uint32_t state); /* "NEW"... or "unknown" */

/* Seal status: 1 sealed and the seal matches, 0 not sealed (ESP entry),
 * FW_ERR_CRC sealed but the seal does not match (torn or corrupted). */
int fw_otadata_seal_check(const struct fw_otadata_entry *e);

/* Integrity: was this record completely written? FW_OK, or FW_ERR_NOT_FOUND
 * empty (seq 0xFFFFFFFF), FW_ERR_CRC crc or seal mismatch. */
int fw_otadata_check_format(const struct fw_otadata_entry *e);
/* Is it selectable? check_format, then FW_ERR_RANGE seq 0, FW_ERR_FORMAT
 * unknown state, FW_ERR_STATE for INVALID / ABORTED. */
int fw_otadata_check(const struct fw_otadata_entry *e);

/* Active entry of two (§7.2): index 0/1 of the selectable one with the
 * larger seq (0 on a tie), -1 if none. ok[i] != 0 means entry i is selectable. */
int fw_otadata_select(const struct fw_otadata_entry e[2], const int ok[2]);

/* slot = (seq - 1) mod app_count. FW_ERR_RANGE for seq 0 / 0xFFFFFFFF,
 * FW_ERR_NOT_FOUND for app_count 0. */
int fw_otadata_slot(uint32_t seq, uint32_t app_count, uint32_t *slot);

/* §7.4 step 1: the smallest seq >= active_seq with (seq - 1) mod app_count
 * == slot (has_active 0: seq = slot + 1). If the active seq already maps to
 * slot, returns it unchanged (a state rewrite). FW_ERR_OVERFLOW if the next
 * seq would reach 0xFFFFFFFF (reserved for "empty"), FW_ERR_RANGE for a slot
 * >= app_count. */
int fw_otadata_next_seq(int has_active, uint32_t active_seq, uint32_t slot, uint32_t app_count,
                        uint32_t *out);

#endif
