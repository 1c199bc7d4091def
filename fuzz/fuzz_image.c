/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: ESP app image push parser (common/fw_image).
 * The image is fed in chunks whose sizes come from the first input byte;
 * the verdict and the layout must not depend on the chunking (they are
 * compared with a one-shot parse of the same bytes), and the hash-region
 * helpers must never claim more bytes than the chunk had.
 */
// FUZZ-MAX-LEN: 16384
// FUZZ-SEED-PREFIX: 0501
// FUZZ-SEEDS: app/neg_app_truncated.bin
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_err.h"
#include "common/fw_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fw_image_parser a, b;
    if (size < 2) return 0;
    uint8_t split = data[0];
    uint64_t limit = (data[1] & 1) ? FW_IMAGE_NO_LIMIT : (uint64_t)(data[1] >> 1) * 256u;
    data += 2, size -= 2;

    int rc_a = fw_image_parse_buffer(&a, data, size, limit);

    fw_image_parser_init(&b, limit);
    size_t off = 0;
    int rc = FW_OK;
    while (off < size) {
        size_t n = (size_t)(split % 61) + 1;
        split = (uint8_t)(split * 29 + 7);
        if (n > size - off) n = size - off;
        uint64_t at = fw_image_parser_pos(&b);
        rc = fw_image_parser_feed(&b, data + off, n);
        if (rc < 0) break;
        if (fw_image_parser_in_hash(&b, at, n) > n || fw_image_parser_in_signed(&b, at, n) > n) __builtin_trap();
        off += n;
    }
    int rc_b = fw_image_parser_finish(&b);
    if (rc_a != rc_b) __builtin_trap();
    if (fw_image_parser_done(&a) != fw_image_parser_done(&b)) __builtin_trap();
    if (a.layout_known != b.layout_known) __builtin_trap();
    if (a.layout_known && (a.image_len != b.image_len || a.sig_off != b.sig_off)) __builtin_trap();
    if (a.layout_known && (a.sig_off < a.image_len || a.sig_off % FW_IMAGE_SIG_ALIGN)) __builtin_trap();

    const struct fw_image_header *h = fw_image_parser_header(&b);
    if (h) (void)fw_image_header_check(h), (void)fw_chip_name(h->chip_id);
    const struct fw_app_desc *d = fw_image_parser_app_desc(&b);
    if (d) {
        if (strlen(d->version) > 32 || strlen(d->project_name) > 32 || strlen(d->idf_ver) > 32) __builtin_trap();
        (void)fw_app_desc_mmu_page(d);
    }
    if (b.seg_seen <= FW_IMAGE_MAX_SEGMENTS && h)
        (void)fw_image_check_mapping(h->chip_id, b.seg, b.seg_seen, 0x10000, 0x10000);
    return 0;
}
