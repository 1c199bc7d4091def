/* SPDX-License-Identifier: Apache-2.0 */
/* Manifest binding checks (see fw_mf_bind.h). */
#include "fw_mf_bind.h"

#include "fw_bytes.h"
#include "fw_enc_ext.h"
#include "fw_err.h"

int fw_mf_header_matches(const struct fw_manifest *m, const struct fw_enc_header *h)
{
    if (!m || !h) return FW_ERR_INVALID_ARG;
    if (h->bin_size != m->image_size) return FW_ERR_RANGE;
    int same = fw_ct_equal(h->iv, m->enc_iv, FW_MF_IV_LEN) & fw_ct_equal(h->tag, m->enc_tag, FW_MF_TAG_LEN);
    if (!same) return FW_ERR_DIGEST;
    int ext = fw_enc_ext_present(h);
    if (m->enc_scheme == FW_MF_ENC_ECIES_P256_SHARED) return ext ? FW_OK : FW_ERR_FORMAT;
    return ext ? FW_ERR_FORMAT : FW_OK;
}

int fw_mf_key_matches(const struct fw_manifest *m, const uint8_t key_check[FW_MF_HASH_LEN])
{
    if (!m || !key_check) return FW_ERR_INVALID_ARG;
    return fw_ct_equal(key_check, m->key_check, FW_MF_HASH_LEN) ? FW_OK : FW_ERR_KEY;
}

int fw_mf_chunk_matches(const struct fw_manifest *m, const uint8_t *buf, size_t len, uint32_t i,
                        const uint8_t hash[FW_MF_HASH_LEN])
{
    if (!m || !buf || !hash) return FW_ERR_INVALID_ARG;
    const uint8_t *want = fw_mf_chunk_hash(buf, len, m, i);
    if (!want) return FW_ERR_RANGE;
    return fw_ct_equal(want, hash, FW_MF_HASH_LEN) ? FW_OK : FW_ERR_DIGEST;
}

int fw_mf_image_matches(const struct fw_manifest *m, uint64_t size, const uint8_t sha256[FW_MF_HASH_LEN])
{
    if (!m || !sha256) return FW_ERR_INVALID_ARG;
    if (size != m->image_size) return FW_ERR_RANGE;
    return fw_ct_equal(sha256, m->image_sha256, FW_MF_HASH_LEN) ? FW_OK : FW_ERR_DIGEST;
}
