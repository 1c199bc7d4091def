/* SPDX-License-Identifier: Apache-2.0 */
/* Device-side verification of an ESP app image and its Secure Boot V2
 * signature sector (FORMATS §1.9, §1.10, §2.7, §2.9), on the crypto seam
 * (device/fwd_crypto.h) and the signature scheme table (device/fwd_sig.h).
 *
 * One module, one job: given a way to read the image bytes *as the CPU would
 * see them* (through flash decryption), decide whether the image may run and
 * say precisely why not. Used by the OTA layer (fwd_ota_end / set_boot) and by
 * the bootloader (boot/).
 *
 * Policy (stricter than ESP-IDF, see FORMATS §9):
 *   - structure per §1.10 (magic, segment count 1..16, data_len multiple of 4
 *     and < 16 MiB, 64-bit offsets, segment 0 >= 256 bytes holding the app
 *     descriptor magic, hash_appended must be 1, everything inside the partition);
 *   - XOR checksum and appended SHA-256 must match;
 *   - chip id equals the eFuse chip id; chip revision within the header's range;
 *   - esp_app_desc_t.secure_version >= eFuse secure_version (anti-rollback);
 *   - signature sector at S = ALIGN_UP(E, 4096), entirely inside the partition;
 *   - for every valid block (magic, version, CRC; RSA-3072, ECDSA P-256,
 *     P-384 or P-192; reserved bytes zero):
 *       block image_digest == the device's digest of [0, S): SHA-256, or
 *       SHA-384 when eFuse SECURE_BOOT_SHA384_EN is burned (P-384 keys); a
 *       block signing the other length never matches (constant-time compare),
 *       SHA-256(key region) == a provisioned, NON-revoked eFuse digest,
 *       the signature verifies (RSA-PSS salt 32 / ECDSA on the block's curve);
 *     accept only if blocks by at least K DISTINCT eFuse slots pass, K being
 *     the eFuse signature policy (fwd_efuse_required_signatures: 1 unless
 *     raised at provisioning, never 0); two blocks by one key count once.
 *   - the bytes hashed are exactly the bytes read once through the reader into
 *     the fixed work buffer (no second read of the same range: no TOCTOU).
 *
 * Memory: no malloc in this module's own code; the caller provides a
 * struct fwd_verify_work (about 5.5 KiB, see below). The mbedTLS backend allocates its
 * bignums from its own heap during the signature check (bounded: one RSA-3072
 * public key or one EC group).
 */
#ifndef FWD_VERIFY_H
#define FWD_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_crypto.h"
#include "device/fwd_hal.h"
#include "fw_boot_desc.h"
#include "fw_image.h"
#include "fw_sbv2.h"

/* Signature sector geometry: common/fw_sbv2.h is the one definition. */
#define FWD_SBV2_SECTOR      FW_SBV2_SECTOR_SIZE
#define FWD_SBV2_BLOCK       FW_SBV2_BLOCK_SIZE
#define FWD_SBV2_BLOCKS      FW_SBV2_MAX_BLOCKS
/* The digest the verifier always computes over [0, S): the one RSA-3072,
 * P-256 and P-192 sign and the image's identity (boot compares it). A device
 * whose eFuse SECURE_BOOT_SHA384_EN is burned (P-384 keys) also computes
 * SHA-384 of [0, S) in the same pass and verifies the blocks against it. */
#define FWD_VERIFY_DIGEST_ALG FWD_HASH_SHA256
#define FWD_VERIFY_DIGEST_LEN FW_SBV2_DIGEST_SHA256_LEN
/* Bytes of an image that hold header + first segment header + app descriptor:
 * enough for an early version check while an OTA is still streaming. The
 * layout is common/fw_image's. */
#define FWD_APP_EARLY_BYTES  FW_APP_DESC_END

/* What the device knows of an app image: the header's chip fields and the
 * decoded esp_app_desc_t (FORMATS §1.7) exactly as common/fw_image decodes
 * it (strings always NUL-terminated). */
struct fwd_app_info {
    uint16_t chip_id;              /* image header */
    uint16_t min_chip_rev, max_chip_rev;
    struct fw_app_desc desc;
};

/* Why an image was refused. FWD_VR_OK is a non-zero pattern on purpose so a
 * skipped assignment (fault injection) never reads as "accepted". */
enum fwd_verify_reason {
    FWD_VR_OK = 0x5AC3,
    FWD_VR_IO = 1,            /* reading the partition failed */
    FWD_VR_HEADER,            /* bad magic / segment count / hash_appended / size */
    FWD_VR_SEGMENT,           /* segment length, alignment or bounds */
    FWD_VR_APP_DESC,          /* segment 0 too short or bad app descriptor magic */
    FWD_VR_CHIP,              /* chip id or revision mismatch */
    FWD_VR_CHECKSUM,          /* XOR checksum */
    FWD_VR_HASH,              /* appended SHA-256 */
    FWD_VR_TOO_BIG,           /* image or signature sector outside the partition */
    FWD_VR_NO_SIGNATURE,      /* no valid signature block at all */
    FWD_VR_DIGEST,            /* block image_digest differs from the computed one */
    FWD_VR_UNTRUSTED,         /* no block carries a provisioned key */
    FWD_VR_REVOKED,           /* the only trusted-looking keys are revoked */
    FWD_VR_SIGNATURE,         /* trusted key, but the signature does not verify */
    FWD_VR_ROLLBACK,          /* secure_version below the eFuse value */
    FWD_VR_NO_KEYS,           /* secure boot on but no digest provisioned */
    FWD_VR_POLICY,            /* fewer distinct trusted keys verified than the eFuse policy requires */
    FWD_VR_SCHEME,            /* only blocks of schemes this image does not link (fwd_sig.h table) */
};

struct fwd_verify_result {
    int reason;                    /* enum fwd_verify_reason */
    struct fw_fail fail;           /* matching fw_err code (FW_OK when accepted) + fwd_verify_reason_str(reason) */
    uint32_t image_len;            /* E: through the appended hash (§1.9 step 4) */
    uint32_t sig_off;              /* S: signature sector offset (§2.1) */
    uint32_t total_len;            /* S + 4096 */
    uint8_t digest[FWD_VERIFY_DIGEST_LEN]; /* SHA-256 of [0, S) */
    uint8_t digest384[FWD_SHA384_LEN]; /* SHA-384 of [0, S), only when eFuse SHA384_EN */
    int block;                     /* index of the block that verified, -1 none */
    int key_slot;                  /* eFuse digest slot of that block's key, -1 none */
    unsigned verified_keys;        /* distinct eFuse slots whose blocks fully verified */
    unsigned required_keys;        /* the eFuse policy (fwd_efuse_required_signatures) */
    int block_status[FWD_SBV2_BLOCKS]; /* per block: FWD_VR_* (0 = slot empty/invalid) */
    struct fwd_app_info app;
    struct fw_boot_desc boot;      /* policy kind FW_IMAGE_KIND_BOOTLOADER: its descriptor */
};

/* Reads `len` bytes at image offset `off` (relative to the partition start),
 * through flash decryption when the partition is encrypted. 0 or fw_err. */
typedef int (*fwd_verify_read_fn)(void *ctx, uint32_t off, void *buf, size_t len);

/* Working memory the caller provides (no malloc). */
struct fwd_verify_work {
    uint8_t buf[4096];             /* streaming buffer, also holds the signature sector */
    uint8_t blk[FWD_SBV2_BLOCK];   /* scratch */
};

/* Verification policy inputs. There is no knob to skip a check: fwseal
 * always requires a Secure Boot V2 signature by a provisioned, unrevoked key,
 * so a zeroed or designated-initialised policy is the strict one. */
struct fwd_verify_policy {
    const struct fwd_efuse_state *efuse;  /* chip id/rev, digests, revokes, secure_version */
    uint32_t part_offset;          /* absolute flash offset of the partition (MMU page rule) */
    /* What the image must be (enum fw_image_kind). Zero is an app, with every
     * app rule; FW_IMAGE_KIND_BOOTLOADER swaps the app descriptor for the
     * bootloader descriptor (magic 0x50, FORMATS 1.8), checks only the minimum
     * chip revision (1.2: the maximum is not checked for bootloaders) and
     * leaves out the app anti-rollback (the bootloader's own secure_version is
     * another eFuse field, not simulated). Structure, SHA-256 and the Secure
     * Boot V2 signature are checked the same way. */
    int kind;
};

/* Full verification of the image at the start of a partition of part_size
 * bytes. Returns FW_OK when accepted, else a negative fw_err (FW_ERR_POWER_LOSS
 * propagates unchanged); res->reason says precisely why. */
int fwd_verify_image(fwd_verify_read_fn rd, void *rd_ctx, uint32_t part_size,
                     const struct fwd_verify_policy *pol, struct fwd_verify_work *w,
                     struct fwd_verify_result *res);

/* A Secure Boot V2 signed data partition image of `len` bytes: data
 * [0, len - 4096) (a multiple of 4096) and the signature sector after it
 * (espsecure sign_data --version 2 on a data file). The digest of the data
 * (SHA-384 on an eFuse SHA384_EN device) against the sector, by the rules of
 * fwd_verify_sig_sector. res->total_len = len. FW_ERR_FORMAT for a length
 * that is not a whole number of sectors or below two. */
int fwd_verify_signed_data(fwd_verify_read_fn rd, void *ctx, uint32_t len, const struct fwd_efuse_state *ef,
                           struct fwd_verify_work *w, struct fwd_verify_result *res);
/* The same for a partition holding such an image followed by anything: the
 * signature sector is the first sector after the first whose block 0 is a
 * well-formed signature block. FW_ERR_NOT_FOUND when there is none. */
int fwd_verify_find_signed_data(fwd_verify_read_fn rd, void *ctx, uint32_t part_size, const struct fwd_efuse_state *ef,
                                struct fwd_verify_work *w, struct fwd_verify_result *res);

/* Read only the header + app descriptor (no hash, no signature): for status
 * displays and early checks. FW_OK or a negative fw_err. */
int fwd_verify_read_app_info(fwd_verify_read_fn rd, void *rd_ctx, uint32_t part_size,
                             struct fwd_app_info *out);
/* Decode an app descriptor from the first FWD_APP_EARLY_BYTES of an image. */
int fwd_verify_parse_app_info(const uint8_t *img, size_t len, struct fwd_app_info *out);

/* ---- crypto core (also used directly by tests) ---- */

/* SHA-256 over a block's key region (§2.6) into out. FW_ERR_UNSUPPORTED for
 * a block of no known scheme. */
int fwd_verify_key_digest(const uint8_t blk[FWD_SBV2_BLOCK], uint8_t out[FW_SBV2_KEY_DIGEST_LEN]);

/* Is the block's key one of the provisioned eFuse digests? Constant-time
 * compare against every slot. FW_OK (*slot set), FW_ERR_REVOKED (matches only
 * revoked slots) or FW_ERR_UNTRUSTED. */
int fwd_verify_key_trusted(const uint8_t blk[FWD_SBV2_BLOCK], const struct fwd_efuse_state *ef,
                           int *slot);

/* Signature of a block over digest[digest_len] by the block's scheme (the
 * table in device/fwd_sig.h): RSA-3072 PSS (MGF1-SHA-256, salt exactly 32)
 * from the block's LE n/e, or ECDSA (P-256, P-384, P-192) from LE X/Y and
 * r/s (point on curve, r and s in [1, n-1]). Does not look at image_digest.
 * FW_OK, FW_ERR_SIGNATURE, FW_ERR_KEY (bad key), FW_ERR_UNSUPPORTED,
 * FW_ERR_INVALID_ARG (digest_len is not the scheme's). */
int fwd_verify_block_signature(const uint8_t blk[FWD_SBV2_BLOCK], const uint8_t *digest, size_t digest_len);

/* Structural validity of a block (magic, version and curve of a scheme of
 * the table, CRC32-STD, reserved bytes as specified).
 * FW_OK or FW_ERR_MAGIC / FW_ERR_UNSUPPORTED / FW_ERR_CRC. */
int fwd_verify_block_valid(const uint8_t blk[FWD_SBV2_BLOCK]);

/* Verify a whole signature sector against a computed digest: per §2.9 rules
 * 2, 4-7, plus the k-of-n policy: FW_OK only if blocks by at least
 * fwd_efuse_required_signatures(ef) distinct trusted, non-revoked eFuse slots
 * pass (FWD_VR_POLICY / FW_ERR_SIGNATURE when some pass but too few). The one
 * rule of the OTA layer and the bootloader (both passes): they all get here
 * through fwd_verify_image. res->block/key_slot (the first passing block),
 * verified_keys, required_keys, block_status and res->reason are filled. */
int fwd_verify_sig_sector(const uint8_t sector[FWD_SBV2_SECTOR], const uint8_t *digest, size_t digest_len,
                          const struct fwd_efuse_state *ef, struct fwd_verify_result *res);

/* Short text of a reason ("bad signature", "secure_version below eFuse", ...). */
const char *fwd_verify_reason_str(int reason);

#endif
