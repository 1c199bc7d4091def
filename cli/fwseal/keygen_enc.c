/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal/keygen_enc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/util/cli.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_keygen_enc.h"
#include "fw_err.h"

/* Atomic 0600 write with stdio buffering off, so no copy of the secret is
 * left in a freed stdio buffer; buf is wiped in every case. */
static int write_secret(const char *path, uint8_t *buf, size_t n)
{
    struct cli_out o;
    int rc = strcmp(path, "-") ? cli_out_open(&o, path, 0600)
                               : cli_err(EXIT_USAGE, "keygen: refusing to write a secret key to stdout");
    if (!rc) {
        if (setvbuf(o.f, NULL, _IONBF, 0) != 0 || fwrite(buf, 1, n, o.f) != n) {
            cli_out_abort(&o);
            rc = cli_err(EXIT_IO, "%s: write failed", path);
        } else {
            rc = cli_out_commit(&o);
        }
    }
    OPENSSL_cleanse(buf, n);
    return rc;
}

static int no_pub(const char *type, const char *pub)
{
    return pub ? cli_err(EXIT_USAGE, "keygen %s: --pub does not apply (a symmetric key has no public part)", type) : 0;
}

int keygen_flash_xts(const char *type, const char *out, const char *pub)
{
    int rc = no_pub(type, pub);
    if (rc) return rc;
    size_t n = strcmp(type, "flash-xts-256") ? 32 : 64;
    uint8_t key[64];
    if (fwh_keygen_random(key, n) != FW_OK) return cli_err(EXIT_IO, "keygen: random generator failed");
    return write_secret(out, key, n);
}

int keygen_nvs_keys(const char *type, const char *out, const char *pub)
{
    int rc = no_pub(type, pub);
    if (rc) return rc;
    uint8_t img[FWH_NVS_KEYS_SIZE];
    if (fwh_keygen_nvs_keys(img) != FW_OK) return cli_err(EXIT_IO, "keygen: random generator failed");
    return write_secret(out, img, sizeof img);
}

int keygen_ecies_p256(const char *type, const char *out, const char *pub)
{
    if (!pub) return cli_err(EXIT_USAGE, "keygen %s: --pub DEVICE_PUB.pem is required (the key to encrypt for)", type);
    uint8_t hmac[32];
    EVP_PKEY *dev = NULL;
    char *pem = NULL;
    size_t pn = 0;
    if (fwh_keygen_ecies_p256(hmac, &dev) != FW_OK) return cli_err(EXIT_IO, "keygen: ECIES key generation failed");
    int rc = fwh_enckey_pub_to_pem(dev, &pem, &pn);
    EVP_PKEY_free(dev);
    if (rc != FW_OK) {
        OPENSSL_cleanse(hmac, sizeof hmac);
        return cli_err(EXIT_IO, "keygen: cannot encode the public key");
    }
    /* Secret first: a failure never leaves a public key without its HMAC key. */
    rc = write_secret(out, hmac, sizeof hmac);
    if (!rc) rc = cli_write_file(pub, pem, pn, 0644);
    free(pem);
    return rc;
}
