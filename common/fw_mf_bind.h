/* SPDX-License-Identifier: Apache-2.0 */
/* What a verified manifest binds (docs/formats.md §8.5): the checks a device
 * runs on what it downloads against the manifest's fields, before using it.
 * Crypto-free: the caller computes the hashes (device: its crypto seam),
 * these compare in constant time and name the mismatch.
 *   header_i    fw_mf_header_matches   bin_size, IV, tag, header layout
 *   its key     fw_mf_key_matches      key_check of the key the header gave
 *   chunk i     fw_mf_chunk_matches    SHA-256 of the chunk's ciphertext
 *   the image   fw_mf_image_matches    size and SHA-256 of the plaintext */
#ifndef FW_MF_BIND_H
#define FW_MF_BIND_H

#include <stddef.h>
#include <stdint.h>

#include "fw_enc_header.h"
#include "fw_manifest.h"

/* A device's 512-byte header for this release: FW_ERR_RANGE (bin_size is not
 * image_size), FW_ERR_DIGEST (IV or tag differ: a header of another release),
 * FW_ERR_FORMAT (layout of another scheme: an FWSX extension in an RSA or
 * stock-ECIES release, or none in a shared-ECIES one), else FW_OK. */
int fw_mf_header_matches(const struct fw_manifest *m, const struct fw_enc_header *h);

/* key_check[32] = SHA-256("fwseal-keycheck1" || the key the header gave):
 * FW_OK or FW_ERR_KEY. */
int fw_mf_key_matches(const struct fw_manifest *m, const uint8_t key_check[FW_MF_HASH_LEN]);

/* hash = SHA-256 of body chunk i as received (buf = the manifest's bytes):
 * FW_OK, FW_ERR_DIGEST, FW_ERR_RANGE (i past the end or buf too short). */
int fw_mf_chunk_matches(const struct fw_manifest *m, const uint8_t *buf, size_t len, uint32_t i,
                        const uint8_t hash[FW_MF_HASH_LEN]);

/* The decrypted image: FW_ERR_RANGE (size), FW_ERR_DIGEST (SHA-256), FW_OK. */
int fw_mf_image_matches(const struct fw_manifest *m, uint64_t size, const uint8_t sha256[FW_MF_HASH_LEN]);

#endif
