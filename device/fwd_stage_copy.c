/* SPDX-License-Identifier: Apache-2.0 */
/* Journalled copy of a staged image (see fwd_stage_copy.h). */
#include "device/fwd_stage_copy.h"

#include <string.h>

#include "device/fwd_crypto.h"
#include "fw_bytes.h"

int fwd_stage_journal_read(struct fwd_dev *d, uint32_t journal_off, struct fwd_verify_work *w, struct fw_cj_state *st)
{
    int rc = fwd_flash_read(&d->plat->flash, journal_off, w->buf, FW_CJ_SECTOR);
    if (rc) return rc;
    fw_cj_parse(w->buf, st);
    return FW_OK;
}

int fwd_stage_digest(struct fwd_dev *d, uint32_t addr, uint32_t len, int decrypt, struct fwd_verify_work *w,
                     uint8_t out[32])
{
    struct fwd_hash_ctx h;
    int rc = fwd_hash_start(&h, FWD_HASH_SHA256);
    if (rc) return rc;
    for (uint32_t off = 0; rc == FW_OK && off < len;) {
        uint32_t n = len - off < sizeof w->buf ? len - off : (uint32_t)sizeof w->buf;
        rc = fwd_dev_read_abs(d, addr + off, w->buf, n, decrypt);
        if (rc == FW_OK) rc = fwd_hash_update(&h, w->buf, n);
        off += n;
    }
    if (rc == FW_OK) rc = fwd_hash_finish(&h, out, 32);
    fwd_hash_free(&h);
    return rc;
}

static int digest_is(struct fwd_dev *d, uint32_t addr, const struct fw_cj_header *h, int decrypt,
                     struct fwd_verify_work *w, int *equal)
{
    uint8_t got[32];
    int rc = fwd_stage_digest(d, addr, h->len, decrypt, w, got);
    *equal = rc == FW_OK && fw_ct_equal(got, h->digest, sizeof got);
    return rc;
}

/* Program granularity of the destination: FE blocks and the flash's own. */
static uint32_t unit_of(const struct fwd_dev *d)
{
    uint32_t a = d->plat->flash.write_align;
    return a > 16 ? a : 16;
}

/* Destination sector k: erase, then program its part of the image. */
static int copy_sector(struct fwd_dev *d, const struct fw_cj_header *h, uint32_t k, struct fwd_verify_work *w)
{
    uint32_t off = k * FW_CJ_SECTOR;
    int rc = fwd_flash_erase(&d->plat->flash, h->dst + off, FW_CJ_SECTOR);
    if (rc || off >= h->len) return rc;
    uint32_t n = h->len - off < FW_CJ_SECTOR ? h->len - off : FW_CJ_SECTOR;
    uint32_t n_prog = (uint32_t)fw_align_up(n, unit_of(d));
    rc = fwd_dev_read_abs(d, h->src + off, w->buf, n, h->flags & FW_CJ_SRC_ENCRYPTED);
    if (rc) return rc;
    memset(w->buf + n, 0xFF, n_prog - n);
    return fwd_dev_write_abs(d, h->dst + off, w->buf, n_prog, h->flags & FW_CJ_DST_ENCRYPTED);
}

/* Record sector k as done in the next free slot (none left: progress is only
 * an optimisation, the copy goes on). */
static int record(struct fwd_dev *d, uint32_t journal_off, struct fw_cj_state *st, uint32_t k)
{
    uint8_t slot[FW_CJ_SLOT];
    if (st->next_slot >= FW_CJ_SLOTS) return FW_OK;
    fw_cj_progress_encode(st->header_crc, k, slot);
    int rc = fwd_flash_write(&d->plat->flash, journal_off + st->next_slot * FW_CJ_SLOT, slot, sizeof slot);
    st->next_slot++;
    return rc;
}

static int run_copy(struct fwd_dev *d, uint32_t journal_off, struct fw_cj_state *st, struct fwd_verify_work *w,
                    struct fwd_copy_report *rep)
{
    const struct fw_cj_header *h = &st->h;
    uint32_t nsec = h->span / FW_CJ_SECTOR;
    int eq = 0, rc;
    rep->pending = 1;
    rep->h = *h;
    rep->sectors = nsec;
    /* The staging copy is what was verified: it must still hash to the journal's digest. */
    if ((rc = digest_is(d, h->src, h, h->flags & FW_CJ_SRC_ENCRYPTED, w, &eq))) return rc;
    if (!eq) return FW_ERR_DIGEST;
    uint32_t start = st->done;
    if (start >= nsec) { /* every sector recorded: only the check and the journal erase were missing */
        if ((rc = digest_is(d, h->dst, h, h->flags & FW_CJ_DST_ENCRYPTED, w, &eq))) return rc;
        if (!eq) start = 0, rep->restarted = 1;
    }
    rep->resumed_at = start;
    for (uint32_t k = start; k < nsec; k++) {
        if ((rc = copy_sector(d, h, k, w))) return rc;
        if ((rc = record(d, journal_off, st, k))) return rc;
    }
    if (start < nsec) {
        if ((rc = digest_is(d, h->dst, h, h->flags & FW_CJ_DST_ENCRYPTED, w, &eq))) return rc;
        if (!eq) return FW_ERR_DIGEST;   /* the flash did not keep what was programmed: journal kept */
    }
    /* Done: the journal goes last (a torn erase reads as "nothing pending"
     * or as a complete copy that verifies, both right). */
    if ((rc = fwd_flash_erase(&d->plat->flash, journal_off, FW_CJ_SECTOR))) return rc;
    rep->completed = 1;
    return FW_OK;
}

int fwd_stage_copy_resume(struct fwd_dev *d, uint32_t journal_off, struct fwd_verify_work *w,
                          struct fwd_copy_report *rep)
{
    struct fw_cj_state st;
    memset(rep, 0, sizeof *rep);
    if (journal_off % FW_CJ_SECTOR) return FW_ERR_ALIGN;
    int rc = fwd_stage_journal_read(d, journal_off, w, &st);
    if (rc || !st.pending) return rc;
    return run_copy(d, journal_off, &st, w, rep);
}

int fwd_stage_copy_start(struct fwd_dev *d, uint32_t journal_off, const struct fw_cj_header *h,
                         struct fwd_verify_work *w, struct fwd_copy_report *rep)
{
    struct fw_cj_state st;
    uint8_t slot[FW_CJ_SLOT];
    memset(rep, 0, sizeof *rep);
    if (journal_off % FW_CJ_SECTOR || d->plat->flash.write_align > FW_CJ_SLOT) return FW_ERR_ALIGN;
    int rc = fwd_stage_journal_read(d, journal_off, w, &st);
    if (rc) return rc;
    if (st.pending) return FW_ERR_STATE;
    if ((rc = fw_cj_header_encode(h, slot))) return rc;
    int eq = 0;
    if ((rc = digest_is(d, h->src, h, h->flags & FW_CJ_SRC_ENCRYPTED, w, &eq))) return rc;
    if (!eq) return FW_ERR_DIGEST;
    /* The journal first, complete, before the destination is touched. */
    if ((rc = fwd_flash_erase(&d->plat->flash, journal_off, FW_CJ_SECTOR))) return rc;
    if ((rc = fwd_flash_write(&d->plat->flash, journal_off, slot, sizeof slot))) return rc;
    if ((rc = fwd_stage_journal_read(d, journal_off, w, &st))) return rc;
    if (!st.pending) return FW_ERR_IO;   /* the header did not read back */
    return run_copy(d, journal_off, &st, w, rep);
}
