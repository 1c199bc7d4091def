/* SPDX-License-Identifier: Apache-2.0 */
#include "fw_nvs.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

uint32_t fw_nvs_page_hdr_crc(const uint8_t hdr[32])
{
    return fw_crc32_esp(hdr + 4, 24); /* state excluded: it changes in place */
}

void fw_nvs_page_hdr_encode(uint8_t out[32], uint32_t state, uint32_t seq)
{
    memset(out, 0xFF, 32);
    fw_enc32le(out, state);
    fw_enc32le(out + 4, seq);
    out[8] = FW_NVS_VERSION_V2;
    fw_enc32le(out + 28, fw_nvs_page_hdr_crc(out));
}

void fw_nvs_page_hdr_decode(const uint8_t in[32], struct fw_nvs_page_hdr *h)
{
    h->state = fw_dec32le(in);
    h->seq = fw_dec32le(in + 4);
    h->version = in[8];
    h->crc = fw_dec32le(in + 28);
}

int fw_nvs_page_hdr_crc_ok(const uint8_t hdr[32])
{
    return fw_dec32le(hdr + 28) == fw_nvs_page_hdr_crc(hdr);
}

uint32_t fw_nvs_entry_crc(const uint8_t e[32])
{
    uint32_t c = fw_crc32_le(0xFFFFFFFFu, e, 4);
    return fw_crc32_le(c, e + 8, 24);
}

int fw_nvs_entry_crc_ok(const uint8_t e[32])
{
    return fw_dec32le(e + 4) == fw_nvs_entry_crc(e);
}

void fw_nvs_entry_seal(uint8_t e[32])
{
    fw_enc32le(e + 4, fw_nvs_entry_crc(e));
}

void fw_nvs_entry_decode(const uint8_t e[32], struct fw_nvs_entry *out)
{
    out->ns = e[0];
    out->type = e[1];
    out->span = e[2];
    out->chunk = e[3];
    out->crc = fw_dec32le(e + 4);
    memcpy(out->key, e + 8, 16);
    out->key[15] = 0; /* a 16-char key is rejected by key_ok; never overrun */
    memcpy(out->data, e + 24, 8);
}

void fw_nvs_entry_init(uint8_t e[32], uint8_t ns, uint8_t type, uint8_t span, uint8_t chunk, const char *key)
{
    memset(e, 0xFF, 32);
    e[0] = ns;
    e[1] = type;
    e[2] = span;
    e[3] = chunk;
    memset(e + 8, 0, 16);
    size_t n = strlen(key);
    memcpy(e + 8, key, n > FW_NVS_KEY_MAX ? FW_NVS_KEY_MAX : n);
}

int fw_nvs_entry_key_ok(const uint8_t e[32])
{
    return memchr(e + 8, 0, 16) != NULL;
}

int fw_nvs_type_is_primitive(uint8_t t)
{
    switch (t) {
    case FW_NVS_U8: case FW_NVS_I8: case FW_NVS_U16: case FW_NVS_I16:
    case FW_NVS_U32: case FW_NVS_I32: case FW_NVS_U64: case FW_NVS_I64:
        return 1;
    default:
        return 0;
    }
}

int fw_nvs_type_is_varlen(uint8_t t)
{
    return t == FW_NVS_SZ || t == FW_NVS_BLOB || t == FW_NVS_BLOB_DATA;
}

int fw_nvs_type_known(uint8_t t)
{
    return fw_nvs_type_is_primitive(t) || fw_nvs_type_is_varlen(t) || t == FW_NVS_BLOB_IDX;
}

static const struct { uint8_t t; const char *n; } type_names[] = {
    { FW_NVS_U8, "u8" }, { FW_NVS_I8, "i8" }, { FW_NVS_U16, "u16" }, { FW_NVS_I16, "i16" },
    { FW_NVS_U32, "u32" }, { FW_NVS_I32, "i32" }, { FW_NVS_U64, "u64" }, { FW_NVS_I64, "i64" },
    { FW_NVS_SZ, "string" }, { FW_NVS_BLOB_IDX, "blob" }, { FW_NVS_BLOB, "blob" },
};

const char *fw_nvs_type_name(uint8_t t)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (type_names[i].t == t) return type_names[i].n;
    return NULL;
}

int fw_nvs_type_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (!strcmp(type_names[i].n, name)) return type_names[i].t;
    return -1;
}

static int all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF) return 0;
    return 1;
}

int fw_nvs_keys_parse(const uint8_t raw[FW_NVS_KEYS_RECORD_LEN], const uint8_t dec[FW_NVS_KEYS_RECORD_LEN],
                      uint8_t keys[FW_NVS_KEYS_LEN])
{
    if (all_ff(raw, FW_NVS_KEYS_RECORD_LEN)) return FW_ERR_STATE;
    if (fw_crc32_esp(dec, FW_NVS_KEYS_LEN) != fw_dec32le(dec + FW_NVS_KEYS_LEN)) {
        /* decrypted content that looks erased is "not initialised" too */
        return all_ff(dec, FW_NVS_KEYS_RECORD_LEN) ? FW_ERR_STATE : FW_ERR_CRC;
    }
    memcpy(keys, dec, FW_NVS_KEYS_LEN);
    return FW_OK;
}

void fw_nvs_keys_build(const uint8_t keys[FW_NVS_KEYS_LEN], uint8_t out[FW_NVS_KEYS_IMAGE_LEN])
{
    memset(out, 0xFF, FW_NVS_KEYS_IMAGE_LEN);
    memcpy(out, keys, FW_NVS_KEYS_LEN);
    fw_enc32le(out + FW_NVS_KEYS_LEN, fw_crc32_esp(keys, FW_NVS_KEYS_LEN));
}
