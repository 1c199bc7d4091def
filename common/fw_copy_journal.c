/* SPDX-License-Identifier: Apache-2.0 */
/* Copy journal codec (see fw_copy_journal.h). */
#include "fw_copy_journal.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

#define OFF_MAGIC   0
#define OFF_VERSION 4
#define OFF_KIND    5
#define OFF_FLAGS   6
#define OFF_SRC     8
#define OFF_DST     12
#define OFF_LEN     16
#define OFF_SPAN    20
#define OFF_DIGEST  24
#define OFF_CRC     60

static int header_ok(const struct fw_cj_header *h)
{
    if (h->kind < FW_CJ_BOOTLOADER || h->kind > FW_CJ_DATA) return FW_ERR_RANGE;
    if (h->flags & ~(FW_CJ_SRC_ENCRYPTED | FW_CJ_DST_ENCRYPTED)) return FW_ERR_FORMAT;
    if (!h->len || h->span < h->len || h->span % FW_CJ_SECTOR) return FW_ERR_RANGE;
    if (h->src % FW_CJ_SECTOR || h->dst % FW_CJ_SECTOR) return FW_ERR_RANGE;
    if ((uint64_t)h->src + h->len > UINT32_MAX || (uint64_t)h->dst + h->span > UINT32_MAX) return FW_ERR_RANGE;
    /* source and destination must not overlap: the source is the recovery's copy */
    if ((uint64_t)h->src < (uint64_t)h->dst + h->span && (uint64_t)h->dst < (uint64_t)h->src + h->len) return FW_ERR_RANGE;
    return FW_OK;
}

int fw_cj_header_encode(const struct fw_cj_header *h, uint8_t s[FW_CJ_SLOT])
{
    int rc = header_ok(h);
    if (rc) return rc;
    memset(s, 0, FW_CJ_SLOT);
    fw_enc32le(s + OFF_MAGIC, FW_CJ_MAGIC);
    s[OFF_VERSION] = FW_CJ_VERSION;
    s[OFF_KIND] = h->kind;
    s[OFF_FLAGS] = h->flags;
    fw_enc32le(s + OFF_SRC, h->src);
    fw_enc32le(s + OFF_DST, h->dst);
    fw_enc32le(s + OFF_LEN, h->len);
    fw_enc32le(s + OFF_SPAN, h->span);
    memcpy(s + OFF_DIGEST, h->digest, FW_CJ_DIGEST_LEN);
    fw_enc32le(s + OFF_CRC, fw_crc32_std(s, OFF_CRC));
    return FW_OK;
}

int fw_cj_header_decode(const uint8_t s[FW_CJ_SLOT], struct fw_cj_header *h, uint32_t *crc)
{
    if (fw_dec32le(s + OFF_MAGIC) != FW_CJ_MAGIC) return FW_ERR_MAGIC;
    if (fw_dec32le(s + OFF_CRC) != fw_crc32_std(s, OFF_CRC)) return FW_ERR_CRC;
    if (s[OFF_VERSION] != FW_CJ_VERSION || s[7] != 0) return FW_ERR_FORMAT;
    memset(h, 0, sizeof *h);
    h->kind = s[OFF_KIND];
    h->flags = s[OFF_FLAGS];
    h->src = fw_dec32le(s + OFF_SRC);
    h->dst = fw_dec32le(s + OFF_DST);
    h->len = fw_dec32le(s + OFF_LEN);
    h->span = fw_dec32le(s + OFF_SPAN);
    memcpy(h->digest, s + OFF_DIGEST, FW_CJ_DIGEST_LEN);
    if (crc) *crc = fw_dec32le(s + OFF_CRC);
    return header_ok(h);
}

void fw_cj_progress_encode(uint32_t header_crc, uint32_t index, uint8_t s[FW_CJ_SLOT])
{
    memset(s, 0xFF, FW_CJ_SLOT);
    fw_enc32le(s, FW_CJ_PMAGIC);
    fw_enc32le(s + 4, index);
    fw_enc32le(s + 8, fw_crc32_le(header_crc, s, 8));
}

int fw_cj_progress_decode(const uint8_t s[FW_CJ_SLOT], uint32_t header_crc, uint32_t *index)
{
    if (fw_dec32le(s) != FW_CJ_PMAGIC) return FW_ERR_MAGIC;
    if (fw_dec32le(s + 8) != fw_crc32_le(header_crc, s, 8)) return FW_ERR_CRC;
    for (unsigned i = 12; i < FW_CJ_SLOT; i++)
        if (s[i] != 0xFF) return FW_ERR_CRC;
    *index = fw_dec32le(s + 4);
    return FW_OK;
}

int fw_cj_slot_empty(const uint8_t s[FW_CJ_SLOT])
{
    for (unsigned i = 0; i < FW_CJ_SLOT; i++)
        if (s[i] != 0xFF) return 0;
    return 1;
}

void fw_cj_parse(const uint8_t sector[FW_CJ_SECTOR], struct fw_cj_state *st)
{
    memset(st, 0, sizeof *st);
    if (fw_cj_header_decode(sector, &st->h, &st->header_crc) != FW_OK) return; /* nothing pending */
    st->pending = 1;
    int counting = 1;
    st->next_slot = 1;
    for (unsigned i = 1; i < FW_CJ_SLOTS; i++) {
        const uint8_t *s = sector + i * FW_CJ_SLOT;
        if (fw_cj_slot_empty(s)) continue;
        st->next_slot = i + 1;            /* appends go after the last programmed slot */
        uint32_t idx;
        if (fw_cj_progress_decode(s, st->header_crc, &idx) != FW_OK) {
            st->bad_slots++;
            continue;
        }
        if (counting && idx == st->done) st->done++;
        else counting = 0;
    }
    /* never more progress than the destination has sectors */
    uint32_t nsec = st->h.span / FW_CJ_SECTOR;
    if (st->done > nsec) st->done = 0;
}

const char *fw_cj_kind_name(unsigned kind)
{
    switch (kind) {
    case FW_CJ_BOOTLOADER: return "bootloader";
    case FW_CJ_PARTITION_TABLE: return "partition-table";
    case FW_CJ_DATA: return "data";
    default: return "unknown";
    }
}
