/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal sign --key K.pem [--key K2.pem] [--key K3.pem] [--append|--resign] IN -o OUT
 * Secure Boot V2 signing exactly as espsecure sign_data --version 2: the
 * input is streamed (hash + copy in 64 KiB chunks), padded with 0xFF to a 4096
 * multiple, followed by the 4096-byte signature sector. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/fwseal/commands.h"
#include "cli/fwseal/enc_cli.h"
#include "cli/util/cli.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_image.h"
#include "host/fwh_json.h"
#include "fw_sbv2.h"
#include "keys/fwh_keys.h"
#include "keys/fwh_sbv2_crypto.h"
#include "keys/fwh_sig.h"
#include "signer/fwh_sign.h"
#include "verify/fwh_verify.h"

#include <openssl/crypto.h>



#define MAX_KEYS 8          /* accepted on the command line; >3 refused below */
#define CHUNK (1u << 16)

static void help(FILE *f)
{
    fprintf(f, "usage: fwseal sign --key K1.pem [--key K2.pem] [--key K3.pem] [--append|--resign] IN -o OUT\n"
               "       fwseal sign --digest-out D.bin [--pub PUB.pem] [--json] [--append|--resign] IN\n"
               "       fwseal sign --signature-in SIG --pub PUB.pem [--append|--resign] IN -o OUT\n\n"
               "Append a Secure Boot V2 signature sector (FORMATS 2.1-2.5) to IN, as\n"
               "`espsecure.py sign_data --version 2` does: IN is padded with 0xFF to a\n"
               "multiple of 4096, then a 4096-byte sector with one block per key follows\n"
               "(RSA-3072 PSS/SHA-256/salt 32, ECDSA P-256, or ECDSA P-384 over SHA-384;\n"
               "all keys of one scheme; P-192 keys are verified, never used to sign;\n"
               "at most 3 blocks). Any file can be signed; a warning is printed when IN\n"
               "is not an ESP app image. OUT is written atomically (may equal IN).\n"
               "An IN that is already signed (ESP-IDF signs build/<project>.bin when\n"
               "Secure Boot is enabled) is refused: say --append or --resign.\n"
               "For an app image, a key whose scheme the image's chip does not verify\n"
               "(e.g. ECDSA for esp32c3, RSA for esp32c2; FORMATS 2.8) is refused.\n"
               "To release an image for OTA, `fwseal encrypt --sign-key K.pem --pubkey\n"
               "DEV.pem IN -o OUT` signs and encrypts in one pass; sign alone when the\n"
               "signed plaintext itself is needed (factory flashing, espsecure).\n"
               "\noptions:\n"
               "  --key K       private signing key: a key file (PEM/DER, maybe encrypted:\n"
               "                --pass) or a PKCS#11 URI (pkcs11:...); repeat for up to 3 keys\n"
               "  --append      IN is already signed: keep the valid blocks of its last\n"
               "                4096 bytes and add new blocks after them (refused when a kept\n"
               "                block signs a different image digest: the image was changed)\n"
               "  --resign      IN is already signed: drop its signature sector(s) and sign\n"
               "                the image anew with the given keys only\n"
               "  --data        IN is a data partition image (NVS, certificates...), signed as\n"
               "                ESP-IDF signs data partitions (espsecure sign_data --version 2 on\n"
               "                the file): padded with 0xFF to 4 KiB, then the 4 KiB signature\n"
               "                sector; `fwseal-device ota --target LABEL` verifies it on the device\n"
               "  --no-chip-check  sign with a scheme the image's chip does not verify (for\n"
               "                another verifier: the chip's ROM will not boot the result)\n"
               "  -o OUT        output file (- for stdout)\n");
    cmd_key_options_help(f);
    fprintf(f, "\nDetached signing (a cloud KMS, a signing service, an offline HSM):\n"
               "  --digest-out D.bin  write only the image digest the signer signs (SHA-256,\n"
               "                32 bytes, over IN padded to 4096 as signing would) and print\n"
               "                the algorithm and padding the signer must use (--pub PUB.pem:\n"
               "                for that key only; --json: as JSON). Nothing else is written.\n"
               "  --signature-in SIG  the signature the service returned over D.bin, with\n"
               "                --pub PUB.pem (its public key): verified against PUB.pem over\n"
               "                IN's digest, and only then the signature sector is written.\n"
               "                RSA-3072: the big-endian signature (384 bytes); ECDSA: raw\n"
               "                r||s big-endian (KMS APIs) or little-endian, or DER.\n"
               "  --pub PUB.pem the signer's public key (PEM or DER)\n"
               "IN may be - (standard input; it is buffered in an unnamed temporary file).\n"
               "\nexamples:\n"
               "  fwseal sign --key release.pem app.bin -o app-signed.bin\n"
               "  fwseal sign --append --key backup.pem app-signed.bin -o app-signed2.bin\n"
               "  fwseal sign --key 'pkcs11:token=release;object=fw?pin-source=env:PIN' \\\n"
               "      --pkcs11-module /usr/lib/softhsm/libsofthsm2.so app.bin -o app-signed.bin\n"
               "  fwseal sign --digest-out app.digest app.bin       # then the service signs it\n"
               "  fwseal sign --signature-in app.sig --pub release_pub.pem app.bin -o app-signed.bin\n");
}

struct sign_args {
    const char *keys[MAX_KEYS];
    size_t nkeys;
    int append, resign, no_chip_check, json, data;
    const char *in, *out;
    const char *digest_out, *sig_in, *pub; /* detached signing */
};

static int parse(int argc, char **argv, struct sign_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (cmd_key_option(argc, argv, &i)) continue;
        if (cli_opt(argv[i], "--digest-out") && i + 1 < argc) {
            a->digest_out = argv[++i];
        } else if (cli_opt(argv[i], "--signature-in") && i + 1 < argc) {
            a->sig_in = argv[++i];
        } else if (cli_opt(argv[i], "--pub") && i + 1 < argc) {
            a->pub = argv[++i];
        } else if (cli_opt(argv[i], "--json")) {
            a->json = 1;
        } else if (cli_opt(argv[i], "--key") && i + 1 < argc) {
            if (a->nkeys == MAX_KEYS) return cli_err(EXIT_USAGE, "sign: too many --key options");
            a->keys[a->nkeys++] = argv[++i];
        } else if (cli_opt(argv[i], "--append")) {
            a->append = 1;
        } else if (cli_opt(argv[i], "--resign")) {
            a->resign = 1;
        } else if (cli_opt(argv[i], "--data")) {
            a->data = 1;
        } else if (cli_opt(argv[i], "--no-chip-check")) {
            a->no_chip_check = 1;
        } else if (cli_opt(argv[i], "-o") && i + 1 < argc) {
            a->out = argv[++i];
        } else if (cli_is_option(argv[i])) {
            return cli_err(EXIT_USAGE, "sign: unknown or incomplete option '%s'", argv[i]);
        } else if (!a->in) {
            a->in = argv[i];
        } else {
            return cli_err(EXIT_USAGE, "sign: unexpected argument '%s'", argv[i]);
        }
    }
    if (a->digest_out && a->sig_in) return cli_err(EXIT_USAGE, "sign: --digest-out and --signature-in are two steps: give one");
    if ((a->digest_out || a->sig_in) && a->nkeys)
        return cli_err(EXIT_USAGE, "sign: --key does not go with %s (the signature is made elsewhere)",
                       a->digest_out ? "--digest-out" : "--signature-in");
    if (a->digest_out && a->out) return cli_err(EXIT_USAGE, "sign: --digest-out writes only the digest: leave out -o");
    if (a->sig_in && !a->pub) return cli_err(EXIT_USAGE, "sign: --signature-in needs --pub PUB.pem (the signer's public key)");
    if (a->pub && !a->digest_out && !a->sig_in) return cli_err(EXIT_USAGE, "sign: --pub goes with --digest-out or --signature-in");
    if (a->json && !a->digest_out) return cli_err(EXIT_USAGE, "sign: --json goes with --digest-out");
    if (a->pub) a->keys[a->nkeys++] = a->pub;
    if (!a->in || (!a->out && !a->digest_out) || (a->nkeys == 0 && !a->digest_out)) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (a->append && a->resign) return cli_err(EXIT_USAGE, "sign: --append and --resign exclude each other");
    if (a->nkeys > FW_SBV2_MAX_BLOCKS)
        return cli_err(EXIT_REJECT, "sign: %zu keys given; a signature sector holds at most 3 blocks", a->nkeys);
    return 0;
}

static int read_full(int fd, uint8_t *p, size_t n, off_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

/* Hash and copy data [0, len) of fd to out, then the 0xFF gap. */
static int stream_data(int fd, uint64_t len, FILE *out, struct fwh_signer *s, const char *in)
{
    uint8_t *buf = malloc(CHUNK);
    if (!buf) return cli_err(EXIT_IO, "out of memory");
    int rc = 0;
    for (uint64_t off = 0; off < len && !rc;) {
        size_t n = len - off < CHUNK ? (size_t)(len - off) : CHUNK;
        if (read_full(fd, buf, n, (off_t)off)) rc = cli_err(EXIT_IO, "%s: read failed (file changed while signing?)", in);
        else if (fwh_signer_update(s, buf, n)) rc = cli_err(EXIT_IO, "hash failed");
        else if (out && fwrite(buf, 1, n, out) != n) rc = cli_err(EXIT_IO, "write failed: %s", strerror(errno));
        off += n;
    }
    uint64_t pad = fwh_sbv2_pad_len(len);
    if (!rc && pad) {
        memset(buf, 0xFF, (size_t)pad);
        if (fwh_signer_update(s, buf, (size_t)pad)) rc = cli_err(EXIT_IO, "hash failed");
        else if (out && fwrite(buf, 1, (size_t)pad, out) != pad) rc = cli_err(EXIT_IO, "write failed: %s", strerror(errno));
    }
    free(buf);
    return rc;
}

/* Blocks of a signature sector ending at byte len of fd (0: none there). */
static unsigned trailing_blocks(int fd, uint64_t len, uint8_t *sector)
{
    if (len % FW_SBV2_SECTOR_SIZE || len < 2 * (uint64_t)FW_SBV2_SECTOR_SIZE) return 0;
    if (read_full(fd, sector, FW_SBV2_SECTOR_SIZE, (off_t)(len - FW_SBV2_SECTOR_SIZE))) return 0;
    struct fw_sbv2_scan scan;
    return fw_sbv2_sector_scan(sector, &scan);
}

/* IN "-": standard input copied to an unnamed temporary file, so the
 * signed-already check and --append can look at its end. */
static int spool_stdin(int *fd)
{
    FILE *t = tmpfile();
    if (!t) return cli_err(EXIT_IO, "stdin: cannot create a temporary file: %s", strerror(errno));
    uint8_t *buf = malloc(CHUNK);
    int rc = buf ? 0 : cli_err(EXIT_IO, "out of memory");
    size_t n;
    while (!rc && (n = fread(buf, 1, CHUNK, stdin)) > 0)
        if (fwrite(buf, 1, n, t) != n) rc = cli_err(EXIT_IO, "stdin: temporary file: %s", strerror(errno));
    if (!rc && ferror(stdin)) rc = cli_err(EXIT_IO, "stdin: read failed");
    if (!rc && fflush(t) != 0) rc = cli_err(EXIT_IO, "stdin: temporary file: %s", strerror(errno));
    free(buf);
    if (!rc && (*fd = dup(fileno(t))) < 0) rc = cli_err(EXIT_IO, "stdin: %s", strerror(errno));
    fclose(t);
    return rc;
}

/* Refuse keys the image's chip does not verify (FORMATS 2.8); block i of the
 * new sector is key i - first. */
static int check_chip(const struct sign_args *a, const uint8_t *head, size_t got, const struct fwh_key *const *keys,
                      unsigned first, enum fw_sbv2_scheme kept_scheme)
{
    if (got < 16 || head[0] != FW_IMAGE_MAGIC || a->no_chip_check) return 0;
    uint16_t chip = fw_dec16le(head + 12);
    for (size_t i = 0; i < a->nkeys && first + i < FW_SBV2_MAX_BLOCKS; i++) { /* a 4th block: refused later */
        char why[160];
        if (first && fwh_key_scheme(keys[i]) != kept_scheme) continue; /* mixed schemes: refused with that reason */
        if (!fwh_chip_sbv2_accepts(chip, first + (unsigned)i, fwh_key_scheme(keys[i]), why, sizeof why))
            return cli_err(EXIT_REJECT, "%s: %s: %s (FORMATS 2.8); its ROM would refuse to boot the signed image", a->in,
                           cmd_key_name(a->keys[i]), why);
    }
    return 0;
}

/* Open IN, find the data length and (with --append) the existing sector. */
static int open_input(const struct sign_args *a, const struct fwh_key *const *keys, int *fd, uint64_t *data_len,
                      uint8_t *old_sector)
{
    if (!strcmp(a->in, "-")) {
        int rc = spool_stdin(fd);
        if (rc) return rc;
    } else {
        *fd = open(a->in, O_RDONLY);
        if (*fd < 0) return cli_err(EXIT_IO, "%s: %s", a->in, strerror(errno));
    }
    struct stat st;
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) return cli_err(EXIT_IO, "%s: not a regular file", a->in);
    uint64_t len = (uint64_t)st.st_size;
    if (len == 0) return cli_err(EXIT_REJECT, "%s: empty file, nothing to sign", a->in);
    unsigned kept = 0;
    struct fw_sbv2_scan scan = {0};
    if (a->append) {
        if (len % FW_SBV2_SECTOR_SIZE || len < 2 * (uint64_t)FW_SBV2_SECTOR_SIZE)
            return cli_err(EXIT_REJECT, "%s: --append needs a signed image (size a multiple of 4096, at least 8192; got %llu)",
                           a->in, (unsigned long long)len);
        len -= FW_SBV2_SECTOR_SIZE;
        if (read_full(*fd, old_sector, FW_SBV2_SECTOR_SIZE, (off_t)len))
            return cli_err(EXIT_IO, "%s: read failed", a->in);
        kept = fw_sbv2_sector_scan(old_sector, &scan);
    } else {
        unsigned nblk = trailing_blocks(*fd, len, old_sector);
        if (nblk && !a->resign)
            return cli_err(EXIT_REJECT,
                           "%s: already signed (%u signature block(s) in its last 4096 bytes); use --append to add "
                           "a key to that sector, or --resign to replace it",
                           a->in, nblk);
        while (nblk) { /* --resign: every trailing sector (also a second one appended by mistake) */
            len -= FW_SBV2_SECTOR_SIZE;
            nblk = trailing_blocks(*fd, len, old_sector);
        }
    }
    uint8_t head[16];
    size_t got = len < sizeof head ? (size_t)len : sizeof head;
    if (read_full(*fd, head, got, 0)) return cli_err(EXIT_IO, "%s: read failed", a->in);
    if (a->data) return (*data_len = len, 0);   /* a data partition: no image header, no chip */
    if (head[0] != 0xE9)
        cli_warn("%s: not an ESP app image (first byte 0x%02x, expected 0xE9); signing it anyway", a->in, head[0]);
    int rc = check_chip(a, head, got, keys, kept, kept ? scan.scheme[0] : FW_SBV2_SCHEME_NONE);
    if (rc) return rc;
    *data_len = len;
    return 0;
}

static int sign_file(const struct sign_args *a, const struct fwh_key *const *keys)
{
    static uint8_t old[FW_SBV2_SECTOR_SIZE], sector[FW_SBV2_SECTOR_SIZE];
    int fd = -1, rc;
    uint64_t len = 0;
    struct fwh_signer s = {0};
    struct cli_out o = {0};
    char why[256];
    uint8_t digest[FW_SBV2_MAX_DIGEST];
    /* The digest the keys' scheme signs (SHA-384 for P-384); mixed schemes
     * are refused by fwh_sbv2_build_sector_len. */
    size_t dlen = fw_sbv2_digest_len(fwh_key_scheme(keys[0]));
    if (!dlen) dlen = FW_SBV2_DIGEST_SHA256_LEN;

    rc = open_input(a, keys, &fd, &len, old);
    if (!rc && fwh_signer_init_len(&s, dlen)) rc = cli_err(EXIT_IO, "cannot initialise the image hash");
    if (!rc && fwh_signer_attach(&s, keys, a->nkeys)) rc = cli_err(EXIT_IO, "too many hash-and-sign tokens");
    if (!rc) rc = cli_out_open(&o, a->out, 0644);
    if (rc) goto out;
    rc = stream_data(fd, len, o.f, &s, a->in);
    if (!rc && fwh_signer_digest_len(&s, digest, sizeof digest)) rc = cli_err(EXIT_IO, "hash failed");
    if (!rc) {
        int e = fwh_sbv2_build_sector_len(sector, a->append ? old : NULL, keys, a->nkeys, digest, dlen, why,
                                          sizeof why);
        if (e) rc = cli_err(cli_exit_for(e), "%s: %s", a->in, why);
    }
    if (!rc && fwrite(sector, 1, sizeof sector, o.f) != sizeof sector) rc = cli_err(EXIT_IO, "%s: write failed", a->out);
    if (rc) cli_out_abort(&o);
    else rc = cli_out_commit(&o);
    if (!rc && !o.is_stdout) {
        struct fw_sbv2_scan scan;
        unsigned nblk = fw_sbv2_sector_scan(sector, &scan);
        printf("%s: signed, %u block(s) %s, image digest ", a->out, nblk, fw_sbv2_scheme_name(scan.scheme[0]));
        cli_print_hex(stdout, digest, dlen);
        putchar('\n');
    }
out:
    fwh_signer_free(&s);
    if (fd >= 0) close(fd);
    return rc;
}

/* ---- detached signing ---------------------------------------------------- */

/* A signature made elsewhere, handed to the block builder as if a signer
 * returned it: fwh_sbv2_sign_block verifies it against the public key. */
struct detached {
    uint8_t sig[FWH_SIG_MAX];
    size_t len;
};

static int detached_sign(void *ctx, const uint8_t *digest, size_t digest_len, uint8_t *sig, size_t *siglen, char *why,
                         size_t whylen)
{
    const struct detached *d = ctx;
    (void)digest; (void)digest_len; (void)why; (void)whylen;
    if (d->len > *siglen) return FW_ERR_NO_SPACE;
    memcpy(sig, d->sig, d->len);
    *siglen = d->len;
    return FW_OK;
}

static const struct fwh_ext_signer detached_signer = {.kind = "detached signature", .sign = detached_sign};

/* k (the --pub key) signs with the signature in a->sig_in. */
static int attach_signature(const struct sign_args *a, struct fwh_key *k, struct detached *d)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = cli_read_file(a->sig_in, FWH_SIG_MAX, &buf, &len);
    if (rc) return rc;
    if (len == 0) rc = cli_err(EXIT_REJECT, "%s: empty signature file", a->sig_in);
    else {
        memcpy(d->sig, buf, len);
        d->len = len;
        if (k->ext && k->ext->free) k->ext->free(k->ext_ctx);
        k->ext = &detached_signer;
        k->ext_ctx = d;
        k->has_private = 1;
    }
    free(buf);
    return rc;
}

/* What the signing service must do for scheme s (NULL: each scheme of the
 * table that signs this digest length). */
struct alg_desc {
    const char *algorithm, *padding, *openssl, *kms;
};

static struct alg_desc describe_alg(const struct fwh_sig_scheme *s)
{
    int rsa = s->id == FW_SBV2_RSA3072, sha384 = s->digest_len == 48;
    struct alg_desc d;
    if (rsa) {
        d.algorithm = sha384 ? "RSASSA-PSS with SHA-384" : "RSASSA-PSS with SHA-256";
        d.padding = sha384 ? "PSS, MGF1-SHA-384, salt length 48" : "PSS, MGF1-SHA-256, salt length 32";
        d.openssl = sha384 ? "openssl pkeyutl -sign -inkey KEY -in D.bin -out SIG -pkeyopt digest:sha384 "
                             "-pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:48 -pkeyopt rsa_mgf1_md:sha384"
                           : "openssl pkeyutl -sign -inkey KEY -in D.bin -out SIG -pkeyopt digest:sha256 "
                             "-pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256";
        d.kms = "e.g. AWS KMS RSASSA_PSS_SHA_256 with MessageType DIGEST; Google Cloud KMS RSA_SIGN_PSS_3072_SHA256";
    } else {
        d.algorithm = sha384 ? "ECDSA over the SHA-384 digest" : "ECDSA over the SHA-256 digest";
        d.padding = "none (the digest is signed as it is)";
        d.openssl = sha384 ? "openssl pkeyutl -sign -inkey KEY -in D.bin -out SIG -pkeyopt digest:sha384"
                           : "openssl pkeyutl -sign -inkey KEY -in D.bin -out SIG -pkeyopt digest:sha256";
        d.kms = sha384 ? "e.g. AWS KMS ECDSA_SHA_384 with MessageType DIGEST; Google Cloud KMS EC_SIGN_P384_SHA384"
                       : "e.g. AWS KMS ECDSA_SHA_256 with MessageType DIGEST; Google Cloud KMS EC_SIGN_P256_SHA256";
    }
    return d;
}

static void report_digest(const struct sign_args *a, const uint8_t *digest, size_t dlen, const struct fwh_key *pub)
{
    struct fw_json j;
    if (a->json) {
        fw_json_init(&j, stdout, 2);
        fw_json_obj(&j);
        fw_json_kstr(&j, "input", a->in);
        fw_json_kstr(&j, "digest_file", a->digest_out);
        fw_json_kstr(&j, "digest_algorithm", dlen == 48 ? "sha384" : "sha256");
        fw_json_khex(&j, "digest", digest, dlen);
        fw_json_key(&j, "signers");
        fw_json_arr(&j);
    } else {
        printf("%s: %s image digest of %s (%zu bytes): ", a->digest_out, dlen == 48 ? "SHA-384" : "SHA-256", a->in, dlen);
        cli_print_hex(stdout, digest, dlen);
        printf("\nHave the signing service sign these bytes as a precomputed digest (not hashed again):\n");
    }
    for (size_t i = 0; fwh_sig_scheme_at(i); i++) {
        const struct fwh_sig_scheme *s = fwh_sig_scheme_at(i);
        if (s->digest_len != dlen || (pub && s->id != pub->type)) continue;
        struct alg_desc d = describe_alg(s);
        if (a->json) {
            fw_json_obj(&j);
            fw_json_kstr(&j, "key_type", s->cli_name);
            fw_json_kstr(&j, "algorithm", d.algorithm);
            fw_json_kstr(&j, "padding", d.padding);
            fw_json_kstr(&j, "services", d.kms);
            fw_json_kstr(&j, "openssl", d.openssl);
            fw_json_end(&j);
        } else {
            printf("  %s key: %s; padding: %s\n    %s\n    %s\n", s->display, d.algorithm, d.padding, d.kms, d.openssl);
        }
    }
    if (a->json) {
        fw_json_end(&j);
        fw_json_end(&j);
        return;
    }
    printf("Then: fwseal sign --signature-in SIG --pub PUB.pem%s %s -o OUT\n",
           a->append ? " --append" : a->resign ? " --resign" : "", a->in);
}

/* --digest-out: the digest signing would sign, written to a file. */
static int digest_only(const struct sign_args *a, const struct fwh_key *const *keys)
{
    static uint8_t old[FW_SBV2_SECTOR_SIZE];
    int fd = -1, rc;
    uint64_t len = 0;
    struct fwh_signer s = {0};
    uint8_t digest[FW_SBV2_MAX_DIGEST];
    /* With --pub, the digest that key's scheme signs (SHA-384 for P-384);
     * without, SHA-256, what RSA-3072, P-256 and P-192 sign. */
    size_t dlen = a->nkeys ? fw_sbv2_digest_len(fwh_key_scheme(keys[0])) : 0;
    if (!dlen) dlen = FW_SBV2_DIGEST_SHA256_LEN;
    rc = open_input(a, keys, &fd, &len, old);
    if (!rc && fwh_signer_init_len(&s, dlen)) rc = cli_err(EXIT_IO, "cannot initialise the image hash");
    if (!rc) rc = stream_data(fd, len, NULL, &s, a->in);
    if (!rc && fwh_signer_digest_len(&s, digest, dlen)) rc = cli_err(EXIT_IO, "hash failed");
    if (!rc) rc = cli_write_file(a->digest_out, digest, dlen, 0644);
    if (!rc) report_digest(a, digest, dlen, a->nkeys ? keys[0] : NULL);
    fwh_signer_free(&s);
    if (fd >= 0) close(fd);
    return rc;
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { help(stdout); return 0; }
    struct sign_args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
    struct fwh_key keys[FW_SBV2_MAX_BLOCKS];
    const struct fwh_key *kp[FW_SBV2_MAX_BLOCKS];
    static struct detached det;
    size_t loaded = 0;
    while (loaded < a.nkeys) {
        rc = cmd_load_key(a.keys[loaded], &keys[loaded]);
        if (rc) break;
        kp[loaded] = &keys[loaded];
        loaded++;
        if (a.sig_in && (rc = attach_signature(&a, &keys[0], &det))) break;
        if (!kp[loaded - 1]->has_private && !a.digest_out) {
            rc = cli_err(EXIT_REJECT, "%s: public key; signing needs the private key", cmd_key_name(a.keys[loaded - 1]));
            break;
        }
        if (kp[loaded - 1]->type != kp[0]->type) {
            rc = cli_err(EXIT_REJECT, "%s: mixed signature schemes (%s and %s) in one sector are not allowed",
                         cmd_key_name(a.keys[loaded - 1]), fwh_key_type_name(kp[0]->type),
                         fwh_key_type_name(kp[loaded - 1]->type));
            break;
        }
    }
    if (!rc) rc = a.digest_out ? digest_only(&a, kp) : sign_file(&a, kp);
    for (size_t i = 0; i < loaded; i++) fwh_key_free(&keys[i]);
    OPENSSL_cleanse(&det, sizeof det);
    return rc;
}

const struct cli_cmd cmd_sign = {"sign", "Secure Boot V2 sign an image (up to 3 keys; --append, --resign)", run};
