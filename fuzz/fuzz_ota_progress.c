/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the OTA progress record (common/fw_ota_progress, issue 15),
 * read back from NVS after a reboot, so hostile (a flash the attacker wrote,
 * or torn by a cut). Byte 0..7: the "done" count; the rest: the "meta" blob.
 * Decodes it; whatever decodes must encode back to the same bytes, and the
 * resume logic (device/fwd_ota_resume) loading it from a store must either
 * take it with an aligned count within the size or treat it as no record.
 */
// FUZZ-MAX-LEN: 1200
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_bytes.h"
#include "common/fw_err.h"
#include "common/fw_ota_progress.h"
#include "device/fwd_ota_resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct blob {
    const uint8_t *meta;
    size_t len;
    uint64_t done;
};

static int load(void *ctx, uint8_t *meta, size_t *len, uint64_t *done)
{
    struct blob *b = ctx;
    if (*len < b->len) return FW_ERR_NO_SPACE;
    memcpy(meta, b->meta, b->len);
    *len = b->len;
    *done = b->done;
    return FW_OK;
}
static int save_meta(void *ctx, const uint8_t *m, size_t n) { (void)ctx, (void)m, (void)n; return FW_OK; }
static int save_done(void *ctx, uint64_t d) { (void)ctx, (void)d; return FW_OK; }
static int clear(void *ctx) { (void)ctx; return FW_OK; }

static struct fwd_ota_resume rs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8) return 0;
    struct blob b = { data + 8, size - 8, fw_dec64le(data) };
    struct fw_ota_progress r;
    uint8_t re[FW_OTA_PROGRESS_MAX];
    if (fw_ota_progress_decode(b.meta, b.len, &r) == FW_OK) {
        long n = fw_ota_progress_encode(&r, re, sizeof re);
        if (n != (long)b.len || memcmp(re, b.meta, b.len)) __builtin_trap(); /* one encoding per record */
    }
    struct fwd_ota_resume_store st = { load, save_meta, save_done, clear, &b };
    if (fwd_ota_resume_init(&rs, &st, 65536) != FW_OK) __builtin_trap();
    if (rs.have_record && (rs.done % FW_OTA_PROGRESS_ALIGN || rs.done > rs.rec.total)) __builtin_trap();
    struct fwd_part slot = { .label = "ota_1", .offset = 0x1a0000, .size = 0x190000 };
    uint64_t done;
    fwd_ota_resume_plan(&rs, rs.rec.source[0] ? rs.rec.source : "x", &slot, &done);
    if (done > slot.size) __builtin_trap();
    return 0;
}
