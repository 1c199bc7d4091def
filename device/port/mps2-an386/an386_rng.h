/* SPDX-License-Identifier: Apache-2.0 */
/* struct fwd_random of the MPS2 AN386 port: mbedTLS CTR-DRBG (AES-256)
 * seeded once from the entropy source the port declares. Under QEMU that is
 * a semihosting read of the host's /dev/urandom, or the bytes of a seed
 * file for deterministic runs (tests). A product seeds from its TRNG (ESP:
 * the RF-noise RNG, esp_fill_random; STM32: the RNG peripheral) and never
 * from a file or a clock. This file and an386_rng.c are the port's only
 * mbedTLS users (the device library's are behind device/fwd_crypto.h). */
#ifndef AN386_RNG_H
#define AN386_RNG_H

#include <mbedtls/ctr_drbg.h>

#include "device/fwd_hal.h"

struct an386_entropy {
    const char *seed_file;        /* NULL: /dev/urandom through semihosting */
};

struct an386_rng {
    mbedtls_ctr_drbg_context drbg;
    struct an386_entropy ent;
};

/* Seed (FW_ERR_CRYPTO when the entropy source fails) and fill *out. */
int an386_rng_init(struct an386_rng *r, const struct an386_entropy *ent, struct fwd_random *out);
void an386_rng_free(struct an386_rng *r);
/* mbedTLS allocates through the port's counting heap (an386_rt.h). */
void an386_rng_count_mbedtls_heap(void);

#endif
