/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet release manifest "FWMF" v1 (docs/formats.md §8, fwseal's own
 * format): crypto-free, allocation-free codec shared by the host (fwseal
 * release, manifest show, verify) and the device (fwseal-device update).
 *
 * A manifest file is a Secure Boot V2 signed blob, exactly as espsecure
 * sign_data --version 2 signs any data:
 *
 *   [0, L)                    the manifest: 512-byte fixed part, then
 *                             chunk_count x 32-byte SHA-256 of the body chunks
 *   [L, S)                    0xFF padding, S = ALIGN_UP(L, 4096)
 *   [S, S + 4096)             signature sector: 1..3 SBv2 blocks over
 *                             SHA-256([0, S)) (RSA-3072-PSS or ECDSA P-256)
 *
 * so the signature is checked by the code that checks images (device:
 * fwd_verify_sig_sector; host: fwh_verify with raw = 1) against the eFuse
 * key digests the device already trusts. All integers little-endian.
 *
 * Device use (memory: the manifest bytes, at most FW_MF_MAX_FILE_LEN, plus a
 * struct fw_manifest of ~480 bytes; no allocation):
 *   fw_mf_decode(buf, len, &m)              fixed part + lengths + padding
 *   S = fw_mf_signed_len(&m); SHA-256(buf[0, S)); fwd_verify_sig_sector(buf + S, ...)
 *   fw_mf_decide(&m, &facts) == FW_MF_ACCEPT ?   (fw_mf_decide.c)
 *   chunk i of the body: fw_mf_chunk_range(), fw_mf_chunk_hash()
 * The parser never trusts a length: every field is range-checked before use
 * and the file length must be exactly what the fixed part says. */
#ifndef FW_MANIFEST_H
#define FW_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define FW_MF_MAGIC              "FWMF"  /* bytes 46 57 4D 46 */
#define FW_MF_MAGIC_LEN          4u
#define FW_MF_FORMAT_VERSION     1u
#define FW_MF_FIXED_LEN          512u
#define FW_MF_HASH_LEN           32u     /* SHA-256 */
#define FW_MF_SIG_ALIGN          4096u   /* SBv2: padding to 4096, then one sector */
#define FW_MF_SECTOR_LEN         4096u
/* Bound of the signed manifest [0, L): 64 KiB keeps the whole manifest in
 * one RAM buffer of a small device; the chunk table then holds at most
 * FW_MF_MAX_CHUNKS hashes (4 KiB chunks: ~8 MiB images; 64 KiB: ~127 MiB). */
#define FW_MF_MAX_LEN            65536u
#define FW_MF_MAX_CHUNKS         ((FW_MF_MAX_LEN - FW_MF_FIXED_LEN) / FW_MF_HASH_LEN) /* 2032 */
#define FW_MF_MAX_FILE_LEN       (FW_MF_MAX_LEN + FW_MF_SECTOR_LEN)
#define FW_MF_MIN_CHUNK          1024u   /* chunk_size: a power of two in [1 KiB, 1 MiB] */
#define FW_MF_MAX_CHUNK          (1024u * 1024u)
#define FW_MF_ROLLOUT_ALL        10000u  /* rollout in basis points: 10000 = 100 % */

/* The field offsets live in fw_manifest.c (the only code that needs them);
 * docs/formats.md §8.2 lists them. The chunk table starts right after the
 * fixed part. */
#define FW_MF_OFF_CHUNKS         512u

#define FW_MF_IV_LEN             16u
#define FW_MF_TAG_LEN            16u
#define FW_MF_SEED_LEN           16u
#define FW_MF_NAME_FIELD         32u   /* project, version: at most 31 characters */
#define FW_MF_PATH_FIELD         64u   /* paths: at most 63 characters */
#define FW_MF_MAX_GROUPS         8u
#define FW_MF_GROUP_FIELD        16u   /* group names: at most 15 characters */
#define FW_MF_DEVICE_ID_MAX      32u   /* device ids: 1..32 characters */
#define FW_MF_ID_TOKEN           "{id}"
#define FW_MF_KEY_CHECK_LABEL    "fwseal-keycheck1" /* 16 bytes, no NUL */
#define FW_MF_KEY_CHECK_LABEL_LEN 16u

/* How the per-device headers carry the content key (§8.5). */
enum fw_mf_enc_scheme {
    FW_MF_ENC_RSA3072 = 1,        /* stock RSA-3072 header (header_i + body is a stock container) */
    FW_MF_ENC_ECIES_P256 = 2,     /* stock ECIES-P256 header: one device only (key = ECDH-derived) */
    FW_MF_ENC_ECIES_P256_SHARED = 3, /* fwseal extension: content key wrapped in the header (§8.6) */
};

/* The decoded fixed part. Strings are NUL-terminated copies. */
struct fw_manifest {
    uint16_t format_version;
    uint32_t manifest_len;               /* L */
    uint8_t enc_scheme;                  /* enum fw_mf_enc_scheme */
    uint16_t chip_id;
    uint16_t min_chip_rev;
    uint16_t rollout_bp;
    uint32_t secure_version;
    uint64_t seq;
    uint64_t issued;
    uint64_t expires;
    uint32_t image_size;
    uint32_t chunk_size;
    uint32_t chunk_count;
    uint8_t image_sha256[FW_MF_HASH_LEN];
    uint8_t enc_iv[FW_MF_IV_LEN];
    uint8_t enc_tag[FW_MF_TAG_LEN];
    uint8_t key_check[FW_MF_HASH_LEN];
    uint8_t rollout_seed[FW_MF_SEED_LEN];
    char project[FW_MF_NAME_FIELD];
    char version[FW_MF_NAME_FIELD];
    char body_path[FW_MF_PATH_FIELD];
    char header_path[FW_MF_PATH_FIELD];
    char groups[FW_MF_MAX_GROUPS][FW_MF_GROUP_FIELD];
    unsigned group_count;                /* used slots, always the first ones */
};

/* Decode and validate the fixed part from buf[0..len) (len >= 512; the rest
 * is not looked at). Every field is checked (docs/formats.md §8.3):
 * FW_ERR_INVALID_ARG (NULL), FW_ERR_TRUNCATED (len < 512), FW_ERR_MAGIC,
 * FW_ERR_UNSUPPORTED (format version, fixed length, enc scheme, flags),
 * FW_ERR_RANGE (a number out of range or inconsistent), FW_ERR_FORMAT
 * (a string, path, group or reserved byte). */
int fw_mf_decode_fixed(const uint8_t *buf, size_t len, struct fw_manifest *m);

/* Decode a whole manifest file buf[0..len): the fixed part, then the file
 * length must be exactly fw_mf_file_len(m) and the padding [L, S) all 0xFF.
 * The signature sector is NOT checked here (crypto; see the header comment).
 * FW_ERR_TRUNCATED if shorter, FW_ERR_FORMAT for trailing bytes or padding. */
int fw_mf_decode(const uint8_t *buf, size_t len, struct fw_manifest *m);

/* S = ALIGN_UP(L, 4096): the signed length; the sector sits at S. */
uint32_t fw_mf_signed_len(const struct fw_manifest *m);
/* S + 4096: the whole file. */
uint32_t fw_mf_file_len(const struct fw_manifest *m);

/* Hash of body chunk i, pointing into buf (a decoded manifest's bytes);
 * NULL if i >= chunk_count or buf is too short. */
const uint8_t *fw_mf_chunk_hash(const uint8_t *buf, size_t len, const struct fw_manifest *m, uint32_t i);
/* Byte range of body chunk i: [*off, *off + *n). FW_ERR_RANGE if i is past the end. */
int fw_mf_chunk_range(const struct fw_manifest *m, uint32_t i, uint32_t *off, uint32_t *n);
/* chunk_count for an image of image_size bytes in chunks of chunk_size. */
uint32_t fw_mf_chunk_count(uint32_t image_size, uint32_t chunk_size);

/* Encode m's fixed part into out[512] (manifest_len and chunk_count as set
 * in m). Validates m exactly like the decoder (a manifest the encoder
 * writes always decodes): FW_OK or the decoder's error. */
int fw_mf_encode_fixed(const struct fw_manifest *m, uint8_t out[FW_MF_FIXED_LEN]);

/* A device id: 1..32 characters of [A-Za-z0-9._-], not starting with '.'.
 * FW_OK or FW_ERR_FORMAT. */
int fw_mf_check_device_id(const char *id);
/* A group name: 1..15 characters of [A-Za-z0-9._-]. FW_OK or FW_ERR_FORMAT. */
int fw_mf_check_group(const char *g);
/* A relative path: 1..63 characters of [A-Za-z0-9._/-] (plus "{id}" once
 * when want_id_token), no leading '/', no empty, "." or ".." segment.
 * FW_OK or FW_ERR_FORMAT. */
int fw_mf_check_path(const char *p, int want_id_token);
/* The header path of device id: header_path with "{id}" replaced.
 * FW_ERR_FORMAT (bad id), FW_ERR_NO_SPACE (out too small). */
int fw_mf_header_path(const struct fw_manifest *m, const char *id, char *out, size_t outlen);

/* Rollout bucket of a device id, in [0, 10000): a stable hash (FNV-1a-64 of
 * seed || id, finalised by the MurmurHash3 fmix64 mixer) modulo 10000.
 * Crypto-free on purpose: the rollout decides who goes first, not who may
 * install (the signature does that). */
uint32_t fw_mf_rollout_bucket(const uint8_t seed[FW_MF_SEED_LEN], const char *id);

const char *fw_mf_enc_scheme_name(int scheme);

#endif
