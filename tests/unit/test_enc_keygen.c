/* SPDX-License-Identifier: Apache-2.0 */
/* Key generation for encryption: ECIES HMAC keys, XTS keys, nvs_keys image
 * (FORMATS §3.4, §5.10, Appendix A.4). */
#include "testutil.h"

#include <openssl/evp.h>

#include "encryptor/fwh_ecies.h"
#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_encimg.h"
#include "encryptor/fwh_keygen_enc.h"
#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

static void nvs_keys_matches_vector(void **state)
{
    (void)state;
    size_t n;
    uint8_t *v = tu_read(tu_vector("nvs/nvs_keys.bin"), &n), out[FWH_NVS_KEYS_SIZE];
    assert_int_equal(n, FWH_NVS_KEYS_SIZE);
    fwh_nvs_keys_encode(v, v + 32, out);
    assert_memory_equal(out, v, FWH_NVS_KEYS_SIZE);
    free(v);
}

static void nvs_keys_a4_crc(void **state)
{
    (void)state;
    uint8_t e[32], t[32], out[FWH_NVS_KEYS_SIZE];
    memset(e, 0x11, 32);
    memset(t, 0x22, 32);
    fwh_nvs_keys_encode(e, t, out);
    assert_int_equal(fw_dec32le(out + 64), 0x3CCFEF2Cu);
    for (size_t i = 68; i < FWH_NVS_KEYS_SIZE; i++) assert_int_equal(out[i], 0xFF);
}

static void nvs_keys_random(void **state)
{
    (void)state;
    uint8_t a[FWH_NVS_KEYS_SIZE], b[FWH_NVS_KEYS_SIZE];
    assert_int_equal(fwh_keygen_nvs_keys(a), FW_OK);
    assert_int_equal(fwh_keygen_nvs_keys(b), FW_OK);
    assert_memory_not_equal(a, b, 64);
    assert_int_equal(fw_dec32le(a + 64), fw_crc32_esp(a, 64));
    assert_int_equal(a[68], 0xFF);
    assert_int_equal(a[4095], 0xFF);
}

static void xts_random(void **state)
{
    (void)state;
    uint8_t a[64], b[64];
    assert_int_equal(fwh_keygen_random(a, 64), FW_OK);
    assert_int_equal(fwh_keygen_random(b, 64), FW_OK);
    assert_memory_not_equal(a, b, 64);
}

/* A generated key pair works end to end: encrypt to the public key,
 * decrypt with the HMAC key; the PEM round-trips. */
static void ecies_keygen_end_to_end(void **state)
{
    (void)state;
    uint8_t hmac[32];
    EVP_PKEY *dev = NULL, *again = NULL, *pub = NULL;
    assert_int_equal(fwh_keygen_ecies_p256(hmac, &dev), FW_OK);
    assert_int_equal(fwh_ecies_device_key(hmac, &again), FW_OK);
    assert_int_equal(EVP_PKEY_eq(dev, again), 1);
    char *pem = NULL;
    size_t pn = 0;
    assert_int_equal(fwh_enckey_pub_to_pem(dev, &pem, &pn), FW_OK);
    assert_non_null(strstr(pem, "BEGIN PUBLIC KEY"));
    assert_null(strstr(pem, "PRIVATE"));
    assert_int_equal(fwh_enckey_pub_from_pem((uint8_t *)pem, pn, &pub), FW_OK);
    assert_int_equal(EVP_PKEY_eq(pub, dev), 1);

    struct fwh_encimg_enc e;
    uint8_t msg[40] = "firmware", ct[40], hdr[512], pt[40];
    assert_int_equal(fwh_encimg_enc_begin(&e, pub), FW_OK);
    assert_int_equal(fwh_encimg_enc_update(&e, msg, sizeof msg, ct), FW_OK);
    assert_int_equal(fwh_encimg_enc_finish(&e, hdr), FW_OK);
    fwh_encimg_enc_free(&e);
    struct fw_enc_header h;
    assert_int_equal(fw_enc_header_decode(hdr, sizeof hdr, &h), FW_OK);
    struct fwh_encimg_key k = {.scheme = FW_ENC_SCHEME_ECIES_P256};
    memcpy(k.hmac_key, hmac, 32);
    struct fwh_encimg_dec d;
    assert_int_equal(fwh_encimg_dec_begin(&d, &k, &h), FW_OK);
    assert_int_equal(fwh_encimg_dec_update(&d, ct, sizeof ct, pt), FW_OK);
    assert_int_equal(fwh_encimg_dec_finish(&d), FW_OK);
    fwh_encimg_dec_free(&d);
    assert_memory_equal(pt, msg, sizeof msg);
    free(pem);
    EVP_PKEY_free(dev);
    EVP_PKEY_free(again);
    EVP_PKEY_free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nvs_keys_matches_vector),
        cmocka_unit_test(nvs_keys_a4_crc),
        cmocka_unit_test(nvs_keys_random),
        cmocka_unit_test(xts_random),
        cmocka_unit_test(ecies_keygen_end_to_end),
    };
    return cmocka_run_group_tests_name("enc_keygen", tests, NULL, NULL);
}
