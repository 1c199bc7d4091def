/* SPDX-License-Identifier: Apache-2.0 */
/* otadata reports (see otadata_view.h). */
#include "cli/fwseal-device/otadata_view.h"

#include <stdio.h>
#include <string.h>

#include "boot/fwb_decide.h"
#include "fw_err.h"

const char *otadata_status_name(int st)
{
    switch (st) {
    case FW_OK: return "valid";
    case FW_ERR_NOT_FOUND: return "empty";
    case FW_ERR_CRC: return "bad-crc";
    case FW_ERR_RANGE: return "seq-zero";
    case FW_ERR_FORMAT: return "unknown-state";
    case FW_ERR_STATE: return "not-selectable";
    default: return "invalid";
    }
}

void otadata_found_str(const int status[2], char *buf, size_t max)
{
    snprintf(buf, max, "sector 0: %s, sector 1: %s", otadata_status_name(status[0]), otadata_status_name(status[1]));
}

void otadata_plan_str(const struct fwd_dev *d, const struct fwd_otadata *od, char *buf, size_t max)
{
    struct fwb_entry e[2];
    struct fwb_layout lay = {
        .ota_count = (int)fwd_part_ota_count(d),
        .has_factory = fwd_part_find_type(d, FWD_PT_APP, FWD_PST_FACTORY) != NULL,
        .has_test = fwd_part_find_type(d, FWD_PT_APP, FWD_PST_TEST) != NULL,
        .has_otadata = od != NULL,
    };
    for (int i = 0; i < 2; i++) {
        e[i].crc_ok = od && fw_otadata_check_format(&od->sec[i].e) == FW_OK;
        e[i].seq = od ? od->sec[i].e.seq : 0xFFFFFFFFu;
        e[i].state = od ? od->sec[i].e.state : 0xFFFFFFFFu;
    }
    static struct fwb_plan p; /* ~300 bytes; not reentrant, like the rest of the CLI */
    size_t n = 0;
    buf[0] = 0;
    if (fwb_plan_make(e, &lay, &p) != 0) return;
    for (int k = 0; k < p.n_cand && n + 1 < max; k++) {
        const struct fwb_candidate *c = &p.cand[k];
        const struct fwd_part *part = c->kind == FWB_OTA ? fwd_part_ota_slot(d, (size_t)c->slot)
                                      : fwd_part_find_type(d, FWD_PT_APP, c->kind == FWB_FACTORY ? FWD_PST_FACTORY
                                                                                                 : FWD_PST_TEST);
        if (!part) continue;
        int w = snprintf(buf + n, max - n, "%s%s", n ? ", " : "", part->label);
        if (w < 0) break;
        n += (size_t)w;
    }
    if (!n) snprintf(buf, max, "no app partition");
}
