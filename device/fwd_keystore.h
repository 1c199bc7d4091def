/* SPDX-License-Identifier: Apache-2.0 */
/* Key operations done by peripherals (struct fwd_keystore, device/fwd_hal.h):
 * the library drives them and never sees the key.
 *
 *   - PBKDF2-HMAC-SHA256 with the password inside the HMAC peripheral: RFC
 *     8018 needs the password only as the HMAC key, so every iteration is one
 *     hmac_sha256 call (U1 = HMAC(P, S || INT(1)), Ui = HMAC(P, Ui-1)). The
 *     ECIES device scalar derived this way (FORMATS §3.4) is in RAM, as on
 *     ESP's own esp_encrypted_img with the HMAC peripheral; the HMAC key is not.
 *   - RSAES-PKCS1-v1_5 unwrap around a raw private operation (a DS-style
 *     peripheral computes c^d mod n only): the padding check is branch-free
 *     here, with the same implicit rejection as the software path
 *     (fwd_crypto.h): a bad block yields HMAC-SHA256(secret, c). The secret
 *     cannot come from d (unreadable), so it comes from one private
 *     operation on a fixed label block (0x00 || label, zero padded, < n):
 *     secret = HMAC-SHA256(that block ^ d mod n, label) - deterministic per
 *     key and unknown without d, the two properties the rejection needs.
 */
#ifndef FWD_KEYSTORE_H
#define FWD_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"

/* FW_ERR_KEY if the platform has no HMAC peripheral key; out_len <= 32. */
int fwd_ks_pbkdf2_sha256(const struct fwd_keystore *ks, const uint8_t *salt, size_t salt_len, uint32_t iterations,
                         uint8_t *out, size_t out_len);
/* FW_ERR_KEY if the platform has no RSA peripheral key of rsa_len bytes. */
int fwd_ks_rsa_rejection_secret(const struct fwd_keystore *ks, size_t rsa_len, uint8_t secret[32]);
/* in[in_len == ks->rsa_len] -> exactly out_len (<= 32) bytes of key, or the
 * rejection key; FW_OK in both cases, FW_ERR_CRYPTO if a hash fails. */
int fwd_ks_rsa_unwrap(const struct fwd_keystore *ks, const uint8_t secret[32], const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t out_len);

#endif
