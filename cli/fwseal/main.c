/* SPDX-License-Identifier: Apache-2.0 */
/* build/bin/fwseal — host release tools: keys, images, signing, encryption, verification. */
#include <stdio.h>

#include "cli/fwseal/commands.h"
#include "cli/util/cli.h"

/* One line per subcommand: declare it here and list it in the table below. */
extern const struct cli_cmd cmd_keygen, cmd_pubkey, cmd_digest, cmd_sign, cmd_verify;
extern const struct cli_cmd cmd_decrypt, cmd_encrypt, cmd_flash_decrypt, cmd_flash_encrypt;
extern const struct cli_cmd cmd_mkimage, cmd_info, cmd_partition_table;
extern const struct cli_cmd cmd_nvs;
extern const struct cli_cmd cmd_release, cmd_manifest;

static const struct cli_cmd *const commands[] = {
    &cmd_keygen,
    &cmd_pubkey,
    &cmd_digest,
    &cmd_sign,
    &cmd_verify,
    &cmd_encrypt,
    &cmd_decrypt,
    &cmd_flash_encrypt,
    &cmd_flash_decrypt,
    &cmd_mkimage,
    &cmd_info,
    &cmd_partition_table,
    &cmd_nvs,
    &cmd_release,
    &cmd_manifest,
    NULL
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal <command> [options]\n"
            "\n"
            "Sign, encrypt and verify ESP-IDF compatible firmware images (Secure Boot V2,\n"
            "ESP encrypted image, flash encryption, NVS, partition tables).\n"
            "\n"
            "A release, signed and encrypted in one pass (no signed plaintext file):\n"
            "  fwseal encrypt --sign-key sign.pem --pubkey device_pub.pem app.bin -o app.enc.bin\n"
            "(`fwseal sign` then `fwseal encrypt` only when the signed plaintext is needed too.)\n"
            "\n"
            "Signing keys (sign --key, encrypt --sign-key, digest, pubkey) may be:\n"
            "  a key file (PEM or DER); encrypted PKCS#8 with --pass env:VAR|file:PATH (or\n"
            "    asked on the terminal); `keygen --encrypt` writes one\n"
            "  a PKCS#11 token key: 'pkcs11:token=T;object=LABEL?pin-source=file:PIN_FILE'\n"
            "    (RFC 7512 URI) with --pkcs11-module PATH or $FWSEAL_PKCS11_MODULE\n"
            "  a signing service (cloud KMS): `sign --digest-out D.bin IN`, then\n"
            "    `sign --signature-in SIG --pub PUB.pem IN -o OUT` (verified before use)\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; commands[i]; i++) fprintf(f, "  %-18s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f,
            "\n"
            "Run `fwseal <command> --help` for the options and examples of each command.\n"
            "Options take GNU forms (--key=FILE, -oFILE, -- ends options); '-' is stdin or\n"
            "stdout where a command reads or writes a file.\n"
            "Exit codes: 0 ok, 1 input rejected (invalid, tampered, untrusted), 2 usage, 3 I/O.\n");
}

int main(int argc, char **argv)
{
    return cli_main("fwseal", argc, argv, commands, usage);
}
