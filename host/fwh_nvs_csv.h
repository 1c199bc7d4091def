/* SPDX-License-Identifier: Apache-2.0 */
/* NVS partition generator: Espressif's nvs_partition_gen.py CSV format in,
 * a format-V2 partition image out, laid out exactly like nvs_partition_gen
 * 0.2.0 (so a plain image is byte-identical to the reference tool's):
 *   - pages are filled in order, seq = page number, every page but the last
 *     used one FULL, the last used one ACTIVE, the rest erased (0xFF); at
 *     least one page must stay erased;
 *   - a namespace row allocates the next index (1, 2, ...) and writes a U8
 *     entry in namespace 0;
 *   - primitives take one entry (new page only when the page has none left);
 *   - strings need header+data entries in one page and, as in the reference,
 *     move to a new page when entry_num + span >= 126 (one slot stays unused);
 *   - blobs (hex2bin/base64/binary) are split into BLOB_DATA chunks filling
 *     the tail room of each page, then a BLOB_IDX entry; a new page is opened
 *     after a chunk when data remains or less than one entry is left.
 * CSV: header "key,type,encoding,value"; rows `name,namespace,,`,
 * `key,data,ENC,value`, `key,file,ENC,path`; ENC in u8 i8 u16 i16 u32 i32
 * u64 i64 string hex2bin base64 (and binary for file rows). Python csv
 * quoting rules; lines starting with '#' and blank lines are skipped.
 * Host-side helper: uses malloc for decoded values (bounded by the image size). */
#ifndef FWH_NVS_CSV_H
#define FWH_NVS_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "fw_nvs.h"

struct fw_nvs_gen_loader {
    /* Load the file named in a `file` row; *buf is malloc'd, the generator frees it. */
    int (*load)(void *ctx, const char *path, uint8_t **buf, size_t *len);
    void *ctx;
};

/* Generate into out[out_size] (multiple of 4096, at least 2 pages). crypt may
 * be NULL (plain); otherwise every written entry is encrypted (§5.10).
 * On error returns a negative fw_err code and a one-line reason in err. */
int fw_nvs_gen_csv(const char *csv, size_t csv_len, uint8_t *out, size_t out_size,
                   const struct fw_nvs_gen_loader *ld, const struct fw_nvs_crypt *crypt,
                   char *err, size_t errlen);

/* Integer of a primitive NVS type (decimal or 0x hex, optional sign, range
 * checked; signed values two's complement): 0 or -1. */
int fw_nvs_parse_int(const char *s, uint8_t type, uint64_t *out);

/* Decoders shared with the CLIs. Return decoded length or -1 on bad input. */
long fw_nvs_hex_decode(const char *s, size_t n, uint8_t *out, size_t max);
long fw_nvs_b64_decode(const char *s, size_t n, uint8_t *out, size_t max);
/* Base64 encode n bytes; out must hold 4*ceil(n/3)+1 bytes. */
void fw_nvs_b64_encode(const uint8_t *in, size_t n, char *out);

#endif
