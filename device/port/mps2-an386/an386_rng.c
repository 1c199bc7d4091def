/* SPDX-License-Identifier: Apache-2.0 */
/* CTR-DRBG over the declared entropy source (an386_rng.h). */
#include "device/port/mps2-an386/an386_rng.h"

#include <mbedtls/platform.h>

#include "device/port/mps2-an386/an386_rt.h"
#include "device/port/mps2-an386/an386_semihost.h"

static int entropy_read(void *ctx, unsigned char *out, size_t len)
{
    const struct an386_entropy *ent = ctx;
    int fd = sh_open(ent->seed_file ? ent->seed_file : "/dev/urandom", SH_MODE_RB);
    if (fd < 0) return -1;
    long n = sh_read(fd, out, len);
    sh_close(fd);
    if (ent->seed_file && n > 0 && (size_t)n < len) {  /* a short seed file repeats (deterministic runs only) */
        for (size_t i = (size_t)n; i < len; i++) out[i] = out[i % (size_t)n];
        n = (long)len;
    }
    return n == (long)len ? 0 : -1;
}

static int rng_fill(void *ctx, uint8_t *buf, size_t len)
{
    mbedtls_ctr_drbg_context *d = ctx;
    while (len) {
        size_t n = len > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : len;
        if (mbedtls_ctr_drbg_random(d, buf, n)) return FW_ERR_CRYPTO;
        buf += n;
        len -= n;
    }
    return FW_OK;
}

int an386_rng_init(struct an386_rng *r, const struct an386_entropy *ent, struct fwd_random *out)
{
    static const unsigned char pers[] = "fwseal-an386";
    r->ent = *ent;
    mbedtls_ctr_drbg_init(&r->drbg);
    if (mbedtls_ctr_drbg_seed(&r->drbg, entropy_read, &r->ent, pers, sizeof pers - 1)) return FW_ERR_CRYPTO;
    out->fill = rng_fill;
    out->ctx = &r->drbg;
    return FW_OK;
}

void an386_rng_free(struct an386_rng *r)
{
    mbedtls_ctr_drbg_free(&r->drbg);
}

void an386_rng_count_mbedtls_heap(void)
{
    mbedtls_platform_set_calloc_free(an386_calloc, an386_free);
}
