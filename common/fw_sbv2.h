/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signature sector and blocks (FORMATS §2): crypto-free codec
 * shared by host and device. No allocation, no I/O; every function works on
 * caller-provided buffers (a block is 1216 bytes, a sector 4096 bytes).
 *
 * Big numbers (RSA n, rinv, signature; ECDSA X, Y, r, s) are kept exactly as
 * stored in the block: LITTLE-endian byte strings. Use fw_sbv2_le_to_be()
 * before handing them to a library that wants big-endian (OpenSSL BN_bin2bn,
 * DER), or mbedtls_mpi_read_binary_le() on the device.
 *
 * Typical device use (memory: one 4096-byte sector buffer + a 1.5 KiB
 * struct fw_sbv2_block if decoding, or none when working on raw offsets):
 *   S = fw_sbv2_sector_offset(E)               where the sector sits (§2.1)
 *   sha256(image[0..S)) -> digest
 *   fw_sbv2_sector_scan(sector, &scan)           valid leading blocks (§2.2/§2.7)
 *   for each valid block i:
 *       fw_sbv2_key_region(blk, &off, &len)       sha256(blk+off, len) == eFuse digest?
 *       fw_sbv2_block_decode(blk, &b)             n/e/sig or X/Y/r/s for the crypto
 */
#ifndef FW_SBV2_H
#define FW_SBV2_H

#include <stddef.h>
#include <stdint.h>

#define FW_SBV2_SECTOR_SIZE 4096u
#define FW_SBV2_BLOCK_SIZE  1216u
#define FW_SBV2_MAX_BLOCKS  3u
#define FW_SBV2_MAGIC       0xE7u
#define FW_SBV2_VERSION_RSA   0x02u
#define FW_SBV2_VERSION_ECDSA 0x03u
#define FW_SBV2_CURVE_P192  1u
#define FW_SBV2_CURVE_P256  2u
#define FW_SBV2_CURVE_P384  3u
#define FW_SBV2_SHA_VERSION_SHA256 0u
#define FW_SBV2_SHA_VERSION_SHA384 1u

/* Offsets inside a block (§2.3, §2.4, §2.5). */
#define FW_SBV2_OFF_MAGIC    0u
#define FW_SBV2_OFF_VERSION  1u
#define FW_SBV2_OFF_SHAVER   2u    /* ECDSA sha_version; RSA: reserved */
#define FW_SBV2_OFF_DIGEST   4u
#define FW_SBV2_CRC_COVERED  1196u /* CRC32-STD over bytes [0, 1196) */
#define FW_SBV2_OFF_CRC      1196u
#define FW_SBV2_OFF_PAD      1200u
#define FW_SBV2_PAD_LEN      16u

#define FW_SBV2_RSA_LEN      384u  /* 3072-bit numbers */
#define FW_SBV2_RSA_BITS     3072u /* the modulus is exactly this long (§2.3) */
#define FW_SBV2_RSA_PSS_SALT_LEN 32u /* RSASSA-PSS salt, MGF1 with SHA-256 (§2.3) */
#define FW_SBV2_RSA_RINV_EXP_BITS (2u * FW_SBV2_RSA_BITS) /* rinv = 2^6144 mod n */
#define FW_SBV2_RSA_OFF_N    36u
#define FW_SBV2_RSA_OFF_E    420u
#define FW_SBV2_RSA_OFF_RINV 424u
#define FW_SBV2_RSA_OFF_MDASH 808u
#define FW_SBV2_RSA_OFF_SIG  812u

/* P-256 / P-192 layout (the 64-byte point and signature fields; P-192
 * packs its 24-byte coordinates at the start, the last 16 bytes zero). */
#define FW_SBV2_P256_COORD_LEN 32u
#define FW_SBV2_P192_COORD_LEN 24u
#define FW_SBV2_EC_OFF_CURVE 36u
#define FW_SBV2_EC_OFF_POINT 37u
#define FW_SBV2_EC_OFF_SIG   101u
#define FW_SBV2_EC_OFF_RSVD  165u
/* P-384 layout (48-byte digest, so everything moves 16 bytes). */
#define FW_SBV2_P384_COORD_LEN 48u
#define FW_SBV2_EC384_OFF_CURVE 52u
#define FW_SBV2_EC384_OFF_POINT 53u
#define FW_SBV2_EC384_OFF_SIG   149u
#define FW_SBV2_EC384_OFF_RSVD  245u

/* Key-digest regions (§2.6). */
#define FW_SBV2_RSA_KEY_OFF   36u
#define FW_SBV2_RSA_KEY_LEN   776u
#define FW_SBV2_EC_KEY_OFF    36u
#define FW_SBV2_EC_KEY_LEN    65u
#define FW_SBV2_EC384_KEY_OFF 52u
#define FW_SBV2_EC384_KEY_LEN 97u

#define FW_SBV2_MAX_DIGEST 48u     /* SHA-384 for P-384, else SHA-256 (32) */
#define FW_SBV2_DIGEST_SHA256_LEN 32u /* image digest of RSA-3072 / P-192 / P-256 blocks */
#define FW_SBV2_MAX_COORD  48u
#define FW_SBV2_KEY_DIGEST_LEN 32u /* always SHA-256 (§2.6) */

enum fw_sbv2_scheme {
    FW_SBV2_SCHEME_NONE = 0,   /* unknown version / curve */
    FW_SBV2_RSA3072,
    FW_SBV2_ECDSA_P192,
    FW_SBV2_ECDSA_P256,
    FW_SBV2_ECDSA_P384,
};

/* A decoded block; every field byte-exact as stored (numbers little-endian). */
struct fw_sbv2_block {
    uint8_t magic;
    uint8_t version;
    uint8_t sha_version;                 /* byte 2 (reserved for RSA) */
    uint8_t reserved3;                   /* byte 3 */
    enum fw_sbv2_scheme scheme;
    size_t digest_len;                   /* 32 or 48 (0 if scheme unknown) */
    uint8_t image_digest[FW_SBV2_MAX_DIGEST];
    struct {
        uint8_t n[FW_SBV2_RSA_LEN];
        uint32_t e;
        uint8_t rinv[FW_SBV2_RSA_LEN];
        uint32_t mdash;
        uint8_t sig[FW_SBV2_RSA_LEN];
    } rsa;
    struct {
        uint8_t curve_id;
        size_t coord_len;                /* 24, 32 or 48 */
        uint8_t x[FW_SBV2_MAX_COORD], y[FW_SBV2_MAX_COORD];
        uint8_t r[FW_SBV2_MAX_COORD], s[FW_SBV2_MAX_COORD];
    } ec;
    uint32_t crc_stored;
    uint32_t crc_computed;
};

/* CRC32-STD of bytes [0, 1196) of a block (§2.5). */
uint32_t fw_sbv2_block_crc(const uint8_t blk[FW_SBV2_BLOCK_SIZE]);

/* Scheme named by the version/curve bytes of a raw block (no other check). */
enum fw_sbv2_scheme fw_sbv2_block_scheme(const uint8_t blk[FW_SBV2_BLOCK_SIZE]);

/* Block validity per §2.7/§2.9 rule 2: magic, known version, CRC, known curve
 * with matching sha_version. want = FW_SBV2_SCHEME_NONE accepts any known
 * scheme; otherwise the block must be of that scheme (configured scheme).
 * Returns FW_OK, FW_ERR_MAGIC, FW_ERR_UNSUPPORTED (version/curve), FW_ERR_CRC
 * or FW_ERR_RANGE (scheme differs from want). Checked in that order except the
 * CRC, which is checked right after the magic, so a corrupted block reports CRC. */
int fw_sbv2_block_check(const uint8_t blk[FW_SBV2_BLOCK_SIZE], enum fw_sbv2_scheme want);

/* Reserved and padding bytes as specified (recommended check, §2.9 rule 2):
 * RSA bytes 2..3 zero; ECDSA byte 3 and the tail after the signature zero
 * (P-192 also the unused last 16 bytes of its point and signature fields);
 * bytes 1200..1215 zero. FW_OK or FW_ERR_FORMAT. */
int fw_sbv2_block_reserved_ok(const uint8_t blk[FW_SBV2_BLOCK_SIZE]);

/* Decode every field. Returns fw_sbv2_block_check(blk, NONE); the struct is
 * filled as far as the scheme is known even when the block is invalid. */
int fw_sbv2_block_decode(const uint8_t blk[FW_SBV2_BLOCK_SIZE], struct fw_sbv2_block *b);

/* Encode b (scheme, image_digest, key fields, signature) into out: reserved
 * bytes zero, sha_version per curve, CRC computed, 16 zero pad bytes.
 * b->crc_* are ignored. FW_OK or FW_ERR_INVALID_ARG (unknown scheme). */
int fw_sbv2_block_encode(const struct fw_sbv2_block *b, uint8_t out[FW_SBV2_BLOCK_SIZE]);

/* Key-digest region of a block as laid out (§2.6): off and len such that the
 * eFuse digest is SHA-256(blk + off, len). FW_ERR_UNSUPPORTED if the block's
 * scheme is unknown. */
int fw_sbv2_key_region(const uint8_t blk[FW_SBV2_BLOCK_SIZE], size_t *off, size_t *len);
/* Same from a scheme. */
int fw_sbv2_scheme_key_region(enum fw_sbv2_scheme s, size_t *off, size_t *len);

/* Image digest length of a scheme: 48 for P-384, 32 otherwise, 0 if unknown. */
size_t fw_sbv2_digest_len(enum fw_sbv2_scheme s);
/* Coordinate length of an ECDSA scheme (24/32/48), 0 otherwise. */
size_t fw_sbv2_coord_len(enum fw_sbv2_scheme s);
/* Short name: "RSA-3072", "ECDSA-P256", ... or "unknown". */
const char *fw_sbv2_scheme_name(enum fw_sbv2_scheme s);
/* True for the schemes fwseal verifies (all four: RSA-3072, ECDSA P-192,
 * P-256, P-384); signing P-192 is refused by the host's key table. */
int fw_sbv2_scheme_supported(enum fw_sbv2_scheme s);

/* ---- sector ---- */

/* Fill a sector with 0xFF (erased flash, §2.2). */
void fw_sbv2_sector_erase(uint8_t sector[FW_SBV2_SECTOR_SIZE]);
/* Pointer to block slot i (0..2) of a sector. */
static inline uint8_t *fw_sbv2_sector_block(uint8_t *sector, unsigned i)
{
    return sector + (size_t)i * FW_SBV2_BLOCK_SIZE;
}
static inline const uint8_t *fw_sbv2_sector_block_c(const uint8_t *sector, unsigned i)
{
    return sector + (size_t)i * FW_SBV2_BLOCK_SIZE;
}

struct fw_sbv2_scan {
    unsigned valid;                        /* leading valid blocks (0..3) */
    int status[FW_SBV2_MAX_BLOCKS];        /* fw_sbv2_block_check() of each slot */
    enum fw_sbv2_scheme scheme[FW_SBV2_MAX_BLOCKS];
    int erased[FW_SBV2_MAX_BLOCKS];        /* slot entirely 0xFF */
    int tail_erased;                       /* bytes 3648..4095 all 0xFF */
};

/* Scan a sector as espsecure --append-signatures and the verifier do: from
 * block 0, stop at the first invalid block (any known scheme). Also records
 * the status of every slot for reports. Returns scan->valid. */
unsigned fw_sbv2_sector_scan(const uint8_t sector[FW_SBV2_SECTOR_SIZE], struct fw_sbv2_scan *scan);

/* Where the signature sector of a data region of len bytes sits:
 * ALIGN_UP(len, 4096) (§2.1). FW_ERR_OVERFLOW if that does not fit uint64_t
 * together with the sector itself. */
int fw_sbv2_sector_offset(uint64_t len, uint64_t *sector_off);

/* LE <-> BE conversion of the block's big numbers (same operation both ways). */
static inline void fw_sbv2_le_to_be(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[n - 1 - i];
}
#define fw_sbv2_be_to_le fw_sbv2_le_to_be

#endif
