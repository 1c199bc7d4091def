/* SPDX-License-Identifier: Apache-2.0 */
/* Offline verification of a Secure Boot V2 signed ESP app image (host,
 * OpenSSL 3). Streaming and incremental: bytes are fed in order, in any
 * chunking, and memory stays bounded (one 4096-byte tail buffer, two SHA-256
 * contexts and the app image push parser: ~7 KiB per verifier), so a file of
 * any size, or the decrypted output of an encrypted container, can be
 * verified without holding it.
 *
 * Incremental API (used by `fwseal verify` and by `fwseal verify ENC.bin
 * --decrypt-key K`, which feeds decrypted plaintext):
 *
 *     struct fwh_verify_opts o = { .trusted = digests, .n_trusted = 1 };
 *     struct fwh_verify *v;
 *     if (fwh_verify_new(&v, &o)) ...out of memory...
 *     while (more) fwh_verify_update(v, buf, n);        // plaintext bytes, in order
 *     struct fwh_report rep;
 *     int rc = fwh_verify_finish(v, &rep);              // FW_OK iff valid
 *     fwh_verify_free(v);
 *
 * update() never fails on content (every problem is reported by finish());
 * it returns FW_ERR_STATE after finish() and FW_ERR_CRYPTO if OpenSSL fails.
 * The signed region is everything but the last 4096 bytes fed (the signature
 * sector, FORMATS §2.1), so the total length need not be known in advance.
 * The opts struct and the arrays it points to must outlive the verifier.
 *
 * Checks, in report order (required ones decide validity):
 *   file.length          required  total is a non-zero multiple of 4096 (>= 8192)
 *   image.header         required  app image header valid (magic 0xE9, segments, hash_appended)  [not with raw]
 *   image.structure      required  segments walk to a complete image (no truncation, within file)
 *   image.checksum       required  XOR checksum byte matches
 *   image.sha256         required  appended SHA-256 present and matches
 *   image.app_desc       required  esp_app_desc_t magic 0xABCD5432 at 0x20
 *   image.boot_desc      required  (bootloader) esp_bootloader_desc_t magic 0x50 at 0x20
 *   image.sector_offset  required  the sector sits at ALIGN_UP(E, 4096) = length - 4096
 *   image.chip           required  chip id == --chip                           [only with --chip]
 *   image.secure_version required  secure_version >= --min-secure-version        [only with min]
 *   sector.blocks        required  at least one structurally valid block (invalid ones are skipped)
 *   sector.padding       info      unused block slots and bytes 3648..4095 are 0xFF
 *   blockN.format        per block magic, CRC, version, curve, reserved bytes, scheme supported
 *   blockN.image_digest  per block stored digest == computed SHA-256 of [0, S) (§2.9 rule 4)
 *   blockN.key_trusted   per block SHA-256 of the key region is a trusted digest
 *   blockN.key_revoked   per block key digest is not revoked
 *   blockN.signature     per block RSA-PSS / ECDSA signature verifies with the block's key
 *   blockN.chip          per block the --chip verifies this scheme and block index (§2.8:
 *                                  ESP32/C2 honour block 0 only; C3/S2/S3 RSA only; ...)
 *   signature.trusted    required  some block passed all its checks
 *   trust.anchor         required  a trust anchor was given (or --allow-untrusted)
 *   signature.policy     required  (only with require_signatures > 1) blocks by that many
 *                                  DISTINCT keys passed (two blocks by one key count once)
 * Blocks after an invalid one are still checked (the bootloader skips invalid
 * blocks); erased slots are not reported per block. */
#ifndef FWH_VERIFY_H
#define FWH_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "fw_sbv2.h"
#include "verify/fwh_report.h"

/* Which image digests the verifier computes. The blocks come last, so the
 * digest a P-384 block signs (SHA-384) must be chosen before the first byte.
 * The zero value computes both (any scheme verifies, at ~1.6x the hashing);
 * SHA256_ONLY is for callers that know every trust anchor signs SHA-256 (the
 * CLI, from --trust key files): a SHA-384 block then fails its image_digest
 * check, like a device without SECURE_BOOT_SHA384_EN, never passes unchecked. */
enum fwh_verify_digests {
    FWH_VERIFY_DIGESTS_ALL = 0,
    FWH_VERIFY_DIGESTS_SHA256_ONLY = 1,
};

struct fwh_verify_opts {
    const uint8_t (*trusted)[FW_SBV2_KEY_DIGEST_LEN];   /* trusted key digests (from --trust / --trust-digest) */
    size_t n_trusted;
    const uint8_t (*revoked)[FW_SBV2_KEY_DIGEST_LEN];
    size_t n_revoked;
    int allow_untrusted;        /* no trust anchor needed (signature checked against the embedded key only) */
    int raw;                    /* input is not an ESP app image: skip image.* checks */
    int have_min_secure_version;
    uint32_t min_secure_version;
    int have_chip;
    uint16_t chip_id;
    unsigned require_signatures; /* k of n, as the device's eFuse policy: 0 and 1 mean one */
    enum fwh_verify_digests digests;
    int bootloader;             /* a second-stage bootloader image: esp_bootloader_desc_t (magic 0x50,
                                   FORMATS 1.8) at 0x20 instead of esp_app_desc_t (image.boot_desc) */
};

struct fwh_verify;

int fwh_verify_new(struct fwh_verify **v, const struct fwh_verify_opts *o);
int fwh_verify_update(struct fwh_verify *v, const uint8_t *p, size_t n);
/* Fill r with every check; FW_OK if valid, else the fw_err of the first
 * failing required check. */
int fwh_verify_finish(struct fwh_verify *v, struct fwh_report *r);
void fwh_verify_free(struct fwh_verify *v);

/* Stream a file ("-" = standard input) through a verifier (64 KiB reads). FW_ERR_IO with a reason in
 * why when the file cannot be read; otherwise the result of finish(). */
int fwh_verify_file(const char *path, const struct fwh_verify_opts *o, struct fwh_report *r, char *why,
                    size_t whylen);

/* Does chip chip_id's ROM verify signature block i of scheme s (FORMATS
 * §2.8)? 1 yes (also for chips not in the table), 0 no with a reason in why.
 * `fwseal sign` asks it before signing, verify with --chip. */
int fwh_chip_sbv2_accepts(uint16_t chip_id, unsigned i, enum fw_sbv2_scheme s, char *why, size_t n);

/* ---- internal: app image checks (verify/fwh_vimage.c) ---- */
struct fwh_vimage;
struct fwh_vimage *fwh_vimage_new(void);
struct fwh_vimage *fwh_vimage_new_kind(int bootloader);
/* Feed image bytes in order (parsing only: the verifier hashes the file once,
 * and hands over the simple hash with fwh_vimage_set_digest). Content
 * problems are kept for finish(). */
int fwh_vimage_update(struct fwh_vimage *m, const uint8_t *p, size_t n);
/* End of the simple-hash region [0, hash_end) once the segment walk has found
 * it, else UINT64_MAX. */
uint64_t fwh_vimage_hash_end(const struct fwh_vimage *m);
/* SHA-256 of [0, hash_end); without it, image.sha256 fails. */
void fwh_vimage_set_digest(struct fwh_vimage *m, const uint8_t digest[32]);
/* Append the image.* checks for a file of total bytes. */
void fwh_vimage_finish(struct fwh_vimage *m, uint64_t total, const struct fwh_verify_opts *o, struct fwh_report *r);
void fwh_vimage_free(struct fwh_vimage *m);

#endif
