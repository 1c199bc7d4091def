/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: what a power-on and a staged update read from flash or the
 * network before anything is trusted (issue 18).
 * Byte 0 even: the rest is laid over the copy-journal sector of a simulated
 * flash (common/fw_copy_journal + device/fwd_stage_copy): the power-on's
 * resume must not crash, never write outside the journal and the range the
 * journal names, and when it reports a completed copy the destination must
 * hash to the journal's digest. Byte 0 odd: the rest is a candidate partition
 * table for the staged-table checks (device/fwd_stage_table.c). */
// FUZZ-MAX-LEN: 4200
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/fw_copy_journal.h"
#include "common/fw_err.h"
#include "device/fwd_ota.h"
#include "device/fwd_stage.h"
#include "device/fwd_stage_copy.h"
#include "device/port/sim/fwd_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLASH_SIZE 0x40000u
#define JOURNAL 0xf000u

static const struct fwd_part parts[] = {
    {.label = "otadata", .type = FWD_PT_DATA, .subtype = FWD_PST_DATA_OTA, .offset = 0xd000, .size = 0x2000},
    {.label = "journal", .type = FWD_PT_DATA, .subtype = 0x06, .offset = JOURNAL, .size = 0x1000},
    {.label = "ota_0", .type = FWD_PT_APP, .subtype = FWD_PST_OTA_0, .offset = 0x10000, .size = 0x10000},
    {.label = "ota_1", .type = FWD_PT_APP, .subtype = FWD_PST_OTA_0 + 1, .offset = 0x20000, .size = 0x10000},
};

static void journal_case(const uint8_t *data, size_t size)
{
    static struct fwd_sim sim;
    static struct fwd_dev d;
    static struct fwd_verify_work w;
    if (fwd_sim_open_mem(&sim, FLASH_SIZE) != FW_OK) abort();
    sim.flash.strict = 0;
    for (uint32_t i = 0; i < FLASH_SIZE; i++) sim.flash.mem[i] = (uint8_t)(i * 7 + (i >> 12));
    size_t n = size < FW_CJ_SECTOR ? size : FW_CJ_SECTOR;
    memset(sim.flash.mem + JOURNAL, 0xFF, FW_CJ_SECTOR);
    memcpy(sim.flash.mem + JOURNAL, data, n);
    if (fwd_dev_open_blank(&d, &sim.plat) != FW_OK) abort();
    struct fw_cj_state st;
    fw_cj_parse(sim.flash.mem + JOURNAL, &st);
    struct fwd_copy_report rep;
    int rc = fwd_stage_copy_resume(&d, JOURNAL, &w, &rep);
    if (!st.pending && (rc != FW_OK || rep.pending)) abort();      /* nothing pending: nothing done */
    if (rc == FW_OK && rep.completed) {
        uint8_t got[32];
        if (fwd_stage_digest(&d, rep.h.dst, rep.h.len, 0, &w, got) != FW_OK || memcmp(got, rep.h.digest, 32)) abort();
    }
    fwd_dev_close(&d);
    fwd_sim_close(&sim);
}

static void table_case(const uint8_t *data, size_t size)
{
    static struct fwd_sim sim;
    static struct fwd_ota_dev dev;
    char why[128];
    if (fwd_sim_open_mem(&sim, FLASH_SIZE) != FW_OK) abort();
    if (fwd_ota_dev_open_parts(&dev, &sim.plat, parts, sizeof parts / sizeof parts[0], "ota_0") != FW_OK) abort();
    (void)fwd_stage_check_table(&dev, data, size, fwd_part_find(&dev.d, "ota_1"), JOURNAL, why, sizeof why);
    fwd_ota_dev_close(&dev);
    fwd_sim_close(&sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (data[0] & 1) table_case(data + 1, size - 1);
    else journal_case(data + 1, size - 1);
    return 0;
}
