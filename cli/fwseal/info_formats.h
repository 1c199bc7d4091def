/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal info for the formats other than the app image and the encrypted
 * container: partition table, NVS partition, otadata, nvs_keys image, keys
 * (PEM or DER), data signed with Secure Boot V2. Each is told by content, in
 * that order; secrets (private keys, key files) are named, never printed. */
#ifndef FWSEAL_INFO_FORMATS_H
#define FWSEAL_INFO_FORMATS_H

#include <stddef.h>
#include <stdint.h>

/* buf holds the whole file. Returns -1 if no format here matched (the caller
 * goes on with the app image), else the exit code after printing. */
int info_other_format(const char *path, const uint8_t *buf, size_t len, int json);

#endif
