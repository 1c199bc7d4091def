/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal pubkey KEY.pem [-o PUB.pem]: public key of a signing key (PEM). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "keys/fwh_keys.h"

static void help(FILE *f)
{
    fprintf(f, "usage: fwseal pubkey KEY.pem|pkcs11:URI [-o PUB.pem] [--pass SPEC] [--pkcs11-module SO]\n\n"
               "Write the public key (SubjectPublicKeyInfo PEM) of an RSA-3072 or ECDSA\n"
               "P-256/P-384/P-192 key, private or public. Without -o (or with -o -) it goes to stdout.\n"
               "For a key on a PKCS#11 token this exports its public half, e.g. for\n"
               "`fwseal verify --trust` or the eFuse digest.\n\noptions:\n  -o PUB.pem     output file\n");
    cmd_key_options_help(f);
    fprintf(f, "\nexample:\n  fwseal pubkey release.pem -o release_pub.pem\n");
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(stdout); return 0; }
    const char *in = NULL, *out = "-";
    for (int i = 1; i < argc; i++) {
        if (cmd_key_option(argc, argv, &i)) continue;
        if (cli_opt(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "pubkey: unknown or incomplete option '%s'", argv[i]);
        else if (!in) in = argv[i];
        else return cli_err(EXIT_USAGE, "pubkey: unexpected argument '%s'", argv[i]);
    }
    if (!in) { help(stderr); return EXIT_USAGE; }
    struct fwh_key k;
    int rc = cmd_load_key(in, &k);
    if (rc) return rc;
    uint8_t *pem = NULL;
    size_t len = 0;
    if (fwh_key_public_pem(&k, &pem, &len)) rc = cli_err(EXIT_IO, "%s: cannot encode the public key", cmd_key_name(in));
    else rc = cli_write_file(out, pem, len, 0644);
    free(pem);
    fwh_key_free(&k);
    return rc;
}

const struct cli_cmd cmd_pubkey = {"pubkey", "extract the public key of a signing key", run};
