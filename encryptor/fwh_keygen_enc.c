/* SPDX-License-Identifier: Apache-2.0 */
#include "encryptor/fwh_keygen_enc.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "encryptor/fwh_ecies.h"
#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

int fwh_keygen_random(uint8_t *out, size_t n)
{
    if (n > 0x7FFFFFFF) return FW_ERR_INVALID_ARG;
    return RAND_priv_bytes(out, (int)n) == 1 ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_keygen_ecies_p256(uint8_t hmac_key[32], EVP_PKEY **dev_pub)
{
    /* Each try fails with probability ~2^-32; 64 failures mean a broken RNG. */
    for (int tries = 0; tries < 64; tries++) {
        if (fwh_keygen_random(hmac_key, 32) != FW_OK) break;
        int rc = fwh_ecies_device_key(hmac_key, dev_pub);
        if (rc == FW_OK) return FW_OK;
        if (rc != FW_ERR_KEY) break;
    }
    OPENSSL_cleanse(hmac_key, 32);
    return FW_ERR_CRYPTO;
}

void fwh_nvs_keys_encode(const uint8_t eky[32], const uint8_t tky[32], uint8_t out[FWH_NVS_KEYS_SIZE])
{
    memset(out, 0xFF, FWH_NVS_KEYS_SIZE);
    memcpy(out, eky, 32);
    memcpy(out + 32, tky, 32);
    fw_enc32le(out + 64, fw_crc32_esp(out, 64));
}

int fwh_keygen_nvs_keys(uint8_t out[FWH_NVS_KEYS_SIZE])
{
    uint8_t k[64];
    int rc = fwh_keygen_random(k, sizeof k);
    if (rc == FW_OK) fwh_nvs_keys_encode(k, k + 32, out);
    OPENSSL_cleanse(k, sizeof k);
    return rc;
}
