/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the encryption commands (encrypt, decrypt,
 * flash-encrypt, flash-decrypt, container verify): option scanning and
 * reading fixed-size secret key files. */
#ifndef FWSEAL_ENC_CLI_H
#define FWSEAL_ENC_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

/* Options with one value. Accepts "--name VALUE" and "--name=VALUE". */
struct enc_opt {
    const char *name;   /* "--pubkey", "-o", ... */
    const char **value; /* set when seen (last one wins) */
    size_t *count;      /* repeatable option: value[] has room for cap */
    size_t cap;
};

/* Parse argv[1..]: options in opts, flags (no value) in flags (set to 1),
 * exactly one positional argument into *pos. Returns 0 or EXIT_USAGE after
 * printing one line. */
int enc_parse_args(int argc, char **argv, const struct enc_opt *opts, size_t nopts,
                   const char *const *flag_names, int *flags, size_t nflags, const char **pos);

/* Read a secret key file of one of the allowed sizes (sizes[] terminated by
 * 0) into out (capacity cap). Prints a one-line reason naming the file and
 * the sizes, never the content. Returns 0 or an exit code. */
int enc_read_secret(const char *path, const char *what, const size_t *sizes, uint8_t *out, size_t cap, size_t *len);

/* Load a PEM public (or private) key / private key; prints the error. */
int enc_load_pub(const char *path, EVP_PKEY **pk);
int enc_load_priv(const char *path, EVP_PKEY **pk);

/* Secure Boot V2 key (PEM or DER, private or public, "-" = stdin; an
 * encrypted PEM private key with the --pass passphrase; or a PKCS#11 URI
 * "pkcs11:..." with the --pkcs11-module module): load it (key_source.c).
 * cmd_load_key prints the error and returns an exit code; the quiet one
 * returns a fw_err code with the reason in why. */
struct fwh_key;
int cmd_load_key(const char *path, struct fwh_key *k);
int cmd_load_key_quiet(const char *path, struct fwh_key *k, char *why, size_t whylen);
/* The options every command that takes a signing key accepts:
 *   --pass env:VAR | file:PATH   passphrase of an encrypted key file
 *   --pkcs11-module PATH         PKCS#11 module for pkcs11: URIs
 * argv[*i] is one of them (with its value): consume it, return 1; else 0. */
int cmd_key_option(int argc, char **argv, int *i);
/* The same values from a command with its own parser (NULL: unchanged). */
void cmd_key_sources(const char *pass, const char *module);
/* The --help lines describing them. */
void cmd_key_options_help(FILE *f);
/* A key argument fit for messages: a PKCS#11 URI without its query (which
 * may hold pin-value); a path as it is. Points to one of two static buffers. */
const char *cmd_key_name(const char *spec);
/* The passphrase for a new encrypted key (--pass, or asked twice on the
 * terminal). 0 or an exit code; wipe pass afterwards. */
int cmd_new_passphrase(char *pass, size_t max);

/* Open IN for streaming ("-" = stdin); prints the error. */
int enc_open_in(const char *path, FILE **f);

#endif
