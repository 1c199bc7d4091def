/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal manifest show|decide|restage: a fleet manifest (docs/formats.md §8).
 * show prints every field; decide runs the device's decision table
 * (common/fw_mf_decide) for a device described on the command line, so an
 * operator can see what a device will do before publishing. Neither checks
 * the signature: `fwseal verify MANIFEST --trust KEY` does. restage re-signs
 * the published manifest for the next rollout stage (manifest_restage.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/manifest_restage.h"
#include "cli/fwseal/mf_cli.h"
#include "cli/util/cli.h"
#include "host/fwh_json.h"
#include "fw_err.h"
#include "fw_image.h"
#include "fw_manifest.h"
#include "fw_mf_decide.h"

static void help(void)
{
    printf("usage: fwseal manifest show MANIFEST [--json] [--chunks]\n"
           "       fwseal manifest decide MANIFEST --id ID --chip NAME|ID --rev REV --project NAME\n"
           "                              --version VER --secure-version N [--last-seq N]\n"
           "                              [--now TIME] [--group NAME] [--json]\n"
           "       fwseal manifest restage DIR --sign-key KEY.pem [--rollout PERCENT] [--group NAME]...\n"
           "                               [--no-groups] [--seq N] [--expires TIME] [--issued TIME]\n"
           "\n"
           "A fleet manifest (manifest.fwm, written by fwseal release; docs/formats.md 8).\n"
           "  show     print every field (--chunks: the SHA-256 of every body chunk too)\n"
           "  decide   what a device with these facts does with it (the device's own\n"
           "           decision table): accept, nothing to do (up-to-date, not-in-rollout)\n"
           "           or a refusal (replay, expired, wrong-chip, chip-revision,\n"
           "           wrong-project, secure-version)\n"
           "  restage  the next stage of a rollout without re-encrypting: DIR/manifest.fwm\n"
           "           re-signed with a higher seq (default +1), a new expiry (default 30\n"
           "           days), the new --rollout / --group (default: unchanged), over the\n"
           "           same body and headers. Refused unless the published manifest verifies\n"
           "           against --sign-key and the body matches its chunk hashes.\n"
           "show and decide do not check the signature: `fwseal verify MANIFEST --trust\n"
           "KEY.pem` does.\n"
           "\n"
           "decide options (the device's facts):\n"
           "  --id ID               device id\n"
           "  --chip NAME|ID        its chip; --rev REV its revision (major*100+minor)\n"
           "  --project NAME        the running app's project name; --version VER its version\n"
           "  --secure-version N    the eFuse secure_version\n"
           "  --last-seq N          the highest manifest seq it accepted (default 0: none)\n"
           "  --now TIME            its best known time, RFC 3339 UTC (default: now)\n"
           "  --group NAME          its group, if any\n"
           "\n"
           "exit: show 0, or 1 for a malformed manifest; decide 0 accept, 1 refused,\n"
           "4 nothing to do; restage 0, or 1 when refused; 2 usage, 3 I/O.\n"
           "\nexamples:\n"
           "  fwseal manifest show www/fw/manifest.fwm --json\n"
           "  fwseal manifest decide www/fw/manifest.fwm --id dev-0001 --chip esp32c3 --rev 3 \\\n"
           "      --project hello --version 1.0 --secure-version 0\n"
           "  fwseal manifest restage www/fw --sign-key release.pem --rollout 50\n");
}

#define EXIT_NOTHING_TO_DO 4

static int show(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0, chunks = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--json")) json = 1;
        else if (cli_opt(argv[i], "--chunks")) chunks = 1;
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "manifest show: unknown option '%s'", argv[i]);
        else if (!path) path = argv[i];
        else return cli_err(EXIT_USAGE, "manifest show: unexpected argument '%s'", argv[i]);
    }
    if (!path) return cli_err(EXIT_USAGE, "manifest show: missing MANIFEST (see --help)");
    uint8_t *buf = NULL;
    size_t len = 0;
    struct fw_manifest m;
    int rc = mf_load(path, &buf, &len, &m);
    if (rc) return rc;
    if (json) mf_print_json(stdout, path, buf, len, &m, chunks, "not checked (fwseal verify)");
    else mf_print_text(stdout, path, buf, len, &m, chunks);
    free(buf);
    return 0;
}

struct facts_args {
    const char *path, *id, *chip, *rev, *project, *version, *svn, *last, *now, *group;
    int json;
};

static int parse_facts(int argc, char **argv, struct facts_args *a)
{
    struct { const char *name; const char **v; } opts[] = {
        {"--id", &a->id}, {"--chip", &a->chip}, {"--rev", &a->rev}, {"--project", &a->project},
        {"--version", &a->version}, {"--secure-version", &a->svn}, {"--last-seq", &a->last}, {"--now", &a->now},
        {"--group", &a->group},
    };
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--json")) { a->json = 1; continue; }
        if (!cli_is_option(argv[i])) {
            if (a->path) return cli_err(EXIT_USAGE, "manifest decide: unexpected argument '%s'", argv[i]);
            a->path = argv[i];
            continue;
        }
        size_t k = 0;
        for (; k < sizeof opts / sizeof opts[0]; k++)
            if (cli_opt(argv[i], opts[k].name)) break;
        if (k == sizeof opts / sizeof opts[0]) return cli_err(EXIT_USAGE, "manifest decide: unknown option '%s'", argv[i]);
        if (i + 1 >= argc) return cli_err(EXIT_USAGE, "manifest decide: %s needs a value", argv[i]);
        *opts[k].v = argv[++i];
    }
    if (!a->path || !a->id || !a->chip || !a->rev || !a->project || !a->version || !a->svn)
        return cli_err(EXIT_USAGE, "manifest decide: MANIFEST, --id, --chip, --rev, --project, --version and "
                                   "--secure-version are required (see --help)");
    return 0;
}

static int fill_facts(const struct facts_args *a, struct fw_mf_device *d)
{
    uint64_t v;
    memset(d, 0, sizeof *d);
    d->id = a->id;
    d->group = a->group;
    d->project = a->project;
    d->version = a->version;
    int chip = fw_chip_from_name(a->chip);
    if (chip < 0 && (cli_parse_u64(a->chip, &v) || v >= 0xFFFF)) return cli_err(EXIT_USAGE, "manifest decide: unknown chip '%s'", a->chip);
    d->chip_id = chip >= 0 ? (uint16_t)chip : (uint16_t)v;
    if (cli_parse_u64(a->rev, &v) || v > 0xFFFF) return cli_err(EXIT_USAGE, "manifest decide: --rev: want major*100+minor");
    d->chip_rev = (uint16_t)v;
    if (cli_parse_u64(a->svn, &v) || v > UINT32_MAX) return cli_err(EXIT_USAGE, "manifest decide: bad --secure-version");
    d->efuse_secure_version = (uint32_t)v;
    if (a->last && cli_parse_u64(a->last, &d->last_seq)) return cli_err(EXIT_USAGE, "manifest decide: bad --last-seq");
    d->clock_utc = (uint64_t)time(NULL);
    if (a->now && mf_parse_time(a->now, &d->clock_utc))
        return cli_err(EXIT_USAGE, "manifest decide: --now: want RFC 3339 UTC, e.g. 2027-06-30T00:00:00Z");
    return 0;
}

static int decide(int argc, char **argv)
{
    struct facts_args a = {0};
    struct fw_mf_device dev;
    int rc = parse_facts(argc, argv, &a);
    if (!rc) rc = fill_facts(&a, &dev);
    if (rc) return rc;
    uint8_t *buf = NULL;
    size_t len = 0;
    struct fw_manifest m;
    if ((rc = mf_load(a.path, &buf, &len, &m))) return rc;
    free(buf);
    struct fw_mf_decision d;
    enum fw_mf_verdict v = fw_mf_decide(&m, &dev, &d);
    enum fw_mf_verdict_kind kind = fw_mf_verdict_kind(v);
    const char *what = kind == FW_MF_KIND_ACCEPT ? "accept" : kind == FW_MF_KIND_NOTHING_TO_DO ? "nothing-to-do" : "refuse";
    if (a.json) {
        struct fw_json j;
        fw_json_init(&j, stdout, 2);
        fw_json_obj(&j);
        fw_json_kstr(&j, "file", a.path);
        fw_json_kstr(&j, "device", dev.id);
        fw_json_kstr(&j, "outcome", what);
        fw_json_kstr(&j, "verdict", fw_mf_verdict_name(v));
        fw_json_kstr(&j, "rule", d.rule);
        fw_json_ku64(&j, "rollout_bucket", d.bucket);
        fw_json_ku64(&j, "rollout_bp", m.rollout_bp);
        fw_json_kbool(&j, "in_group", d.in_group);
        fw_json_ku64(&j, "best_time", d.best_time);
        fw_json_end(&j);
    } else {
        printf("%s: %s (%s; rule %s; rollout bucket %u of 10000, manifest admits < %u%s)\n", dev.id, what,
               fw_mf_verdict_name(v), d.rule, d.bucket, m.rollout_bp, d.in_group ? ", group listed" : "");
    }
    return kind == FW_MF_KIND_ACCEPT ? 0 : kind == FW_MF_KIND_NOTHING_TO_DO ? EXIT_NOTHING_TO_DO : EXIT_REJECT;
}

static int run(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        help();
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "show")) return show(argc - 1, argv + 1);
    if (!strcmp(argv[1], "decide")) return decide(argc - 1, argv + 1);
    if (!strcmp(argv[1], "restage")) return manifest_restage(argc - 1, argv + 1);
    return cli_err(EXIT_USAGE, "manifest: unknown subcommand '%s' (show, decide, restage)", argv[1]);
}

const struct cli_cmd cmd_manifest = {"manifest", "fleet manifest: show, decide as a device would, restage a rollout", run};
