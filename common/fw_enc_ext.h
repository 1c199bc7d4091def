/* SPDX-License-Identifier: Apache-2.0 */
/* Shared-body ECIES-P256 header, "FWSX" (docs/formats.md §9, an fwseal
 * extension of the ESP encrypted image header, FORMATS §3): the 288 bytes
 * that stock ECIES leaves zero carry the release's content key, wrapped with
 * AES-256-GCM under the stock ECIES-derived key (which thereby becomes a
 * key-encryption key). One body then serves many ECIES devices, each with its
 * own header. Crypto-free codec, no allocation; host and device share it. */
#ifndef FW_ENC_EXT_H
#define FW_ENC_EXT_H

#include <stdint.h>

#include "fw_enc_header.h"

#define FW_ENC_EXT_MAGIC          "FWSX"   /* bytes 46 57 53 58 at header offset 100 */
#define FW_ENC_EXT_MAGIC_LEN      4u
#define FW_ENC_EXT_VERSION        1u
#define FW_ENC_EXT_WRAP_IV_SIZE   16u
#define FW_ENC_EXT_WRAPPED_SIZE   FW_ENC_AES_KEY_SIZE
#define FW_ENC_EXT_WRAP_TAG_SIZE  16u

struct fw_enc_ext {
    uint8_t wrap_iv[FW_ENC_EXT_WRAP_IV_SIZE];
    uint8_t wrapped[FW_ENC_EXT_WRAPPED_SIZE];   /* AES-256-GCM(KEK, wrap_iv) of the content key */
    uint8_t wrap_tag[FW_ENC_EXT_WRAP_TAG_SIZE];
};

/* 1 if the header carries the extension magic at offset 100. */
int fw_enc_ext_present(const struct fw_enc_header *h);

/* Decode the extension: FW_ERR_NOT_FOUND (no magic: a stock header),
 * FW_ERR_UNSUPPORTED (another extension version), FW_ERR_FORMAT (a byte
 * that must be zero is not: 105..107, 172..387, or the 88 reserved bytes
 * 424..511), FW_ERR_INVALID_ARG (NULL). */
int fw_enc_ext_decode(const struct fw_enc_header *h, struct fw_enc_ext *x);

/* Write the extension into h's key area (bytes 100..387; the server point
 * and salt at 4..99 are left as they are). */
void fw_enc_ext_encode(struct fw_enc_header *h, const struct fw_enc_ext *x);

#endif
