/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* memmem */
#include "cli/fwseal/enc_cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/util/cli.h"
#include "encryptor/fwh_enckey.h"
#include "keys/fwh_keys.h"
#include "fw_err.h"

static int match_opt(const char *arg, const char *name, const char **inline_val)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return 0;
    if (arg[n] == '\0') { *inline_val = NULL; return 1; }
    if (arg[n] == '=' && name[1] == '-') { *inline_val = arg + n + 1; return 1; }
    return 0;
}

int enc_parse_args(int argc, char **argv, const struct enc_opt *opts, size_t nopts,
                   const char *const *flag_names, int *flags, size_t nflags, const char **pos)
{
    *pos = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        size_t k;
        if (!cli_is_option(a)) {
            if (*pos) return cli_err(EXIT_USAGE, "%s: unexpected argument '%s' (one input file)", argv[0], a);
            *pos = a;
            continue;
        }
        for (k = 0; k < nflags; k++)
            if (!strcmp(a, flag_names[k])) { flags[k] = 1; break; }
        if (k < nflags) continue;
        for (k = 0; k < nopts; k++)
            if (match_opt(a, opts[k].name, &v)) break;
        if (k == nopts) return cli_err(EXIT_USAGE, "%s: unknown option '%s' (see --help)", argv[0], a);
        if (!v) {
            if (i + 1 >= argc) return cli_err(EXIT_USAGE, "%s: %s needs a value", argv[0], a);
            v = argv[++i];
        }
        if (opts[k].count) {
            if (*opts[k].count >= opts[k].cap)
                return cli_err(EXIT_USAGE, "%s: at most %zu %s options", argv[0], opts[k].cap, opts[k].name);
            opts[k].value[(*opts[k].count)++] = v;
        } else {
            *opts[k].value = v;
        }
    }
    if (!*pos) return cli_err(EXIT_USAGE, "%s: missing input file (see --help)", argv[0]);
    return 0;
}

int enc_read_secret(const char *path, const char *what, const size_t *sizes, uint8_t *out, size_t cap, size_t *len)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = cli_read_file(path, 4096, &buf, &n);
    if (rc) return rc;
    int ok = 0;
    char list[64] = "";
    for (size_t i = 0; sizes[i]; i++) {
        if (n == sizes[i] && n <= cap) ok = 1;
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%zu", i ? (sizes[i + 1] ? ", " : " or ") : "", sizes[i]);
    }
    if (ok) {
        memcpy(out, buf, n);
        *len = n;
    }
    OPENSSL_cleanse(buf, n);
    free(buf);
    if (!ok) return cli_err(EXIT_REJECT, "%s: %zu bytes: %s must be %s bytes", path, n, what, list);
    return 0;
}

static int load_pem(const char *path, EVP_PKEY **pk, int priv)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = cli_read_file(path, 1 << 20, &buf, &n);
    if (rc) return rc;
    rc = priv ? fwh_enckey_priv_from_pem(buf, n, pk) : fwh_enckey_pub_from_pem(buf, n, pk);
    if (rc != FW_OK && !memmem(buf, n, "-----BEGIN ", 11)) rc = fwh_pkey_from_der(buf, n, priv, pk);
    OPENSSL_cleanse(buf, n);
    free(buf);
    if (rc != FW_OK)
        return cli_err(EXIT_REJECT, "%s: not a PEM %s key (nor DER; or passphrase-protected)", path, priv ? "private" : "public");
    return 0;
}

int enc_load_pub(const char *path, EVP_PKEY **pk) { return load_pem(path, pk, 0); }
int enc_load_priv(const char *path, EVP_PKEY **pk) { return load_pem(path, pk, 1); }

int enc_open_in(const char *path, FILE **f)
{
    if (!strcmp(path, "-")) {
        *f = stdin;
        return 0;
    }
    *f = fopen(path, "rb");
    if (!*f) return cli_err(EXIT_IO, "%s: %s", path, strerror(errno));
    return 0;
}
