/* SPDX-License-Identifier: Apache-2.0 */
/* `fwseal keygen` generators for the encryption key types, called from the
 * dispatch table in cmd_keygen.c (signature of struct keygen_type.gen).
 * Secret outputs are written atomically with mode 0600, never printed. */
#ifndef FWSEAL_KEYGEN_ENC_H
#define FWSEAL_KEYGEN_ENC_H

/* ecies-p256: out = 32-byte device HMAC key, pub = device public key PEM (required). */
int keygen_ecies_p256(const char *type, const char *out, const char *pub);
/* flash-xts-128 (32 bytes) / flash-xts-256 (64 bytes) raw key files. */
int keygen_flash_xts(const char *type, const char *out, const char *pub);
/* nvs-keys: 4096-byte nvs_keys partition image. */
int keygen_nvs_keys(const char *type, const char *out, const char *pub);

#endif
