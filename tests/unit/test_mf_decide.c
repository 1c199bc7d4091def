/* SPDX-License-Identifier: Apache-2.0 */
/* The manifest decision table (docs/formats.md §8.7): for every rule one
 * device that passes it and one that is refused by it, the order of the
 * rules, and the two distinct "nothing to do" outcomes. */
#include "testutil.h"

#include "fw_err.h"
#include "fw_manifest.h"
#include "fw_mf_decide.h"

static void manifest(struct fw_manifest *m)
{
    memset(m, 0, sizeof *m);
    m->format_version = 1;
    m->enc_scheme = FW_MF_ENC_RSA3072;
    m->chip_id = 5;
    m->min_chip_rev = 3;
    m->rollout_bp = FW_MF_ROLLOUT_ALL;
    m->secure_version = 2;
    m->seq = 10;
    m->issued = 1800000000;
    m->expires = 1830000000;
    m->image_size = 5000;
    m->chunk_size = 4096;
    m->chunk_count = 2;
    m->manifest_len = 512 + 64;
    for (int i = 0; i < 16; i++) m->rollout_seed[i] = (uint8_t)i;
    strcpy(m->project, "hello_world");
    strcpy(m->version, "2.0");
    strcpy(m->body_path, "body.bin");
    strcpy(m->header_path, "h/{id}.hdr");
    strcpy(m->groups[0], "canary");
    m->group_count = 1;
    uint8_t out[512];
    assert_int_equal(fw_mf_encode_fixed(m, out), FW_OK);   /* a valid manifest */
}

static struct fw_mf_device device(void)
{
    return (struct fw_mf_device){
        .id = "dev-0001",
        .group = NULL,
        .project = "hello_world",
        .version = "1.0",
        .chip_id = 5,
        .chip_rev = 3,
        .efuse_secure_version = 2,
        .last_seq = 9,
        .clock_utc = 1810000000,
        .newest_issued = 1790000000,
    };
}

static enum fw_mf_verdict decide(const struct fw_manifest *m, const struct fw_mf_device *d, const char *rule)
{
    struct fw_mf_decision dec;
    enum fw_mf_verdict v = fw_mf_decide(m, d, &dec);
    assert_int_equal(v, dec.verdict);
    if (rule) assert_string_equal(dec.rule, rule);
    return v;
}

static void accept_baseline(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    struct fw_mf_decision dec;
    assert_int_equal(fw_mf_decide(&m, &d, &dec), FW_MF_ACCEPT);
    assert_string_equal(dec.rule, "accept");
    assert_int_equal(dec.best_time, 1810000000);
    assert_int_equal(dec.bucket, 6213);
    assert_int_equal(fw_mf_verdict_kind(FW_MF_ACCEPT), FW_MF_KIND_ACCEPT);
    assert_int_equal(fw_mf_decide(&m, &d, NULL), FW_MF_ACCEPT);
}

static void rule_device_facts(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.id = "../etc";
    assert_int_equal(decide(&m, &d, "device-facts"), FW_MF_REJECT_FACTS);
    d.id = NULL;
    assert_int_equal(decide(&m, &d, "device-facts"), FW_MF_REJECT_FACTS);
    assert_int_equal(fw_mf_decide(NULL, &d, NULL), FW_MF_REJECT_FACTS);
    assert_int_equal(fw_mf_decide(&m, NULL, NULL), FW_MF_REJECT_FACTS);
}

static void rule_seq(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.last_seq = 10;                                 /* same manifest again (resume): fine */
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.last_seq = 0;                                  /* nothing accepted yet */
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.last_seq = 11;                                 /* an older manifest replayed */
    assert_int_equal(decide(&m, &d, "seq"), FW_MF_REJECT_REPLAY);
    d.last_seq = UINT64_MAX;
    assert_int_equal(decide(&m, &d, "seq"), FW_MF_REJECT_REPLAY);
}

static void rule_expires(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.clock_utc = 1829999999;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.clock_utc = 1830000000;                        /* expires is exclusive */
    assert_int_equal(decide(&m, &d, "expires"), FW_MF_REJECT_EXPIRED);
    /* no clock: the newest issued time seen is the time (freeze defence) */
    d.clock_utc = 0;
    d.newest_issued = 1829000000;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.newest_issued = 1840000000;
    assert_int_equal(decide(&m, &d, "expires"), FW_MF_REJECT_EXPIRED);
    /* a clock set back does not undo the newest issued time */
    d.clock_utc = 1000;
    assert_int_equal(decide(&m, &d, "expires"), FW_MF_REJECT_EXPIRED);
    assert_int_equal(fw_mf_best_time(&d), 1840000000);
    /* no clock and nothing seen yet: time 0, only the signature and seq protect */
    d.clock_utc = 0;
    d.newest_issued = 0;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
}

static void rule_chip(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.chip_id = 9;
    assert_int_equal(decide(&m, &d, "chip_id"), FW_MF_REJECT_CHIP);
    m.chip_id = 9;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.chip_id = 0;
    assert_int_equal(decide(&m, &d, "chip_id"), FW_MF_REJECT_CHIP);
}

static void rule_chip_rev(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.chip_rev = 2;
    assert_int_equal(decide(&m, &d, "min_chip_rev"), FW_MF_REJECT_CHIP_REV);
    d.chip_rev = 101;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    m.min_chip_rev = 0;
    d.chip_rev = 0;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
}

static void rule_project(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.project = "other_product";
    assert_int_equal(decide(&m, &d, "project"), FW_MF_REJECT_PROJECT);
    d.project = "";
    assert_int_equal(decide(&m, &d, "project"), FW_MF_REJECT_PROJECT);
    d.project = NULL;
    assert_int_equal(decide(&m, &d, "project"), FW_MF_REJECT_PROJECT);
    d.project = "hello_world_2";
    assert_int_equal(decide(&m, &d, "project"), FW_MF_REJECT_PROJECT);
    d.project = "hello_world";
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
}

static void rule_secure_version(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.efuse_secure_version = 3;
    assert_int_equal(decide(&m, &d, "secure_version"), FW_MF_REJECT_SECURE_VERSION);
    d.efuse_secure_version = 1;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.efuse_secure_version = 2;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
}

static void rule_up_to_date(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.version = "2.0";
    assert_int_equal(decide(&m, &d, "version"), FW_MF_NOOP_UP_TO_DATE);
    assert_int_equal(fw_mf_verdict_kind(FW_MF_NOOP_UP_TO_DATE), FW_MF_KIND_NOTHING_TO_DO);
    d.version = "2.0.1";
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    d.version = "";                                  /* unknown running version: install */
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
}

static void rule_rollout(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();                /* bucket 6213 */
    m.rollout_bp = 6214;
    assert_int_equal(decide(&m, &d, "accept"), FW_MF_ACCEPT);
    m.rollout_bp = 6213;
    assert_int_equal(decide(&m, &d, "rollout"), FW_MF_NOOP_NOT_IN_ROLLOUT);
    assert_int_equal(fw_mf_verdict_kind(FW_MF_NOOP_NOT_IN_ROLLOUT), FW_MF_KIND_NOTHING_TO_DO);
    m.rollout_bp = 0;
    assert_int_equal(decide(&m, &d, "rollout"), FW_MF_NOOP_NOT_IN_ROLLOUT);
    d.group = "lab";                                 /* not a listed group */
    assert_int_equal(decide(&m, &d, "rollout"), FW_MF_NOOP_NOT_IN_ROLLOUT);
    d.group = "canary";                              /* listed group: in, whatever the percentage */
    struct fw_mf_decision dec;
    assert_int_equal(fw_mf_decide(&m, &d, &dec), FW_MF_ACCEPT);
    assert_int_equal(dec.in_group, 1);
    d.group = "";
    assert_int_equal(decide(&m, &d, "rollout"), FW_MF_NOOP_NOT_IN_ROLLOUT);
    /* monotone stages: whoever is in at 10 % is in at 50 % and 100 % */
    char id[16];
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof id, "dev-%04d", i);
        struct fw_mf_device x = device();
        x.id = id;
        m.rollout_bp = 1000;
        int in10 = fw_mf_in_rollout(&m, &x);
        m.rollout_bp = 5000;
        int in50 = fw_mf_in_rollout(&m, &x);
        m.rollout_bp = 10000;
        assert_true(fw_mf_in_rollout(&m, &x));
        assert_true(!in10 || in50);
    }
}

/* Security rules win over "nothing to do": a hostile manifest is reported
 * as refused even for a device that would have nothing to do. */
static void order_security_first(void **state)
{
    (void)state;
    struct fw_manifest m;
    manifest(&m);
    struct fw_mf_device d = device();
    d.version = "2.0";                               /* up to date */
    m.rollout_bp = 0;                                /* and not in the rollout */
    assert_int_equal(decide(&m, &d, "version"), FW_MF_NOOP_UP_TO_DATE);
    d.last_seq = 11;
    assert_int_equal(decide(&m, &d, "seq"), FW_MF_REJECT_REPLAY);
    d.last_seq = 0;
    d.efuse_secure_version = 5;
    assert_int_equal(decide(&m, &d, "secure_version"), FW_MF_REJECT_SECURE_VERSION);
    d.chip_id = 1;
    assert_int_equal(decide(&m, &d, "chip_id"), FW_MF_REJECT_CHIP);
    d.clock_utc = 1900000000;
    assert_int_equal(decide(&m, &d, "expires"), FW_MF_REJECT_EXPIRED);
    d.version = "1.0";
    m.rollout_bp = 10000;
    d = device();
    d.version = "2.0";
    m.rollout_bp = 0;
    d.group = "canary";
    assert_int_equal(decide(&m, &d, "version"), FW_MF_NOOP_UP_TO_DATE);
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(fw_mf_verdict_name(FW_MF_ACCEPT), "accept");
    assert_string_equal(fw_mf_verdict_name(FW_MF_NOOP_UP_TO_DATE), "up-to-date");
    assert_string_equal(fw_mf_verdict_name(FW_MF_NOOP_NOT_IN_ROLLOUT), "not-in-rollout");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_REPLAY), "replay");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_EXPIRED), "expired");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_CHIP), "wrong-chip");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_CHIP_REV), "chip-revision");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_PROJECT), "wrong-project");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_SECURE_VERSION), "secure-version");
    assert_string_equal(fw_mf_verdict_name(FW_MF_REJECT_FACTS), "bad-device-facts");
    for (int v = FW_MF_REJECT_FACTS; v <= FW_MF_REJECT_SECURE_VERSION; v++)
        assert_int_equal(fw_mf_verdict_kind((enum fw_mf_verdict)v), FW_MF_KIND_REJECT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_baseline),
        cmocka_unit_test(rule_device_facts),
        cmocka_unit_test(rule_seq),
        cmocka_unit_test(rule_expires),
        cmocka_unit_test(rule_chip),
        cmocka_unit_test(rule_chip_rev),
        cmocka_unit_test(rule_project),
        cmocka_unit_test(rule_secure_version),
        cmocka_unit_test(rule_up_to_date),
        cmocka_unit_test(rule_rollout),
        cmocka_unit_test(order_security_first),
        cmocka_unit_test(names),
    };
    return cmocka_run_group_tests_name("mf_decide", tests, NULL, NULL);
}
