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
 *   0x6B  1  reserved (0)
 *   0x6C  4  SECURE_VERSION thermometer bits (value = popcount)
 *   0x70  2  chip id
 *   0x72  2  chip revision (major*100 + minor)
 *   0x74 64  flash-encryption key in key-file order (32 bytes used for XTS-AES-128)
 *   0xB4 76  reserved (0)
 * Burning ORs the requested bits into the block (bits never clear); the file is
 * rewritten with one pwrite + fsync.
 */
#include "device/sim/fwd_sim.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fw_bytes.h"

#define EF_MAGIC "FWEF"
#define EF_VERSION 1
#define OFF_DIGEST 0x08
#define OFF_PRESENT 0x68
#define OFF_REVOKED 0x69
#define OFF_FE_MODE 0x6A
#define OFF_SECVER 0x6C
#define OFF_CHIP 0x70
#define OFF_REV 0x72
#define OFF_FE_KEY 0x74

void fwd_sim_efuse_encode(const struct fwd_efuse_state *st, uint8_t b[FWD_SIM_EFUSE_FILE_SIZE])
{
    memset(b, 0, FWD_SIM_EFUSE_FILE_SIZE);
    memcpy(b, EF_MAGIC, 4);
    b[4] = EF_VERSION;
    memcpy(b + OFF_DIGEST, st->digest, sizeof st->digest);
    b[OFF_PRESENT] = st->digest_present;
    b[OFF_REVOKED] = st->digest_revoked;
    b[OFF_FE_MODE] = st->fe_mode;
    fw_enc32le(b + OFF_SECVER, st->secure_version_bits);
    fw_enc16le(b + OFF_CHIP, st->chip_id);
    fw_enc16le(b + OFF_REV, st->chip_rev);
    memcpy(b + OFF_FE_KEY, st->fe_key, sizeof st->fe_key);
}

int fwd_sim_efuse_decode(const uint8_t b[FWD_SIM_EFUSE_FILE_SIZE], struct fwd_efuse_state *st)
{
    if (memcmp(b, EF_MAGIC, 4) || b[4] != EF_VERSION) return FW_ERR_MAGIC;
    memset(st, 0, sizeof *st);
    memcpy(st->digest, b + OFF_DIGEST, sizeof st->digest);
    st->digest_present = b[OFF_PRESENT];
    st->digest_revoked = b[OFF_REVOKED];
    st->fe_mode = b[OFF_FE_MODE];
    st->secure_version_bits = fw_dec32le(b + OFF_SECVER);
    st->chip_id = fw_dec16le(b + OFF_CHIP);
    st->chip_rev = fw_dec16le(b + OFF_REV);
    memcpy(st->fe_key, b + OFF_FE_KEY, sizeof st->fe_key);
    return FW_OK;
}

void fwd_sim_efuse_open_mem(struct fwd_sim_efuse *e)
{
    struct fwd_efuse_state blank;
    memset(&blank, 0, sizeof blank);
    e->fd = -1;
    fwd_sim_efuse_encode(&blank, e->blob);
}

int fwd_sim_efuse_open_file(struct fwd_sim_efuse *e, const char *path, int create)
{
    e->fd = -1;
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
    return fwd_sim_efuse_decode(e->blob, out);
}

static int ef_burn(void *ctx, const struct fwd_efuse_state *req)
{
    struct fwd_sim_efuse *e = ctx;
    uint8_t want[FWD_SIM_EFUSE_FILE_SIZE];
    fwd_sim_efuse_encode(req, want);
    for (size_t i = 0; i < sizeof want; i++) want[i] |= e->blob[i];
    if (e->fd >= 0 && (pwrite(e->fd, want, sizeof want, 0) != (ssize_t)sizeof want || fsync(e->fd) != 0)) {
        fw_wipe(want, sizeof want);
        return FW_ERR_IO;
    }
    memcpy(e->blob, want, sizeof want);
    fw_wipe(want, sizeof want);
    return FW_OK;
}

void fwd_sim_efuse_hal(struct fwd_sim_efuse *e, struct fwd_efuse *out)
{
    out->load = ef_load;
    out->burn = ef_burn;
    out->ctx = e;
}
