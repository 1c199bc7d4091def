/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal verify MANIFEST (see verify_manifest.h). */
#include "cli/fwseal/verify_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/fwseal/mf_cli.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "fw_image.h"
#include "fw_manifest.h"

const char verify_manifest_help[] =
    "\nA fleet manifest (magic FWMF, from fwseal release) is verified too: every field\n"
    "(manifest.format), its Secure Boot V2 signature against --trust/--trust-digest\n"
    "(the sector and block checks above, as for --raw), manifest.chip (--chip),\n"
    "manifest.secure_version (--min-secure-version) and manifest.expires (now).\n"
    "`fwseal manifest show` prints its fields.\n";

int verify_is_manifest(const char *path)
{
    uint8_t m[FW_MF_MAGIC_LEN];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(m, 1, sizeof m, f);
    fclose(f);
    return n == sizeof m && memcmp(m, FW_MF_MAGIC, sizeof m) == 0;
}

static int finish(const struct fwh_report *r, const char *path, int json)
{
    if (json) fwh_report_print_json(r, path, stdout);
    else fwh_report_print_text(r, stdout);
    const struct fwh_check *ff = fwh_report_first_failure(r);
    if (!ff) return 0;
    return cli_err(ff->err == FW_ERR_CRYPTO ? EXIT_IO : EXIT_REJECT, "%s: %s: %s", path, ff->name, ff->detail);
}

static void field_checks(struct fwh_report *r, const struct fwh_verify_opts *o, const struct fw_manifest *m)
{
    char t[32];
    if (o->have_chip) {
        int ok = m->chip_id == o->chip_id;
        fwh_report_add(r, "manifest.chip", ok ? FWH_PASS : FWH_FAIL, 1, ok ? 0 : FW_ERR_CHIP, "chip id %u%s%u", m->chip_id,
                       ok ? " = " : ", want ", o->chip_id);
    }
    if (o->have_min_secure_version) {
        int ok = m->secure_version >= o->min_secure_version;
        fwh_report_add(r, "manifest.secure_version", ok ? FWH_PASS : FWH_FAIL, 1, ok ? 0 : FW_ERR_ROLLBACK,
                       "secure_version %u %s %u", m->secure_version, ok ? ">=" : "<", o->min_secure_version);
    }
    uint64_t now = (uint64_t)time(NULL);
    int ok = m->expires > now;
    mf_format_time(m->expires, t, sizeof t);
    fwh_report_add(r, "manifest.expires", ok ? FWH_PASS : FWH_FAIL, 1, ok ? 0 : FW_ERR_RANGE, "%s %s", ok ? "expires" : "EXPIRED", t);
}

int verify_manifest(const struct fwh_verify_opts *o, const char *path, int json)
{
    static struct fwh_report rep;
    uint8_t *buf = NULL;
    size_t len = 0;
    struct fw_manifest m;
    fwh_report_init(&rep);
    int rc = cli_read_file(path, FW_MF_MAX_FILE_LEN, &buf, &len);
    if (rc) return rc;
    int dec = fw_mf_decode(buf, len, &m);
    if (dec != FW_OK) {
        free(buf);
        fwh_report_add(&rep, "manifest.format", FWH_FAIL, 1, dec, "%s", fw_strerror(dec));
        return finish(&rep, path, json);
    }
    struct fwh_verify_opts so = *o;   /* the signature, as for any signed blob */
    so.raw = 1;
    so.have_chip = so.have_min_secure_version = 0;
    so.digests = FWH_VERIFY_DIGESTS_SHA256_ONLY;
    struct fwh_verify *v = NULL;
    if (fwh_verify_new(&v, &so) != FW_OK || fwh_verify_update(v, buf, len) != FW_OK) {
        fwh_verify_free(v);
        free(buf);
        return cli_err(EXIT_IO, "%s: out of memory or crypto failure", path);
    }
    fwh_verify_finish(v, &rep);
    fwh_verify_free(v);
    fwh_report_add(&rep, "manifest.format", FWH_PASS, 1, 0, "FWMF v%u: %s %s, seq %llu, %u chunks of %u", m.format_version,
                   m.project, m.version, (unsigned long long)m.seq, m.chunk_count, m.chunk_size);
    field_checks(&rep, o, &m);
    free(buf);
    return finish(&rep, path, json);
}
