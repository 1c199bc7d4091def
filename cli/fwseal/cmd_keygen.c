/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal keygen TYPE -o PRIV.pem [--pub PUB.pem]: new private key (0600).
 * A small dispatch table by key type: other modules add their types
 * (ecies-p256, flash-xts-128/256, nvs-keys) as one line each. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/fwseal/keygen_enc.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "keys/fwh_keys.h"

struct keygen_type {
    const char *name;
    const char *what;
    /* Writes the key to out (mode 0600) and, if pub != NULL, the public part. */
    int (*gen)(const char *type, const char *out, const char *pub);
};

static int keygen_sbv2(const char *type, const char *out, const char *pub);

static const struct keygen_type types[] = {
    {"rsa3072", "Secure Boot V2 RSA-3072 signing key (PEM)", keygen_sbv2},
    {"ecdsa-p256", "Secure Boot V2 ECDSA P-256 signing key (PEM)", keygen_sbv2},
    {"ecdsa-p384", "Secure Boot V2 ECDSA P-384 signing key (PEM; SHA-384 images, ESP32-C5/H4)", keygen_sbv2},
    {"ecdsa-p192", "refused: fwseal verifies P-192 (ESP32-C2) but makes no P-192 keys (96-bit security; use ecdsa-p256)", keygen_sbv2},
    {"ecies-p256", "32-byte device HMAC key (eFuse, HMAC_UP) + ECIES device public key (--pub, required)", keygen_ecies_p256},
    {"flash-xts-128", "32-byte XTS-AES-128 flash encryption key", keygen_flash_xts},
    {"flash-xts-256", "64-byte XTS-AES-256 flash encryption key", keygen_flash_xts},
    {"nvs-keys", "4096-byte nvs_keys partition image (eky, tky, CRC32)", keygen_nvs_keys},
};

static int encrypt_key; /* --encrypt */

static int write_key_pems(const struct fwh_key *k, const char *out, const char *pub)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    if (encrypt_key) {
        char pass[1024];
        int prc = cmd_new_passphrase(pass, sizeof pass);
        int erc = prc ? 0 : fwh_key_private_pem_encrypted(k, pass, &pem, &len);
        OPENSSL_cleanse(pass, sizeof pass);
        if (prc) return prc;
        if (erc) return cli_err(EXIT_IO, "%s: cannot encrypt the private key", out);
    } else if (fwh_key_private_pem(k, &pem, &len)) {
        return cli_err(EXIT_IO, "%s: cannot encode the private key", out);
    }
    int rc = cli_write_file(out, pem, len, 0600);
    fwh_secure_free(pem, len);
    if (rc || !pub) return rc;
    if (fwh_key_public_pem(k, &pem, &len)) return cli_err(EXIT_IO, "%s: cannot encode the public key", pub);
    rc = cli_write_file(pub, pem, len, 0644);
    free(pem);
    return rc;
}

static int keygen_sbv2(const char *type, const char *out, const char *pub)
{
    struct fwh_key k;
    char why[256];
    int e = fwh_key_generate(fwh_key_type_parse(type), &k, why, sizeof why);
    if (e == FW_ERR_INVALID_ARG) return cli_err(EXIT_USAGE, "keygen %s: %s", type, why);
    if (e) return cli_err(EXIT_IO, "%s: %s", out, why);
    int rc = write_key_pems(&k, out, pub);
    fwh_key_free(&k);
    return rc;
}

static void help(FILE *f)
{
    fprintf(f, "usage: fwseal keygen TYPE -o PRIV [--pub PUB.pem] [--force] [--encrypt [--pass SPEC]]\n\n"
               "Generate a new key. Private keys are written 0600, atomically.\n"
               "An existing output file is refused unless --force is given.\n\ntypes:\n");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) fprintf(f, "  %-14s %s\n", types[i].name, types[i].what);
    fprintf(f, "\noptions:\n"
               "  -o PRIV        private key output file\n"
               "  --pub PUB.pem  also write the public key (PEM)\n"
               "  --force        overwrite an existing output file\n"
               "  --encrypt      (rsa3072, ecdsa-p256) write the private key as an encrypted\n"
               "                 PKCS#8 PEM (\"ENCRYPTED PRIVATE KEY\", AES-256-CBC, PBES2)\n"
               "  --pass env:VAR|file:PATH  its passphrase; without --pass it is asked twice\n"
               "                 on the terminal (never echoed)\n"
               "\nexamples:\n  fwseal keygen rsa3072 -o release.pem --pub release_pub.pem\n"
               "  fwseal keygen ecdsa-p256 --encrypt --pass file:release.pass -o release.pem\n");
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(stdout); return 0; }
    const char *type = NULL, *out = NULL, *pub = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        if (cmd_key_option(argc, argv, &i)) continue;
        if (cli_opt(argv[i], "--encrypt")) encrypt_key = 1;
        else if (cli_opt(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (cli_opt(argv[i], "--pub") && i + 1 < argc) pub = argv[++i];
        else if (cli_opt(argv[i], "--force")) force = 1;
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "keygen: unknown or incomplete option '%s'", argv[i]);
        else if (!type) type = argv[i];
        else return cli_err(EXIT_USAGE, "keygen: unexpected argument '%s'", argv[i]);
    }
    if (!type || !out) { help(stderr); return EXIT_USAGE; }
    const struct keygen_type *t = NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(types[i].name, type)) t = &types[i];
    if (!t) return cli_err(EXIT_USAGE, "keygen: unknown key type '%s' (see fwseal keygen --help)", type);
    if (encrypt_key && t->gen != keygen_sbv2)
        return cli_err(EXIT_USAGE, "keygen: --encrypt is for signing keys (rsa3072, ecdsa-p256), not %s", type);
    struct stat st;
    if (!force && stat(out, &st) == 0) return cli_err(EXIT_REJECT, "%s: already exists (use --force to overwrite)", out);
    if (!force && pub && stat(pub, &st) == 0) return cli_err(EXIT_REJECT, "%s: already exists (use --force to overwrite)", pub);
    return t->gen(t->name, out, pub);
}

const struct cli_cmd cmd_keygen = {"keygen", "generate a key (rsa3072, ecdsa-p256, ...)", run};
