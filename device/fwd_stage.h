/* SPDX-License-Identifier: Apache-2.0 */
/* Staged updates of what is not an app: the second-stage bootloader, the
 * partition table, a data partition (NVS, a certificate store...). The image
 * goes into a STAGING slot first (the passive OTA app slot, or a named
 * partition), is verified completely there, read back through flash
 * decryption, and only then copied to its final place by the journalled,
 * power-safe copy of device/fwd_stage_copy.h:
 *
 *   fwd_stage_start()   finish a copy a power cut left pending (the device
 *                       library's own recovery), then choose and check the
 *                       staging slot (an OTA app slot that neither runs nor
 *                       boots next, or a data partition that is not otadata,
 *                       NVS, NVS keys, TEE otadata or eFuse) and the
 *                       destination; nothing is written yet
 *   fwd_stage_feed()    the image (plaintext, or the ESP encrypted container
 *                       CF B6 88 07: decrypted on the fly; any chunking) into
 *                       the staging slot through flash encryption
 *   fwd_stage_finish()  GCM tag (encrypted input), then the target's checks on
 *                       what the staging slot holds, then journal + copy:
 *     bootloader       ESP image structure, checksum, SHA-256, the bootloader
 *                      descriptor (magic 0x50), chip id and minimum revision,
 *                      its own Secure Boot V2 signature by the eFuse keys
 *                      (fwd_verify_image with kind FW_IMAGE_KIND_BOOTLOADER);
 *                      fits below the partition table; its descriptor's
 *                      secure_version is not below the installed (verifying)
 *                      bootloader's (no downgrade);
 *     partition table  MD5 record present and matching, FORMATS 6.4 (records,
 *                      bounds, terminator) and 6.5 (alignment, overlaps,
 *                      unique labels, one otadata of 0x2000, nothing below the
 *                      table sector), device rules (fwd_part_validate), and
 *                      that the running app, otadata, every NVS partition,
 *                      the copy-journal partition and the staging slot keep
 *                      type, offset and (otadata, NVS, journal) size; the
 *                      running app and the staging slot may only grow;
 *     data partition   a Secure Boot V2 signed data image (data padded to
 *                      4 KiB + signature sector: fwd_verify_signed_data) that
 *                      fits the partition; the whole partition is rewritten
 *                      (old NVS pages do not survive next to the new ones).
 * Any refusal erases what was written to the staging slot; the destination is
 * untouched (the copy starts only after every check passed).
 *
 * Memory: caller-provided struct fwd_stage (~12 KiB: the decryptor, a 4 KiB
 * sector buffer, a verification result); the device context is the caller's.
 * No heap in this module. */
#ifndef FWD_STAGE_H
#define FWD_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_decrypt.h"
#include "device/fwd_ota.h"
#include "device/fwd_stage_copy.h"

enum fwd_stage_target {
    FWD_STAGE_BOOTLOADER = FW_CJ_BOOTLOADER,
    FWD_STAGE_PARTITION_TABLE = FW_CJ_PARTITION_TABLE,
    FWD_STAGE_DATA = FW_CJ_DATA,
};

struct fwd_stage_cfg {
    struct fwd_ota_dev *dev;             /* opened, with the running app (fwd_ota_dev_open) */
    enum fwd_stage_target target;
    const char *dest_label;              /* FWD_STAGE_DATA: the data partition to replace */
    const char *staging_label;           /* NULL: the passive OTA app slot */
    uint32_t journal_offset;             /* the platform's copy-journal sector (a data partition of its own) */
    const struct fwd_decrypt_key *key;   /* NULL: encrypted input refused */
};

enum fwd_stage_state { FWD_STAGE_RUNNING = 0, FWD_STAGE_DONE, FWD_STAGE_FAILED };

struct fwd_stage {
    struct fwd_stage_cfg cfg;
    enum fwd_stage_state state;
    struct fw_fail fail;
    char why[128];
    const struct fwd_part *staging, *dest;   /* dest NULL for bootloader / table */
    uint32_t dst_off, dst_max, dst_enc;
    int payload;                 /* 0 undecided, 1 plaintext, 2 encrypted */
    uint8_t magic[4];
    uint32_t magic_len;
    uint64_t in_bytes;
    uint32_t written;            /* plaintext bytes accepted into the staging slot */
    uint32_t flushed;            /* bytes programmed (sector multiple until the end) */
    int touched;                 /* the staging slot was erased / written */
    uint32_t sec_fill;
    uint8_t sec[4096];
    struct fwd_sink writer, head;
    struct fwd_decrypt dec;
    struct fwd_verify_result vr;     /* bootloader / data verification */
    struct fwd_verify_result vr_cur; /* the installed bootloader (downgrade check) */
    struct fwd_copy_report pending;  /* what fwd_stage_start finished first */
    struct fwd_copy_report copy;     /* the copy of this update */
};

/* FW_ERR_INVALID_ARG, FW_ERR_STATE (no running app, or a pending copy of a
 * partition table was just finished: reopen the device first), FW_ERR_NOT_FOUND
 * (no staging slot / destination / journal partition), FW_ERR_RANGE (they
 * overlap, or the staging slot is the running or next-boot app). s->why says. */
int fwd_stage_start(struct fwd_stage *s, const struct fwd_stage_cfg *cfg);
int fwd_stage_feed(struct fwd_stage *s, const uint8_t *p, size_t n);
int fwd_stage_finish(struct fwd_stage *s);
/* Give up (transport error): erase what reached the staging slot. */
int fwd_stage_abort(struct fwd_stage *s, int err, const char *why);
struct fwd_sink fwd_stage_input(struct fwd_stage *s);
const char *fwd_stage_reason(const struct fwd_stage *s);

/* The partition-table rules above on a candidate table (bin, len <= 0xC00),
 * for the device as it is now. FW_OK or an error with why[] filled. */
int fwd_stage_check_table(struct fwd_ota_dev *dev, const uint8_t *bin, size_t len, const struct fwd_part *staging,
                          uint32_t journal_offset, char *why, size_t why_len);

const char *fwd_stage_target_name(enum fwd_stage_target t);

#endif
