/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal flash-encrypt / flash-decrypt: espsecure-compatible flash
 * encryption (FORMATS §4.3 XTS-AES, §4.5 legacy ESP32 scheme). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_flashenc.h"
#include "fw_err.h"

static void help(int encrypt)
{
    const char *name = encrypt ? "flash-encrypt" : "flash-decrypt";
    printf("usage: fwseal %s --key KEY.bin --address ADDR [--scheme xts|esp32]\n"
           "                     [--flash-crypt-conf N] IN -o OUT\n"
           "\n"
           "%s IN as the chip's flash encryption would %s it at flash address\n"
           "ADDR (byte-identical to espsecure %s_flash_data).\n"
           "  xts    (default) XTS-AES with the Espressif address tweak and 128-byte\n"
           "         byte-reversed units (ESP32-S2/S3/C2/C3/C6/H2/...). KEY.bin: 32 bytes\n"
           "         (XTS-AES-128), 64 bytes (XTS-AES-256) or 16 bytes (ESP32-C2,\n"
           "         expanded with SHA-256).\n"
           "  esp32  legacy ESP32 scheme, KEY.bin 32 bytes (24 with 3/4 coding),\n"
           "         --flash-crypt-conf 0..0xF (default 0xF).\n"
           "ADDR is the absolute flash address (decimal or 0x hex), any multiple of 16;\n"
           "the length of IN must be a multiple of 16. Streams with bounded memory.\n"
           "\n"
           "options:\n"
           "  --key KEY.bin          flash encryption key file (raw bytes, as espsecure)\n"
           "  --address ADDR         flash address of the first byte of IN\n"
           "  --scheme xts|esp32     algorithm (default xts)\n"
           "  --flash-crypt-conf N   FLASH_CRYPT_CONFIG eFuse value for --scheme esp32\n"
           "  -o OUT                 output file (written atomically%s)\n"
           "\n"
           "example:\n"
           "  fwseal %s --key fe_key.bin --address 0x10000 app.bin -o app.%s.bin\n",
           name, encrypt ? "Encrypt" : "Decrypt", encrypt ? "encrypt" : "decrypt",
           encrypt ? "encrypt" : "decrypt", encrypt ? "" : ", mode 0600", name, encrypt ? "flashenc" : "plain");
}

static int run_common(int argc, char **argv, int encrypt)
{
    if (cli_wants_help(argc, argv)) { help(encrypt); return 0; }
    const char *keyp = NULL, *addrs = NULL, *schemes = "xts", *confs = NULL, *out = NULL, *in = NULL;
    const struct enc_opt opts[] = {{"--key", &keyp, NULL, 0}, {"--keyfile", &keyp, NULL, 0}, {"--address", &addrs, NULL, 0},
                                   {"--scheme", &schemes, NULL, 0}, {"--flash-crypt-conf", &confs, NULL, 0}, {"-o", &out, NULL, 0},
                                   {"--output", &out, NULL, 0}};
    int rc = enc_parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], NULL, NULL, 0, &in);
    if (rc) return rc;
    if (!keyp || !addrs || !out) return cli_err(EXIT_USAGE, "%s: --key, --address and -o are required (see --help)", argv[0]);
    uint64_t addr = 0, conf = 0xF;
    if (cli_parse_u64(addrs, &addr) || addr > 0xFFFFFFFFu)
        return cli_err(EXIT_USAGE, "%s: bad --address '%s' (a 32-bit flash address)", argv[0], addrs);
    if (addr % 16)
        return cli_err(EXIT_USAGE, "%s: --address 0x%llx is not a multiple of 16 (flash encryption works on 16-byte blocks)",
                       argv[0], (unsigned long long)addr);
    int scheme;
    if (!strcmp(schemes, "xts")) scheme = FWH_FLASHENC_XTS;
    else if (!strcmp(schemes, "esp32")) scheme = FWH_FLASHENC_ESP32;
    else return cli_err(EXIT_USAGE, "%s: unknown --scheme '%s' (xts or esp32)", argv[0], schemes);
    if (confs && scheme != FWH_FLASHENC_ESP32)
        return cli_err(EXIT_USAGE, "%s: --flash-crypt-conf only applies to --scheme esp32", argv[0]);
    if (confs && (cli_parse_u64(confs, &conf) || conf > 0xF))
        return cli_err(EXIT_USAGE, "%s: bad --flash-crypt-conf '%s' (0..0xF)", argv[0], confs);

    static const size_t xts_sizes[] = {16, 32, 64, 0}, esp32_sizes[] = {24, 32, 0};
    uint8_t key[64];
    size_t keylen = 0;
    rc = enc_read_secret(keyp, scheme == FWH_FLASHENC_XTS ? "an XTS flash encryption key" : "an ESP32 flash encryption key",
                         scheme == FWH_FLASHENC_XTS ? xts_sizes : esp32_sizes, key, sizeof key, &keylen);
    if (rc) return rc;
    struct fwh_flashenc f;
    char why[200];
    int err = fwh_flashenc_init(&f, scheme, key, keylen, (unsigned)conf, encrypt, why, sizeof why);
    OPENSSL_cleanse(key, sizeof key);
    if (err != FW_OK) return cli_err(cli_exit_for(err), "%s: %s", keyp, why);

    FILE *fin = NULL;
    struct cli_out o;
    if ((rc = enc_open_in(in, &fin))) { fwh_flashenc_free(&f); return rc; }
    if ((rc = cli_out_open(&o, out, encrypt ? 0644 : 0600))) {
        if (fin != stdin) fclose(fin);
        fwh_flashenc_free(&f);
        return rc;
    }
    err = fwh_flashenc_file(&f, addr, fin, o.f, why, sizeof why);
    if (fin != stdin) fclose(fin);
    fwh_flashenc_free(&f);
    if (err != FW_OK) {
        cli_out_abort(&o);
        return cli_err(cli_exit_for(err), "%s: %s", in, why);
    }
    return cli_out_commit(&o);
}

static int run_enc(int argc, char **argv) { return run_common(argc, argv, 1); }
static int run_dec(int argc, char **argv) { return run_common(argc, argv, 0); }

const struct cli_cmd cmd_flash_encrypt = {"flash-encrypt", "encrypt data for a flash address (XTS-AES / ESP32 flash encryption)", run_enc};
const struct cli_cmd cmd_flash_decrypt = {"flash-decrypt", "decrypt flash-encrypted data read from a flash address", run_dec};
