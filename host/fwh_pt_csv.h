/* SPDX-License-Identifier: Apache-2.0 */
/* Partition table CSV (FORMATS §6.5), host side: the text form
 * gen_esp32part.py reads and writes. Host-only text parsing; the byte layout,
 * keywords and rules it applies are common's (common/fw_partition.h). */
#ifndef FWH_PT_CSV_H
#define FWH_PT_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "fw_partition.h"

/* Variable lookup for $NAME / ${NAME} in the CSV (e.g. getenv); may be NULL. */
typedef const char *(*fw_pt_getvar_fn)(const char *name);

/* Parse the CSV form (§6.5) exactly as gen_esp32part does, including empty
 * offsets placed after the previous partition (app 0x10000, others 0x1000
 * alignment; first free offset table_offset + 0x1000). Bootloader-type rows
 * are FW_ERR_UNSUPPORTED. Then runs fw_pt_check(). */
int fw_pt_from_csv(struct fw_pt *t, const char *csv, size_t len, uint32_t table_offset,
                   fw_pt_getvar_fn getvar, struct fw_pt_diag *diag);

/* Emit the CSV text gen_esp32part writes for a binary table (the vectors'
 * *.roundtrip.csv). FW_ERR_NO_SPACE if max is too small (8 KiB always fits),
 * FW_ERR_FORMAT for a label that CSV cannot carry. *out_len excludes the NUL. */
int fw_pt_to_csv(const struct fw_pt *t, char *out, size_t max, size_t *out_len);

#endif
