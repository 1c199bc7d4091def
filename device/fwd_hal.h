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
    unsigned caps;         /* FWD_FLASH_CAP_* bits the driver declares */
};

/* Flash-encryption modes burned in eFuse. */
enum fwd_fe_mode { FWD_FE_OFF = 0, FWD_FE_XTS128 = 1, FWD_FE_XTS256 = 2 };

#define FWD_EFUSE_DIGEST_SLOTS 3

/* The eFuse block as the device sees it. Bits only ever go 0 -> 1; burn()
 * must refuse anything else. The flash-encryption key is read only by the
 * flash-encryption layer (real hardware keeps it read-protected). */
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

/* The whole platform. */
struct fwd_platform {
    struct fwd_flash  flash;
    struct fwd_efuse  efuse;
    struct fwd_random random;
    struct fwd_time   time;
};

/* Checked flash access: bounds, overflow and alignment first, then the driver. */
int fwd_flash_read(const struct fwd_flash *f, uint32_t addr, void *buf, size_t len);
int fwd_flash_write(const struct fwd_flash *f, uint32_t addr, const void *buf, size_t len);
int fwd_flash_erase(const struct fwd_flash *f, uint32_t addr, size_t len);

#endif
