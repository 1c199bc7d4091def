/* SPDX-License-Identifier: Apache-2.0 */
/* Simulated eFuse block kept in a 256-byte file (efuse.bin).
 *
 * Layout (all integers little-endian; unprogrammed bits are 0, burning sets bits):
 *   0x00  4  magic "FWEF"
 *   0x04  1  layout version (1)
 *   0x05  3  reserved (0)
 *   0x08 96  SECURE_BOOT_DIGEST0..2 (32 bytes each)
 *   0x68  1  digest_present bits (bit i: digest i provisioned)
 *   0x69  1  KEY_REVOKE bits (bit i: digest i revoked)
 *   0x6A  1  flash-encryption mode (0 off, 1 XTS-AES-128, 2 XTS-AES-256)
 *   0x6B  1  SECURE_BOOT_SHA384_EN (1: P-384 keys, images verified over SHA-384)
 *   0x6C  4  SECURE_VERSION thermometer bits (value = popcount)
 *   0x70  2  chip id
 *   0x72  2  chip revision (major*100 + minor)
 *   0x74 64  flash-encryption key in key-file order (32 bytes used for XTS-AES-128)
 *   0xB4  1  signature policy: thermometer bits, required signatures =
 *            popcount (0 reads as 1; fwd_efuse_required_signatures)
 *   0xB5 75  reserved (0)
 * (encode/decode: fwd_sim_efuse_blob.c, shared with the Cortex-M4 port)
 * Burning ORs the requested bits into the block (bits never clear); the file is
 * rewritten with one pwrite + fsync. Each burn is one operation of the
 * device's power domain (fwd_sim.h): numbered, traced ("efuse-burn ..."),
 * and a cut there burns nothing (clean) or a bit-order prefix (torn).
 */
#include "device/port/sim/fwd_sim.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fw_bytes.h"
#include "device/port/sim/fwd_sim_efuse_blob.h"

void fwd_sim_efuse_open_mem(struct fwd_sim_efuse *e)
{
    struct fwd_efuse_state blank;
    memset(&blank, 0, sizeof blank);
    e->fd = -1;
    e->power = NULL;
    fwd_sim_efuse_encode(&blank, e->blob);
}

int fwd_sim_efuse_open_file(struct fwd_sim_efuse *e, const char *path, int create)
{
    e->fd = -1;
    e->power = NULL;
    int fd = open(path, create ? O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC : O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) return FW_ERR_IO;
    if (create) {
        fwd_sim_efuse_open_mem(e);
        if (pwrite(fd, e->blob, sizeof e->blob, 0) != (ssize_t)sizeof e->blob || fsync(fd) != 0) {
            close(fd);
            unlink(path);
            return FW_ERR_IO;
        }
    } else if (pread(fd, e->blob, sizeof e->blob, 0) != (ssize_t)sizeof e->blob) {
        close(fd);
        return FW_ERR_FORMAT;
    }
    struct fwd_efuse_state st;
    if (fwd_sim_efuse_decode(e->blob, &st) != FW_OK) {
        close(fd);
        return FW_ERR_FORMAT;
    }
    fw_wipe(&st, sizeof st);
    e->fd = fd;
    return FW_OK;
}

void fwd_sim_efuse_close(struct fwd_sim_efuse *e)
{
    if (e->fd >= 0) close(e->fd);
    e->fd = -1;
    fw_wipe(e->blob, sizeof e->blob);
}

static int ef_load(void *ctx, struct fwd_efuse_state *out)
{
    struct fwd_sim_efuse *e = ctx;
    if (e->power && e->power->dead) return FW_ERR_POWER_LOSS;
    return fwd_sim_efuse_decode(e->blob, out);
}

unsigned fwd_sim_efuse_missing_bits(const struct fwd_sim_efuse *e, const struct fwd_efuse_state *req)
{
    uint8_t want[FWD_SIM_EFUSE_FILE_SIZE];
    unsigned n = 0;
    fwd_sim_efuse_encode(req, want);
    for (size_t i = 0; i < sizeof want; i++)
        for (uint8_t m = (uint8_t)(want[i] & ~e->blob[i]); m; m &= (uint8_t)(m - 1)) n++;
    fw_wipe(want, sizeof want);
    return n;
}

int fwd_sim_efuse_burn_bits(struct fwd_sim_efuse *e, const struct fwd_efuse_state *req, unsigned nbits)
{
    uint8_t want[FWD_SIM_EFUSE_FILE_SIZE], next[FWD_SIM_EFUSE_FILE_SIZE];
    fwd_sim_efuse_encode(req, want);
    memcpy(next, e->blob, sizeof next);
    for (size_t i = 0; i < sizeof want && nbits; i++)
        for (unsigned b = 0; b < 8 && nbits; b++)
            if ((want[i] >> b & 1) && !(next[i] >> b & 1)) {
                next[i] |= (uint8_t)(1u << b);
                nbits--;
            }
    int rc = FW_OK;
    if (e->fd >= 0 && (pwrite(e->fd, next, sizeof next, 0) != (ssize_t)sizeof next || fsync(e->fd) != 0))
        rc = FW_ERR_IO;
    else
        memcpy(e->blob, next, sizeof next);
    fw_wipe(want, sizeof want);
    fw_wipe(next, sizeof next);
    return rc;
}

static unsigned popcount32(uint32_t v)
{
    unsigned n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

/* Trace text of a burn: names the secure_version when that is all it raises. */
static void describe_burn(const struct fwd_sim_efuse *e, const struct fwd_efuse_state *req, unsigned k,
                          char *out, size_t max)
{
    uint8_t want[FWD_SIM_EFUSE_FILE_SIZE];
    int only_secver = k > 0;
    fwd_sim_efuse_encode(req, want);
    for (size_t i = 0; i < sizeof want; i++)
        if ((want[i] & ~e->blob[i]) && (i < FWD_SIM_OFF_SECVER || i >= FWD_SIM_OFF_SECVER + 4)) only_secver = 0;
    fw_wipe(want, sizeof want);
    uint32_t cur = fw_dec32le(e->blob + FWD_SIM_OFF_SECVER), next = cur | req->secure_version_bits;
    if (only_secver)
        snprintf(out, max, "efuse-burn secure_version %u->%u bits 0x%08x->0x%08x", popcount32(cur),
                 popcount32(next), (unsigned)cur, (unsigned)next);
    else
        snprintf(out, max, "efuse-burn %u bits", k);
}

/* One burn = one operation of the power domain: a cut there burns nothing
 * (clean) or a bit-order prefix of the missing bits (torn: the first half,
 * or FWSEAL_SIM_CUT_KEEP bits clamped below the count; fwd_sim_power_op). */
static int ef_burn(void *ctx, const struct fwd_efuse_state *req)
{
    struct fwd_sim_efuse *e = ctx;
    unsigned k = fwd_sim_efuse_missing_bits(e, req);
    if (e->power) {
        char what[96];
        if (e->power->dead) return FW_ERR_POWER_LOSS;
        describe_burn(e, req, k, what, sizeof what);
        uint32_t keep;
        if (fwd_sim_power_op(e->power, what, k, &keep)) {
            (void)fwd_sim_efuse_burn_bits(e, req, keep);
            e->power->cut_in_efuse = 1;
            return fwd_sim_power_lost(e->power);
        }
    }
    return fwd_sim_efuse_burn_bits(e, req, k);
}

void fwd_sim_efuse_hal(struct fwd_sim_efuse *e, struct fwd_efuse *out)
{
    out->load = ef_load;
    out->burn = ef_burn;
    out->ctx = e;
}
