/* SPDX-License-Identifier: Apache-2.0 */
/* The manifest decision table (docs/formats.md §8.7): named rules, each a
 * predicate over the manifest and the device facts, evaluated in order. */
#include "fw_mf_decide.h"

#include <string.h>

#include "fw_err.h"

struct mf_ctx {
    const struct fw_manifest *m;
    const struct fw_mf_device *dev;
    uint64_t now;
};

struct mf_rule {
    const char *name;
    enum fw_mf_verdict verdict;             /* when the predicate does NOT hold */
    int (*holds)(const struct mf_ctx *c);
};

static int same_str(const char *a, const char *b, size_t max)
{
    return a && b && a[0] && strncmp(a, b, max) == 0;
}

static int facts_ok(const struct mf_ctx *c) { return fw_mf_check_device_id(c->dev->id) == FW_OK; }
static int not_replayed(const struct mf_ctx *c) { return c->m->seq >= c->dev->last_seq; }
static int not_expired(const struct mf_ctx *c) { return c->m->expires > c->now; }
static int chip_matches(const struct mf_ctx *c) { return c->m->chip_id == c->dev->chip_id; }
static int chip_rev_ok(const struct mf_ctx *c) { return c->dev->chip_rev >= c->m->min_chip_rev; }
static int project_matches(const struct mf_ctx *c)
{
    return same_str(c->dev->project, c->m->project, FW_MF_NAME_FIELD);
}
static int secure_version_ok(const struct mf_ctx *c)
{
    return c->m->secure_version >= c->dev->efuse_secure_version;
}
static int not_up_to_date(const struct mf_ctx *c)
{
    return !same_str(c->dev->version, c->m->version, FW_MF_NAME_FIELD);
}
static int in_rollout(const struct mf_ctx *c) { return fw_mf_in_rollout(c->m, c->dev); }

/* Security rules first, then the two "nothing to do" outcomes. */
static const struct mf_rule rules[] = {
    {"device-facts",   FW_MF_REJECT_FACTS,          facts_ok},
    {"seq",            FW_MF_REJECT_REPLAY,         not_replayed},
    {"expires",        FW_MF_REJECT_EXPIRED,        not_expired},
    {"chip_id",        FW_MF_REJECT_CHIP,           chip_matches},
    {"min_chip_rev",   FW_MF_REJECT_CHIP_REV,       chip_rev_ok},
    {"project",        FW_MF_REJECT_PROJECT,        project_matches},
    {"secure_version", FW_MF_REJECT_SECURE_VERSION, secure_version_ok},
    {"version",        FW_MF_NOOP_UP_TO_DATE,       not_up_to_date},
    {"rollout",        FW_MF_NOOP_NOT_IN_ROLLOUT,   in_rollout},
};

uint64_t fw_mf_best_time(const struct fw_mf_device *dev)
{
    return dev->clock_utc > dev->newest_issued ? dev->clock_utc : dev->newest_issued;
}

static int group_listed(const struct fw_manifest *m, const char *group)
{
    if (!group || !group[0]) return 0;
    for (unsigned g = 0; g < m->group_count && g < FW_MF_MAX_GROUPS; g++)
        if (strncmp(m->groups[g], group, FW_MF_GROUP_FIELD) == 0) return 1;
    return 0;
}

int fw_mf_in_rollout(const struct fw_manifest *m, const struct fw_mf_device *dev)
{
    if (group_listed(m, dev->group)) return 1;
    return fw_mf_rollout_bucket(m->rollout_seed, dev->id) < m->rollout_bp;
}

enum fw_mf_verdict fw_mf_decide(const struct fw_manifest *m, const struct fw_mf_device *dev,
                                struct fw_mf_decision *d)
{
    struct fw_mf_decision local;
    if (!d) d = &local;
    memset(d, 0, sizeof *d);
    d->verdict = FW_MF_REJECT_FACTS;
    d->rule = rules[0].name;
    if (!m || !dev) return d->verdict;
    struct mf_ctx c = {m, dev, fw_mf_best_time(dev)};
    d->best_time = c.now;
    if (facts_ok(&c)) {
        d->bucket = fw_mf_rollout_bucket(m->rollout_seed, dev->id);
        d->in_group = group_listed(m, dev->group);
    }
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (!rules[i].holds(&c)) {
            d->verdict = rules[i].verdict;
            d->rule = rules[i].name;
            return d->verdict;
        }
    }
    d->verdict = FW_MF_ACCEPT;
    d->rule = "accept";
    return d->verdict;
}

enum fw_mf_verdict_kind fw_mf_verdict_kind(enum fw_mf_verdict v)
{
    switch (v) {
    case FW_MF_ACCEPT: return FW_MF_KIND_ACCEPT;
    case FW_MF_NOOP_UP_TO_DATE:
    case FW_MF_NOOP_NOT_IN_ROLLOUT: return FW_MF_KIND_NOTHING_TO_DO;
    default: return FW_MF_KIND_REJECT;
    }
}

const char *fw_mf_verdict_name(enum fw_mf_verdict v)
{
    switch (v) {
    case FW_MF_ACCEPT: return "accept";
    case FW_MF_NOOP_UP_TO_DATE: return "up-to-date";
    case FW_MF_NOOP_NOT_IN_ROLLOUT: return "not-in-rollout";
    case FW_MF_REJECT_FACTS: return "bad-device-facts";
    case FW_MF_REJECT_REPLAY: return "replay";
    case FW_MF_REJECT_EXPIRED: return "expired";
    case FW_MF_REJECT_CHIP: return "wrong-chip";
    case FW_MF_REJECT_CHIP_REV: return "chip-revision";
    case FW_MF_REJECT_PROJECT: return "wrong-project";
    case FW_MF_REJECT_SECURE_VERSION: return "secure-version";
    }
    return "unknown";
}
