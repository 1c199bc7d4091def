/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: Secure Boot V2 signature sector parser (common/fw_sbv2).
 * The input is a signature sector (short inputs are padded with erased
 * 0xFF bytes, as a truncated sector reads on flash); every block is
 * scanned, decoded, its key region and reserved bytes checked.
 */
// FUZZ-MAX-LEN: 4104
// FUZZ-SEED-TAIL: 4096
// FUZZ-SEEDS: secure_boot_v2/neg_sig_*.bin secure_boot_v2/signed_*.bin
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_bytes.h"
#include "common/fw_sbv2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t sector[FW_SBV2_SECTOR_SIZE];
    static struct fw_sbv2_block blk;
    struct fw_sbv2_scan scan;
    size_t n = size < sizeof sector ? size : sizeof sector;

    memset(sector, 0xFF, sizeof sector);
    memcpy(sector, data, n);
    unsigned valid = fw_sbv2_sector_scan(sector, &scan);
    if (valid > FW_SBV2_MAX_BLOCKS) __builtin_trap();
    for (unsigned i = 0; i < FW_SBV2_MAX_BLOCKS; i++) {
        const uint8_t *b = fw_sbv2_sector_block_c(sector, i);
        size_t off = 0, len = 0;
        int rc = fw_sbv2_block_decode(b, &blk);
        if (rc == 0 && i < valid && blk.digest_len == 0) __builtin_trap();
        if (fw_sbv2_key_region(b, &off, &len) == 0 && off + len > FW_SBV2_BLOCK_SIZE) __builtin_trap();
        (void)fw_sbv2_block_reserved_ok(b);
        (void)fw_sbv2_block_check(b, fw_sbv2_block_scheme(b));
        (void)fw_sbv2_scheme_name(blk.scheme);
    }
    /* The trailing bytes (beyond the sector) give an image length. */
    if (size >= FW_SBV2_SECTOR_SIZE + 8) {
        uint64_t len = fw_dec64le(data + FW_SBV2_SECTOR_SIZE), off = 0;
        if (fw_sbv2_sector_offset(len, &off) == 0 && (off < len || off % FW_SBV2_SECTOR_SIZE)) __builtin_trap();
    }
    return 0;
}
