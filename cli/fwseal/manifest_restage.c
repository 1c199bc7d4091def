/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal manifest restage DIR: the next stage of a rollout (10 % -> 50 % ->
 * 100 %) without re-encrypting: a new manifest (higher seq, new rollout,
 * groups, expiry) over the same body and headers. What is re-signed must
 * be what was signed: the published manifest must verify against the
 * --sign-key keys, and the body on disk must match its chunk hashes, or
 * nothing is written. The rollout seed is kept, so every stage only adds
 * devices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "cli/fwseal/enc_cli.h"
#include "cli/fwseal/manifest_restage.h"
#include "cli/fwseal/mf_cli.h"
#include "cli/util/cli.h"
#include "keys/fwh_keys.h"
#include "signer/fwh_msign.h"
#include "verify/fwh_verify.h"
#include "fw_err.h"
#include "fw_manifest.h"

#define DEFAULT_LIFETIME (30u * 24u * 3600u)

struct restage_args {
    const char *dir, *seq, *rollout, *expires, *issued;
    const char *sign[3];
    size_t nsign;
    const char *groups[FW_MF_MAX_GROUPS];
    size_t ngroups;
    int no_groups;
};

static int parse(int argc, char **argv, struct restage_args *a)
{
    struct { const char *name; const char **v; } one[] = {
        {"--seq", &a->seq}, {"--rollout", &a->rollout}, {"--expires", &a->expires}, {"--issued", &a->issued},
    };
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!cli_is_option(o)) {
            if (a->dir) return cli_err(EXIT_USAGE, "manifest restage: unexpected argument '%s'", o);
            a->dir = o;
            continue;
        }
        if (cmd_key_option(argc, argv, &i)) continue;
        if (cli_opt(o, "--no-groups")) { a->no_groups = 1; continue; }
        if (i + 1 >= argc) return cli_err(EXIT_USAGE, "manifest restage: %s needs a value", o);
        const char *v = argv[i + 1];
        size_t k = 0;
        for (; k < sizeof one / sizeof one[0]; k++)
            if (cli_opt(o, one[k].name)) break;
        if (k < sizeof one / sizeof one[0]) {
            *one[k].v = v;
        } else if (cli_opt(o, "--sign-key")) {
            if (a->nsign == 3) return cli_err(EXIT_USAGE, "manifest restage: at most 3 --sign-key");
            a->sign[a->nsign++] = v;
        } else if (cli_opt(o, "--group")) {
            if (a->ngroups == FW_MF_MAX_GROUPS) return cli_err(EXIT_USAGE, "manifest restage: at most 8 --group");
            if (fw_mf_check_group(v) != FW_OK)
                return cli_err(EXIT_USAGE, "manifest restage: --group '%s': 1..15 characters of A-Z a-z 0-9 . _ -", v);
            a->groups[a->ngroups++] = v;
        } else {
            return cli_err(EXIT_USAGE, "manifest restage: unknown option '%s' (see fwseal manifest --help)", o);
        }
        i++;
    }
    if (!a->dir || !a->nsign) return cli_err(EXIT_USAGE, "manifest restage: DIR and --sign-key are required");
    if (a->no_groups && a->ngroups) return cli_err(EXIT_USAGE, "manifest restage: --no-groups and --group exclude each other");
    return 0;
}

/* The published manifest verifies against the signing keys' digests. */
static int signed_by(const char *path, const uint8_t *buf, size_t len, const struct fwh_key *keys, size_t n)
{
    uint8_t trusted[3][FW_SBV2_KEY_DIGEST_LEN];
    for (size_t i = 0; i < n; i++)
        if (fwh_key_sbv2_digest(&keys[i], trusted[i]) != FW_OK) return cli_err(EXIT_IO, "key digest failed");
    struct fwh_verify_opts o = {.trusted = (const uint8_t(*)[FW_SBV2_KEY_DIGEST_LEN])trusted, .n_trusted = n,
                                .raw = 1, .digests = FWH_VERIFY_DIGESTS_SHA256_ONLY};
    struct fwh_verify *v = NULL;
    static struct fwh_report rep;
    if (fwh_verify_new(&v, &o) != FW_OK || fwh_verify_update(v, buf, len) != FW_OK) {
        fwh_verify_free(v);
        return cli_err(EXIT_IO, "out of memory or crypto failure");
    }
    int rc = fwh_verify_finish(v, &rep);
    fwh_verify_free(v);
    if (rc == FW_OK) return 0;
    const struct fwh_check *f = fwh_report_first_failure(&rep);
    return cli_err(EXIT_REJECT, "%s: not signed by the --sign-key key(s) (%s: %s): refusing to re-sign a manifest that "
                   "may have been altered", path, f ? f->name : "?", f ? f->detail : "?");
}

/* The body on disk is the one the manifest describes (size, every chunk). */
static int body_matches(const char *dir, const uint8_t *buf, size_t len, const struct fw_manifest *m)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, m->body_path);
    FILE *f = fopen(path, "rb");
    if (!f) return cli_err(EXIT_IO, "%s: cannot open the release's body", path);
    uint8_t *chunk = malloc(m->chunk_size);
    int rc = chunk ? 0 : cli_err(EXIT_IO, "out of memory");
    for (uint32_t i = 0; i < m->chunk_count && !rc; i++) {
        uint32_t off, n;
        uint8_t h[32];
        unsigned hl = 0;
        fw_mf_chunk_range(m, i, &off, &n);
        if (fread(chunk, 1, n, f) != n) { rc = cli_err(EXIT_REJECT, "%s: shorter than the manifest's image_size", path); break; }
        if (!EVP_Digest(chunk, n, h, &hl, EVP_sha256(), NULL) || hl != 32) { rc = cli_err(EXIT_IO, "SHA-256 failed"); break; }
        if (memcmp(h, fw_mf_chunk_hash(buf, len, m, i), 32) != 0)
            rc = cli_err(EXIT_REJECT, "%s: chunk %u does not match the manifest: the body was altered", path, i);
    }
    if (!rc && fgetc(f) != EOF) rc = cli_err(EXIT_REJECT, "%s: longer than the manifest's image_size", path);
    free(chunk);
    fclose(f);
    return rc;
}

static int new_fields(const struct restage_args *a, struct fw_manifest *m)
{
    uint64_t old = m->seq;
    if (a->seq && (cli_parse_u64(a->seq, &m->seq) || m->seq == 0))
        return cli_err(EXIT_USAGE, "manifest restage: --seq: want a number >= 1");
    if (!a->seq) m->seq = old + 1;
    if (m->seq <= old)
        return cli_err(EXIT_REJECT, "--seq %llu: the published manifest has seq %llu; devices would refuse it as a replay",
                       (unsigned long long)m->seq, (unsigned long long)old);
    m->issued = (uint64_t)time(NULL);
    if (a->issued && mf_parse_time(a->issued, &m->issued))
        return cli_err(EXIT_USAGE, "manifest restage: --issued: want RFC 3339 UTC, e.g. 2027-06-30T00:00:00Z");
    m->expires = m->issued + DEFAULT_LIFETIME;
    if (a->expires && mf_parse_time(a->expires, &m->expires))
        return cli_err(EXIT_USAGE, "manifest restage: --expires: want RFC 3339 UTC, e.g. 2027-06-30T00:00:00Z");
    if (m->expires <= m->issued) return cli_err(EXIT_USAGE, "manifest restage: --expires must be after the signing time");
    if (a->rollout) {
        int bp = mf_parse_percent(a->rollout);
        if (bp < 0) return cli_err(EXIT_USAGE, "manifest restage: --rollout: want a percentage 0..100 (up to 2 decimals)");
        m->rollout_bp = (uint16_t)bp;
    }
    if (a->ngroups || a->no_groups) {
        memset(m->groups, 0, sizeof m->groups);
        for (size_t g = 0; g < a->ngroups; g++) snprintf(m->groups[g], sizeof m->groups[g], "%s", a->groups[g]);
        m->group_count = (unsigned)a->ngroups;
    }
    return 0;
}

int manifest_restage(int argc, char **argv)
{
    struct restage_args a = {0};
    struct fwh_key keys[3] = {{0}};
    const struct fwh_key *kp[3];
    size_t nk = 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    struct fw_manifest m;
    char path[4200];
    int rc = parse(argc, argv, &a);
    for (size_t i = 0; !rc && i < a.nsign; i++) {
        rc = cmd_load_key(a.sign[i], &keys[i]);
        if (!rc) kp[nk++] = &keys[i];
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/%s", a.dir, MF_FILE_NAME);
        rc = mf_load(path, &buf, &len, &m);
    }
    if (!rc) rc = signed_by(path, buf, len, keys, nk);
    if (!rc) rc = body_matches(a.dir, buf, len, &m);
    uint64_t old_seq = rc ? 0 : m.seq;
    if (!rc) rc = new_fields(&a, &m);
    static uint8_t file[FW_MF_MAX_FILE_LEN];
    if (!rc && fw_mf_encode_fixed(&m, file) != FW_OK) rc = cli_err(EXIT_REJECT, "manifest: invalid fields");
    if (!rc) {
        char why[200];
        size_t flen = 0;
        memcpy(file + FW_MF_FIXED_LEN, buf + FW_MF_FIXED_LEN, m.manifest_len - FW_MF_FIXED_LEN);
        int err = fwh_manifest_sign(file, m.manifest_len, kp, nk, file, sizeof file, &flen, why, sizeof why);
        rc = err == FW_OK ? cli_write_file(path, file, flen, 0644) : cli_err(cli_exit_for(err), "manifest signature: %s", why);
    }
    if (!rc)
        printf("restaged %s %s: seq %llu -> %llu, rollout %u.%02u %%, %u group(s), same body %s\n", m.project, m.version,
               (unsigned long long)old_seq, (unsigned long long)m.seq, m.rollout_bp / 100, m.rollout_bp % 100,
               m.group_count, m.body_path);
    free(buf);
    for (size_t i = 0; i < nk; i++) fwh_key_free(&keys[i]);
    return rc;
}
