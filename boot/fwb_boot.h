/* SPDX-License-Identifier: Apache-2.0 */
/* The second-stage bootloader (FORMATS §7.2-7.6, §2.7, §9 items 9-10).
 *
 *   1. read the partition table and both otadata sectors (through decryption);
 *   2. rewrite every PENDING_VERIFY entry as ABORTED (the app did not confirm);
 *   3. plan the candidates (boot/fwb_decide.h: highest valid seq, then the
 *      other selectable entry, factory, unmarked slots, test);
 *   4. FULLY verify each candidate in turn (structure, checksum, SHA-256,
 *      chip, secure_version >= eFuse, SBv2 signature against the non-revoked
 *      eFuse digests) and take the first that passes;
 *   5. double-check the decision (fault-injection hardening, MCUboot style):
 *      re-read otadata, recompute the plan on a separate path, re-verify the
 *      chosen image from flash, and require both passes to agree on the slot
 *      and on the image digest, through redundant complementary flags;
 *   6. commit: NEW -> PENDING_VERIFY for the booted entry (or, in the
 *      initial-contents case, a fresh VALID entry);
 *   7. anti-rollback heal (as ESP-IDF's bootloader): if the booted entry is
 *      VALID and the eFuse secure_version is below the image's, burn the
 *      missing bits (decided twice, like the boot itself), then "jump".
 *
 * The eFuse secure_version is raised by the app's confirmation
 * (fwd_ota_mark_app_valid) and, for an image that runs as VALID, by this
 * heal, so a power cut between confirm's VALID record and its burn is
 * repaired at the next boot, before any OTA can be accepted. Never for NEW
 * or PENDING_VERIFY: see docs/porting.md.
 * With no candidate verifying it returns FW_ERR_NOT_FOUND ("no bootable image").
 *
 * Memory: no heap; the struct fwd_ota_dev of the caller (its work area) plus
 * ~1 KiB of stack for the plan and a second result.
 */
#ifndef FWB_BOOT_H
#define FWB_BOOT_H

#include <stdint.h>

#include "boot/fwb_decide.h"
#include "device/fwd_ota.h"

struct fwb_attempt {
    char label[FW_PT_LABEL_LEN + 1];
    int reason;                 /* enum fwd_verify_reason */
    struct fw_fail fail;        /* the verification's code + reason text */
};

struct fwb_result {
    const struct fwd_part *part;    /* booted partition, NULL if none */
    int kind;                       /* enum fwb_kind */
    int slot;                       /* OTA slot or -1 */
    uint32_t state;                 /* ota_state after boot (UNDEFINED for factory/test) */
    int has_state;                  /* an otadata entry selects it */
    struct fwd_app_info app;
    uint8_t digest[FWD_VERIFY_DIGEST_LEN]; /* SHA-256 of the signed region of the booted image */
    int key_slot;                   /* eFuse digest slot that verified it */
    int n_attempts;
    struct fwb_attempt attempts[FWB_MAX_CAND];
    /* What was found and decided, for reports only (never used to decide). */
    int otadata_present;            /* the layout has an otadata partition */
    int otadata_status[2];          /* per sector as read: fwd_otadata_sector.status */
    int by_default;                 /* booted by the default order, no otadata entry chose it */
    int fresh_record;               /* a fresh otadata record now selects it (initial contents) */
};

/* Run the bootloader on an opened device (dev->running is ignored and set to
 * the booted partition on success). FW_OK, FW_ERR_NOT_FOUND (no bootable
 * image), FW_ERR_STATE (the double check disagreed: refuse, do not boot),
 * FW_ERR_POWER_LOSS, or another flash / eFuse error. */
int fwb_boot(struct fwd_ota_dev *dev, struct fwb_result *res);

#endif
