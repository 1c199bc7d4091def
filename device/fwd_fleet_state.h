/* SPDX-License-Identifier: Apache-2.0 */
/* The device's memory of release manifests (docs/threat-model.md, "Fleet
 * releases: device side"): the sequence number of the last manifest it
 * accepted and the newest manifest time it has seen, kept power-safely in NVS.
 *
 *   namespace "fwseal", keys "mf_seq" and "mf_time" (u64 each)
 *
 * Both values only ever go up: fwd_fleet_state_raise() writes max(stored,
 * new) and nothing else, so no caller can lower them by mistake. Each key is
 * one NVS item, and an NVS set is durable and atomic when it returns (a cut
 * set reads back the old or the new value, nvs/fw_nvs_store.h), so after a
 * power cut each value is its old or its new one, never garbage, never
 * lower. The two keys are written one after the other (time first): a cut
 * between them leaves the time raised and the sequence number not, which
 * only makes the device as strict as before on replay and stricter on expiry.
 *
 * The caller writes here ONLY after a manifest passed its signature check
 * and the freshness rules (fwd_fleet_update.c); the values are then used as
 *   - seq:  a manifest whose sequence number is below it is refused
 *           (replay, freeze by rollback of the manifest);
 *   - time: the best time the device has when it has no trusted clock: a
 *           manifest that expired before the newest one it has seen was
 *           issued is refused.
 * Memory: none of its own (the caller's mounted store). */
#ifndef FWD_FLEET_STATE_H
#define FWD_FLEET_STATE_H

#include <stdint.h>

#include "nvs/fw_nvs_store.h"

#define FWD_FLEET_STATE_NS       "fwseal"
#define FWD_FLEET_STATE_KEY_SEQ  "mf_seq"
#define FWD_FLEET_STATE_KEY_TIME "mf_time"

struct fwd_fleet_state {
    uint64_t seq;    /* sequence number of the last accepted manifest (0: none yet) */
    uint64_t time;   /* newest manifest time seen, Unix seconds UTC (0: none yet) */
};

/* Read both values from a mounted store; a missing key (fresh device, or a
 * namespace never written) reads as 0. FW_OK or the store's error (an
 * unreadable record is an error, never a silent 0). */
int fwd_fleet_state_load(struct fw_nvs_store *s, struct fwd_fleet_state *out);

/* Raise the stored values to at least seq / time (never lowers; writes
 * only the keys that change). FW_OK, FW_ERR_POWER_LOSS (propagated at once:
 * mount again), or the store's error. */
int fwd_fleet_state_raise(struct fw_nvs_store *s, uint64_t seq, uint64_t time);

#endif
