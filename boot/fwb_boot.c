/* SPDX-License-Identifier: Apache-2.0 */
/* Bootloader: plan, verify, double-check, commit (see fwb_boot.h). */
#include <string.h>

#include "boot/fwb_boot.h"
#include "device/fwd_otadata.h"
#include "fw_bytes.h"
#include "fw_otadata.h"

/* Redundant decision flags: "go" is a pattern and its complement, written
 * on separate paths; a single skipped or corrupted store cannot produce both. */
#define GO_A 0x3CA5965Au
#define GO_B (~GO_A)

static void to_entries(const struct fwd_otadata *od, int have, struct fwb_entry e[2])
{
    for (int i = 0; i < 2; i++) {
        e[i].crc_ok = have && fw_otadata_check_format(&od->sec[i].e) == FW_OK;
        e[i].seq = have ? od->sec[i].e.seq : 0xFFFFFFFFu;
        e[i].state = have ? od->sec[i].e.state : FW_OTA_UNDEFINED;
    }
}

static void layout_of(const struct fwd_ota_dev *dev, int have_otadata, struct fwb_layout *lay)
{
    lay->ota_count = (int)fwd_part_ota_count(&dev->d);
    lay->has_factory = fwd_part_find_type(&dev->d, FW_PT_TYPE_APP, FW_PT_SUB_APP_FACTORY) != NULL;
    lay->has_test = fwd_part_find_type(&dev->d, FW_PT_TYPE_APP, FW_PT_SUB_APP_TEST) != NULL;
    lay->has_otadata = have_otadata;
}

static const struct fwd_part *cand_part(const struct fwd_ota_dev *dev, const struct fwb_candidate *c)
{
    switch (c->kind) {
    case FWB_OTA: return fwd_part_ota_slot(&dev->d, (size_t)c->slot);
    case FWB_FACTORY: return fwd_part_find_type(&dev->d, FW_PT_TYPE_APP, FW_PT_SUB_APP_FACTORY);
    case FWB_TEST: return fwd_part_find_type(&dev->d, FW_PT_TYPE_APP, FW_PT_SUB_APP_TEST);
    default: return NULL;
    }
}

/* Read otadata and build the plan. *have says whether otadata exists. */
static int read_plan(struct fwd_ota_dev *dev, struct fwd_otadata *od, int *have, struct fwb_plan *p)
{
    struct fwb_entry e[2];
    struct fwb_layout lay;
    int rc = fwd_otadata_load(&dev->d, od);
    if (rc && rc != FW_ERR_NOT_FOUND) return rc;
    *have = rc == FW_OK;
    to_entries(od, *have, e);
    layout_of(dev, *have, &lay);
    return fwb_plan_make(e, &lay, p) ? FW_ERR_FORMAT : FW_OK;
}

static int apply_pre_writes(struct fwd_ota_dev *dev, struct fwd_otadata *od, const struct fwb_plan *p)
{
    for (int i = 0; i < 2; i++) {
        if (!p->pre_write[i]) continue;
        int rc = fwd_otadata_set_state(&dev->d, od, i, p->pre_state[i]);
        if (rc) return rc;
    }
    return FW_OK;
}

/* First pass: verify candidates in order. Returns the index or -1. */
static int first_bootable(struct fwd_ota_dev *dev, const struct fwb_plan *p, struct fwb_result *res,
                          uint32_t *failed_mask, int *io_err)
{
    *failed_mask = 0;
    for (int k = 0; k < p->n_cand; k++) {
        const struct fwd_part *part = cand_part(dev, &p->cand[k]);
        if (!part) continue;
        int rc = fwd_ota_verify_partition(dev, part, NULL);
        struct fwb_attempt *a = &res->attempts[res->n_attempts++];
        memcpy(a->label, part->label, sizeof a->label);
        a->reason = dev->last.reason;
        fw_fail_set(&a->fail, rc, fwd_verify_reason_str(a->reason));
        if (rc == FW_ERR_POWER_LOSS) {
            *io_err = rc;
            return -1;
        }
        if (rc == FW_OK && dev->last.reason == FWD_VR_OK) return k;
        *failed_mask |= 1u << k;
    }
    return -1;
}

/* Second, independent pass over fresh otadata: the same plan must put the
 * same partition first among those not rejected by pass one, and that image
 * must verify again with the same digest. Returns GO_B on agreement. */
static uint32_t second_opinion(struct fwd_ota_dev *dev, const struct fwd_part *chosen, uint32_t failed_mask,
                               const uint8_t digest[FWD_VERIFY_DIGEST_LEN], uint32_t *secure_version)
{
    struct fwd_otadata od;
    struct fwb_plan p2;
    struct fwd_verify_result r2;
    int have;
    if (read_plan(dev, &od, &have, &p2) != FW_OK) return 0;
    if (p2.pre_write[0] || p2.pre_write[1]) return 0;      /* pre-writes must have landed */
    const struct fwd_part *expect = NULL;
    for (int k = 0; k < p2.n_cand && !expect; k++)
        if (!(failed_mask & (1u << k))) expect = cand_part(dev, &p2.cand[k]);
    if (expect != chosen) return 0;
    if (fwd_ota_verify_partition(dev, chosen, &r2) != FW_OK) return 0;
    if (r2.reason != FWD_VR_OK || !fw_ct_equal(r2.digest, digest, sizeof r2.digest)) return 0;
    *secure_version = r2.app.desc.secure_version;
    return GO_B;
}

static int commit(struct fwd_ota_dev *dev, const struct fwb_plan *p, int k, struct fwb_result *res)
{
    struct fwd_otadata od;
    struct fwb_commit c;
    fwb_commit_for(p, k, &c);
    if (!c.write) return FW_OK;
    int rc = fwd_otadata_load(&dev->d, &od);
    if (rc) return rc;
    if (c.fresh) rc = fwd_otadata_select_slot(&dev->d, &od, (uint32_t)p->cand[k].slot, c.state);
    else rc = fwd_otadata_set_state(&dev->d, &od, c.entry, c.state);
    if (rc == FW_OK) res->state = c.state;
    if (rc == FW_OK) res->fresh_record = c.fresh;
    return rc;
}

/* Path B of the heal decision: read otadata again and look at the entry that
 * selected (or, in the initial case, now records) the booted slot. */
static int booted_entry_valid_on_flash(struct fwd_ota_dev *dev, const struct fwb_plan *p, int k)
{
    struct fwd_otadata od;
    struct fwb_commit c;
    uint32_t slot;
    fwb_commit_for(p, k, &c);
    int e = c.write ? c.entry : p->cand[k].entry;
    if (e < 0 || p->cand[k].kind != FWB_OTA || fwd_otadata_load(&dev->d, &od) != FW_OK) return 0;
    const struct fw_otadata_entry *en = &od.sec[e].e;
    if (fw_otadata_check_format(en) != FW_OK || en->state != FW_OTA_VALID) return 0;
    if (fw_otadata_slot(en->seq, (uint32_t)fwd_part_ota_count(&dev->d), &slot)) return 0;
    return (int)slot == p->cand[k].slot;
}

/* Anti-rollback heal, as ESP-IDF's bootloader does: the image about to run
 * as VALID has passed both verification passes, so the eFuse must be at
 * least its secure_version. A power cut between confirm's VALID record and
 * its burn is healed here, before the app (or any OTA) runs. Never for NEW /
 * PENDING_VERIFY: that burn waits for the confirmation. Decided twice (the
 * plan and commit, then a fresh otadata read) at the secure_version both
 * passes read; any disagreement refuses the boot. Burns only missing bits. */
static int heal_anti_rollback(struct fwd_ota_dev *dev, const struct fwb_plan *p, int k, const struct fwb_result *res,
                              uint32_t secure_version_b)
{
    volatile int valid_a = res->has_state && res->state == FW_OTA_VALID && p->cand[k].kind == FWB_OTA;
    volatile int valid_b = booted_entry_valid_on_flash(dev, p, k);
    if (valid_a != valid_b) return FW_ERR_STATE;
    if (!valid_a) return FW_OK;
    if (res->app.desc.secure_version != secure_version_b) return FW_ERR_STATE;
    return fwd_ota_raise_secure_version(dev, fwd_ota_heal_target(secure_version_b));
}

static void describe(struct fwd_ota_dev *dev, const struct fwb_plan *p, int k, struct fwb_result *res)
{
    const struct fwb_candidate *c = &p->cand[k];
    res->part = cand_part(dev, c);
    res->kind = c->kind;
    res->slot = c->slot;
    res->app = dev->last.app;
    memcpy(res->digest, dev->last.digest, sizeof res->digest);
    res->key_slot = dev->last.key_slot;
    res->has_state = c->entry >= 0;
    res->by_default = c->entry < 0;
    res->state = c->entry >= 0 ? p->eff[c->entry].state : FW_OTA_UNDEFINED;
}

int fwb_boot(struct fwd_ota_dev *dev, struct fwb_result *res)
{
    struct fwd_otadata od;
    struct fwb_plan plan;
    int have, io_err = 0;
    uint32_t failed = 0, secure_version_b = 0;
    volatile uint32_t go_a = 0, go_b = 0;

    if (!dev || !res) return FW_ERR_INVALID_ARG;
    memset(res, 0, sizeof *res);
    res->slot = res->key_slot = -1;
    dev->running = NULL;

    int rc = read_plan(dev, &od, &have, &plan);
    if (rc) return rc;
    res->otadata_present = have;
    for (int i = 0; i < 2; i++) res->otadata_status[i] = have ? od.sec[i].status : FW_ERR_NOT_FOUND;
    if ((rc = apply_pre_writes(dev, &od, &plan)) != FW_OK) return rc;

    int k = first_bootable(dev, &plan, res, &failed, &io_err);
    if (io_err) return io_err;
    if (k < 0) return FW_ERR_NOT_FOUND;
    describe(dev, &plan, k, res);
    go_a = GO_A;

    go_b = second_opinion(dev, res->part, failed, res->digest, &secure_version_b);
    if (go_a != GO_A || go_b != GO_B || (go_a ^ go_b) != 0xFFFFFFFFu) return FW_ERR_STATE;

    if ((rc = commit(dev, &plan, k, res)) != FW_OK) return rc;
    if (plan.cand[k].kind == FWB_OTA && !res->has_state && plan.initial) res->has_state = 1;
    /* The flags again before the one irreversible step, the eFuse burn. */
    if (go_a != GO_A || (go_a ^ go_b) != 0xFFFFFFFFu) return FW_ERR_STATE;
    if ((rc = heal_anti_rollback(dev, &plan, k, res, secure_version_b)) != FW_OK) return rc;
    /* Check the flags once more right before "jumping". */
    if (go_a != GO_A || (go_a ^ go_b) != 0xFFFFFFFFu) return FW_ERR_STATE;
    dev->running = res->part;
    return FW_OK;
}
