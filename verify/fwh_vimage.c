/* SPDX-License-Identifier: Apache-2.0 */
/* App image checks of the verifier (FORMATS §1.9, §1.10, §2.1) on top of the
 * crypto-free streaming parser common/fw_image: header, segment walk,
 * checksum, appended SHA-256, app descriptor, sector position, chip and
 * anti-rollback floor. */
#include "verify/fwh_verify.h"

#include <stdlib.h>
#include <string.h>

#include "fw_bytes.h"
#include "fw_boot_desc.h"
#include "fw_err.h"
#include "fw_image.h"

struct fwh_vimage {
    struct fw_image_parser p;
    uint8_t digest[32];   /* SHA-256 of [0, hash_end): the "simple hash", from the verifier's one pass */
    int have_digest;
    int feed_err;
};

struct fwh_vimage *fwh_vimage_new_kind(int bootloader)
{
    struct fwh_vimage *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    fw_image_parser_init_kind(&m->p, FW_IMAGE_NO_LIMIT, bootloader ? FW_IMAGE_KIND_BOOTLOADER : FW_IMAGE_KIND_APP);
    return m;
}

struct fwh_vimage *fwh_vimage_new(void) { return fwh_vimage_new_kind(0); }

void fwh_vimage_free(struct fwh_vimage *m)
{
    free(m);
}

int fwh_vimage_update(struct fwh_vimage *m, const uint8_t *p, size_t n)
{
    if (m->feed_err) return FW_OK; /* sticky: the first error is reported by finish */
    int rc = fw_image_parser_feed(&m->p, p, n);
    if (rc < 0) m->feed_err = rc;
    return FW_OK;
}

uint64_t fwh_vimage_hash_end(const struct fwh_vimage *m)
{
    return m->p.layout_known ? m->p.hash_end : UINT64_MAX;
}

void fwh_vimage_set_digest(struct fwh_vimage *m, const uint8_t digest[32])
{
    memcpy(m->digest, digest, 32);
    m->have_digest = 1;
}

static void header_check(const struct fw_image_header *h, struct fwh_report *r)
{
    if (!h) {
        fwh_report_add(r, "image.header", FWH_FAIL, 1, FW_ERR_TRUNCATED, "shorter than an image header (24 bytes)");
        return;
    }
    int rc = fw_image_header_check(h);
    if (rc == FW_ERR_MAGIC)
        fwh_report_add(r, "image.header", FWH_FAIL, 1, rc,
                       "bad image magic 0x%02x (expected 0xE9): not an ESP app image (--raw verifies any file)", h->magic);
    else if (rc == FW_ERR_RANGE)
        fwh_report_add(r, "image.header", FWH_FAIL, 1, rc, "segment count %u out of range 1..16", h->segment_count);
    else if (rc)
        fwh_report_add(r, "image.header", FWH_FAIL, 1, rc, "hash_appended %u is not 0 or 1", h->hash_appended);
    else
        fwh_report_add(r, "image.header", FWH_PASS, 1, 0, "chip %s (0x%04x), %u segments",
                       fw_chip_name(h->chip_id) ? fw_chip_name(h->chip_id) : "unknown", h->chip_id, h->segment_count);
}

static void structure_check(struct fwh_vimage *m, int fin, struct fwh_report *r)
{
    const struct fw_image_parser *p = &m->p;
    if (m->feed_err == FW_ERR_MAGIC && p->seg_seen > 0)
        fwh_report_add(r, "image.structure", FWH_FAIL, 1, m->feed_err,
                       p->kind == FW_IMAGE_KIND_BOOTLOADER ? "bootloader descriptor magic is not 0x50 at offset 0x20"
                                                           : "app descriptor magic is not 0xABCD5432 at offset 0x20");
    else if (m->feed_err)
        fwh_report_add(r, "image.structure", FWH_FAIL, 1, m->feed_err, "segment walk failed near offset %llu: %s",
                       (unsigned long long)p->pos, fw_strerror(m->feed_err));
    else if (fin == FW_ERR_TRUNCATED)
        fwh_report_add(r, "image.structure", FWH_FAIL, 1, fin, "image truncated (file ends inside the image)");
    else
        fwh_report_add(r, "image.structure", FWH_PASS, 1, 0, "%u segments, image length E = %llu",
                       p->header.segment_count, (unsigned long long)p->image_len);
}

static void integrity_checks(struct fwh_vimage *m, struct fwh_report *r)
{
    const struct fw_image_parser *p = &m->p;
    if (!fw_image_parser_done(p)) {
        fwh_report_add(r, "image.checksum", FWH_SKIP, 1, 0, "image incomplete");
        fwh_report_add(r, "image.sha256", FWH_SKIP, 1, 0, "image incomplete");
        return;
    }
    if (p->checksum_ok)
        fwh_report_add(r, "image.checksum", FWH_PASS, 1, 0, "0x%02x", p->stored_checksum);
    else
        fwh_report_add(r, "image.checksum", FWH_FAIL, 1, FW_ERR_CHECKSUM,
                       "checksum mismatch (stored 0x%02x, computed 0x%02x): image modified", p->stored_checksum,
                       p->checksum);
    const uint8_t *stored = fw_image_parser_stored_hash(p);
    if (!stored) {
        fwh_report_add(r, "image.sha256", FWH_FAIL, 1, FW_ERR_DIGEST, "no appended SHA-256 (hash_appended = 0)");
    } else if (!m->have_digest) {
        fwh_report_add(r, "image.sha256", FWH_FAIL, 1, FW_ERR_CRYPTO, "SHA-256 failed");
    } else if (!fw_ct_equal(m->digest, stored, 32)) {
        fwh_report_add(r, "image.sha256", FWH_FAIL, 1, FW_ERR_DIGEST,
                       "appended SHA-256 does not match the image: image modified");
    } else {
        fwh_report_add(r, "image.sha256", FWH_PASS, 1, 0, "appended SHA-256 matches");
    }
}

static void layout_checks(const struct fw_image_parser *p, uint64_t total, const struct fwh_verify_opts *o,
                          struct fwh_report *r)
{
    const struct fw_app_desc *d = fw_image_parser_app_desc(p);
    const struct fw_image_header *h = fw_image_parser_header(p);
    struct fw_boot_desc bd;
    int boot = p->kind == FW_IMAGE_KIND_BOOTLOADER;
    memset(&bd, 0, sizeof bd);
    if (boot && fw_image_parser_raw_desc(p)) fw_boot_desc_decode(fw_image_parser_raw_desc(p), &bd);
    if (boot && bd.magic_byte == FW_BOOT_DESC_MAGIC)
        fwh_report_add(r, "image.boot_desc", FWH_PASS, 1, 0, "bootloader version %u secure_version %u idf_ver '%s'",
                       (unsigned)bd.version, (unsigned)bd.secure_version, bd.idf_ver);
    else if (boot)
        fwh_report_add(r, "image.boot_desc", FWH_FAIL, 1, FW_ERR_MAGIC, "no esp_bootloader_desc_t (magic 0x50) at 0x20");
    else if (d && d->magic_word == FW_APP_DESC_MAGIC)
        fwh_report_add(r, "image.app_desc", FWH_PASS, 1, 0, "project '%s' version '%s' secure_version %u",
                       d->project_name, d->version, d->secure_version);
    else
        fwh_report_add(r, "image.app_desc", FWH_FAIL, 1, FW_ERR_MAGIC, "no esp_app_desc_t (magic 0xABCD5432) at 0x20");

    if (!fw_image_parser_done(p))
        fwh_report_add(r, "image.sector_offset", FWH_SKIP, 1, 0, "image incomplete");
    else if (total >= FW_SBV2_SECTOR_SIZE && p->sig_off == total - FW_SBV2_SECTOR_SIZE)
        fwh_report_add(r, "image.sector_offset", FWH_PASS, 1, 0, "signature sector at 0x%llx = ALIGN_UP(E, 4096)",
                       (unsigned long long)p->sig_off);
    else
        fwh_report_add(r, "image.sector_offset", FWH_FAIL, 1, FW_ERR_FORMAT,
                       "signature sector belongs at 0x%llx (ALIGN_UP(E, 4096)) but the file is %llu bytes",
                       (unsigned long long)p->sig_off, (unsigned long long)total);

    if (o->have_chip) {
        if (h && h->chip_id == o->chip_id)
            fwh_report_add(r, "image.chip", FWH_PASS, 1, 0, "chip id 0x%04x", h->chip_id);
        else
            fwh_report_add(r, "image.chip", FWH_FAIL, 1, FW_ERR_CHIP, "image is for chip %s (0x%04x), expected %s",
                           h && fw_chip_name(h->chip_id) ? fw_chip_name(h->chip_id) : "unknown", h ? h->chip_id : 0xFFFF,
                           fw_chip_name(o->chip_id) ? fw_chip_name(o->chip_id) : "?");
    }
    if (o->have_min_secure_version && boot) {
        if (bd.magic_byte == FW_BOOT_DESC_MAGIC && bd.secure_version >= o->min_secure_version)
            fwh_report_add(r, "image.secure_version", FWH_PASS, 1, 0, "bootloader secure_version %u >= %u",
                           (unsigned)bd.secure_version, o->min_secure_version);
        else
            fwh_report_add(r, "image.secure_version", FWH_FAIL, 1, FW_ERR_ROLLBACK,
                           "bootloader secure_version %u below the anti-rollback floor %u", (unsigned)bd.secure_version,
                           o->min_secure_version);
    } else if (o->have_min_secure_version) {
        if (d && d->magic_word == FW_APP_DESC_MAGIC && d->secure_version >= o->min_secure_version)
            fwh_report_add(r, "image.secure_version", FWH_PASS, 1, 0, "secure_version %u >= %u", d->secure_version,
                           o->min_secure_version);
        else
            fwh_report_add(r, "image.secure_version", FWH_FAIL, 1, FW_ERR_ROLLBACK,
                           "secure_version %u below the anti-rollback floor %u", d ? d->secure_version : 0,
                           o->min_secure_version);
    }
}

void fwh_vimage_finish(struct fwh_vimage *m, uint64_t total, const struct fwh_verify_opts *o, struct fwh_report *r)
{
    const struct fw_image_header *h = fw_image_parser_header(&m->p);
    header_check(h, r);
    if (!h || fw_image_header_check(h)) return; /* not an app image: the other checks would only repeat it */
    structure_check(m, fw_image_parser_finish(&m->p), r);
    integrity_checks(m, r);
    layout_checks(&m->p, total, o, r);
}
