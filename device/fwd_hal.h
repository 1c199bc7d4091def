/* SPDX-License-Identifier: Apache-2.0 */
/* Device hardware abstraction: everything fwseal's device code touches goes
 * through this one configuration struct of callbacks plus geometry, in the
 * spirit of littlefs's lfs_config and MCUboot's flash_area. A port fills it
 * in once (docs/porting.md); the host simulator (device/port/sim/) is just one
 * implementation.
 *
 * Contracts (asserted by the checked wrappers in fwd_flash.c):
 *   - every callback returns 0 or a negative fw_err code;
 *   - flash addresses are absolute byte offsets from the start of flash;
 *   - erase takes sector-aligned address and length; erased bytes read 0xFF;
 *   - write only clears bits (NOR); address/length multiple of write_align;
 *   - re-programming already written bytes (clearing more bits of them, as
 *     NVS does with page-state and bitmap words) is a capability the port
 *     DECLARES in `caps` (FWD_FLASH_CAP_NOR_REPROGRAM); code that needs it
 *     checks it and fails closed (NVS refuses to mount writable without it);
 *   - a callback returning FW_ERR_POWER_LOSS means "the device lost power":
 *     callers stop at once and propagate it unchanged.
 */
#ifndef FWD_HAL_H
#define FWD_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "fw_err.h"

/* What a flash driver can do beyond the base contract. Zero = nothing
 * extra: the safe default for a port that has not thought about it. */
enum fwd_flash_cap {
    /* write() may program bytes that are already programmed, as long as it
     * only clears bits (new = old AND data; setting a bit is refused with
     * FW_ERR_NOT_ERASED or cannot happen). Real SPI NOR does this; flash
     * with ECC per program unit (some NAND, STM32 internal flash) does not.
     * ESP-IDF NVS relies on it; fwseal's NVS refuses a writable mount
     * without it. */
    FWD_FLASH_CAP_NOR_REPROGRAM = 1u << 0,
};

struct fwd_flash {
    uint32_t size;         /* total bytes */
    uint32_t sector_size;  /* erase unit (4096 on ESP) */
    uint32_t write_align;  /* program granularity in bytes (1, 4, 16...) */
    int (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    int (*write)(void *ctx, uint32_t addr, const void *buf, size_t len);
    int (*erase)(void *ctx, uint32_t addr, size_t len);
    void *ctx;
    /* Transparent flash encryption (optional, both or neither): the flash
     * driver encrypts on write and decrypts on read with the eFuse key it
     * alone can use (ESP: esp_flash_write_encrypted / esp_flash_read_encrypted).
     * Set -> the library hands it plaintext for encrypted partitions (FORMATS
     * §4.1) and never runs XTS itself; addr and len are multiples of 16.
     * NULL -> the library encrypts with the readable fe_key (fwd_fe.c), and a
     * flash-encryption mode with no readable key is refused (FW_ERR_KEY). */
    int (*write_encrypted)(void *ctx, uint32_t addr, const void *buf, size_t len);
    int (*read_decrypted)(void *ctx, uint32_t addr, void *buf, size_t len);
    unsigned caps;         /* FWD_FLASH_CAP_* bits the driver declares */
};

/* Flash-encryption modes burned in eFuse. */
enum fwd_fe_mode { FWD_FE_OFF = 0, FWD_FE_XTS128 = 1, FWD_FE_XTS256 = 2 };

#define FWD_EFUSE_DIGEST_SLOTS 3

/* The eFuse block as the device sees it. Bits only ever go 0 -> 1; burn()
 * must refuse anything else. The flash-encryption key is read only by the
 * flash-encryption layer; a read-protected key (real hardware) reads back
 * as all zeros, as ESP's eFuse controller returns it: the library then
 * needs struct fwd_flash's write_encrypted / read_decrypted. */
struct fwd_efuse_state {
    uint8_t  digest[FWD_EFUSE_DIGEST_SLOTS][32]; /* SECURE_BOOT_DIGEST0..2 */
    uint8_t  digest_present;                     /* bit i: slot i provisioned */
    uint8_t  digest_revoked;                     /* bit i: KEY_REVOKEi */
    uint32_t secure_version_bits;                /* thermometer code; value = popcount */
    uint8_t  fe_mode;                            /* enum fwd_fe_mode */
    uint8_t  fe_key[64];                         /* 32 bytes (XTS-128) or 64 (XTS-256) */
    uint16_t chip_id;                            /* ESP chip id (0x0005 C3, 0x0009 S3) */
    uint16_t chip_rev;                           /* major*100 + minor */
    uint8_t  sb_sha384;                          /* SECURE_BOOT_SHA384_EN (ESP32-C5/H4): the
                                                    trusted keys are ECDSA P-384, images are
                                                    verified over SHA-384 (FORMATS 2.8) */
    /* Signature policy, write-once like every eFuse field: thermometer code,
     * required distinct trusted signatures = popcount, and 0 reads as 1
     * (fwd_efuse_required_signatures: never "no signature needed"). Burns
     * only add bits, so the policy can only be raised. */
    uint8_t  sig_required_bits;
};

struct fwd_efuse {
    int (*load)(void *ctx, struct fwd_efuse_state *out);
    /* Program the bits set in `st` that are not yet set; never clears. */
    int (*burn)(void *ctx, const struct fwd_efuse_state *st);
    void *ctx;
};

/* Cryptographically secure random bytes. */
struct fwd_random {
    int (*fill)(void *ctx, uint8_t *buf, size_t len);
    void *ctx;
};

/* Monotonic milliseconds (timeouts, throughput watchdog). */
struct fwd_time {
    uint64_t (*now_ms)(void *ctx);
    void *ctx;
};

/* Keys held by peripherals (optional; docs/porting.md maps each callback to
 * ESP-IDF). A NULL callback means "this platform has no such peripheral
 * key": the library then needs the raw key from the caller, and a load
 * that has neither fails with FW_ERR_KEY (never a silent fallback). */
#define FWD_KEYSTORE_RSA_MAX 512u     /* bytes of the largest modulus */
struct fwd_keystore {
    /* HMAC-SHA256(key in the HMAC peripheral, msg[len]) -> out[32]
     * (ESP: esp_hmac_calculate with the eFuse key block burned for it). */
    int (*hmac_sha256)(void *ctx, const uint8_t *msg, size_t len, uint8_t out[32]);
    /* The raw RSA private operation out = in^d mod n on one block of
     * rsa_len bytes, big-endian, in < n (ESP: the Digital Signature
     * peripheral, esp_ds_sign). No padding: the library unpads. */
    int (*rsa_private)(void *ctx, const uint8_t *in, uint8_t *out, size_t len);
    size_t rsa_len;                  /* modulus bytes (384 for RSA-3072), 0: none */
    void *ctx;
};

/* The whole platform. */
struct fwd_platform {
    struct fwd_flash  flash;
    struct fwd_efuse  efuse;
    struct fwd_random random;
    struct fwd_time   time;
    struct fwd_keystore keys;        /* all zero: no peripheral keys */
};

/* Checked flash access: bounds, overflow and alignment first, then the driver. */
int fwd_flash_read(const struct fwd_flash *f, uint32_t addr, void *buf, size_t len);
int fwd_flash_write(const struct fwd_flash *f, uint32_t addr, const void *buf, size_t len);
int fwd_flash_erase(const struct fwd_flash *f, uint32_t addr, size_t len);
/* Through the driver's transparent encryption: FW_ERR_KEY if it has none,
 * FW_ERR_ALIGN unless addr and len are multiples of 16. */
int fwd_flash_write_encrypted(const struct fwd_flash *f, uint32_t addr, const void *buf, size_t len);
int fwd_flash_read_decrypted(const struct fwd_flash *f, uint32_t addr, void *buf, size_t len);
/* 1 if the driver declares transparent encryption (both callbacks). */
int fwd_flash_has_encryption(const struct fwd_flash *f);

#endif
