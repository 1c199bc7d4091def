/* SPDX-License-Identifier: Apache-2.0 */
/* Hardware-key mode for the device fixtures (issue 13 §2): with
 * tu_hw_keys set, the flash-encryption key goes into the simulator's key
 * peripherals (device/port/sim/fwd_sim_keystore.h) instead of the eFuse, which
 * then reads zeros, and the platform's flash becomes the encrypting driver.
 * The OTA, boot, otadata and NVS tests run their whole group once per mode
 * (main sets tu_hw_keys between the runs); expectations do not change. */
#ifndef HWKEYS_FIXTURE_H
#define HWKEYS_FIXTURE_H

#include "device/port/sim/fwd_sim_keystore.h"

static int tu_hw_keys;

/* Before the eFuse burn: in hardware mode move st's FE key into ks. */
static inline void tu_hw_take_fe_key(struct fwd_efuse_state *st, struct fwd_sim_keystore *ks)
{
    memset(ks, 0, sizeof *ks);
    if (!tu_hw_keys || st->fe_mode == FWD_FE_OFF) return;
    struct fwd_sim_keys k = { .fe_mode = st->fe_mode };
    memcpy(k.fe_key, st->fe_key, sizeof k.fe_key);
    memset(st->fe_key, 0, sizeof st->fe_key);
    assert_int_equal(fwd_sim_keystore_open(ks, &k), FW_OK);
    memset(&k, 0, sizeof k);
}

/* After the platform's flash HAL is final: put the peripherals on it. */
static inline void tu_hw_attach(struct fwd_sim_keystore *ks, struct fwd_platform *plat)
{
    if (!ks->vault) return;
    fwd_sim_keystore_attach(ks, plat);
    assert_non_null(plat->flash.write_encrypted);   /* the mode really is on */
}

/* The flash read below any encryption (the chip itself), for tests that
 * inject faults there: in hardware mode the encrypting driver's inner one. */
static inline int (**tu_chip_read(struct fwd_sim_keystore *ks, struct fwd_platform *plat))(void *, uint32_t, void *,
                                                                                            size_t)
{
    return ks->vault ? &ks->inner.read : &plat->flash.read;
}

/* Run a group in raw-key then hardware-key mode; rc = failures of both. */
#define TU_RUN_BOTH_KEY_MODES(rc, tests, setup, teardown)                           \
    do {                                                                            \
        tu_hw_keys = 0;                                                             \
        (rc) = cmocka_run_group_tests_name("raw keys", tests, setup, teardown);      \
        tu_hw_keys = 1;                                                             \
        (rc) += cmocka_run_group_tests_name("hardware keys", tests, setup, teardown); \
    } while (0)

#endif
