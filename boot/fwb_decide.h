/* SPDX-License-Identifier: Apache-2.0 */
/* The bootloader's boot decision as pure, table-driven logic (no I/O), in
 * the MCUboot spirit: every otadata state has one row saying what the
 * bootloader does with it (FORMATS §7.2-7.6), and the plan is a function of
 * the two decoded otadata entries and the partition layout only, so it can be
 * unit-tested exhaustively and recomputed for the double check.
 *
 * Differences from ESP-IDF, on purpose (FORMATS §7.7, §9 items 10 and 16):
 *   - ota_seq 0 and unknown ota_state values are not selectable;
 *   - the fallback never boots a slot marked INVALID or ABORTED by an entry
 *     with a valid CRC (ESP's fallback ignores ota_state);
 *   - the eFuse secure_version is burned by the app's confirmation
 *     (fwd_ota_mark_app_valid) and healed by the bootloader only for an
 *     image that boots as VALID (fwb_boot.c, as ESP-IDF does), never for
 *     NEW / PENDING_VERIFY.
 *
 * Candidate order (first that fully verifies is booted):
 *   1. selectable entries by descending ota_seq (tie: entry 0) -> their slots;
 *   2. factory;
 *   3. OTA slots 0..n-1 not listed yet and not marked INVALID/ABORTED;
 *   4. test.
 */
#ifndef FWB_DECIDE_H
#define FWB_DECIDE_H

#include <stdint.h>

#define FWB_MAX_CAND 20

/* One otadata entry as read from flash (through decryption). */
struct fwb_entry {
    int crc_ok;           /* CRC32-ESP over ota_seq matches */
    uint32_t seq;
    uint32_t state;       /* raw ota_state */
};

struct fwb_layout {
    int ota_count;        /* contiguous ota_0..ota_{n-1}, 0..16 */
    int has_factory;
    int has_test;
    int has_otadata;
};

/* What the bootloader does with an entry in a given state (one table row). */
struct fwb_rule {
    uint32_t state;
    uint8_t selectable;        /* may be chosen by otadata selection */
    uint8_t marks_slot_bad;    /* the slot must not be booted through fallback */
    uint8_t rewrite_at_boot;   /* rewrite before selection, every boot */
    uint32_t at_boot;          /*   ... to this state */
    uint8_t rewrite_if_chosen; /* rewrite when this entry's slot is booted */
    uint32_t if_chosen;        /*   ... to this state */
};

/* Row for a state; unknown states get the "not selectable, slot bad" row. */
const struct fwb_rule *fwb_rule_for(uint32_t state);

enum fwb_kind { FWB_OTA = 1, FWB_FACTORY = 2, FWB_TEST = 3 };

struct fwb_candidate {
    int kind;             /* enum fwb_kind */
    int slot;             /* OTA slot index for FWB_OTA, else -1 */
    int entry;            /* otadata entry that selected it, -1 for fallbacks */
};

struct fwb_plan {
    int pre_write[2];          /* entry i must be rewritten before selection */
    uint32_t pre_state[2];     /*   ... with this state */
    struct fwb_entry eff[2];   /* entries as they are after the pre-writes */
    int active;                /* active entry (§7.2) after pre-writes, -1 none */
    int initial;               /* both entries empty / bad CRC */
    struct fwb_candidate cand[FWB_MAX_CAND];
    int n_cand;
};

/* Is an entry selectable (§7.2 + §7.7 rules 2 and 3)? */
int fwb_entry_selectable(const struct fwb_entry *e, int ota_count);
/* Slot of an entry: (seq - 1) mod ota_count; -1 if ota_count is 0 or seq 0. */
int fwb_entry_slot(const struct fwb_entry *e, int ota_count);

/* Build the plan. Returns 0, or -1 on a bad layout. */
int fwb_plan_make(const struct fwb_entry in[2], const struct fwb_layout *lay, struct fwb_plan *p);

/* What to write when candidate k of the plan is booted. */
struct fwb_commit {
    int write;            /* 1: write otadata entry `entry` */
    int entry;
    uint32_t seq;
    uint32_t state;
    int fresh;            /* 1: new entry (initial contents), else in-place state change */
};
void fwb_commit_for(const struct fwb_plan *p, int k, struct fwb_commit *c);

/* Two candidates name the same partition. */
int fwb_cand_same(const struct fwb_candidate *a, const struct fwb_candidate *b);

#endif
