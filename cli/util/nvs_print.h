/* SPDX-License-Identifier: Apache-2.0 */
/* Listing of an NVS store's items for both CLIs: text lines
 * "ns:key (type) = value" or a JSON array shaped like the vectors'
 * nvs.expected_kv.json (namespace, key, type, value; blobs base64 with
 * their chunk count). */
#ifndef CLI_NVS_PRINT_H
#define CLI_NVS_PRINT_H

#include <stdio.h>

#include "nvs/fw_nvs_store.h"

/* Prints every readable item; returns the number of items whose value could
 * not be read (payload CRC), or a negative fw_err code. */
int nvs_print_items(FILE *f, struct fw_nvs_store *s, int json);
/* One value of a known item, as the text listing prints it (JSON goes
 * through nvs_print_items and the shared writer, host/fwh_json.h). */
int nvs_print_value(FILE *f, struct fw_nvs_store *s, const struct fw_nvs_info *in);

#endif
