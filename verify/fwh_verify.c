/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming Secure Boot V2 verifier: signed-region digest with a 4096-byte
 * lag (the last 4096 bytes fed are the signature sector), block checks, trust
 * and revocation, plus the app image checks of fwh_vimage.
 *
 * One SHA-256 pass: the image's simple hash [0, hash_end) is a prefix of the
 * bytes hashed for the signature [0, total - 4096) (or reaches into the last
 * 4096 bytes of a malformed file), so one context hashes the file in order and
 * a copy of it is finalised where the simple-hash region ends, as the device
 * verifier does (device/fwd_verify.c).
 *
 * ECDSA P-384 blocks sign SHA-384 of the same region. The blocks come last,
 * so which digest they need is only known at the end: unless the caller
 * knows its trust anchors all sign SHA-256 (opts.digests), the host runs a
 * SHA-384 pass alongside the SHA-256 one over the signed region (the device
 * instead decides from its eFuse, see device/fwd_verify.c) and each block is
 * checked against the digest of its scheme. */
#include "verify/fwh_verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_sbv2_crypto.h"

struct fwh_verify {
    const struct fwh_verify_opts *o;
    EVP_MD_CTX *md;                    /* SHA-256 of everything but the tail */
    EVP_MD_CTX *snap;                  /* scratch copy of md, finalised at a region end */
    EVP_MD_CTX *md384;                 /* SHA-384 of the same bytes (ECDSA P-384 blocks) */
    int md384_done;                    /* finalised at the end of the signed region, or not run */
    uint64_t hashed;                   /* bytes fed to md */
    int img_hashed;                    /* simple hash handed to img */
    uint8_t tail[FW_SBV2_SECTOR_SIZE]; /* last bytes fed: the candidate sector */
    size_t tail_len;
    uint64_t total;
    int finished;
    int failed;                        /* OpenSSL failure during update */
    struct fwh_vimage *img;            /* NULL in raw mode */
};

int fwh_verify_new(struct fwh_verify **out, const struct fwh_verify_opts *o)
{
    struct fwh_verify *v = calloc(1, sizeof *v);
    if (!v) return FW_ERR_NOMEM;
    v->o = o;
    v->md = EVP_MD_CTX_new();
    v->snap = EVP_MD_CTX_new();
    int want384 = o->digests != FWH_VERIFY_DIGESTS_SHA256_ONLY;
    v->md384 = want384 ? EVP_MD_CTX_new() : NULL;
    v->md384_done = !want384;
    if (!o->raw) v->img = fwh_vimage_new_kind(o->bootloader);
    if (!v->md || !v->snap || (want384 && !v->md384) || (!o->raw && !v->img) ||
        EVP_DigestInit_ex(v->md, EVP_sha256(), NULL) != 1 ||
        (want384 && EVP_DigestInit_ex(v->md384, EVP_sha384(), NULL) != 1)) {
        fwh_verify_free(v);
        return FW_ERR_NOMEM;
    }
    *out = v;
    return FW_OK;
}

void fwh_verify_free(struct fwh_verify *v)
{
    if (!v) return;
    EVP_MD_CTX_free(v->md);
    EVP_MD_CTX_free(v->snap);
    EVP_MD_CTX_free(v->md384);
    fwh_vimage_free(v->img);
    free(v);
}

/* SHA-256 of what md has seen so far, md left running. */
static int md_snapshot(struct fwh_verify *v, uint8_t out[32])
{
    unsigned dl = 0;
    return EVP_MD_CTX_copy_ex(v->snap, v->md) == 1 && EVP_DigestFinal_ex(v->snap, out, &dl) == 1 && dl == 32;
}

/* Feed the next n bytes of the file (at offset v->hashed) to the one SHA-256
 * pass; where they cross the end of the image's simple-hash region, hand
 * that region's digest to the image checks. */
static int hash_feed(struct fwh_verify *v, const uint8_t *p, size_t n)
{
    if (!v->md384_done && EVP_DigestUpdate(v->md384, p, n) != 1) return FW_ERR_CRYPTO;
    if (v->img && !v->img_hashed) {
        uint64_t end = fwh_vimage_hash_end(v->img);
        if (end != UINT64_MAX && end >= v->hashed && end - v->hashed <= n) {
            size_t k = (size_t)(end - v->hashed);
            uint8_t d[32];
            if (EVP_DigestUpdate(v->md, p, k) != 1 || !md_snapshot(v, d)) return FW_ERR_CRYPTO;
            fwh_vimage_set_digest(v->img, d);
            v->img_hashed = 1;
            v->hashed += k;
            p += k;
            n -= k;
        }
    }
    if (EVP_DigestUpdate(v->md, p, n) != 1) return FW_ERR_CRYPTO;
    v->hashed += n;
    return FW_OK;
}

/* Keep the last 4096 bytes back; hash whatever falls out of that window. */
int fwh_verify_update(struct fwh_verify *v, const uint8_t *p, size_t n)
{
    if (v->finished) return FW_ERR_STATE;
    if (n > UINT64_MAX - v->total) return FW_ERR_OVERFLOW;
    v->total += n;
    if (v->img) fwh_vimage_update(v->img, p, n); /* parse first: the layout may become known */
    if (v->tail_len + n <= sizeof v->tail) {
        memcpy(v->tail + v->tail_len, p, n);
        v->tail_len += n;
        return FW_OK;
    }
    size_t excess = v->tail_len + n - sizeof v->tail;
    size_t from_tail = excess < v->tail_len ? excess : v->tail_len;
    size_t from_new = excess - from_tail;
    if (hash_feed(v, v->tail, from_tail) != FW_OK || hash_feed(v, p, from_new) != FW_OK) {
        v->failed = 1;
        return FW_ERR_CRYPTO;
    }
    memmove(v->tail, v->tail + from_tail, v->tail_len - from_tail);
    v->tail_len -= from_tail;
    memcpy(v->tail + v->tail_len, p + from_new, n - from_new);
    v->tail_len += n - from_new;
    return FW_OK;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

static int in_list(const uint8_t (*list)[32], size_t n, const uint8_t d[32])
{
    int found = 0;
    for (size_t i = 0; i < n; i++) found |= fw_ct_equal(list[i], d, 32);
    return found;
}

/* Why a block is structurally invalid, in words. */
static void block_format_detail(const uint8_t *blk, int st, char *out, size_t n)
{
    switch (st) {
    case FW_ERR_MAGIC:
        snprintf(out, n, "bad magic 0x%02x (expected 0xE7)", blk[0]);
        break;
    case FW_ERR_CRC:
        snprintf(out, n, "CRC mismatch (stored 0x%08x, computed 0x%08x)", (unsigned)fw_dec32le(blk + FW_SBV2_OFF_CRC),
                 (unsigned)fw_sbv2_block_crc(blk));
        break;
    case FW_ERR_UNSUPPORTED:
        if (blk[1] != FW_SBV2_VERSION_RSA && blk[1] != FW_SBV2_VERSION_ECDSA)
            snprintf(out, n, "unknown version 0x%02x (expected 0x02 RSA or 0x03 ECDSA)", blk[1]);
        else
            snprintf(out, n, "unknown ECDSA curve/sha_version (sha_version %u)", blk[2]);
        break;
    default:
        snprintf(out, n, "%s", fw_strerror(st));
    }
}

/* Secure Boot V2 per target (FORMATS §2.8): schemes the chip verifies and how
 * many blocks it honours. Unknown chips: no restriction. */
#define SCH(x) (1u << (x))
static const struct { uint16_t chip; unsigned schemes; unsigned blocks; } chip_sbv2[] = {
    {FW_CHIP_ESP32, SCH(FW_SBV2_RSA3072), 1},
    {FW_CHIP_ESP32S2, SCH(FW_SBV2_RSA3072), 3},
    {FW_CHIP_ESP32S3, SCH(FW_SBV2_RSA3072), 3},
    {FW_CHIP_ESP32C3, SCH(FW_SBV2_RSA3072), 3},
    {FW_CHIP_ESP32C2, SCH(FW_SBV2_ECDSA_P256) | SCH(FW_SBV2_ECDSA_P192), 1},
    {FW_CHIP_ESP32C6, SCH(FW_SBV2_RSA3072) | SCH(FW_SBV2_ECDSA_P256), 3},
    {FW_CHIP_ESP32H2, SCH(FW_SBV2_RSA3072) | SCH(FW_SBV2_ECDSA_P256), 3},
    {FW_CHIP_ESP32P4, SCH(FW_SBV2_RSA3072) | SCH(FW_SBV2_ECDSA_P256), 3},
    {FW_CHIP_ESP32C5, SCH(FW_SBV2_RSA3072) | SCH(FW_SBV2_ECDSA_P256) | SCH(FW_SBV2_ECDSA_P384), 3},
    {FW_CHIP_ESP32C61, SCH(FW_SBV2_ECDSA_P256), 3},
    {FW_CHIP_ESP32H4, SCH(FW_SBV2_ECDSA_P256) | SCH(FW_SBV2_ECDSA_P384), 3},
    {FW_CHIP_ESP32H21, SCH(FW_SBV2_RSA3072), 3},
};

/* Does the configured chip verify block i of scheme s? 1 yes, 0 no; why set. */
static int chip_accepts(const struct fwh_verify_opts *o, unsigned i, enum fw_sbv2_scheme s, char *why, size_t n)
{
    return !o->have_chip || fwh_chip_sbv2_accepts(o->chip_id, i, s, why, n);
}

int fwh_chip_sbv2_accepts(uint16_t chip_id, unsigned i, enum fw_sbv2_scheme s, char *why, size_t n)
{
    for (size_t k = 0; k < sizeof chip_sbv2 / sizeof chip_sbv2[0]; k++) {
        if (chip_sbv2[k].chip != chip_id) continue;
        const char *name = fw_chip_name(chip_id);
        if (i >= chip_sbv2[k].blocks) {
            snprintf(why, n, "%s honours only signature block 0", name ? name : "this chip");
            return 0;
        }
        if (!(chip_sbv2[k].schemes & SCH(s))) {
            snprintf(why, n, "%s does not verify %s signatures", name ? name : "this chip", fw_sbv2_scheme_name(s));
            return 0;
        }
        return 1;
    }
    return 1;
}

struct block_ctx {
    const struct fwh_verify_opts *o;
    const uint8_t *digest;             /* SHA-256 of the signed region */
    const uint8_t *digest384;          /* SHA-384 of it */
    struct fwh_report *r;
    char first_problem[160];   /* most telling reason a block failed, for signature.trusted */
    int problem_prio;
    int problem_err;           /* fw_err of that problem */
    int passed;                /* index of the first block that passed, -1 */
    char passed_key[65];
    uint8_t passed_kd[FW_SBV2_MAX_BLOCKS][32]; /* distinct key digests of passing blocks */
    unsigned n_passed_keys;
};

/* Problem priorities: a block with a usable key that failed (revoked, digest,
 * signature) says more than a malformed block, which says more than a block
 * signed by some other, untrusted key. The first of the highest wins. */
enum { PRIO_UNTRUSTED = 1, PRIO_FORMAT = 2, PRIO_KEYED = 3 };

static void note_problem(struct block_ctx *b, unsigned i, int prio, int err, const char *what, const char *detail)
{
    if (prio <= b->problem_prio) return;
    b->problem_prio = prio;
    b->problem_err = err;
    snprintf(b->first_problem, sizeof b->first_problem, "block %u %.24s: %.100s", i, what, detail);
}

/* blockN.format: structure, reserved bytes, supported scheme. 1 if usable. */
static int block_format(struct block_ctx *b, const uint8_t *blk, unsigned i)
{
    char name[FWH_CHECK_NAME], detail[200];
    int st = fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE);
    snprintf(name, sizeof name, "block%u.format", i);
    if (st) {
        block_format_detail(blk, st, detail, sizeof detail);
        fwh_report_add(b->r, name, FWH_FAIL, 0, st, "%s", detail);
        note_problem(b, i, PRIO_FORMAT, st, "format", detail);
        return 0;
    }
    enum fw_sbv2_scheme s = fw_sbv2_block_scheme(blk);
    if (fw_sbv2_block_reserved_ok(blk)) {
        fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_FORMAT, "%s block, reserved/padding bytes not zero",
                       fw_sbv2_scheme_name(s));
        note_problem(b, i, PRIO_FORMAT, FW_ERR_FORMAT, "format", "reserved/padding bytes not zero");
        return 0;
    }
    if (!fw_sbv2_scheme_supported(s)) {
        /* P-384 (SHA-384 digest) and P-192 decode but are not verified here */
        fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_UNSUPPORTED,
                       "%s blocks are not supported", fw_sbv2_scheme_name(s));
        note_problem(b, i, PRIO_FORMAT, FW_ERR_UNSUPPORTED, "scheme", "not supported");
        return 0;
    }
    fwh_report_add(b->r, name, FWH_PASS, 0, 0, "%s block", fw_sbv2_scheme_name(s));
    return 1;
}

/* The computed digest a block's scheme signs: SHA-384 for P-384, else SHA-256. */
static const uint8_t *scheme_digest(const struct block_ctx *b, const uint8_t *blk, size_t *len)
{
    *len = fw_sbv2_digest_len(fw_sbv2_block_scheme(blk));
    return *len == FW_SBV2_MAX_DIGEST ? b->digest384 : b->digest;   /* NULL: SHA-384 not computed */
}

/* blockN.image_digest: stored digest == computed (§2.9 rule 4). */
static int block_digest(struct block_ctx *b, const uint8_t *blk, unsigned i, int prio)
{
    char name[FWH_CHECK_NAME], detail[200], stored[2 * FW_SBV2_MAX_DIGEST + 1], comp[2 * FW_SBV2_MAX_DIGEST + 1];
    size_t dl;
    const uint8_t *want = scheme_digest(b, blk, &dl);
    snprintf(name, sizeof name, "block%u.image_digest", i);
    hex(stored, blk + FW_SBV2_OFF_DIGEST, dl);
    if (!want) {
        snprintf(detail, sizeof detail, "a SHA-384 block, but every trust anchor signs SHA-256 (give the P-384 key)");
        fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_DIGEST, "image digest not checked: %s", detail);
        note_problem(b, i, prio, FW_ERR_DIGEST, "image digest not checked", detail);
        return 0;
    }
    if (fw_ct_equal(blk + FW_SBV2_OFF_DIGEST, want, dl)) {
        fwh_report_add(b->r, name, FWH_PASS, 0, 0, "%s", stored);
        return 1;
    }
    hex(comp, want, dl);
    snprintf(detail, sizeof detail, "stored %.16s... != computed %.16s...", stored, comp);
    fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_DIGEST, "image digest mismatch: %s", detail);
    note_problem(b, i, prio, FW_ERR_DIGEST, "image digest mismatch", detail);
    return 0;
}

/* blockN.key_trusted and blockN.key_revoked for key digest kd. */
static int block_key(struct block_ctx *b, const uint8_t kd[32], unsigned i, int key_ok)
{
    char name[FWH_CHECK_NAME], detail[200], kd_hex[65];
    int ok = 1;
    hex(kd_hex, kd, 32);
    snprintf(name, sizeof name, "block%u.key_trusted", i);
    if (b->o->n_trusted == 0) {
        fwh_report_add(b->r, name, FWH_SKIP, 0, 0, "key digest %s (no trust anchor given)", kd_hex);
    } else if (key_ok) {
        fwh_report_add(b->r, name, FWH_PASS, 0, 0, "key digest %s is trusted", kd_hex);
    } else {
        fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_UNTRUSTED, "key digest %s is not trusted", kd_hex);
        snprintf(detail, sizeof detail, "key digest %.16s... not trusted", kd_hex);
        note_problem(b, i, PRIO_UNTRUSTED, FW_ERR_UNTRUSTED, "key", detail);
        ok = 0;
    }
    snprintf(name, sizeof name, "block%u.key_revoked", i);
    if (in_list(b->o->revoked, b->o->n_revoked, kd)) {
        fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_REVOKED, "key digest %s is revoked", kd_hex);
        snprintf(detail, sizeof detail, "key digest %.16s... is revoked", kd_hex);
        note_problem(b, i, PRIO_KEYED, FW_ERR_REVOKED, "key", detail);
        ok = 0;
    } else {
        fwh_report_add(b->r, name, FWH_PASS, 0, 0, "not revoked");
    }
    return ok;
}

/* blockN.signature and (with --chip) blockN.chip. */
static int block_signature(struct block_ctx *b, const uint8_t *blk, unsigned i, int prio)
{
    char name[FWH_CHECK_NAME], detail[200];
    enum fw_sbv2_scheme s = fw_sbv2_block_scheme(blk);
    int ok = 1;
    snprintf(name, sizeof name, "block%u.signature", i);
    size_t dl;
    const uint8_t *want = scheme_digest(b, blk, &dl);
    int vs = want ? fwh_sbv2_block_verify(blk, want, dl, detail, sizeof detail) : FW_ERR_DIGEST;
    if (!want) snprintf(detail, sizeof detail, "not checked: SHA-384 was not computed (no P-384 trust anchor)");
    if (vs) {
        fwh_report_add(b->r, name, FWH_FAIL, 0, vs, "%s", detail);
        note_problem(b, i, prio, vs, "signature", detail);
        ok = 0;
    } else {
        fwh_report_add(b->r, name, FWH_PASS, 0, 0, "%s signature verifies with the block's key", fw_sbv2_scheme_name(s));
    }
    if (!b->o->have_chip) return ok;
    snprintf(name, sizeof name, "block%u.chip", i);
    if (chip_accepts(b->o, i, s, detail, sizeof detail)) {
        fwh_report_add(b->r, name, FWH_PASS, 0, 0, "%s block %u is verified by the chip", fw_sbv2_scheme_name(s), i);
        return ok;
    }
    fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_CHIP, "%s", detail);
    note_problem(b, i, prio, FW_ERR_CHIP, "chip", detail);
    return 0;
}

/* Checks of one non-erased block slot; returns 1 if the block passes. Every
 * check runs (the report lists them all) even after one failed. */
static int check_block(struct block_ctx *b, const uint8_t *blk, unsigned i)
{
    if (!block_format(b, blk, i)) return 0;
    uint8_t kd[32];
    if (fwh_block_key_digest(blk, kd) != FW_OK) {
        char name[FWH_CHECK_NAME];
        snprintf(name, sizeof name, "block%u.key_trusted", i);
        fwh_report_add(b->r, name, FWH_FAIL, 0, FW_ERR_CRYPTO, "cannot hash the key region");
        note_problem(b, i, PRIO_FORMAT, FW_ERR_CRYPTO, "key", "cannot hash the key region");
        return 0;
    }
    int key_ok = b->o->n_trusted == 0 || in_list(b->o->trusted, b->o->n_trusted, kd);
    int prio = key_ok ? PRIO_KEYED : PRIO_UNTRUSTED;
    int ok = block_digest(b, blk, i, prio);
    ok &= block_key(b, kd, i, key_ok);
    ok &= block_signature(b, blk, i, prio);
    if (ok && b->passed < 0) {
        b->passed = (int)i;
        hex(b->passed_key, kd, 32);
    }
    if (ok && !in_list((const uint8_t(*)[32])b->passed_kd, b->n_passed_keys, kd) && b->n_passed_keys < FW_SBV2_MAX_BLOCKS)
        memcpy(b->passed_kd[b->n_passed_keys++], kd, 32);
    return ok;
}

static void sector_checks(struct fwh_verify *v, const uint8_t *sector, const uint8_t digest[32],
                          const uint8_t digest384[48], struct fwh_report *r)
{
    const struct fwh_verify_opts *o = v->o;
    struct fw_sbv2_scan scan;
    fw_sbv2_sector_scan(sector, &scan);
    char detail[200];
    /* Invalid blocks are skipped, not fatal (§2.7): count every valid slot. */
    unsigned valid = 0, first = 0;
    for (unsigned i = FW_SBV2_MAX_BLOCKS; i-- > 0;)
        if (scan.status[i] == FW_OK) { valid++; first = i; }
    if (valid) {
        fwh_report_add(r, "sector.blocks", FWH_PASS, 1, 0, "%u valid %s block(s)", valid,
                       fw_sbv2_scheme_name(scan.scheme[first]));
    } else if (scan.erased[0]) {
        fwh_report_add(r, "sector.blocks", FWH_FAIL, 1, FW_ERR_NOT_FOUND,
                       "no signature block: signature sector block 0 is erased (0xFF)");
    } else {
        block_format_detail(sector, scan.status[0], detail, sizeof detail);
        fwh_report_add(r, "sector.blocks", FWH_FAIL, 1, scan.status[0], "no valid signature block: block 0 %s", detail);
    }
    int pad_ok = scan.tail_erased;
    for (unsigned i = 0; i < FW_SBV2_MAX_BLOCKS; i++) pad_ok &= scan.status[i] == FW_OK || scan.erased[i];
    fwh_report_add(r, "sector.padding", pad_ok ? FWH_PASS : FWH_FAIL, 0, FW_ERR_FORMAT, "%s",
                   pad_ok ? "unused slots and tail erased (0xFF)" : "unused space is not erased (0xFF)");

    struct block_ctx b = {.o = o, .digest = digest, .digest384 = digest384, .r = r, .passed = -1};
    for (unsigned i = 0; i < FW_SBV2_MAX_BLOCKS; i++)
        if (!scan.erased[i]) check_block(&b, fw_sbv2_sector_block_c(sector, i), i);

    if (b.passed >= 0)
        fwh_report_add(r, "signature.trusted", FWH_PASS, 1, 0, "block %d verified (key digest %s%s)", b.passed,
                       b.passed_key, o->n_trusted ? ", trusted" : ", embedded key only");
    else
        fwh_report_add(r, "signature.trusted", FWH_FAIL, 1, b.first_problem[0] ? b.problem_err : FW_ERR_NOT_FOUND,
                       "no block passed: %s", b.first_problem[0] ? b.first_problem : "no valid signature block");

    if (o->require_signatures > 1)
        fwh_report_add(r, "signature.policy", b.n_passed_keys >= o->require_signatures ? FWH_PASS : FWH_FAIL, 1,
                       FW_ERR_SIGNATURE, "%u of %u required signature(s) by distinct %skeys passed",
                       b.n_passed_keys, o->require_signatures, o->n_trusted ? "trusted " : "");
    if (o->n_trusted)
        fwh_report_add(r, "trust.anchor", FWH_PASS, 1, 0, "%zu trusted key digest(s)", o->n_trusted);
    else if (o->allow_untrusted)
        fwh_report_add(r, "trust.anchor", FWH_SKIP, 1, 0,
                       "no trust anchor (--allow-untrusted): signature checked against the embedded key only");
    else
        fwh_report_add(r, "trust.anchor", FWH_FAIL, 1, FW_ERR_UNTRUSTED,
                       "no --trust/--trust-digest given: the signature was checked against the key embedded in "
                       "the image, which is not trusted");
}

int fwh_verify_finish(struct fwh_verify *v, struct fwh_report *r)
{
    fwh_report_init(r);
    if (v->finished) return FW_ERR_STATE;
    v->finished = 1;
    uint8_t digest[32], digest384[48];
    unsigned d384len = sizeof digest384;
    /* The signed region ends here; a simple-hash region reaching into the
     * held-back tail (a malformed file) continues from the same context. */
    int ok = !v->failed && md_snapshot(v, digest);
    if (ok && !v->md384_done) ok = EVP_DigestFinal_ex(v->md384, digest384, &d384len) == 1;
    ok = ok && d384len == sizeof digest384;
    int have384 = !v->md384_done;
    v->md384_done = 1;
    if (ok && v->img && !v->img_hashed) {
        uint64_t end = fwh_vimage_hash_end(v->img);
        if (end != UINT64_MAX && end >= v->hashed && end - v->hashed <= v->tail_len)
            ok = hash_feed(v, v->tail, (size_t)(end - v->hashed)) == FW_OK;
    }
    if (!ok) {
        fwh_report_add(r, "internal", FWH_FAIL, 1, FW_ERR_CRYPTO, "crypto library failure");
        return FW_ERR_CRYPTO;
    }
    uint64_t t = v->total;
    int len_ok = t >= 2u * FW_SBV2_SECTOR_SIZE && t % FW_SBV2_SECTOR_SIZE == 0;
    if (len_ok)
        fwh_report_add(r, "file.length", FWH_PASS, 1, 0, "%llu bytes: %llu signed + 4096-byte signature sector",
                       (unsigned long long)t, (unsigned long long)(t - FW_SBV2_SECTOR_SIZE));
    else
        fwh_report_add(r, "file.length", FWH_FAIL, 1, FW_ERR_TRUNCATED,
                       "%llu bytes is not a multiple of 4096 of at least 8192 (truncated, or not signed)",
                       (unsigned long long)t);
    if (v->img) fwh_vimage_finish(v->img, t, v->o, r);
    if (len_ok) sector_checks(v, v->tail, digest, have384 ? digest384 : NULL, r);
    const struct fwh_check *ff = fwh_report_first_failure(r);
    return ff ? (ff->err ? ff->err : FW_ERR_FORMAT) : FW_OK;
}

int fwh_verify_file(const char *path, const struct fwh_verify_opts *o, struct fwh_report *r, char *why,
                    size_t whylen)
{
    fwh_report_init(r);
    int is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        return FW_ERR_IO;
    }
    struct fwh_verify *v = NULL;
    uint8_t *buf = malloc(1u << 16);
    int rc = buf ? fwh_verify_new(&v, o) : FW_ERR_NOMEM;
    while (!rc) {
        ssize_t n = read(fd, buf, 1u << 16);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            snprintf(why, whylen, "read failed: %s", strerror(errno));
            rc = FW_ERR_IO;
        } else if (n == 0) {
            break;
        } else {
            rc = fwh_verify_update(v, buf, (size_t)n);
        }
    }
    if (rc == FW_ERR_NOMEM) snprintf(why, whylen, "out of memory");
    if (!rc) rc = fwh_verify_finish(v, r);
    fwh_verify_free(v);
    free(buf);
    if (!is_stdin) close(fd);
    return rc;
}
