/* SPDX-License-Identifier: Apache-2.0 */
/* Device NVS: binds the store engine (nvs/fw_nvs_store.h) to the device:
 * XTS-AES-256 entry encryption on the crypto seam (FORMATS §5.10: key = eky||tky,
 * tweak LE32(partition-relative entry offset) || 12 zeros, no byte
 * reversal), the nvs_keys partition (raw erased check, then CRC through
 * flash decryption), and flash regions as partition-relative storage.
 *
 * Memory: struct fwd_nvs = struct fw_nvs_store (~11 KiB for 64 pages) plus
 * two XTS contexts of the crypto seam (~1.2 KiB); no malloc. */
#ifndef FWD_NVS_H
#define FWD_NVS_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_crypto.h"
#include "device/fwd_hal.h"
#include "fw_nvs.h"
#include "nvs/fw_nvs_store.h"

struct fwd_nvs_xts {
    struct fwd_xts_ctx enc, dec;
};

int fwd_nvs_xts_init(struct fwd_nvs_xts *x, const uint8_t keys[FW_NVS_KEYS_LEN]);
void fwd_nvs_xts_free(struct fwd_nvs_xts *x);
void fwd_nvs_xts_crypt(struct fwd_nvs_xts *x, struct fw_nvs_crypt *c);

/* Where the nvs_keys partition is read from: raw, and through flash
 * decryption (same function for a plaintext source). Offsets are relative
 * to the keys partition. */
struct fwd_nvs_keys_src {
    int (*read_raw)(void *ctx, uint32_t off, void *buf, size_t len);
    int (*read_dec)(void *ctx, uint32_t off, void *buf, size_t len);
    void *ctx;
};

/* FW_ERR_STATE = keys not initialised (erased), FW_ERR_CRC = corrupt keys
 * partition; keys = eky||tky on success (wipe after use). */
int fwd_nvs_keys_load(const struct fwd_nvs_keys_src *src, uint8_t keys[FW_NVS_KEYS_LEN]);

/* A flash region [base, base+size) as partition-relative NVS storage. */
struct fwd_nvs_region {
    const struct fwd_flash *flash;
    uint32_t base;
};
void fwd_nvs_region_io(struct fwd_nvs_region *r, const struct fwd_flash *f, uint32_t base, uint32_t size,
                       struct fw_nvs_io *io);

/* An NVS instance: the store plus its cipher. */
struct fwd_nvs {
    struct fw_nvs_store store;
    struct fwd_nvs_xts xts;
    int encrypted;
};

/* Mount plain (keys NULL) or encrypted with the keys read from `keys`.
 * Errors: keys not initialised (FW_ERR_STATE), corrupt keys partition
 * (FW_ERR_CRC), wrong keys (FW_ERR_KEY), plus fw_nvs_mount's. The reason is
 * in n->store.fail.why. */
int fwd_nvs_init(struct fwd_nvs *n, const struct fw_nvs_io *io, const struct fwd_nvs_keys_src *keys, int readonly);
/* Same with the 64 key bytes at hand. */
int fwd_nvs_init_keys(struct fwd_nvs *n, const struct fw_nvs_io *io, const uint8_t *keys64, int readonly);
void fwd_nvs_deinit(struct fwd_nvs *n);

#endif
