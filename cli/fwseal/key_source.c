/* SPDX-License-Identifier: Apache-2.0 */
/* Where a signing key comes from: a key file (PEM/DER, maybe encrypted with
 * a passphrase), standard input, or a PKCS#11 token. Shared by every command
 * that takes a signing key (sign, encrypt --sign-key, digest, pubkey, verify).
 * Passphrases and PINs never reach stdout, stderr or a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_p11.h"

#define PASS_MAX 1024

static const char *opt_pass;   /* --pass SPEC */
static const char *opt_module; /* --pkcs11-module PATH */
static int pass_exit;          /* exit code of a failed --pass (message printed) */

int cmd_key_option(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) return 0;
    if (cli_opt(argv[*i], "--pass")) opt_pass = argv[++*i];
    else if (cli_opt(argv[*i], "--pkcs11-module")) opt_module = argv[++*i];
    else return 0;
    return 1;
}

void cmd_key_sources(const char *pass, const char *module)
{
    if (pass) opt_pass = pass;
    if (module) opt_module = module;
}

void cmd_key_options_help(FILE *f)
{
    fprintf(f, "  --pass env:VAR|file:PATH  passphrase of an encrypted key file (PKCS#8\n"
               "                "
               "\"ENCRYPTED PRIVATE KEY\"); without it fwseal asks on the terminal, and\n"
               "                in batch mode (stdin not a terminal) refuses the key\n"
               "  --pkcs11-module PATH  PKCS#11 module (.so) for a key given as a pkcs11: URI\n"
               "                (default: $" FWH_P11_MODULE_ENV ")\n"
               "A key may be a PKCS#11 URI (RFC 7512), e.g.\n"
               "  'pkcs11:token=release;object=fw-key?pin-source=file:/run/secrets/pin'\n"
               "  (object= is the key's label, id= its CKA_ID; pin-source=file:PATH or env:VAR)\n");
}

const char *cmd_key_name(const char *spec)
{
    static char buf[2][160];
    static int which;
    if (!fwh_p11_is_uri(spec)) return spec;
    char *b = buf[which ^= 1];
    size_t n = strcspn(spec, "?");
    snprintf(b, sizeof buf[0], "%.*s", (int)(n < sizeof buf[0] ? n : sizeof buf[0] - 1), spec);
    return b;
}

/* Read one line from the terminal with echo off. 0 on success. */
static int tty_read(const char *prompt, char *out, size_t max)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) return -1;
    struct termios old, quiet;
    int have = tcgetattr(fd, &old) == 0;
    if (have) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSANOW, &quiet); /* keep what was typed ahead */
    }
    (void)!write(fd, prompt, strlen(prompt));
    size_t n = 0;
    int rc = -1;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (c == '\n' || c == '\r') { rc = 0; break; }
        if (n + 1 < max) out[n++] = c;
    }
    out[n] = 0;
    if (have) tcsetattr(fd, TCSANOW, &old);
    (void)!write(fd, "\n", 1);
    close(fd);
    return rc;
}

/* The --pass passphrase into out. 0, or an exit code (message printed,
 * never the passphrase). */
static int pass_from_spec(const char *spec, char *out, size_t max)
{
    if (!strncmp(spec, "env:", 4)) {
        const char *v = getenv(spec + 4);
        if (!v) return cli_err(EXIT_IO, "--pass env:%s: the variable is not set", spec + 4);
        if (strlen(v) >= max) return cli_err(EXIT_REJECT, "--pass env:%s: passphrase too long", spec + 4);
        snprintf(out, max, "%s", v);
        return 0;
    }
    if (!strncmp(spec, "file:", 5)) {
        FILE *f = fopen(spec + 5, "r");
        if (!f) return cli_err(EXIT_IO, "--pass file:%s: %s", spec + 5, strerror(errno));
        int ok = fgets(out, (int)max, f) != NULL;
        fclose(f);
        if (!ok) return cli_err(EXIT_REJECT, "--pass file:%s: empty file", spec + 5);
        out[strcspn(out, "\r\n")] = 0;
        return 0;
    }
    return cli_err(EXIT_USAGE, "--pass: give env:VAR or file:PATH (a passphrase on the command line would be visible to "
                               "other users)");
}

int cmd_new_passphrase(char *pass, size_t max)
{
    if (opt_pass) {
        int rc = pass_from_spec(opt_pass, pass, max);
        if (!rc && !*pass) rc = cli_err(EXIT_REJECT, "--pass: empty passphrase");
        return rc;
    }
    if (!isatty(STDIN_FILENO)) return cli_err(EXIT_USAGE, "--encrypt: give --pass env:VAR or file:PATH (no terminal to ask on)");
    char again[PASS_MAX];
    int rc = 0;
    if (tty_read("New passphrase: ", pass, max) || tty_read("Repeat passphrase: ", again, sizeof again))
        rc = cli_err(EXIT_IO, "cannot read the passphrase from the terminal");
    else if (strcmp(pass, again)) rc = cli_err(EXIT_REJECT, "the passphrases differ");
    else if (!*pass) rc = cli_err(EXIT_REJECT, "empty passphrase");
    OPENSSL_cleanse(again, sizeof again);
    return rc;
}

/* An encrypted key: the passphrase from --pass or (interactive only) the
 * terminal; one attempt either way, no loop. */
static int load_encrypted(const uint8_t *buf, size_t n, struct fwh_key *k, char *why, size_t whylen)
{
    char pass[PASS_MAX];
    int rc;
    if (opt_pass) {
        if ((pass_exit = pass_from_spec(opt_pass, pass, sizeof pass))) {
            snprintf(why, whylen, "no passphrase (see the message above)");
            return FW_ERR_STATE;
        }
    } else if (isatty(STDIN_FILENO)) {
        if (tty_read("Passphrase for the key: ", pass, sizeof pass)) {
            OPENSSL_cleanse(pass, sizeof pass);
            snprintf(why, whylen, "key is encrypted: no passphrase read from the terminal");
            return FW_ERR_STATE;
        }
    } else {
        return fwh_key_from_pem_pass(buf, n, NULL, k, why, whylen); /* "key is encrypted: give --pass" */
    }
    rc = fwh_key_from_pem_pass(buf, n, pass, k, why, whylen);
    OPENSSL_cleanse(pass, sizeof pass);
    return rc;
}

int cmd_load_key_quiet(const char *path, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    if (fwh_p11_is_uri(path)) return fwh_p11_key_open(path, opt_module, k, why, whylen);
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return snprintf(why, whylen, "%s", strerror(errno)), FW_ERR_IO;
    uint8_t *buf;
    size_t n;
    int rc = fwh_key_read(f, &buf, &n, why, whylen);
    if (f != stdin) fclose(f);
    if (rc == FW_OK)
        rc = fwh_key_pem_is_encrypted(buf, n) ? load_encrypted(buf, n, k, why, whylen)
                                              : fwh_key_from_pem(buf, n, k, why, whylen);
    fwh_secure_free(buf, FWH_KEY_FILE_MAX + 1);
    return rc;
}

int cmd_load_key(const char *path, struct fwh_key *k)
{
    char why[320];
    int rc = cmd_load_key_quiet(path, k, why, sizeof why);
    if (rc == FW_OK) return 0;
    if (pass_exit) return pass_exit; /* --pass itself failed: already said why */
    return cli_err(rc == FW_ERR_IO || rc == FW_ERR_NOMEM ? EXIT_IO : EXIT_REJECT, "%s: %s", cmd_key_name(path), why);
}
