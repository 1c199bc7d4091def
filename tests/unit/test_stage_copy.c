/* SPDX-License-Identifier: Apache-2.0 */
/* The copy journal (common/fw_copy_journal) and the journalled copy of a
 * staged image (device/fwd_stage_copy): codec rules, a clean copy through
 * flash encryption, and a power cut (clean and torn) at every flash
 * operation of the copy, then at every operation of the recovery that
 * finishes it: the destination always ends holding the old or the new
 * image, the new one once the journal was complete, and never a mix. */
#include "testutil.h"

#include "device/fwd_stage_copy.h"
#include "fw_copy_journal.h"
#include "otadata_fixture.h"

#define JOURNAL 0xf000u

/* ---- codec ------------------------------------------------------------- */

static struct fw_cj_header sample(void)
{
    struct fw_cj_header h = {.kind = FW_CJ_DATA, .flags = FW_CJ_SRC_ENCRYPTED, .src = 0x20000, .dst = 0x9000,
                             .len = 0x3000, .span = 0x4000};
    for (int i = 0; i < 32; i++) h.digest[i] = (uint8_t)i;
    return h;
}

static void test_codec(void **state)
{
    (void)state;
    uint8_t slot[FW_CJ_SLOT], sector[FW_CJ_SECTOR];
    struct fw_cj_header h = sample(), got;
    uint32_t crc, idx;
    assert_int_equal(fw_cj_header_encode(&h, slot), FW_OK);
    assert_int_equal(fw_cj_header_decode(slot, &got, &crc), FW_OK);
    assert_memory_equal(&h, &got, sizeof h);
    slot[20] ^= 1;
    assert_int_equal(fw_cj_header_decode(slot, &got, &crc), FW_ERR_CRC);
    /* rules: overlap, span below len, unknown kind, unaligned offsets */
    struct fw_cj_header bad = h;
    bad.dst = 0x1F000;
    assert_int_equal(fw_cj_header_encode(&bad, slot), FW_ERR_RANGE);
    bad = h, bad.span = 0x2000;
    assert_int_equal(fw_cj_header_encode(&bad, slot), FW_ERR_RANGE);
    bad = h, bad.kind = 9;
    assert_int_equal(fw_cj_header_encode(&bad, slot), FW_ERR_RANGE);
    bad = h, bad.src = 0x20010;
    assert_int_equal(fw_cj_header_encode(&bad, slot), FW_ERR_RANGE);
    /* a sector: header, progress 0, a torn slot, progress 1, 2 (out of order: stops) */
    memset(sector, 0xFF, sizeof sector);
    assert_int_equal(fw_cj_header_encode(&h, sector), FW_OK);
    fw_cj_header_decode(sector, &got, &crc);
    fw_cj_progress_encode(crc, 0, sector + 1 * FW_CJ_SLOT);
    sector[2 * FW_CJ_SLOT] = 0x12; /* torn */
    fw_cj_progress_encode(crc, 1, sector + 3 * FW_CJ_SLOT);
    fw_cj_progress_encode(crc, 3, sector + 4 * FW_CJ_SLOT);
    struct fw_cj_state st;
    fw_cj_parse(sector, &st);
    assert_true(st.pending);
    assert_int_equal(st.done, 2);
    assert_int_equal(st.bad_slots, 1);
    assert_int_equal(st.next_slot, 5);
    /* a progress record of another header does not count */
    assert_int_equal(fw_cj_progress_decode(sector + FW_CJ_SLOT, crc ^ 1, &idx), FW_ERR_CRC);
    /* erased / garbage header: nothing pending */
    memset(sector, 0xFF, sizeof sector);
    fw_cj_parse(sector, &st);
    assert_false(st.pending);
    sector[3] = 0;
    fw_cj_parse(sector, &st);
    assert_false(st.pending);
}

/* ---- copy -------------------------------------------------------------- */

struct cp {
    struct fx x;
    struct fw_cj_header h;
    uint8_t *old_img, *new_img;
    uint8_t *snap;
    struct fwd_verify_work w;
};

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16);
}

/* dst: ota_0 (0x10000, encrypted with FE) gets `old`; the staging copy of
 * `new` is at ota_1 (0x20000). */
static void cp_setup(struct cp *c, size_t fe, uint32_t dst, uint32_t len, uint32_t span, int dst_enc)
{
    memset(c, 0, sizeof *c);
    fx_open(&c->x, fe);
    c->old_img = malloc(span);
    c->new_img = malloc(len + 16);
    fill(c->old_img, span, 7);
    fill(c->new_img, len, 99);
    memset(c->new_img + len, 0xFF, 16);   /* the staging writer pads to the FE block */
    struct fwd_dev *d = &c->x.dev;
    assert_int_equal(fwd_flash_erase(&d->plat->flash, dst, span), FW_OK);
    assert_int_equal(fwd_dev_write_abs(d, dst, c->old_img, span, dst_enc), FW_OK);
    assert_int_equal(fwd_flash_erase(&d->plat->flash, 0x20000, 0x10000), FW_OK);
    assert_int_equal(fwd_dev_write_abs(d, 0x20000, c->new_img, (len + 15) & ~15u, 1), FW_OK);
    assert_int_equal(fwd_flash_erase(&d->plat->flash, JOURNAL, FW_CJ_SECTOR), FW_OK);
    c->h = (struct fw_cj_header){.kind = FW_CJ_DATA,
                                 .flags = (uint8_t)(FW_CJ_SRC_ENCRYPTED | (dst_enc ? FW_CJ_DST_ENCRYPTED : 0)),
                                 .src = 0x20000, .dst = dst, .len = len, .span = span};
    assert_int_equal(fwd_stage_digest(d, 0x20000, len, 1, &c->w, c->h.digest), FW_OK);
    c->snap = malloc(FX_FLASH);
    memcpy(c->snap, c->x.sim.flash.mem, FX_FLASH);
}

static void cp_close(struct cp *c)
{
    free(c->old_img);
    free(c->new_img);
    free(c->snap);
    fx_close(&c->x);
}

/* 1 new, 0 old, -1 neither (the destination read through decryption). */
static int dst_is(struct cp *c)
{
    uint8_t *b = malloc(c->h.span);
    assert_int_equal(fwd_dev_read_abs(&c->x.dev, c->h.dst, b, c->h.span, c->h.flags & FW_CJ_DST_ENCRYPTED), FW_OK);
    int r = -1;
    if (!memcmp(b, c->old_img, c->h.span)) r = 0;
    else if (!memcmp(b, c->new_img, c->h.len)) {
        r = 1;
        for (uint32_t i = c->h.len; i < c->h.span && r == 1; i++)   /* the rest of the span: erased (raw) */
            if (!(c->h.flags & FW_CJ_DST_ENCRYPTED) && b[i] != 0xFF) r = -1;
    }
    free(b);
    return r;
}

static int pending(struct cp *c)
{
    struct fw_cj_state st;
    assert_int_equal(fwd_stage_journal_read(&c->x.dev, JOURNAL, &c->w, &st), FW_OK);
    return st.pending;
}

static uint64_t ops(struct cp *c) { return c->x.sim.flash.ops; }

static void cut(struct cp *c, uint64_t n, int mode, uint64_t seed)
{
    fwd_sim_flash_set_tear(&c->x.sim.flash, FWD_SIM_KEEP_PICK, seed);
    fwd_sim_flash_set_cut(&c->x.sim.flash, n, mode);
}

static void revive(struct cp *c) { fwd_sim_flash_revive(&c->x.sim.flash); }

static void restore(struct cp *c, const uint8_t *img)
{
    memcpy(c->x.sim.flash.mem, img, FX_FLASH);
    revive(c);
}

/* After a cut and a clean recovery: old or new, new once the copy began,
 * journal gone. */
static void settle(struct cp *c, const char *what, uint64_t n1, uint64_t n2)
{
    struct fwd_copy_report rep;
    int rc = fwd_stage_copy_resume(&c->x.dev, JOURNAL, &c->w, &rep);
    if (rc != FW_OK) fail_msg("%s: cut %llu/%llu: recovery returned %d", what, (unsigned long long)n1, (unsigned long long)n2, rc);
    int r = dst_is(c);
    if (r < 0) fail_msg("%s: cut %llu/%llu: destination is neither old nor new", what, (unsigned long long)n1, (unsigned long long)n2);
    if (pending(c)) fail_msg("%s: cut %llu/%llu: journal still pending", what, (unsigned long long)n1, (unsigned long long)n2);
    /* ops 1, 2 write the journal: from op 3 on the destination was erased */
    if (n1 > 2 && r != 1) fail_msg("%s: cut %llu: destination touched but old after recovery", what, (unsigned long long)n1);
}

static void sweep(struct cp *c, const char *what)
{
    struct fwd_copy_report rep;
    /* clean run: count the ops */
    uint64_t before = ops(c);
    assert_int_equal(fwd_stage_copy_start(&c->x.dev, JOURNAL, &c->h, &c->w, &rep), FW_OK);
    uint64_t total = ops(c) - before;
    assert_int_equal(dst_is(c), 1);
    assert_false(pending(c));
    assert_true(rep.completed);
    assert_true(total >= 3 + c->h.span / FW_CJ_SECTOR);
    uint8_t *mid = malloc(FX_FLASH);
    for (int mode = FWD_SIM_CUT_CLEAN; mode <= FWD_SIM_CUT_TORN; mode++) {
        for (uint64_t n1 = 1; n1 <= total; n1++) {
            restore(c, c->snap);
            cut(c, n1, mode, n1 * 31 + 5);
            assert_int_equal(fwd_stage_copy_start(&c->x.dev, JOURNAL, &c->h, &c->w, &rep), FW_ERR_POWER_LOSS);
            revive(c);
            memcpy(mid, c->x.sim.flash.mem, FX_FLASH);
            /* how many ops does the recovery take from here? */
            uint64_t b2 = ops(c);
            settle(c, what, n1, 0);
            uint64_t m = ops(c) - b2;
            /* double: a second cut at every op of that recovery */
            for (uint64_t n2 = 1; n2 <= m; n2++) {
                restore(c, mid);
                cut(c, n2, mode, n1 * 131 + n2);
                assert_int_equal(fwd_stage_copy_resume(&c->x.dev, JOURNAL, &c->w, &rep), FW_ERR_POWER_LOSS);
                revive(c);
                settle(c, what, n1, n2);
            }
        }
    }
    free(mid);
}

static void test_copy_fe_data(void **state)
{
    (void)state;
    static struct cp c;
    cp_setup(&c, 32, 0x10000, 0x4321, 0x6000, 1);    /* encrypted destination, odd length, span > len */
    sweep(&c, "fe, encrypted dst");
    cp_close(&c);
}

static void test_copy_plain_dst(void **state)
{
    (void)state;
    static struct cp c;
    cp_setup(&c, 64, 0x9000, 0x3000, 0x4000, 0);     /* NVS-like: raw destination, whole partition */
    sweep(&c, "fe, raw dst");
    cp_close(&c);
}

static void test_copy_refusals(void **state)
{
    (void)state;
    static struct cp c;
    struct fwd_copy_report rep;
    cp_setup(&c, 0, 0x10000, 0x2000, 0x2000, 0);
    struct fw_cj_header h = c.h;
    h.digest[0] ^= 1;   /* the staging copy does not hash to it: nothing written */
    assert_int_equal(fwd_stage_copy_start(&c.x.dev, JOURNAL, &h, &c.w, &rep), FW_ERR_DIGEST);
    assert_int_equal(dst_is(&c), 0);
    assert_false(pending(&c));
    /* a pending copy must be finished before another starts */
    cut(&c, 5, FWD_SIM_CUT_CLEAN, 1);
    assert_int_equal(fwd_stage_copy_start(&c.x.dev, JOURNAL, &c.h, &c.w, &rep), FW_ERR_POWER_LOSS);
    revive(&c);
    assert_true(pending(&c));
    assert_int_equal(fwd_stage_copy_start(&c.x.dev, JOURNAL, &c.h, &c.w, &rep), FW_ERR_STATE);
    /* the staging copy damaged while pending: the recovery refuses, keeps the journal */
    uint8_t z[16] = {0};
    assert_int_equal(fwd_flash_write(&c.x.dev.plat->flash, 0x20000 + 0x1000, z, sizeof z), FW_ERR_NOT_ERASED);
    assert_int_equal(fwd_flash_erase(&c.x.dev.plat->flash, 0x21000, 0x1000), FW_OK);
    assert_int_equal(fwd_stage_copy_resume(&c.x.dev, JOURNAL, &c.w, &rep), FW_ERR_DIGEST);
    assert_true(pending(&c));
    cp_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec),
        cmocka_unit_test(test_copy_fe_data),
        cmocka_unit_test(test_copy_plain_dst),
        cmocka_unit_test(test_copy_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
