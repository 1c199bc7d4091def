/* SPDX-License-Identifier: Apache-2.0 */
/* OTA operations of the running application, mirroring ESP-IDF's
 * esp_ota_ops.h (FORMATS §8) with the rollback state machine (§7.4) and
 * anti-rollback (§7.6) always enabled, and the fixes of §8.7 / §9:
 *
 *   fwd_ota_dev_open()                  once per boot: partition table, otadata, eFuse
 *   fwd_ota_get_next_update_partition() the passive slot to write
 *   fwd_ota_begin()                     refuse running slot / PENDING_VERIFY, erase the slot
 *   fwd_ota_set_early_check()           optional: look at the app descriptor early
 *   fwd_ota_write()  ...                sequential, through flash encryption
 *   fwd_ota_end()                       full verification read back through decryption
 *   fwd_ota_set_boot_partition()        re-verify, then otadata entry (state NEW)
 *   (or fwd_ota_end_and_set_boot()      end + select in one call: one verification)
 *   -- reboot: the bootloader turns NEW into PENDING_VERIFY and verifies again --
 *   fwd_ota_mark_app_valid()            VALID + burn a higher eFuse secure_version
 *   (fwd_ota_heal_secure_version()      the same burn for a VALID app whose floor
 *                                        lags, e.g. after a cut inside confirm;
 *                                        every OTA precondition and the
 *                                        bootloader run it)
 *   fwd_ota_mark_app_invalid()          INVALID, the other entry becomes active
 *   fwd_ota_revoke_key()                confirmed app revokes an old Secure Boot key
 *
 * Any failure after begin (write error, early-check refusal, verification
 * failure in end, abort) ERASES the written part of the slot, so no plaintext
 * of a rejected image stays readable, and closes the handle. The one
 * exception is FW_ERR_POWER_LOSS: the device is "dead", callers stop at once
 * and propagate it unchanged; the next boot sees an unselected half-written
 * slot, which the bootloader never selects (it is not in otadata).
 *
 * Memory: no malloc. struct fwd_ota_dev (~15 KiB: struct fwd_dev ~8.6 KiB + the
 * verification work area) and struct fwd_ota_handle (~0.4 KiB) are provided by the caller;
 * one handle may be open per device at a time.
 * Every hardware access goes through the platform (device/fwd_hal.h); all
 * functions return 0 (FW_OK) or a negative fw_err code.
 */
#ifndef FWD_OTA_H
#define FWD_OTA_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"
#include "device/fwd_part.h"
#include "device/fwd_verify.h"
#include "fw_otadata.h"

/* ota_state values of an otadata entry (FORMATS §7.3): enum fw_ota_state
 * of common/fw_otadata.h (FW_OTA_NEW, FW_OTA_PENDING_VERIFY, ...). */

/* image_size arguments of fwd_ota_begin (as ESP's OTA_SIZE_UNKNOWN). */
#define FWD_OTA_SIZE_UNKNOWN 0xFFFFFFFFu   /* erase the whole partition */

/* The device as the running application sees it: the device context of
 * device/fwd_part.h (flash encryption + partition table), an eFuse snapshot
 * WITHOUT the flash-encryption key (wiped at open), the running partition.
 * Fields are read-only for callers; never copy it after fwd_ota_dev_open. */
struct fwd_ota_dev {
    struct fwd_dev d;                       /* partitions: fwd_part_find(&dev->d, ...) */
    struct fwd_efuse_state efuse;           /* fe_key zeroed; refreshed after burns */
    const struct fwd_part *running;         /* NULL: nothing booted */
    int busy;                               /* a handle is open */
    struct fwd_verify_work work;            /* verification scratch (one at a time) */
    struct fwd_verify_result last;          /* result of the last verification */
};

/* Called once, when the first FWD_APP_EARLY_BYTES of the new image have been
 * written, with the new image's app descriptor (unverified: a hint only, the
 * real decision is fwd_ota_end). Return FW_OK to continue or a negative
 * fw_err (e.g. FW_ERR_VERSION for "same version as running / last invalid");
 * the write then fails with that code and the slot is erased. */
typedef int (*fwd_ota_early_check_fn)(void *arg, const struct fwd_ota_dev *dev,
                                      const struct fwd_app_info *incoming);

/* An OTA in progress. Caller-provided; opaque, do not touch the fields. */
struct fwd_ota_handle {
    uint32_t magic;                   /* open marker */
    struct fwd_ota_dev *dev;
    const struct fwd_part *part;
    uint32_t erased;                  /* bytes erased from the slot start */
    uint32_t wrote;                   /* bytes programmed to flash (multiple of 16) */
    uint32_t received;                /* bytes accepted from the caller */
    uint8_t pend[16];                 /* < 16 bytes waiting for a full FE block */
    uint8_t pend_len;
    uint8_t early[FWD_APP_EARLY_BYTES]; /* first bytes, for the early check */
    fwd_ota_early_check_fn early_fn;
    void *early_arg;
    int early_done;
};

/* ---- device ---- */

/* fwd_dev_open (eFuse, flash encryption, partition table at pt_offset, 0 =
 * 0x8000), eFuse snapshot, and remember which app partition runs (label, or
 * NULL when no app runs: queries work, update/confirm calls say FW_ERR_STATE).
 * Table errors from fwd_dev_open, FW_ERR_NOT_FOUND for an unknown label. */
int fwd_ota_dev_open(struct fwd_ota_dev *dev, const struct fwd_platform *plat,
                     uint32_t pt_offset, const char *running_label);
/* Same for a port with a compiled-in partition list (no table on flash):
 * fwd_dev_open_blank + fwd_dev_set_parts. Also what the unit tests use. */
int fwd_ota_dev_open_parts(struct fwd_ota_dev *dev, const struct fwd_platform *plat,
                           const struct fwd_part *parts, size_t n, const char *running_label);
/* Wipe and close (safe after a failed open). */
void fwd_ota_dev_close(struct fwd_ota_dev *dev);

/* Partition lookup by label (NULL when absent). */
const struct fwd_part *fwd_ota_find(const struct fwd_ota_dev *dev, const char *label);

/* ---- queries (esp_ota_get_*) ---- */

/* The partition the app runs from (NULL if nothing booted). */
const struct fwd_part *fwd_ota_get_running_partition(const struct fwd_ota_dev *dev);
/* What otadata selects for the next boot (active entry's slot, else factory,
 * else ota_0); NULL on read error / no app partition. */
const struct fwd_part *fwd_ota_get_boot_partition(struct fwd_ota_dev *dev);
/* The OTA slot after the running one (ota_{(i+1) mod n}; ota_0 when running
 * factory/test or nothing). `start` NULL = running. NULL if no OTA slots. */
const struct fwd_part *fwd_ota_get_next_update_partition(struct fwd_ota_dev *dev,
                                                             const struct fwd_part *start);
/* The slot of an entry marked INVALID or ABORTED (the last rejected update),
 * NULL if none (esp_ota_get_last_invalid_partition). */
const struct fwd_part *fwd_ota_get_last_invalid_partition(struct fwd_ota_dev *dev);
/* ota_state of the valid-CRC otadata entry with the highest seq that maps to
 * `part`. FW_ERR_UNSUPPORTED for non-OTA partitions, FW_ERR_NOT_FOUND if no entry. */
int fwd_ota_get_state_partition(struct fwd_ota_dev *dev, const struct fwd_part *part,
                                uint32_t *state);
/* App descriptor of the image in a partition (header + esp_app_desc_t only,
 * not verified). FW_ERR_NOT_FOUND if no app image is there. */
int fwd_ota_get_partition_description(struct fwd_ota_dev *dev, const struct fwd_part *part,
                                      struct fwd_app_info *out);
/* Full verification of the image in a partition (what end/set_boot do);
 * details in dev->last and *res if non-NULL. */
int fwd_ota_verify_partition(struct fwd_ota_dev *dev, const struct fwd_part *part,
                             struct fwd_verify_result *res);

/* ---- update ---- */

/* Start writing `part`. Refuses: non-OTA app partition (FW_ERR_INVALID_ARG), the
 * running partition (FW_ERR_STATE), running app in PENDING_VERIFY (FW_ERR_STATE),
 * another open handle (FW_ERR_STATE), image_size larger than the partition
 * (FW_ERR_NO_SPACE). Then, before anything is erased, the anti-rollback heal
 * (fwd_ota_heal_secure_version; its error is returned). Erases ALIGN_UP(image_size, 4096) (whole partition for
 * 0 / FWD_OTA_SIZE_UNKNOWN) and first invalidates (erases) an inactive otadata
 * entry that points at `part`, so a half-written slot can never be selected. */
int fwd_ota_begin(struct fwd_ota_dev *dev, const struct fwd_part *part, uint32_t image_size,
                  struct fwd_ota_handle *h);

/* fwd_ota_begin for a write that resumes at `done` (a multiple of 4096, at
 * most the erased size): the same refusals, heal and otadata invalidation,
 * but only [done, ALIGN_UP(image_size)) is erased; [0, done) is kept as it
 * is on flash and the next fwd_ota_write continues at byte done. The caller
 * has checked the kept bytes' app descriptor (read back) itself, and
 * fwd_ota_end verifies the whole image as always. done 0 = fwd_ota_begin.
 * A failure later erases the whole slot. */
int fwd_ota_begin_at(struct fwd_ota_dev *dev, const struct fwd_part *part, uint32_t image_size, uint32_t done,
                     struct fwd_ota_handle *h);
/* Bytes of the image programmed to flash so far (whole 16-byte blocks; the
 * rest waits in the handle): what a progress checkpoint may claim. */
uint32_t fwd_ota_programmed(const struct fwd_ota_handle *h);

/* Install the early-check hook (before the first write). */
void fwd_ota_set_early_check(struct fwd_ota_handle *h, fwd_ota_early_check_fn fn, void *arg);

/* Append len bytes (any size, strictly sequential). Only whole 16-byte blocks
 * reach flash (FE granularity, §8.3); the rest waits in the handle. The first
 * byte must be 0xE9 (FW_ERR_MAGIC). Writing past the erased area is
 * FW_ERR_NO_SPACE. On any error (except power loss) the slot is erased and the
 * handle closed. len 0 is a no-op. */
int fwd_ota_write(struct fwd_ota_handle *h, const void *data, size_t len);

/* Flush the last partial block (padded with 0xFF), then verify the written
 * image read back through decryption: structure, checksum, SHA-256, chip id,
 * secure_version >= eFuse, SBv2 signature against the non-revoked eFuse
 * digests. On failure the slot is erased. The handle is closed on every path.
 * Details of the verification in h->dev->last. */
int fwd_ota_end(struct fwd_ota_handle *h);

/* fwd_ota_end, then -- still holding the handle, so nothing can have written
 * the slot since it was verified -- select it for the next boot exactly as
 * fwd_ota_set_boot_partition does (new otadata entry, state NEW), WITHOUT a
 * second full verification pass: the selection is bound to the verification
 * done in the same call on the same handle, with the same eFuse snapshot.
 * (fwd_ota_set_boot_partition on its own always re-verifies; the bootloader
 * verifies again at boot in any case.) If the selection fails, otadata
 * entries for the slot are invalidated and the slot erased, as for a failed
 * end. The handle is closed on every path. *verified (may be NULL) is set to
 * 1 when the verification passed (so a failure came from the selection), 0
 * otherwise. */
int fwd_ota_end_and_set_boot(struct fwd_ota_handle *h, int *verified);

/* Stop without erasing, to resume later with fwd_ota_begin_at: close the
 * handle, keep what was programmed (bytes still waiting in the handle are
 * dropped). The slot is not selectable: begin invalidated its entries. */
int fwd_ota_suspend(struct fwd_ota_handle *h);

/* Give up: erase what was written, close the handle. */
int fwd_ota_abort(struct fwd_ota_handle *h);

/* Re-verify the image in `part` (an OTA slot or factory), then select it for
 * the next boot: OTA slot -> new otadata entry in the inactive sector with the
 * next matching seq, state NEW (power-safe order); factory -> both otadata
 * entries erased. The anti-rollback heal runs first. A secure_version below
 * eFuse erases the partition and returns FW_ERR_ROLLBACK (as
 * ESP_ERR_OTA_SMALL_SEC_VER). */
int fwd_ota_set_boot_partition(struct fwd_ota_dev *dev, const struct fwd_part *part);

/* ---- confirm / reject (the running app about itself) ---- */

/* Running app confirms itself: active entry -> VALID (in place, power-safe),
 * THEN raise the eFuse secure_version to the app's (only the missing bits).
 * A power cut between the two is healed by the next boot (fwb_boot) and by
 * any OTA precondition (fwd_ota_heal_secure_version), see docs/porting.md.
 * FW_ERR_NOT_FOUND without otadata, FW_ERR_STATE when running factory / not
 * the active entry. */
int fwd_ota_mark_app_valid(struct fwd_ota_dev *dev);

/* Anti-rollback heal, as ESP-IDF's bootloader does for a VALID app: when the
 * running app's otadata entry (the newest for its slot) is VALID and its
 * secure_version is above the eFuse value, fully verify the running image
 * and burn only the missing bits up to the verified secure_version
 * (saturated: fwd_ota_heal_target; dev->efuse refreshed). Does nothing for NEW / PENDING_VERIFY (that burn
 * waits for the confirmation), for factory / test, or when nothing runs.
 * The image not verifying is returned as its verification error (nothing
 * burned): callers refuse the OTA. Used by every OTA precondition. */
int fwd_ota_heal_secure_version(struct fwd_ota_dev *dev);

/* What a heal raises the eFuse to for an image at `secure_version`: the
 * value itself, saturated at FWD_EFUSE_SECVER_MAX (the field holds no more;
 * refusing would make a VALID image above it unbootable). */
uint32_t fwd_ota_heal_target(uint32_t secure_version);

/* Raise the eFuse secure_version to `want` if it is lower: burn only the
 * missing thermometer bits, never clear any; dev->efuse refreshed.
 * FW_ERR_RANGE above FWD_EFUSE_SECVER_MAX. The policy (VALID, verified) is
 * the caller's: fwd_ota_mark_app_valid, fwd_ota_heal_secure_version, fwb_boot. */
int fwd_ota_raise_secure_version(struct fwd_ota_dev *dev, uint32_t want);

/* Running app rejects itself: requires a rollback target (the other entry
 * selectable with a verifying image, or a verifying factory app), else
 * FW_ERR_STATE and nothing changes. Active entry -> INVALID; the caller then
 * reboots (the bootloader runs the other image). */
int fwd_ota_mark_app_invalid(struct fwd_ota_dev *dev);

/* ---- key revocation (esp_ota_revoke_secure_boot_public_key) ---- */

/* The running app revokes the Secure Boot key in eFuse digest slot `slot`
 * (burns KEY_REVOKEslot: one bit, so a power cut leaves it done or not done).
 * As ESP-IDF's conservative scheme, the app does this after an update signed
 * by the new key has been confirmed. Refuses to brick the device:
 *   FW_ERR_STATE      nothing runs, or the running OTA app is not VALID yet
 *                     (confirm first);
 *   FW_ERR_NOT_FOUND  slot not provisioned;
 *   FW_ERR_REVOKED    the running image would not verify with the key revoked
 *                     (no signature by another trusted, non-revoked key, or
 *                     too few for the k-of-n policy); dev->last says why.
 *                     Nothing burned.
 *   a verification error: the running image does not verify even now.
 * FW_OK when revoked (also when it was already); dev->efuse refreshed. */
int fwd_ota_revoke_key(struct fwd_ota_dev *dev, unsigned slot);

#endif
