/* SPDX-License-Identifier: Apache-2.0 */
/* Flash encryption (FORMATS §4): XTS-AES-128 / XTS-AES-256 with Espressif's
 * address tweak, exactly what espsecure `encrypt_flash_data --aes_xts` and the
 * chip's flash-encryption block compute.
 *
 *   - data unit = 128 bytes aligned on the ABSOLUTE flash address U;
 *   - tweak     = LE32(U) ‖ 12 zero bytes;
 *   - the whole 128-byte unit is byte-reversed before and after IEEE 1619 XTS;
 *   - key: 32 bytes -> XTS-AES-128 (K1 = bytes 0..15 data, K2 = 16..31 tweak),
 *          64 bytes -> XTS-AES-256 (K1 = 0..31, K2 = 32..63),
 *          16 bytes -> SHA-256(key) then XTS-AES-128 (ESP32-C2 option).
 *
 * Any 16-aligned address with a length multiple of 16 is accepted, including
 * ranges that start or end inside a 128-byte unit: partial units are padded
 * with zeros in a fixed 128-byte scratch buffer, processed whole, and only the
 * requested blocks are kept (XTS blocks without ciphertext stealing are
 * independent, so padding never influences the kept blocks). in == out is
 * allowed. No heap use.
 *
 * Memory: struct fwd_fe is 1176 bytes on a 64-bit host (two XTS contexts
 * of the crypto seam = four AES key schedules) plus 128 bytes of stack per call.
 * The context holds internal pointers: never copy it after fwd_fe_init().
 */
#ifndef FWD_FE_H
#define FWD_FE_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_crypto.h"
#include "device/fwd_hal.h"
#include "fw_flashenc.h"

/* The data unit and alignment are format rules: common/fw_flashenc.h. */
#define FWD_FE_UNIT FW_FE_UNIT_LEN
#define FWD_FE_BLOCK FW_FE_BLOCK_LEN

struct fwd_fe {
    int mode;                        /* enum fwd_fe_mode */
    int transparent;                 /* 1: the flash driver encrypts (fwd_hal.h); no keys here */
    struct fwd_xts_ctx enc;          /* the seam's XTS contexts (key schedules) */
    struct fwd_xts_ctx dec;
};

/* key_len 16, 32 or 64; anything else -> FW_ERR_KEY. The key is not kept
 * outside the key schedules; the caller wipes its own copy. */
int fwd_fe_init(struct fwd_fe *fe, const uint8_t *key, size_t key_len);
/* Mode from eFuse: FWD_FE_OFF leaves the context disabled (crypt calls then
 * fail with FW_ERR_STATE); XTS128 uses key[0..31], XTS256 key[0..63]. */
int fwd_fe_init_efuse(struct fwd_fe *fe, int mode, const uint8_t key[64]);
/* The platform's choice (device open): FWD_FE_OFF -> disabled; a flash
 * driver with transparent encryption (fwd_flash_has_encryption) -> the
 * context only records the mode and `transparent`, the key is never read
 * and fwd_fe_encrypt/decrypt refuse (FW_ERR_STATE): callers go through
 * fwd_flash_write_encrypted / read_decrypted; otherwise the readable
 * st->fe_key, and an all-zero key (what a read-protected eFuse reads back)
 * is FW_ERR_KEY: no key reachable, nothing is written in plaintext. */
int fwd_fe_init_platform(struct fwd_fe *fe, const struct fwd_efuse_state *st, const struct fwd_flash *flash);
/* Wipes the key schedules. Safe on a zeroed or failed context. */
void fwd_fe_free(struct fwd_fe *fe);

/* addr = absolute flash address of in[0]; addr and len multiples of 16,
 * addr + len must not wrap 32 bits (FW_ERR_ALIGN / FW_ERR_OVERFLOW). */
int fwd_fe_encrypt(const struct fwd_fe *fe, uint32_t addr, const uint8_t *in, uint8_t *out, size_t len);
int fwd_fe_decrypt(const struct fwd_fe *fe, uint32_t addr, const uint8_t *in, uint8_t *out, size_t len);

#endif
