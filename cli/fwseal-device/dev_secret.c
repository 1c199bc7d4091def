/* SPDX-License-Identifier: Apache-2.0 */
/* Device decryption secret: provisioning at init, loading at ota. */
#include "cli/fwseal-device/dev_secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/util/cli.h"
#include "fw_bytes.h"

const char dev_secret_help[] =
    "  --decrypt-key PRIV.pem       provision the RSA-3072 private key that unwraps\n"
    "                               pre-encrypted OTA images (stored 0600 in DIR)\n"
    "  --decrypt-hmac-key HMAC.bin  provision the 32-byte ECIES HMAC key instead\n";

int dev_secret_parse_opt(int argc, char **argv, int *i, const char **rsa, const char **hmac)
{
    const char *a = argv[*i];
    const char **dst = cli_opt(a, "--decrypt-key") ? rsa : cli_opt(a, "--decrypt-hmac-key") ? hmac : NULL;
    if (!dst) return 0;
    if (*i + 1 >= argc) {
        cli_err(EXIT_USAGE, "%s needs a file argument", a);
        return -1;
    }
    *dst = argv[++*i];
    return 1;
}

static void path_of(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

int dev_secret_take(const char *rsa_pem_path, const char *hmac_path, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if ((rsa_pem_path != NULL) == (hmac_path != NULL))
        return cli_err(EXIT_USAGE, "give exactly one of --decrypt-key and --decrypt-hmac-key");
    const char *src = rsa_pem_path ? rsa_pem_path : hmac_path;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = cli_read_file(src, 16384, &buf, &len);
    if (rc) return rc;
    if (rsa_pem_path && !cli_is_pem(buf, len)) { /* DER: stored as PEM, the form the device loads */
        static const char *const labels[] = {"PRIVATE KEY", "RSA PRIVATE KEY"};
        uint8_t *pem = NULL;
        size_t plen = 0;
        for (size_t i = 0; i < 2; i++) {
            struct fwd_decrypt_key t;
            fwd_decrypt_key_init(&t);
            pem = cli_pem_armour(buf, len, labels[i], &plen);
            if (!pem) break;
            uint8_t *z = realloc(pem, plen + 1);
            if (!z) { fw_wipe(pem, plen); free(pem); pem = NULL; break; }
            pem = z;
            pem[plen] = 0;
            int ok = fwd_decrypt_key_load_rsa(&t, pem, plen + 1) == FW_OK;
            fwd_decrypt_key_free(&t);
            if (ok) break;
            fw_wipe(pem, plen);
            free(pem);
            pem = NULL;
        }
        if (pem) {
            fw_wipe(buf, len);
            free(buf);
            buf = pem;
            len = plen;
        }
    }
    struct fwd_decrypt_key k;
    fwd_decrypt_key_init(&k);
    uint8_t *z = realloc(buf, len + 1); /* PEM: mbedTLS wants the NUL inside the length */
    if (!z) {
        fw_wipe(buf, len);
        free(buf);
        return cli_err(EXIT_IO, "out of memory");
    }
    buf = z;
    buf[len] = 0;
    int ok = rsa_pem_path ? fwd_decrypt_key_load_rsa(&k, buf, len + 1) == FW_OK
                          : len == 32 && fwd_decrypt_key_load_ecies_hmac(&k, buf) == FW_OK;
    fwd_decrypt_key_free(&k);
    if (!ok) {
        fw_wipe(buf, len);
        free(buf);
        return cli_err(EXIT_REJECT, "%s: %s", src,
                       rsa_pem_path ? "not an RSA-3072 private key" : "not a valid 32-byte ECIES HMAC key");
    }
    *out = buf;
    *out_len = rsa_pem_path ? len + 1 : len;   /* a PEM keeps its NUL */
    return EXIT_OK_;
}

int dev_secret_provision(const char *dir, const char *rsa_pem_path, const char *hmac_path)
{
    uint8_t *buf;
    size_t len;
    int rc = dev_secret_take(rsa_pem_path, hmac_path, &buf, &len);
    if (rc) return rc;
    if (rsa_pem_path) len--;                   /* the file holds the PEM without its NUL */
    char path[4096];
    path_of(path, sizeof path, dir, rsa_pem_path ? DEV_SECRET_RSA : DEV_SECRET_HMAC);
    rc = cli_write_file(path, buf, len, 0600);
    fw_wipe(buf, len);
    free(buf);
    if (rc) return rc;
    /* Only one secret at a time: drop the other kind. */
    path_of(path, sizeof path, dir, rsa_pem_path ? DEV_SECRET_HMAC : DEV_SECRET_RSA);
    if (unlink(path) != 0 && errno != ENOENT) return cli_err(EXIT_IO, "%s: %s", path, strerror(errno));
    return EXIT_OK_;
}

static int read_secret(const char *path, uint8_t *buf, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? FW_ERR_NOT_FOUND : FW_ERR_IO;
    *len = fread(buf, 1, max - 1, f);
    int bad = ferror(f) || !feof(f);
    fclose(f);
    return bad ? FW_ERR_KEY : FW_OK;
}

int dev_secret_load(const char *dir, const struct fwd_platform *plat, struct fwd_decrypt_key *k)
{
    static uint8_t buf[16384];
    char path[4096];
    size_t len = 0;
    fwd_decrypt_key_init(k);
    /* Peripheral keys: only them (a stray secret file is not a fallback). */
    if (plat && plat->keys.rsa_private) return fwd_decrypt_key_load_rsa_keystore(k, &plat->keys);
    if (plat && plat->keys.hmac_sha256) return fwd_decrypt_key_load_ecies_keystore(k, &plat->keys);
    if (plat && plat->keys.ctx) return FW_ERR_NOT_FOUND;
    path_of(path, sizeof path, dir, DEV_SECRET_RSA);
    int rc = read_secret(path, buf, sizeof buf, &len);
    if (rc == FW_OK) {
        buf[len] = 0; /* PEM: the NUL counts */
        rc = fwd_decrypt_key_load_rsa(k, buf, len + 1);
    } else if (rc == FW_ERR_NOT_FOUND) {
        path_of(path, sizeof path, dir, DEV_SECRET_HMAC);
        rc = read_secret(path, buf, sizeof buf, &len);
        if (rc == FW_OK) rc = len == 32 ? fwd_decrypt_key_load_ecies_hmac(k, buf) : FW_ERR_KEY;
    }
    fw_wipe(buf, sizeof buf);
    return rc;
}
