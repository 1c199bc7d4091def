/* SPDX-License-Identifier: Apache-2.0 */
/* Should this device install this (signature-verified) manifest's release?
 * (docs/formats.md §8.7). A decision table of named rules evaluated in order
 * over a decoded manifest and the device's facts; the first rule that does
 * not hold gives the verdict. Crypto-free, no allocation, no I/O: the caller
 * has verified the manifest signature before asking.
 *
 * Order: the facts must be sane, then every security rule (replay, expiry,
 * chip, revision, project, anti-rollback) before the two "nothing to do"
 * outcomes (up to date, not in the rollout), so a hostile manifest is always
 * reported as refused, never as "nothing to do". */
#ifndef FW_MF_DECIDE_H
#define FW_MF_DECIDE_H

#include <stdint.h>

#include "fw_manifest.h"

/* What the device knows about itself. No field's zero value skips a check:
 * an empty project or version never matches, last_seq 0 means "nothing
 * accepted yet" (every manifest has seq >= 1), a zero clock means "no
 * clock" and the newest issued time seen is then the only time. */
struct fw_mf_device {
    const char *id;                  /* device id (fw_mf_check_device_id) */
    const char *group;               /* its group name, NULL or "" for none */
    const char *project;             /* running app's project name (app descriptor) */
    const char *version;             /* running app's version string (app descriptor) */
    uint16_t chip_id;
    uint16_t chip_rev;               /* major*100 + minor */
    uint32_t efuse_secure_version;   /* anti-rollback floor burnt in eFuse */
    uint64_t last_seq;               /* highest manifest seq accepted (stored power-safely) */
    uint64_t clock_utc;              /* HAL clock, UTC seconds; 0 = no clock */
    uint64_t newest_issued;          /* newest `issued` of a verified manifest seen; 0 = none */
};

enum fw_mf_verdict {
    FW_MF_ACCEPT = 0,                /* install: fetch header_<id> and the body */
    FW_MF_NOOP_UP_TO_DATE,           /* nothing to do: already runs this version */
    FW_MF_NOOP_NOT_IN_ROLLOUT,       /* nothing to do: not selected (yet) */
    FW_MF_REJECT_FACTS,              /* the device's own facts are unusable (bad id) */
    FW_MF_REJECT_REPLAY,             /* seq below the last accepted one */
    FW_MF_REJECT_EXPIRED,            /* expires <= best known time */
    FW_MF_REJECT_CHIP,               /* built for another chip */
    FW_MF_REJECT_CHIP_REV,           /* chip revision below min_chip_rev */
    FW_MF_REJECT_PROJECT,            /* another product's release */
    FW_MF_REJECT_SECURE_VERSION,     /* secure_version below the eFuse floor */
};

enum fw_mf_verdict_kind {
    FW_MF_KIND_ACCEPT = 0,
    FW_MF_KIND_NOTHING_TO_DO,
    FW_MF_KIND_REJECT,
};

struct fw_mf_decision {
    enum fw_mf_verdict verdict;
    const char *rule;                /* name of the rule that decided ("accept" when all held) */
    uint64_t best_time;              /* max(clock_utc, newest_issued) */
    uint32_t bucket;                 /* fw_mf_rollout_bucket of the id (valid id only) */
    int in_group;                    /* the device's group is listed */
};

/* Evaluate the table. Returns d->verdict (also when m or dev is NULL:
 * FW_MF_REJECT_FACTS). */
enum fw_mf_verdict fw_mf_decide(const struct fw_manifest *m, const struct fw_mf_device *dev,
                                struct fw_mf_decision *d);

/* max(clock_utc, newest_issued): the time the expiry is checked against. */
uint64_t fw_mf_best_time(const struct fw_mf_device *dev);
/* Is the device in the rollout: bucket < rollout_bp, or its group listed. */
int fw_mf_in_rollout(const struct fw_manifest *m, const struct fw_mf_device *dev);

enum fw_mf_verdict_kind fw_mf_verdict_kind(enum fw_mf_verdict v);
/* "accept", "up-to-date", "not-in-rollout", "replay", ... (stable, for
 * scripts and JSON). */
const char *fw_mf_verdict_name(enum fw_mf_verdict v);

#endif
