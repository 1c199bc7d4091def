/* SPDX-License-Identifier: Apache-2.0 */
/* The bootloader's pure decision table (boot/fwb_decide.c, FORMATS §7.2-7.7). */
#include "testutil.h"

#include "boot/fwb_decide.h"

/* ota_state values of FORMATS §7.3 */
#define NEW 0x0u
#define PV 0x1u
#define VALID 0x2u
#define INVALID 0x3u
#define ABORTED 0x4u
#define UNDEF 0xFFFFFFFFu

static const struct fwb_entry EMPTY = {0, 0xFFFFFFFFu, 0xFFFFFFFFu};

static struct fwb_entry E(uint32_t seq, uint32_t state) { struct fwb_entry e = {1, seq, state}; return e; }

static struct fwb_plan plan(struct fwb_entry a, struct fwb_entry b, int ota, int factory, int test)
{
    struct fwb_entry in[2] = {a, b};
    struct fwb_layout lay = {ota, factory, test, 1};
    struct fwb_plan p;
    assert_int_equal(fwb_plan_make(in, &lay, &p), 0);
    return p;
}

/* Candidates rendered as "o1 f o0 t" for readable assertions. */
static const char *order(const struct fwb_plan *p)
{
    static char buf[128];
    buf[0] = 0;
    for (int i = 0; i < p->n_cand; i++) {
        char one[8];
        const struct fwb_candidate *c = &p->cand[i];
        if (c->kind == FWB_OTA) snprintf(one, sizeof one, "o%d", c->slot);
        else snprintf(one, sizeof one, "%s", c->kind == FWB_FACTORY ? "f" : "t");
        if (i) strcat(buf, " ");
        strcat(buf, one);
    }
    return buf;
}

static void table_rows(void **state)
{
    (void)state;
    assert_true(fwb_rule_for(NEW)->selectable);
    assert_true(fwb_rule_for(NEW)->rewrite_if_chosen);
    assert_int_equal(fwb_rule_for(NEW)->if_chosen, PV);
    assert_false(fwb_rule_for(PV)->selectable);
    assert_true(fwb_rule_for(PV)->rewrite_at_boot);
    assert_int_equal(fwb_rule_for(PV)->at_boot, ABORTED);
    assert_true(fwb_rule_for(VALID)->selectable);
    assert_false(fwb_rule_for(VALID)->rewrite_if_chosen);
    assert_false(fwb_rule_for(INVALID)->selectable);
    assert_true(fwb_rule_for(INVALID)->marks_slot_bad);
    assert_false(fwb_rule_for(ABORTED)->selectable);
    assert_true(fwb_rule_for(ABORTED)->marks_slot_bad);
    assert_true(fwb_rule_for(UNDEF)->selectable);
    assert_false(fwb_rule_for(5)->selectable);          /* unknown state (§7.7 rule 3) */
    assert_true(fwb_rule_for(5)->marks_slot_bad);
    assert_false(fwb_rule_for(0x12345678)->selectable);
}

static void no_otadata_boots_factory(void **state)
{
    (void)state;
    struct fwb_entry in[2] = {E(1, VALID), E(2, NEW)};
    struct fwb_layout lay = {2, 1, 0, 0};
    struct fwb_plan p;
    assert_int_equal(fwb_plan_make(in, &lay, &p), 0);
    assert_string_equal(order(&p), "f o0 o1");   /* otadata ignored when absent */
    assert_int_equal(p.active, -1);
    assert_int_equal(fwb_plan_make(in, &(struct fwb_layout){17, 1, 0, 1}, &p), -1);
}

static void initial_contents(void **state)
{
    (void)state;
    struct fwb_plan p = plan(EMPTY, EMPTY, 2, 1, 0);
    assert_true(p.initial);
    assert_string_equal(order(&p), "f o0 o1");
    struct fwb_commit c;
    fwb_commit_for(&p, 0, &c);
    assert_false(c.write);                       /* factory: nothing written */
    fwb_commit_for(&p, 2, &c);                   /* ota_1 found bootable */
    assert_true(c.write && c.fresh);
    assert_int_equal(c.entry, 0);
    assert_int_equal(c.seq, 2);
    assert_int_equal(c.state, VALID);
    /* bad CRCs (flash-encrypted erased sectors) are the same as empty */
    struct fwb_entry garbage = {0, 0x1234, 0x5678};
    p = plan(garbage, garbage, 2, 0, 0);
    assert_true(p.initial);
    assert_string_equal(order(&p), "o0 o1");
}

static void highest_seq_wins_then_fallback(void **state)
{
    (void)state;
    struct fwb_plan p = plan(E(1, VALID), E(2, NEW), 2, 1, 0);
    assert_int_equal(p.active, 1);
    assert_string_equal(order(&p), "o1 o0 f");
    assert_int_equal(p.cand[0].entry, 1);
    assert_int_equal(p.cand[1].entry, 0);
    struct fwb_commit c;
    fwb_commit_for(&p, 0, &c);                  /* NEW booted -> PENDING_VERIFY in place */
    assert_true(c.write);
    assert_false(c.fresh);
    assert_int_equal(c.entry, 1);
    assert_int_equal(c.seq, 2);
    assert_int_equal(c.state, PV);
    fwb_commit_for(&p, 1, &c);                  /* fell back to VALID ota_0: no write */
    assert_false(c.write);
    /* growing sequence numbers keep alternating slots */
    p = plan(E(3, NEW), E(2, VALID), 2, 0, 0);
    assert_string_equal(order(&p), "o0 o1");
    p = plan(E(3, VALID), E(4, NEW), 2, 0, 0);
    assert_string_equal(order(&p), "o1 o0");
    /* tie: entry 0 */
    p = plan(E(2, VALID), E(2, VALID), 3, 0, 0);
    assert_int_equal(p.active, 0);
    /* wrap-around of the slot index */
    p = plan(E(7, VALID), EMPTY, 3, 0, 0);
    assert_int_equal(p.cand[0].slot, 0);
    p = plan(E(0xFFFFFFFEu, VALID), EMPTY, 2, 0, 0);
    assert_int_equal(p.cand[0].slot, 1);
}

static void pending_verify_becomes_aborted(void **state)
{
    (void)state;
    struct fwb_plan p = plan(E(1, VALID), E(2, PV), 2, 1, 0);
    assert_true(p.pre_write[1]);
    assert_false(p.pre_write[0]);
    assert_int_equal(p.pre_state[1], ABORTED);
    assert_int_equal(p.eff[1].state, ABORTED);
    assert_int_equal(p.active, 0);
    assert_string_equal(order(&p), "o0 f");      /* ota_1 never tried again */
    /* a PENDING_VERIFY entry with a bad CRC is not rewritten */
    struct fwb_entry bad = {0, 2, PV};
    p = plan(E(1, VALID), bad, 2, 0, 0);
    assert_false(p.pre_write[1]);
    assert_string_equal(order(&p), "o0 o1");
}

static void invalid_and_aborted_never_fallback(void **state)
{
    (void)state;
    struct fwb_plan p = plan(E(3, INVALID), E(2, VALID), 2, 0, 0);
    assert_string_equal(order(&p), "o1");
    p = plan(E(3, ABORTED), E(2, VALID), 2, 1, 1);
    assert_string_equal(order(&p), "o1 f t");
    /* both rejected, no factory: nothing to boot */
    p = plan(E(3, ABORTED), E(2, INVALID), 2, 0, 0);
    assert_int_equal(p.n_cand, 0);
    assert_int_equal(p.active, -1);
    /* one rejected, the other empty: the unmarked slot is still tried */
    p = plan(E(1, ABORTED), EMPTY, 2, 0, 0);
    assert_false(p.initial);
    assert_string_equal(order(&p), "o1");
    /* unknown state: not selectable, slot marked */
    p = plan(E(1, VALID), E(2, 9), 2, 0, 0);
    assert_string_equal(order(&p), "o0");
}

static void seq_zero_and_undefined(void **state)
{
    (void)state;
    /* seq 0 is invalid (§7.7 rule 2) even with a matching CRC */
    struct fwb_plan p = plan(E(0, VALID), E(1, VALID), 2, 0, 0);
    assert_int_equal(p.active, 1);
    assert_string_equal(order(&p), "o0 o1");
    assert_int_equal(p.cand[0].entry, 1);
    /* UNDEFINED (rollback not tracked) is selectable and never rewritten */
    p = plan(E(2, UNDEF), EMPTY, 2, 0, 0);
    assert_string_equal(order(&p), "o1 o0");
    struct fwb_commit c;
    fwb_commit_for(&p, 0, &c);
    assert_false(c.write);
    /* no OTA slots: entries cannot select anything */
    p = plan(E(1, VALID), EMPTY, 0, 1, 0);
    assert_string_equal(order(&p), "f");
}

static void same_slot_listed_once(void **state)
{
    (void)state;
    struct fwb_plan p = plan(E(1, VALID), E(3, NEW), 2, 0, 0);
    assert_string_equal(order(&p), "o0 o1");
    assert_int_equal(p.cand[0].entry, 1);
}

/* Exhaustive sweep: for every pair of entry states and seqs, the plan never
 * lists a slot whose only entries are INVALID/ABORTED/PENDING, lists each
 * partition once, and puts the active entry's slot first. */
static void exhaustive_invariants(void **state)
{
    (void)state;
    static const uint32_t st[] = {NEW, PV, VALID, INVALID, ABORTED, UNDEF, 7};
    static const uint32_t sq[] = {0, 1, 2, 3, 4, 0xFFFFFFFFu};
    for (size_t a = 0; a < 7; a++)
        for (size_t b = 0; b < 7; b++)
            for (size_t x = 0; x < 6; x++)
                for (size_t y = 0; y < 6; y++)
                    for (int crc = 0; crc < 4; crc++) {
                        struct fwb_entry in[2] = {{crc & 1, sq[x], st[a]}, {(crc >> 1) & 1, sq[y], st[b]}};
                        struct fwb_layout lay = {2, (int)(x & 1), 0, 1};
                        struct fwb_plan p;
                        assert_int_equal(fwb_plan_make(in, &lay, &p), 0);
                        for (int i = 0; i < p.n_cand; i++)
                            for (int j = i + 1; j < p.n_cand; j++)
                                assert_false(fwb_cand_same(&p.cand[i], &p.cand[j]));
                        for (int i = 0; i < p.n_cand; i++) {
                            if (p.cand[i].kind != FWB_OTA) continue;
                            int ok = 0, bad = 0;
                            for (int e = 0; e < 2; e++) {
                                if (fwb_entry_slot(&p.eff[e], 2) != p.cand[i].slot) continue;
                                if (fwb_entry_selectable(&p.eff[e], 2)) ok = 1;
                                else bad = 1;
                            }
                            assert_true(ok || !bad);
                        }
                        if (p.active >= 0) {
                            assert_int_equal(p.cand[0].entry, p.active);
                            assert_int_equal(p.cand[0].slot, fwb_entry_slot(&p.eff[p.active], 2));
                        }
                        for (int e = 0; e < 2; e++)
                            if (fwb_entry_slot(&p.eff[e], 2) >= 0) assert_int_not_equal(p.eff[e].state, PV);
                    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_rows),
        cmocka_unit_test(no_otadata_boots_factory),
        cmocka_unit_test(initial_contents),
        cmocka_unit_test(highest_seq_wins_then_fallback),
        cmocka_unit_test(pending_verify_becomes_aborted),
        cmocka_unit_test(invalid_and_aborted_never_fallback),
        cmocka_unit_test(seq_zero_and_undefined),
        cmocka_unit_test(same_slot_listed_once),
        cmocka_unit_test(exhaustive_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
