/* SPDX-License-Identifier: Apache-2.0 */
/* What a manifest binds (common/fw_mf_bind, docs/formats.md §8.5): the
 * fields a device checks what it downloads against — bin_size, IV, tag and
 * layout of its header, the key check, every chunk hash, the image size and
 * SHA-256 — each with an accepted and a refused value, on a real release made
 * by the host code (encryptor/fwh_fleet). */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "encryptor/fwh_enckey.h"
#include "encryptor/fwh_fleet.h"
#include "fw_enc_ext.h"
#include "fw_err.h"
#include "fw_manifest.h"
#include "fw_mf_bind.h"

#define SIZE 9000u

static uint8_t plain[SIZE], body[SIZE], mbuf[FW_MF_FIXED_LEN + 3 * 32];
static uint8_t hashes[3][32];
static struct fw_manifest m;
static struct fwh_fleet_content content;
static EVP_PKEY *rsa_pub, *ecc_pub;

static EVP_PKEY *load_pub(const char *rel)
{
    size_t n;
    uint8_t *pem = tu_read(tu_vector(rel), &n);
    EVP_PKEY *pk = NULL;
    assert_int_equal(fwh_enckey_pub_from_pem(pem, n, &pk), FW_OK);
    free(pem);
    return pk;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    unsigned l = 0;
    assert_int_equal(EVP_Digest(p, n, out, &l, EVP_sha256(), NULL), 1);
}

/* A release of `plain` in chunks of 4096 and its manifest fields. */
static int setup(void **state)
{
    (void)state;
    rsa_pub = load_pub("pre_encrypted/rsa/rsa_pub_key.pem");
    ecc_pub = load_pub("pre_encrypted/ecc/device_pub_key.pem");
    assert_int_equal(RAND_bytes(plain, sizeof plain), 1);
    struct fwh_fleet_enc e;
    assert_int_equal(fwh_fleet_content_new(&content), FW_OK);
    assert_int_equal(fwh_fleet_enc_begin(&e, &content, 4096, hashes, 3), FW_OK);
    assert_int_equal(fwh_fleet_enc_update(&e, plain, SIZE, body), FW_OK);
    assert_int_equal(fwh_fleet_enc_finish(&e, &content), FW_OK);
    memset(&m, 0, sizeof m);
    m.format_version = 1;
    m.enc_scheme = FW_MF_ENC_RSA3072;
    m.seq = 1;
    m.expires = 2;
    m.image_size = content.size;
    m.chunk_size = 4096;
    m.chunk_count = content.chunk_count;
    m.manifest_len = FW_MF_FIXED_LEN + 32 * m.chunk_count;
    memcpy(m.image_sha256, content.image_sha256, 32);
    memcpy(m.enc_iv, content.iv, 16);
    memcpy(m.enc_tag, content.tag, 16);
    memcpy(m.key_check, content.key_check, 32);
    strcpy(m.project, "p");
    strcpy(m.version, "1");
    strcpy(m.body_path, "b.bin");
    strcpy(m.header_path, "{id}.hdr");
    assert_int_equal(fw_mf_encode_fixed(&m, mbuf), FW_OK);
    memcpy(mbuf + FW_MF_FIXED_LEN, hashes, 32 * m.chunk_count);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fwh_fleet_content_wipe(&content);
    EVP_PKEY_free(rsa_pub);
    EVP_PKEY_free(ecc_pub);
    return 0;
}

static void header(EVP_PKEY *pub, struct fw_enc_header *h)
{
    uint8_t raw[512];
    assert_int_equal(fwh_fleet_header(pub, &content, raw), FW_OK);
    assert_int_equal(fw_enc_header_decode(raw, sizeof raw, h), FW_OK);
}

static void header_fields(void **state)
{
    (void)state;
    struct fw_enc_header h, x;
    header(rsa_pub, &h);
    assert_int_equal(fw_mf_header_matches(&m, &h), FW_OK);
    x = h; x.bin_size++;
    assert_int_equal(fw_mf_header_matches(&m, &x), FW_ERR_RANGE);
    x = h; x.iv[15] ^= 1;
    assert_int_equal(fw_mf_header_matches(&m, &x), FW_ERR_DIGEST);
    x = h; x.tag[0] ^= 1;
    assert_int_equal(fw_mf_header_matches(&m, &x), FW_ERR_DIGEST);
    /* layout: an FWSX header in an RSA release, a stock one in a shared release */
    struct fw_enc_header e;
    header(ecc_pub, &e);
    assert_true(fw_enc_ext_present(&e));
    assert_int_equal(fw_mf_header_matches(&m, &e), FW_ERR_FORMAT);
    struct fw_manifest shared = m;
    shared.enc_scheme = FW_MF_ENC_ECIES_P256_SHARED;
    assert_int_equal(fw_mf_header_matches(&shared, &e), FW_OK);
    assert_int_equal(fw_mf_header_matches(&shared, &h), FW_ERR_FORMAT);
    assert_int_equal(fw_mf_header_matches(NULL, &h), FW_ERR_INVALID_ARG);
}

static void key_check(void **state)
{
    (void)state;
    uint8_t kc[32];
    assert_int_equal(fwh_fleet_key_check(content.key, kc), FW_OK);
    assert_int_equal(fw_mf_key_matches(&m, kc), FW_OK);
    uint8_t other[32];
    memcpy(other, content.key, 32);
    other[7] ^= 1;
    assert_int_equal(fwh_fleet_key_check(other, kc), FW_OK);
    assert_int_equal(fw_mf_key_matches(&m, kc), FW_ERR_KEY);
}

static void chunks(void **state)
{
    (void)state;
    uint8_t hsh[32];
    for (uint32_t i = 0; i < m.chunk_count; i++) {
        uint32_t off, n;
        assert_int_equal(fw_mf_chunk_range(&m, i, &off, &n), FW_OK);
        sha256(body + off, n, hsh);
        assert_int_equal(fw_mf_chunk_matches(&m, mbuf, sizeof mbuf, i, hsh), FW_OK);
        static uint8_t bad[4096];
        memcpy(bad, body + off, n);
        bad[n - 1] ^= 0x40;
        sha256(bad, n, hsh);
        assert_int_equal(fw_mf_chunk_matches(&m, mbuf, sizeof mbuf, i, hsh), FW_ERR_DIGEST);
    }
    /* a chunk of another position (reordering) is refused too */
    sha256(body, 4096, hsh);
    assert_int_equal(fw_mf_chunk_matches(&m, mbuf, sizeof mbuf, 1, hsh), FW_ERR_DIGEST);
    assert_int_equal(fw_mf_chunk_matches(&m, mbuf, sizeof mbuf, 3, hsh), FW_ERR_RANGE);
    assert_int_equal(fw_mf_chunk_matches(&m, mbuf, 600, 2, hsh), FW_ERR_RANGE);
}

static void image(void **state)
{
    (void)state;
    uint8_t hsh[32];
    sha256(plain, SIZE, hsh);
    assert_int_equal(fw_mf_image_matches(&m, SIZE, hsh), FW_OK);
    assert_int_equal(fw_mf_image_matches(&m, SIZE - 1, hsh), FW_ERR_RANGE);
    hsh[31] ^= 1;
    assert_int_equal(fw_mf_image_matches(&m, SIZE, hsh), FW_ERR_DIGEST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_fields),
        cmocka_unit_test(key_check),
        cmocka_unit_test(chunks),
        cmocka_unit_test(image),
    };
    return cmocka_run_group_tests_name("mf_bind", tests, setup, teardown);
}
