/* SPDX-License-Identifier: Apache-2.0 */
/* Device context and partition access (see fwd_part.h). */
#include "device/fwd_part.h"

#include <string.h>

#include "fw_bytes.h"

int fwd_part_is_encrypted_type(uint8_t type, uint8_t subtype, uint32_t flags)
{
    return fw_pt_is_encrypted_type(type, subtype, flags);   /* the §4.1 rule lives in common/ */
}

static int dev_init(struct fwd_dev *d, const struct fwd_platform *plat)
{
    if (!d || !plat) return FW_ERR_INVALID_ARG;
    memset(d, 0, sizeof *d);
    d->plat = plat;
    struct fwd_efuse_state st;
    int rc = plat->efuse.load(plat->efuse.ctx, &st);
    if (rc == FW_OK) {
        d->fe_mode = st.fe_mode;
        d->chip_id = st.chip_id;
        d->chip_rev = st.chip_rev;
        rc = fwd_fe_init_platform(&d->fe, &st, &plat->flash);
    }
    fw_wipe(&st, sizeof st);
    return rc;
}

int fwd_dev_open_blank(struct fwd_dev *d, const struct fwd_platform *plat)
{
    int rc = dev_init(d, plat);
    if (rc) fwd_dev_close(d);
    return rc;
}

void fwd_dev_close(struct fwd_dev *d)
{
    if (!d) return;
    fwd_fe_free(&d->fe);
    fw_wipe(d->wbuf, sizeof d->wbuf);
    d->nparts = 0;
}

/* Checks beyond ESP's device validation (§6.4 only bounds-checks): a hostile
 * table must not make partitions overlap (a plaintext partition over an
 * encrypted one would write plaintext into it), start off a sector, be empty
 * or share a label. */
int fwd_part_validate(const struct fwd_part *parts, size_t n, uint32_t flash_size, uint32_t sector)
{
    for (size_t i = 0; i < n; i++) {
        const struct fwd_part *p = &parts[i];
        if (p->size == 0 || (uint64_t)p->offset + p->size > flash_size) return FW_ERR_RANGE;
        if (sector && p->offset % sector) return FW_ERR_ALIGN;
        for (size_t j = 0; j < i; j++) {
            const struct fwd_part *q = &parts[j];
            if ((uint64_t)p->offset < (uint64_t)q->offset + q->size && (uint64_t)q->offset < (uint64_t)p->offset + p->size)
                return FW_ERR_FORMAT;
            if (!strncmp(p->label, q->label, FW_PT_LABEL_LEN)) return FW_ERR_FORMAT;
        }
    }
    return FW_OK;
}

int fwd_dev_set_parts(struct fwd_dev *d, const struct fwd_part *parts, size_t n)
{
    if (!d || (n && !parts)) return FW_ERR_INVALID_ARG;
    if (n > FWD_PART_MAX) return FW_ERR_NO_SPACE;
    int rc = fwd_part_validate(parts, n, d->plat->flash.size, d->plat->flash.sector_size);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        if (&d->parts[i] != &parts[i]) d->parts[i] = parts[i]; /* load_from validates in place */
        d->parts[i].label[FW_PT_LABEL_LEN] = 0;
        d->parts[i].encrypted = (uint8_t)(d->fe_mode != FWD_FE_OFF &&
                                          fwd_part_is_encrypted_type(parts[i].type, parts[i].subtype, parts[i].flags));
    }
    d->nparts = n;
    return FW_OK;
}

const struct fwd_part *fwd_part_find(const struct fwd_dev *d, const char *label)
{
    if (!d || !label) return NULL;
    for (size_t i = 0; i < d->nparts; i++)
        if (!strcmp(d->parts[i].label, label))
            return &d->parts[i];
    return NULL;
}

const struct fwd_part *fwd_part_find_type(const struct fwd_dev *d, uint8_t type, unsigned subtype)
{
    if (!d) return NULL;
    for (size_t i = 0; i < d->nparts; i++)
        if (d->parts[i].type == type && (subtype == FWD_PST_ANY || d->parts[i].subtype == subtype))
            return &d->parts[i];
    return NULL;
}

size_t fwd_part_ota_count(const struct fwd_dev *d)
{
    size_t n = 0;
    while (n < 16 && fwd_part_find_type(d, FW_PT_TYPE_APP, FW_PT_SUB_APP_OTA_MIN + (unsigned)n)) n++;
    return n;
}

const struct fwd_part *fwd_part_ota_slot(const struct fwd_dev *d, size_t slot)
{
    if (slot >= fwd_part_ota_count(d)) return NULL;
    return fwd_part_find_type(d, FW_PT_TYPE_APP, FW_PT_SUB_APP_OTA_MIN + (unsigned)slot);
}

/* ---- absolute access ---------------------------------------------------- */

/* One decrypted range of 16-aligned blocks: the driver's transparent
 * decryption, or a raw read decrypted here with the eFuse key. */
static int read_blocks(struct fwd_dev *d, uint32_t addr, uint8_t *buf, size_t n)
{
    const struct fwd_flash *f = &d->plat->flash;
    if (d->fe.transparent) return fwd_flash_read_decrypted(f, addr, buf, n);
    int rc = fwd_flash_read(f, addr, buf, n);
    return rc ? rc : fwd_fe_decrypt(&d->fe, addr, buf, buf, n);
}

/* Decrypting read of any range: the enclosing 16-byte blocks at the edges go
 * through a 16-byte scratch, the aligned middle is decrypted in place. */
static int read_decrypt(struct fwd_dev *d, uint32_t addr, uint8_t *buf, size_t len)
{
    uint8_t blk[FWD_FE_BLOCK];
    int rc;
    while (len) {
        uint32_t head = addr % FWD_FE_BLOCK;
        if (head || len < FWD_FE_BLOCK) {
            uint32_t base = addr - head;
            size_t n = FWD_FE_BLOCK - head;
            if (n > len) n = len;
            if ((rc = read_blocks(d, base, blk, FWD_FE_BLOCK))) return rc;
            memcpy(buf, blk + head, n);
            fw_wipe(blk, sizeof blk);
            buf += n; addr += (uint32_t)n; len -= n;
            continue;
        }
        size_t n = len - len % FWD_FE_BLOCK;
        if ((rc = read_blocks(d, addr, buf, n))) return rc;
        buf += n; addr += (uint32_t)n; len -= n;
    }
    return FW_OK;
}

static int write_encrypt(struct fwd_dev *d, uint32_t addr, const uint8_t *buf, size_t len)
{
    if (addr % FWD_FE_BLOCK || len % FWD_FE_BLOCK) return FW_ERR_ALIGN;
    /* Plaintext goes to the driver only when it encrypts it (fwd_fe_init_platform). */
    if (d->fe.transparent) return fwd_flash_write_encrypted(&d->plat->flash, addr, buf, len);
    int rc = FW_OK;
    while (len && rc == FW_OK) {
        size_t n = len < sizeof d->wbuf ? len : sizeof d->wbuf;
        rc = fwd_fe_encrypt(&d->fe, addr, buf, d->wbuf, n);
        if (rc == FW_OK) rc = fwd_flash_write(&d->plat->flash, addr, d->wbuf, n);
        buf += n; addr += (uint32_t)n; len -= n;
    }
    return rc;
}

static int abs_range_ok(const struct fwd_dev *d, uint32_t addr, size_t len)
{
    return d && d->plat && (uint64_t)addr + (uint64_t)len <= d->plat->flash.size;
}

int fwd_dev_read_abs(struct fwd_dev *d, uint32_t addr, void *buf, size_t len, int decrypt)
{
    if (!abs_range_ok(d, addr, len) || (len && !buf)) return FW_ERR_RANGE;
    if (decrypt && d->fe_mode != FWD_FE_OFF) return read_decrypt(d, addr, buf, len);
    return fwd_flash_read(&d->plat->flash, addr, buf, len);
}

int fwd_dev_write_abs(struct fwd_dev *d, uint32_t addr, const void *buf, size_t len, int encrypt)
{
    if (!abs_range_ok(d, addr, len) || (len && !buf)) return FW_ERR_RANGE;
    if (encrypt && d->fe_mode != FWD_FE_OFF) return write_encrypt(d, addr, buf, len);
    return fwd_flash_write(&d->plat->flash, addr, buf, len);
}

/* ---- partition-relative access ------------------------------------------ */

static int part_range(const struct fwd_part *p, uint32_t off, size_t len, uint32_t *addr)
{
    if (!p) return FW_ERR_INVALID_ARG;
    if ((uint64_t)off + (uint64_t)len > p->size) return FW_ERR_RANGE;
    *addr = p->offset + off;
    return FW_OK;
}

int fwd_part_read(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, void *buf, size_t len)
{
    uint32_t a;
    int rc = part_range(p, off, len, &a);
    return rc ? rc : fwd_dev_read_abs(d, a, buf, len, p->encrypted);
}

int fwd_part_write(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, const void *buf, size_t len)
{
    uint32_t a;
    int rc = part_range(p, off, len, &a);
    return rc ? rc : fwd_dev_write_abs(d, a, buf, len, p->encrypted);
}

int fwd_part_read_raw(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, void *buf, size_t len)
{
    uint32_t a;
    int rc = part_range(p, off, len, &a);
    return rc ? rc : fwd_dev_read_abs(d, a, buf, len, 0);
}

int fwd_part_write_raw(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, const void *buf, size_t len)
{
    uint32_t a;
    int rc = part_range(p, off, len, &a);
    return rc ? rc : fwd_dev_write_abs(d, a, buf, len, 0);
}

int fwd_part_erase(struct fwd_dev *d, const struct fwd_part *p, uint32_t off, size_t len)
{
    uint32_t a;
    int rc = part_range(p, off, len, &a);
    if (rc) return rc;
    return fwd_flash_erase(&d->plat->flash, a, len);
}
