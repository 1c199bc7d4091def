/* SPDX-License-Identifier: Apache-2.0 */
/* Flash encryption as espsecure computes it (FORMATS §4.2-§4.5), host side.
 *
 * XTS scheme (ESP32-S2/S3/C2/C3/C6/H2/...): 128-byte data units on the
 * absolute flash address, tweak LE32(unit address) || 12 zero bytes, whole
 * unit byte-reversed before and after IEEE 1619 XTS-AES. Key file: 16 bytes
 * (-> SHA-256, XTS-AES-128), 32 bytes (XTS-AES-128, K1 = 0..15, K2 = 16..31)
 * or 64 bytes (XTS-AES-256, K1 = 0..31, K2 = 32..63).
 *
 * Legacy ESP32 scheme: per 32-byte row a key K xor tweak(row address,
 * FLASH_CRYPT_CONFIG), each 16-byte block C = rev(AES-256-Dec(K_r, rev(P)));
 * key file 32 bytes (or 24 with 3/4 coding, extended as key || key[8..15]).
 *
 * Any 16-byte-aligned address and length multiple of 16 is exact: partial
 * units at either end are zero-padded to whole units and the padding
 * discarded (it does not influence the other blocks). Memory: one context
 * (< 1 KiB plus OpenSSL contexts), no allocation per call, ~9 KiB of stack
 * per call (the scratch of one XTS batch).
 *
 * Speed: XTS runs as the per-block rule of FORMATS §4.3 over batches of
 * units, X = AES-Enc(K2, T) * alpha^m, C = rev(AES(K1, rev(P) ^ X) ^ X),
 * with the tweaks of a batch in one AES-ECB call and the data in another,
 * and 8-byte-word reversal (no cipher re-init per 128-byte unit). The key is
 * still checked by OpenSSL's own XTS at init (identical halves refused). */
#ifndef FWH_FLASHENC_H
#define FWH_FLASHENC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

enum fwh_flashenc_scheme {
    FWH_FLASHENC_XTS = 1,
    FWH_FLASHENC_ESP32 = 2,
};

struct fwh_flashenc {
    int scheme;
    int encrypt;                  /* 1 encrypt, 0 decrypt */
    EVP_CIPHER_CTX *ctx;          /* XTS: AES-ECB with K1 (this direction); ESP32: AES-256-ECB */
    EVP_CIPHER_CTX *tweak;        /* XTS: AES-ECB encryption with K2 (the tweak key) */
    /* ESP32 scheme */
    uint8_t key[32];
    uint8_t bitmask[24][32];      /* key bits flipped by flash-address bit b */
    uint32_t row;                 /* row whose key is loaded, or UINT32_MAX */
    uint8_t rowkey[32];           /* K_row: the next row's key is this ^ the masks of the changed bits */
};

/* FW_ERR_KEY for a key length the scheme does not take (why says which),
 * FW_ERR_RANGE for a crypt_conf above 0xF. */
int fwh_flashenc_init(struct fwh_flashenc *f, int scheme, const uint8_t *key, size_t keylen,
                      unsigned crypt_conf, int encrypt, char *why, size_t whylen);
void fwh_flashenc_free(struct fwh_flashenc *f);

/* Process len bytes at flash address addr (in and out may be the same
 * buffer, or must not overlap). FW_ERR_ALIGN unless addr and len are multiples of 16,
 * FW_ERR_RANGE if addr + len exceeds the 32-bit address space. */
int fwh_flashenc_process(struct fwh_flashenc *f, uint64_t addr, const uint8_t *in, size_t len, uint8_t *out);

/* Stream in -> out starting at addr with bounded memory. */
int fwh_flashenc_file(struct fwh_flashenc *f, uint64_t addr, FILE *in, FILE *out, char *why, size_t whylen);

#endif
