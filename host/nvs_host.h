/* SPDX-License-Identifier: Apache-2.0 */
/* Host side of NVS (OpenSSL 3 EVP): the XTS entry cipher of FORMATS §5.10,
 * nvs_keys file loading and a read-only view of a partition image. */
#ifndef FWH_NVS_HOST_H
#define FWH_NVS_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "fw_nvs.h"

/* XTS-AES-256 with K1 = eky, K2 = tky, tweak LE32(rel_off) || 12 zeros,
 * no byte reversal. Holds a copy of the 64-byte key (wiped by _free). */
struct fwh_nvs_xts {
    uint8_t key[64];
};
void fwh_nvs_xts_init(struct fwh_nvs_xts *x, const uint8_t keys[64]);
void fwh_nvs_xts_free(struct fwh_nvs_xts *x);
/* Fill a crypt interface bound to x. */
void fwh_nvs_xts_crypt(struct fwh_nvs_xts *x, struct fw_nvs_crypt *c);
/* Generate 64 random XTS key bytes (eky||tky) with the OpenSSL DRBG. */
int fwh_nvs_keys_random(uint8_t keys[64]);

#endif
