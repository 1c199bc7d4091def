/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal decrypt: ESP encrypted image container -> plaintext, tag checked
 * before OUT appears (FORMATS §3.7, §3.8). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_encimg.h"
#include "fw_err.h"

static void help(void)
{
    printf("usage: fwseal decrypt --key PRIV.pem IN -o OUT          (RSA-3072 scheme)\n"
           "       fwseal decrypt --hmac-key HMAC.bin IN -o OUT     (ECIES-P256 scheme)\n"
           "\n"
           "Decrypt an ESP encrypted image. The header does not say which scheme was\n"
           "used: the key option chooses it. The plaintext goes to an unnamed file\n"
           "(O_TMPFILE) that is linked as OUT only after the GCM tag verified: on any\n"
           "failure, kill or crash no OUT and no temporary is left (file systems without\n"
           "O_TMPFILE: a hidden 0600 .OUT.fwseal-tmp.PID, removed by the next run). Rejected (exit 1) with the reason: bad magic, truncated header,\n"
           "truncated body (shorter than 512 + bin_size), trailing bytes, non-zero\n"
           "reserved header bytes, invalid ECIES server point, GCM tag mismatch (wrong\n"
           "key or tampered data). For RSA a failed key unwrap is deliberately reported\n"
           "as a tag mismatch (emulated implicit rejection, no padding oracle).\n"
           "\n"
           "options:\n"
           "  --key PRIV.pem       RSA-3072 private key (PEM, unencrypted)\n"
           "  --hmac-key HMAC.bin  32-byte device HMAC key (ECIES; the device private key\n"
           "                       is PBKDF2-HMAC-SHA256 of it, FORMATS 3.4)\n"
           "  -o OUT               plaintext output (mode 0600, written atomically)\n"
           "\n"
           "example:\n"
           "  fwseal decrypt --key rsa_priv_key.pem app.enc.bin -o app.bin\n");
}

static int sink_file(void *arg, const uint8_t *p, size_t n)
{
    return fwrite(p, 1, n, (FILE *)arg) == n ? FW_OK : FW_ERR_IO;
}

/* Shared with the container verifier: build a decryption key from options. */
int enc_decrypt_key(const char *rsa_path, const char *hmac_path, struct fwh_encimg_key *k);
int enc_decrypt_key(const char *rsa_path, const char *hmac_path, struct fwh_encimg_key *k)
{
    memset(k, 0, sizeof *k);
    if (!!rsa_path == !!hmac_path) return cli_err(EXIT_USAGE, "give exactly one of --key PRIV.pem or --hmac-key HMAC.bin");
    if (rsa_path) {
        int rc = enc_load_priv(rsa_path, &k->rsa_priv);
        if (rc) return rc;
        char why[160];
        int scheme = 0;
        if (fwh_encimg_key_scheme(k->rsa_priv, &scheme, why, sizeof why) != FW_OK || scheme != FW_ENC_SCHEME_RSA3072) {
            EVP_PKEY_free(k->rsa_priv);
            k->rsa_priv = NULL;
            return cli_err(EXIT_REJECT, "%s: %s", rsa_path,
                           scheme == FW_ENC_SCHEME_ECIES_P256 ? "EC key: for ECIES containers give --hmac-key HMAC.bin"
                                                                : why);
        }
        k->scheme = FW_ENC_SCHEME_RSA3072;
        return 0;
    }
    static const size_t sizes[] = {32, 0};
    size_t len = 0;
    k->scheme = FW_ENC_SCHEME_ECIES_P256;
    return enc_read_secret(hmac_path, "an ECIES device HMAC key", sizes, k->hmac_key, sizeof k->hmac_key, &len);
}

void enc_decrypt_key_free(struct fwh_encimg_key *k);
void enc_decrypt_key_free(struct fwh_encimg_key *k)
{
    EVP_PKEY_free(k->rsa_priv);
    OPENSSL_cleanse(k, sizeof *k);
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(); return 0; }
    const char *key = NULL, *hmac = NULL, *out = NULL, *in = NULL;
    const struct enc_opt opts[] = {{"--key", &key, NULL, 0}, {"--hmac-key", &hmac, NULL, 0}, {"-o", &out, NULL, 0}, {"--output", &out, NULL, 0}};
    int rc = enc_parse_args(argc, argv, opts, 4, NULL, NULL, 0, &in);
    if (rc) return rc;
    if (!out) return cli_err(EXIT_USAGE, "decrypt: -o OUT is required (see --help)");
    if (!strcmp(out, "-")) return cli_err(EXIT_USAGE, "decrypt: -o must be a file (plaintext is released only after the tag verified)");

    struct fwh_encimg_key k;
    if ((rc = enc_decrypt_key(key, hmac, &k))) return rc;
    FILE *fin = NULL;
    struct cli_out o;
    if ((rc = enc_open_in(in, &fin))) { enc_decrypt_key_free(&k); return rc; }
    if ((rc = cli_out_open(&o, out, 0600))) {
        if (fin != stdin) fclose(fin);
        enc_decrypt_key_free(&k);
        return rc;
    }
    char why[200];
    int err = fwh_encimg_decrypt_stream(&k, fin, sink_file, o.f, NULL, why, sizeof why);
    if (fin != stdin) fclose(fin);
    enc_decrypt_key_free(&k);
    if (err != FW_OK) {
        cli_out_abort(&o); /* unlinks the unauthenticated plaintext */
        return cli_err(cli_exit_for(err), "%s: %s", in, why);
    }
    return cli_out_commit(&o);
}

const struct cli_cmd cmd_decrypt = {"decrypt", "decrypt an ESP encrypted image (tag checked before output appears)", run};
