/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixture for the otadata/partition unit tests: an in-memory simulated
 * device with a fixed partition list and optional flash encryption. */
#ifndef OTADATA_FIXTURE_H
#define OTADATA_FIXTURE_H

#include "device/fwd_otadata.h"
#include "device/fwd_part.h"
#include "device/port/sim/fwd_sim.h"
#include "hwkeys_fixture.h"

#define FX_FLASH (0x40000u)

struct fx {
    struct fwd_sim sim;
    struct fwd_sim_keystore ks;   /* hardware-key mode (hwkeys_fixture.h) */
    struct fwd_dev dev;
};

static const struct fwd_part fx_parts[] = {
    {"nvs", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, 0x9000, 0x4000, 0},
    {"otadata", FWD_PT_DATA, FWD_PST_DATA_OTA, 0, 0xd000, 0x2000, 0},
    {"phy_init", FWD_PT_DATA, 0x01, 0, 0xf000, 0x1000, 0},
    {"ota_0", FWD_PT_APP, FWD_PST_OTA_0, 0, 0x10000, 0x10000, 0},
    {"ota_1", FWD_PT_APP, FWD_PST_OTA_0 + 1, 0, 0x20000, 0x10000, 0},
    {"nvs_key", FWD_PT_DATA, FWD_PST_DATA_NVS_KEYS, 0, 0x30000, 0x1000, FWD_PART_FLAG_ENCRYPTED},
    {"storage", FWD_PT_DATA, 0x81, 0, 0x31000, 0x1000, FWD_PART_FLAG_ENCRYPTED},
};

/* fe_key_len 0: flash encryption off; 32 / 64: XTS-AES-128 / 256. */
static inline void fx_open(struct fx *x, size_t fe_key_len)
{
    assert_int_equal(fwd_sim_open_mem(&x->sim, FX_FLASH), FW_OK);
    memset(&x->ks, 0, sizeof x->ks);
    if (fe_key_len) {
        struct fwd_efuse_state st;
        memset(&st, 0, sizeof st);
        st.fe_mode = fe_key_len == 32 ? FWD_FE_XTS128 : FWD_FE_XTS256;
        for (size_t i = 0; i < fe_key_len; i++) st.fe_key[i] = (uint8_t)(0x40 + i);
        tu_hw_take_fe_key(&st, &x->ks);
        assert_int_equal(x->sim.plat.efuse.burn(x->sim.plat.efuse.ctx, &st), FW_OK);
        tu_hw_attach(&x->ks, &x->sim.plat);
    }
    assert_int_equal(fwd_dev_open_blank(&x->dev, &x->sim.plat), FW_OK);
    assert_int_equal(fwd_dev_set_parts(&x->dev, fx_parts, sizeof fx_parts / sizeof fx_parts[0]), FW_OK);
}

static inline void fx_close(struct fx *x)
{
    fwd_dev_close(&x->dev);
    fwd_sim_keystore_close(&x->ks);
    fwd_sim_close(&x->sim);
}

#endif
