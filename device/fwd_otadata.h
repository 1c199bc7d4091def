/* SPDX-License-Identifier: Apache-2.0 */
/* otadata on the device (FORMATS §7): both sectors read through flash
 * decryption, new entries and state changes written in a POWER-SAFE order.
 *
 * Scheme ("sealed record log"). ESP keeps one 32-byte entry at offset 0 of
 * each of the two sectors and changes a state by erasing and rewriting the
 * ACTIVE sector in place (§7.5): a power cut between the erase and the write
 * loses the active entry and silently boots the older image (§9 item 9).
 * fwseal never erases the active sector for a state change:
 *
 *   - a sector is a log of 32-byte records at offsets 0, 32, 64, ... (up to
 *     128); record 0 is the ESP entry, and ESP's reader only ever looks at it;
 *   - every record fwseal writes is SEALED (common/fw_otadata.h: a CRC over
 *     seq, magic and state inside the unused seq_label);
 *   - a state change (NEW -> PENDING_VERIFY -> VALID / ABORTED / INVALID)
 *     APPENDS a sealed record with the same seq and the new state at the
 *     first raw-erased record slot of the active sector: one 32-byte program,
 *     no erase. Before the program completes the old record is the last
 *     well-formed one (old state); a torn program fails the seal (old state);
 *     once complete the new record wins (new state);
 *   - a new selection (set boot partition) erases the INACTIVE sector and
 *     writes a sealed record 0 there with the next seq (§7.4 step 1): until
 *     that program completes the active sector still selects the old slot;
 *   - reading a sector: scan records until the first raw all-0xFF one; the
 *     sector's entry is the LAST well-formed record (complete: seq, crc,
 *     seal) whose seq equals record 0's seq, and record 0 must itself be
 *     well-formed; that entry is then judged by §7.2 + §7.7 (seq 0, unknown
 *     or INVALID/ABORTED state -> not selectable). Records after 0 must be sealed. An ESP-written sector
 *     (record 0 unsealed, rest erased) therefore reads exactly as ESP reads it;
 *   - a full log (128 records; normal flows append at most 3 per selection)
 *     is compacted with ESP's in-place rewrite (erase + write record 0) —
 *     the one remaining non-atomic path, practically unreachable.
 * Hence after a cut at any write/erase, selection yields the old or the new
 * (slot, state), never a lost or garbage entry. Tested exhaustively with the
 * simulator's clean and torn cuts (tests/unit/test_otadata_powercut.c).
 *
 * Compatibility: fwseal reads ESP-written otadata exactly (and applies the
 * stricter §7.7 rules). ESP's bootloader reading fwseal otadata sees record 0
 * of each sector, i.e. the right slot but the state as first written.
 *
 * Memory: struct fwd_otadata 96 bytes; stack < 128 bytes; no heap.
 */
#ifndef FWD_OTADATA_H
#define FWD_OTADATA_H

#include <stdint.h>

#include "device/fwd_part.h"
#include "fw_otadata.h"

#define FWD_OTADATA_RECORDS (FW_OTADATA_SECTOR / FW_OTADATA_ENTRY_SIZE)

struct fwd_otadata_sector {
    struct fw_otadata_entry e;   /* effective entry (last well-formed record) */
    int status;                  /* fw_otadata_check(e): FW_OK = selectable */
    uint16_t used;               /* raw non-erased record slots (next append index) */
};

struct fwd_otadata {
    const struct fwd_part *part; /* the data/ota partition */
    struct fwd_otadata_sector sec[2];
    int active;                  /* 0, 1 or -1 (no selectable entry) */
};

/* Find the otadata partition (FW_ERR_NOT_FOUND if none; FW_ERR_FORMAT if it
 * is not exactly 0x2000 bytes) and read both sectors. */
int fwd_otadata_load(struct fwd_dev *d, struct fwd_otadata *od);

/* Slot of the active entry: 0 and *slot set, or FW_ERR_NOT_FOUND if no
 * selectable entry or no OTA slot, FW_ERR_RANGE if the slot does not exist. */
int fwd_otadata_active_slot(const struct fwd_dev *d, const struct fwd_otadata *od, uint32_t *slot);

/* Select OTA slot `slot` for the next boot with `state` (NEW with rollback,
 * UNDEFINED without): if it is already the active slot, its state is
 * appended (fwd_otadata_set_state); otherwise the inactive sector (sector 0
 * when none is active) is erased and gets a sealed record 0 with the next
 * seq (§7.4 step 1). Reloads od. */
int fwd_otadata_select_slot(struct fwd_dev *d, struct fwd_otadata *od, uint32_t slot, uint32_t state);

/* Append `state` to sector `sec` (0/1), which must hold a well-formed entry
 * (FW_ERR_STATE otherwise). Reloads od. */
int fwd_otadata_set_state(struct fwd_dev *d, struct fwd_otadata *od, int sec, uint32_t state);

/* Erase one sector (esp_ota_begin's "invalidate the inactive entry") or both
 * (boot factory). Reloads od. */
int fwd_otadata_erase_sector(struct fwd_dev *d, struct fwd_otadata *od, int sec);
int fwd_otadata_erase_all(struct fwd_dev *d, struct fwd_otadata *od);

#endif
