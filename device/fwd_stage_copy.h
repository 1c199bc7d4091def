/* SPDX-License-Identifier: Apache-2.0 */
/* The power-safe copy of a staged, verified image to its final place
 * (bootloader, partition table, data partition), driven by the copy journal
 * (common/fw_copy_journal.h, one raw 4 KiB sector at a fixed flash offset the
 * bootloader knows without the partition table, like the table's own offset).
 *
 *   fwd_stage_copy_start()   erase the journal sector, program its header
 *                            (what, from where, to where, length, SHA-256 of
 *                            the source) -- BEFORE the first erase of the
 *                            destination -- then run the copy;
 *   fwd_stage_copy_resume()  what the next boot (and the next run of the
 *                            device library) calls first: no valid header ->
 *                            nothing to do; else check the source still
 *                            hashes to the journal's digest, copy the
 *                            destination sectors not yet recorded as done
 *                            (each: erase, program, progress record), check
 *                            the destination's digest, erase the journal.
 *
 * Every step is idempotent (a sector is erased before it is programmed, the
 * source is never written), so a cut anywhere -- also in the recovery itself
 * -- ends with the old content (cut before the header completed) or the new
 * one (the next resume finishes). What this cannot protect is the copy of the
 * bootloader itself when the ROM has no fallback: while its sectors are
 * erased or half-programmed nothing runs that could resume (docs/threat-model.md).
 * Source and destination are read/written through flash encryption as the
 * header's flags say (fwd_dev_read_abs / fwd_dev_write_abs). A
 * FW_ERR_POWER_LOSS is returned at once, unchanged.
 * Memory: the caller's 4 KiB work buffer (struct fwd_verify_work), no heap. */
#ifndef FWD_STAGE_COPY_H
#define FWD_STAGE_COPY_H

#include <stdint.h>

#include "device/fwd_part.h"
#include "device/fwd_verify.h"
#include "fw_copy_journal.h"

struct fwd_copy_report {
    int pending;              /* a journal was found (resume) / written (start) */
    struct fw_cj_header h;    /* what it said */
    uint32_t resumed_at;      /* first destination sector copied in this run */
    uint32_t sectors;         /* destination sectors of the copy */
    int restarted;            /* a complete-looking copy did not verify: copied again from sector 0 */
    int completed;            /* the destination now holds the image and the journal is erased */
};

/* Read and parse the journal sector (raw). */
int fwd_stage_journal_read(struct fwd_dev *d, uint32_t journal_off, struct fwd_verify_work *w, struct fw_cj_state *st);
/* SHA-256 of [addr, addr + len) as read (decrypt: through flash decryption). */
int fwd_stage_digest(struct fwd_dev *d, uint32_t addr, uint32_t len, int decrypt, struct fwd_verify_work *w,
                     uint8_t out[32]);
/* Journal + copy. FW_ERR_STATE if a copy is already pending (resume it first);
 * FW_ERR_DIGEST if the source does not hash to h->digest. */
int fwd_stage_copy_start(struct fwd_dev *d, uint32_t journal_off, const struct fw_cj_header *h,
                         struct fwd_verify_work *w, struct fwd_copy_report *rep);
/* Finish a pending copy (rep->pending = 0 and FW_OK when there is none).
 * FW_ERR_DIGEST: the staging copy no longer matches the journal (nothing is
 * written: the destination stays as it is, the journal stays). */
int fwd_stage_copy_resume(struct fwd_dev *d, uint32_t journal_off, struct fwd_verify_work *w,
                          struct fwd_copy_report *rep);

#endif
