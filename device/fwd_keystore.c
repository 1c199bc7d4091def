/* SPDX-License-Identifier: Apache-2.0 */
/* Peripheral-held keys: PBKDF2 over the HMAC peripheral, PKCS#1 v1.5 unwrap
 * over a raw RSA private operation (see fwd_keystore.h). */
#include "device/fwd_keystore.h"

#include <string.h>

#include "device/fwd_crypto.h"
#include "fw_bytes.h"

static const char rejection_label[] = "fwseal rsa implicit rejection ds v1";

int fwd_ks_pbkdf2_sha256(const struct fwd_keystore *ks, const uint8_t *salt, size_t salt_len, uint32_t iterations,
                         uint8_t *out, size_t out_len)
{
    if (!ks || !ks->hmac_sha256) return FW_ERR_KEY;
    if (!out || out_len == 0 || out_len > FWD_SHA256_LEN || iterations == 0 || salt_len > 64 || (!salt && salt_len))
        return FW_ERR_INVALID_ARG;
    uint8_t msg[64 + 4], u[FWD_SHA256_LEN], next[FWD_SHA256_LEN], t[FWD_SHA256_LEN];
    if (salt_len) memcpy(msg, salt, salt_len);
    fw_enc32be(msg + salt_len, 1);                  /* block index 1: one block is enough */
    int rc = ks->hmac_sha256(ks->ctx, msg, salt_len + 4, u);
    memcpy(t, u, sizeof t);
    for (uint32_t i = 1; i < iterations && rc == FW_OK; i++) {
        rc = ks->hmac_sha256(ks->ctx, u, sizeof u, next);   /* no aliasing asked of a driver */
        memcpy(u, next, sizeof u);
        for (size_t j = 0; j < sizeof t; j++) t[j] ^= u[j];
    }
    if (rc == FW_OK) memcpy(out, t, out_len);
    fw_wipe(u, sizeof u);
    fw_wipe(next, sizeof next);
    fw_wipe(t, sizeof t);
    fw_wipe(msg, sizeof msg);
    return rc;
}

static int rsa_ok(const struct fwd_keystore *ks, size_t rsa_len)
{
    return ks && ks->rsa_private && ks->rsa_len == rsa_len && rsa_len >= 64 && rsa_len <= FWD_KEYSTORE_RSA_MAX;
}

int fwd_ks_rsa_rejection_secret(const struct fwd_keystore *ks, size_t rsa_len, uint8_t secret[32])
{
    if (!rsa_ok(ks, rsa_len)) return FW_ERR_KEY;
    uint8_t block[FWD_KEYSTORE_RSA_MAX] = { 0 }, res[FWD_KEYSTORE_RSA_MAX];
    memcpy(block + 1, rejection_label, sizeof rejection_label - 1);   /* leading 0x00: below n */
    int rc = ks->rsa_private(ks->ctx, block, res, rsa_len);
    if (rc == FW_OK)
        rc = fwd_hmac_sha256(res, rsa_len, (const uint8_t *)rejection_label, sizeof rejection_label - 1, secret);
    fw_wipe(res, sizeof res);
    return rc;
}

/* 0xFF if x == 0 else 0x00, without a branch. */
static uint8_t ct_is_zero(uint8_t x)
{
    return (uint8_t)(((unsigned)x - 1u) >> 8);
}

int fwd_ks_rsa_unwrap(const struct fwd_keystore *ks, const uint8_t secret[32], const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t out_len)
{
    if (!rsa_ok(ks, in_len) || !secret || !in || !out || out_len == 0 || out_len > 32 || in_len < out_len + 11)
        return FW_ERR_INVALID_ARG;
    uint8_t em[FWD_KEYSTORE_RSA_MAX] = { 0 }, fake[32];   /* defined even if the peripheral fails */
    int rc = fwd_hmac_sha256(secret, 32, in, in_len, fake);
    if (rc != FW_OK) return FW_ERR_CRYPTO;
    /* A peripheral error (e.g. c >= n, public knowledge) is one more bad block. */
    uint8_t good = ct_is_zero((uint8_t)(ks->rsa_private(ks->ctx, in, em, in_len) != FW_OK));
    /* EM = 0x00 || 0x02 || PS (non-zero, in_len - out_len - 3 >= 8 bytes) || 0x00 || M[out_len]. */
    size_t sep = in_len - out_len - 1;
    good &= ct_is_zero(em[0]) & ct_is_zero((uint8_t)(em[1] ^ 0x02)) & ct_is_zero(em[sep]);
    for (size_t i = 2; i < sep; i++) good &= (uint8_t)~ct_is_zero(em[i]);
    for (size_t i = 0; i < out_len; i++) out[i] = (uint8_t)((em[sep + 1 + i] & good) | (fake[i] & (uint8_t)~good));
    fw_wipe(em, sizeof em);
    fw_wipe(fake, sizeof fake);
    return FW_OK;
}
