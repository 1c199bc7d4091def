/* SPDX-License-Identifier: Apache-2.0 */
#include "fw_enc_header.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

static const uint8_t magic_bytes[4] = {0xCF, 0xB6, 0x88, 0x07};

const uint8_t fw_enc_ecies_fixed_salt[32] = {
    0x0e, 0x21, 0x60, 0x64, 0x2d, 0xae, 0x76, 0xd3, 0x34, 0x48, 0xe4, 0x3d, 0x77, 0x20, 0x12, 0x3d,
    0x9f, 0x3b, 0x1e, 0xce, 0xb8, 0x8e, 0x57, 0x3a, 0x4e, 0x8f, 0x7f, 0xb9, 0x4f, 0xf0, 0xc8, 0x69,
};

const char *fw_enc_scheme_name(int scheme)
{
    switch (scheme) {
    case FW_ENC_SCHEME_RSA3072: return "rsa3072";
    case FW_ENC_SCHEME_ECIES_P256: return "ecies-p256";
    default: return "unknown";
    }
}

int fw_enc_check_magic(const uint8_t *buf, size_t len)
{
    if (!buf && len) return FW_ERR_INVALID_ARG;
    size_t n = len < 4 ? len : 4;
    for (size_t i = 0; i < n; i++)
        if (buf[i] != magic_bytes[i]) return FW_ERR_MAGIC;
    return len < 4 ? FW_ERR_TRUNCATED : FW_OK;
}

int fw_enc_header_decode(const uint8_t *buf, size_t len, struct fw_enc_header *h)
{
    if (!buf || !h) return FW_ERR_INVALID_ARG;
    int rc = fw_enc_check_magic(buf, len);
    if (rc != FW_OK) return rc;
    if (len < FW_ENC_HEADER_SIZE) return FW_ERR_TRUNCATED;
    memcpy(h->key_area, buf + FW_ENC_OFF_KEY_AREA, FW_ENC_KEY_AREA_SIZE);
    memcpy(h->iv, buf + FW_ENC_OFF_IV, FW_ENC_IV_SIZE);
    h->bin_size = fw_dec32le(buf + FW_ENC_OFF_BIN_SIZE);
    memcpy(h->tag, buf + FW_ENC_OFF_TAG, FW_ENC_TAG_SIZE);
    memcpy(h->reserved, buf + FW_ENC_OFF_RESERVED, FW_ENC_RESERVED_SIZE);
    return FW_OK;
}

void fw_enc_header_encode(const struct fw_enc_header *h, uint8_t out[FW_ENC_HEADER_SIZE])
{
    fw_enc32le(out + FW_ENC_OFF_MAGIC, FW_ENC_MAGIC);
    memcpy(out + FW_ENC_OFF_KEY_AREA, h->key_area, FW_ENC_KEY_AREA_SIZE);
    memcpy(out + FW_ENC_OFF_IV, h->iv, FW_ENC_IV_SIZE);
    fw_enc32le(out + FW_ENC_OFF_BIN_SIZE, h->bin_size);
    memcpy(out + FW_ENC_OFF_TAG, h->tag, FW_ENC_TAG_SIZE);
    memcpy(out + FW_ENC_OFF_RESERVED, h->reserved, FW_ENC_RESERVED_SIZE);
}

static void init_common(struct fw_enc_header *h, const uint8_t iv[FW_ENC_IV_SIZE], uint32_t bin_size)
{
    memset(h, 0, sizeof *h);
    memcpy(h->iv, iv, FW_ENC_IV_SIZE);
    h->bin_size = bin_size;
}

void fw_enc_header_init_rsa(struct fw_enc_header *h, const uint8_t wrapped[FW_ENC_RSA_WRAPPED_SIZE],
                            const uint8_t iv[FW_ENC_IV_SIZE], uint32_t bin_size)
{
    init_common(h, iv, bin_size);
    memcpy(h->key_area, wrapped, FW_ENC_RSA_WRAPPED_SIZE);
}

void fw_enc_header_init_ecies(struct fw_enc_header *h, const uint8_t server_pub[FW_ENC_SERVER_PUB_SIZE],
                              const uint8_t kdf_salt[FW_ENC_KDF_SALT_SIZE],
                              const uint8_t iv[FW_ENC_IV_SIZE], uint32_t bin_size)
{
    init_common(h, iv, bin_size);
    memcpy(h->key_area + (FW_ENC_OFF_SERVER_PUB - FW_ENC_OFF_KEY_AREA), server_pub, FW_ENC_SERVER_PUB_SIZE);
    memcpy(h->key_area + (FW_ENC_OFF_KDF_SALT - FW_ENC_OFF_KEY_AREA), kdf_salt, FW_ENC_KDF_SALT_SIZE);
}

int fw_enc_header_check_size(const struct fw_enc_header *h, uint32_t min_size, uint32_t max_size)
{
    if (!h) return FW_ERR_INVALID_ARG;
    if (h->bin_size < min_size || h->bin_size > max_size) return FW_ERR_RANGE;
    return FW_OK;
}

int fw_enc_check_total_len(const struct fw_enc_header *h, uint64_t total_len)
{
    if (!h) return FW_ERR_INVALID_ARG;
    uint64_t want = (uint64_t)FW_ENC_HEADER_SIZE + h->bin_size; /* cannot overflow: u32 + 512 */
    if (total_len < want) return FW_ERR_TRUNCATED;
    if (total_len > want) return FW_ERR_FORMAT;
    return FW_OK;
}

int fw_enc_looks_like_ecies(const struct fw_enc_header *h)
{
    return fw_all_zero(h->key_area + (FW_ENC_OFF_ECIES_ZERO - FW_ENC_OFF_KEY_AREA), FW_ENC_ECIES_ZERO_SIZE);
}

int fw_enc_header_check_strict(const struct fw_enc_header *h, int scheme)
{
    if (!h) return FW_ERR_INVALID_ARG;
    if (scheme != FW_ENC_SCHEME_RSA3072 && scheme != FW_ENC_SCHEME_ECIES_P256) return FW_ERR_INVALID_ARG;
    if (!fw_all_zero(h->reserved, FW_ENC_RESERVED_SIZE)) return FW_ERR_FORMAT;
    if (scheme == FW_ENC_SCHEME_ECIES_P256 && !fw_enc_looks_like_ecies(h)) return FW_ERR_FORMAT;
    return FW_OK;
}

void fw_enc_hdr_acc_init(struct fw_enc_hdr_acc *a)
{
    memset(a, 0, sizeof *a);
}

int fw_enc_hdr_acc_feed(struct fw_enc_hdr_acc *a, const uint8_t *data, size_t len, size_t *used,
                        struct fw_enc_header *h)
{
    if (!a || !used || !h || (!data && len)) return FW_ERR_INVALID_ARG;
    *used = 0;
    if (a->have >= FW_ENC_HEADER_SIZE) return FW_ERR_STATE;
    size_t take = FW_ENC_HEADER_SIZE - a->have;
    if (take > len) take = len;
    memcpy(a->buf + a->have, data, take);
    a->have += take;
    *used = take;
    int rc = fw_enc_check_magic(a->buf, a->have);
    if (rc == FW_ERR_MAGIC) return rc;
    if (a->have < FW_ENC_HEADER_SIZE) return 0;
    rc = fw_enc_header_decode(a->buf, a->have, h);
    return rc == FW_OK ? 1 : rc;
}
