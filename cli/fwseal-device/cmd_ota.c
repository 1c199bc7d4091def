/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device ota: the running app installs a signed image (plaintext or
 * encrypted, from a file, stdin or an HTTPS URL) into the passive slot. Every
 * input goes through the one device OTA pipeline (cli/fwseal-device/ota_run.c
 * wires the source to device/fwd_ota_pipeline.h). */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/ota_run.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device ota DIR --file IMAGE|-\n\n"
               "OTA performed by the running app (boots first if none runs): check the new\n"
               "image's app descriptor first (chip, secure_version >= eFuse, not the running\n"
               "version unless --allow-same-version, not the last rolled-back version, fits the\n"
               "slot) and only then erase the passive slot, stream IMAGE (a signed plaintext app\n"
               "image; - = stdin) into it through flash encryption, verify it fully read back\n"
               "(structure, SHA-256, chip, secure_version >= eFuse, Secure Boot V2 signature\n"
               "against the eFuse digests), then select it for the next boot (otadata state\n"
               "NEW). On any failure the written part of the slot is erased and the next\n"
               "boot is unchanged (exit 1);\n"
               "a refusal before the erase (e.g. the running app is still PENDING_VERIFY:\n"
               "confirm or roll back first, or a refused app descriptor) leaves the slot\n"
               "untouched; the message says which happened. Progress goes to stdout.\n\n"
               "options:\n  --file IMAGE   image file, or - for stdin\n");
    fprintf(f, "\nEncrypted images (ESP encrypted image container, CF B6 88 07, detected by its\n"
               "magic) are decrypted on the fly with the device secret provisioned by\n"
               "`init --decrypt-key/--decrypt-hmac-key`; the GCM tag AND the signature must pass.\n"
               "usage: fwseal-device ota DIR URL --ca CA.pem [options]\n%s\n"
               "examples:\n  fwseal-device ota dev --file app-signed.bin && fwseal-device boot dev\n"
               "  fwseal-device ota dev https://updates.example:8443/app.enc --ca ca.pem --json\n",
            ota_run_help);
    fputs(stage_run_help, f);
}

static int run_ota(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *dir = NULL, *target = NULL, *staging = NULL;   /* --target / --staging: stage_run.c */
    struct ota_run_opts eo; /* URL / file options and the pipeline run (ota_run.c) */
    ota_run_defaults(&eo);
    for (int i = 1; i < argc; i++) {
        int r = cli_is_option(argv[i]) ? ota_run_parse_opt(argc, argv, &i, &eo) : 0; /* not after "--" */
        if (r < 0) return EXIT_USAGE;
        if (r > 0) continue;
        if (cli_opt(argv[i], "--file") && i + 1 < argc) eo.file = argv[++i];
        else if (cli_opt(argv[i], "--target") && i + 1 < argc) target = argv[++i];
        else if (cli_opt(argv[i], "--staging") && i + 1 < argc) staging = argv[++i];
        else if (dir && !eo.url && (!strncmp(argv[i], "https://", 8) || !strncmp(argv[i], "http://", 7))) eo.url = argv[i];
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "ota: unknown option '%s' (see --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_err(EXIT_USAGE, "ota: unexpected argument '%s'", argv[i]);
    }
    if (dir && eo.url && eo.file) return cli_err(EXIT_USAGE, "ota: give either a URL or --file, not both");
    if (!dir || (!eo.url && !eo.file))
        return cli_err(EXIT_USAGE, "ota: usage: fwseal-device ota DIR (URL --ca CA.pem | --file IMAGE|-)");
    if (staging && !target) return cli_err(EXIT_USAGE, "ota: --staging goes with --target");
    return target ? stage_run_cmd(dir, &eo, target, staging) : ota_run_cmd(dir, &eo);
}

const struct cli_cmd cmd_ota = {"ota", "running app installs a signed image into the passive slot", run_ota};
