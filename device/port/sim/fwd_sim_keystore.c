/* SPDX-License-Identifier: Apache-2.0 */
/* Simulated key peripherals (see fwd_sim_keystore.h). */
#include "device/port/sim/fwd_sim_keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "device/fwd_crypto.h"
#include "device/fwd_fe.h"
#include "device/port/sim/fwd_sim.h"
#include "fw_bytes.h"

struct fwd_sim_vault {
    uint8_t fe_mode;
    int has_hmac;
    size_t pem_len;
    uint8_t fe_key[64];
    uint8_t hmac_key[32];
    struct fwd_fe fe;              /* key schedules of the flash-encryption block */
    uint8_t pem[FWD_SIM_KS_PEM_MAX];
};

static const size_t vault_map_len = (sizeof(struct fwd_sim_vault) + 4095u) & ~(size_t)4095u;

/* Open or close the vault around one peripheral operation. */
static void unlock(struct fwd_sim_keystore *ks) { mprotect(ks->vault, vault_map_len, PROT_READ | PROT_WRITE); }
static void lock(struct fwd_sim_keystore *ks) { mprotect(ks->vault, vault_map_len, PROT_NONE); }

void fwd_sim_keystore_close(struct fwd_sim_keystore *ks)
{
    if (!ks || !ks->vault) return;
    unlock(ks);
    fwd_fe_free(&ks->vault->fe);
    fw_wipe(ks->vault, sizeof *ks->vault);
    munmap(ks->vault, vault_map_len);
    fw_wipe(ks, sizeof *ks);
}

static int rsa_load(struct fwd_sim_vault *v, struct fwd_rsa_priv *k)
{
    fwd_rsa_priv_init(k);
    return fwd_rsa_priv_load(k, v->pem, v->pem_len, 3072);
}

int fwd_sim_keystore_open(struct fwd_sim_keystore *ks, const struct fwd_sim_keys *keys)
{
    if (!ks || !keys || keys->rsa_pem_len > FWD_SIM_KS_PEM_MAX || (keys->rsa_pem_len && !keys->rsa_pem))
        return FW_ERR_INVALID_ARG;
    memset(ks, 0, sizeof *ks);
    void *m = mmap(NULL, vault_map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return FW_ERR_NOMEM;
    ks->vault = m;
    struct fwd_sim_vault *v = ks->vault;
    v->fe_mode = keys->fe_mode;
    memcpy(v->fe_key, keys->fe_key, sizeof v->fe_key);
    v->has_hmac = keys->has_hmac;
    memcpy(v->hmac_key, keys->hmac_key, sizeof v->hmac_key);
    v->pem_len = keys->rsa_pem_len;
    if (v->pem_len) memcpy(v->pem, keys->rsa_pem, v->pem_len);
    int rc = fwd_fe_init_efuse(&v->fe, v->fe_mode, v->fe_key);
    if (rc == FW_OK && v->pem_len) {
        struct fwd_rsa_priv k;
        rc = rsa_load(v, &k);
        fwd_rsa_priv_free(&k);
    }
    fwd_sim_random_hal(&ks->rng);
    if (rc != FW_OK) {
        fwd_sim_keystore_close(ks);
        return rc;
    }
    lock(ks);
    return FW_OK;
}

static void encode(const struct fwd_sim_keys *keys, uint8_t *b, size_t *len)
{
    memset(b, 0, 108);
    memcpy(b, "FWKS", 4);
    b[4] = 1;
    b[5] = keys->fe_mode;
    b[6] = (uint8_t)(keys->has_hmac != 0);
    memcpy(b + 8, keys->fe_key, 64);
    memcpy(b + 72, keys->hmac_key, 32);
    fw_enc32le(b + 104, (uint32_t)keys->rsa_pem_len);
    if (keys->rsa_pem_len) memcpy(b + 108, keys->rsa_pem, keys->rsa_pem_len);
    *len = 108 + keys->rsa_pem_len;
}

static uint8_t file_buf[FWD_SIM_KS_FILE_SIZE];

int fwd_sim_keystore_save(const struct fwd_sim_keys *keys, const char *path)
{
    if (!keys || !path || keys->rsa_pem_len > FWD_SIM_KS_PEM_MAX) return FW_ERR_INVALID_ARG;
    size_t len;
    encode(keys, file_buf, &len);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int rc = fd < 0 ? FW_ERR_IO : FW_OK;
    for (size_t done = 0; rc == FW_OK && done < len;) {
        ssize_t n = write(fd, file_buf + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) rc = FW_ERR_IO;
        else done += (size_t)n;
    }
    if (fd >= 0 && (fsync(fd) != 0 || close(fd) != 0) && rc == FW_OK) rc = FW_ERR_IO;
    fw_wipe(file_buf, sizeof file_buf);
    return rc;
}

int fwd_sim_keystore_open_file(struct fwd_sim_keystore *ks, const char *path)
{
    if (!ks || !path) return FW_ERR_INVALID_ARG;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? FW_ERR_NOT_FOUND : FW_ERR_IO;
    size_t len = 0;
    int rc = FW_OK;
    for (;;) {
        ssize_t n = read(fd, file_buf + len, sizeof file_buf - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) rc = FW_ERR_IO;
        if (n <= 0 || (len += (size_t)n) == sizeof file_buf) break;
    }
    close(fd);
    struct fwd_sim_keys k = { 0 };
    if (rc == FW_OK && (len < 108 || memcmp(file_buf, "FWKS", 4) || file_buf[4] != 1 ||
                        fw_dec32le(file_buf + 104) != len - 108))
        rc = FW_ERR_FORMAT;
    if (rc == FW_OK) {
        k.fe_mode = file_buf[5];
        k.has_hmac = file_buf[6];
        memcpy(k.fe_key, file_buf + 8, 64);
        memcpy(k.hmac_key, file_buf + 72, 32);
        k.rsa_pem_len = len - 108;
        k.rsa_pem = k.rsa_pem_len ? file_buf + 108 : NULL;
        rc = fwd_sim_keystore_open(ks, &k);
    }
    fw_wipe(&k, sizeof k);
    fw_wipe(file_buf, sizeof file_buf);
    return rc;
}

/* ---- the peripherals ------------------------------------------------------- */

static int ks_hmac(void *ctx, const uint8_t *msg, size_t len, uint8_t out[32])
{
    struct fwd_sim_keystore *ks = ctx;
    ks->ops++;
    unlock(ks);
    int rc = ks->vault->has_hmac ? fwd_hmac_sha256(ks->vault->hmac_key, 32, msg, len, out) : FW_ERR_KEY;
    lock(ks);
    return rc;
}

static int ks_rsa(void *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
    struct fwd_sim_keystore *ks = ctx;
    ks->ops++;
    unlock(ks);
    struct fwd_rsa_priv k;
    int rc = ks->vault->pem_len ? rsa_load(ks->vault, &k) : FW_ERR_KEY;
    if (rc == FW_OK) rc = fwd_rsa_priv_raw(&k, &ks->rng, in, out, len);
    if (ks->vault->pem_len) fwd_rsa_priv_free(&k);
    lock(ks);
    return rc;
}

/* The encrypting flash driver: plain read/write/erase pass through. */
static int drv_read(void *ctx, uint32_t a, void *b, size_t n)
{
    struct fwd_sim_keystore *ks = ctx;
    return ks->inner.read(ks->inner.ctx, a, b, n);
}

static int drv_write(void *ctx, uint32_t a, const void *b, size_t n)
{
    struct fwd_sim_keystore *ks = ctx;
    return ks->inner.write(ks->inner.ctx, a, b, n);
}

static int drv_erase(void *ctx, uint32_t a, size_t n)
{
    struct fwd_sim_keystore *ks = ctx;
    return ks->inner.erase(ks->inner.ctx, a, n);
}

/* Encrypt in staging chunks, then program: the flash sees ciphertext only. */
static int drv_write_enc(void *ctx, uint32_t a, const void *b, size_t n)
{
    struct fwd_sim_keystore *ks = ctx;
    const uint8_t *p = b;
    int rc = FW_OK;
    ks->ops++;
    while (n && rc == FW_OK) {
        size_t k = n < sizeof ks->buf ? n : sizeof ks->buf;
        unlock(ks);
        rc = fwd_fe_encrypt(&ks->vault->fe, a, p, ks->buf, k);
        lock(ks);
        if (rc == FW_OK) rc = ks->inner.write(ks->inner.ctx, a, ks->buf, k);
        p += k; a += (uint32_t)k; n -= k;
    }
    fw_wipe(ks->buf, sizeof ks->buf);
    return rc;
}

static int drv_read_dec(void *ctx, uint32_t a, void *b, size_t n)
{
    struct fwd_sim_keystore *ks = ctx;
    ks->ops++;
    int rc = ks->inner.read(ks->inner.ctx, a, b, n);
    if (rc != FW_OK) return rc;
    unlock(ks);
    rc = fwd_fe_decrypt(&ks->vault->fe, a, b, b, n);
    lock(ks);
    return rc;
}

void fwd_sim_keystore_attach(struct fwd_sim_keystore *ks, struct fwd_platform *plat)
{
    ks->inner = plat->flash;
    plat->flash.read = drv_read;
    plat->flash.write = drv_write;
    plat->flash.erase = drv_erase;
    plat->flash.ctx = ks;
    unlock(ks);
    int fe_on = ks->vault->fe_mode != FWD_FE_OFF;
    int hmac = ks->vault->has_hmac;
    int rsa = ks->vault->pem_len != 0;
    lock(ks);
    plat->flash.write_encrypted = fe_on ? drv_write_enc : NULL;
    plat->flash.read_decrypted = fe_on ? drv_read_dec : NULL;
    plat->keys.hmac_sha256 = hmac ? ks_hmac : NULL;
    plat->keys.rsa_private = rsa ? ks_rsa : NULL;
    plat->keys.rsa_len = rsa ? 384 : 0;
    plat->keys.ctx = ks;
}
