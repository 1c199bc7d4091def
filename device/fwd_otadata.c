/* SPDX-License-Identifier: Apache-2.0 */
/* otadata on the device: sealed record log per sector (see fwd_otadata.h). */
#include "device/fwd_otadata.h"

#include <string.h>

#include "fw_bytes.h"

static int all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF) return 0;
    return 1;
}

/* Read record `i` of sector `sec`: raw (for the erased test) then decoded
 * through decryption. Returns 1 if the slot is raw-erased, 0 if written. */
static int read_record(struct fwd_dev *d, const struct fwd_part *p, int sec, unsigned i,
                       struct fw_otadata_entry *e, int *rc)
{
    uint8_t raw[FW_OTADATA_ENTRY_SIZE];
    uint32_t off = (uint32_t)sec * FW_OTADATA_SECTOR + i * FW_OTADATA_ENTRY_SIZE;
    *rc = fwd_part_read_raw(d, p, off, raw, sizeof raw);
    if (*rc) return 0;
    if (all_ff(raw, sizeof raw)) return 1;
    if (p->encrypted) *rc = fwd_part_read(d, p, off, raw, sizeof raw); /* the device's decryption path */
    if (*rc == FW_OK) fw_otadata_decode(raw, e);
    return 0;
}

static int load_sector(struct fwd_dev *d, const struct fwd_part *p, int sec, struct fwd_otadata_sector *out)
{
    struct fw_otadata_entry rec, base;
    int rc, have = 0;
    memset(&base, 0, sizeof base);  /* set with have; gcc -Os for Arm cannot tell */
    memset(out, 0, sizeof *out);
    memset(&out->e, 0xFF, sizeof out->e);
    out->e.seq = 0xFFFFFFFFu;
    out->e.state = FW_OTA_UNDEFINED;
    out->e.crc = 0xFFFFFFFFu;
    out->status = FW_ERR_NOT_FOUND;
    for (unsigned i = 0; i < FWD_OTADATA_RECORDS; i++) {
        if (read_record(d, p, sec, i, &rec, &rc)) break;
        if (rc) return rc;
        out->used = (uint16_t)(i + 1);
        int fmt = fw_otadata_check_format(&rec);
        if (i == 0) {
            base = rec;
            out->e = rec;
            out->status = fmt;
            have = fmt == FW_OK;
            continue;
        }
        /* Later records: sealed, complete, same seq as record 0. */
        if (have && fmt == FW_OK && fw_otadata_seal_check(&rec) == 1 && rec.seq == base.seq) out->e = rec;
    }
    if (have) out->status = fw_otadata_check(&out->e);
    return FW_OK;
}

int fwd_otadata_load(struct fwd_dev *d, struct fwd_otadata *od)
{
    if (!d || !od) return FW_ERR_INVALID_ARG;
    memset(od, 0, sizeof *od);
    od->active = -1;
    od->part = fwd_part_find_type(d, FW_PT_TYPE_DATA, FW_PT_SUB_DATA_OTA);
    if (!od->part) return FW_ERR_NOT_FOUND;
    if (od->part->size != FW_OTADATA_SIZE) return FW_ERR_FORMAT;
    for (int s = 0; s < 2; s++) {
        int rc = load_sector(d, od->part, s, &od->sec[s]);
        if (rc) return rc;
    }
    struct fw_otadata_entry e[2] = {od->sec[0].e, od->sec[1].e};
    int ok[2] = {od->sec[0].status == FW_OK, od->sec[1].status == FW_OK};
    od->active = fw_otadata_select(e, ok);
    return FW_OK;
}

int fwd_otadata_active_slot(const struct fwd_dev *d, const struct fwd_otadata *od, uint32_t *slot)
{
    if (!d || !od || !slot) return FW_ERR_INVALID_ARG;
    if (od->active < 0) return FW_ERR_NOT_FOUND;
    uint32_t n = (uint32_t)fwd_part_ota_count(d);
    return fw_otadata_slot(od->sec[od->active].e.seq, n, slot);
}

static int write_record(struct fwd_dev *d, struct fwd_otadata *od, int sec, unsigned idx,
                        const struct fw_otadata_entry *e)
{
    uint8_t b[FW_OTADATA_ENTRY_SIZE];
    fw_otadata_encode(e, b);
    return fwd_part_write(d, od->part, (uint32_t)sec * FW_OTADATA_SECTOR + idx * FW_OTADATA_ENTRY_SIZE, b,
                          sizeof b);
}

/* Erase `sec` and write e as its record 0. */
static int rewrite_sector(struct fwd_dev *d, struct fwd_otadata *od, int sec, const struct fw_otadata_entry *e)
{
    int rc = fwd_part_erase(d, od->part, (uint32_t)sec * FW_OTADATA_SECTOR, FW_OTADATA_SECTOR);
    if (rc == FW_OK) rc = write_record(d, od, sec, 0, e);
    return rc;
}

int fwd_otadata_set_state(struct fwd_dev *d, struct fwd_otadata *od, int sec, uint32_t state)
{
    if (!d || !od || !od->part || (sec != 0 && sec != 1)) return FW_ERR_INVALID_ARG;
    if (!fw_otadata_state_known(state)) return FW_ERR_INVALID_ARG;
    struct fwd_otadata_sector *s = &od->sec[sec];
    if (fw_otadata_check_format(&s->e) != FW_OK) return FW_ERR_STATE;
    struct fw_otadata_entry e = s->e;
    fw_otadata_restate(&e, state);
    int rc = s->used < FWD_OTADATA_RECORDS ? write_record(d, od, sec, s->used, &e)
                                           : rewrite_sector(d, od, sec, &e); /* full log: compaction */
    if (rc) return rc;
    return fwd_otadata_load(d, od);
}

int fwd_otadata_select_slot(struct fwd_dev *d, struct fwd_otadata *od, uint32_t slot, uint32_t state)
{
    if (!d || !od || !od->part) return FW_ERR_INVALID_ARG;
    if (!fw_otadata_state_known(state)) return FW_ERR_INVALID_ARG;
    uint32_t n = (uint32_t)fwd_part_ota_count(d), seq;
    int has = od->active >= 0;
    int rc = fw_otadata_next_seq(has, has ? od->sec[od->active].e.seq : 0, slot, n, &seq);
    if (rc) return rc;
    if (has && seq == od->sec[od->active].e.seq) return fwd_otadata_set_state(d, od, od->active, state);
    struct fw_otadata_entry e;
    fw_otadata_make(&e, seq, state);
    rc = rewrite_sector(d, od, has ? 1 - od->active : 0, &e);
    if (rc) return rc;
    return fwd_otadata_load(d, od);
}

int fwd_otadata_erase_sector(struct fwd_dev *d, struct fwd_otadata *od, int sec)
{
    if (!d || !od || !od->part || (sec != 0 && sec != 1)) return FW_ERR_INVALID_ARG;
    int rc = fwd_part_erase(d, od->part, (uint32_t)sec * FW_OTADATA_SECTOR, FW_OTADATA_SECTOR);
    return rc ? rc : fwd_otadata_load(d, od);
}

int fwd_otadata_erase_all(struct fwd_dev *d, struct fwd_otadata *od)
{
    if (!d || !od || !od->part) return FW_ERR_INVALID_ARG;
    int rc = fwd_part_erase(d, od->part, 0, FW_OTADATA_SIZE);
    return rc ? rc : fwd_otadata_load(d, od);
}
