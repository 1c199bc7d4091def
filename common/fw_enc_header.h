/* SPDX-License-Identifier: Apache-2.0 */
/* "ESP encrypted image" container header codec (FORMATS §3.1-§3.3, §3.8).
 * Crypto-free and allocation-free: shared by the host encryptor and the
 * device OTA decryptor.
 *
 * Container: [512-byte header][bin_size bytes of AES-256-GCM ciphertext],
 * nothing after. Header layout (all offsets absolute):
 *
 *   0   4   magic      bytes CF B6 88 07 (LE32 0x0788B6CF)
 *   4   384 key area   RSA-3072:   PKCS#1 v1.5 wrapped AES key (big-endian)
 *                      ECIES-P256: server point X||Y (64, BE) | HKDF salt (32)
 *                                  | 288 zero bytes
 *   388 16  iv         GCM IV, all 16 bytes used
 *   404 4   bin_size   LE32 plaintext (= ciphertext) length
 *   408 16  tag        GCM tag
 *   424 88  reserved   zero from the tool, ignored by the reference device
 *
 * The scheme is NOT recorded in the header: the caller knows which scheme it
 * expects (a device is built for one). fw_enc_looks_like_ecies() is only a
 * display heuristic.
 *
 * Memory: struct fw_enc_header is 508 bytes; struct fw_enc_hdr_acc 520 bytes.
 */
#ifndef FW_ENC_HEADER_H
#define FW_ENC_HEADER_H

#include <stddef.h>
#include <stdint.h>

#define FW_ENC_MAGIC            0x0788B6CFu
#define FW_ENC_HEADER_SIZE      512u

#define FW_ENC_OFF_MAGIC        0u
#define FW_ENC_OFF_KEY_AREA     4u
#define FW_ENC_KEY_AREA_SIZE    384u
#define FW_ENC_OFF_IV           388u
#define FW_ENC_IV_SIZE          16u
#define FW_ENC_OFF_BIN_SIZE     404u
#define FW_ENC_OFF_TAG          408u
#define FW_ENC_TAG_SIZE         16u
#define FW_ENC_OFF_RESERVED     424u
#define FW_ENC_RESERVED_SIZE    88u

/* RSA-3072 key area */
#define FW_ENC_RSA_WRAPPED_SIZE 384u
#define FW_ENC_RSA_BITS         3072u
/* ECIES-P256 key area, offsets absolute in the header */
#define FW_ENC_OFF_SERVER_PUB   4u
#define FW_ENC_SERVER_PUB_SIZE  64u
#define FW_ENC_OFF_KDF_SALT     68u
#define FW_ENC_KDF_SALT_SIZE    32u
#define FW_ENC_OFF_ECIES_ZERO   100u
#define FW_ENC_ECIES_ZERO_SIZE  288u

/* Length of the AES-256-GCM key both schemes establish. */
#define FW_ENC_AES_KEY_SIZE     32u

/* ECIES-P256 key derivation (§3.4): device scalar d = PBKDF2-HMAC-SHA256(
 * eFuse HMAC key, fw_enc_ecies_fixed_salt, 2048 iterations, 32 bytes),
 * AES key = HKDF-SHA256(salt = kdf_salt, ikm = ECDH X, info, 32 bytes). */
#define FW_ENC_ECIES_HMAC_KEY_SIZE 32u
#define FW_ENC_ECIES_PBKDF2_ITER 2048u
#define FW_ENC_ECIES_SCALAR_SIZE 32u
#define FW_ENC_ECIES_HKDF_INFO "_esp_enc_img_ecc"   /* 16 bytes, no NUL */
#define FW_ENC_ECIES_HKDF_INFO_LEN 16u
extern const uint8_t fw_enc_ecies_fixed_salt[32];

enum fw_enc_scheme {
    FW_ENC_SCHEME_RSA3072 = 1,
    FW_ENC_SCHEME_ECIES_P256 = 2,
};

struct fw_enc_header {
    uint8_t key_area[FW_ENC_KEY_AREA_SIZE]; /* header bytes 4..387, raw */
    uint8_t iv[FW_ENC_IV_SIZE];
    uint32_t bin_size;
    uint8_t tag[FW_ENC_TAG_SIZE];
    uint8_t reserved[FW_ENC_RESERVED_SIZE]; /* raw, for the strict check */
};

/* ECIES views into the key area. */
static inline const uint8_t *fw_enc_server_pub(const struct fw_enc_header *h)
{
    return h->key_area + (FW_ENC_OFF_SERVER_PUB - FW_ENC_OFF_KEY_AREA);
}
static inline const uint8_t *fw_enc_kdf_salt(const struct fw_enc_header *h)
{
    return h->key_area + (FW_ENC_OFF_KDF_SALT - FW_ENC_OFF_KEY_AREA);
}

/* "rsa3072" / "ecies-p256" / "unknown". */
const char *fw_enc_scheme_name(int scheme);

/* FW_OK if the first min(len, 4) bytes agree with the magic and len >= 4;
 * FW_ERR_MAGIC on the first differing byte; FW_ERR_TRUNCATED if len < 4 and
 * the bytes present agree. Lets a stream reject before reading 512 bytes. */
int fw_enc_check_magic(const uint8_t *buf, size_t len);

/* Decode buf[0..len) into *h. Errors: FW_ERR_INVALID_ARG (NULL),
 * FW_ERR_MAGIC (checked first, even on a short buffer), FW_ERR_TRUNCATED
 * (len < 512). Extra bytes after 512 are ignored (the body). No range check
 * of bin_size here: see fw_enc_header_check_size(). */
int fw_enc_header_decode(const uint8_t *buf, size_t len, struct fw_enc_header *h);

/* Encode *h into out[512] (magic + fields, reserved bytes as stored in h). */
void fw_enc_header_encode(const struct fw_enc_header *h, uint8_t out[FW_ENC_HEADER_SIZE]);

/* Fill *h for encoding: every other byte zero, tag zero (written later). */
void fw_enc_header_init_rsa(struct fw_enc_header *h, const uint8_t wrapped[FW_ENC_RSA_WRAPPED_SIZE],
                            const uint8_t iv[FW_ENC_IV_SIZE], uint32_t bin_size);
void fw_enc_header_init_ecies(struct fw_enc_header *h, const uint8_t server_pub[FW_ENC_SERVER_PUB_SIZE],
                              const uint8_t kdf_salt[FW_ENC_KDF_SALT_SIZE],
                              const uint8_t iv[FW_ENC_IV_SIZE], uint32_t bin_size);

/* §3.8 rule 3: min_size <= bin_size <= max_size, else FW_ERR_RANGE.
 * A device passes min_size 1 (or the minimum signed image size) and the
 * partition size; the host decryptor accepts 0 (Espressif's tool emits
 * empty containers, see vectors pre_encrypted/ * /empty_0.enc.bin). */
int fw_enc_header_check_size(const struct fw_enc_header *h, uint32_t min_size, uint32_t max_size);

/* §3.8 rule 2: a container of total_len bytes must be exactly 512 + bin_size.
 * FW_ERR_TRUNCATED if shorter, FW_ERR_FORMAT if there are trailing bytes. */
int fw_enc_check_total_len(const struct fw_enc_header *h, uint64_t total_len);

/* §3.8 rule 6 ("strict"): the 88 trailing reserved bytes are zero and, for
 * ECIES, the 288 bytes after the salt too. FW_ERR_FORMAT otherwise;
 * FW_ERR_INVALID_ARG for an unknown scheme. */
int fw_enc_header_check_strict(const struct fw_enc_header *h, int scheme);

/* Display heuristic: header bytes 100..387 all zero (ECIES padding). An RSA
 * ciphertext with 288 zero bytes is practically impossible. 1 or 0. */
int fw_enc_looks_like_ecies(const struct fw_enc_header *h);

/* Incremental header accumulator for streams split at any byte. */
struct fw_enc_hdr_acc {
    uint8_t buf[FW_ENC_HEADER_SIZE];
    size_t have;
};
void fw_enc_hdr_acc_init(struct fw_enc_hdr_acc *a);
/* Consume up to len bytes (sets *used). Returns 0 while more header bytes are
 * needed, 1 once the full header was decoded into *h (the rest of the input,
 * from data + *used, is body), FW_ERR_MAGIC as soon as a magic byte differs. */
int fw_enc_hdr_acc_feed(struct fw_enc_hdr_acc *a, const uint8_t *data, size_t len, size_t *used,
                        struct fw_enc_header *h);

#endif
