/* SPDX-License-Identifier: Apache-2.0 */
/* "FWSX" shared-body ECIES header extension codec (docs/formats.md §9). */
#include "fw_enc_ext.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"

/* Offsets inside the 384-byte key area (header offset - 4); private, like
 * every layout number of a codec whose users go through its functions. */
enum {
    EXT_AT = FW_ENC_OFF_ECIES_ZERO - FW_ENC_OFF_KEY_AREA,   /* header 100 */
    EXT_VERSION_AT = EXT_AT + FW_ENC_EXT_MAGIC_LEN,          /* header 104 */
    EXT_PAD_AT = EXT_VERSION_AT + 1,                         /* header 105..107 */
    EXT_WRAP_IV_AT = EXT_VERSION_AT + 4,                     /* header 108 */
    EXT_WRAPPED_AT = EXT_WRAP_IV_AT + FW_ENC_EXT_WRAP_IV_SIZE,   /* header 124 */
    EXT_TAG_AT = EXT_WRAPPED_AT + FW_ENC_EXT_WRAPPED_SIZE,       /* header 156 */
    EXT_ZERO_AT = EXT_TAG_AT + FW_ENC_EXT_WRAP_TAG_SIZE,         /* header 172..387 */
};

int fw_enc_ext_present(const struct fw_enc_header *h)
{
    return h && memcmp(h->key_area + EXT_AT, FW_ENC_EXT_MAGIC, FW_ENC_EXT_MAGIC_LEN) == 0;
}

int fw_enc_ext_decode(const struct fw_enc_header *h, struct fw_enc_ext *x)
{
    if (!h || !x) return FW_ERR_INVALID_ARG;
    if (!fw_enc_ext_present(h)) return FW_ERR_NOT_FOUND;
    if (h->key_area[EXT_VERSION_AT] != FW_ENC_EXT_VERSION) return FW_ERR_UNSUPPORTED;
    if (!fw_all_zero(h->key_area + EXT_PAD_AT, 3) ||
        !fw_all_zero(h->key_area + EXT_ZERO_AT, FW_ENC_KEY_AREA_SIZE - EXT_ZERO_AT) ||
        !fw_all_zero(h->reserved, FW_ENC_RESERVED_SIZE))
        return FW_ERR_FORMAT;
    memcpy(x->wrap_iv, h->key_area + EXT_WRAP_IV_AT, sizeof x->wrap_iv);
    memcpy(x->wrapped, h->key_area + EXT_WRAPPED_AT, sizeof x->wrapped);
    memcpy(x->wrap_tag, h->key_area + EXT_TAG_AT, sizeof x->wrap_tag);
    return FW_OK;
}

void fw_enc_ext_encode(struct fw_enc_header *h, const struct fw_enc_ext *x)
{
    memset(h->key_area + EXT_AT, 0, FW_ENC_KEY_AREA_SIZE - EXT_AT);
    memcpy(h->key_area + EXT_AT, FW_ENC_EXT_MAGIC, FW_ENC_EXT_MAGIC_LEN);
    h->key_area[EXT_VERSION_AT] = FW_ENC_EXT_VERSION;
    memcpy(h->key_area + EXT_WRAP_IV_AT, x->wrap_iv, sizeof x->wrap_iv);
    memcpy(h->key_area + EXT_WRAPPED_AT, x->wrapped, sizeof x->wrapped);
    memcpy(h->key_area + EXT_TAG_AT, x->wrap_tag, sizeof x->wrap_tag);
}
