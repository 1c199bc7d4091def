/* SPDX-License-Identifier: Apache-2.0 */
/* FWMF v1 manifest codec (docs/formats.md §8). Decoding copies the fixed
 * fields out of fixed offsets, then one validator (shared with the encoder)
 * checks them, so a manifest the encoder writes always decodes. */
#include "fw_manifest.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

/* Field offsets in the fixed part (docs/formats.md §8.2). Private: users go
 * through the decoder, and keeping them here keeps small numbers that look
 * like layout offsets out of common/ headers (e2e/seams.sh). */
#define FW_MF_OFF_MAGIC          0u
#define FW_MF_OFF_FORMAT         4u    /* u16 format version */
#define FW_MF_OFF_FIXED_LEN      6u    /* u16 = 512 */
#define FW_MF_OFF_MANIFEST_LEN   8u    /* u32 L = 512 + 32 * chunk_count */
#define FW_MF_OFF_ENC_SCHEME     12u   /* u8 enum fw_mf_enc_scheme */
#define FW_MF_OFF_FLAGS          13u   /* u8 = 0 */
#define FW_MF_OFF_CHIP_ID        14u   /* u16 */
#define FW_MF_OFF_MIN_CHIP_REV   16u   /* u16 major*100+minor */
#define FW_MF_OFF_ROLLOUT_BP     18u   /* u16 0..10000 */
#define FW_MF_OFF_SECURE_VERSION 20u   /* u32 */
#define FW_MF_OFF_SEQ            24u   /* u64 >= 1 */
#define FW_MF_OFF_ISSUED         32u   /* u64 UTC seconds */
#define FW_MF_OFF_EXPIRES        40u   /* u64 UTC seconds, > issued */
#define FW_MF_OFF_IMAGE_SIZE     48u   /* u32 >= 1 */
#define FW_MF_OFF_CHUNK_SIZE     52u   /* u32 */
#define FW_MF_OFF_CHUNK_COUNT    56u   /* u32 = ceil(image_size / chunk_size) */
#define FW_MF_OFF_RSVD60         60u   /* 4 zero bytes */
#define FW_MF_OFF_IMAGE_SHA256   64u
#define FW_MF_OFF_ENC_IV         96u   /* the release's GCM IV (every header carries it) */
#define FW_MF_OFF_ENC_TAG        112u  /* the release's GCM tag (every header carries it) */
#define FW_MF_OFF_KEY_CHECK      128u  /* SHA-256("fwseal-keycheck1" || content key) */
#define FW_MF_OFF_ROLLOUT_SEED   160u  /* 16 bytes */
#define FW_MF_OFF_PROJECT        176u  /* 32 bytes NUL-padded */
#define FW_MF_OFF_VERSION        208u  /* 32 bytes NUL-padded */
#define FW_MF_OFF_BODY_PATH      240u  /* 64 bytes NUL-padded */
#define FW_MF_OFF_HEADER_PATH    304u  /* 64 bytes NUL-padded, contains "{id}" once */
#define FW_MF_OFF_GROUPS         368u  /* 8 x 16 bytes NUL-padded */
#define FW_MF_OFF_RSVD496        496u  /* 16 zero bytes */
enum str_kind {
    STR_TEXT,      /* printable ASCII 0x20..0x7E */
    STR_NAME,      /* [A-Za-z0-9._-] */
};

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static int str_ok(const char *s, size_t max_len, enum str_kind kind)
{
    size_t n = 0;
    for (; n <= max_len && s[n]; n++) {
        if (kind == STR_TEXT && (s[n] < 0x20 || s[n] > 0x7E)) return 0;
        if (kind == STR_NAME && !is_name_char(s[n])) return 0;
    }
    return n >= 1 && n <= max_len;
}

int fw_mf_check_device_id(const char *id)
{
    if (!id || id[0] == '.') return FW_ERR_FORMAT;
    return str_ok(id, FW_MF_DEVICE_ID_MAX, STR_NAME) ? FW_OK : FW_ERR_FORMAT;
}

int fw_mf_check_group(const char *g)
{
    if (!g) return FW_ERR_FORMAT;
    return str_ok(g, FW_MF_GROUP_FIELD - 1, STR_NAME) ? FW_OK : FW_ERR_FORMAT;
}

/* One path segment [s, s+n): not empty, not "." or "..". */
static int segment_ok(const char *s, size_t n)
{
    if (n == 0) return 0;
    if (n == 1 && s[0] == '.') return 0;
    if (n == 2 && s[0] == '.' && s[1] == '.') return 0;
    return 1;
}

int fw_mf_check_path(const char *p, int want_id_token)
{
    if (!p) return FW_ERR_FORMAT;
    const size_t tok_len = sizeof FW_MF_ID_TOKEN - 1;
    unsigned tokens = 0;
    size_t seg_start = 0, i = 0;
    while (p[i]) {
        if (i >= FW_MF_PATH_FIELD - 1) return FW_ERR_FORMAT;
        if (p[i] == '{') {
            if (strncmp(p + i, FW_MF_ID_TOKEN, tok_len) != 0) return FW_ERR_FORMAT;
            tokens++;
            i += tok_len;
            continue;
        }
        if (p[i] == '/') {
            if (!segment_ok(p + seg_start, i - seg_start)) return FW_ERR_FORMAT;
            seg_start = i + 1;
        } else if (!is_name_char(p[i])) {
            return FW_ERR_FORMAT;
        }
        i++;
    }
    if (i > FW_MF_PATH_FIELD - 1) return FW_ERR_FORMAT;
    if (!segment_ok(p + seg_start, i - seg_start)) return FW_ERR_FORMAT;
    return tokens == (want_id_token ? 1u : 0u) ? FW_OK : FW_ERR_FORMAT;
}

/* A NUL-padded string field of n bytes: copy to out[n] and require a NUL
 * inside the field and only zero bytes after it. */
static int field_copy(const uint8_t *f, size_t n, char *out)
{
    size_t len = 0;
    while (len < n && f[len]) len++;
    if (len == n) return FW_ERR_FORMAT;
    if (!fw_all_zero(f + len, n - len)) return FW_ERR_FORMAT;
    memcpy(out, f, len);
    memset(out + len, 0, n - len);
    return FW_OK;
}

static void field_put(uint8_t *f, size_t n, const char *s)
{
    size_t len = fw_strnlen(s, n - 1);
    memset(f, 0, n);
    memcpy(f, s, len);
}

uint32_t fw_mf_chunk_count(uint32_t image_size, uint32_t chunk_size)
{
    if (chunk_size == 0) return 0;
    return (uint32_t)(((uint64_t)image_size + chunk_size - 1) / chunk_size);
}

static int is_pow2(uint32_t x) { return x && !(x & (x - 1)); }

/* Every rule on the decoded fields (docs/formats.md §8.3), in one place. */
static int check_fields(const struct fw_manifest *m)
{
    if (m->format_version != FW_MF_FORMAT_VERSION) return FW_ERR_UNSUPPORTED;
    if (m->enc_scheme < FW_MF_ENC_RSA3072 || m->enc_scheme > FW_MF_ENC_ECIES_P256_SHARED)
        return FW_ERR_UNSUPPORTED;
    if (m->chip_id == 0xFFFFu) return FW_ERR_RANGE;
    if (m->rollout_bp > FW_MF_ROLLOUT_ALL) return FW_ERR_RANGE;
    if (m->seq == 0) return FW_ERR_RANGE;
    if (m->expires <= m->issued) return FW_ERR_RANGE;
    if (m->image_size == 0) return FW_ERR_RANGE;
    if (!is_pow2(m->chunk_size) || m->chunk_size < FW_MF_MIN_CHUNK || m->chunk_size > FW_MF_MAX_CHUNK)
        return FW_ERR_RANGE;
    if (m->chunk_count != fw_mf_chunk_count(m->image_size, m->chunk_size)) return FW_ERR_RANGE;
    if (m->chunk_count > FW_MF_MAX_CHUNKS) return FW_ERR_RANGE;
    if (m->manifest_len != FW_MF_FIXED_LEN + FW_MF_HASH_LEN * m->chunk_count) return FW_ERR_RANGE;
    if (!str_ok(m->project, FW_MF_NAME_FIELD - 1, STR_TEXT)) return FW_ERR_FORMAT;
    if (!str_ok(m->version, FW_MF_NAME_FIELD - 1, STR_TEXT)) return FW_ERR_FORMAT;
    if (fw_mf_check_path(m->body_path, 0) != FW_OK) return FW_ERR_FORMAT;
    if (fw_mf_check_path(m->header_path, 1) != FW_OK) return FW_ERR_FORMAT;
    if (m->group_count > FW_MF_MAX_GROUPS) return FW_ERR_RANGE;
    for (unsigned g = 0; g < m->group_count; g++)
        if (fw_mf_check_group(m->groups[g]) != FW_OK) return FW_ERR_FORMAT;
    return FW_OK;
}

static int decode_groups(const uint8_t *buf, struct fw_manifest *m)
{
    m->group_count = 0;
    for (unsigned g = 0; g < FW_MF_MAX_GROUPS; g++) {
        const uint8_t *f = buf + FW_MF_OFF_GROUPS + g * FW_MF_GROUP_FIELD;
        int rc = field_copy(f, FW_MF_GROUP_FIELD, m->groups[g]);
        if (rc != FW_OK) return rc;
        if (m->groups[g][0] == 0) continue;
        if (m->group_count != g) return FW_ERR_FORMAT;   /* a used slot after an empty one */
        m->group_count = g + 1;
    }
    return FW_OK;
}

int fw_mf_decode_fixed(const uint8_t *buf, size_t len, struct fw_manifest *m)
{
    if (!buf || !m) return FW_ERR_INVALID_ARG;
    memset(m, 0, sizeof *m);
    size_t n = len < FW_MF_MAGIC_LEN ? len : FW_MF_MAGIC_LEN;
    if (memcmp(buf, FW_MF_MAGIC, n) != 0) return FW_ERR_MAGIC;
    if (len < FW_MF_FIXED_LEN) return FW_ERR_TRUNCATED;
    m->format_version = fw_dec16le(buf + FW_MF_OFF_FORMAT);
    if (m->format_version != FW_MF_FORMAT_VERSION) return FW_ERR_UNSUPPORTED;
    if (fw_dec16le(buf + FW_MF_OFF_FIXED_LEN) != FW_MF_FIXED_LEN) return FW_ERR_UNSUPPORTED;
    if (buf[FW_MF_OFF_FLAGS] != 0) return FW_ERR_UNSUPPORTED;
    if (!fw_all_zero(buf + FW_MF_OFF_RSVD60, 4) || !fw_all_zero(buf + FW_MF_OFF_RSVD496, 16))
        return FW_ERR_FORMAT;
    m->manifest_len = fw_dec32le(buf + FW_MF_OFF_MANIFEST_LEN);
    m->enc_scheme = buf[FW_MF_OFF_ENC_SCHEME];
    m->chip_id = fw_dec16le(buf + FW_MF_OFF_CHIP_ID);
    m->min_chip_rev = fw_dec16le(buf + FW_MF_OFF_MIN_CHIP_REV);
    m->rollout_bp = fw_dec16le(buf + FW_MF_OFF_ROLLOUT_BP);
    m->secure_version = fw_dec32le(buf + FW_MF_OFF_SECURE_VERSION);
    m->seq = fw_dec64le(buf + FW_MF_OFF_SEQ);
    m->issued = fw_dec64le(buf + FW_MF_OFF_ISSUED);
    m->expires = fw_dec64le(buf + FW_MF_OFF_EXPIRES);
    m->image_size = fw_dec32le(buf + FW_MF_OFF_IMAGE_SIZE);
    m->chunk_size = fw_dec32le(buf + FW_MF_OFF_CHUNK_SIZE);
    m->chunk_count = fw_dec32le(buf + FW_MF_OFF_CHUNK_COUNT);
    memcpy(m->image_sha256, buf + FW_MF_OFF_IMAGE_SHA256, FW_MF_HASH_LEN);
    memcpy(m->enc_iv, buf + FW_MF_OFF_ENC_IV, FW_MF_IV_LEN);
    memcpy(m->enc_tag, buf + FW_MF_OFF_ENC_TAG, FW_MF_TAG_LEN);
    memcpy(m->key_check, buf + FW_MF_OFF_KEY_CHECK, FW_MF_HASH_LEN);
    memcpy(m->rollout_seed, buf + FW_MF_OFF_ROLLOUT_SEED, FW_MF_SEED_LEN);
    int rc;
    if ((rc = field_copy(buf + FW_MF_OFF_PROJECT, FW_MF_NAME_FIELD, m->project)) != FW_OK ||
        (rc = field_copy(buf + FW_MF_OFF_VERSION, FW_MF_NAME_FIELD, m->version)) != FW_OK ||
        (rc = field_copy(buf + FW_MF_OFF_BODY_PATH, FW_MF_PATH_FIELD, m->body_path)) != FW_OK ||
        (rc = field_copy(buf + FW_MF_OFF_HEADER_PATH, FW_MF_PATH_FIELD, m->header_path)) != FW_OK ||
        (rc = decode_groups(buf, m)) != FW_OK)
        return rc;
    return check_fields(m);
}

uint32_t fw_mf_signed_len(const struct fw_manifest *m)
{
    return (uint32_t)fw_align_up(m->manifest_len, FW_MF_SIG_ALIGN);
}

uint32_t fw_mf_file_len(const struct fw_manifest *m)
{
    return fw_mf_signed_len(m) + FW_MF_SECTOR_LEN;
}

int fw_mf_decode(const uint8_t *buf, size_t len, struct fw_manifest *m)
{
    int rc = fw_mf_decode_fixed(buf, len, m);
    if (rc != FW_OK) return rc;
    uint32_t file_len = fw_mf_file_len(m);
    if (len < file_len) return FW_ERR_TRUNCATED;
    if (len > file_len) return FW_ERR_FORMAT;
    for (uint32_t i = m->manifest_len; i < fw_mf_signed_len(m); i++)
        if (buf[i] != 0xFF) return FW_ERR_FORMAT;
    return FW_OK;
}

const uint8_t *fw_mf_chunk_hash(const uint8_t *buf, size_t len, const struct fw_manifest *m, uint32_t i)
{
    if (!buf || !m || i >= m->chunk_count) return NULL;
    uint64_t end = (uint64_t)FW_MF_OFF_CHUNKS + ((uint64_t)i + 1) * FW_MF_HASH_LEN;
    if (end > len || end > m->manifest_len) return NULL;
    return buf + FW_MF_OFF_CHUNKS + (size_t)i * FW_MF_HASH_LEN;
}

int fw_mf_chunk_range(const struct fw_manifest *m, uint32_t i, uint32_t *off, uint32_t *n)
{
    if (!m || !off || !n) return FW_ERR_INVALID_ARG;
    if (i >= m->chunk_count) return FW_ERR_RANGE;
    uint64_t start = (uint64_t)i * m->chunk_size;
    if (start >= m->image_size) return FW_ERR_RANGE;
    uint64_t left = m->image_size - start;
    *off = (uint32_t)start;
    *n = (uint32_t)(left < m->chunk_size ? left : m->chunk_size);
    return FW_OK;
}

int fw_mf_encode_fixed(const struct fw_manifest *m, uint8_t out[FW_MF_FIXED_LEN])
{
    if (!m || !out) return FW_ERR_INVALID_ARG;
    int rc = check_fields(m);
    if (rc != FW_OK) return rc;
    memset(out, 0, FW_MF_FIXED_LEN);
    memcpy(out + FW_MF_OFF_MAGIC, FW_MF_MAGIC, FW_MF_MAGIC_LEN);
    fw_enc16le(out + FW_MF_OFF_FORMAT, m->format_version);
    fw_enc16le(out + FW_MF_OFF_FIXED_LEN, FW_MF_FIXED_LEN);
    fw_enc32le(out + FW_MF_OFF_MANIFEST_LEN, m->manifest_len);
    out[FW_MF_OFF_ENC_SCHEME] = m->enc_scheme;
    fw_enc16le(out + FW_MF_OFF_CHIP_ID, m->chip_id);
    fw_enc16le(out + FW_MF_OFF_MIN_CHIP_REV, m->min_chip_rev);
    fw_enc16le(out + FW_MF_OFF_ROLLOUT_BP, m->rollout_bp);
    fw_enc32le(out + FW_MF_OFF_SECURE_VERSION, m->secure_version);
    fw_enc64le(out + FW_MF_OFF_SEQ, m->seq);
    fw_enc64le(out + FW_MF_OFF_ISSUED, m->issued);
    fw_enc64le(out + FW_MF_OFF_EXPIRES, m->expires);
    fw_enc32le(out + FW_MF_OFF_IMAGE_SIZE, m->image_size);
    fw_enc32le(out + FW_MF_OFF_CHUNK_SIZE, m->chunk_size);
    fw_enc32le(out + FW_MF_OFF_CHUNK_COUNT, m->chunk_count);
    memcpy(out + FW_MF_OFF_IMAGE_SHA256, m->image_sha256, FW_MF_HASH_LEN);
    memcpy(out + FW_MF_OFF_ENC_IV, m->enc_iv, FW_MF_IV_LEN);
    memcpy(out + FW_MF_OFF_ENC_TAG, m->enc_tag, FW_MF_TAG_LEN);
    memcpy(out + FW_MF_OFF_KEY_CHECK, m->key_check, FW_MF_HASH_LEN);
    memcpy(out + FW_MF_OFF_ROLLOUT_SEED, m->rollout_seed, FW_MF_SEED_LEN);
    field_put(out + FW_MF_OFF_PROJECT, FW_MF_NAME_FIELD, m->project);
    field_put(out + FW_MF_OFF_VERSION, FW_MF_NAME_FIELD, m->version);
    field_put(out + FW_MF_OFF_BODY_PATH, FW_MF_PATH_FIELD, m->body_path);
    field_put(out + FW_MF_OFF_HEADER_PATH, FW_MF_PATH_FIELD, m->header_path);
    for (unsigned g = 0; g < m->group_count; g++)
        field_put(out + FW_MF_OFF_GROUPS + g * FW_MF_GROUP_FIELD, FW_MF_GROUP_FIELD, m->groups[g]);
    return FW_OK;
}

int fw_mf_header_path(const struct fw_manifest *m, const char *id, char *out, size_t outlen)
{
    if (!m || !out || !outlen) return FW_ERR_INVALID_ARG;
    if (fw_mf_check_device_id(id) != FW_OK) return FW_ERR_FORMAT;
    const char *tok = strstr(m->header_path, FW_MF_ID_TOKEN);
    if (!tok) return FW_ERR_FORMAT;
    size_t pre = (size_t)(tok - m->header_path), idl = strlen(id);
    const char *post = tok + sizeof FW_MF_ID_TOKEN - 1;
    size_t need = pre + idl + strlen(post) + 1;
    if (need > outlen) return FW_ERR_NO_SPACE;
    memcpy(out, m->header_path, pre);
    memcpy(out + pre, id, idl);
    memcpy(out + pre + idl, post, strlen(post) + 1);
    return FW_OK;
}

uint32_t fw_mf_rollout_bucket(const uint8_t seed[FW_MF_SEED_LEN], const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;               /* FNV-1a 64 offset basis */
    for (size_t i = 0; i < FW_MF_SEED_LEN; i++) h = (h ^ seed[i]) * 0x100000001b3ull;
    for (const char *p = id; p && *p; p++) h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    h ^= h >> 33;                                      /* MurmurHash3 fmix64 */
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)(h % FW_MF_ROLLOUT_ALL);
}

const char *fw_mf_enc_scheme_name(int scheme)
{
    switch (scheme) {
    case FW_MF_ENC_RSA3072: return "rsa3072";
    case FW_MF_ENC_ECIES_P256: return "ecies-p256";
    case FW_MF_ENC_ECIES_P256_SHARED: return "ecies-p256-shared";
    default: return "unknown";
    }
}
