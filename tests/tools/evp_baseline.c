/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal raw-EVP baseline for bench/10-sign.sh: what the host crypto of a
 * release step costs with nothing around it (no formats, no output file).
 *
 *   evp_baseline MODE KEY FILE
 *     sha256-pss   SHA-256 of FILE (64 KiB reads, as fwseal) + one RSA-3072 PSS (SHA-256,
 *                  MGF1-SHA-256, salt 32) signature of the digest with KEY
 *                  (PEM private key). Prints the digest and signature length.
 *     sha256-pss-verify  what checking a signed image needs at least: SHA-256 of
 *                  FILE but its last 4096 bytes (the signature sector) in one pass +
 *                  one RSA-3072 PSS verify, with KEY (PEM public key), of the
 *                  signature of block 0 (offset 812, little-endian, FORMATS §2).
 *                  Exit 0 only if it verifies.
 *
 * More modes are one line in the table below (e.g. an AES-256-GCM pass for
 * the encryptor bench); each mode is a function (key path, file path) -> exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#define CHUNK (1u << 16)

/* SHA-256 of a file read in CHUNK pieces. */
static int sha256_file(const char *path, unsigned char md[32])
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(CHUNK);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = f && buf && c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
    size_t n;
    while (ok && (n = fread(buf, 1, CHUNK, f)) > 0) ok = EVP_DigestUpdate(c, buf, n) == 1;
    unsigned int len = 0;
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(c, md, &len) == 1 && len == 32;
    EVP_MD_CTX_free(c);
    free(buf);
    if (f) fclose(f);
    return ok ? 0 : -1;
}

static EVP_PKEY *load_priv(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static int mode_sha256_pss(const char *key, const char *file)
{
    unsigned char md[32], sig[512];
    size_t siglen = sizeof sig;
    EVP_PKEY *k = load_priv(key);
    if (!k) { fprintf(stderr, "evp_baseline: %s: cannot load key\n", key); return 3; }
    if (sha256_file(file, md)) { fprintf(stderr, "evp_baseline: %s: cannot hash\n", file); EVP_PKEY_free(k); return 3; }
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) > 0 && EVP_PKEY_sign(c, sig, &siglen, md, sizeof md) > 0;
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(k);
    if (!ok) { fprintf(stderr, "evp_baseline: signing failed\n"); return 3; }
    for (size_t i = 0; i < sizeof md; i++) printf("%02x", md[i]);
    printf(" sig=%zu\n", siglen);
    return 0;
}

static int mode_sha256_pss_verify(const char *key, const char *file)
{
    unsigned char md[32], sig[384], sector[4096], *buf = malloc(CHUNK);
    FILE *kf = fopen(key, "r"), *f = fopen(file, "rb");
    EVP_PKEY *k = kf ? PEM_read_PUBKEY(kf, NULL, NULL, NULL) : NULL;
    if (kf) fclose(kf);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = k && f && buf && c && fseeko(f, 0, SEEK_END) == 0 && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
    off_t len = ok ? ftello(f) : 0, left = len - 4096;
    ok = ok && len >= 8192 && fseeko(f, 0, SEEK_SET) == 0;
    while (ok && left > 0) {
        size_t n = fread(buf, 1, left < CHUNK ? (size_t)left : CHUNK, f);
        ok = n > 0 && EVP_DigestUpdate(c, buf, n) == 1;
        left -= (off_t)n;
    }
    unsigned int dl = 0;
    ok = ok && fread(sector, 1, sizeof sector, f) == sizeof sector && EVP_DigestFinal_ex(c, md, &dl) == 1;
    for (size_t i = 0; i < sizeof sig; i++) sig[i] = sector[812 + sizeof sig - 1 - i];
    EVP_PKEY_CTX *pc = ok ? EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL) : NULL;
    ok = ok && pc && EVP_PKEY_verify_init(pc) > 0 && EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(pc, EVP_sha256()) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32) > 0 && EVP_PKEY_verify(pc, sig, sizeof sig, md, sizeof md) == 1;
    EVP_PKEY_CTX_free(pc);
    EVP_MD_CTX_free(c);
    EVP_PKEY_free(k);
    free(buf);
    if (f) fclose(f);
    if (!ok) { fprintf(stderr, "evp_baseline: %s does not verify\n", file); return 1; }
    printf("verified\n");
    return 0;
}

static const struct { const char *name; int (*run)(const char *key, const char *file); } modes[] = {
    {"sha256-pss", mode_sha256_pss},
    {"sha256-pss-verify", mode_sha256_pss_verify},
};

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: evp_baseline MODE KEY FILE (modes:");
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) fprintf(stderr, " %s", modes[i].name);
        fprintf(stderr, ")\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(argv[1], modes[i].name)) return modes[i].run(argv[2], argv[3]);
    fprintf(stderr, "evp_baseline: unknown mode %s\n", argv[1]);
    return 2;
}
