/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal/info_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cli/util/cli.h"
#include "encryptor/fwh_encimg.h"
#include "encryptor/fwh_enckey.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_json.h"
#include "fw_nvs.h"
#include "fw_otadata.h"
#include "fw_partition.h"
#include "fw_sbv2.h"
#include "keys/fwh_keys.h"

/* One report: text "name: value" lines or a JSON object, same fields. */
struct out {
    int json;
    struct fw_json j;
};

static void begin(struct out *o, const char *path, size_t len, const char *format, const char *title)
{
    if (o->json) {
        fw_json_init(&o->j, stdout, 2);
        fw_json_obj(&o->j);
        fw_json_kstr(&o->j, "file", path);
        fw_json_ku64(&o->j, "file_size", len);
        fw_json_kstr(&o->j, "format", format);
    } else {
        printf("File: %s (%zu bytes)\nFormat: %s\n", path, len, title);
    }
}

static void field_s(struct out *o, const char *key, const char *label, const char *v)
{
    if (o->json) fw_json_kstr(&o->j, key, v);
    else printf("  %-16s %s\n", label, v ? v : "-");
}

static void field_u(struct out *o, const char *key, const char *label, uint64_t v)
{
    if (o->json) fw_json_ku64(&o->j, key, v);
    else printf("  %-16s %llu\n", label, (unsigned long long)v);
}

static void field_hex(struct out *o, const char *key, const char *label, const uint8_t *p, size_t n)
{
    if (o->json) { fw_json_khex(&o->j, key, p, n); return; }
    printf("  %-16s ", label);
    cli_print_hex(stdout, p, n);
    putchar('\n');
}

static int finish(struct out *o, int valid, const char *error)
{
    if (o->json) {
        fw_json_kbool(&o->j, "valid", valid);
        fw_json_kstr(&o->j, "error", error);
        fw_json_end(&o->j);
    } else {
        printf("Result: %s%s\n", valid ? "valid" : "INVALID: ", valid ? "" : error);
    }
    return valid ? EXIT_OK_ : EXIT_REJECT;
}

/* ---- partition table (FORMATS §6) --------------------------------------- */

static int md5_evp(void *ctx, const uint8_t *data, size_t len, uint8_t out[16])
{
    (void)ctx;
    unsigned n = 16;
    return EVP_Digest(data, len, out, &n, EVP_md5(), NULL) == 1 ? 0 : -1;
}

static int partition_table(struct out *o, const char *path, const uint8_t *b, size_t len)
{
    if (len < FW_PT_RECORD_LEN || fw_dec16le(b) != FW_PT_MAGIC) return -1;
    static struct fw_pt t;
    int rc = fw_pt_parse(&t, b, len < FW_PT_LEN ? len : FW_PT_LEN, 0, md5_evp, NULL, 0);
    begin(o, path, len, "partition_table", "ESP partition table (binary)");
    if (rc == FW_OK) {
        field_u(o, "entries", "entries:", t.count);
        if (o->json) { fw_json_kbool(&o->j, "md5", t.has_md5); fw_json_key(&o->j, "partitions"); fw_json_arr(&o->j); }
        else printf("  md5:             %s\n  label            type  subtype   offset     size\n", t.has_md5 ? "present, matches" : "none");
        for (unsigned i = 0; i < t.count; i++) {
            const struct fw_pt_entry *e = &t.e[i];
            const char *tn = fw_pt_type_name(e->type), *sn = fw_pt_subtype_name(e->type, e->subtype);
            if (o->json) {
                fw_json_obj(&o->j);
                fw_json_kstrn(&o->j, "label", e->label, strnlen(e->label, sizeof e->label));
                fw_json_kstr(&o->j, "type", tn ? tn : "custom");
                fw_json_kstr(&o->j, "subtype", sn ? sn : "custom");
                fw_json_ku64(&o->j, "offset", e->offset);
                fw_json_ku64(&o->j, "size", e->size);
                fw_json_kbool(&o->j, "encrypted", e->flags & FW_PT_FLAG_ENCRYPTED);
                fw_json_end(&o->j);
            } else {
                char label[80];
                cli_safe_text(e->label, strnlen(e->label, sizeof e->label), label, sizeof label);
                printf("  %-16s %-5s %-9s 0x%06x 0x%06x%s\n", label, tn ? tn : "?", sn ? sn : "?",
                       (unsigned)e->offset, (unsigned)e->size, e->flags & FW_PT_FLAG_ENCRYPTED ? " encrypted" : "");
            }
        }
        if (o->json) fw_json_end(&o->j);
    }
    return finish(o, rc == FW_OK, rc == FW_OK ? NULL : fw_strerror(rc));
}

/* ---- otadata (FORMATS §7) ------------------------------------------------ */

static int is_erased(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF) return 0;
    return 1;
}

static int otadata(struct out *o, const char *path, const uint8_t *b, size_t len)
{
    if (len != FW_OTADATA_SIZE) return -1;
    struct fw_otadata_entry e[2];
    int ok[2], any = 0;
    for (int s = 0; s < 2; s++) {
        const uint8_t *rec = b + s * FW_OTADATA_SECTOR;
        fw_otadata_decode(rec, &e[s]);
        ok[s] = fw_otadata_check(&e[s]) == FW_OK;
        any |= ok[s] || !is_erased(rec, FW_OTADATA_ENTRY_SIZE);
        if (!ok[s] && !is_erased(rec, FW_OTADATA_ENTRY_SIZE) && e[s].crc != fw_otadata_crc(e[s].seq)) return -1;
    }
    if (!any && !is_erased(b, len)) return -1;
    begin(o, path, len, "otadata", "ESP otadata partition (2 sectors)");
    if (o->json) { fw_json_key(&o->j, "entries"); fw_json_arr(&o->j); }
    for (int s = 0; s < 2; s++) {
        int erased = is_erased(b + s * FW_OTADATA_SECTOR, FW_OTADATA_ENTRY_SIZE);
        if (o->json) {
            fw_json_obj(&o->j);
            fw_json_ku64(&o->j, "sector", (uint64_t)s);
            fw_json_kbool(&o->j, "erased", erased);
            fw_json_kbool(&o->j, "valid", ok[s]);
            if (!erased) {
                fw_json_ku64(&o->j, "seq", e[s].seq);
                fw_json_kstr(&o->j, "state", fw_otadata_state_name(e[s].state));
            }
            fw_json_end(&o->j);
        } else if (erased) {
            printf("  sector %d         erased\n", s);
        } else {
            printf("  sector %d         seq %u, state %s, CRC %s\n", s, (unsigned)e[s].seq,
                   fw_otadata_state_name(e[s].state), ok[s] ? "valid" : "INVALID");
        }
    }
    if (o->json) fw_json_end(&o->j);
    int sel = fw_otadata_select(e, ok);
    if (sel >= 0) field_u(o, "selected_seq", "selected seq:", e[sel].seq);
    else field_s(o, "selected_seq", "selected seq:", NULL);
    return finish(o, 1, NULL);
}

/* ---- NVS partition (FORMATS §5) and nvs_keys (§5.10) ---------------------- */

static int nvs_partition(struct out *o, const char *path, const uint8_t *b, size_t len)
{
    if (len < FW_NVS_PAGE_SIZE || len % FW_NVS_PAGE_SIZE) return -1;
    unsigned pages = (unsigned)(len / FW_NVS_PAGE_SIZE), used = 0, bad = 0;
    for (unsigned p = 0; p < pages; p++) {
        const uint8_t *h = b + (size_t)p * FW_NVS_PAGE_SIZE;
        struct fw_nvs_page_hdr ph;
        fw_nvs_page_hdr_decode(h, &ph);
        if (ph.state == FW_NVS_PS_UNINIT) continue;
        if (fw_nvs_page_hdr_crc_ok(h)) used++;
        else bad++;
    }
    if (!used || bad > used) return -1;
    begin(o, path, len, "nvs_partition", "ESP NVS partition");
    field_u(o, "pages", "pages:", pages);
    field_u(o, "pages_in_use", "pages in use:", used);
    if (!o->json) printf("  (list the items with `fwseal nvs dump %s`; add --keys for an encrypted one)\n", path);
    return finish(o, 1, NULL);
}

static int nvs_keys(struct out *o, const char *path, const uint8_t *b, size_t len)
{
    uint8_t keys[FW_NVS_KEYS_LEN];
    if (len != 4096 || fw_nvs_keys_parse(b, b, keys) != FW_OK) return -1;
    fw_wipe(keys, sizeof keys);
    begin(o, path, len, "nvs_keys", "NVS keys partition image (eky || tky || CRC32; secret, not printed)");
    return finish(o, 1, NULL);
}

/* ---- keys ------------------------------------------------------------------ */

static const char *pkey_desc(EVP_PKEY *pk, char *buf, size_t n)
{
    const char *tn = EVP_PKEY_get0_type_name(pk);
    snprintf(buf, n, "%s-%d", tn ? tn : "unknown", EVP_PKEY_get_bits(pk));
    return buf;
}

static int key_file(struct out *o, const char *path, const uint8_t *b, size_t len)
{
    int pem = cli_is_pem(b, len);
    EVP_PKEY *pk = NULL;
    int priv = 1;
    if (pem ? fwh_enckey_priv_from_pem(b, len, &pk) != FW_OK : fwh_pkey_from_der(b, len, 1, &pk) != FW_OK) {
        priv = 0;
        if (pem ? fwh_enckey_pub_from_pem(b, len, &pk) != FW_OK : fwh_pkey_from_der(b, len, 0, &pk) != FW_OK) {
            if (!pem) return -1;
            begin(o, path, len, "key", "PEM key");
            return finish(o, 0, "not a readable key (encrypted, or an unsupported type)");
        }
    }
    char desc[64];
    begin(o, path, len, "key", pem ? "key (PEM)" : "key (DER)");
    field_s(o, "key_type", "type:", pkey_desc(pk, desc, sizeof desc));
    field_s(o, "part", "part:", priv ? "private (secret: not printed)" : "public");
    struct fwh_key k;
    char why[160];
    uint8_t d[FW_SBV2_KEY_DIGEST_LEN];
    if (fwh_key_from_pem(b, len, &k, why, sizeof why) == FW_OK) {
        if (fwh_key_sbv2_digest(&k, d) == FW_OK)
            field_hex(o, "sbv2_key_digest", "SBv2 digest:", d, sizeof d);
        field_s(o, "use", "use:", "Secure Boot V2 signing key (fwseal sign --key) or device key (encrypt --pubkey)");
        fwh_key_free(&k);
    } else {
        int scheme = 0;
        field_s(o, "use", "use:",
                fwh_encimg_key_scheme(pk, &scheme, why, sizeof why) == FW_OK
                    ? "device key for the encrypted image (encrypt --pubkey)"
                    : "not a key type fwseal uses");
    }
    EVP_PKEY_free(pk);
    return finish(o, 1, NULL);
}

/* ---- data signed with Secure Boot V2 ---------------------------------------- */

static int signed_data(struct out *o, const char *path, const uint8_t *b, size_t len)
{
    if (len % FW_SBV2_SECTOR_SIZE || len < 2 * FW_SBV2_SECTOR_SIZE) return -1;
    const uint8_t *sec = b + len - FW_SBV2_SECTOR_SIZE;
    struct fw_sbv2_scan scan;
    unsigned n = fw_sbv2_sector_scan(sec, &scan);
    if (!n) return -1;
    uint8_t digest[32], digest384[48];
    unsigned ml = 32;
    EVP_Digest(b, len - FW_SBV2_SECTOR_SIZE, digest, &ml, EVP_sha256(), NULL);
    ml = 48;
    EVP_Digest(b, len - FW_SBV2_SECTOR_SIZE, digest384, &ml, EVP_sha384(), NULL);   /* ECDSA P-384 blocks */
    begin(o, path, len, "signed_data", "data signed with Secure Boot V2 (not an ESP app image)");
    field_u(o, "signed_length", "signed length:", len - FW_SBV2_SECTOR_SIZE);
    field_hex(o, "signed_sha256", "SHA-256:", digest, sizeof digest);
    if (o->json) { fw_json_key(&o->j, "blocks"); fw_json_arr(&o->j); }
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *blk = sec + i * FW_SBV2_BLOCK_SIZE;
        uint8_t kd[FW_SBV2_KEY_DIGEST_LEN];
        int have = fwh_block_key_digest(blk, kd) == FW_OK;
        size_t dl = fw_sbv2_digest_len(scan.scheme[i]);
        int match = dl && fw_ct_equal(blk + FW_SBV2_OFF_DIGEST, dl == sizeof digest384 ? digest384 : digest, dl);
        if (o->json) {
            fw_json_obj(&o->j);
            fw_json_ku64(&o->j, "index", i);
            fw_json_kstr(&o->j, "scheme", fw_sbv2_scheme_name(scan.scheme[i]));
            if (have) fw_json_khex(&o->j, "key_digest", kd, sizeof kd);
            fw_json_kbool(&o->j, "image_digest_matches", match);
            fw_json_end(&o->j);
        } else {
            printf("  block %u:         %s, key digest ", i, fw_sbv2_scheme_name(scan.scheme[i]));
            if (have) cli_print_hex(stdout, kd, sizeof kd);
            printf(", digest %s\n", match ? "matches" : "does NOT match");
        }
    }
    if (o->json) fw_json_end(&o->j);
    if (!o->json) printf("  (a signed data partition: `fwseal sign --data`; signatures are checked by\n"
                         "   `fwseal verify %s --data --trust KEY`)\n", path);
    return finish(o, 1, NULL);
}

int info_other_format(const char *path, const uint8_t *buf, size_t len, int json)
{
    struct out o = {.json = json};
    int (*const probes[])(struct out *, const char *, const uint8_t *, size_t) = {
        partition_table, otadata, nvs_keys, signed_data, nvs_partition, key_file,   /* a signed NVS image is signed data */
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        int rc = probes[i](&o, path, buf, len);
        if (rc >= 0) return rc;
    }
    return -1;
}
