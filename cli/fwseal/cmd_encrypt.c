/* fwseal encrypt: ESP encrypted image container (FORMATS §3), streaming. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_encimg.h"
#include "keys/fwh_keys.h"
#include "fw_err.h"

static void help(void)
{
    printf("usage: fwseal encrypt --sign-key K.pem [--sign-key K2.pem ...] --pubkey PUB.pem IN -o OUT\n"
           "       fwseal encrypt --pubkey PUB.pem SIGNED_IN -o OUT\n"
           "\n"
           "The release command: with --sign-key, IN (the app image from the build) is\n"
           "Secure Boot V2 signed and encrypted in ONE pass, one read of IN, and no\n"
           "signed plaintext file is ever written. The container holds what\n"
           "`fwseal sign --key K.pem IN` would write (IN, 0xFF padding to 4096, the\n"
           "signature sector). Without --sign-key, IN is encrypted as it is (normally a\n"
           "file `fwseal sign` made: use that two-step flow only when you also need the\n"
           "signed plaintext, e.g. to flash a factory image).\n"
           "\n"
           "The output is an ESP encrypted image (esp_encrypted_img): 512-byte header +\n"
           "AES-256-GCM ciphertext, random key and 16-byte IV per image. The scheme\n"
           "follows the device key type:\n"
           "  RSA-3072 public key   key wrapped with RSAES-PKCS1-v1_5\n"
           "  EC P-256 public key   ECIES-P256 (ephemeral ECDH + HKDF-SHA256), the device\n"
           "                        public key from `fwseal keygen ecies-p256`\n"
           "Other key types and sizes are refused. Streams: memory does not grow with IN\n"
           "(IN may be '-' for stdin; OUT must be a file). Inputs of 4 GiB or more are\n"
           "refused (bin_size is 32-bit).\n"
           "\n"
           "options:\n"
           "  --sign-key K.pem   Secure Boot V2 signing key: sign and encrypt in one pass\n"
           "                     (repeat for up to 3 keys, all of one scheme)\n"
           "  --pubkey PUB.pem   device public key (PEM)\n"
           "  -o OUT             output container (written atomically)\n"
           "\n"
           "example:\n"
           "  fwseal encrypt --sign-key release.pem --pubkey device_pub.pem app.bin -o app.enc.bin\n"
           "  # two steps, only when the signed plaintext is needed as well:\n"
           "  fwseal sign --key release.pem app.bin -o app-signed.bin\n"
           "  fwseal encrypt --pubkey device_pub.pem app-signed.bin -o app.enc.bin\n");
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(); return 0; }
    const char *pub = NULL, *out = NULL, *in = NULL, *signp[3] = {0};
    size_t nsign = 0;
    const struct enc_opt opts[] = {{"--pubkey", &pub, NULL, 0}, {"-o", &out, NULL, 0}, {"--output", &out, NULL, 0},
                                   {"--sign-key", signp, &nsign, 3}};
    int rc = enc_parse_args(argc, argv, opts, 4, NULL, NULL, 0, &in);
    if (rc) return rc;
    if (!pub || !out) return cli_err(EXIT_USAGE, "encrypt: --pubkey and -o are required (see --help)");
    if (!strcmp(out, "-")) return cli_err(EXIT_USAGE, "encrypt: -o must be a file (the header is completed at the end)");

    EVP_PKEY *pk = NULL;
    char why[200];
    int scheme = 0;
    if ((rc = enc_load_pub(pub, &pk))) return rc;
    if (fwh_encimg_key_scheme(pk, &scheme, why, sizeof why) != FW_OK) {
        EVP_PKEY_free(pk);
        return cli_err(EXIT_REJECT, "%s: %s", pub, why);
    }
    struct fwh_key keys[3] = {{0}};
    const struct fwh_key *kp[3];
    for (size_t i = 0; i < nsign; i++) {
        if (fwh_key_load(signp[i], &keys[i], why, sizeof why) != FW_OK) {
            for (size_t j = 0; j < i; j++) fwh_key_free(&keys[j]);
            EVP_PKEY_free(pk);
            return cli_err(EXIT_REJECT, "%s: %s", signp[i], why);
        }
        kp[i] = &keys[i];
    }
    FILE *fin = NULL;
    struct cli_out o;
    if ((rc = enc_open_in(in, &fin))) { EVP_PKEY_free(pk); for (size_t j = 0; j < nsign; j++) fwh_key_free(&keys[j]); return rc; }
    struct stat st; /* fail fast on a regular file; streams are checked as they flow */
    if (fstat(fileno(fin), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > UINT32_MAX) {
        if (fin != stdin) fclose(fin);
        EVP_PKEY_free(pk);
        for (size_t j = 0; j < nsign; j++) fwh_key_free(&keys[j]);
        return cli_err(EXIT_REJECT, "%s: %llu bytes: too large, bin_size is 32-bit (limit 4 GiB - 1)", in,
                       (unsigned long long)st.st_size);
    }
    if ((rc = cli_out_open(&o, out, 0644))) {
        if (fin != stdin) fclose(fin);
        EVP_PKEY_free(pk);
        for (size_t j = 0; j < nsign; j++) fwh_key_free(&keys[j]);
        return rc;
    }
    int err = nsign ? fwh_encimg_sign_encrypt_file(pk, kp, nsign, fin, o.f, why, sizeof why)
                    : fwh_encimg_encrypt_file(pk, fin, o.f, why, sizeof why);
    if (fin != stdin) fclose(fin);
    EVP_PKEY_free(pk);
    for (size_t j = 0; j < nsign; j++) fwh_key_free(&keys[j]);
    if (err != FW_OK) {
        cli_out_abort(&o);
        return cli_err(err == FW_ERR_RANGE ? EXIT_REJECT : cli_exit_for(err), "%s: %s", in, why);
    }
    return cli_out_commit(&o);
}

const struct fwseal_cmd cmd_encrypt = {"encrypt", "release: sign (--sign-key) and encrypt in one pass into an ESP encrypted image", run};
