/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming verification of an app image in a partition (see fwd_verify.h).
 * The image is read once, 4 KiB at a time, into the caller's work buffer;
 * the same bytes go to the fw_image push parser and to ONE SHA-256 pass over
 * [0, S) (the "signed" digest). The "simple hash" covers [0, hash_end), a
 * prefix of [0, S) (hash_end <= image_len <= S): when the pass reaches
 * hash_end the context is cloned and the clone finished, so each byte is
 * hashed once. Nothing is read twice, so what is hashed is what was checked. */
#include <string.h>

#include "device/fwd_crypto.h"
#include "device/fwd_efuse.h"
#include "device/fwd_sig.h"
#include "device/fwd_verify.h"
#include "fw_bytes.h"
#include "fw_image.h"

struct stream {
    struct fw_image_parser p;
    struct fwd_hash_ctx sig;
    struct fwd_hash_ctx sig384;      /* SHA-384 of [0, S): only on SHA-384 devices */
    int want384;
    uint8_t simple_hash[FW_IMAGE_HASH_LEN];
    int have_simple;                 /* simple_hash holds SHA-256 of [0, hash_end) */
};

static int set_reason(struct fwd_verify_result *res, int reason, int err)
{
    res->reason = reason;
    return fw_fail_set(&res->fail, err, fwd_verify_reason_str(reason));
}

static void fill_app_info(const struct fw_image_header *h, const struct fw_app_desc *d, struct fwd_app_info *a)
{
    memset(a, 0, sizeof *a);
    if (h) {
        a->chip_id = h->chip_id;
        a->min_chip_rev = h->min_chip_rev_full;
        a->max_chip_rev = h->max_chip_rev_full;
    }
    if (d) a->desc = *d;   /* common's decoder NUL-terminates every string */
}

/* Which rule a parser error broke. */
static int parser_reason(const struct fw_image_parser *p, int err)
{
    if (err == FW_ERR_NO_SPACE || err == FW_ERR_TRUNCATED) return FWD_VR_TOO_BIG;
    if (!p->have_header || fw_image_header_check(&p->header) != FW_OK) return FWD_VR_HEADER;
    if (p->seg_seen == 0 && err == FW_ERR_FORMAT) return FWD_VR_APP_DESC;   /* segment 0 < 256 bytes */
    if (p->seg_seen == 1 && !p->have_desc && err == FW_ERR_MAGIC) return FWD_VR_APP_DESC; /* or bootloader descriptor */
    return FWD_VR_SEGMENT;
}

/* Snapshot of the running pass at exactly hash_end bytes: clone + finish. */
static int take_simple(struct stream *st)
{
    struct fwd_hash_ctx c;
    int rc = fwd_hash_clone(&c, &st->sig);
    if (rc == FW_OK) rc = fwd_hash_finish(&c, st->simple_hash, sizeof st->simple_hash);
    fwd_hash_free(&c);
    if (rc) return rc;
    st->have_simple = 1;
    return 0;
}

/* Hash the chunk [off, off+n): up to hash_end, snapshot there, then up to S.
 * nh <= ns always, since hash_end <= S and both are known from the same
 * parser state. */
static int hash_chunk(struct stream *st, uint64_t off, const uint8_t *b, size_t n)
{
    size_t nh = fw_image_parser_in_hash(&st->p, off, n);
    size_t ns = fw_image_parser_in_signed(&st->p, off, n);
    if (nh > ns) return -1;
    if (fwd_hash_update(&st->sig, b, nh)) return -1;
    if (!st->have_simple && st->p.layout_known && off + nh == st->p.hash_end && take_simple(st)) return -1;
    if (st->want384 && fwd_hash_update(&st->sig384, b, ns)) return -1;
    return fwd_hash_update(&st->sig, b + nh, ns - nh) ? -1 : 0;
}

/* Feed [0, S) through parser + the hash pass; afterwards p.layout_known. */
static int stream_image(fwd_verify_read_fn rd, void *ctx, uint32_t part_size, struct stream *st,
                        struct fwd_verify_work *w, struct fwd_verify_result *res)
{
    uint64_t off = 0;
    for (;;) {
        uint64_t end = st->p.layout_known && fw_image_parser_done(&st->p) ? st->p.sig_off : part_size;
        if (end > part_size) return set_reason(res, FWD_VR_TOO_BIG, FW_ERR_NO_SPACE);
        if (off >= end) break;
        size_t n = (size_t)(end - off < sizeof w->buf ? end - off : sizeof w->buf);
        int rc = rd(ctx, (uint32_t)off, w->buf, n);
        if (rc) return set_reason(res, FWD_VR_IO, rc);
        rc = fw_image_parser_feed(&st->p, w->buf, n);
        if (rc) return set_reason(res, parser_reason(&st->p, rc), rc);
        if (hash_chunk(st, off, w->buf, n)) return set_reason(res, FWD_VR_IO, FW_ERR_CRYPTO);
        off += n;
    }
    if (!fw_image_parser_done(&st->p)) return set_reason(res, FWD_VR_TOO_BIG, FW_ERR_TRUNCATED);
    return FW_OK;
}

/* Rules 2, 5-7 and 9 once the whole image went through the parser. */
static int check_structure(struct stream *st, const struct fwd_verify_policy *pol, struct fwd_verify_result *res)
{
    const struct fw_image_parser *p = &st->p;
    const struct fw_image_header *h = fw_image_parser_header(p);
    const struct fw_app_desc *d = fw_image_parser_app_desc(p);
    int rc = fw_image_parser_finish(p);
    if (rc == FW_ERR_CHECKSUM) return set_reason(res, FWD_VR_CHECKSUM, rc);
    if (rc) return set_reason(res, parser_reason(p, rc), rc);
    int boot = pol->kind == FW_IMAGE_KIND_BOOTLOADER;
    if (!h || (!boot && !d) || (boot && !fw_image_parser_raw_desc(p))) return set_reason(res, FWD_VR_APP_DESC, FW_ERR_FORMAT);
    if (boot) {
        fw_boot_desc_decode(fw_image_parser_raw_desc(p), &res->boot);
        if (h->chip_id != pol->efuse->chip_id || !fw_image_chip_rev_ok(h->min_chip_rev_full, 0, pol->efuse->chip_rev))
            return set_reason(res, FWD_VR_CHIP, FW_ERR_CHIP);
    } else if (fw_image_check_chip(h, pol->efuse->chip_id, pol->efuse->chip_rev))
        return set_reason(res, FWD_VR_CHIP, FW_ERR_CHIP);
    if (fw_image_check_mapping(h->chip_id, p->seg, p->seg_seen, pol->part_offset, boot ? 0x10000u : fw_app_desc_mmu_page(d)))
        return set_reason(res, FWD_VR_SEGMENT, FW_ERR_ALIGN);
    /* This project always requires the appended SHA-256 (§1.10 rule 7). */
    const uint8_t *stored = fw_image_parser_stored_hash(p);
    if (h->hash_appended != 1 || !stored) return set_reason(res, FWD_VR_HEADER, FW_ERR_FORMAT);
    /* A completed stream always passed hash_end; fail closed if not. */
    if (!st->have_simple) return set_reason(res, FWD_VR_IO, FW_ERR_CRYPTO);
    if (!fw_ct_equal(stored, st->simple_hash, sizeof st->simple_hash)) return set_reason(res, FWD_VR_HASH, FW_ERR_DIGEST);
    return FW_OK;
}

static int check_anti_rollback(const struct fwd_verify_policy *pol, struct fwd_verify_result *res)
{
    if (pol->kind == FW_IMAGE_KIND_BOOTLOADER) return FW_OK; /* its own eFuse field: see fwd_verify_policy.kind */
    if (res->app.desc.secure_version < fwd_efuse_secure_version(pol->efuse))
        return set_reason(res, FWD_VR_ROLLBACK, FW_ERR_ROLLBACK);
    return FW_OK;
}

static int check_signature(fwd_verify_read_fn rd, void *ctx, uint32_t part_size, struct stream *st,
                           const struct fwd_verify_policy *pol, struct fwd_verify_work *w,
                           struct fwd_verify_result *res)
{
    uint64_t s = st->p.sig_off;
    if (s + FWD_SBV2_SECTOR > part_size) return set_reason(res, FWD_VR_TOO_BIG, FW_ERR_NO_SPACE);
    if (fwd_hash_finish(&st->sig, res->digest, sizeof res->digest)) return set_reason(res, FWD_VR_IO, FW_ERR_CRYPTO);
    /* The digest the device's trusted keys sign (a device trusts one
     * digest: SHA-384 when eFuse SECURE_BOOT_SHA384_EN is burned). */
    const uint8_t *signed_digest = res->digest;
    size_t signed_len = sizeof res->digest;
    if (st->want384) {
        if (fwd_hash_finish(&st->sig384, res->digest384, sizeof res->digest384))
            return set_reason(res, FWD_VR_IO, FW_ERR_CRYPTO);
        signed_digest = res->digest384;
        signed_len = sizeof res->digest384;
    }
    res->sig_off = (uint32_t)s;
    res->total_len = (uint32_t)(s + FWD_SBV2_SECTOR);
    int rc = rd(ctx, (uint32_t)s, w->buf, FWD_SBV2_SECTOR);
    if (rc) return set_reason(res, FWD_VR_IO, rc);
    return fwd_verify_sig_sector(w->buf, signed_digest, signed_len, pol->efuse, res);
}

int fwd_verify_image(fwd_verify_read_fn rd, void *rd_ctx, uint32_t part_size,
                     const struct fwd_verify_policy *pol, struct fwd_verify_work *w,
                     struct fwd_verify_result *res)
{
    struct stream st;
    if (!res) return FW_ERR_INVALID_ARG;
    memset(res, 0, sizeof *res);
    res->block = res->key_slot = -1;
    set_reason(res, FWD_VR_IO, FW_ERR_INVALID_ARG);
    if (!rd || !pol || !pol->efuse || !w) return res->fail.code;

    if (pol->kind != FW_IMAGE_KIND_APP && pol->kind != FW_IMAGE_KIND_BOOTLOADER) return res->fail.code;
    fw_image_parser_init_kind(&st.p, part_size, (enum fw_image_kind)pol->kind);
    st.have_simple = 0;
    /* The appended image hash is SHA-256 (a format rule, common/fw_image),
     * and so is the digest RSA-3072, P-256 and P-192 sign: one pass serves
     * both. P-384 signs SHA-384, but the blocks sit after the data, so the
     * verifier must know before the first byte: the eFuse says (SHA384_EN,
     * as on ESP32-C5, where all keys are then P-384) and only such a device
     * pays for the second pass (docs/architecture.md has the cost). */
    st.want384 = pol->efuse->sb_sha384 != 0;
    /* The digest the eFuse asks for must be one a linked scheme signs
     * (fwd_sig.h: a port may link a table without P-384): otherwise no
     * image can verify, and the reason says why. Before any hash starts. */
    if (!fwd_sig_table_signs(st.want384 ? FWD_HASH_SHA384 : FWD_VERIFY_DIGEST_ALG))
        return set_reason(res, FWD_VR_SCHEME, FW_ERR_UNSUPPORTED);
    int rc = FW_ERR_CRYPTO;
    int s256 = fwd_hash_start(&st.sig, FWD_VERIFY_DIGEST_ALG);
    int s384 = st.want384 ? fwd_hash_start(&st.sig384, FWD_HASH_SHA384) : FW_OK;
    if (s256 || s384) {
        set_reason(res, FWD_VR_IO, rc);
        goto out;
    }
    rc = stream_image(rd, rd_ctx, part_size, &st, w, res);
    fill_app_info(fw_image_parser_header(&st.p), fw_image_parser_app_desc(&st.p), &res->app);
    if (rc) goto out;
    res->image_len = (uint32_t)st.p.image_len;
    if ((rc = check_structure(&st, pol, res)) != FW_OK) goto out;
    if ((rc = check_anti_rollback(pol, res)) != FW_OK) goto out;
    rc = check_signature(rd, rd_ctx, part_size, &st, pol, w, res); /* always: no policy turns it off */
out:
    fwd_hash_free(&st.sig);
    if (st.want384) fwd_hash_free(&st.sig384);
    fw_wipe(st.simple_hash, sizeof st.simple_hash);
    fw_wipe(w->buf, sizeof w->buf);
    /* Never report success unless every step said so. */
    if (rc != FW_OK || res->reason != FWD_VR_OK) {
        if (rc == FW_OK) rc = FW_ERR_SIGNATURE;
        if (res->reason == FWD_VR_OK) res->reason = FWD_VR_SIGNATURE;
        fw_fail_set(&res->fail, rc, fwd_verify_reason_str(res->reason));
    }
    return rc;
}

int fwd_verify_parse_app_info(const uint8_t *img, size_t len, struct fwd_app_info *out)
{
    struct fw_image_header h;
    struct fw_app_desc d;
    if (!img || !out || len < FWD_APP_EARLY_BYTES) return FW_ERR_TRUNCATED;
    fw_image_header_decode(img, &h);
    if (fw_image_header_check(&h)) return FW_ERR_NOT_FOUND;
    fw_app_desc_decode(img + FW_APP_DESC_OFFSET, &d);
    if (d.magic_word != FW_APP_DESC_MAGIC) return FW_ERR_NOT_FOUND;
    fill_app_info(&h, &d, out);
    return FW_OK;
}

int fwd_verify_read_app_info(fwd_verify_read_fn rd, void *rd_ctx, uint32_t part_size, struct fwd_app_info *out)
{
    uint8_t b[FWD_APP_EARLY_BYTES];
    if (!rd || part_size < sizeof b) return FW_ERR_NOT_FOUND;
    int rc = rd(rd_ctx, 0, b, sizeof b);
    if (rc) return rc;
    return fwd_verify_parse_app_info(b, sizeof b, out);
}
