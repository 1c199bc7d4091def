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
    fprintf(f, "usage: fwseal pubkey KEY.pem [-o PUB.pem]\n\n"
               "Write the public key (SubjectPublicKeyInfo PEM) of an RSA-3072 or ECDSA\n"
               "P-256/P-384/P-192 key, private or public. Without -o (or with -o -) it goes to stdout.\n"
               "\nexample:\n  fwseal pubkey release.pem -o release_pub.pem\n");
}

/* Shared by pubkey/digest/sign/verify: load a key ("-": stdin), map errors
 * to exit codes. */
int cmd_load_key(const char *path, struct fwh_key *k)
{
    char why[256];
    int rc = cmd_load_key_quiet(path, k, why, sizeof why);
    if (rc == FW_OK) return 0;
    return cli_err(rc == FW_ERR_IO || rc == FW_ERR_NOMEM ? EXIT_IO : EXIT_REJECT, "%s: %s", path, why);
}

int cmd_load_key_quiet(const char *path, struct fwh_key *k, char *why, size_t whylen)
{
    if (strcmp(path, "-")) return fwh_key_load(path, k, why, whylen);
    memset(k, 0, sizeof *k);
    uint8_t *buf = malloc(FWH_KEY_FILE_MAX + 1);
    if (!buf) return snprintf(why, whylen, "out of memory"), FW_ERR_NOMEM;
    size_t n = fread(buf, 1, FWH_KEY_FILE_MAX + 1, stdin);
    int rc;
    if (ferror(stdin)) rc = (snprintf(why, whylen, "stdin: read failed"), FW_ERR_IO);
    else if (n > FWH_KEY_FILE_MAX) rc = (snprintf(why, whylen, "too large for a key file"), FW_ERR_KEY);
    else rc = fwh_key_from_pem(buf, n, k, why, whylen);
    fwh_secure_free(buf, FWH_KEY_FILE_MAX + 1);
    return rc;
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(stdout); return 0; }
    const char *in = NULL, *out = "-";
    for (int i = 1; i < argc; i++) {
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
    if (fwh_key_public_pem(&k, &pem, &len)) rc = cli_err(EXIT_IO, "%s: cannot encode the public key", in);
    else rc = cli_write_file(out, pem, len, 0644);
    free(pem);
    fwh_key_free(&k);
    return rc;
}

const struct fwseal_cmd cmd_pubkey = {"pubkey", "extract the public key of a signing key", run};
