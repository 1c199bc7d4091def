#include "encryptor/fwh_flashenc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_why.h"

#define UNIT 128u
#define CHUNK (64u * 1024u)


/* espsecure _FLASH_ENCRYPTION_TWEAK_PATTERN: group g is three runs of address
 * bits 23..5 then one run (14 - 2g)..5; FLASH_CRYPT_CONFIG bit g enables it. */
static void esp32_build_masks(struct fwh_flashenc *f, unsigned conf)
{
    unsigned j = 0;
    memset(f->bitmask, 0, sizeof f->bitmask);
    for (unsigned g = 0; g < 4; g++) {
        for (unsigned run = 0; run < 4; run++) {
            unsigned top = run < 3 ? 23 : 14 - 2 * g;
            for (unsigned b = top + 1; b-- > 5;) {
                if (conf & (1u << g)) f->bitmask[b][j / 8] |= (uint8_t)(1u << (7 - j % 8));
                j++;
            }
        }
    }
}

static int esp32_init(struct fwh_flashenc *f, const uint8_t *key, size_t keylen, unsigned conf, char *why,
                      size_t whylen)
{
    if (keylen == 32) {
        memcpy(f->key, key, 32);
    } else if (keylen == 24) { /* 3/4 coding scheme: key || key[8..15] */
        memcpy(f->key, key, 24);
        memcpy(f->key + 24, key + 8, 8);
    } else {
        return fwh_why(FW_ERR_KEY, why, whylen, "%zu-byte key: the ESP32 scheme takes 32 bytes (or 24 with 3/4 coding)",
                   keylen);
    }
    esp32_build_masks(f, conf);
    f->row = UINT32_MAX;
    f->ctx = EVP_CIPHER_CTX_new();
    return f->ctx ? FW_OK : FW_ERR_CRYPTO;
}

static int xts_init(struct fwh_flashenc *f, const uint8_t *key, size_t keylen, char *why, size_t whylen)
{
    uint8_t k[64];
    const EVP_CIPHER *c;
    if (keylen == 16) { /* ESP32-C2 128-bit key: expanded as SHA-256(key) */
        unsigned int n = 0;
        if (!EVP_Digest(key, 16, k, &n, EVP_sha256(), NULL)) return FW_ERR_CRYPTO;
        c = EVP_aes_128_xts();
    } else if (keylen == 32 || keylen == 64) {
        memcpy(k, key, keylen);
        c = keylen == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts();
    } else {
        return fwh_why(FW_ERR_KEY, why, whylen,
                   "%zu-byte key: XTS flash encryption takes 32 bytes (XTS-AES-128), 64 (XTS-AES-256) or 16 (C2, SHA-256 expanded)",
                   keylen);
    }
    int rc = FW_OK;
    f->ctx = EVP_CIPHER_CTX_new();
    if (!f->ctx || EVP_CipherInit_ex(f->ctx, c, NULL, k, NULL, f->encrypt) <= 0)
        rc = fwh_why(FW_ERR_KEY, why, whylen, "key refused by XTS-AES (are both key halves identical?)");
    OPENSSL_cleanse(k, sizeof k);
    ERR_clear_error();
    return rc;
}

int fwh_flashenc_init(struct fwh_flashenc *f, int scheme, const uint8_t *key, size_t keylen, unsigned crypt_conf,
                      int encrypt, char *why, size_t whylen)
{
    memset(f, 0, sizeof *f);
    f->scheme = scheme;
    f->encrypt = encrypt ? 1 : 0;
    if (crypt_conf > 0xF) return fwh_why(FW_ERR_RANGE, why, whylen, "FLASH_CRYPT_CONFIG 0x%X out of range (0..0xF)", crypt_conf);
    int rc;
    if (scheme == FWH_FLASHENC_XTS) rc = xts_init(f, key, keylen, why, whylen);
    else if (scheme == FWH_FLASHENC_ESP32) rc = esp32_init(f, key, keylen, crypt_conf, why, whylen);
    else rc = fwh_why(FW_ERR_INVALID_ARG, why, whylen, "unknown flash encryption scheme");
    if (rc != FW_OK) fwh_flashenc_free(f);
    return rc;
}

void fwh_flashenc_free(struct fwh_flashenc *f)
{
    EVP_CIPHER_CTX_free(f->ctx);
    OPENSSL_cleanse(f, sizeof *f);
}

/* One whole 128-byte unit at address u, in place. */
static int xts_unit(struct fwh_flashenc *f, uint32_t u, uint8_t unit[UNIT])
{
    uint8_t tweak[16] = {0}, rev[UNIT];
    int got = 0;
    fw_enc32le(tweak, u);
    fw_reverse_copy(rev, unit, UNIT);
    if (EVP_CipherInit_ex(f->ctx, NULL, NULL, NULL, tweak, -1) <= 0 ||
        EVP_CipherUpdate(f->ctx, rev, &got, rev, UNIT) <= 0 || got != (int)UNIT)
        return FW_ERR_CRYPTO;
    fw_reverse_copy(unit, rev, UNIT);
    return FW_OK;
}

static int xts_process(struct fwh_flashenc *f, uint32_t addr, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t unit[UNIT];
    while (len) {
        uint32_t u = addr & ~(UNIT - 1), off = addr - u;
        size_t n = UNIT - off < len ? UNIT - off : len;
        memset(unit, 0, sizeof unit); /* padding of a partial unit, discarded */
        memcpy(unit + off, in, n);
        int rc = xts_unit(f, u, unit);
        if (rc != FW_OK) return rc;
        memcpy(out, unit + off, n);
        addr += (uint32_t)n; in += n; out += n; len -= n;
    }
    OPENSSL_cleanse(unit, sizeof unit);
    return FW_OK;
}

/* Load K_r for the 32-byte row r (address bits 5..23 select the masks). */
static int esp32_row_key(struct fwh_flashenc *f, uint32_t r)
{
    uint8_t k[32];
    memcpy(k, f->key, 32);
    for (unsigned b = 5; b < 24; b++)
        if (r & (1u << b))
            for (unsigned i = 0; i < 32; i++) k[i] ^= f->bitmask[b][i];
    /* The "encrypt" direction is the AES decryption primitive (§4.5). */
    int ok;
    if (f->row == UINT32_MAX) /* first row: set the cipher up once */
        ok = EVP_CipherInit_ex(f->ctx, EVP_aes_256_ecb(), NULL, k, NULL, !f->encrypt) > 0 &&
             EVP_CIPHER_CTX_set_padding(f->ctx, 0) > 0;
    else /* later rows: new key only */
        ok = EVP_CipherInit_ex(f->ctx, NULL, NULL, k, NULL, -1) > 0;
    OPENSSL_cleanse(k, sizeof k);
    f->row = r;
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

static int esp32_process(struct fwh_flashenc *f, uint32_t addr, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t blk[16];
    for (size_t pos = 0; pos < len; pos += 16, addr += 16) {
        uint32_t r = addr & ~31u;
        int got = 0;
        if (r != f->row && esp32_row_key(f, r) != FW_OK) return FW_ERR_CRYPTO;
        fw_reverse_copy(blk, in + pos, 16);
        if (EVP_CipherUpdate(f->ctx, blk, &got, blk, 16) <= 0 || got != 16) return FW_ERR_CRYPTO;
        fw_reverse_copy(out + pos, blk, 16);
    }
    OPENSSL_cleanse(blk, sizeof blk);
    return FW_OK;
}

int fwh_flashenc_process(struct fwh_flashenc *f, uint64_t addr, const uint8_t *in, size_t len, uint8_t *out)
{
    if (!f || !f->ctx || (len && (!in || !out))) return FW_ERR_INVALID_ARG;
    if (addr % 16 || len % 16) return FW_ERR_ALIGN;
    if (addr > UINT32_MAX || len > UINT32_MAX - addr + 1) return FW_ERR_RANGE;
    if (f->scheme == FWH_FLASHENC_XTS) return xts_process(f, (uint32_t)addr, in, len, out);
    return esp32_process(f, (uint32_t)addr, in, len, out);
}

static size_t read_full(FILE *in, uint8_t *buf, size_t cap)
{
    size_t got = 0, n;
    while (got < cap && (n = fread(buf + got, 1, cap - got, in)) > 0) got += n;
    return got;
}

int fwh_flashenc_file(struct fwh_flashenc *f, uint64_t addr, FILE *in, FILE *out, char *why, size_t whylen)
{
    if (addr % 16) return fwh_why(FW_ERR_ALIGN, why, whylen, "address 0x%llx is not a multiple of 16", (unsigned long long)addr);
    uint8_t *buf = malloc(CHUNK);
    if (!buf) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    int rc = FW_OK;
    uint64_t pos = addr;
    for (;;) {
        size_t n = read_full(in, buf, CHUNK);
        if (ferror(in)) { rc = fwh_why(FW_ERR_IO, why, whylen, "read failed"); break; }
        if (n == 0) break;
        rc = fwh_flashenc_process(f, pos, buf, n, buf);
        if (rc == FW_ERR_ALIGN) {
            rc = fwh_why(rc, why, whylen, "length %llu is not a multiple of 16 (flash encryption works on 16-byte blocks)",
                     (unsigned long long)(pos - addr + n));
            break;
        }
        if (rc == FW_ERR_RANGE) { rc = fwh_why(rc, why, whylen, "data runs past the 4 GiB flash address space"); break; }
        if (rc != FW_OK) { rc = fwh_why(rc, why, whylen, "AES failed (OpenSSL)"); break; }
        if (fwrite(buf, 1, n, out) != n) { rc = fwh_why(FW_ERR_IO, why, whylen, "write failed"); break; }
        pos += n;
        if (n < CHUNK) break;
    }
    OPENSSL_cleanse(buf, CHUNK);
    free(buf);
    return rc;
}
