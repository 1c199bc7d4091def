/* SPDX-License-Identifier: Apache-2.0 */
/* OTA progress record codec (see fw_ota_progress.h). */
#include "fw_ota_progress.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

static int printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F) return 0;
    return 1;
}

static int fields_ok(const struct fw_ota_progress *r, size_t srclen)
{
    if (r->payload != FW_OTA_PROGRESS_ENCRYPTED && r->payload != FW_OTA_PROGRESS_PLAINTEXT) return 0;
    if (r->validator_kind > FW_OTA_VALIDATOR_LAST_MODIFIED) return 0;
    if (!r->interval || r->interval % FW_OTA_PROGRESS_ALIGN) return 0;
    if (r->total < FW_OTA_PROGRESS_HEAD) return 0;
    return srclen > 0 && srclen <= FW_OTA_PROGRESS_SOURCE_MAX && printable(r->source, srclen);
}

long fw_ota_progress_encode(const struct fw_ota_progress *r, uint8_t *out, size_t cap)
{
    if (!r || !out) return FW_ERR_INVALID_ARG;
    size_t srclen = fw_strnlen(r->source, sizeof r->source);
    if (!fields_ok(r, srclen)) return FW_ERR_INVALID_ARG;
    size_t len = FW_OTA_PROGRESS_FIXED + srclen;
    if (cap < len) return FW_ERR_NO_SPACE;
    memset(out, 0, FW_OTA_PROGRESS_FIXED);
    fw_enc32le(out, FW_OTA_PROGRESS_MAGIC);
    out[4] = FW_OTA_PROGRESS_VERSION;
    out[5] = (uint8_t)r->payload;
    out[6] = (uint8_t)r->validator_kind;
    fw_enc32le(out + 8, r->slot_offset);
    fw_enc32le(out + 12, r->interval);
    fw_enc64le(out + 16, r->total);
    memcpy(out + 24, r->source_hash, FW_OTA_PROGRESS_DIGEST);
    memcpy(out + 56, r->head_hash, FW_OTA_PROGRESS_DIGEST);
    memcpy(out + 88, r->validator_hash, FW_OTA_PROGRESS_DIGEST);
    fw_enc16le(out + 120, (uint16_t)srclen);
    memcpy(out + FW_OTA_PROGRESS_FIXED, r->source, srclen);
    return (long)len;
}

int fw_ota_progress_decode(const uint8_t *in, size_t len, struct fw_ota_progress *r)
{
    if (!in || !r) return FW_ERR_INVALID_ARG;
    memset(r, 0, sizeof *r);
    if (len < FW_OTA_PROGRESS_FIXED) return FW_ERR_TRUNCATED;
    if (fw_dec32le(in) != FW_OTA_PROGRESS_MAGIC) return FW_ERR_MAGIC;
    if (in[4] != FW_OTA_PROGRESS_VERSION) return FW_ERR_VERSION;
    if (in[7] != 0) return FW_ERR_FORMAT;
    r->payload = (enum fw_ota_progress_payload)in[5];
    r->validator_kind = (enum fw_ota_progress_validator)in[6];
    r->slot_offset = fw_dec32le(in + 8);
    r->interval = fw_dec32le(in + 12);
    r->total = fw_dec64le(in + 16);
    memcpy(r->source_hash, in + 24, FW_OTA_PROGRESS_DIGEST);
    memcpy(r->head_hash, in + 56, FW_OTA_PROGRESS_DIGEST);
    memcpy(r->validator_hash, in + 88, FW_OTA_PROGRESS_DIGEST);
    size_t srclen = fw_dec16le(in + 120);
    if (srclen > FW_OTA_PROGRESS_SOURCE_MAX || len != FW_OTA_PROGRESS_FIXED + srclen) return FW_ERR_FORMAT;
    memcpy(r->source, in + FW_OTA_PROGRESS_FIXED, srclen);
    r->source[srclen] = 0;
    if (!fields_ok(r, srclen)) return FW_ERR_FORMAT;
    if (r->validator_kind == FW_OTA_VALIDATOR_NONE && !fw_all_zero(r->validator_hash, FW_OTA_PROGRESS_DIGEST))
        return FW_ERR_FORMAT;
    return FW_OK;
}

int fw_ota_progress_done_ok(const struct fw_ota_progress *r, uint64_t done)
{
    return r && done % FW_OTA_PROGRESS_ALIGN == 0 && done <= r->total;
}
