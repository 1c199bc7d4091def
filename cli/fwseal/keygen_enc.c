#include "cli/fwseal/keygen_enc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_keygen_enc.h"
#include "fw_err.h"

const char keygen_enc_help[] =
    "  ecies-p256 -o HMAC.bin --pub DEVICE_PUB.pem\n"
    "                 32-byte device HMAC key (0600; burn into an eFuse key block with\n"
    "                 purpose HMAC_UP) and the ECIES-P256 device public key derived\n"
    "                 from it (PBKDF2-HMAC-SHA256), for `fwseal encrypt --pubkey`\n"
    "  flash-xts-128 -o KEY.bin   32-byte XTS-AES-128 flash encryption key (0600)\n"
    "  flash-xts-256 -o KEY.bin   64-byte XTS-AES-256 flash encryption key (0600)\n"
    "  nvs-keys -o NVSKEYS.bin    4096-byte nvs_keys partition image: two random\n"
    "                 32-byte XTS keys + CRC32 (0600; flash it encrypted)\n";

/* Only "-o OUT" (and --pub for ECIES); no positional argument. */
static int parse(int argc, char **argv, const char **out, const char **pub)
{
    for (int i = 1; i < argc; i++) {
        const char **dst = NULL;
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) dst = out;
        else if (pub && !strcmp(argv[i], "--pub")) dst = pub;
        else return cli_err(EXIT_USAGE, "keygen %s: unexpected argument '%s'", argv[0], argv[i]);
        if (i + 1 >= argc) return cli_err(EXIT_USAGE, "keygen %s: %s needs a value", argv[0], argv[i]);
        *dst = argv[++i];
    }
    if (!*out || (pub && !*pub))
        return cli_err(EXIT_USAGE, "keygen %s: -o OUT%s required", argv[0], pub ? " and --pub PUB.pem are" : " is");
    if (!strcmp(*out, "-")) return cli_err(EXIT_USAGE, "keygen %s: refusing to write a secret key to stdout", argv[0]);
    return 0;
}

static int write_secret(const char *path, uint8_t *buf, size_t n)
{
    int rc = cli_write_file(path, buf, n, 0600);
    OPENSSL_cleanse(buf, n);
    return rc;
}

static int random_key(int argc, char **argv, size_t n)
{
    const char *out = NULL;
    int rc = parse(argc, argv, &out, NULL);
    if (rc) return rc;
    uint8_t key[64];
    if (fwh_keygen_random(key, n) != FW_OK) return cli_err(EXIT_IO, "keygen: random generator failed");
    return write_secret(out, key, n);
}

int keygen_flash_xts_128(int argc, char **argv) { return random_key(argc, argv, 32); }
int keygen_flash_xts_256(int argc, char **argv) { return random_key(argc, argv, 64); }

int keygen_nvs_keys(int argc, char **argv)
{
    const char *out = NULL;
    int rc = parse(argc, argv, &out, NULL);
    if (rc) return rc;
    uint8_t img[FWH_NVS_KEYS_SIZE];
    if (fwh_keygen_nvs_keys(img) != FW_OK) return cli_err(EXIT_IO, "keygen: random generator failed");
    return write_secret(out, img, sizeof img);
}

int keygen_ecies_p256(int argc, char **argv)
{
    const char *out = NULL, *pubp = NULL;
    int rc = parse(argc, argv, &out, &pubp);
    if (rc) return rc;
    uint8_t hmac[32];
    EVP_PKEY *dev = NULL;
    char *pem = NULL;
    size_t pn = 0;
    if (fwh_keygen_ecies_p256(hmac, &dev) != FW_OK) return cli_err(EXIT_IO, "keygen: ECIES key generation failed");
    rc = fwh_enckey_pub_to_pem(dev, &pem, &pn);
    EVP_PKEY_free(dev);
    if (rc != FW_OK) {
        OPENSSL_cleanse(hmac, sizeof hmac);
        return cli_err(EXIT_IO, "keygen: cannot encode the public key");
    }
    /* Both files via temp + rename: the secret first, so a failure never
     * leaves a public key without its HMAC key. */
    rc = write_secret(out, hmac, sizeof hmac);
    if (!rc) rc = cli_write_file(pubp, pem, pn, 0644);
    free(pem);
    return rc;
}
