/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the in-process proof runners (tests/tools/powercut.c and
 * tests/tools/tamper.c): a simulated device in RAM with a power-cut layer.
 *
 * The device is the real device code (device/, boot/) on the host simulator
 * (device/port/sim) with flash encryption XTS-AES-256, a Secure Boot V2 key digest
 * and secure_version 1 in eFuse, otadata, two OTA slots and an NVS
 * partition. A snapshot of flash + eFuse is restored with two memcpy()s, so
 * thousands of cut points run in one process.
 *
 * The power-cut layer sits between the device code and the simulated NOR
 * and eFuse: it numbers every write, erase and eFuse burn, and at the armed
 * operation either does nothing (clean cut, keep = PC_KEEP_CLEAN) or tears
 * it. Writes and erases tear with the simulator's NOR fault model
 * (device/port/sim/fwd_sim_tear.h): a torn write programs a prefix of `keep`
 * bytes and half-programs the word in flight, a torn erase erases a prefix
 * and weakly erases the rest of its sector, the random bits drawn from
 * fwd_sim_tear_mix(cut_seed, op, keep, address) — so (cut, keep, cut_seed)
 * replays a cut exactly. A torn eFuse burn burns the first `keep` of the
 * burn's new bits in bit order (file offset, then bit 0..7), never clearing
 * any: eFuse bits are programmed one by one, there is no word in flight and
 * no seed. Then it reports
 * FW_ERR_POWER_LOSS for this and every later access until pc_revive(). It also enforces the NOR
 * rule of the region: app slots and otadata must be erased before they are
 * programmed (0xFF); NVS may only clear bits (its bitmaps are re-programmed,
 * as on ESP). A violation is counted and refused. */
#ifndef PC_DEV_H
#define PC_DEV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/fwb_boot.h"
#include "device/fwd_decrypt.h"
#include "device/fwd_efuse.h"
#include "device/fwd_ota.h"
#include "device/fwd_ota_pipeline.h"
#include "device/fwd_otadata.h"
#include "device/port/sim/fwd_sim.h"

#define PC_FLASH    0x100000u
#define PC_NVS_OFF  0x10000u
#define PC_NVS_SIZE 0x8000u

static const struct fwd_part pc_parts[] = {
    {"otadata", FWD_PT_DATA, FWD_PST_DATA_OTA, 0, 0xd000, 0x2000, 0},
    {"nvs", FWD_PT_DATA, FWD_PST_DATA_NVS, 0, PC_NVS_OFF, PC_NVS_SIZE, 0},
    {"ota_0", FWD_PT_APP, FWD_PST_OTA_0, 0, 0x20000, 0x60000, 0},
    {"ota_1", FWD_PT_APP, FWD_PST_OTA_0 + 1, 0, 0x80000, 0x60000, 0},
};

/* keep value of a clean cut: nothing of the operation happens. */
#define PC_KEEP_CLEAN UINT32_MAX

/* log[].erase of an eFuse burn (0 write, 1 erase); its len is the number of
 * bits the burn adds, and a torn cut's `keep` counts bits. */
#define PC_LOG_EFUSE 2

struct pc {
    struct fwd_sim sim;
    struct fwd_platform plat;      /* sim.plat with the cut layer as flash */
    struct fwd_ota_dev dev;
    struct fwd_decrypt_key key;
    /* cut layer */
    uint64_t ops;                  /* writes+erases+burns since the last pc_arm */
    uint64_t cut_at;               /* 0: none */
    uint32_t keep;                 /* torn: prefix of the cut op that happens (bytes; eFuse burn: bits);
                                      PC_KEEP_CLEAN */
    uint64_t cut_seed;             /* run seed of the torn bits (FWSEAL_SIM_CUT_SEED, --cut-seed) */
    int dead;
    uint64_t nor_violations;
    /* op log of the last unarmed run (for schedules) */
    int log_on;
    size_t nlog;
    struct { uint8_t erase; uint32_t addr, len; } log[8192];
    /* snapshots */
    uint8_t *snap[8];
    uint8_t snap_efuse[8][FWD_SIM_EFUSE_FILE_SIZE];
};

static inline int pc_in_nvs(uint32_t addr) { return addr >= PC_NVS_OFF && addr < PC_NVS_OFF + PC_NVS_SIZE; }

static inline int pc_cut_now(struct pc *p) { return p->cut_at && p->ops == p->cut_at; }

/* The seed of the torn bits of the cut operation. */
static inline uint64_t pc_tear_seed(const struct pc *p, uint32_t addr)
{
    return fwd_sim_tear_mix(p->cut_seed, p->cut_at, p->keep, addr);
}

static inline int pc_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct pc *p = ctx;
    if (p->dead) return FW_ERR_POWER_LOSS;
    return p->sim.plat.flash.read(p->sim.plat.flash.ctx, addr, buf, len);
}

static inline int pc_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    struct pc *p = ctx;
    if (p->dead) return FW_ERR_POWER_LOSS;
    p->ops++;
    if (p->log_on && p->nlog < sizeof p->log / sizeof p->log[0])
        p->log[p->nlog].erase = 0, p->log[p->nlog].addr = addr, p->log[p->nlog++].len = (uint32_t)len;
    const uint8_t *b = buf, *m = p->sim.flash.mem + addr;
    for (size_t i = 0; i < len; i++) {
        int bad = pc_in_nvs(addr) ? (m[i] & b[i]) != b[i] : m[i] != 0xFF;
        if (bad) { p->nor_violations++; return FW_ERR_NOT_ERASED; }
    }
    if (pc_cut_now(p)) {
        if (p->keep != PC_KEEP_CLEAN && len)
            fwd_sim_tear_write(p->sim.flash.mem + addr, b, len, p->keep < len ? p->keep : len - 1,
                               p->sim.flash.write_align, pc_tear_seed(p, addr));
        p->dead = 1;
        return FW_ERR_POWER_LOSS;
    }
    return p->sim.plat.flash.write(p->sim.plat.flash.ctx, addr, buf, len);
}

static inline int pc_erase(void *ctx, uint32_t addr, size_t len)
{
    struct pc *p = ctx;
    if (p->dead) return FW_ERR_POWER_LOSS;
    p->ops++;
    if (p->log_on && p->nlog < sizeof p->log / sizeof p->log[0])
        p->log[p->nlog].erase = 1, p->log[p->nlog].addr = addr, p->log[p->nlog++].len = (uint32_t)len;
    if (pc_cut_now(p)) {
        if (p->keep != PC_KEEP_CLEAN && len)
            fwd_sim_tear_erase(p->sim.flash.mem + addr, len, p->keep < len ? p->keep : len - 1,
                               p->sim.flash.sector_size, pc_tear_seed(p, addr));
        p->dead = 1;
        return FW_ERR_POWER_LOSS;
    }
    return p->sim.plat.flash.erase(p->sim.plat.flash.ctx, addr, len);
}

static inline int pc_efuse_load(void *ctx, struct fwd_efuse_state *st)
{
    struct pc *p = ctx;
    if (p->dead) return FW_ERR_POWER_LOSS;
    return p->sim.plat.efuse.load(p->sim.plat.efuse.ctx, st);
}

/* An eFuse burn is an operation like a write: numbered, logged (kind
 * PC_LOG_EFUSE, so a schedule sweeps its bit-order prefixes, not the NOR
 * model's), cut clean (nothing burned) or torn (the first `keep` new bits,
 * clamped below the burn's count like a torn write's prefix). */
static inline int pc_efuse_burn(void *ctx, const struct fwd_efuse_state *st)
{
    struct pc *p = ctx;
    if (p->dead) return FW_ERR_POWER_LOSS;
    p->ops++;
    unsigned bits = fwd_sim_efuse_missing_bits(&p->sim.efuse, st);
    if (p->log_on && p->nlog < sizeof p->log / sizeof p->log[0])
        p->log[p->nlog].erase = PC_LOG_EFUSE, p->log[p->nlog].addr = 0, p->log[p->nlog++].len = bits;
    if (pc_cut_now(p)) {
        unsigned n = p->keep == PC_KEEP_CLEAN ? 0 : p->keep < bits ? p->keep : bits ? bits - 1 : 0;
        (void)fwd_sim_efuse_burn_bits(&p->sim.efuse, st, n);
        p->dead = 1;
        return FW_ERR_POWER_LOSS;
    }
    return p->sim.plat.efuse.burn(p->sim.plat.efuse.ctx, st);
}

/* Arm a cut at operation `at` (1-based, from now), keeping `keep` bytes of it
 * (eFuse burn: bits) (torn) or none (PC_KEEP_CLEAN). */
static inline void pc_arm(struct pc *p, uint64_t at, uint32_t keep)
{
    p->ops = 0;
    p->cut_at = at;
    p->keep = keep;
    p->dead = 0;
}
static inline void pc_revive(struct pc *p) { p->cut_at = 0, p->dead = 0, p->ops = 0; }

static inline uint8_t *pc_file(const char *path, size_t *len, int nul)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot read %s\n", path); exit(3); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", path); exit(3); }
    fclose(f);
    b[n] = 0;
    *len = (size_t)n + (nul ? 1 : 0);
    return b;
}

/* A blank provisioned device: eFuse (C3, key digest in slot 0, XTS-256, secure_version 1). */
static inline void pc_open(struct pc *p, const uint8_t digest[32], const char *enc_key_pem)
{
    memset(p, 0, sizeof *p);
    p->cut_seed = FWD_SIM_CUT_SEED_DEFAULT;
    if (fwd_sim_open_mem(&p->sim, PC_FLASH) != FW_OK) exit(3);
    p->sim.flash.strict = 0;   /* the cut layer enforces the per-region NOR rule */
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    st.chip_id = 0x0005;
    st.chip_rev = 4;
    memcpy(st.digest[0], digest, 32);
    st.digest_present = 1;
    st.fe_mode = FWD_FE_XTS256;
    for (int i = 0; i < 64; i++) st.fe_key[i] = (uint8_t)(0x31 + 7 * i);
    st.secure_version_bits = 1;
    if (p->sim.plat.efuse.burn(p->sim.plat.efuse.ctx, &st) != FW_OK) exit(3);
    p->plat = p->sim.plat;
    p->plat.flash.read = pc_read;
    p->plat.flash.write = pc_write;
    p->plat.flash.erase = pc_erase;
    p->plat.flash.ctx = p;
    p->plat.flash.caps = FWD_FLASH_CAP_NOR_REPROGRAM; /* pc_write: NOR rule inside NVS */
    p->plat.efuse.load = pc_efuse_load;
    p->plat.efuse.burn = pc_efuse_burn;
    p->plat.efuse.ctx = p;
    fwd_decrypt_key_init(&p->key);
    if (enc_key_pem) {
        size_t n;
        uint8_t *pem = pc_file(enc_key_pem, &n, 1);
        if (fwd_decrypt_key_load_rsa(&p->key, pem, n) != FW_OK) { fprintf(stderr, "bad key %s\n", enc_key_pem); exit(3); }
        free(pem);
    }
}

static inline void pc_snapshot(struct pc *p, int i)
{
    if (!p->snap[i]) p->snap[i] = malloc(PC_FLASH);
    memcpy(p->snap[i], p->sim.flash.mem, PC_FLASH);
    memcpy(p->snap_efuse[i], p->sim.efuse.blob, FWD_SIM_EFUSE_FILE_SIZE);
}
static inline void pc_restore(struct pc *p, int i)
{
    memcpy(p->sim.flash.mem, p->snap[i], PC_FLASH);
    memcpy(p->sim.efuse.blob, p->snap_efuse[i], FWD_SIM_EFUSE_FILE_SIZE);
    pc_revive(p);
}

static inline int pc_attach(struct pc *p, const char *running)
{
    fwd_ota_dev_close(&p->dev);
    return fwd_ota_dev_open_parts(&p->dev, &p->plat, pc_parts, sizeof pc_parts / sizeof pc_parts[0], running);
}

/* Power on: the bootloader. */
static inline int pc_boot(struct pc *p, struct fwb_result *r)
{
    int rc = pc_attach(p, NULL);
    if (rc) return rc;
    memset(r, 0, sizeof *r);
    return fwb_boot(&p->dev, r);
}

/* Factory: write a plaintext image into a slot through flash encryption. */
static inline int pc_flash_image(struct pc *p, const char *label, const uint8_t *img, size_t len)
{
    int rc = pc_attach(p, NULL);
    if (rc) return rc;
    const struct fwd_part *part = fwd_ota_find(&p->dev, label);
    if (!part || len > part->size) return FW_ERR_RANGE;
    rc = fwd_part_erase(&p->dev.d, part, 0, part->size);
    size_t l16 = (len + 15) & ~(size_t)15;
    uint8_t *tmp = malloc(l16);
    memcpy(tmp, img, len);
    memset(tmp + len, 0xFF, l16 - len);
    if (!rc) rc = fwd_part_write(&p->dev.d, part, 0, tmp, l16);
    free(tmp);
    return rc;
}

/* OTA by the app running from `running`: the real pipeline, fed in chunks. */
static inline int pc_ota(struct pc *p, const char *running, const uint8_t *in, size_t len, size_t chunk)
{
    static struct fwd_ota_pipeline pl;
    int rc = pc_attach(p, running);
    if (rc) return rc;
    struct fwd_ota_pipeline_cfg cfg = {.dev = &p->dev, .key = &p->key, .allow_plaintext = 0};
    rc = fwd_ota_pipeline_start(&pl, &cfg);
    for (size_t off = 0; rc == FW_OK && off < len; off += chunk)
        rc = fwd_ota_pipeline_feed(&pl, in + off, len - off < chunk ? len - off : chunk);
    if (rc == FW_OK) rc = fwd_ota_pipeline_finish(&pl);
    return rc;
}

static inline uint32_t pc_secver(struct pc *p)
{
    struct fwd_efuse_state st;
    if (p->sim.plat.efuse.load(p->sim.plat.efuse.ctx, &st) != FW_OK) return 0xFFFFFFFFu;
    return fwd_efuse_secure_version(&st);
}

#endif
