/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal release: a fleet release as static files (docs/formats.md §8, §9):
 * one shared ciphertext body, one 512-byte header per device, and the signed
 * manifest, written last so a server never offers a manifest whose files are
 * not all there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/fwseal/mf_cli.h"
#include "cli/fwseal/release_devices.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_fleet.h"
#include "keys/fwh_keys.h"
#include "signer/fwh_msign.h"
#include "verify/fwh_verify.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"
#include "fw_manifest.h"

#define DEFAULT_CHUNK 4096u
#define DEFAULT_LIFETIME (30u * 24u * 3600u)
#define READ_BUF (256u * 1024u)

static void help(void)
{
    printf("usage: fwseal release --image SIGNED.bin --devices DEVICES.csv --sign-key KEY.pem --out DIR\n"
           "                      [--seq N] [--expires TIME] [--rollout PERCENT] [options]\n"
           "\n"
           "A fleet release as plain static files for any web server or CDN: every device\n"
           "gets its own key wrap, all share one ciphertext body, and a signed manifest\n"
           "lets a device decide before it downloads anything (docs/formats.md 8, 9):\n"
           "  DIR/manifest.fwm          signed manifest (written last)\n"
           "  DIR/SEQ/body.bin          AES-256-GCM ciphertext of SIGNED.bin, shared\n"
           "  DIR/SEQ/hdr/ID.hdr        512-byte header of device ID\n"
           "For an RSA-3072 device, hdr/ID.hdr followed by body.bin IS a stock ESP\n"
           "encrypted image for that device (fwseal decrypt, esp_encrypted_img). ECIES-P256\n"
           "devices get the fwseal shared-body header (FWSX); a release for ONE ECIES\n"
           "device keeps the stock ECIES header unless --ecies-shared.\n"
           "\n"
           "SIGNED.bin is a Secure Boot V2 signed app image (fwseal sign); its signature is\n"
           "checked against its own key before anything is written. Project, version,\n"
           "chip, minimum chip revision and secure_version come from the image.\n"
           "DEVICES.csv: a header line 'id,pubkey', then one line per device: its id\n"
           "(1..32 of A-Z a-z 0-9 . _ -) and the path of its RSA-3072 or EC P-256 public\n"
           "key PEM (relative to the CSV's directory); one key type per release.\n"
           "\n"
           "options:\n"
           "  --image FILE        the signed app image\n"
           "  --devices CSV       the device registry\n"
           "  --sign-key KEY      manifest signing key, RSA-3072 or ECDSA P-256 (file or\n"
           "                      pkcs11: URI; repeat for up to 3, one scheme): a key whose\n"
           "                      digest the devices' eFuses trust\n"
           "  --out DIR           release directory (created if missing)\n"
           "  --seq N             manifest sequence number (default: the published\n"
           "                      DIR/manifest.fwm's + 1, else 1); must exceed the published one\n"
           "  --expires TIME      expiry, RFC 3339 UTC, e.g. 2027-06-30T00:00:00Z\n"
           "                      (default: 30 days after --issued)\n"
           "  --issued TIME       signing time (default: now)\n"
           "  --rollout PERCENT   share of devices selected by a stable hash of their id,\n"
           "                      0..100, up to 2 decimals (default 100)\n"
           "  --group NAME        devices of group NAME are in whatever the percentage\n"
           "                      (repeat, up to 8)\n"
           "  --rollout-seed HEX  16-byte seed of the rollout hash (default: from the\n"
           "                      image's SHA-256, so stages of one image only add devices)\n"
           "  --chip NAME|ID      override the image's chip id (warned when different)\n"
           "  --min-rev REV       minimum chip revision, major*100+minor (default: image's)\n"
           "  --chunk-size N      body chunk checked per SHA-256, power of two 1K..1M\n"
           "                      (default 4096, raised to fit 2032 chunks)\n"
           "  --jobs N            worker processes wrapping the keys (default 1)\n"
           "  --ecies-shared      FWSX shared header even for a single ECIES device\n");
    cmd_key_options_help(stdout);
    printf("\nexit: 0 released, 1 input rejected (image, registry, key, seq), 2 usage, 3 I/O.\n"
           "\nexample:\n"
           "  fwseal release --image app-signed.bin --devices fleet.csv --sign-key release.pem \\\n"
           "      --out www/fw --rollout 10 --expires 2027-06-30T00:00:00Z --jobs 2\n");
}

struct rel_opts {
    const char *image, *devices, *out, *seq, *expires, *issued, *rollout, *seed, *chip, *min_rev, *chunk, *jobs;
    const char *sign[FW_SBV2_MAX_BLOCKS];
    size_t nsign;
    const char *groups[FW_MF_MAX_GROUPS];
    size_t ngroups;
    int ecies_shared;
};

static int parse_args(int argc, char **argv, struct rel_opts *o)
{
    struct { const char *name; const char **v; } one[] = {
        {"--image", &o->image}, {"--devices", &o->devices}, {"--out", &o->out}, {"-o", &o->out},
        {"--seq", &o->seq}, {"--expires", &o->expires}, {"--issued", &o->issued}, {"--rollout", &o->rollout},
        {"--rollout-seed", &o->seed}, {"--chip", &o->chip}, {"--min-rev", &o->min_rev},
        {"--chunk-size", &o->chunk}, {"--jobs", &o->jobs},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!cli_is_option(a)) return cli_err(EXIT_USAGE, "release: unexpected argument '%s' (see --help)", a);
        if (cmd_key_option(argc, argv, &i)) continue;
        if (cli_opt(a, "--ecies-shared")) { o->ecies_shared = 1; continue; }
        int rep = cli_opt(a, "--sign-key") ? 1 : cli_opt(a, "--group") ? 2 : 0;
        size_t k = 0;
        if (!rep) {
            for (; k < sizeof one / sizeof one[0]; k++)
                if (cli_opt(a, one[k].name)) break;
            if (k == sizeof one / sizeof one[0]) return cli_err(EXIT_USAGE, "release: unknown option '%s' (see --help)", a);
        }
        if (i + 1 >= argc) return cli_err(EXIT_USAGE, "release: %s needs a value", a);
        const char *v = argv[++i];
        if (rep == 1) {
            if (o->nsign == FW_SBV2_MAX_BLOCKS) return cli_err(EXIT_USAGE, "release: at most 3 --sign-key");
            o->sign[o->nsign++] = v;
        } else if (rep == 2) {
            if (o->ngroups == FW_MF_MAX_GROUPS) return cli_err(EXIT_USAGE, "release: at most 8 --group");
            if (fw_mf_check_group(v) != FW_OK)
                return cli_err(EXIT_USAGE, "release: --group '%s': 1..15 characters of A-Z a-z 0-9 . _ -", v);
            o->groups[o->ngroups++] = v;
        } else {
            *one[k].v = v;
        }
    }
    if (!o->image || !o->devices || !o->nsign || !o->out)
        return cli_err(EXIT_USAGE, "release: --image, --devices, --sign-key and --out are required (see --help)");
    return 0;
}

/* Everything the manifest takes from the options, checked before any output. */
static int fill_options(const struct rel_opts *o, struct fw_manifest *m, uint32_t *chunk_opt, unsigned *jobs)
{
    uint64_t v;
    m->issued = (uint64_t)time(NULL);
    if (o->issued && mf_parse_time(o->issued, &m->issued))
        return cli_err(EXIT_USAGE, "release: --issued '%s': want RFC 3339 UTC, e.g. 2027-06-30T00:00:00Z", o->issued);
    m->expires = m->issued + DEFAULT_LIFETIME;
    if (o->expires && mf_parse_time(o->expires, &m->expires))
        return cli_err(EXIT_USAGE, "release: --expires '%s': want RFC 3339 UTC, e.g. 2027-06-30T00:00:00Z", o->expires);
    if (m->expires <= m->issued)
        return cli_err(EXIT_USAGE, "release: --expires must be after the signing time (--issued, default now)");
    if (m->expires <= (uint64_t)time(NULL)) {
        char t[32];
        mf_format_time(m->expires, t, sizeof t);
        cli_warn("the manifest expires in the past (%s): every device will refuse it as expired", t);
    }
    m->rollout_bp = FW_MF_ROLLOUT_ALL;
    if (o->rollout) {
        int bp = mf_parse_percent(o->rollout);
        if (bp < 0) return cli_err(EXIT_USAGE, "release: --rollout '%s': want a percentage 0..100 (up to 2 decimals)", o->rollout);
        m->rollout_bp = (uint16_t)bp;
    }
    if (o->seed && cli_parse_hex(o->seed, m->rollout_seed, sizeof m->rollout_seed) != (long)sizeof m->rollout_seed)
        return cli_err(EXIT_USAGE, "release: --rollout-seed: want 32 hex digits (16 bytes)");
    if (o->seq && (cli_parse_u64(o->seq, &m->seq) || m->seq == 0))
        return cli_err(EXIT_USAGE, "release: --seq '%s': want a number >= 1", o->seq);
    *chunk_opt = 0;
    if (o->chunk) {
        if (cli_parse_u64(o->chunk, &v) || v < FW_MF_MIN_CHUNK || v > FW_MF_MAX_CHUNK || (v & (v - 1)))
            return cli_err(EXIT_USAGE, "release: --chunk-size '%s': want a power of two from 1K to 1M", o->chunk);
        *chunk_opt = (uint32_t)v;
    }
    *jobs = 1;
    if (o->jobs) {
        if (cli_parse_u64(o->jobs, &v) || v < 1 || v > 256) return cli_err(EXIT_USAGE, "release: --jobs: want 1..256");
        *jobs = (unsigned)v;
    }
    for (size_t g = 0; g < o->ngroups; g++) snprintf(m->groups[g], sizeof m->groups[g], "%s", o->groups[g]);
    m->group_count = (unsigned)o->ngroups;
    return 0;
}

/* Image facts from its first 0x120 bytes (header + app descriptor). */
static int image_facts(const char *path, const uint8_t *head, size_t n, const struct rel_opts *o, struct fw_manifest *m)
{
    struct fw_image_header h;
    struct fw_app_desc d;
    if (n < FW_APP_DESC_END) return cli_err(EXIT_REJECT, "%s: too short for an ESP app image", path);
    fw_image_header_decode(head, &h);
    fw_app_desc_decode(head + FW_APP_DESC_OFFSET, &d);
    if (fw_image_header_check(&h) != FW_OK || d.magic_word != FW_APP_DESC_MAGIC)
        return cli_err(EXIT_REJECT, "%s: not an ESP app image (header or app descriptor magic)", path);
    if (!d.project_name[0] || strlen(d.project_name) > 31 || !d.version[0] || strlen(d.version) > 31)
        return cli_err(EXIT_REJECT, "%s: the app descriptor's project name and version must be 1..31 characters", path);
    snprintf(m->project, sizeof m->project, "%s", d.project_name);
    snprintf(m->version, sizeof m->version, "%s", d.version);
    m->secure_version = d.secure_version;
    m->chip_id = h.chip_id;
    m->min_chip_rev = h.min_chip_rev_full;
    if (o->chip) {
        uint64_t v;
        int id = fw_chip_from_name(o->chip);
        if (id < 0 && (cli_parse_u64(o->chip, &v) || v >= 0xFFFF)) return cli_err(EXIT_USAGE, "release: --chip '%s': unknown chip", o->chip);
        if (id < 0) id = (int)v;
        if ((uint16_t)id != h.chip_id)
            cli_warn("--chip %s: the image is built for chip id %u; devices of chip %d will refuse the image itself", o->chip,
                     h.chip_id, id);
        m->chip_id = (uint16_t)id;
    }
    if (o->min_rev) {
        uint64_t v;
        if (cli_parse_u64(o->min_rev, &v) || v > 0xFFFF) return cli_err(EXIT_USAGE, "release: --min-rev: want major*100+minor");
        m->min_chip_rev = (uint16_t)v;
    }
    return 0;
}

/* The published manifest's seq, 0 if there is none. */
static int published_seq(const char *dir, uint64_t *seq)
{
    char path[4096];
    struct stat st;
    *seq = 0;
    snprintf(path, sizeof path, "%s/%s", dir, MF_FILE_NAME);
    if (stat(path, &st) != 0) return errno == ENOENT ? 0 : cli_err(EXIT_IO, "%s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0;
    struct fw_manifest m;
    int rc = mf_load(path, &buf, &len, &m);
    if (rc) return cli_err(rc, "%s: the published manifest is unreadable: fix or remove it first", path);
    free(buf);
    *seq = m.seq;
    return 0;
}

static int make_dir(const char *path, int must_be_new)
{
    if (mkdir(path, 0755) == 0) return 0;
    if (errno == EEXIST && !must_be_new) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
        return cli_err(EXIT_IO, "%s: exists and is not a directory", path);
    }
    if (errno == EEXIST) return cli_err(EXIT_REJECT, "%s: exists already: this seq was released before (use a higher --seq)", path);
    return cli_err(EXIT_IO, "%s: %s", path, strerror(errno));
}

struct body_job {
    struct fwh_fleet_enc enc;
    struct fwh_verify *verify;
    uint8_t head[FW_APP_DESC_END];
    size_t head_len;
};

/* Stream the image: verify it, hash it, encrypt it into out, hash each chunk. */
static int encrypt_body(const char *image, FILE *in, FILE *out, struct body_job *bj, char *why, size_t whylen)
{
    uint8_t *buf = malloc(2 * (size_t)READ_BUF);
    if (!buf) return snprintf(why, whylen, "out of memory"), FW_ERR_NOMEM;
    int rc = FW_OK;
    size_t n;
    while (rc == FW_OK && (n = fread(buf, 1, READ_BUF, in)) > 0) {
        if (bj->head_len < sizeof bj->head) {
            size_t k = sizeof bj->head - bj->head_len < n ? sizeof bj->head - bj->head_len : n;
            memcpy(bj->head + bj->head_len, buf, k);
            bj->head_len += k;
        }
        if (fwh_verify_update(bj->verify, buf, n) != FW_OK) rc = FW_ERR_CRYPTO;
        if (rc == FW_OK) rc = fwh_fleet_enc_update(&bj->enc, buf, n, buf + READ_BUF);
        if (rc == FW_OK && fwrite(buf + READ_BUF, 1, n, out) != n) rc = FW_ERR_IO;
    }
    if (rc == FW_OK && ferror(in)) rc = FW_ERR_IO;
    snprintf(why, whylen, "%s: %s", image, rc == FW_ERR_RANGE ? "too many chunks for the manifest (raise --chunk-size)"
                                            : fw_strerror(rc));
    OPENSSL_cleanse(buf, 2 * (size_t)READ_BUF);
    free(buf);
    return rc;
}

static void cleanup(const char *seq_dir, const struct rel_devices *d)
{
    char path[4300];
    for (size_t i = 0; i < d->n; i++) {
        snprintf(path, sizeof path, "%s/hdr/%s.hdr", seq_dir, d->v[i].id);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/hdr", seq_dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/body.bin", seq_dir);
    unlink(path);
    rmdir(seq_dir);
}

static uint32_t pick_chunk(uint64_t size, uint32_t opt)
{
    if (opt) return opt;
    uint32_t c = DEFAULT_CHUNK;
    while (c < FW_MF_MAX_CHUNK && fw_mf_chunk_count((uint32_t)size, c) > FW_MF_MAX_CHUNKS) c *= 2;
    return c;
}

struct rel_state {
    struct rel_opts o;
    struct fw_manifest m;
    struct rel_devices devs;
    struct fwh_key keys[FW_SBV2_MAX_BLOCKS];
    const struct fwh_key *kp[FW_SBV2_MAX_BLOCKS];
    size_t nkeys;
    struct fwh_fleet_content content;
    uint8_t (*hashes)[FW_MF_HASH_LEN];
    char seq_dir[2100];
    int created;
};

static int load_sign_keys(struct rel_state *s)
{
    for (size_t i = 0; i < s->o.nsign; i++) {
        int rc = cmd_load_key(s->o.sign[i], &s->keys[i]);
        if (rc) return rc;
        s->kp[i] = &s->keys[i];
        s->nkeys = i + 1;
        enum fw_sbv2_scheme sc = fwh_key_scheme(&s->keys[i]);
        if (sc != FW_SBV2_RSA3072 && sc != FW_SBV2_ECDSA_P256)
            return cli_err(EXIT_REJECT, "%s: a %s key: manifests are signed with RSA-3072 or ECDSA P-256 keys",
                           cmd_key_name(s->o.sign[i]), fw_sbv2_scheme_name(sc));
    }
    return 0;
}

/* Body: DIR/SEQ/body.bin, and the manifest fields that come from it. */
static int write_body(struct rel_state *s, int scheme, uint32_t chunk_opt, EVP_PKEY *single_ecies)
{
    FILE *in = fopen(s->o.image, "rb");
    if (!in) return cli_err(EXIT_IO, "%s: %s", s->o.image, strerror(errno));
    struct stat st;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > UINT32_MAX) {
        fclose(in);
        return cli_err(EXIT_REJECT, "%s: want a regular, non-empty file under 4 GiB", s->o.image);
    }
    s->m.chunk_size = pick_chunk((uint64_t)st.st_size, chunk_opt);
    int rc = single_ecies ? fwh_fleet_content_ecies_stock(&s->content, single_ecies) : fwh_fleet_content_new(&s->content);
    (void)scheme;
    if (rc != FW_OK) { fclose(in); return cli_err(EXIT_IO, "content key: %s", fw_strerror(rc)); }
    s->hashes = calloc(FW_MF_MAX_CHUNKS, FW_MF_HASH_LEN);
    static struct body_job bj;
    memset(&bj, 0, sizeof bj);
    struct fwh_verify_opts vo = {.allow_untrusted = 1};
    if (!s->hashes || fwh_verify_new(&bj.verify, &vo) != FW_OK ||
        fwh_fleet_enc_begin(&bj.enc, &s->content, s->m.chunk_size, s->hashes, FW_MF_MAX_CHUNKS) != FW_OK) {
        fclose(in);
        fwh_verify_free(bj.verify);
        return cli_err(EXIT_IO, "out of memory or crypto failure");
    }
    char path[4200], why[300];
    snprintf(path, sizeof path, "%s/body.bin", s->seq_dir);
    struct cli_out out;
    rc = cli_out_open(&out, path, 0644);
    if (rc) { fclose(in); fwh_fleet_enc_free(&bj.enc); fwh_verify_free(bj.verify); return rc; }
    int err = encrypt_body(s->o.image, in, out.f, &bj, why, sizeof why);
    fclose(in);
    if (err == FW_OK) err = fwh_fleet_enc_finish(&bj.enc, &s->content);
    else fwh_fleet_enc_free(&bj.enc);
    struct fwh_report rep;
    int vrc = fwh_verify_finish(bj.verify, &rep);
    fwh_verify_free(bj.verify);
    if (err != FW_OK) {
        cli_out_abort(&out);
        return cli_err(err == FW_ERR_RANGE ? EXIT_REJECT : cli_exit_for(err), "%s", why);
    }
    if (vrc != FW_OK) {
        cli_out_abort(&out);
        const struct fwh_check *f = fwh_report_first_failure(&rep);
        return cli_err(EXIT_REJECT, "%s: not a correctly signed app image (%s: %s): sign it with fwseal sign first",
                       s->o.image, f ? f->name : "?", f ? f->detail : "?");
    }
    if ((rc = image_facts(s->o.image, bj.head, bj.head_len, &s->o, &s->m))) { cli_out_abort(&out); return rc; }
    return cli_out_commit(&out);
}

static int write_manifest(struct rel_state *s, int enc_scheme)
{
    struct fw_manifest *m = &s->m;
    m->format_version = FW_MF_FORMAT_VERSION;
    m->enc_scheme = (uint8_t)enc_scheme;
    m->image_size = s->content.size;
    m->chunk_count = s->content.chunk_count;
    m->manifest_len = FW_MF_FIXED_LEN + FW_MF_HASH_LEN * m->chunk_count;
    memcpy(m->image_sha256, s->content.image_sha256, sizeof m->image_sha256);
    memcpy(m->enc_iv, s->content.iv, sizeof m->enc_iv);
    memcpy(m->enc_tag, s->content.tag, sizeof m->enc_tag);
    memcpy(m->key_check, s->content.key_check, sizeof m->key_check);
    if (!s->o.seed) memcpy(m->rollout_seed, m->image_sha256, sizeof m->rollout_seed);
    snprintf(m->body_path, sizeof m->body_path, "%llu/body.bin", (unsigned long long)m->seq);
    snprintf(m->header_path, sizeof m->header_path, "%llu/hdr/{id}.hdr", (unsigned long long)m->seq);
    static uint8_t file[FW_MF_MAX_FILE_LEN];
    int rc = fw_mf_encode_fixed(m, file);
    if (rc != FW_OK) return cli_err(EXIT_REJECT, "manifest: %s", fw_strerror(rc));
    memcpy(file + FW_MF_OFF_CHUNKS, s->hashes, (size_t)FW_MF_HASH_LEN * m->chunk_count);
    size_t flen = 0;
    char why[200];
    rc = fwh_manifest_sign(file, m->manifest_len, s->kp, s->nkeys, file, sizeof file, &flen, why, sizeof why);
    if (rc != FW_OK) return cli_err(cli_exit_for(rc), "manifest signature: %s", why);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", s->o.out, MF_FILE_NAME);
    return cli_write_file(path, file, flen, 0644);
}

static int release(struct rel_state *s)
{
    uint32_t chunk_opt = 0;
    unsigned jobs = 1;
    int rc = fill_options(&s->o, &s->m, &chunk_opt, &jobs);
    if (!rc) rc = load_sign_keys(s);
    if (!rc) rc = rel_devices_load(s->o.devices, &s->devs);
    if (rc) return rc;
    int scheme = 0;
    if ((rc = rel_device_scheme(&s->devs.v[0], &scheme))) return rc;
    int single_stock = scheme == FW_ENC_SCHEME_ECIES_P256 && s->devs.n == 1 && !s->o.ecies_shared;
    int enc_scheme = scheme == FW_ENC_SCHEME_RSA3072 ? FW_MF_ENC_RSA3072
                   : single_stock ? FW_MF_ENC_ECIES_P256 : FW_MF_ENC_ECIES_P256_SHARED;
    if (strlen(s->o.out) > 2000) return cli_err(EXIT_USAGE, "release: --out: path too long");
    if ((rc = make_dir(s->o.out, 0))) return rc;
    uint64_t prev;
    if ((rc = published_seq(s->o.out, &prev))) return rc;
    if (!s->o.seq) s->m.seq = prev + 1;
    if (s->m.seq <= prev)
        return cli_err(EXIT_REJECT, "--seq %llu: the published manifest has seq %llu; devices would refuse a lower one as a replay",
                       (unsigned long long)s->m.seq, (unsigned long long)prev);
    snprintf(s->seq_dir, sizeof s->seq_dir, "%s/%llu", s->o.out, (unsigned long long)s->m.seq);
    if ((rc = make_dir(s->seq_dir, 1))) return rc;
    s->created = 1;
    char hdr_dir[4200];
    snprintf(hdr_dir, sizeof hdr_dir, "%s/hdr", s->seq_dir);
    if ((rc = make_dir(hdr_dir, 1))) return rc;
    EVP_PKEY *single = NULL;
    if (single_stock && (rc = enc_load_pub(s->devs.v[0].pubkey, &single))) return rc;
    rc = write_body(s, scheme, chunk_opt, single);
    EVP_PKEY_free(single);
    if (!rc) rc = rel_write_headers(&s->devs, &s->content, scheme, hdr_dir, jobs);
    if (!rc) rc = write_manifest(s, enc_scheme);
    if (!rc)
        printf("released %s %s (seq %llu) for %zu device(s): %s/%s, %llu/body.bin (%u bytes, %u chunks), "
               "%zu headers of 512 bytes\n",
               s->m.project, s->m.version, (unsigned long long)s->m.seq, s->devs.n, s->o.out, MF_FILE_NAME,
               (unsigned long long)s->m.seq, s->m.image_size, s->m.chunk_count, s->devs.n);
    return rc;
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(); return 0; }
    static struct rel_state s;
    memset(&s, 0, sizeof s);
    int rc = parse_args(argc, argv, &s.o);
    if (!rc) rc = release(&s);
    if (rc && s.created) cleanup(s.seq_dir, &s.devs);
    fwh_fleet_content_wipe(&s.content);
    for (size_t i = 0; i < s.nkeys; i++) fwh_key_free(&s.keys[i]);
    rel_devices_free(&s.devs);
    free(s.hashes);
    return rc;
}

const struct cli_cmd cmd_release = {"release", "fleet release: one shared body, a header per device, a signed manifest", run};
