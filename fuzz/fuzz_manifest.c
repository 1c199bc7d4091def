/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the fleet manifest parser (common/fw_manifest, docs/formats.md
 * §8) and the decision table (common/fw_mf_decide) a device runs on it, plus
 * the FWSX header-extension decoder (common/fw_enc_ext, §9) on the first 512
 * bytes. Invariants: a decoded manifest re-encodes to exactly its input's
 * fixed part; every chunk hash lies inside the buffer and the chunk ranges
 * tile [0, image_size); the file length is exactly what the fields say; the
 * decision is one of the enum's verdicts. */
// FUZZ-MAX-LEN: 12288
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_enc_ext.h"
#include "common/fw_enc_header.h"
#include "common/fw_err.h"
#include "common/fw_manifest.h"
#include "common/fw_mf_bind.h"
#include "common/fw_mf_decide.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void manifest_invariants(const uint8_t *data, size_t size, const struct fw_manifest *m)
{
    uint8_t re[FW_MF_FIXED_LEN];
    if (fw_mf_encode_fixed(m, re) != FW_OK) __builtin_trap();
    if (memcmp(re, data, sizeof re) != 0) __builtin_trap();   /* lossless, canonical */
    if (fw_mf_file_len(m) != size || fw_mf_signed_len(m) % FW_MF_SIG_ALIGN) __builtin_trap();
    if (m->manifest_len > FW_MF_MAX_LEN || m->chunk_count > FW_MF_MAX_CHUNKS) __builtin_trap();
    uint64_t covered = 0;
    for (uint32_t i = 0; i < m->chunk_count; i++) {
        const uint8_t *h = fw_mf_chunk_hash(data, size, m, i);
        if (!h || h < data + FW_MF_OFF_CHUNKS || h + FW_MF_HASH_LEN > data + m->manifest_len) __builtin_trap();
        uint32_t off, n;
        if (fw_mf_chunk_range(m, i, &off, &n) != FW_OK || off != covered || n == 0 || n > m->chunk_size) __builtin_trap();
        covered += n;
    }
    if (covered != m->image_size || fw_mf_chunk_hash(data, size, m, m->chunk_count)) __builtin_trap();
    char path[FW_MF_PATH_FIELD + FW_MF_DEVICE_ID_MAX];
    if (fw_mf_header_path(m, "dev-0001", path, sizeof path) != FW_OK) __builtin_trap();
    if (fw_mf_check_path(m->body_path, 0) != FW_OK) __builtin_trap();
}

static void decide(const struct fw_manifest *m, const uint8_t *data, size_t size)
{
    /* device facts drawn from the input too (the tail bytes) */
    uint8_t f[16] = {0};
    memcpy(f, data + size - (size < sizeof f ? size : sizeof f), size < sizeof f ? size : sizeof f);
    const char *ids[4] = {"dev-0001", "x", ".bad", "0123456789012345678901234567890123"};
    struct fw_mf_device d = {
        .id = ids[f[0] & 3], .group = (f[1] & 1) ? m->groups[0] : "canary", .project = (f[1] & 2) ? m->project : "p",
        .version = (f[1] & 4) ? m->version : "1.0", .chip_id = (f[1] & 8) ? m->chip_id : f[2],
        .chip_rev = (uint16_t)(f[3] | f[4] << 8), .efuse_secure_version = f[5],
        .last_seq = (f[1] & 16) ? m->seq : f[6], .clock_utc = (uint64_t)f[7] << 28, .newest_issued = (uint64_t)f[8] << 28,
    };
    struct fw_mf_decision dec;
    enum fw_mf_verdict v = fw_mf_decide(m, &d, &dec);
    if (v != dec.verdict || !dec.rule || v > FW_MF_REJECT_SECURE_VERSION) __builtin_trap();
    if (v == FW_MF_ACCEPT && (m->seq < d.last_seq || m->expires <= fw_mf_best_time(&d) || m->chip_id != d.chip_id))
        __builtin_trap();
    (void)fw_mf_verdict_name(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fw_manifest m;
    if (fw_mf_decode(data, size, &m) == FW_OK) {
        manifest_invariants(data, size, &m);
        decide(&m, data, size);
    } else if (fw_mf_decode_fixed(data, size, &m) == FW_OK) {
        decide(&m, data, size);   /* fixed part valid, the file around it not */
    }
    if (size >= FW_ENC_HEADER_SIZE) {
        struct fw_enc_header h;
        struct fw_enc_ext x;
        uint8_t data0[FW_ENC_HEADER_SIZE];
        memcpy(data0, data, sizeof data0);
        memcpy(data0, "\xCF\xB6\x88\x07", 4);
        if (fw_enc_header_decode(data0, sizeof data0, &h) != FW_OK) __builtin_trap();
        struct fw_manifest mm;
        if (fw_mf_decode_fixed(data, size, &mm) == FW_OK) {
            int hm = fw_mf_header_matches(&mm, &h);
            if (hm != FW_OK && hm != FW_ERR_RANGE && hm != FW_ERR_DIGEST && hm != FW_ERR_FORMAT) __builtin_trap();
        }
        int rc = fw_enc_ext_decode(&h, &x);
        if (rc == FW_OK) {
            struct fw_enc_header h2 = h;
            fw_enc_ext_encode(&h2, &x);
            if (memcmp(&h2, &h, sizeof h) != 0) __builtin_trap();
        }
    }
    return 0;
}
