/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal info: describe an ESP app image (FORMATS §1), its Secure Boot V2
 * signature sector (§2) when one sits at S, or an ESP encrypted image
 * container (§3, magic CF B6 88 07).
 *
 * The image is streamed through fw_image_parser in 64 KiB reads, hashing
 * [0, hash_end) and [0, S) on the way, so memory stays bounded for any size.
 * Exit 0 valid, 1 invalid (what was parsed is still printed), 3 I/O. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/info_container.h"
#include "cli/fwseal/info_formats.h"
#include "cli/fwseal/mf_cli.h"
#include "cli/util/cli.h"
#include "fw_bytes.h"
#include "fw_enc_header.h"
#include "fw_err.h"
#include "fw_image.h"
#include "fw_nvs.h"
#include "host/fwh_json.h"
#include "fw_otadata.h"
#include "fw_sbv2.h"

#define CHUNK (64u * 1024u)

struct info {
    const char *path;
    uint64_t file_size;
    int json;
    struct fw_image_parser p;
    int feed_rc, finish_rc;
    uint8_t sha_hash[32], sha_signed[32];
    uint8_t sha384_signed[48];     /* what ECDSA P-384 blocks sign */
    int hashes_final;
    uint8_t sector[FW_IMAGE_SIG_SECTOR_LEN];
    uint64_t sector_got;
    int magic_ok;   /* first byte 0xE9: an app image at least by its magic */
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal info FILE [--json]      (FILE - reads standard input)\n"
            "\n"
            "Say what FILE is and describe it. Recognised by content:\n"
            "  ESP app image       header fields and chip, segments (with memory type),\n"
            "                      checksum and appended SHA-256 (valid/invalid), app\n"
            "                      descriptor (version, project, secure_version, ...), and\n"
            "                      each Secure Boot V2 signature block at S = ALIGN_UP(image\n"
            "                      length, 4096) (scheme, CRC, key digest, digest match)\n"
            "  encrypted image     ESP encrypted image header (magic CF B6 88 07)\n"
            "  partition table     binary table: entries, MD5 record\n"
            "  otadata             both records: seq, state, CRC; the selected one\n"
            "  NVS partition       pages in use (items: fwseal nvs dump)\n"
            "  nvs_keys image      recognised by its CRC; the keys are not printed\n"
            "  key (PEM or DER)    type, private/public, Secure Boot V2 key digest;\n"
            "                      private parts are never printed\n"
            "  fleet manifest      fwseal release's manifest.fwm (magic FWMF): every field\n"
            "  signed data         any file ending in a Secure Boot V2 signature sector\n"
            "info checks structure and hashes only; signatures are checked by\n"
            "`fwseal verify`. Other files are reported as not an ESP app image.\n"
            "\n"
            "options:\n"
            "  --json      machine-readable report on stdout\n"
            "\n"
            "exit: 0 valid image, 1 invalid (everything that could be parsed is still printed),\n"
            "      3 file not readable.\n"
            "\n"
            "example:\n"
            "  fwseal info app.bin --json\n");
}

/* Printable copy of a descriptor string for the text report: valid UTF-8
 * as it is, control bytes and invalid bytes as \xNN. */
static const char *safe(const char *s, char *buf, size_t max)
{
    size_t o = 0, n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n && o + 5 < max;) {
        size_t len = fw_utf8_seq_len(p + i, n - i);
        if (len > 1 && o + len < max) { memcpy(buf + o, p + i, len); o += len; i += len; continue; }
        if (len == 1 && p[i] >= 0x20 && p[i] != 0x7F) buf[o++] = (char)p[i];
        else o += (size_t)snprintf(buf + o, max - o, "\\x%02x", p[i]);
        i++;
    }
    buf[o] = 0;
    return buf;
}

/* ---- encrypted container hook -------------------------------------------- */

/* ESP encrypted image container (FORMATS §3.1): printed by the
 * fw_enc_header based helper (cli/fwseal/info_container.c). */
static int info_container(struct info *in, const uint8_t *hdr, size_t got)
{
    return info_enc_container(in->path, in->file_size, hdr, got, in->json);
}

/* ---- signature blocks ------------------------------------------------------ */

/* One block of the SBv2 sector, through common/fw_sbv2 (§2.3-§2.7). */
struct sig_view {
    int erased;
    int status;                 /* fw_sbv2_block_check(): FW_OK = valid block */
    enum fw_sbv2_scheme scheme;
    size_t key_len, digest_len;
    uint8_t key_digest[32];
    int digest_matches;
};

static const char *status_text(int st)
{
    switch (st) {
    case FW_OK:              return "valid";
    case FW_ERR_MAGIC:       return "bad magic";
    case FW_ERR_CRC:         return "CRC INVALID";
    case FW_ERR_UNSUPPORTED: return "unknown version/curve";
    default:                 return fw_strerror(st);
    }
}

static void view_block(const uint8_t *b, const struct info *in, struct sig_view *v)
{
    memset(v, 0, sizeof *v);
    size_t i = 0;
    while (i < FW_SBV2_BLOCK_SIZE && b[i] == 0xFF) i++;
    if (i == FW_SBV2_BLOCK_SIZE) { v->erased = 1; return; }
    v->status = fw_sbv2_block_check(b, FW_SBV2_SCHEME_NONE);
    v->scheme = fw_sbv2_block_scheme(b);
    v->digest_len = fw_sbv2_digest_len(v->scheme);
    size_t off;
    if (fw_sbv2_key_region(b, &off, &v->key_len) == FW_OK) {
        unsigned ml;
        if (!EVP_Digest(b + off, v->key_len, v->key_digest, &ml, EVP_sha256(), NULL)) v->key_len = 0;
    } else v->key_len = 0;
    /* P-384 signs the SHA-384 of the signed region, the others its SHA-256 */
    const uint8_t *want = v->digest_len == sizeof in->sha384_signed ? in->sha384_signed : in->sha_signed;
    v->digest_matches = v->digest_len && fw_ct_equal(b + FW_SBV2_OFF_DIGEST, want, v->digest_len);
}

static int sector_present(const struct info *in)
{
    return fw_image_parser_done(&in->p) && in->sector_got == FW_IMAGE_SIG_SECTOR_LEN;
}

static void print_sig_text(const struct info *in)
{
    const struct fw_image_parser *p = &in->p;
    if (!fw_image_parser_done(p)) return;
    if (!sector_present(in)) {
        if (in->file_size > p->image_len)
            printf("Trailing data: %llu bytes after the image, no complete signature sector at 0x%llx\n",
                   (unsigned long long)(in->file_size - p->image_len), (unsigned long long)p->sig_off);
        else printf("Signature sector: none (unsigned)\n");
        return;
    }
    printf("Signature sector at 0x%llx (signed data [0, 0x%llx), SHA-256 ", (unsigned long long)p->sig_off,
           (unsigned long long)p->sig_off);
    cli_print_hex(stdout, in->sha_signed, 32);
    printf(")\n");
    for (unsigned i = 0; i < FW_SBV2_MAX_BLOCKS; i++) {
        struct sig_view v;
        view_block(in->sector + i * FW_SBV2_BLOCK_SIZE, in, &v);
        if (v.erased) { printf("  block %u: empty (erased)\n", i); continue; }
        printf("  block %u: %s, %s", i, fw_sbv2_scheme_name(v.scheme), status_text(v.status));
        if (v.key_len) {
            printf(", key digest ");
            cli_print_hex(stdout, v.key_digest, 32);
        }
        printf(", image digest %s\n", v.digest_matches ? "matches" : "does NOT match");
    }
    if (in->file_size > p->sig_off + FW_IMAGE_SIG_SECTOR_LEN)
        printf("Trailing data: %llu bytes after the signature sector\n",
               (unsigned long long)(in->file_size - p->sig_off - FW_IMAGE_SIG_SECTOR_LEN));
}

static void print_sig_json(const struct info *in, struct fw_json *j)
{
    fw_json_key(j, "signature_sector");
    if (!sector_present(in)) { fw_json_null(j); return; }
    fw_json_obj(j);
    fw_json_ku64(j, "offset", in->p.sig_off);
    fw_json_khex(j, "signed_sha256", in->sha_signed, 32);
    fw_json_key(j, "blocks");
    fw_json_arr(j);
    for (unsigned i = 0; i < FW_SBV2_MAX_BLOCKS; i++) {
        struct sig_view v;
        const uint8_t *b = in->sector + i * FW_SBV2_BLOCK_SIZE;
        view_block(b, in, &v);
        fw_json_obj(j);
        fw_json_ku64(j, "index", i);
        fw_json_kbool(j, "erased", v.erased);
        if (!v.erased) {
            fw_json_kbool(j, "valid", v.status == FW_OK);
            fw_json_kstr(j, "status", status_text(v.status));
            fw_json_kbool(j, "magic_ok", b[0] == FW_SBV2_MAGIC);
            fw_json_ku64(j, "version", b[1]);
            fw_json_kstr(j, "scheme", fw_sbv2_scheme_name(v.scheme));
            fw_json_kbool(j, "crc_valid", fw_sbv2_block_crc(b) == fw_dec32le(b + FW_SBV2_OFF_CRC));
            if (v.key_len) {
                fw_json_khex(j, "key_digest", v.key_digest, 32);
                fw_json_khex(j, "image_digest", b + 4, v.digest_len);
            }
            fw_json_kbool(j, "image_digest_matches", v.digest_matches);
        }
        fw_json_end(j);
    }
    fw_json_end(j);
    fw_json_end(j);
}

/* ---- streaming ------------------------------------------------------------ */

static void capture_sector(struct info *in, uint64_t off, const uint8_t *d, size_t n)
{
    const struct fw_image_parser *p = &in->p;
    if (!p->layout_known) return;
    uint64_t s0 = p->sig_off, s1 = s0 + FW_IMAGE_SIG_SECTOR_LEN;
    uint64_t a = off > s0 ? off : s0, b = off + n < s1 ? off + n : s1;
    if (a >= b) return;
    memcpy(in->sector + (a - s0), d + (a - off), (size_t)(b - a));
    in->sector_got += b - a;
}

/* One SHA-256 pass over the signed region [0, S); the simple hash [0, hash_end)
 * is its prefix (hash_end < S), finalised from a copy where it ends. */
static int stream_image(struct info *in, FILE *f, const uint8_t *first, size_t first_len)
{
    EVP_MD_CTX *h = EVP_MD_CTX_new(), *snap = EVP_MD_CTX_new(), *h384 = EVP_MD_CTX_new();
    uint8_t *buf = malloc(CHUNK);
    int rc = 0, cloned = 0;
    unsigned ml;
    if (!h || !snap || !h384 || !buf || !EVP_DigestInit_ex(h, EVP_sha256(), NULL) ||
        !EVP_DigestInit_ex(h384, EVP_sha384(), NULL)) {
        rc = cli_err(EXIT_IO, "%s: out of memory", in->path);
        goto out;
    }
    fw_image_parser_init(&in->p, FW_IMAGE_NO_LIMIT);
    memcpy(buf, first, first_len);
    size_t n = first_len;
    for (;;) {
        n += fread(buf + n, 1, CHUNK - n, f);
        if (n == 0) break;
        uint64_t at = fw_image_parser_pos(&in->p);
        in->feed_rc = fw_image_parser_feed(&in->p, buf, n);
        if (in->feed_rc) break;
        size_t kh = fw_image_parser_in_hash(&in->p, at, n), ks = fw_image_parser_in_signed(&in->p, at, n);
        EVP_DigestUpdate(h384, buf, ks);
        if (!cloned && in->p.layout_known && at + kh == in->p.hash_end && kh <= ks) {
            EVP_DigestUpdate(h, buf, kh);
            EVP_MD_CTX_copy_ex(snap, h);
            EVP_DigestFinal_ex(snap, in->sha_hash, &ml);
            cloned = 1;
            EVP_DigestUpdate(h, buf + kh, ks - kh);
        } else {
            EVP_DigestUpdate(h, buf, ks);
        }
        capture_sector(in, at, buf, n);
        n = 0;
    }
    if (ferror(f)) { rc = cli_err(EXIT_IO, "%s: read error", in->path); goto out; }
    in->finish_rc = fw_image_parser_finish(&in->p);
    if (!cloned) { /* layout never known: both regions were the whole input */
        EVP_MD_CTX_copy_ex(snap, h);
        EVP_DigestFinal_ex(snap, in->sha_hash, &ml);
    }
    EVP_DigestFinal_ex(h, in->sha_signed, &ml);
    EVP_DigestFinal_ex(h384, in->sha384_signed, &ml);
    in->hashes_final = in->feed_rc == FW_OK && fw_image_parser_done(&in->p);
out:
    EVP_MD_CTX_free(h);
    EVP_MD_CTX_free(snap);
    EVP_MD_CTX_free(h384);
    free(buf);
    return rc;
}

/* ---- report ---------------------------------------------------------------- */

static const char *spi_mode_name(uint8_t m)
{
    static const char *const names[] = {"QIO", "QOUT", "DIO", "DOUT", "FAST_READ", "SLOW_READ"};
    return m < 6 ? names[m] : "unknown";
}

static const char *flash_size_name(uint8_t ss)
{
    static const char *const names[] = {"1MB", "2MB", "4MB", "8MB", "16MB", "32MB", "64MB", "128MB"};
    return (ss >> 4) < 8 ? names[ss >> 4] : "unknown";
}

static int hash_ok(const struct info *in)
{
    const uint8_t *st = fw_image_parser_stored_hash(&in->p);
    return in->hashes_final && st && fw_ct_equal(st, in->sha_hash, 32);
}

/* The one reason an image is invalid, or NULL. */
static const char *invalid_reason(const struct info *in)
{
    static char why[160];
    const struct fw_image_parser *p = &in->p;
    if (in->feed_rc) {
        snprintf(why, sizeof why, "malformed image at offset 0x%llx: %s", (unsigned long long)p->pos, fw_strerror(in->feed_rc));
        if (in->feed_rc == FW_ERR_MAGIC && p->header.magic != FW_IMAGE_MAGIC) snprintf(why, sizeof why, "not an ESP app image (bad magic)");
        else if (in->feed_rc == FW_ERR_MAGIC) snprintf(why, sizeof why, "app descriptor magic is not 0xABCD5432");
        return why;
    }
    if (in->finish_rc == FW_ERR_TRUNCATED) {
        snprintf(why, sizeof why, "truncated: %llu bytes, image needs %s", (unsigned long long)in->file_size,
                 p->layout_known ? "more" : "more (layout incomplete)");
        if (p->layout_known)
            snprintf(why, sizeof why, "truncated: %llu of %llu bytes", (unsigned long long)in->file_size,
                     (unsigned long long)p->image_len);
        return why;
    }
    if (in->finish_rc == FW_ERR_CHECKSUM) return "checksum mismatch";
    if (in->finish_rc) return fw_strerror(in->finish_rc);
    if (!p->header.hash_appended) return "no appended SHA-256 (hash_appended = 0)";
    if (!hash_ok(in)) return "appended SHA-256 does not match the image";
    return NULL;
}

static void print_text(const struct info *in)
{
    const struct fw_image_parser *p = &in->p;
    const struct fw_image_header *h = fw_image_parser_header(p);
    const struct fw_app_desc *d = fw_image_parser_app_desc(p);
    char sb[160];
    printf("File: %s (%llu bytes)\nFormat: %s\n", in->path, (unsigned long long)in->file_size,
           in->magic_ok ? "ESP app image" : "unknown (none of the formats fwseal knows; read as an app image)");
    if (h) {
        const char *cn = fw_chip_name(h->chip_id);
        printf("Header:\n  magic:          0x%02x\n  segments:       %u\n", h->magic, h->segment_count);
        printf("  spi_mode:       %u (%s)\n  flash size:     %s, freq nibble 0x%x (byte 0x%02x)\n", h->spi_mode,
               spi_mode_name(h->spi_mode), flash_size_name(h->spi_speed_size), h->spi_speed_size & 0xF, h->spi_speed_size);
        printf("  entry_addr:     0x%08x\n  wp_pin:         0x%02x\n  spi_pin_drv:    %02x %02x %02x\n", h->entry_addr,
               h->wp_pin, h->spi_pin_drv[0], h->spi_pin_drv[1], h->spi_pin_drv[2]);
        printf("  chip:           %s (id %u)\n", cn ? cn : "unknown", h->chip_id);
        printf("  min_chip_rev:   v%u.%u (full %u, legacy %u)\n", h->min_chip_rev_full / 100, h->min_chip_rev_full % 100,
               h->min_chip_rev_full, h->min_chip_rev);
        printf("  max_chip_rev:   v%u.%u (full %u)\n  hash_appended:  %u\n", h->max_chip_rev_full / 100,
               h->max_chip_rev_full % 100, h->max_chip_rev_full, h->hash_appended);
    }
    if (p->seg_seen) {
        printf("Segments:\n  idx  length    load_addr   file_off    type\n");
        for (unsigned i = 0; i < p->seg_seen; i++)
            printf("  %-3u  0x%06x  0x%08x  0x%08llx  %s\n", i, p->seg[i].data_len, p->seg[i].load_addr,
                   (unsigned long long)p->seg[i].data_off - 8,
                   fw_seg_class_name(fw_image_seg_class(h->chip_id, p->seg[i].load_addr)));
    }
    if (p->state >= FW_IMG_S_HASH && p->state != FW_IMG_S_ERROR)
        printf("Checksum: 0x%02x (computed 0x%02x) %s\n", p->stored_checksum, p->checksum, p->checksum_ok ? "valid" : "INVALID");
    const uint8_t *st = fw_image_parser_stored_hash(p);
    if (st && in->hashes_final) {
        printf("SHA-256:  ");
        cli_print_hex(stdout, st, 32);
        printf(" %s\n", hash_ok(in) ? "valid" : "INVALID");
        if (!hash_ok(in)) { printf("  computed ");  cli_print_hex(stdout, in->sha_hash, 32); printf("\n"); }
    }
    if (p->layout_known)
        printf("Layout: checksum at 0x%llx, image length E = %llu, signature sector offset S = 0x%llx\n",
               (unsigned long long)p->chk_off, (unsigned long long)p->image_len, (unsigned long long)p->sig_off);
    if (d) {
        printf("App descriptor:\n  magic_word:     0x%08x\n  secure_version: %u\n", d->magic_word, d->secure_version);
        printf("  version:        %s\n", safe(d->version, sb, sizeof sb));
        printf("  project_name:   %s\n", safe(d->project_name, sb, sizeof sb));
        printf("  time:           %s\n", safe(d->time, sb, sizeof sb));
        printf("  date:           %s\n", safe(d->date, sb, sizeof sb));
        printf("  idf_ver:        %s\n  app_elf_sha256: ", safe(d->idf_ver, sb, sizeof sb));
        cli_print_hex(stdout, d->app_elf_sha256, 32);
        printf("\n  efuse_blk_rev:  min %u, max %u\n  mmu_page_size:  %u KB\n", d->min_efuse_blk_rev_full,
               d->max_efuse_blk_rev_full, fw_app_desc_mmu_page(d) / 1024);
    }
    print_sig_text(in);
    const char *why = invalid_reason(in);
    printf("Result: %s%s\n", why ? "INVALID: " : "valid", why ? why : "");
}

/* Descriptor strings are fixed-size fields: up to the first NUL. */
static void kfield(struct fw_json *j, const char *key, const char *field, size_t size)
{
    fw_json_kstrn(j, key, field, strnlen(field, size));
}

static void print_json(const struct info *in)
{
    const struct fw_image_parser *p = &in->p;
    const struct fw_image_header *h = fw_image_parser_header(p);
    const struct fw_app_desc *d = fw_image_parser_app_desc(p);
    const char *why = invalid_reason(in);
    struct fw_json jw, *j = &jw;
    fw_json_init(j, stdout, 2);
    fw_json_obj(j);
    fw_json_kstr(j, "file", in->path);
    fw_json_ku64(j, "file_size", in->file_size);
    fw_json_kstr(j, "format", in->magic_ok ? "esp_app_image" : "unknown");
    fw_json_kbool(j, "valid", !why);
    fw_json_kstr(j, "error", why);
    fw_json_key(j, "header");
    if (h) {
        fw_json_obj(j);
        fw_json_ku64(j, "magic", h->magic);
        fw_json_ku64(j, "segment_count", h->segment_count);
        fw_json_ku64(j, "spi_mode", h->spi_mode);
        fw_json_ku64(j, "spi_speed_size", h->spi_speed_size);
        fw_json_ku64(j, "entry_addr", h->entry_addr);
        fw_json_ku64(j, "wp_pin", h->wp_pin);
        fw_json_key(j, "spi_pin_drv");
        fw_json_arr(j);
        for (int i = 0; i < 3; i++) fw_json_u64(j, h->spi_pin_drv[i]);
        fw_json_end(j);
        fw_json_ku64(j, "chip_id", h->chip_id);
        fw_json_kstr(j, "chip", fw_chip_name(h->chip_id));
        fw_json_ku64(j, "min_chip_rev", h->min_chip_rev);
        fw_json_ku64(j, "min_chip_rev_full", h->min_chip_rev_full);
        fw_json_ku64(j, "max_chip_rev_full", h->max_chip_rev_full);
        fw_json_ku64(j, "hash_appended", h->hash_appended);
        fw_json_end(j);
    } else fw_json_null(j);
    fw_json_key(j, "segments");
    fw_json_arr(j);
    for (unsigned i = 0; i < p->seg_seen; i++) {
        fw_json_obj(j);
        fw_json_ku64(j, "index", i);
        fw_json_ku64(j, "load_addr", p->seg[i].load_addr);
        fw_json_ku64(j, "data_len", p->seg[i].data_len);
        fw_json_ku64(j, "file_offset", p->seg[i].data_off - 8);
        fw_json_ku64(j, "data_offset", p->seg[i].data_off);
        fw_json_kstr(j, "type", fw_seg_class_name(fw_image_seg_class(h->chip_id, p->seg[i].load_addr)));
        fw_json_end(j);
    }
    fw_json_end(j);
    fw_json_key(j, "checksum");
    if (p->state >= FW_IMG_S_HASH && p->state != FW_IMG_S_ERROR) {
        fw_json_obj(j);
        fw_json_ku64(j, "stored", p->stored_checksum);
        fw_json_ku64(j, "computed", p->checksum);
        fw_json_kbool(j, "valid", p->checksum_ok);
        fw_json_end(j);
    } else fw_json_null(j);
    fw_json_key(j, "sha256");
    const uint8_t *st = fw_image_parser_stored_hash(p);
    if (st && in->hashes_final) {
        fw_json_obj(j);
        fw_json_khex(j, "stored", st, 32);
        fw_json_khex(j, "computed", in->sha_hash, 32);
        fw_json_kbool(j, "valid", hash_ok(in));
        fw_json_end(j);
    } else fw_json_null(j);
    fw_json_key(j, "layout");
    if (p->layout_known) {
        fw_json_obj(j);
        fw_json_ku64(j, "checksum_offset", p->chk_off);
        fw_json_ku64(j, "hash_end", p->hash_end);
        fw_json_ku64(j, "image_length", p->image_len);
        fw_json_ku64(j, "signature_offset", p->sig_off);
        fw_json_end(j);
    } else fw_json_null(j);
    fw_json_key(j, "app_desc");
    if (d) {
        fw_json_obj(j);
        fw_json_ku64(j, "magic_word", d->magic_word);
        fw_json_ku64(j, "secure_version", d->secure_version);
        kfield(j, "version", d->version, sizeof d->version);
        kfield(j, "project_name", d->project_name, sizeof d->project_name);
        kfield(j, "time", d->time, sizeof d->time);
        kfield(j, "date", d->date, sizeof d->date);
        kfield(j, "idf_ver", d->idf_ver, sizeof d->idf_ver);
        fw_json_khex(j, "app_elf_sha256", d->app_elf_sha256, 32);
        fw_json_ku64(j, "min_efuse_blk_rev_full", d->min_efuse_blk_rev_full);
        fw_json_ku64(j, "max_efuse_blk_rev_full", d->max_efuse_blk_rev_full);
        fw_json_ku64(j, "mmu_page_size_log2", d->mmu_page_size);
        fw_json_ku64(j, "spi_flash_mode", d->spi_flash_mode);
        fw_json_end(j);
    } else fw_json_null(j);
    print_sig_json(in, j);
    fw_json_end(j);
}

/* Formats of a fixed size whose first byte is random (otadata sectors, the
 * nvs_keys image: key bytes, 1 in 256 starts with 0xE9) are probed by their
 * CRCs before the app image parser claims them by that one byte. */
static int other_format_size(uint64_t size)
{
    return size == FW_OTADATA_SIZE || size == FW_NVS_KEYS_IMAGE_LEN;
}

/* The other formats are small: read the file whole (at most OTHER_MAX), then
 * put the stream back where the app image parser expects it. */
#define OTHER_MAX (16u * 1024u * 1024u)
static int info_other(struct info *in, FILE *f, const uint8_t *head, size_t got)
{
    uint8_t *buf = malloc(in->file_size ? (size_t)in->file_size : 1);
    if (!buf) return cli_err(EXIT_IO, "%s: out of memory", in->path);
    memcpy(buf, head, got);
    size_t n = got + fread(buf + got, 1, (size_t)in->file_size - got, f);
    int rc = n == in->file_size ? info_other_format(in->path, buf, n, in->json) : cli_err(EXIT_IO, "%s: read error", in->path);
    fw_wipe(buf, n); /* may be a key */
    free(buf);
    if (rc == -1 && fseek(f, (long)got, SEEK_SET) != 0) rc = cli_err(EXIT_IO, "%s: seek failed", in->path);
    return rc;
}

/* "-": standard input copied to an unnamed temporary file (info needs the
 * size first and may read a small file twice). NULL with errno on failure. */
static FILE *spool_stdin(void)
{
    FILE *t = tmpfile();
    uint8_t *buf = malloc(CHUNK);
    size_t n;
    int ok = t && buf;
    while (ok && (n = fread(buf, 1, CHUNK, stdin)) > 0) ok = fwrite(buf, 1, n, t) == n;
    ok = ok && !ferror(stdin) && fflush(t) == 0 && fseek(t, 0, SEEK_SET) == 0;
    free(buf);
    if (!ok && t) { fclose(t); t = NULL; errno = errno ? errno : EIO; }
    return t;
}

/* As `fwseal manifest show`; exit 1 for a malformed manifest. */
static int info_manifest(const char *path, int json)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    struct fw_manifest m;
    int rc = mf_load(path, &buf, &len, &m);
    if (rc) return rc;
    if (json) mf_print_json(stdout, path, buf, len, &m, 0, "not checked (fwseal verify)");
    else mf_print_text(stdout, path, buf, len, &m, 0);
    free(buf);
    return 0;
}

static int run_info(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    static struct info in;
    memset(&in, 0, sizeof in);
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--json")) in.json = 1;
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "info: unknown option '%s' (see --help)", argv[i]);
        else if (in.path) return cli_err(EXIT_USAGE, "info: more than one image given");
        else in.path = argv[i];
    }
    if (!in.path) return cli_err(EXIT_USAGE, "info: no image given (see --help)");
    FILE *f = strcmp(in.path, "-") ? fopen(in.path, "rb") : spool_stdin();
    if (!f) return cli_err(EXIT_IO, "%s: %s", in.path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) { fclose(f); return cli_err(EXIT_IO, "%s: not a regular file", in.path); }
    in.file_size = (uint64_t)st.st_size;
    if (in.file_size == 0) { fclose(f); return cli_err(EXIT_REJECT, "%s: empty file", in.path); }

    static uint8_t head[512];
    size_t got = fread(head, 1, sizeof head, f);
    int rc = -1;
    in.magic_ok = got > 0 && head[0] == FW_IMAGE_MAGIC;
    if (got >= 4 && fw_enc_check_magic(head, got) == FW_OK) {
        rc = info_container(&in, head, got);
    } else if (got >= FW_MF_MAGIC_LEN && !memcmp(head, FW_MF_MAGIC, FW_MF_MAGIC_LEN) && strcmp(in.path, "-")) {
        rc = info_manifest(in.path, in.json);   /* a fleet manifest (docs/formats.md §8) */
    } else if ((head[0] != FW_IMAGE_MAGIC || other_format_size(in.file_size)) && in.file_size <= OTHER_MAX) {
        rc = info_other(&in, f, head, got);
    }
    if (rc == -1) {
        rc = stream_image(&in, f, head, got);
        if (!rc) {
            if (in.json) print_json(&in); else print_text(&in);
            const char *why = invalid_reason(&in);
            if (why) rc = cli_err(EXIT_REJECT, "%s: %s", in.path, why);
        }
    }
    fclose(f);
    return rc;
}

const struct cli_cmd cmd_info = {"info", "say what a file is (app or encrypted image, partition table, NVS, otadata, key, ...)", run_info};
