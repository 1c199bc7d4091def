/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA progress record (docs/formats.md "OTA progress record"): what an
 * interrupted OTA was fetching and how far its slot is written, so the next
 * attempt can resume instead of starting over. It holds NO key material and
 * NO cipher state: only digests that identify the download and a byte count.
 *
 * Two NVS items in namespace FW_OTA_PROGRESS_NS (device/fwd_ota_resume.h):
 *   "meta" (blob, this codec, written once per download, before the slot is
 *          touched) and
 *   "done" (u64, rewritten at every checkpoint: plaintext bytes on flash,
 *          a multiple of FW_OTA_PROGRESS_ALIGN).
 * "done" is erased before "meta" changes, so a "done" always belongs to the
 * "meta" next to it.
 *
 * meta layout (little-endian):
 *   0   4  magic "FWOP" (0x504F5746)
 *   4   1  version (1)
 *   5   1  payload: 1 encrypted container, 2 plaintext image
 *   6   1  validator kind: 0 none, 1 ETag, 2 Last-Modified
 *   7   1  reserved, 0
 *   8   4  slot: flash offset of the OTA slot being written
 *   12  4  checkpoint interval in bytes (multiple of FW_OTA_PROGRESS_ALIGN)
 *   16  8  total input size (container or image bytes, as the server announced)
 *   24 32  SHA-256 of the source name (URL)
 *   56 32  SHA-256 of the first FW_OTA_PROGRESS_HEAD input bytes (container header)
 *   88 32  SHA-256 of the validator's value (zero when kind = 0)
 *   120 2  source name length L (<= FW_OTA_PROGRESS_SOURCE_MAX)
 *   122 L  source name (URL), printable ASCII, no NUL
 */
#ifndef FW_OTA_PROGRESS_H
#define FW_OTA_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#define FW_OTA_PROGRESS_NS "fwseal_ota"
#define FW_OTA_PROGRESS_KEY_META "meta"
#define FW_OTA_PROGRESS_KEY_DONE "done"
#define FW_OTA_PROGRESS_MAGIC 0x504F5746u
#define FW_OTA_PROGRESS_VERSION 1u
#define FW_OTA_PROGRESS_FIXED 122u
#define FW_OTA_PROGRESS_SOURCE_MAX 1023u
#define FW_OTA_PROGRESS_MAX (FW_OTA_PROGRESS_FIXED + FW_OTA_PROGRESS_SOURCE_MAX)
#define FW_OTA_PROGRESS_HEAD 512u      /* identifying prefix: the container header */
#define FW_OTA_PROGRESS_ALIGN 4096u    /* flash sector: checkpoints and resume points */
#define FW_OTA_PROGRESS_DIGEST 32u

enum fw_ota_progress_payload { FW_OTA_PROGRESS_ENCRYPTED = 1, FW_OTA_PROGRESS_PLAINTEXT = 2 };
enum fw_ota_progress_validator { FW_OTA_VALIDATOR_NONE = 0, FW_OTA_VALIDATOR_ETAG = 1, FW_OTA_VALIDATOR_LAST_MODIFIED = 2 };

struct fw_ota_progress {
    enum fw_ota_progress_payload payload;
    enum fw_ota_progress_validator validator_kind;
    uint32_t slot_offset;
    uint32_t interval;
    uint64_t total;
    uint8_t source_hash[FW_OTA_PROGRESS_DIGEST];
    uint8_t head_hash[FW_OTA_PROGRESS_DIGEST];
    uint8_t validator_hash[FW_OTA_PROGRESS_DIGEST];
    char source[FW_OTA_PROGRESS_SOURCE_MAX + 1];   /* NUL-terminated */
};

/* Encode into out[cap]; returns the length or FW_ERR_INVALID_ARG (bad field)
 * / FW_ERR_NO_SPACE (cap too small). */
long fw_ota_progress_encode(const struct fw_ota_progress *r, uint8_t *out, size_t cap);
/* Decode and check every field: FW_ERR_TRUNCATED, FW_ERR_MAGIC,
 * FW_ERR_VERSION, FW_ERR_FORMAT (reserved byte, unknown kind, interval,
 * length, non-printable source). */
int fw_ota_progress_decode(const uint8_t *in, size_t len, struct fw_ota_progress *r);
/* A "done" value that fits this record: aligned and not beyond the total. */
int fw_ota_progress_done_ok(const struct fw_ota_progress *r, uint64_t done);

#endif
