/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal digest KEY.pem [-o DIGEST.bin]: Secure Boot V2 eFuse key digest. */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "keys/fwh_keys.h"



static void help(FILE *f)
{
    fprintf(f, "usage: fwseal digest KEY.pem|pkcs11:URI [-o DIGEST.bin] [--pass SPEC] [--pkcs11-module SO]\n\n"
               "Print the Secure Boot V2 public-key digest (FORMATS 2.6: SHA-256 of the key\n"
               "fields as laid out in a signature block; what is burned into the eFuse\n"
               "SECURE_BOOT_DIGESTn key block) as hex on stdout. Same value as\n"
               "`espsecure.py digest_sbv2_public_key`. KEY may be private or public,\n"
               "RSA-3072 or ECDSA P-256/P-384/P-192 (always SHA-256, also for P-384).\n"
               "-o also writes the 32 raw bytes.\n"
               "\noptions:\n  -o DIGEST.bin  also write the 32 raw bytes\n");
    cmd_key_options_help(f);
    fprintf(f, "\nexample:\n  fwseal digest release_pub.pem -o release.digest.bin\n");
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(stdout); return 0; }
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (cmd_key_option(argc, argv, &i)) continue;
        if (cli_opt(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "digest: unknown or incomplete option '%s'", argv[i]);
        else if (!in) in = argv[i];
        else return cli_err(EXIT_USAGE, "digest: unexpected argument '%s'", argv[i]);
    }
    if (!in) { help(stderr); return EXIT_USAGE; }
    struct fwh_key k;
    int rc = cmd_load_key(in, &k);
    if (rc) return rc;
    uint8_t d[FW_SBV2_KEY_DIGEST_LEN];
    rc = fwh_key_sbv2_digest(&k, d);
    fwh_key_free(&k);
    if (rc) return cli_err(EXIT_IO, "%s: cannot compute the digest (%s)", cmd_key_name(in), fw_strerror(rc));
    if (out && (rc = cli_write_file(out, d, sizeof d, 0644))) return rc;
    cli_print_hex(stdout, d, sizeof d);
    putchar('\n');
    return 0;
}

const struct cli_cmd cmd_digest = {"digest", "Secure Boot V2 public-key digest (eFuse value)", run};
