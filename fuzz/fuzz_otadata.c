/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: otadata (common/fw_otadata codec + device/fwd_otadata, the
 * power-safe record log) on a simulated RAM flash. Byte 0: options (flash
 * encryption on/off, which slot and state to write next); the rest is laid
 * over the 0x2000-byte otadata partition as raw flash contents. The device
 * loads it, picks the active slot, then selects a slot / appends a state;
 * whenever a write succeeds, reloading must show exactly what was written.
 * Strict NOR mode is on: programming a non-erased byte is an error.
 */
// FUZZ-MAX-LEN: 8192
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_err.h"
#include "common/fw_otadata.h"
#include "device/fwd_otadata.h"
#include "device/fwd_part.h"
#include "device/port/sim/fwd_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLASH_SIZE 0x40000u
#define OTADATA_OFF 0xd000u

static const struct fwd_part parts[] = {
    {.label = "otadata", .type = FWD_PT_DATA, .subtype = FWD_PST_DATA_OTA, .offset = OTADATA_OFF, .size = 0x2000},
    {.label = "ota_0", .type = FWD_PT_APP, .subtype = FWD_PST_OTA_0, .offset = 0x10000, .size = 0x10000},
    {.label = "ota_1", .type = FWD_PT_APP, .subtype = FWD_PST_OTA_0 + 1, .offset = 0x20000, .size = 0x10000},
    {.label = "ota_2", .type = FWD_PT_APP, .subtype = FWD_PST_OTA_0 + 2, .offset = 0x30000, .size = 0x10000},
};

static const uint32_t states[] = {FW_OTA_NEW, FW_OTA_PENDING_VERIFY, FW_OTA_VALID,
                                  FW_OTA_INVALID, FW_OTA_ABORTED, FW_OTA_UNDEFINED};

static void codec_checks(const uint8_t *data, size_t size)
{
    struct fw_otadata_entry e[2];
    int ok[2];
    uint8_t re[FW_OTADATA_ENTRY_SIZE];
    for (int i = 0; i < 2; i++) {
        size_t off = (size_t)i * FW_OTADATA_SECTOR;
        uint8_t rec[FW_OTADATA_ENTRY_SIZE];
        memset(rec, 0xFF, sizeof rec);
        if (off < size) memcpy(rec, data + off, size - off < sizeof rec ? size - off : sizeof rec);
        fw_otadata_decode(rec, &e[i]);
        fw_otadata_encode(&e[i], re);
        if (memcmp(re, rec, sizeof rec) != 0) __builtin_trap(); /* lossless codec */
        ok[i] = fw_otadata_check(&e[i]) == FW_OK;
        (void)fw_otadata_seal_check(&e[i]);
        (void)fw_otadata_state_name(e[i].state);
        uint32_t slot;
        if (fw_otadata_slot(e[i].seq, 3, &slot) == FW_OK && slot >= 3) __builtin_trap();
    }
    int a = fw_otadata_select(e, ok);
    if (a >= 0 && !ok[a]) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fwd_sim sim;
    static struct fwd_dev dev;
    static int ready[2];
    struct fwd_otadata od, od2;
    if (size < 1) return 0;
    uint8_t opt = data[0];
    data++, size--;
    codec_checks(data, size);

    int fe = opt & 1;
    if (!ready[fe]) {
        /* One platform per mode, kept across runs (only otadata changes). */
        if (ready[!fe]) fwd_dev_close(&dev), fwd_sim_close(&sim), ready[!fe] = 0;
        if (fwd_sim_open_mem(&sim, FLASH_SIZE) != 0) __builtin_trap();
        if (fe) {
            struct fwd_efuse_state st;
            memset(&st, 0, sizeof st);
            st.fe_mode = FWD_FE_XTS128;
            for (int i = 0; i < 32; i++) st.fe_key[i] = (uint8_t)(i * 7 + 1);
            if (sim.plat.efuse.burn(sim.plat.efuse.ctx, &st) != 0) __builtin_trap();
        }
        if (fwd_dev_open_blank(&dev, &sim.plat) != 0) __builtin_trap();
        if (fwd_dev_set_parts(&dev, parts, sizeof parts / sizeof parts[0]) != 0) __builtin_trap();
        ready[fe] = 1;
    }
    /* Lay the input over the partition as raw flash (the rest erased). */
    uint8_t *od_mem = sim.flash.mem + OTADATA_OFF;
    memset(od_mem, 0xFF, 0x2000);
    memcpy(od_mem, data, size < 0x2000 ? size : 0x2000);

    if (fwd_otadata_load(&dev, &od) != FW_OK) return 0;
    uint32_t slot;
    int rc = fwd_otadata_active_slot(&dev, &od, &slot);
    if (rc == FW_OK && slot >= 3) __builtin_trap();

    uint32_t want_slot = (opt >> 1) % 3, want_state = states[(opt >> 3) % 6];
    if (opt & 0x80) {
        int sec = od.active; /* set_state reloads od */
        if (sec >= 0 && fwd_otadata_set_state(&dev, &od, sec, want_state) == FW_OK) {
            if (fwd_otadata_load(&dev, &od2) != FW_OK) __builtin_trap();
            if (od2.sec[sec].e.state != want_state) __builtin_trap();
        }
    } else if (want_state != FW_OTA_INVALID && want_state != FW_OTA_ABORTED) {
        if (fwd_otadata_select_slot(&dev, &od, want_slot, want_state) == FW_OK) {
            if (fwd_otadata_load(&dev, &od2) != FW_OK) __builtin_trap();
            if (fwd_otadata_active_slot(&dev, &od2, &slot) != FW_OK || slot != want_slot) __builtin_trap();
            if (od2.sec[od2.active].e.state != want_state) __builtin_trap();
        }
    }
    return 0;
}
