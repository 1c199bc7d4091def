/* SPDX-License-Identifier: Apache-2.0 */
/* Signing a fleet manifest (docs/formats.md §8.1, §8.6): the manifest bytes,
 * 0xFF padding to 4096, and a Secure Boot V2 signature sector over SHA-256 of
 * both, exactly as espsecure sign_data --version 2 signs data. Only schemes
 * that sign SHA-256 (RSA-3072, ECDSA P-256) are accepted, 1..3 keys. */
#ifndef FWH_MSIGN_H
#define FWH_MSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "keys/fwh_keys.h"

/* m[0..m_len) -> file[0..fw_mf_file_len) (file_cap must hold it; m_len is
 * the manifest's L). FW_ERR_KEY (scheme, mixed keys, no private part),
 * FW_ERR_NO_SPACE, FW_ERR_CRYPTO; why gets the reason. *file_len is set. */
int fwh_manifest_sign(const uint8_t *m, size_t m_len, const struct fwh_key *const *keys, size_t nkeys,
                      uint8_t *file, size_t file_cap, size_t *file_len, char *why, size_t whylen);

#endif
