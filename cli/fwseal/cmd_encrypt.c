/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal encrypt: ESP encrypted image container (FORMATS §3), streaming.
 * IN is read through a small tap (the encryptor's source) that keeps its first bytes (chip id) and
 * its last 4096 (a signature sector?), so the release checks below need no
 * second read and work on stdin too; a failed check drops the output. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "encryptor/fwh_encimg.h"
#include "encryptor/fwh_enckey.h"
#include "keys/fwh_keys.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"
#include "fw_sbv2.h"
#include "verify/fwh_verify.h"

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
           "  --sign-key K.pem   Secure Boot V2 signing key (file or pkcs11: URI): sign and encrypt in one pass\n"
           "                     (repeat for up to 3 keys, all of one scheme)\n"
           "  --pubkey PUB.pem   device public key (PEM or DER)\n"
           "  --require-signed   refuse an IN that carries no Secure Boot V2 signature\n"
           "                     sector (without --sign-key); otherwise a warning\n"
           "  -o OUT             output container (written atomically)\n");
    cmd_key_options_help(stdout);
    printf("--sign-key takes a key file or a PKCS#11 URI (pkcs11:token=...;object=...).\n"
           "\n"
           "Refused as traps: --pubkey naming a Secure Boot V2 signing key (its public\n"
           "key is one of --sign-key, or it matches a signature block of IN: such a key\n"
           "signs, it is not the device's key; an RSA-3072 or P-256 key found in neither\n"
           "place cannot be told apart and is taken as given); --sign-key on an IN that\n"
           "is already signed (sign with `fwseal sign --resign`, then encrypt); a\n"
           "--sign-key scheme the image's chip does not verify (FORMATS 2.8).\n"
           "\n"
           "example:\n"
           "  fwseal encrypt --sign-key release.pem --pubkey device_pub.pem app.bin -o app.enc.bin\n"
           "  # two steps, only when the signed plaintext is needed as well:\n"
           "  fwseal sign --key release.pem app.bin -o app-signed.bin\n"
           "  fwseal encrypt --pubkey device_pub.pem app-signed.bin -o app.enc.bin\n");
}

/* ---- input tap ------------------------------------------------------------- */

struct tap {
    FILE *src;
    uint64_t total;
    uint8_t head[16];
    uint8_t tail[FW_SBV2_SECTOR_SIZE]; /* ring: byte i of the stream at i % 4096 */
};

/* The encryptor's source: IN straight into its buffer, the tap keeps copies
 * of the first 16 and the last 4096 bytes seen. */
static long tap_read(void *c, uint8_t *buf, size_t n)
{
    struct tap *t = c;
    size_t got = fread(buf, 1, n, t->src);
    if (t->total < sizeof t->head) {
        size_t h = sizeof t->head - (size_t)t->total;
        memcpy(t->head + t->total, buf, got < h ? got : h);
    }
    /* only the last 4096 bytes of this read can stay in the ring */
    size_t k = got < FW_SBV2_SECTOR_SIZE ? got : FW_SBV2_SECTOR_SIZE;
    const uint8_t *p = buf + got - k;
    uint64_t pos = t->total + got - k;
    while (k) {
        size_t off = (size_t)(pos % FW_SBV2_SECTOR_SIZE), m = FW_SBV2_SECTOR_SIZE - off;
        if (m > k) m = k;
        memcpy(t->tail + off, p, m);
        p += m;
        pos += m;
        k -= m;
    }
    t->total += got;
    return got == 0 && ferror(t->src) ? -1 : (long)got;
}

/* The last 4096 bytes of IN in order; 0 if IN cannot end in a signature sector. */
static int tap_sector(const struct tap *t, uint8_t *sector)
{
    if (t->total % FW_SBV2_SECTOR_SIZE || t->total < 2 * (uint64_t)FW_SBV2_SECTOR_SIZE) return 0;
    memcpy(sector, t->tail, FW_SBV2_SECTOR_SIZE); /* total is a 4096 multiple: the ring is in order */
    return 1;
}

/* Blocks of IN's trailing signature sector (0: unsigned). */
static unsigned tap_blocks(const struct tap *t, uint8_t *sector)
{
    struct fw_sbv2_scan scan;
    return tap_sector(t, sector) ? fw_sbv2_sector_scan(sector, &scan) : 0;
}

/* ---- release checks ------------------------------------------------------- */

/* The device key as an SBv2 key: its eFuse digest, if it is a type SBv2 uses.
 * The key object is shared (a reference), not re-encoded and parsed again. */
static int sbv2_digest_of(EVP_PKEY *pk, uint8_t d[FW_SBV2_KEY_DIGEST_LEN])
{
    char why[160];
    struct fwh_key k;
    if (EVP_PKEY_up_ref(pk) != 1) return 0;
    if (fwh_key_adopt(pk, &k, why, sizeof why) != FW_OK) return 0; /* freed our reference */
    int ok = fwh_key_sbv2_digest(&k, d) == FW_OK;
    fwh_key_free(&k);
    return ok;
}

/* Same public key? EVP_PKEY_eq answers for keys OpenSSL can compare (no
 * SBv2 digest to derive); the digests decide for the others. */
static int same_sbv2_key(EVP_PKEY *pk, const uint8_t *dev_digest, const struct fwh_key *k)
{
    uint8_t e[FW_SBV2_KEY_DIGEST_LEN];
    int eq = k->pkey ? EVP_PKEY_eq(pk, k->pkey) : -2;
    if (eq >= 0) return eq;
    return fwh_key_sbv2_digest(k, e) == FW_OK && fw_ct_equal(dev_digest, e, sizeof e);
}

static int pubkey_is_a_sign_key(const char *pub, EVP_PKEY *pk, const uint8_t *dev_digest, const char *const *signp,
                                const struct fwh_key *const *kp, size_t nsign)
{
    if (!dev_digest) return 0;
    for (size_t i = 0; i < nsign; i++)
        if (same_sbv2_key(pk, dev_digest, kp[i]))
            return cli_err(EXIT_REJECT,
                           "%s: this is the public half of the signing key %s, not a device key: --pubkey takes the "
                           "device's key (fwseal keygen rsa3072|ecies-p256)", pub, cmd_key_name(signp[i]));
    return 0;
}

static int pubkey_signs_in(const char *pub, const uint8_t *dev_digest, const char *in, const uint8_t *sector,
                           unsigned nblk)
{
    uint8_t e[FW_SBV2_KEY_DIGEST_LEN];
    if (!nblk || !dev_digest) return 0;
    for (unsigned i = 0; i < nblk; i++)
        if (fwh_block_key_digest(sector + i * FW_SBV2_BLOCK_SIZE, e) == FW_OK && fw_ct_equal(dev_digest, e, sizeof e))
            return cli_err(EXIT_REJECT,
                           "%s: this key signed %s (signature block %u): it is a Secure Boot V2 signing key, not "
                           "the device's key (--pubkey takes the key from fwseal keygen rsa3072|ecies-p256)", pub, in, i);
    return 0;
}

static int after_stream_checks(const struct tap *t, const char *in, const char *pub, const uint8_t *dev_digest,
                               const char *const *signp, const struct fwh_key *const *kp, size_t nsign, int require_signed)
{
    static uint8_t sector[FW_SBV2_SECTOR_SIZE];
    unsigned nblk = tap_blocks(t, sector);
    int rc = pubkey_signs_in(pub, dev_digest, in, sector, nblk);
    if (rc) return rc;
    if (nsign && nblk)
        return cli_err(EXIT_REJECT, "%s: already signed (%u signature block(s) in its last 4096 bytes); --sign-key would "
                       "add a second sector: re-sign with `fwseal sign --resign` and encrypt that, or drop --sign-key", in, nblk);
    if (nsign && t->total >= 16 && t->head[0] == FW_IMAGE_MAGIC) {
        uint16_t chip = fw_dec16le(t->head + 12);
        for (size_t i = 0; i < nsign; i++) {
            char why[160];
            if (!fwh_chip_sbv2_accepts(chip, (unsigned)i, fwh_key_scheme(kp[i]), why, sizeof why))
                return cli_err(EXIT_REJECT, "%s: %s: %s (FORMATS 2.8); its ROM would refuse to boot the image", in,
                               cmd_key_name(signp[i]), why);
        }
    }
    if (!nsign && !nblk) {
        if (require_signed)
            return cli_err(EXIT_REJECT, "%s: not signed (no Secure Boot V2 signature sector at its end): sign it "
                           "(--sign-key, or fwseal sign) or leave out --require-signed", in);
        cli_warn("%s: not signed (no Secure Boot V2 signature sector at its end); a Secure Boot device will refuse it "
                 "(add --sign-key, or --require-signed to make this an error)", in);
    }
    return 0;
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(); return 0; }
    const char *pub = NULL, *out = NULL, *in = NULL, *signp[3] = {0}, *pass = NULL, *module = NULL;
    size_t nsign = 0;
    const struct enc_opt opts[] = {{"--pubkey", &pub, NULL, 0}, {"-o", &out, NULL, 0}, {"--output", &out, NULL, 0},
                                   {"--sign-key", signp, &nsign, 3}, {"--pass", &pass, NULL, 0},
                                   {"--pkcs11-module", &module, NULL, 0}};
    static const char *const flag_names[] = {"--require-signed"};
    int require_signed = 0;
    int rc = enc_parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], flag_names, &require_signed, 1, &in);
    if (rc) return rc;
    cmd_key_sources(pass, module);
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
        if ((rc = cmd_load_key(signp[i], &keys[i]))) { /* prints why; exit 3 for I/O (a missing module) */
            for (size_t j = 0; j < i; j++) fwh_key_free(&keys[j]);
            EVP_PKEY_free(pk);
            return rc;
        }
        kp[i] = &keys[i];
    }
    uint8_t dev_digest[FW_SBV2_KEY_DIGEST_LEN];
    int have_digest = sbv2_digest_of(pk, dev_digest);
    if ((rc = pubkey_is_a_sign_key(pub, pk, have_digest ? dev_digest : NULL, signp, kp, nsign))) {
        for (size_t j = 0; j < nsign; j++) fwh_key_free(&keys[j]);
        EVP_PKEY_free(pk);
        return rc;
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
    static struct tap t;
    memset(&t, 0, sizeof t);
    t.src = fin;
    int err = fwh_encimg_encrypt_source(pk, nsign ? kp : NULL, nsign, tap_read, &t, o.f, why, sizeof why);
    if (fin != stdin) fclose(fin);
    EVP_PKEY_free(pk);
    if (err == FW_OK)
        rc = after_stream_checks(&t, in, pub, have_digest ? dev_digest : NULL, signp, kp, nsign, require_signed);
    for (size_t j = 0; j < nsign; j++) fwh_key_free(&keys[j]);
    if (err != FW_OK || rc) {
        cli_out_abort(&o);
        if (rc) return rc;
        return cli_err(err == FW_ERR_RANGE ? EXIT_REJECT : cli_exit_for(err), "%s: %s", in, why);
    }
    return cli_out_commit(&o);
}

const struct cli_cmd cmd_encrypt = {"encrypt", "release: sign (--sign-key) and encrypt in one pass into an ESP encrypted image", run};
