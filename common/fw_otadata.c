/* SPDX-License-Identifier: Apache-2.0 */
/* otadata entry codec, validity and slot selection (FORMATS §7). */
#include "fw_otadata.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

void fw_otadata_decode(const uint8_t in[FW_OTADATA_ENTRY_SIZE], struct fw_otadata_entry *e)
{
    e->seq = fw_dec32le(in);
    memcpy(e->seq_label, in + 4, sizeof e->seq_label);
    e->state = fw_dec32le(in + 24);
    e->crc = fw_dec32le(in + 28);
}

void fw_otadata_encode(const struct fw_otadata_entry *e, uint8_t out[FW_OTADATA_ENTRY_SIZE])
{
    fw_enc32le(out, e->seq);
    memcpy(out + 4, e->seq_label, sizeof e->seq_label);
    fw_enc32le(out + 24, e->state);
    fw_enc32le(out + 28, e->crc);
}

uint32_t fw_otadata_crc(uint32_t seq)
{
    uint8_t b[4];
    fw_enc32le(b, seq);
    return fw_crc32_esp(b, 4);
}

/* CRC32-ESP over bytes 0..19 then 24..27 of the encoded entry. */
static uint32_t seal_crc(const struct fw_otadata_entry *e)
{
    uint8_t b[FW_OTADATA_ENTRY_SIZE];
    fw_otadata_encode(e, b);
    return fw_crc32_le(fw_crc32_le(0xFFFFFFFFu, b, 20), b + 24, 4);
}

static void seal(struct fw_otadata_entry *e)
{
    fw_enc32le(e->seq_label, FW_OTADATA_SEAL_MAGIC);
    memset(e->seq_label + 4, 0xFF, 12);
    fw_enc32le(e->seq_label + 16, seal_crc(e));
}

void fw_otadata_make(struct fw_otadata_entry *e, uint32_t seq, uint32_t state)
{
    e->seq = seq;
    e->state = state;
    e->crc = fw_otadata_crc(seq);
    seal(e);
}

void fw_otadata_restate(struct fw_otadata_entry *e, uint32_t state)
{
    fw_otadata_make(e, e->seq, state);
}

int fw_otadata_seal_check(const struct fw_otadata_entry *e)
{
    if (fw_dec32le(e->seq_label) != FW_OTADATA_SEAL_MAGIC) return 0;
    return fw_dec32le(e->seq_label + 16) == seal_crc(e) ? 1 : FW_ERR_CRC;
}

int fw_otadata_state_known(uint32_t s)
{
    return s <= FW_OTA_ABORTED || s == FW_OTA_UNDEFINED;
}

const char *fw_otadata_state_name(uint32_t s)
{
    switch (s) {
    case FW_OTA_NEW: return "NEW";
    case FW_OTA_PENDING_VERIFY: return "PENDING_VERIFY";
    case FW_OTA_VALID: return "VALID";
    case FW_OTA_INVALID: return "INVALID";
    case FW_OTA_ABORTED: return "ABORTED";
    case FW_OTA_UNDEFINED: return "UNDEFINED";
    default: return "unknown";
    }
}

int fw_otadata_check_format(const struct fw_otadata_entry *e)
{
    if (e->seq == 0xFFFFFFFFu) return FW_ERR_NOT_FOUND;
    if (e->crc != fw_otadata_crc(e->seq)) return FW_ERR_CRC;
    if (fw_otadata_seal_check(e) < 0) return FW_ERR_CRC;
    return FW_OK;
}

int fw_otadata_check(const struct fw_otadata_entry *e)
{
    int rc = fw_otadata_check_format(e);
    if (rc) return rc;
    if (e->seq == 0) return FW_ERR_RANGE;
    if (!fw_otadata_state_known(e->state)) return FW_ERR_FORMAT;
    if (e->state == FW_OTA_INVALID || e->state == FW_OTA_ABORTED) return FW_ERR_STATE;
    return FW_OK;
}

int fw_otadata_select(const struct fw_otadata_entry e[2], const int ok[2])
{
    if (ok[0] && ok[1]) return e[1].seq > e[0].seq ? 1 : 0;
    if (ok[0]) return 0;
    if (ok[1]) return 1;
    return -1;
}

int fw_otadata_slot(uint32_t seq, uint32_t app_count, uint32_t *slot)
{
    if (app_count == 0) return FW_ERR_NOT_FOUND;
    if (seq == 0 || seq == 0xFFFFFFFFu) return FW_ERR_RANGE;
    *slot = (seq - 1) % app_count;
    return FW_OK;
}

int fw_otadata_next_seq(int has_active, uint32_t active_seq, uint32_t slot, uint32_t app_count, uint32_t *out)
{
    if (app_count == 0) return FW_ERR_NOT_FOUND;
    if (slot >= app_count) return FW_ERR_RANGE;
    if (!has_active) {
        *out = slot + 1;
        return FW_OK;
    }
    if (active_seq == 0 || active_seq == 0xFFFFFFFFu) return FW_ERR_RANGE;
    uint32_t cur = (active_seq - 1) % app_count;
    uint32_t delta = (slot + app_count - cur) % app_count;
    uint64_t seq = (uint64_t)active_seq + delta;
    if (seq >= 0xFFFFFFFFu) return FW_ERR_OVERFLOW;
    *out = (uint32_t)seq;
    return FW_OK;
}
