/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signature blocks and sector (FORMATS §2). Crypto-free. */
#include "fw_sbv2.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

uint32_t fw_sbv2_block_crc(const uint8_t blk[FW_SBV2_BLOCK_SIZE])
{
    return fw_crc32_std(blk, FW_SBV2_CRC_COVERED);
}

/* The curve byte sits at a different offset for P-384 (after a 48-byte
 * digest); sha_version (byte 2) tells which layout applies. */
enum fw_sbv2_scheme fw_sbv2_block_scheme(const uint8_t blk[FW_SBV2_BLOCK_SIZE])
{
    if (blk[FW_SBV2_OFF_VERSION] == FW_SBV2_VERSION_RSA) return FW_SBV2_RSA3072;
    if (blk[FW_SBV2_OFF_VERSION] != FW_SBV2_VERSION_ECDSA) return FW_SBV2_SCHEME_NONE;
    uint8_t shaver = blk[FW_SBV2_OFF_SHAVER];
    if (shaver == FW_SBV2_SHA_VERSION_SHA256) {
        switch (blk[FW_SBV2_EC_OFF_CURVE]) {
        case FW_SBV2_CURVE_P192: return FW_SBV2_ECDSA_P192;
        case FW_SBV2_CURVE_P256: return FW_SBV2_ECDSA_P256;
        default: return FW_SBV2_SCHEME_NONE;
        }
    }
    if (shaver == FW_SBV2_SHA_VERSION_SHA384 && blk[FW_SBV2_EC384_OFF_CURVE] == FW_SBV2_CURVE_P384)
        return FW_SBV2_ECDSA_P384;
    return FW_SBV2_SCHEME_NONE;
}

int fw_sbv2_block_check(const uint8_t blk[FW_SBV2_BLOCK_SIZE], enum fw_sbv2_scheme want)
{
    if (blk[FW_SBV2_OFF_MAGIC] != FW_SBV2_MAGIC) return FW_ERR_MAGIC;
    if (fw_sbv2_block_crc(blk) != fw_dec32le(blk + FW_SBV2_OFF_CRC)) return FW_ERR_CRC;
    enum fw_sbv2_scheme s = fw_sbv2_block_scheme(blk);
    if (s == FW_SBV2_SCHEME_NONE) return FW_ERR_UNSUPPORTED;
    if (want != FW_SBV2_SCHEME_NONE && s != want) return FW_ERR_RANGE;
    return FW_OK;
}

static int all_equal(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

int fw_sbv2_block_reserved_ok(const uint8_t blk[FW_SBV2_BLOCK_SIZE])
{
    if (!all_equal(blk + FW_SBV2_OFF_PAD, FW_SBV2_PAD_LEN, 0)) return FW_ERR_FORMAT;
    switch (fw_sbv2_block_scheme(blk)) {
    case FW_SBV2_RSA3072:
        return all_equal(blk + 2, 2, 0) ? FW_OK : FW_ERR_FORMAT;
    case FW_SBV2_ECDSA_P192:
        /* 24-byte numbers packed at the start of the 64-byte point and
         * signature fields: the last 16 bytes of each are zero (§2.4) */
        if (!all_equal(blk + FW_SBV2_EC_OFF_POINT + 2 * FW_SBV2_P192_COORD_LEN,
                       2 * (FW_SBV2_P256_COORD_LEN - FW_SBV2_P192_COORD_LEN), 0) ||
            !all_equal(blk + FW_SBV2_EC_OFF_SIG + 2 * FW_SBV2_P192_COORD_LEN,
                       2 * (FW_SBV2_P256_COORD_LEN - FW_SBV2_P192_COORD_LEN), 0))
            return FW_ERR_FORMAT;
        /* fall through */
    case FW_SBV2_ECDSA_P256:
        return (blk[3] == 0 && all_equal(blk + FW_SBV2_EC_OFF_RSVD, FW_SBV2_CRC_COVERED - FW_SBV2_EC_OFF_RSVD, 0))
                   ? FW_OK : FW_ERR_FORMAT;
    case FW_SBV2_ECDSA_P384:
        return (blk[3] == 0 && all_equal(blk + FW_SBV2_EC384_OFF_RSVD, FW_SBV2_CRC_COVERED - FW_SBV2_EC384_OFF_RSVD, 0))
                   ? FW_OK : FW_ERR_FORMAT;
    default:
        return FW_ERR_FORMAT;
    }
}

size_t fw_sbv2_digest_len(enum fw_sbv2_scheme s)
{
    switch (s) {
    case FW_SBV2_RSA3072: case FW_SBV2_ECDSA_P192: case FW_SBV2_ECDSA_P256: return 32;
    case FW_SBV2_ECDSA_P384: return 48;
    default: return 0;
    }
}

size_t fw_sbv2_coord_len(enum fw_sbv2_scheme s)
{
    switch (s) {
    case FW_SBV2_ECDSA_P192: return 24;
    case FW_SBV2_ECDSA_P256: return 32;
    case FW_SBV2_ECDSA_P384: return 48;
    default: return 0;
    }
}

const char *fw_sbv2_scheme_name(enum fw_sbv2_scheme s)
{
    switch (s) {
    case FW_SBV2_RSA3072: return "RSA-3072";
    case FW_SBV2_ECDSA_P192: return "ECDSA-P192";
    case FW_SBV2_ECDSA_P256: return "ECDSA-P256";
    case FW_SBV2_ECDSA_P384: return "ECDSA-P384";
    default: return "unknown";
    }
}

int fw_sbv2_scheme_supported(enum fw_sbv2_scheme s)
{
    return s == FW_SBV2_RSA3072 || s == FW_SBV2_ECDSA_P192 || s == FW_SBV2_ECDSA_P256 || s == FW_SBV2_ECDSA_P384;
}

/* Offsets of the ECDSA fields: P-384 shifts everything by the longer digest.
 * P-192 uses the P-256 layout, coordinates packed X||Y then zero-filled. */
static void ec_layout(enum fw_sbv2_scheme s, size_t *curve, size_t *point, size_t *sig)
{
    if (s == FW_SBV2_ECDSA_P384) {
        *curve = FW_SBV2_EC384_OFF_CURVE; *point = FW_SBV2_EC384_OFF_POINT; *sig = FW_SBV2_EC384_OFF_SIG;
    } else {
        *curve = FW_SBV2_EC_OFF_CURVE; *point = FW_SBV2_EC_OFF_POINT; *sig = FW_SBV2_EC_OFF_SIG;
    }
}

int fw_sbv2_block_decode(const uint8_t blk[FW_SBV2_BLOCK_SIZE], struct fw_sbv2_block *b)
{
    memset(b, 0, sizeof *b);
    b->magic = blk[FW_SBV2_OFF_MAGIC];
    b->version = blk[FW_SBV2_OFF_VERSION];
    b->sha_version = blk[FW_SBV2_OFF_SHAVER];
    b->reserved3 = blk[3];
    b->scheme = fw_sbv2_block_scheme(blk);
    b->digest_len = fw_sbv2_digest_len(b->scheme);
    memcpy(b->image_digest, blk + FW_SBV2_OFF_DIGEST, b->digest_len);
    b->crc_stored = fw_dec32le(blk + FW_SBV2_OFF_CRC);
    b->crc_computed = fw_sbv2_block_crc(blk);

    if (b->scheme == FW_SBV2_RSA3072) {
        memcpy(b->rsa.n, blk + FW_SBV2_RSA_OFF_N, FW_SBV2_RSA_LEN);
        b->rsa.e = fw_dec32le(blk + FW_SBV2_RSA_OFF_E);
        memcpy(b->rsa.rinv, blk + FW_SBV2_RSA_OFF_RINV, FW_SBV2_RSA_LEN);
        b->rsa.mdash = fw_dec32le(blk + FW_SBV2_RSA_OFF_MDASH);
        memcpy(b->rsa.sig, blk + FW_SBV2_RSA_OFF_SIG, FW_SBV2_RSA_LEN);
    } else if (b->scheme != FW_SBV2_SCHEME_NONE) {
        size_t oc, op, os, c = fw_sbv2_coord_len(b->scheme);
        ec_layout(b->scheme, &oc, &op, &os);
        b->ec.curve_id = blk[oc];
        b->ec.coord_len = c;
        memcpy(b->ec.x, blk + op, c);
        memcpy(b->ec.y, blk + op + c, c);
        memcpy(b->ec.r, blk + os, c);
        memcpy(b->ec.s, blk + os + c, c);
    }
    return fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE);
}

int fw_sbv2_block_encode(const struct fw_sbv2_block *b, uint8_t out[FW_SBV2_BLOCK_SIZE])
{
    memset(out, 0, FW_SBV2_BLOCK_SIZE);
    out[FW_SBV2_OFF_MAGIC] = FW_SBV2_MAGIC;
    if (b->scheme == FW_SBV2_RSA3072) {
        out[FW_SBV2_OFF_VERSION] = FW_SBV2_VERSION_RSA;
        memcpy(out + FW_SBV2_OFF_DIGEST, b->image_digest, 32);
        memcpy(out + FW_SBV2_RSA_OFF_N, b->rsa.n, FW_SBV2_RSA_LEN);
        fw_enc32le(out + FW_SBV2_RSA_OFF_E, b->rsa.e);
        memcpy(out + FW_SBV2_RSA_OFF_RINV, b->rsa.rinv, FW_SBV2_RSA_LEN);
        fw_enc32le(out + FW_SBV2_RSA_OFF_MDASH, b->rsa.mdash);
        memcpy(out + FW_SBV2_RSA_OFF_SIG, b->rsa.sig, FW_SBV2_RSA_LEN);
    } else {
        size_t c = fw_sbv2_coord_len(b->scheme), oc, op, os;
        if (!c) return FW_ERR_INVALID_ARG;
        ec_layout(b->scheme, &oc, &op, &os);
        out[FW_SBV2_OFF_VERSION] = FW_SBV2_VERSION_ECDSA;
        out[FW_SBV2_OFF_SHAVER] = b->scheme == FW_SBV2_ECDSA_P384 ? FW_SBV2_SHA_VERSION_SHA384
                                                                  : FW_SBV2_SHA_VERSION_SHA256;
        memcpy(out + FW_SBV2_OFF_DIGEST, b->image_digest, fw_sbv2_digest_len(b->scheme));
        out[oc] = b->scheme == FW_SBV2_ECDSA_P384 ? FW_SBV2_CURVE_P384
                  : b->scheme == FW_SBV2_ECDSA_P256 ? FW_SBV2_CURVE_P256 : FW_SBV2_CURVE_P192;
        memcpy(out + op, b->ec.x, c);
        memcpy(out + op + c, b->ec.y, c);
        memcpy(out + os, b->ec.r, c);
        memcpy(out + os + c, b->ec.s, c);
    }
    fw_enc32le(out + FW_SBV2_OFF_CRC, fw_sbv2_block_crc(out));
    return FW_OK;
}

int fw_sbv2_scheme_key_region(enum fw_sbv2_scheme s, size_t *off, size_t *len)
{
    switch (s) {
    case FW_SBV2_RSA3072: *off = FW_SBV2_RSA_KEY_OFF; *len = FW_SBV2_RSA_KEY_LEN; return FW_OK;
    case FW_SBV2_ECDSA_P192:
    case FW_SBV2_ECDSA_P256: *off = FW_SBV2_EC_KEY_OFF; *len = FW_SBV2_EC_KEY_LEN; return FW_OK;
    case FW_SBV2_ECDSA_P384: *off = FW_SBV2_EC384_KEY_OFF; *len = FW_SBV2_EC384_KEY_LEN; return FW_OK;
    default: return FW_ERR_UNSUPPORTED;
    }
}

int fw_sbv2_key_region(const uint8_t blk[FW_SBV2_BLOCK_SIZE], size_t *off, size_t *len)
{
    return fw_sbv2_scheme_key_region(fw_sbv2_block_scheme(blk), off, len);
}

void fw_sbv2_sector_erase(uint8_t sector[FW_SBV2_SECTOR_SIZE])
{
    memset(sector, 0xFF, FW_SBV2_SECTOR_SIZE);
}

unsigned fw_sbv2_sector_scan(const uint8_t sector[FW_SBV2_SECTOR_SIZE], struct fw_sbv2_scan *scan)
{
    memset(scan, 0, sizeof *scan);
    int stopped = 0;
    for (unsigned i = 0; i < FW_SBV2_MAX_BLOCKS; i++) {
        const uint8_t *blk = fw_sbv2_sector_block_c(sector, i);
        scan->status[i] = fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE);
        scan->scheme[i] = fw_sbv2_block_scheme(blk);
        scan->erased[i] = all_equal(blk, FW_SBV2_BLOCK_SIZE, 0xFF);
        if (scan->status[i] != FW_OK) stopped = 1;
        if (!stopped) scan->valid++;
    }
    size_t tail = (size_t)FW_SBV2_MAX_BLOCKS * FW_SBV2_BLOCK_SIZE;
    scan->tail_erased = all_equal(sector + tail, FW_SBV2_SECTOR_SIZE - tail, 0xFF);
    return scan->valid;
}

int fw_sbv2_sector_offset(uint64_t len, uint64_t *sector_off)
{
    if (len > UINT64_MAX - 2u * FW_SBV2_SECTOR_SIZE) return FW_ERR_OVERFLOW;
    *sector_off = fw_align_up(len, FW_SBV2_SECTOR_SIZE);
    return FW_OK;
}
