/* SPDX-License-Identifier: Apache-2.0 */
/* The least work a release and an encrypted-image check can do, in raw EVP
 * with no format code around it: the references of bench/20-encrypt.sh.
 *
 *   evp_onepass release SIGNKEY.pem DEVPUB.pem IN OUT
 *     ONE read of IN: each chunk goes to SHA-256 and to AES-256-GCM (16-byte
 *     IV, no AAD) and is written out; then 0xFF padding to 4096, one
 *     RSA-3072-PSS signature (SHA-256, MGF1-SHA256, salt 32) of the digest in a
 *     4096-byte sector, GCM of padding + sector, the AES key wrapped with
 *     RSAES-PKCS1-v1_5 for DEVPUB, and the 512-byte ESP encrypted image header
 *     (FORMATS §3) written at the start. No fsync (fwseal fsyncs only secret
 *     outputs). The output is a valid container: `fwseal verify --decrypt-key`
 *     accepts it except for the signature block's fields other than the
 *     signature (the bench checks it decrypts).
 *   evp_onepass release-rename SIGNKEY.pem DEVPUB.pem IN OUT
 *     the same, written the way a typical program replaces a file atomically:
 *     into OUT.tmp (open/write/close), then rename() over OUT. The reference
 *     for a release whose output already exists (bench/20-encrypt.sh).
 *   evp_onepass open DEVPRIV.pem SIGNPUB.pem IN
 *     one decryption + one SHA-256 pass: unwrap the key (RSA-3072), GCM-decrypt
 *     the container in a stream, SHA-256 of all but the last 4096 plaintext
 *     bytes, tag check, PSS verify of the signature at block 0 offset 812
 *     (little-endian, FORMATS §2). Exit 0 only if tag and signature verify.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#define CHUNK (256u * 1024u)
#define SECTOR 4096u
#define SIG_OFF 812u
#define SIG_LEN 384u

static int die(const char *m)
{
    fprintf(stderr, "evp_onepass: %s\n", m);
    return 1;
}

static EVP_PKEY *load(const char *path, int priv)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    EVP_PKEY *k = priv ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static int pss_ctx(EVP_PKEY_CTX *pc)
{
    return EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(pc, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32) > 0;
}

static int release(const char *skp, const char *dpp, const char *inp, const char *outp, int by_rename)
{
    EVP_PKEY *sk = load(skp, 1), *dp = load(dpp, 0);
    char tmpp[4096];
    if ((size_t)snprintf(tmpp, sizeof tmpp, "%s.tmp", outp) >= sizeof tmpp) return die("path too long");
    FILE *in = fopen(inp, "rb"), *out = fopen(by_rename ? tmpp : outp, "wb");
    if (!sk || !dp || !in || !out) return die("cannot open keys or files");
    static uint8_t buf[CHUNK], ct[CHUNK + SECTOR * 2], tail[SECTOR * 2];
    uint8_t hdr[512] = {0}, key[32], iv[16], digest[32], sig[512];
    if (RAND_bytes(key, 32) != 1 || RAND_bytes(iv, 16) != 1) return die("RAND failed");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int got = 0;
    if (!md || !c || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) != 1 || EVP_EncryptInit_ex(c, NULL, NULL, key, iv) != 1)
        return die("EVP init failed");
    if (fwrite(hdr, 1, sizeof hdr, out) != sizeof hdr) return die("write failed");
    uint64_t total = 0;
    size_t n;
    while ((n = fread(buf, 1, CHUNK, in)) > 0) { /* the one read */
        if (EVP_DigestUpdate(md, buf, n) != 1 || EVP_EncryptUpdate(c, ct, &got, buf, (int)n) != 1) return die("EVP failed");
        if (fwrite(ct, 1, (size_t)got, out) != (size_t)got) return die("write failed");
        total += n;
    }
    size_t pad = (size_t)((SECTOR - total % SECTOR) % SECTOR);
    memset(tail, 0xFF, sizeof tail);
    unsigned dl = 0;
    if (EVP_DigestUpdate(md, tail, pad) != 1 || EVP_DigestFinal_ex(md, digest, &dl) != 1) return die("SHA-256 failed");
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(sk, NULL);
    size_t sl = sizeof sig;
    if (!pc || EVP_PKEY_sign_init(pc) <= 0 || !pss_ctx(pc) || EVP_PKEY_sign(pc, sig, &sl, digest, 32) <= 0 || sl != SIG_LEN)
        return die("PSS sign failed");
    for (size_t i = 0; i < SIG_LEN; i++) tail[pad + SIG_OFF + i] = sig[SIG_LEN - 1 - i];
    if (EVP_EncryptUpdate(c, ct, &got, tail, (int)(pad + SECTOR)) != 1 ||
        fwrite(ct, 1, (size_t)got, out) != (size_t)got || EVP_EncryptFinal_ex(c, ct, &got) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, hdr + 408) != 1)
        return die("GCM failed");
    EVP_PKEY_CTX *wc = EVP_PKEY_CTX_new(dp, NULL);
    size_t wl = 384;
    if (!wc || EVP_PKEY_encrypt_init(wc) <= 0 || EVP_PKEY_CTX_set_rsa_padding(wc, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_encrypt(wc, hdr + 4, &wl, key, 32) <= 0 || wl != 384)
        return die("key wrap failed");
    le32(hdr, 0x0788B6CFu);
    memcpy(hdr + 388, iv, 16);
    le32(hdr + 404, (uint32_t)(total + pad + SECTOR));
    if (fseek(out, 0, SEEK_SET) != 0 || fwrite(hdr, 1, sizeof hdr, out) != sizeof hdr || fclose(out) != 0)
        return die("write failed");
    if (by_rename && rename(tmpp, outp) != 0) return die("rename failed");
    fclose(in);
    EVP_PKEY_CTX_free(pc);
    EVP_PKEY_CTX_free(wc);
    EVP_MD_CTX_free(md);
    EVP_CIPHER_CTX_free(c);
    EVP_PKEY_free(sk);
    EVP_PKEY_free(dp);
    return 0;
}

static int open_check(const char *dkp, const char *spp, const char *inp)
{
    EVP_PKEY *dk = load(dkp, 1), *sp = load(spp, 0);
    FILE *in = fopen(inp, "rb");
    if (!dk || !sp || !in) return die("cannot open keys or file");
    static uint8_t buf[CHUNK], pt[CHUNK], lag[SECTOR];
    uint8_t hdr[512], key[384], digest[32], sig[SIG_LEN];
    if (fread(hdr, 1, sizeof hdr, in) != sizeof hdr) return die("short header");
    EVP_PKEY_CTX *uc = EVP_PKEY_CTX_new(dk, NULL);
    size_t kl = sizeof key;
    if (!uc || EVP_PKEY_decrypt_init(uc) <= 0 || EVP_PKEY_CTX_set_rsa_padding(uc, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_decrypt(uc, key, &kl, hdr + 4, 384) <= 0 || kl != 32)
        return die("key unwrap failed");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!md || !c || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) != 1 ||
        EVP_DecryptInit_ex(c, NULL, NULL, key, hdr + 388) != 1)
        return die("EVP init failed");
    size_t n, lagn = 0;
    int got = 0;
    while ((n = fread(buf, 1, CHUNK, in)) > 0) {
        if (EVP_DecryptUpdate(c, pt, &got, buf, (int)n) != 1) return die("GCM failed");
        /* hash all but the last SECTOR bytes seen (the candidate sector) */
        size_t g = (size_t)got;
        if (lagn + g <= SECTOR) {
            memcpy(lag + lagn, pt, g);
            lagn += g;
            continue;
        }
        size_t excess = lagn + g - SECTOR, from_lag = excess < lagn ? excess : lagn, from_new = excess - from_lag;
        if (EVP_DigestUpdate(md, lag, from_lag) != 1 || EVP_DigestUpdate(md, pt, from_new) != 1) return die("SHA failed");
        memmove(lag, lag + from_lag, lagn - from_lag);
        lagn -= from_lag;
        memcpy(lag + lagn, pt + from_new, g - from_new);
        lagn += g - from_new;
    }
    unsigned dl = 0;
    if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, hdr + 408) != 1 || EVP_DecryptFinal_ex(c, pt, &got) != 1)
        return die("GCM tag does not verify");
    if (lagn != SECTOR || EVP_DigestFinal_ex(md, digest, &dl) != 1) return die("no signature sector");
    for (size_t i = 0; i < SIG_LEN; i++) sig[i] = lag[SIG_OFF + SIG_LEN - 1 - i];
    EVP_PKEY_CTX *vc = EVP_PKEY_CTX_new(sp, NULL);
    if (!vc || EVP_PKEY_verify_init(vc) <= 0 || !pss_ctx(vc) || EVP_PKEY_verify(vc, sig, SIG_LEN, digest, 32) != 1)
        return die("signature does not verify");
    fclose(in);
    EVP_PKEY_CTX_free(uc);
    EVP_PKEY_CTX_free(vc);
    EVP_MD_CTX_free(md);
    EVP_CIPHER_CTX_free(c);
    EVP_PKEY_free(dk);
    EVP_PKEY_free(sp);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "release")) return release(argv[2], argv[3], argv[4], argv[5], 0);
    if (argc == 6 && !strcmp(argv[1], "release-rename")) return release(argv[2], argv[3], argv[4], argv[5], 1);
    if (argc == 5 && !strcmp(argv[1], "open")) return open_check(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: evp_onepass release|release-rename SIGNKEY.pem DEVPUB.pem IN OUT\n"
                    "       evp_onepass open DEVPRIV.pem SIGNPUB.pem IN\n");
    return 2;
}
