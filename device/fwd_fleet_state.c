/* SPDX-License-Identifier: Apache-2.0 */
/* Power-safe manifest memory in NVS (see fwd_fleet_state.h). */
#include "device/fwd_fleet_state.h"

#include <string.h>

static int get_u64(struct fw_nvs_handle *h, const char *key, uint64_t *v)
{
    int rc = fw_nvs_get_u64(h, key, v);
    if (rc == FW_ERR_NOT_FOUND) {
        *v = 0;
        return FW_OK;
    }
    return rc;
}

int fwd_fleet_state_load(struct fw_nvs_store *s, struct fwd_fleet_state *out)
{
    if (!s || !out) return FW_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    struct fw_nvs_handle h;
    int rc = fw_nvs_open(s, FWD_FLEET_STATE_NS, 0, &h);
    if (rc == FW_ERR_NOT_FOUND) return FW_OK; /* never written: a fresh device */
    if (rc) return rc;
    rc = get_u64(&h, FWD_FLEET_STATE_KEY_SEQ, &out->seq);
    if (rc == FW_OK) rc = get_u64(&h, FWD_FLEET_STATE_KEY_TIME, &out->time);
    return rc;
}

/* Write key only upwards. */
static int raise_key(struct fw_nvs_handle *h, const char *key, uint64_t want)
{
    uint64_t cur;
    int rc = get_u64(h, key, &cur);
    if (rc || want <= cur) return rc;
    return fw_nvs_set_u64(h, key, want);
}

int fwd_fleet_state_raise(struct fw_nvs_store *s, uint64_t seq, uint64_t time)
{
    if (!s) return FW_ERR_INVALID_ARG;
    struct fw_nvs_handle h;
    int rc = fw_nvs_open(s, FWD_FLEET_STATE_NS, 1, &h);
    /* Time first: a cut before the sequence number leaves the device
     * stricter on expiry and unchanged on replay (fwd_fleet_state.h). */
    if (rc == FW_OK) rc = raise_key(&h, FWD_FLEET_STATE_KEY_TIME, time);
    if (rc == FW_OK) rc = raise_key(&h, FWD_FLEET_STATE_KEY_SEQ, seq);
    if (rc == FW_OK) rc = fw_nvs_commit(&h);
    return rc;
}
