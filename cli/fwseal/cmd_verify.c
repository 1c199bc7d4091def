/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal verify IMAGE [--trust PUB.pem]... [--trust-digest HEX]...
 *   [--revoked-digest HEX]... [--min-secure-version N] [--chip NAME] [--json]
 * Offline verification of a Secure Boot V2 signed app image (verify/). */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/fwseal/verify_container.h"
#include "cli/fwseal/verify_manifest.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "fw_image.h"
#include "keys/fwh_keys.h"
#include "verify/fwh_verify.h"



#define MAX_DIGESTS 16

static void help(FILE *f)
{
    fprintf(f,
            "usage: fwseal verify IMAGE [--trust PUB.pem]... [--trust-digest HEX]...\n"
            "                     [--revoked-digest HEX]... [--min-secure-version N]\n"
            "                     [--chip NAME] [--require-signatures K] [--json]\n"
            "                     [--allow-untrusted] [--raw]\n\n"
            "Verify a Secure Boot V2 signed ESP app image offline: image structure,\n"
            "checksum, appended SHA-256, every signature block (magic, CRC, image digest,\n"
            "signature), key digest trusted and not revoked, secure_version and chip.\n"
            "The file is streamed (bounded memory; IMAGE - reads stdin). Exit 0 only if valid; otherwise exit 1\n"
            "with the first failing check named on stderr (3 for I/O errors).\n"
            "\noptions:\n"
            "  --trust PUB.pem        trust this key (RSA-3072, ECDSA P-256/P-384/P-192; public or private)\n"
            "  --trust-digest HEX     trust this key digest (64 hex digits, as `fwseal digest`)\n"
            "  --revoked-digest HEX   this key digest is revoked (never accepted)\n"
            "  --min-secure-version N anti-rollback floor for esp_app_desc_t.secure_version\n"
            "  --chip NAME            required chip (esp32, esp32s2, esp32c3, esp32s3, esp32c6, ...)\n"
            "  --require-signatures K the device policy (fwseal-device init --require-signatures):\n"
            "                         K blocks by DISTINCT trusted, non-revoked keys (1..3)\n"
            "  --json                 print every check as JSON on stdout\n"
            "  --allow-untrusted      accept without a trust anchor (signature checked against\n"
            "                         the key embedded in the image only; informational)\n"
            "  --raw                  IMAGE is any signed file, not an ESP app image\n"
            "                         (skips the image.* checks)\n"
            "\nWithout --trust/--trust-digest the signature is checked against the embedded\n"
            "key, but that key is not trusted: exit 1 (unless --allow-untrusted).\n"
            "\nJSON output: {\"file\", \"valid\", \"first_failure\" (check name or null),\n"
            "\"error\" (detail or null), \"checks\": [{\"name\", \"result\" (pass|fail|skip),\n"
            "\"required\", \"detail\"}]}. Check names: file.length, image.header,\n"
            "image.structure, image.checksum, image.sha256, image.app_desc,\n"
            "image.sector_offset, image.chip, image.secure_version, sector.blocks,\n"
            "sector.padding, blockN.format, blockN.image_digest, blockN.key_trusted,\n"
            "blockN.key_revoked, blockN.signature, blockN.chip (N = 0..2), signature.trusted,\n"
            "signature.policy (with --require-signatures 2 or 3), trust.anchor. Block checks are not required individually: one block that\n"
            "passes all of them suffices (signature.trusted).\n"
            "\nexamples:\n"
            "  fwseal verify app-signed.bin --trust release_pub.pem\n"
            "  fwseal verify app-signed.bin --trust-digest $(fwseal digest release_pub.pem) \\\n"
            "      --min-secure-version 2 --chip esp32c3 --json\n");
    fputs(verify_container_help, f);
    fputs(verify_manifest_help, f);
}

struct verify_args {
    const char *image;
    int sha384_anchor;      /* a trust anchor signs SHA-384, or its scheme is unknown (a bare digest) */
    uint8_t trusted[MAX_DIGESTS][32], revoked[MAX_DIGESTS][32];
    struct fwh_verify_opts o;
    int json;
    const char *decrypt_key, *decrypt_hmac; /* encrypted container (verify_container.c) */
    int header_only;
};

static int add_digest(uint8_t (*list)[32], size_t *n, const char *hex, const char *opt)
{
    if (*n == MAX_DIGESTS) return cli_err(EXIT_USAGE, "verify: too many %s options (max %d)", opt, MAX_DIGESTS);
    uint8_t d[33];
    if (cli_parse_hex(hex, d, sizeof d) != 32)
        return cli_err(EXIT_USAGE, "verify: %s needs 64 hex digits, got '%s'", opt, hex);
    memcpy(list[(*n)++], d, 32);
    return 0;
}

static int add_trusted_key(struct verify_args *a, const char *path)
{
    if (a->o.n_trusted == MAX_DIGESTS) return cli_err(EXIT_USAGE, "verify: too many trust anchors (max %d)", MAX_DIGESTS);
    struct fwh_key k;
    int rc = cmd_load_key(path, &k);
    if (rc) return rc;
    rc = fwh_key_sbv2_digest(&k, a->trusted[a->o.n_trusted]);
    if (fw_sbv2_digest_len(fwh_key_scheme(&k)) != FW_SBV2_DIGEST_SHA256_LEN) a->sha384_anchor = 1;
    fwh_key_free(&k);
    if (rc) return cli_err(EXIT_IO, "%s: cannot compute the key digest", path);
    a->o.n_trusted++;
    return 0;
}

static int parse(int argc, char **argv, struct verify_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (cli_opt(opt, "--json")) a->json = 1;
        else if (cli_opt(opt, "--allow-untrusted")) a->o.allow_untrusted = 1;
        else if (cli_opt(opt, "--raw")) a->o.raw = 1;
        else if (cli_opt(opt, "--header-only")) a->header_only = 1;
        else if (!val && cli_is_option(opt)) return cli_err(EXIT_USAGE, "verify: unknown or incomplete option '%s'", opt);
        else if (cli_opt(opt, "--decrypt-key")) { a->decrypt_key = val; i++; }
        else if (cli_opt(opt, "--decrypt-hmac-key")) { a->decrypt_hmac = val; i++; }
        else if (cli_opt(opt, "--trust")) { rc = add_trusted_key(a, val); i++; }
        else if (cli_opt(opt, "--trust-digest")) { rc = add_digest(a->trusted, &a->o.n_trusted, val, opt); a->sha384_anchor = 1; i++; }
        else if (cli_opt(opt, "--revoked-digest")) { rc = add_digest(a->revoked, &a->o.n_revoked, val, opt); i++; }
        else if (cli_opt(opt, "--min-secure-version")) {
            uint64_t v;
            if (cli_parse_u64(val, &v) || v > UINT32_MAX)
                return cli_err(EXIT_USAGE, "verify: bad --min-secure-version '%s'", val);
            a->o.have_min_secure_version = 1;
            a->o.min_secure_version = (uint32_t)v;
            i++;
        } else if (cli_opt(opt, "--require-signatures")) {
            uint64_t v;
            if (cli_parse_u64(val, &v) || v < 1 || v > FW_SBV2_MAX_BLOCKS)
                return cli_err(EXIT_USAGE, "verify: --require-signatures: expected 1, 2 or 3, got '%s'", val);
            a->o.require_signatures = (unsigned)v;
            i++;
        } else if (cli_opt(opt, "--chip")) {
            int id = fw_chip_from_name(val);
            if (id < 0) return cli_err(EXIT_USAGE, "verify: unknown chip '%s'", val);
            a->o.have_chip = 1;
            a->o.chip_id = (uint16_t)id;
            i++;
        } else if (cli_is_option(opt)) return cli_err(EXIT_USAGE, "verify: unknown option '%s'", opt);
        else if (!a->image) a->image = opt; /* "-" (stdin) lands here too */
        else return cli_err(EXIT_USAGE, "verify: unexpected argument '%s'", opt);
        if (rc) return rc;
    }
    if (!a->image) { help(stderr); return EXIT_USAGE; }
    if (a->o.raw && (a->o.have_chip || a->o.have_min_secure_version))
        return cli_err(EXIT_USAGE, "verify: --chip and --min-secure-version need an app image (not --raw)");
    a->o.trusted = (const uint8_t(*)[32])a->trusted;
    a->o.revoked = (const uint8_t(*)[32])a->revoked;
    /* Hash SHA-384 too unless every anchor is a key file that signs SHA-256
     * (no anchor at all: any embedded key may be P-384). */
    if (a->o.n_trusted && !a->sha384_anchor) a->o.digests = FWH_VERIFY_DIGESTS_SHA256_ONLY;
    return 0;
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(stdout); return 0; }
    static struct verify_args a;
    static struct fwh_report rep;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
    if (a.decrypt_key || a.decrypt_hmac || a.header_only || verify_is_container(a.image))
        return verify_container(&a.o, a.image, a.decrypt_key, a.decrypt_hmac, a.header_only, a.json);
    if (!a.o.raw && verify_is_manifest(a.image)) return verify_manifest(&a.o, a.image, a.json);
    char why[256] = "";
    int e = fwh_verify_file(a.image, &a.o, &rep, why, sizeof why);
    if (rep.n == 0) return cli_err(cli_exit_for(e) == EXIT_REJECT ? EXIT_IO : cli_exit_for(e), "%s: %s", a.image,
                                   why[0] ? why : fw_strerror(e));
    if (a.json) fwh_report_print_json(&rep, a.image, stdout);
    else fwh_report_print_text(&rep, stdout);
    const struct fwh_check *ff = fwh_report_first_failure(&rep);
    if (!ff) return 0;
    return cli_err(ff->err == FW_ERR_CRYPTO ? EXIT_IO : EXIT_REJECT, "%s: %s: %s", a.image, ff->name, ff->detail);
}

const struct cli_cmd cmd_verify = {"verify", "verify a signed image offline (signatures, trust, structure)", run};
