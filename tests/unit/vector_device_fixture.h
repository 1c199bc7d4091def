/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture for the OTA-pipeline tests that run on the shared vectors
 * (test_pipeline, test_chunk_check, test_fleet_update): an in-memory
 * simulated device provisioned like a C3 (rev 0.3, XTS-AES-128 flash
 * encryption with the vectors' key, RSA key 1 trusted), the vectors'
 * two-OTA partition table, and a signed vector image in ota_0; plus the
 * vector image encrypted for the vectors' RSA device key, in memory. */
#ifndef VECTOR_DEVICE_FIXTURE_H
#define VECTOR_DEVICE_FIXTURE_H

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "testutil.h"

#include "device/fwd_efuse.h"
#include "device/fwd_part.h"
#include "device/port/sim/fwd_sim.h"
#include "encryptor/fwh_encimg.h"

/* Provision a fresh in-memory device of flash_size bytes into *sim with
 * running_rel in ota_0 and eFuse secure_version efuse_secver; *d is left
 * open on it (partition table loaded) for the caller's own steps. */
static void vdev_provision(struct fwd_sim *sim, uint32_t flash_size, const char *running_rel, unsigned efuse_secver,
                           struct fwd_dev *d)
{
    fwd_sim_close(sim);
    assert_int_equal(fwd_sim_open_mem(sim, flash_size), 0);
    struct fwd_efuse_state st;
    memset(&st, 0, sizeof st);
    size_t n;
    uint8_t *k = tu_read(tu_vector("flash_encryption/fe_key_xts_256.bin"), &n);
    memcpy(st.fe_key, k, 32);
    free(k);
    st.fe_mode = FWD_FE_XTS128;
    st.chip_id = 5;
    st.chip_rev = 3; /* v0.3: the vector images require >= 0.3 */
    uint8_t *dg = tu_read(tu_vector("secure_boot_v2/sb_rsa3072_key1.digest.bin"), &n);
    memcpy(st.digest[0], dg, 32);
    free(dg);
    st.digest_present = 1;
    assert_int_equal(fwd_efuse_secver_bits(efuse_secver, &st.secure_version_bits), 0);
    assert_int_equal(sim->plat.efuse.burn(sim->plat.efuse.ctx, &st), 0);

    assert_int_equal(fwd_dev_open_blank(d, &sim->plat), 0);
    uint8_t *pt = tu_read(tu_vector("partition_table/partitions_two_ota.bin"), &n);
    assert_int_equal(fwd_dev_write_abs(d, 0x8000, pt, n, 1), 0);
    free(pt);
    fwd_dev_close(d);
    assert_int_equal(fwd_dev_open(d, &sim->plat, 0), 0);
    uint8_t *img = tu_read(tu_vector(running_rel), &n);
    const struct fwd_part *p0 = fwd_part_find(d, "ota_0");
    assert_non_null(p0);
    size_t padded = (n + 4095) / 4096 * 4096;
    uint8_t *buf = malloc(padded);
    assert_non_null(buf);
    memset(buf, 0xFF, padded);
    memcpy(buf, img, n);
    assert_int_equal(fwd_part_erase(d, p0, 0, padded), 0);
    assert_int_equal(fwd_part_write(d, p0, 0, buf, padded), 0);
    free(buf);
    free(img);
}

/* The vector file rel encrypted for the vectors' RSA device key (a fresh
 * content key each call), in a malloc'd buffer of *out_len bytes. */
static uint8_t *vdev_encrypt_file(const char *rel, size_t *out_len)
{
    size_t n;
    uint8_t *plain = tu_read(tu_vector(rel), &n);
    FILE *pf = fopen(tu_vector("pre_encrypted/rsa/rsa_pub_key.pem"), "r");
    assert_non_null(pf);
    EVP_PKEY *pub = PEM_read_PUBKEY(pf, NULL, NULL, NULL);
    fclose(pf);
    assert_non_null(pub);
    struct fwh_encimg_enc e;
    uint8_t *out = malloc(n + FW_ENC_HEADER_SIZE);
    assert_non_null(out);
    assert_int_equal(fwh_encimg_enc_begin(&e, pub), 0);
    assert_int_equal(fwh_encimg_enc_update(&e, plain, n, out + FW_ENC_HEADER_SIZE), 0);
    assert_int_equal(fwh_encimg_enc_finish(&e, out), 0);
    fwh_encimg_enc_free(&e);
    EVP_PKEY_free(pub);
    free(plain);
    *out_len = n + FW_ENC_HEADER_SIZE;
    return out;
}

#endif
