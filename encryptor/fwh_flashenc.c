/* SPDX-License-Identifier: Apache-2.0 */
#include "encryptor/fwh_flashenc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "fw_flashenc.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_why.h"

#define UNIT FW_FE_UNIT_LEN   /* common/fw_flashenc.h */
#define CHUNK (256u * 1024u) /* 4x fewer read/write calls than 64 KiB; still in L2 for the in-place XTS */


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

static EVP_CIPHER_CTX *ecb_new(const EVP_CIPHER *c, const uint8_t *key, int enc)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (x && EVP_CipherInit_ex(x, c, NULL, key, NULL, enc) > 0 && EVP_CIPHER_CTX_set_padding(x, 0) > 0) return x;
    EVP_CIPHER_CTX_free(x);
    return NULL;
}

/* The key is checked by OpenSSL's XTS (it refuses identical halves), then
 * the two halves are loaded into plain AES-ECB contexts for the batched
 * per-block rule (K1 in this direction, K2 always encrypting the tweak). */
static int xts_init(struct fwh_flashenc *f, const uint8_t *key, size_t keylen, char *why, size_t whylen)
{
    uint8_t k[64];
    const EVP_CIPHER *c;
    if (keylen == 16) { /* ESP32-C2 128-bit key: expanded as SHA-256(key) */
        unsigned int n = 0;
        if (!EVP_Digest(key, 16, k, &n, EVP_sha256(), NULL)) return FW_ERR_CRYPTO;
        keylen = 32;
    } else if (keylen == 32 || keylen == 64) {
        memcpy(k, key, keylen);
    } else {
        return fwh_why(FW_ERR_KEY, why, whylen,
                   "%zu-byte key: XTS flash encryption takes 32 bytes (XTS-AES-128), 64 (XTS-AES-256) or 16 (C2, SHA-256 expanded)",
                   keylen);
    }
    c = keylen == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts();
    const EVP_CIPHER *ecb = keylen == 32 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
    int rc = FW_OK;
    EVP_CIPHER_CTX *check = EVP_CIPHER_CTX_new();
    if (!check || EVP_CipherInit_ex(check, c, NULL, k, NULL, f->encrypt) <= 0)
        rc = fwh_why(FW_ERR_KEY, why, whylen, "key refused by XTS-AES (are both key halves identical?)");
    EVP_CIPHER_CTX_free(check);
    if (rc == FW_OK) {
        f->ctx = ecb_new(ecb, k, f->encrypt);
        f->tweak = ecb_new(ecb, k + keylen / 2, 1);
        if (!f->ctx || !f->tweak) rc = FW_ERR_CRYPTO;
    }
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
    EVP_CIPHER_CTX_free(f->tweak);
    OPENSSL_cleanse(f, sizeof *f);
}

/* Reversing bytes through native 8-byte loads and stores: a word loaded from
 * memory, byte-swapped and stored holds its 8 bytes in reverse order on any
 * host endianness (the shift/mask pattern compiles to one bswap). */
static uint64_t swap64(uint64_t w)
{
    w = (w >> 32) | (w << 32);
    w = ((w & 0xFFFF0000FFFF0000ull) >> 16) | ((w & 0x0000FFFF0000FFFFull) << 16);
    return ((w & 0xFF00FF00FF00FF00ull) >> 8) | ((w & 0x00FF00FF00FF00FFull) << 8);
}
static uint64_t ld64(const uint8_t *p) { uint64_t w; memcpy(&w, p, 8); return w; }
/* A native word <-> the value of 8 little-endian bytes (free on LE hosts). */
static uint64_t le64(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return w;
#else
    uint8_t b[8];
    memcpy(b, &w, 8);
    return fw_dec64le(b);
#endif
}
static void st64(uint8_t *p, uint64_t w) { memcpy(p, &w, 8); }

static int ecb_run(EVP_CIPHER_CTX *c, uint8_t *buf, size_t n)
{
    int got = 0;
    return EVP_CipherUpdate(c, buf, &got, buf, (int)n) > 0 && got == (int)n ? FW_OK : FW_ERR_CRYPTO;
}

#define BATCH 64u /* XTS units per AES-ECB call: 8 KiB of data, 1 KiB of tweaks */

struct xts_scratch {
    uint8_t t[BATCH * 16];    /* AES-Enc(K2, LE32(unit address) || 0^96) per unit */
    uint8_t x[BATCH * UNIT];  /* X of every 16-byte block of the batch */
    uint8_t unit[UNIT];       /* a partial unit, zero padded */
};

/* Whole units at unit address u: out = rev(AES(K1, rev(in) ^ X) ^ X) block
 * by block (in == out allowed), X = T * alpha^(7 - j) for block j of a unit
 * (flash order): block j is block 7 - j of the reversed unit XTS sees. T of
 * every unit of the batch comes from one AES-ECB call with K2; the first pass
 * computes each X as it goes (IEEE 1619 little-endian GF(2^128), 0x87) and
 * keeps it for the pass after the one AES-ECB call with K1. */
static int xts_units(struct fwh_flashenc *f, uint32_t u, const uint8_t *in, uint8_t *out, size_t units,
                     struct xts_scratch *s)
{
    size_t n = units * UNIT;
    memset(s->t, 0, units * 16);
    for (size_t i = 0; i < units; i++) fw_enc32le(s->t + 16 * i, u + (uint32_t)(UNIT * i));
    if (ecb_run(f->tweak, s->t, units * 16) != FW_OK) return FW_ERR_CRYPTO;
    for (size_t i = 0; i < units; i++) {
        uint64_t lo = le64(ld64(s->t + 16 * i)), hi = le64(ld64(s->t + 16 * i + 8));
        for (size_t b = UNIT * i + UNIT - 16;; b -= 16) {
            uint64_t x0 = le64(lo), x1 = le64(hi), w0 = ld64(in + b), w1 = ld64(in + b + 8);
            st64(s->x + b, x0);
            st64(s->x + b + 8, x1);
            st64(out + b, swap64(w1) ^ x0);
            st64(out + b + 8, swap64(w0) ^ x1);
            if (b == UNIT * i) break;
            uint64_t carry = hi >> 63;
            hi = (hi << 1) | (lo >> 63);
            lo = (lo << 1) ^ (0x87u & (0 - carry));
        }
    }
    if (ecb_run(f->ctx, out, n) != FW_OK) return FW_ERR_CRYPTO;
    for (size_t b = 0; b < n; b += 16) {
        uint64_t w0 = ld64(out + b) ^ ld64(s->x + b), w1 = ld64(out + b + 8) ^ ld64(s->x + b + 8);
        st64(out + b, swap64(w1));
        st64(out + b + 8, swap64(w0));
    }
    return FW_OK;
}

static int xts_process(struct fwh_flashenc *f, uint32_t addr, const uint8_t *in, size_t len, uint8_t *out)
{
    struct xts_scratch s;
    int rc = FW_OK;
    while (len && rc == FW_OK) {
        uint32_t u = addr & ~(UNIT - 1), off = addr - u;
        size_t n;
        if (off == 0 && len >= UNIT) { /* the bulk: whole units, a batch at a time */
            size_t units = len / UNIT < BATCH ? len / UNIT : BATCH;
            n = units * UNIT;
            rc = xts_units(f, u, in, out, units, &s);
        } else { /* a partial unit at either end: zero padding, discarded */
            n = UNIT - off < len ? UNIT - off : len;
            memset(s.unit, 0, sizeof s.unit);
            memcpy(s.unit + off, in, n);
            rc = xts_units(f, u, s.unit, s.unit, 1, &s);
            memcpy(out, s.unit + off, n);
        }
        addr += (uint32_t)n; in += n; out += n; len -= n;
    }
    OPENSSL_cleanse(&s, sizeof s);
    return rc;
}

/* Load K_r for the 32-byte row r (address bits 5..23 select the masks). K_r
 * is K_prev ^ the masks of the bits in which r differs from the previous row
 * (usually one or two for consecutive rows), K_0 = the key. */
static int esp32_row_key(struct fwh_flashenc *f, uint32_t r)
{
    int first = f->row == UINT32_MAX;
    uint32_t diff = (first ? r : r ^ f->row) & 0x00FFFFE0u;
    if (first) memcpy(f->rowkey, f->key, 32);
    for (unsigned b = 5; diff >> b; b++)
        if (diff & (1u << b))
            for (unsigned i = 0; i < 32; i += 8) st64(f->rowkey + i, ld64(f->rowkey + i) ^ ld64(f->bitmask[b] + i));
    /* The "encrypt" direction is the AES decryption primitive (§4.5). */
    int ok;
    if (first) /* first row: set the cipher up once */
        ok = EVP_CipherInit_ex(f->ctx, EVP_aes_256_ecb(), NULL, f->rowkey, NULL, !f->encrypt) > 0 &&
             EVP_CIPHER_CTX_set_padding(f->ctx, 0) > 0;
    else /* later rows: new key only */
        ok = EVP_CipherInit_ex(f->ctx, NULL, NULL, f->rowkey, NULL, -1) > 0;
    f->row = r;
    return ok ? FW_OK : FW_ERR_CRYPTO;
}

/* Each 16-byte block reversed on its own, word-wise (in == out allowed). */
static void esp32_rev_blocks(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t b = 0; b < n; b += 16) {
        uint64_t w0 = ld64(src + b), w1 = ld64(src + b + 8);
        st64(dst + b, swap64(w1));
        st64(dst + b + 8, swap64(w0));
    }
}

/* One AES call per 32-byte row (both of its blocks share K_r). */
static int esp32_process(struct fwh_flashenc *f, uint32_t addr, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t blk[32];
    int rc = FW_OK;
    for (size_t pos = 0, n; pos < len && rc == FW_OK; pos += n, addr += (uint32_t)n) {
        uint32_t r = addr & ~31u;
        n = 32 - (addr - r) < len - pos ? 32 - (addr - r) : len - pos;
        if (r != f->row && (rc = esp32_row_key(f, r)) != FW_OK) break;
        esp32_rev_blocks(blk, in + pos, n);
        if ((rc = ecb_run(f->ctx, blk, n)) == FW_OK) esp32_rev_blocks(out + pos, blk, n);
    }
    OPENSSL_cleanse(blk, sizeof blk);
    return rc;
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
