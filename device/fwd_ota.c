/* SPDX-License-Identifier: Apache-2.0 */
/* OTA operations of the running app (see fwd_ota.h; FORMATS §7.4, §7.6, §8). */
#include <string.h>


#include "device/fwd_efuse.h"
#include "device/fwd_ota.h"
#include "device/fwd_otadata.h"
#include "fw_bytes.h"

#define HANDLE_MAGIC 0x4F544148u /* "HATO" */
#define SECTOR 4096u

/* ---- helpers ---- */

struct part_reader {
    struct fwd_ota_dev *dev;
    const struct fwd_part *part;
};

static int read_part(void *ctx, uint32_t off, void *buf, size_t len)
{
    struct part_reader *r = ctx;
    return fwd_part_read(&r->dev->d, r->part, off, buf, len);
}

static int is_app(const struct fwd_part *p) { return p && p->type == FW_PT_TYPE_APP; }

/* OTA slot index of p, or -1 if p is not one of the contiguous OTA slots. */
static int ota_slot_of(const struct fwd_ota_dev *dev, const struct fwd_part *p)
{
    if (!is_app(p)) return -1;
    size_t n = fwd_part_ota_count(&dev->d);
    for (size_t i = 0; i < n; i++)
        if (fwd_part_ota_slot(&dev->d, i) == p) return (int)i;
    return -1;
}

static int load_efuse(struct fwd_ota_dev *dev)
{
    const struct fwd_efuse *e = &dev->d.plat->efuse;
    int rc = e->load(e->ctx, &dev->efuse);
    /* The app never needs the flash-encryption key: fwd_dev has its schedule. */
    fw_wipe(dev->efuse.fe_key, sizeof dev->efuse.fe_key);
    return rc;
}

/* Slot a well-formed otadata sector points at, -1 otherwise. */
static int sector_slot(const struct fwd_ota_dev *dev, const struct fwd_otadata *od, int sec)
{
    uint32_t slot;
    if (fw_otadata_check_format(&od->sec[sec].e) != FW_OK) return -1;
    if (fw_otadata_slot(od->sec[sec].e.seq, (uint32_t)fwd_part_ota_count(&dev->d), &slot)) return -1;
    return (int)slot;
}

/* The sector whose entry selects the running slot (the active one), or -1. */
static int running_sector(const struct fwd_ota_dev *dev, const struct fwd_otadata *od)
{
    int slot = ota_slot_of(dev, dev->running);
    if (slot < 0 || od->active < 0) return -1;
    return sector_slot(dev, od, od->active) == slot ? od->active : -1;
}

/* ---- device ---- */

/* Common tail of both opens: eFuse snapshot, running partition. */
static int finish_open(struct fwd_ota_dev *dev, int rc, const char *running_label)
{
    if (rc == FW_OK) rc = load_efuse(dev);
    if (rc == FW_OK && running_label) {
        dev->running = fwd_part_find(&dev->d, running_label);
        if (!is_app(dev->running)) rc = FW_ERR_NOT_FOUND;
    }
    if (rc) fwd_ota_dev_close(dev);
    return rc;
}

int fwd_ota_dev_open(struct fwd_ota_dev *dev, const struct fwd_platform *plat, uint32_t pt_offset,
                     const char *running_label)
{
    if (!dev || !plat) return FW_ERR_INVALID_ARG;
    memset(dev, 0, sizeof *dev);
    return finish_open(dev, fwd_dev_open(&dev->d, plat, pt_offset), running_label);
}

int fwd_ota_dev_open_parts(struct fwd_ota_dev *dev, const struct fwd_platform *plat,
                           const struct fwd_part *parts, size_t n, const char *running_label)
{
    if (!dev || !plat || !parts) return FW_ERR_INVALID_ARG;
    memset(dev, 0, sizeof *dev);
    int rc = fwd_dev_open_blank(&dev->d, plat);
    if (rc == FW_OK) rc = fwd_dev_set_parts(&dev->d, parts, n);
    return finish_open(dev, rc, running_label);
}

void fwd_ota_dev_close(struct fwd_ota_dev *dev)
{
    if (!dev) return;
    fwd_dev_close(&dev->d);
    fw_wipe(&dev->efuse, sizeof dev->efuse);
    fw_wipe(&dev->work, sizeof dev->work);
    dev->running = NULL;
    dev->busy = 0;
}

const struct fwd_part *fwd_ota_find(const struct fwd_ota_dev *dev, const char *label)
{
    return dev && label ? fwd_part_find(&dev->d, label) : NULL;
}

/* Verification of a partition against a given eFuse image (the real one,
 * or the one a revocation would leave). */
static int verify_under(struct fwd_ota_dev *dev, const struct fwd_part *part, const struct fwd_efuse_state *ef)
{
    struct part_reader r = {dev, part};
    struct fwd_verify_policy pol = {.efuse = ef, .part_offset = part->offset};
    return fwd_verify_image(read_part, &r, part->size, &pol, &dev->work, &dev->last);
}

int fwd_ota_verify_partition(struct fwd_ota_dev *dev, const struct fwd_part *part, struct fwd_verify_result *res)
{
    if (!dev || !is_app(part)) return FW_ERR_INVALID_ARG;
    int rc = verify_under(dev, part, &dev->efuse);
    if (res) *res = dev->last;
    return rc;
}

int fwd_ota_get_partition_description(struct fwd_ota_dev *dev, const struct fwd_part *part,
                                      struct fwd_app_info *out)
{
    if (!dev || !is_app(part) || !out) return FW_ERR_INVALID_ARG;
    struct part_reader r = {dev, part};
    return fwd_verify_read_app_info(read_part, &r, part->size, out);
}

/* ---- queries ---- */

const struct fwd_part *fwd_ota_get_running_partition(const struct fwd_ota_dev *dev)
{
    return dev ? dev->running : NULL;
}

const struct fwd_part *fwd_ota_get_boot_partition(struct fwd_ota_dev *dev)
{
    struct fwd_otadata od;
    uint32_t slot;
    if (!dev) return NULL;
    if (fwd_otadata_load(&dev->d, &od) == FW_OK && fwd_otadata_active_slot(&dev->d, &od, &slot) == FW_OK)
        return fwd_part_ota_slot(&dev->d, slot);
    const struct fwd_part *f = fwd_part_find_type(&dev->d, FW_PT_TYPE_APP, FW_PT_SUB_APP_FACTORY);
    return f ? f : fwd_part_ota_slot(&dev->d, 0);
}

const struct fwd_part *fwd_ota_get_next_update_partition(struct fwd_ota_dev *dev, const struct fwd_part *start)
{
    if (!dev) return NULL;
    size_t n = fwd_part_ota_count(&dev->d);
    if (n == 0) return NULL;
    int cur = ota_slot_of(dev, start ? start : dev->running);
    return fwd_part_ota_slot(&dev->d, cur < 0 ? 0 : ((size_t)cur + 1) % n);
}

const struct fwd_part *fwd_ota_get_last_invalid_partition(struct fwd_ota_dev *dev)
{
    struct fwd_otadata od;
    if (!dev || fwd_otadata_load(&dev->d, &od) != FW_OK) return NULL;
    int best = -1;
    for (int i = 0; i < 2; i++) {
        uint32_t st = od.sec[i].e.state;
        if (sector_slot(dev, &od, i) < 0 || (st != FW_OTA_INVALID && st != FW_OTA_ABORTED)) continue;
        if (best < 0 || od.sec[i].e.seq > od.sec[best].e.seq) best = i;
    }
    return best < 0 ? NULL : fwd_part_ota_slot(&dev->d, (size_t)sector_slot(dev, &od, best));
}

int fwd_ota_get_state_partition(struct fwd_ota_dev *dev, const struct fwd_part *part, uint32_t *state)
{
    struct fwd_otadata od;
    if (!dev || !part || !state) return FW_ERR_INVALID_ARG;
    int slot = ota_slot_of(dev, part);
    if (slot < 0) return FW_ERR_UNSUPPORTED;
    int rc = fwd_otadata_load(&dev->d, &od);
    if (rc) return rc;
    int best = -1;
    for (int i = 0; i < 2; i++)
        if (sector_slot(dev, &od, i) == slot && (best < 0 || od.sec[i].e.seq > od.sec[best].e.seq)) best = i;
    if (best < 0) return FW_ERR_NOT_FOUND;
    *state = od.sec[best].e.state;
    return FW_OK;
}

/* ---- update ---- */

static int handle_ok(const struct fwd_ota_handle *h)
{
    return h && h->magic == HANDLE_MAGIC && h->dev && h->part;
}

static void handle_close(struct fwd_ota_handle *h)
{
    if (h->dev) h->dev->busy = 0;
    fw_wipe(h, sizeof *h);
}

/* Failure after begin: erase what may hold image bytes, close, return err.
 * A power loss is returned at once: the device is gone. */
static int fail(struct fwd_ota_handle *h, int err)
{
    if (err == FW_ERR_POWER_LOSS) {
        handle_close(h);
        return err;
    }
    int rc = fwd_part_erase(&h->dev->d, h->part, 0, h->erased);
    handle_close(h);
    return rc == FW_ERR_POWER_LOSS ? rc : err;
}

/* §7.4 step 6 (made stricter): no otadata entry may keep pointing at a slot
 * that is about to be overwritten, active or not. */
static int invalidate_entries_for(struct fwd_ota_dev *dev, int slot)
{
    struct fwd_otadata od;
    int rc = fwd_otadata_load(&dev->d, &od);
    if (rc == FW_ERR_NOT_FOUND) return FW_OK;
    if (rc) return rc;
    for (int i = 0; i < 2; i++)
        if (sector_slot(dev, &od, i) == slot && (rc = fwd_otadata_erase_sector(&dev->d, &od, i)) != FW_OK)
            return rc;
    return FW_OK;
}

static int running_is_pending(struct fwd_ota_dev *dev)
{
    uint32_t st;
    if (ota_slot_of(dev, dev->running) < 0) return 0;
    return fwd_ota_get_state_partition(dev, dev->running, &st) == FW_OK && st == FW_OTA_PENDING_VERIFY;
}

int fwd_ota_begin(struct fwd_ota_dev *dev, const struct fwd_part *part, uint32_t image_size,
                  struct fwd_ota_handle *h)
{
    return fwd_ota_begin_at(dev, part, image_size, 0, h);
}

int fwd_ota_begin_at(struct fwd_ota_dev *dev, const struct fwd_part *part, uint32_t image_size, uint32_t done,
                     struct fwd_ota_handle *h)
{
    if (!dev || !part || !h || done % SECTOR) return FW_ERR_INVALID_ARG;
    int slot = ota_slot_of(dev, part);
    if (slot < 0) return FW_ERR_INVALID_ARG;
    if (dev->busy || part == dev->running || running_is_pending(dev)) return FW_ERR_STATE;
    uint64_t want = (image_size == 0 || image_size == FWD_OTA_SIZE_UNKNOWN) ? part->size
                                                                            : fw_align_up(image_size, SECTOR);
    if (want > part->size) return FW_ERR_NO_SPACE;
    if (done > want) return FW_ERR_INVALID_ARG;

    /* Anti-rollback floor first: nothing is accepted below a VALID app's
     * secure_version, even if a power cut kept confirm from burning it. */
    int rc = fwd_ota_heal_secure_version(dev);
    if (rc) return rc;
    rc = invalidate_entries_for(dev, slot);
    if (rc) return rc;
    /* A resumed write keeps [0, done) and erases the rest: whatever a cut
     * left after the checkpoint is gone before anything is programmed. */
    rc = want > done ? fwd_part_erase(&dev->d, part, done, (size_t)(want - done)) : FW_OK;
    if (rc) return rc;
    memset(h, 0, sizeof *h);
    h->magic = HANDLE_MAGIC;
    h->dev = dev;
    h->part = part;
    h->erased = (uint32_t)want;
    h->wrote = h->received = done;
    h->early_done = done > 0; /* the caller checked the resumed image's descriptor */
    dev->busy = 1;
    return FW_OK;
}

uint32_t fwd_ota_programmed(const struct fwd_ota_handle *h) { return handle_ok(h) ? h->wrote : 0; }

void fwd_ota_set_early_check(struct fwd_ota_handle *h, fwd_ota_early_check_fn fn, void *arg)
{
    if (!handle_ok(h)) return;
    h->early_fn = fn;
    h->early_arg = arg;
}

/* Keep the first bytes; once the descriptor is complete, sanity-check it and
 * let the hook look at it. */
static int early_bytes(struct fwd_ota_handle *h, const uint8_t *data, size_t len)
{
    if (h->early_done) return FW_OK;
    if (h->received < FWD_APP_EARLY_BYTES) {
        size_t take = FWD_APP_EARLY_BYTES - h->received;
        if (take > len) take = len;
        memcpy(h->early + h->received, data, take);
        if (h->received + take < FWD_APP_EARLY_BYTES) return FW_OK;
    }
    h->early_done = 1;
    struct fwd_app_info info;
    if (fwd_verify_parse_app_info(h->early, sizeof h->early, &info) != FW_OK) return FW_ERR_FORMAT;
    return h->early_fn ? h->early_fn(h->early_arg, h->dev, &info) : FW_OK;
}

static int program(struct fwd_ota_handle *h, const uint8_t *p, size_t n)
{
    int rc = fwd_part_write(&h->dev->d, h->part, h->wrote, p, n);
    if (rc == FW_OK) h->wrote += (uint32_t)n;
    return rc;
}

int fwd_ota_write(struct fwd_ota_handle *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!handle_ok(h) || (len && !data)) return FW_ERR_INVALID_ARG;
    if (len == 0) return FW_OK;
    if (h->received == 0 && p[0] != FW_IMAGE_MAGIC) return fail(h, FW_ERR_MAGIC);
    if ((uint64_t)h->received + len > h->erased) return fail(h, FW_ERR_NO_SPACE);
    int rc = early_bytes(h, p, len);
    if (rc) return fail(h, rc);
    h->received += (uint32_t)len;

    /* Complete a pending partial block first (FE: 16-byte granularity, §8.3). */
    if (h->pend_len) {
        size_t take = 16u - h->pend_len;
        if (take > len) take = len;
        memcpy(h->pend + h->pend_len, p, take);
        h->pend_len = (uint8_t)(h->pend_len + take);
        p += take;
        len -= take;
        if (h->pend_len < 16) return FW_OK;
        if ((rc = program(h, h->pend, 16)) != FW_OK) return fail(h, rc);
        h->pend_len = 0;
    }
    size_t whole = len & ~(size_t)15;
    if (whole && (rc = program(h, p, whole)) != FW_OK) return fail(h, rc);
    memcpy(h->pend, p + whole, len - whole);
    h->pend_len = (uint8_t)(len - whole);
    return FW_OK;
}

/* fwd_ota_end up to (not including) the close: flush, verify, length check.
 * On failure the slot is erased and the handle closed (fail()). */
static int end_verify(struct fwd_ota_handle *h)
{
    if (!handle_ok(h)) return FW_ERR_INVALID_ARG;
    if (h->received == 0) return fail(h, FW_ERR_INVALID_ARG);
    int rc;
    if (h->pend_len) {
        memset(h->pend + h->pend_len, 0xFF, 16u - h->pend_len);
        if ((rc = program(h, h->pend, 16)) != FW_OK) return fail(h, rc);
        h->pend_len = 0;
    }
    struct fwd_ota_dev *dev = h->dev;
    rc = fwd_ota_verify_partition(dev, h->part, NULL);
    if (rc) return fail(h, rc);
    /* What was sent must be exactly the signed image: nothing after the
     * signature sector (no unverified trailing bytes stay in the slot). */
    if (dev->last.total_len != h->received) {
        dev->last.reason = FWD_VR_TOO_BIG;
        fw_fail_set(&dev->last.fail, FW_ERR_FORMAT, fwd_verify_reason_str(dev->last.reason));
        return fail(h, FW_ERR_FORMAT);
    }
    return FW_OK;
}

int fwd_ota_end(struct fwd_ota_handle *h)
{
    int rc = end_verify(h);
    if (rc) return rc;
    handle_close(h);
    return FW_OK;
}

/* The otadata half of set_boot_partition (after verification). */
static int select_boot(struct fwd_ota_dev *dev, const struct fwd_part *part, int slot)
{
    struct fwd_otadata od;
    int factory = part->subtype == FW_PT_SUB_APP_FACTORY;
    int rc = fwd_otadata_load(&dev->d, &od);
    if (rc == FW_ERR_NOT_FOUND && factory) return FW_OK;   /* no otadata: factory boots anyway */
    if (rc) return rc;
    if (factory) return fwd_otadata_erase_all(&dev->d, &od);
    return fwd_otadata_select_slot(&dev->d, &od, (uint32_t)slot, FW_OTA_NEW);
}

int fwd_ota_end_and_set_boot(struct fwd_ota_handle *h, int *verified)
{
    if (verified) *verified = 0;
    int rc = end_verify(h);
    if (rc) return rc;
    if (verified) *verified = 1;
    /* The handle is still open (dev->busy): the slot is exactly what was
     * just verified. begin made sure it is an OTA slot. */
    struct fwd_ota_dev *dev = h->dev;
    int slot = ota_slot_of(dev, h->part);
    rc = slot < 0 ? FW_ERR_INVALID_ARG : select_boot(dev, h->part, slot);
    if (rc) {
        /* Verified but not selectable: no entry may point at the slot we are
         * about to erase (a half-written one included). */
        int e = rc == FW_ERR_POWER_LOSS || slot < 0 ? FW_OK : invalidate_entries_for(dev, slot);
        return fail(h, e == FW_ERR_POWER_LOSS ? e : rc);
    }
    handle_close(h);
    return FW_OK;
}

int fwd_ota_suspend(struct fwd_ota_handle *h)
{
    if (!handle_ok(h)) return FW_ERR_INVALID_ARG;
    handle_close(h);
    return FW_OK;
}

int fwd_ota_abort(struct fwd_ota_handle *h)
{
    if (!handle_ok(h)) return FW_ERR_INVALID_ARG;
    int rc = fail(h, FW_OK);
    return rc;
}

int fwd_ota_set_boot_partition(struct fwd_ota_dev *dev, const struct fwd_part *part)
{
    if (!dev || !is_app(part) || dev->busy) return dev && dev->busy ? FW_ERR_STATE : FW_ERR_INVALID_ARG;
    int slot = ota_slot_of(dev, part);
    int factory = part->subtype == FW_PT_SUB_APP_FACTORY;
    if (slot < 0 && !factory) return FW_ERR_INVALID_ARG;
    int rc = fwd_ota_heal_secure_version(dev);      /* the floor before the rollback check */
    if (rc) return rc;
    rc = fwd_ota_verify_partition(dev, part, NULL);
    if (rc == FW_ERR_ROLLBACK && part != dev->running) {
        int e = fwd_part_erase(&dev->d, part, 0, part->size);
        return e == FW_ERR_POWER_LOSS ? e : rc;
    }
    if (rc) return rc;
    return select_boot(dev, part, slot);
}

/* ---- confirm / reject ---- */

/* Bits to add to a thermometer code so that its popcount reaches `want`. */
static uint32_t raise_bits(uint32_t cur, uint32_t want)
{
    struct fwd_efuse_state tmp = {.secure_version_bits = cur};
    uint32_t out = cur, have = fwd_efuse_secure_version(&tmp);
    for (unsigned b = 0; b < 32 && have < want; b++) {
        if (!(out & (1u << b))) {
            out |= 1u << b;
            have++;
        }
    }
    return out;
}

int fwd_ota_raise_secure_version(struct fwd_ota_dev *dev, uint32_t want)
{
    struct fwd_efuse_state st;
    if (!dev || !dev->d.plat) return FW_ERR_INVALID_ARG;
    const struct fwd_efuse *e = &dev->d.plat->efuse;
    if (want > FWD_EFUSE_SECVER_MAX) return FW_ERR_RANGE;
    int rc = e->load(e->ctx, &st);
    if (rc == FW_OK && fwd_efuse_secure_version(&st) < want) {
        st.secure_version_bits = raise_bits(st.secure_version_bits, want);
        rc = e->burn(e->ctx, &st);
    }
    fw_wipe(&st, sizeof st);
    if (rc == FW_OK) rc = load_efuse(dev);
    return rc;
}

uint32_t fwd_ota_heal_target(uint32_t secure_version)
{
    return secure_version > FWD_EFUSE_SECVER_MAX ? FWD_EFUSE_SECVER_MAX : secure_version;
}

int fwd_ota_heal_secure_version(struct fwd_ota_dev *dev)
{
    struct fwd_app_info app;
    uint32_t state;
    if (!dev) return FW_ERR_INVALID_ARG;
    if (ota_slot_of(dev, dev->running) < 0) return FW_OK;          /* nothing runs, or factory / test */
    /* the running slot's own entry (the newest one for the slot), active or
     * not: a selected-but-not-booted update does not hide a confirmed app */
    int rc = fwd_ota_get_state_partition(dev, dev->running, &state);
    if (rc == FW_ERR_NOT_FOUND) return FW_OK;
    if (rc) return rc;
    if (state != FW_OTA_VALID) return FW_OK;                        /* unconfirmed: the burn waits */
    if ((rc = load_efuse(dev)) != FW_OK) return rc;                 /* the floor as it is now */
    if ((rc = fwd_ota_get_partition_description(dev, dev->running, &app)) != FW_OK) return rc;
    if (fwd_ota_heal_target(app.desc.secure_version) <= fwd_efuse_secure_version(&dev->efuse)) return FW_OK;
    /* A burn is forever: only for the image that verifies now, at the
     * secure_version the verification read. */
    if ((rc = fwd_ota_verify_partition(dev, dev->running, NULL)) != FW_OK) return rc;
    if (dev->last.app.desc.secure_version != app.desc.secure_version) return FW_ERR_STATE;
    return fwd_ota_raise_secure_version(dev, fwd_ota_heal_target(dev->last.app.desc.secure_version));
}

int fwd_ota_mark_app_valid(struct fwd_ota_dev *dev)
{
    struct fwd_otadata od;
    struct fwd_app_info app;
    if (!dev || !dev->running) return FW_ERR_STATE;
    int rc = fwd_otadata_load(&dev->d, &od);
    if (rc) return rc;
    int sec = running_sector(dev, &od);
    if (sec < 0) return FW_ERR_STATE;
    if ((rc = fwd_ota_get_partition_description(dev, dev->running, &app)) != FW_OK) return rc;
    /* Order matters for power cuts: VALID first, then the eFuse. A cut in
     * between leaves a VALID app with the old floor; the bootloader (and any
     * OTA precondition) raises it before anything else runs, so the floor is
     * never lagging once the device is up again. The reverse order could
     * leave an unconfirmed app whose rollback target is already below the floor. */
    if (od.sec[sec].e.state != FW_OTA_VALID && (rc = fwd_otadata_set_state(&dev->d, &od, sec, FW_OTA_VALID)) != FW_OK)
        return rc;
    return fwd_ota_raise_secure_version(dev, app.desc.secure_version);
}

/* Is there something to roll back to (§8.6)? */
static int has_rollback_target(struct fwd_ota_dev *dev, const struct fwd_otadata *od, int sec)
{
    int other = 1 - sec;
    int slot = sector_slot(dev, od, other);
    if (od->sec[other].status == FW_OK && slot >= 0) {
        const struct fwd_part *p = fwd_part_ota_slot(&dev->d, (size_t)slot);
        if (p && p != dev->running && fwd_ota_verify_partition(dev, p, NULL) == FW_OK) return 1;
    }
    const struct fwd_part *f = fwd_part_find_type(&dev->d, FW_PT_TYPE_APP, FW_PT_SUB_APP_FACTORY);
    return f && fwd_ota_verify_partition(dev, f, NULL) == FW_OK;
}

int fwd_ota_mark_app_invalid(struct fwd_ota_dev *dev)
{
    struct fwd_otadata od;
    if (!dev || !dev->running) return FW_ERR_STATE;
    int rc = fwd_otadata_load(&dev->d, &od);
    if (rc) return rc;
    int sec = running_sector(dev, &od);
    if (sec < 0 || !has_rollback_target(dev, &od, sec)) return FW_ERR_STATE;
    return fwd_otadata_set_state(&dev->d, &od, sec, FW_OTA_INVALID);
}

/* ---- key revocation ---- */

int fwd_ota_revoke_key(struct fwd_ota_dev *dev, unsigned slot)
{
    struct fwd_efuse_state st, after;
    uint32_t state;
    if (!dev || !dev->d.plat || slot >= FWD_EFUSE_DIGEST_SLOTS) return FW_ERR_INVALID_ARG;
    if (!dev->running) return FW_ERR_STATE;
    const struct fwd_efuse *e = &dev->d.plat->efuse;
    int rc = load_efuse(dev);
    if (rc) return rc;
    if (!(dev->efuse.digest_present >> slot & 1)) return FW_ERR_NOT_FOUND;
    if (dev->efuse.digest_revoked >> slot & 1) return FW_OK;              /* done already (idempotent) */
    /* As ESP-IDF's conservative scheme: only a confirmed app revokes. */
    if (ota_slot_of(dev, dev->running) >= 0) {
        rc = fwd_ota_get_state_partition(dev, dev->running, &state);
        if (rc == FW_ERR_NOT_FOUND || (rc == FW_OK && state != FW_OTA_VALID)) return FW_ERR_STATE;
        if (rc) return rc;
    }
    /* The running image must verify now, and still under the eFuse as the
     * revocation leaves it (its other signatures satisfy the policy);
     * otherwise the next boot would have nothing to run. */
    if ((rc = fwd_ota_verify_partition(dev, dev->running, NULL)) != FW_OK) return rc;
    after = dev->efuse;
    after.digest_revoked |= (uint8_t)(1u << slot);
    rc = verify_under(dev, dev->running, &after);
    fw_wipe(&after, sizeof after);
    if (rc == FW_ERR_POWER_LOSS || rc == FW_ERR_IO) return rc;
    if (rc != FW_OK) return FW_ERR_REVOKED;
    /* The burn: one bit (KEY_REVOKEn), all or nothing. Requested from a
     * fresh load so it asks for no bit but that one. */
    if ((rc = e->load(e->ctx, &st)) == FW_OK) {
        st.digest_revoked |= (uint8_t)(1u << slot);
        rc = e->burn(e->ctx, &st);
    }
    fw_wipe(&st, sizeof st);
    if (rc == FW_OK) rc = load_efuse(dev);
    if (rc == FW_OK && !(dev->efuse.digest_revoked >> slot & 1)) rc = FW_ERR_IO;  /* the burn did not take */
    return rc;
}
