/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal release: device registry and parallel header writing. Workers are
 * processes (fork), not threads: each has its own OpenSSL state and its own
 * atomic-output helper state (cli_out), so nothing is shared but the
 * read-only registry and the release content inherited at fork. */
#define _GNU_SOURCE /* memmem */
#include "cli/fwseal/release_devices.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_encimg.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_fleet.h"
#include "fw_err.h"
#include "fw_manifest.h"

#define CSV_MAX (256u * 1024u * 1024u)

void rel_devices_free(struct rel_devices *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].id);
        free(d->v[i].pubkey);
    }
    free(d->v);
    d->v = NULL;
    d->n = 0;
}

static char *resolve(const char *csv, const char *path)
{
    const char *slash = strrchr(csv, '/');
    if (path[0] == '/' || !slash) return strdup(path);
    size_t dl = (size_t)(slash - csv) + 1, pl = strlen(path);
    char *out = malloc(dl + pl + 1);
    if (!out) return NULL;
    memcpy(out, csv, dl);
    memcpy(out + dl, path, pl + 1);
    return out;
}

static int cmp_id(const void *a, const void *b)
{
    const struct rel_device *x = a, *y = b;
    return strcmp(x->id, y->id);
}

/* Sorted copy to find duplicates in O(n log n) (100,000 devices). */
static int check_unique(const char *csv, const struct rel_devices *d)
{
    struct rel_device *s = malloc(d->n * sizeof *s);
    if (!s) return cli_err(EXIT_IO, "out of memory");
    memcpy(s, d->v, d->n * sizeof *s);
    qsort(s, d->n, sizeof *s, cmp_id);
    int rc = 0;
    for (size_t i = 1; i < d->n && !rc; i++)
        if (!strcmp(s[i].id, s[i - 1].id)) rc = cli_err(EXIT_REJECT, "%s: device id '%s' listed twice", csv, s[i].id);
    free(s);
    return rc;
}

static int add_device(struct rel_devices *d, size_t *cap, const char *csv, unsigned line, char *text)
{
    char safe[80];
    char *comma = strchr(text, ',');
    if (!comma) {
        cli_safe_text(text, strlen(text), safe, sizeof safe);
        return cli_err(EXIT_REJECT, "%s:%u: '%s': want id,pubkey", csv, line, safe);
    }
    *comma = 0;
    const char *id = text, *pub = comma + 1;
    if (strchr(pub, ',') || strchr(pub, '"'))
        return cli_err(EXIT_REJECT, "%s:%u: want exactly two columns id,pubkey (no quoting)", csv, line);
    if (fw_mf_check_device_id(id) != FW_OK) {
        cli_safe_text(id, strlen(id), safe, sizeof safe);
        return cli_err(EXIT_REJECT, "%s:%u: device id '%s': 1..32 characters of A-Z a-z 0-9 . _ -, not starting with '.'",
                       csv, line, safe);
    }
    if (!pub[0]) return cli_err(EXIT_REJECT, "%s:%u: device %s: empty pubkey path", csv, line, id);
    if (d->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        struct rel_device *v = realloc(d->v, nc * sizeof *v);
        if (!v) return cli_err(EXIT_IO, "out of memory");
        d->v = v;
        *cap = nc;
    }
    d->v[d->n].id = strdup(id);
    d->v[d->n].pubkey = resolve(csv, pub);
    if (!d->v[d->n].id || !d->v[d->n].pubkey) {
        free(d->v[d->n].id);
        free(d->v[d->n].pubkey);
        return cli_err(EXIT_IO, "out of memory");
    }
    d->n++;
    return 0;
}

int rel_devices_load(const char *csv, struct rel_devices *d)
{
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    memset(d, 0, sizeof *d);
    int rc = cli_read_file(csv, CSV_MAX, &buf, &len);
    if (rc) return rc;
    if (memchr(buf, 0, len)) {
        free(buf);
        return cli_err(EXIT_REJECT, "%s: contains NUL bytes: not a CSV text file", csv);
    }
    char *text = realloc(buf, len + 1);
    if (!text) {
        free(buf);
        return cli_err(EXIT_IO, "out of memory");
    }
    text[len] = 0;
    unsigned line = 0;
    int seen_header = 0;
    for (char *p = text, *nl; p && *p && !rc; p = nl) {
        nl = strchr(p, '\n');
        if (nl) *nl++ = 0;
        line++;
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r') p[--l] = 0;
        if (!l || p[0] == '#') continue;
        if (!seen_header) {
            seen_header = 1;
            if (strcmp(p, "id,pubkey") != 0)
                rc = cli_err(EXIT_REJECT, "%s:%u: the first line must be the header 'id,pubkey'", csv, line);
            continue;
        }
        rc = add_device(d, &cap, csv, line, p);
    }
    free(text);
    if (!rc && !seen_header) rc = cli_err(EXIT_REJECT, "%s: empty (want a header 'id,pubkey' and one line per device)", csv);
    if (!rc && d->n == 0) rc = cli_err(EXIT_REJECT, "%s: no device listed", csv);
    if (!rc) rc = check_unique(csv, d);
    if (rc) rel_devices_free(d);
    return rc;
}

/* One decoder per process (workers are forked: each builds its own). */
static struct fwh_pubkey_decoder *decoder;

/* The fast decoder first; whatever it does not take (a private key PEM, a
 * PKCS#1 "RSA PUBLIC KEY") through the general loader and its messages. */
static int read_pub(const char *path, EVP_PKEY **pk)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    if (!decoder) decoder = fwh_pubkey_decoder_new();
    if (!decoder) return enc_load_pub(path, pk);
    int rc = cli_read_file(path, 1 << 20, &buf, &n);   /* prints its error */
    if (rc) return rc;
    rc = fwh_pubkey_decoder_load(decoder, buf, n, pk);
    int priv = rc != FW_OK && memmem(buf, n, "PRIVATE KEY-----", 16) != NULL;
    OPENSSL_cleanse(buf, n);
    free(buf);
    if (rc == FW_OK) return 0;
    if (priv)
        cli_warn("%s: a private key: a release needs only the device's public key (fwseal pubkey); keep device "
                 "private keys off the release machine", path);
    return enc_load_pub(path, pk);
}

static int load_key(const struct rel_device *dev, EVP_PKEY **pk, int *scheme)
{
    char why[160];
    int rc = read_pub(dev->pubkey, pk);
    if (rc) return rc;
    if (fwh_encimg_key_scheme(*pk, scheme, why, sizeof why) != FW_OK) {
        EVP_PKEY_free(*pk);
        *pk = NULL;
        return cli_err(EXIT_REJECT, "device %s: %s: %s", dev->id, dev->pubkey, why);
    }
    return 0;
}

int rel_device_scheme(const struct rel_device *dev, int *scheme)
{
    EVP_PKEY *pk = NULL;
    int rc = load_key(dev, &pk, scheme);
    EVP_PKEY_free(pk);
    return rc;
}

static int write_one(const struct rel_device *dev, const struct fwh_fleet_content *c, int scheme, const char *hdr_dir)
{
    EVP_PKEY *pk = NULL;
    int got = 0, rc = load_key(dev, &pk, &got);
    if (rc) return rc;
    if (got != scheme) {
        EVP_PKEY_free(pk);
        return cli_err(EXIT_REJECT, "device %s: %s: a %s key, the release is %s: one key type per release", dev->id,
                       dev->pubkey, fw_enc_scheme_name(got), fw_enc_scheme_name(scheme));
    }
    uint8_t hdr[FW_ENC_HEADER_SIZE];
    rc = fwh_fleet_header(pk, c, hdr);
    EVP_PKEY_free(pk);
    if (rc != FW_OK) return cli_err(cli_exit_for(rc), "device %s: header: %s", dev->id, fw_strerror(rc));
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s.hdr", hdr_dir, dev->id) >= sizeof path)
        return cli_err(EXIT_IO, "%s: path too long", hdr_dir);
    return cli_write_file(path, hdr, sizeof hdr, 0644);
}

/* Worker k of `jobs`: devices k, k + jobs, ... Stops at the first error. */
static int worker(const struct rel_devices *d, const struct fwh_fleet_content *c, int scheme, const char *hdr_dir,
                  size_t k, size_t jobs)
{
    for (size_t i = k; i < d->n; i += jobs) {
        int rc = write_one(&d->v[i], c, scheme, hdr_dir);
        if (rc) return rc;
    }
    return 0;
}

int rel_write_headers(const struct rel_devices *d, const struct fwh_fleet_content *c, int scheme,
                      const char *hdr_dir, unsigned jobs)
{
    if (jobs <= 1 || d->n < 2) return worker(d, c, scheme, hdr_dir, 0, 1);
    if (jobs > d->n) jobs = (unsigned)d->n;
    pid_t *pids = calloc(jobs, sizeof *pids);
    if (!pids) return cli_err(EXIT_IO, "out of memory");
    fflush(stdout);
    fflush(stderr);
    int worst = 0;
    unsigned started = 0;
    for (; started < jobs; started++) {
        pid_t p = fork();
        if (p < 0) {
            worst = cli_err(EXIT_IO, "fork: %s", strerror(errno));
            break;
        }
        if (p == 0) {
            int rc = worker(d, c, scheme, hdr_dir, started, jobs);
            fflush(stderr);
            _exit(rc);
        }
        pids[started] = p;
    }
    for (unsigned i = 0; i < started; i++) {
        int st = 0;
        while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR) {}
        int rc = WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_IO;
        if (!WIFEXITED(st)) cli_err(EXIT_IO, "header worker %u died (signal %d)", i, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        if (rc > worst) worst = rc;
    }
    free(pids);
    return worst;
}
