/* SPDX-License-Identifier: Apache-2.0 */
/* Table-driven boot decision (see fwb_decide.h). */
#include <string.h>

#include "boot/fwb_decide.h"
#include "fw_otadata.h"

/* FORMATS §7.3/§7.4, rollback always enabled. The bootloader changes exactly
 * two states: an unconfirmed PENDING_VERIFY becomes ABORTED at the next boot,
 * and a NEW entry that gets booted becomes PENDING_VERIFY. */
/* Every field is named; a field left out is 0 = "no": not selectable, slot
 * not marked bad, no rewrite. States are common's enum fw_ota_state. */
static const struct fwb_rule rules[] = {
    {.state = FW_OTA_NEW, .selectable = 1,
     .rewrite_if_chosen = 1, .if_chosen = FW_OTA_PENDING_VERIFY},
    {.state = FW_OTA_PENDING_VERIFY, .marks_slot_bad = 1,
     .rewrite_at_boot = 1, .at_boot = FW_OTA_ABORTED},
    {.state = FW_OTA_VALID, .selectable = 1},
    {.state = FW_OTA_INVALID, .marks_slot_bad = 1},
    {.state = FW_OTA_ABORTED, .marks_slot_bad = 1},
    {.state = FW_OTA_UNDEFINED, .selectable = 1},
};
/* Any other value: never selected, and its slot is not booted by fallback. */
static const struct fwb_rule unknown_rule = {.marks_slot_bad = 1};

const struct fwb_rule *fwb_rule_for(uint32_t state)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].state == state) return &rules[i];
    return &unknown_rule;
}

static int seq_usable(const struct fwb_entry *e)
{
    return e->crc_ok && e->seq != 0xFFFFFFFFu && e->seq != 0;
}

int fwb_entry_slot(const struct fwb_entry *e, int ota_count)
{
    if (ota_count <= 0 || !seq_usable(e)) return -1;
    return (int)((e->seq - 1u) % (uint32_t)ota_count);
}

int fwb_entry_selectable(const struct fwb_entry *e, int ota_count)
{
    return seq_usable(e) && ota_count > 0 && fwb_rule_for(e->state)->selectable;
}

int fwb_cand_same(const struct fwb_candidate *a, const struct fwb_candidate *b)
{
    return a->kind == b->kind && (a->kind != FWB_OTA || a->slot == b->slot);
}

static void add(struct fwb_plan *p, int kind, int slot, int entry)
{
    struct fwb_candidate c = {.kind = kind, .slot = slot, .entry = entry};
    for (int i = 0; i < p->n_cand; i++)
        if (fwb_cand_same(&p->cand[i], &c)) return;
    if (p->n_cand < FWB_MAX_CAND) p->cand[p->n_cand++] = c;
}

/* A slot is "bad" if an entry with a valid CRC points at it in a state whose
 * row says so (INVALID, ABORTED, PENDING_VERIFY, unknown) and no selectable
 * entry points at it. */
static int slot_marked_bad(const struct fwb_plan *p, int slot, int ota_count)
{
    for (int i = 0; i < 2; i++) {
        const struct fwb_entry *e = &p->eff[i];
        if (fwb_entry_slot(e, ota_count) == slot && fwb_rule_for(e->state)->marks_slot_bad) return 1;
    }
    return 0;
}

static void apply_boot_rewrites(const struct fwb_entry in[2], struct fwb_plan *p)
{
    for (int i = 0; i < 2; i++) {
        p->eff[i] = in[i];
        const struct fwb_rule *r = fwb_rule_for(in[i].state);
        if (seq_usable(&in[i]) && r->rewrite_at_boot) {
            p->pre_write[i] = 1;
            p->pre_state[i] = r->at_boot;
            p->eff[i].state = r->at_boot;
        }
    }
}

/* §7.2: larger seq wins, entry 0 on a tie. */
static void order_entries(const struct fwb_plan *p, int ota_count, int order[2], int *n)
{
    int s0 = fwb_entry_selectable(&p->eff[0], ota_count);
    int s1 = fwb_entry_selectable(&p->eff[1], ota_count);
    *n = 0;
    if (s0 && s1) {
        int first = p->eff[1].seq > p->eff[0].seq ? 1 : 0;
        order[(*n)++] = first;
        order[(*n)++] = 1 - first;
    } else if (s0) {
        order[(*n)++] = 0;
    } else if (s1) {
        order[(*n)++] = 1;
    }
}

int fwb_plan_make(const struct fwb_entry in[2], const struct fwb_layout *lay, struct fwb_plan *p)
{
    memset(p, 0, sizeof *p);
    p->active = -1;
    if (lay->ota_count < 0 || lay->ota_count > 16) return -1;
    struct fwb_entry none[2] = {{.crc_ok = 0, .seq = 0xFFFFFFFFu, .state = FW_OTA_UNDEFINED},
                                {.crc_ok = 0, .seq = 0xFFFFFFFFu, .state = FW_OTA_UNDEFINED}};
    apply_boot_rewrites(lay->has_otadata ? in : none, p);
    p->initial = lay->has_otadata && !seq_usable(&p->eff[0]) && !seq_usable(&p->eff[1]);

    int order[2], n;
    order_entries(p, lay->ota_count, order, &n);
    if (n) p->active = order[0];
    for (int i = 0; i < n; i++) add(p, FWB_OTA, fwb_entry_slot(&p->eff[order[i]], lay->ota_count), order[i]);
    if (lay->has_factory) add(p, FWB_FACTORY, -1, -1);
    for (int s = 0; s < lay->ota_count; s++)
        if (!slot_marked_bad(p, s, lay->ota_count)) add(p, FWB_OTA, s, -1);
    if (lay->has_test) add(p, FWB_TEST, -1, -1);
    return 0;
}

void fwb_commit_for(const struct fwb_plan *p, int k, struct fwb_commit *c)
{
    memset(c, 0, sizeof *c);
    c->entry = -1;
    if (k < 0 || k >= p->n_cand) return;
    const struct fwb_candidate *cand = &p->cand[k];
    if (cand->entry >= 0) {
        const struct fwb_rule *r = fwb_rule_for(p->eff[cand->entry].state);
        if (r->rewrite_if_chosen) {
            c->write = 1;
            c->entry = cand->entry;
            c->seq = p->eff[cand->entry].seq;
            c->state = r->if_chosen;
        }
    } else if (cand->kind == FWB_OTA && p->initial) {
        /* ESP's initial-contents case: record the slot that was found
         * bootable so the app has an entry to confirm / roll back from. */
        c->write = 1;
        c->fresh = 1;
        c->entry = 0;
        c->seq = (uint32_t)cand->slot + 1u;
        c->state = FW_OTA_VALID;
    }
}
