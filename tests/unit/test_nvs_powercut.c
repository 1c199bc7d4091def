/* SPDX-License-Identifier: Apache-2.0 */
/* Power cut at every flash write/erase of a seeded random workload (set /
 * erase / erase-namespace / commit over integers, strings and multi-page
 * blobs), in both cut modes (op not done; torn: the NOR fault model of
 * device/port/sim/fwd_sim_tear.h, a seeded prefix plus a half-programmed word or
 * a weakly erased sector; FWSEAL_SIM_CUT_SEED=S replays a failure). After each cut the store is mounted again and every
 * key must read back its value from before the interrupted operation or the
 * one it was setting, never garbage, never missing, and must stay writable.
 * Defaults keep `make test` quick; FWSEAL_NVS_LONG=1 runs the long sweep. */
#include "nvs_testlib.h"

#include "device/fwd_nvs.h"

#define SIZE   (6 * 4096)
#define NK     24
#define VMAX   5000

struct val {
    int present;
    size_t len;
    uint8_t b[VMAX];
};

struct model {
    struct val v[NK];
};

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int ktype(int k) { return (k / 3) % 3; } /* 0 u32, 1 string, 2 blob */
static const char *nsname(int k) { static const char *n[3] = { "ns0", "ns1", "ns2" }; return n[k % 3]; }
static void kname(int k, char out[16]) { snprintf(out, 16, "key%02d", k); }

enum opk { OP_SET, OP_ERASE, OP_ERASE_NS, OP_COMMIT };
struct op {
    enum opk kind;
    int key;           /* or namespace for OP_ERASE_NS */
    struct val nv;
};

static void gen_op(struct op *o)
{
    unsigned r = (unsigned)(rnd() % 100);
    o->key = (int)(rnd() % NK);
    if (r < 75) {
        o->kind = OP_SET;
        int t = ktype(o->key);
        o->nv.present = 1;
        if (t == 0) o->nv.len = 4;
        else if (t == 1) o->nv.len = rnd() % 300 + 1;
        else o->nv.len = o->key == NK - 1 ? rnd() % VMAX : rnd() % 1200;
        for (size_t i = 0; i < o->nv.len; i++) o->nv.b[i] = (uint8_t)rnd();
        if (t == 1) {
            for (size_t i = 0; i + 1 < o->nv.len; i++) o->nv.b[i] = (uint8_t)('a' + o->nv.b[i] % 26);
            o->nv.b[o->nv.len - 1] = 0;
        }
    } else if (r < 90) {
        o->kind = OP_ERASE;
    } else if (r < 93) {
        o->kind = OP_ERASE_NS;
        o->key %= 3;
    } else {
        o->kind = OP_COMMIT;
    }
}

static int affected(const struct op *o, int k)
{
    if (o->kind == OP_SET || o->kind == OP_ERASE) return k == o->key;
    if (o->kind == OP_ERASE_NS) return k % 3 == o->key;
    return 0;
}

static void apply_model(struct model *m, const struct op *o)
{
    for (int k = 0; k < NK; k++) {
        if (!affected(o, k)) continue;
        if (o->kind == OP_SET) m->v[k] = o->nv;
        else m->v[k].present = 0;
    }
}

/* Run one operation; returns fw_err (NOT_FOUND on erasing a missing key is fine). */
static int run_op(struct fw_nvs_store *s, const struct op *o)
{
    struct fw_nvs_handle h;
    char key[16];
    int ns = o->kind == OP_ERASE_NS ? o->key : o->key % 3;
    int rc = fw_nvs_open(s, nsname(ns), 1, &h);
    if (rc) return rc;
    kname(o->key, key);
    switch (o->kind) {
    case OP_SET:
        switch (ktype(o->key)) {
        case 0: {
            uint32_t v = (uint32_t)o->nv.b[0] | (uint32_t)o->nv.b[1] << 8 | (uint32_t)o->nv.b[2] << 16 | (uint32_t)o->nv.b[3] << 24;
            return fw_nvs_set_u32(&h, key, v);
        }
        case 1: return fw_nvs_set_str(&h, key, (const char *)o->nv.b);
        default: return fw_nvs_set_blob(&h, key, o->nv.b, o->nv.len);
        }
    case OP_ERASE:
        rc = fw_nvs_erase_key(&h, key);
        return rc == FW_ERR_NOT_FOUND ? 0 : rc;
    case OP_ERASE_NS: return fw_nvs_erase_all(&h);
    default: return fw_nvs_commit(&h);
    }
}

static int read_key(struct fw_nvs_store *s, int k, struct val *out)
{
    static uint8_t buf[VMAX + 8];
    struct fw_nvs_handle h;
    char key[16];
    kname(k, key);
    out->present = 0;
    int rc = fw_nvs_open(s, nsname(k), 0, &h);
    if (rc == FW_ERR_NOT_FOUND) return 0;
    if (rc) return rc;
    size_t n = sizeof buf;
    switch (ktype(k)) {
    case 0: {
        uint32_t v = 0;
        rc = fw_nvs_get_u32(&h, key, &v);
        buf[0] = (uint8_t)v; buf[1] = (uint8_t)(v >> 8); buf[2] = (uint8_t)(v >> 16); buf[3] = (uint8_t)(v >> 24);
        n = 4;
        break;
    }
    case 1: rc = fw_nvs_get_str(&h, key, (char *)buf, &n); break;
    default: rc = fw_nvs_get_blob(&h, key, buf, &n); break;
    }
    if (rc == FW_ERR_NOT_FOUND) {
        struct fw_nvs_info in;
        return fw_nvs_find(&h, key, &in) == FW_ERR_NOT_FOUND ? 0 : FW_ERR_FORMAT; /* vanished payload = garbage */
    }
    if (rc) return rc;
    out->present = 1;
    out->len = n;
    memcpy(out->b, buf, n);
    return 0;
}

static int val_eq(const struct val *a, const struct val *b)
{
    if (a->present != b->present) return 0;
    return !a->present || (a->len == b->len && !memcmp(a->b, b->b, a->len));
}

struct ctx {
    const uint8_t *keys;        /* NULL = plain */
    uint8_t base[SIZE], work[SIZE], cut_img[SIZE];
    struct model before, after;
    struct fwd_nvs nv;
    unsigned long cuts, max_ops_in_op, gc_erases, double_cuts;
};

static void mount_on(struct ctx *c, uint8_t *m, struct ramflash *rf, unsigned long cut_rel, int mode)
{
    struct fw_nvs_io io;
    rf_init(rf, m, SIZE, &io);
    int rc = fwd_nvs_init_keys(&c->nv, &io, c->keys, 0);
    if (rc) fail_msg("mount failed: %d (%s) cut_rel %lu (FWSEAL_SIM_CUT_SEED=%llu)", rc,
                     c->nv.store.fail.why ? c->nv.store.fail.why : "", cut_rel, (unsigned long long)rf_run_seed());
    rf->cut_at = cut_rel ? rf->ops + cut_rel : 0;
    rf->cut_mode = mode;
}

/* What the cuts of the current check did (printed with a failure). */
static char cut_note[160];

static void verify(struct ctx *c, const struct op *o, unsigned long opno, unsigned long cut, int mode)
{
    for (int k = 0; k < NK; k++) {
        struct val got;
        int rc = read_key(&c->nv.store, k, &got);
        if (rc) fail_msg("op %lu cut %lu mode %d: key %d read error %d (FWSEAL_SIM_CUT_SEED=%llu)", opno, cut, mode, k,
                         rc, (unsigned long long)rf_run_seed());
        int ok = val_eq(&got, &c->before.v[k]) || (affected(o, k) && val_eq(&got, &c->after.v[k]));
        if (!ok) fail_msg("op %lu cut %lu mode %d: key %d has a wrong value (present %d len %zu; %s; FWSEAL_SIM_CUT_SEED=%llu)",
                          opno, cut, mode, k, got.present, got.len, cut_note, (unsigned long long)rf_run_seed());
    }
}

/* A second cut during the recovery mount (at each of its flash ops, both
 * modes), then a clean mount: the same old-or-new guarantee holds. */
static void double_cut(struct ctx *c, const struct op *o, unsigned long n, unsigned long j, unsigned long mops)
{
    struct ramflash rf;
    for (unsigned long j2 = 1; j2 <= mops; j2++)
        for (int mode = 0; mode < 2; mode++) {
            struct fw_nvs_io io;
            memcpy(c->work, c->cut_img, SIZE);
            rf_init(&rf, c->work, SIZE, &io);
            rf.cut_at = j2;
            rf.cut_mode = mode;
            int rc = fwd_nvs_init_keys(&c->nv, &io, c->keys, 0);
            if (rc != FW_ERR_POWER_LOSS) fail_msg("op %lu cut %lu: recovery cut %lu gave %d", n, j, j2, rc);
            char *tail = strstr(cut_note, "; recovery");
            if (tail) *tail = 0;
            size_t used = strlen(cut_note);
            snprintf(cut_note + used, sizeof cut_note - used, "; recovery cut %lu %s keep %u", j2,
                     mode ? "torn" : "clean", (unsigned)rf.torn_keep);
            fwd_nvs_deinit(&c->nv);
            mount_on(c, c->work, &rf, 0, 0);
            verify(c, o, n, j, 10 + mode);
            assert_int_equal(rf.strict_violations, 0);
            fwd_nvs_deinit(&c->nv);
            c->double_cuts++;
        }
    memcpy(c->work, c->cut_img, SIZE);
}

static int long_run(void)
{
    const char *e = getenv("FWSEAL_NVS_LONG");
    return e && *e && strcmp(e, "0");
}

/* every_cut: 0 = one cut point in 7, 1 = all, 2 = all + recovery cuts everywhere */
static void sweep(const uint8_t *keys, uint64_t seed, unsigned nops, int every_cut)
{
    static struct ctx c;
    static struct op o;
    memset(&c, 0, sizeof c);
    c.keys = keys;
    memset(c.base, 0xFF, SIZE);
    rng_state = seed;
    struct ramflash rf;
    for (unsigned long n = 0; n < nops; n++) {
        gen_op(&o);
        if (getenv("NVS_TRACE")) fprintf(stderr, "op %lu kind %d key %d len %zu\n", n, o.kind, o.key, o.nv.len);
        c.after = c.before;
        apply_model(&c.after, &o);
        /* clean run: count flash ops, get the next base image */
        memcpy(c.work, c.base, SIZE);
        mount_on(&c, c.work, &rf, 0, 0);
        assert_int_equal(rf.ops, 0); /* a clean image needs no repair */
        unsigned long start = rf.ops;
        int rc = run_op(&c.nv.store, &o);
        if (rc) fail_msg("op %lu failed without a cut: %d (%s)", n, rc, c.nv.store.fail.why ? c.nv.store.fail.why : "");
        unsigned long nflash = rf.ops - start;
        c.gc_erases += rf.erases;
        if (nflash > c.max_ops_in_op) c.max_ops_in_op = nflash;
        assert_int_equal(rf.strict_violations, 0);
        fwd_nvs_deinit(&c.nv);
        for (unsigned long j = 1; j <= nflash; j++) {
            if (!every_cut && j % 7 != n % 7) continue;
            for (int mode = 0; mode < 2; mode++) {
                memcpy(c.work, c.base, SIZE);
                mount_on(&c, c.work, &rf, j, mode);
                rc = run_op(&c.nv.store, &o);
                if (rc != FW_ERR_POWER_LOSS) fail_msg("op %lu cut %lu: expected power loss, got %d", n, j, rc);
                snprintf(cut_note, sizeof cut_note, "first cut %s keep %u", mode ? "torn" : "clean", (unsigned)rf.torn_keep);
                fwd_nvs_deinit(&c.nv);
                memcpy(c.cut_img, c.work, SIZE);
                mount_on(&c, c.work, &rf, 0, 0);      /* reboot */
                unsigned long recovery_ops = rf.ops;
                verify(&c, &o, n, j, mode);
                if (recovery_ops && (every_cut > 1 || n % 4 == 0)) { /* default: every 4th operation */
                    fwd_nvs_deinit(&c.nv);
                    double_cut(&c, &o, n, j, recovery_ops);
                    mount_on(&c, c.work, &rf, 0, 0);
                }
                /* still usable: the interrupted operation can be redone */
                rc = run_op(&c.nv.store, &o);
                if (rc) fail_msg("op %lu cut %lu mode %d: store unusable after reboot: %d (FWSEAL_SIM_CUT_SEED=%llu)", n, j,
                                 mode, rc, (unsigned long long)rf_run_seed());
                assert_int_equal(rf.strict_violations, 0);
                fwd_nvs_deinit(&c.nv);
                c.cuts++;
            }
        }
        memcpy(c.work, c.base, SIZE);
        mount_on(&c, c.work, &rf, 0, 0);
        assert_int_equal(run_op(&c.nv.store, &o), 0);
        fwd_nvs_deinit(&c.nv);
        memcpy(c.base, c.work, SIZE);
        c.before = c.after;
    }
    /* final state equals the model */
    mount_on(&c, c.base, &rf, 0, 0);
    verify(&c, &o, nops, 0, 0);
    fwd_nvs_deinit(&c.nv);
    printf("# nvs powercut: seed %llu, %u ops, %lu cuts + %lu cuts during recovery survived "
           "(max %lu flash ops in one operation, %lu sector erases; cut seed %llu)\n",
           (unsigned long long)seed, nops, c.cuts, c.double_cuts, c.max_ops_in_op, c.gc_erases,
           (unsigned long long)rf_run_seed());
    assert_true(c.gc_erases > 10); /* the workload must exercise garbage collection */
}


static void plain_every_cut_2000_ops(void **state)
{
    (void)state;
    sweep(NULL, 0x5eed0001, 2000, long_run() ? 2 : 1);
}

static void encrypted_cuts(void **state)
{
    (void)state;
    uint8_t k[64];
    for (int i = 0; i < 64; i++) k[i] = (uint8_t)(0xA5 ^ (i * 29));
    if (long_run()) sweep(k, 0x5eed0002, 2000, 2);
    else sweep(k, 0x5eed0002, 2000, 0); /* every op of the workload, 1 cut point in 7 */
}

static void more_seeds_long(void **state)
{
    (void)state;
    if (!long_run()) { printf("# set FWSEAL_NVS_LONG=1 for more seeds\n"); return; }
    for (uint64_t s = 10; s < 16; s++) sweep(NULL, s * 0x9E3779B97F4A7C15ull, 3000, 2);
}

/* A cut that leaves a new item written with a torn payload, then a torn
 * recovery: the bitmap word that was marking the half-written tail ERASED
 * (11 -> 00) is half-programmed to WRITTEN (10) for the item's header and
 * data entries. The next mount sees two WRITTEN copies of the key, the newer
 * one with a bad payload CRC: the committed older value must win (found by
 * the NOR fault model, FWSEAL_SIM_CUT_SEED=77). */
static void torn_tail_marked_written_keeps_the_old_value(void **state)
{
    (void)state;
    static uint8_t mem[SIZE];
    memset(mem, 0xFF, sizeof mem);
    struct ramflash rf;
    struct fw_nvs_io io;
    struct fwd_nvs nv;
    struct fw_nvs_handle h;
    rf_init(&rf, mem, SIZE, &io);
    assert_int_equal(fwd_nvs_init_keys(&nv, &io, NULL, 0), 0);
    assert_int_equal(fw_nvs_open(&nv.store, "ns1", 1, &h), 0);
    assert_int_equal(fw_nvs_set_str(&h, "key", "the committed old value"), 0);
    assert_int_equal(fw_nvs_commit(&h), 0);
    fwd_nvs_deinit(&nv);
    static uint8_t before[SIZE];
    memcpy(before, mem, SIZE);
    /* the update: header entry written, cut before its data entry (clean) */
    rf_init(&rf, mem, SIZE, &io);
    assert_int_equal(fwd_nvs_init_keys(&nv, &io, NULL, 0), 0);
    rf.cut_at = rf.ops + 2;
    assert_int_equal(fw_nvs_open(&nv.store, "ns1", 1, &h), 0);
    assert_int_equal(fw_nvs_set_str(&h, "key", "a new value that never fully landed"), FW_ERR_POWER_LOSS);
    fwd_nvs_deinit(&nv);
    /* the half-written tail: entries that changed but are still EMPTY in the bitmap */
    unsigned hp = 0, hi = 0, found = 0;
    for (unsigned p = 0; p < SIZE / 4096 && !found; p++)
        for (unsigned i = 0; i < 126 && !found; i++) {
            size_t o = p * 4096u + 64u + 32u * i;
            if (memcmp(mem + o, before + o, 32) && fw_nvs_bm_get(mem + p * 4096u + FW_NVS_BITMAP_OFF, i) == FW_NVS_ES_EMPTY)
                hp = p, hi = i, found = 1;
        }
    assert_true(found);
    /* the torn recovery write: the item's entries read WRITTEN (bit 0 of each pair cleared) */
    unsigned span = mem[hp * 4096u + 64u + 32u * hi + 2];
    assert_true(span >= 2);
    for (unsigned i = hi; i < hi + span; i++) mem[hp * 4096u + FW_NVS_BITMAP_OFF + i / 4] &= (uint8_t)~(1u << (2 * (i % 4)));
    rf_init(&rf, mem, SIZE, &io);
    assert_int_equal(fwd_nvs_init_keys(&nv, &io, NULL, 0), 0);
    assert_int_equal(fw_nvs_open(&nv.store, "ns1", 0, &h), 0);
    char got[64];
    size_t n = sizeof got;
    assert_int_equal(fw_nvs_get_str(&h, "key", got, &n), 0);
    assert_string_equal(got, "the committed old value");
    fwd_nvs_deinit(&nv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(torn_tail_marked_written_keeps_the_old_value),
        cmocka_unit_test(plain_every_cut_2000_ops),
        cmocka_unit_test(encrypted_cuts),
        cmocka_unit_test(more_seeds_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
