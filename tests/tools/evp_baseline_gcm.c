/* Raw-EVP baseline for bench/20-encrypt.sh: the least work a sign+encrypt
 * pipeline must do, with no format code around it:
 *   read IN, pad with 0xFF to 4096, SHA-256 of the padded image,
 *   RSA-3072-PSS (SHA-256, MGF1-SHA256, salt 32) signature of that digest,
 *   AES-256-GCM (16-byte IV, no AAD) of padded image + a 4096-byte sector,
 *   write 512-byte header + ciphertext to OUT (no fsync: fwseal fsyncs only
 *   secret outputs, see cli/util/cli.h).
 * usage: evp_baseline_gcm SIGNKEY.pem IN OUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#define CHUNK (1u << 20)

static int die(const char *m)
{
    fprintf(stderr, "evp_baseline_gcm: %s\n", m);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) return die("usage: evp_baseline_gcm SIGNKEY.pem IN OUT");
    FILE *kf = fopen(argv[1], "r"), *in = fopen(argv[2], "rb"), *out = fopen(argv[3], "wb");
    if (!kf || !in || !out) return die("cannot open files");
    EVP_PKEY *key = PEM_read_PrivateKey(kf, NULL, NULL, NULL);
    fclose(kf);
    if (!key) return die("bad key");
    uint8_t *buf = malloc(CHUNK), *ct = malloc(CHUNK), hdr[512] = {0}, digest[32], sig[512], aes[32], iv[16];
    if (!buf || !ct) return die("oom");

    /* Pass 1: digest of the padded image (streamed, like fwseal sign). */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    size_t n, total = 0;
    while ((n = fread(buf, 1, CHUNK, in)) > 0) { EVP_DigestUpdate(md, buf, n); total += n; }
    size_t pad = (4096 - total % 4096) % 4096;
    memset(buf, 0xFF, pad);
    EVP_DigestUpdate(md, buf, pad);
    unsigned dl = 0;
    EVP_DigestFinal_ex(md, digest, &dl);
    EVP_MD_CTX_free(md);

    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(key, NULL);
    size_t sl = sizeof sig;
    if (!pc || EVP_PKEY_sign_init(pc) <= 0 || EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) <= 0 || EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32) <= 0 ||
        EVP_PKEY_sign(pc, sig, &sl, digest, sizeof digest) <= 0)
        return die("sign failed");
    EVP_PKEY_CTX_free(pc);

    /* Pass 2: GCM of image + padding + signature sector. */
    RAND_bytes(aes, sizeof aes);
    RAND_bytes(iv, sizeof iv);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL);
    EVP_EncryptInit_ex(c, NULL, NULL, aes, iv);
    fwrite(hdr, 1, sizeof hdr, out);
    rewind(in);
    int got;
    while ((n = fread(buf, 1, CHUNK, in)) > 0) {
        EVP_EncryptUpdate(c, ct, &got, buf, (int)n);
        fwrite(ct, 1, (size_t)got, out);
    }
    uint8_t tail[8192];
    memset(tail, 0xFF, sizeof tail);
    memcpy(tail + pad, sig, sl);
    EVP_EncryptUpdate(c, ct, &got, tail, (int)(pad + 4096));
    fwrite(ct, 1, (size_t)got, out);
    EVP_EncryptFinal_ex(c, ct, &got);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, hdr + 408);
    EVP_CIPHER_CTX_free(c);
    fseek(out, 0, SEEK_SET);
    fwrite(hdr, 1, sizeof hdr, out);
    fflush(out);
    fclose(out);
    fclose(in);
    EVP_PKEY_free(key);
    free(buf);
    free(ct);
    return 0;
}
