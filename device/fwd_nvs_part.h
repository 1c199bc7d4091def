/* SPDX-License-Identifier: Apache-2.0 */
/* NVS on a device's partitions (device/fwd_part.h):
 *   - the NVS data partition is accessed RAW (NVS is never flash-encrypted,
 *     it has its own XTS layer, FORMATS §4.1/§5.10); a data/nvs partition
 *     flagged `encrypted` is refused like ESP-IDF (ESP_ERR_NVS_WRONG_ENCRYPTION);
 *   - NVS encryption is used when the table has a data/nvs_keys partition
 *     (subtype 0x04): its keys are read with the erased test done RAW and the
 *     content + CRC read THROUGH flash decryption (§5.10); errors: keys not
 *     initialised (FW_ERR_STATE), corrupt keys partition (FW_ERR_CRC);
 *   - provisioning writes eky||tky||CRC||0xFF x 12 (80 bytes) through flash
 *     encryption after erasing the keys partition.
 * NVS needs 4-byte program granularity (bitmap words): write_align <= 4.
 * Memory: struct fwd_nvs_dev = struct fwd_nvs + two small bindings. */
#ifndef FWD_NVS_PART_H
#define FWD_NVS_PART_H

#include "device/fwd_nvs.h"
#include "device/fwd_part.h"

struct fwd_nvs_bind {
    struct fwd_dev *dev;
    const struct fwd_part *part;
};

struct fwd_nvs_dev {
    struct fwd_nvs nvs;
    struct fwd_nvs_bind data, keys;
};

/* Partition-relative raw storage over `p`. */
void fwd_nvs_part_io(struct fwd_nvs_bind *b, struct fwd_dev *d, const struct fwd_part *p, struct fw_nvs_io *io);
/* Keys source over an nvs_keys partition. */
void fwd_nvs_part_keys_src(struct fwd_nvs_bind *b, struct fwd_dev *d, const struct fwd_part *p,
                           struct fwd_nvs_keys_src *src);
/* Write the 64 key bytes (eky||tky) into the nvs_keys partition `p`. */
int fwd_nvs_keys_provision(struct fwd_dev *d, const struct fwd_part *p, const uint8_t keys[FW_NVS_KEYS_LEN]);

/* Mount the NVS partition `label` (NULL = "nvs"), encrypted when an
 * nvs_keys partition exists. FW_ERR_NOT_FOUND (no such partition),
 * FW_ERR_FORMAT (not a data/nvs partition), FW_ERR_STATE (flagged encrypted,
 * or keys not initialised), FW_ERR_CRC (corrupt keys), FW_ERR_KEY (wrong
 * keys), and fw_nvs_mount's errors. The reason is in n->nvs.store.fail.why. */
int fwd_nvs_dev_open(struct fwd_nvs_dev *n, struct fwd_dev *d, const char *label, int readonly);
void fwd_nvs_dev_close(struct fwd_nvs_dev *n);

/* Factory reset: erase every sector of the NVS partition `label`. */
int fwd_nvs_dev_erase(struct fwd_dev *d, const char *label);

#endif
