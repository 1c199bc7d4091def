/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: ESP encrypted image header codec (common/fw_enc_header).
 * Decodes the input as a container header, runs every sanity check, and
 * feeds the same bytes to the incremental accumulator in chunks whose sizes
 * come from the input itself, checking it agrees with the one-shot decode.
 */
// FUZZ-MAX-LEN: 1024
// FUZZ-SEED-PREFIX: 05
// FUZZ-SEEDS: pre_encrypted/rsa/neg_truncated_header.enc.bin pre_encrypted/*/empty_0.enc.bin pre_encrypted/*/one_1.enc.bin
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_enc_header.h"
#include "common/fw_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fw_enc_header h1, h2;
    struct fw_enc_hdr_acc acc;
    uint8_t re[FW_ENC_HEADER_SIZE];
    if (size < 1) return 0;
    /* byte 0 drives the chunking; the container is the rest */
    uint8_t split = data[0];
    data++, size--;

    int rc1 = fw_enc_header_decode(data, size, &h1);
    (void)fw_enc_check_magic(data, size);
    if (rc1 == FW_OK) {
        (void)fw_enc_header_check_size(&h1, 1, 0x400000);
        (void)fw_enc_check_total_len(&h1, size);
        (void)fw_enc_header_check_strict(&h1, FW_ENC_SCHEME_RSA3072);
        (void)fw_enc_header_check_strict(&h1, FW_ENC_SCHEME_ECIES_P256);
        (void)fw_enc_header_check_strict(&h1, 0);
        (void)fw_enc_looks_like_ecies(&h1);
        fw_enc_header_encode(&h1, re);
        if (memcmp(re, data, FW_ENC_HEADER_SIZE) != 0) __builtin_trap(); /* round trip */
    }

    fw_enc_hdr_acc_init(&acc);
    size_t off = 0;
    int rc2 = 0;
    while (off < size && rc2 == 0) {
        size_t chunk = (size_t)(split % 97) + 1, used = 0;
        split = (uint8_t)(split * 37 + 11);
        if (chunk > size - off) chunk = size - off;
        rc2 = fw_enc_hdr_acc_feed(&acc, data + off, chunk, &used, &h2);
        if (used > chunk || (rc2 == 0 && used == 0)) __builtin_trap();
        off += used;
    }
    /* Same verdict as the one-shot decode once the whole header was seen. */
    if (rc1 == FW_OK && rc2 != 1) __builtin_trap();
    if (rc2 == 1 && (rc1 != FW_OK || memcmp(&h1, &h2, sizeof h1) != 0)) __builtin_trap();
    if (rc1 == FW_ERR_MAGIC && rc2 != FW_ERR_MAGIC) __builtin_trap();
    return 0;
}
