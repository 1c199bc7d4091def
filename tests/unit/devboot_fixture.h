/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture for the OTA / bootloader tests: an in-memory simulated device
 * (strict NOR, flash encryption XTS-AES-128 by default) with factory, two
 * OTA slots and otadata, plus a maker of freshly signed app images.
 *
 * Images: app/app_esp32c3_128k_sbpad.bin with its descriptor patched
 * (secure_version, version string, optionally the chip id), checksum and
 * appended SHA-256 recomputed, then signed Secure Boot V2 with one of the
 * vector keys (mbedTLS, PSS salt 32 / ECDSA P-256). The key fields of the
 * block are taken from the espsecure-signed vectors of the same key. */
#ifndef DEVBOOT_FIXTURE_H
#define DEVBOOT_FIXTURE_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "boot/fwb_boot.h"
#include "device/fwd_mbedtls_compat.h"
#include "device/fwd_efuse.h"
#include "device/fwd_ota.h"
#include "device/fwd_otadata.h"
#include "device/port/sim/fwd_sim.h"
#include "hwkeys_fixture.h"
#include "fw_bytes.h"
#include "fw_crc32.h"

#define DB_FLASH 0x100000u
#define DB_E 196608u              /* E = S of the secure-padded base image */
#define DB_IMG (DB_E + 4096u)

enum db_key { DB_KEY1, DB_KEY2, DB_KEY_EC };

static const struct fwd_part db_parts[] = {
    {"otadata", FWD_PT_DATA, FWD_PST_DATA_OTA, 0, 0xd000, 0x2000, 0},
    {"factory", FWD_PT_APP, FWD_PST_FACTORY, 0, 0x10000, 0x40000, 0},
    {"ota_0", FWD_PT_APP, FWD_PST_OTA_0, 0, 0x50000, 0x40000, 0},
    {"ota_1", FWD_PT_APP, FWD_PST_OTA_0 + 1, 0, 0x90000, 0x40000, 0},
};
/* Same without factory. */
static const struct fwd_part db_parts_nofactory[] = {
    {"otadata", FWD_PT_DATA, FWD_PST_DATA_OTA, 0, 0xd000, 0x2000, 0},
    {"ota_0", FWD_PT_APP, FWD_PST_OTA_0, 0, 0x50000, 0x40000, 0},
    {"ota_1", FWD_PT_APP, FWD_PST_OTA_0 + 1, 0, 0x90000, 0x40000, 0},
};

struct db {
    struct fwd_sim sim;
    struct fwd_sim_keystore ks;   /* hardware-key mode (hwkeys_fixture.h) */
    struct fwd_ota_dev dev;
    const struct fwd_part *parts;
    size_t nparts;
};

static inline void db_read_digest(const char *rel, uint8_t out[32])
{
    size_t n;
    uint8_t *d = tu_read(tu_vector(rel), &n);
    assert_int_equal(n, 32);
    memcpy(out, d, 32);
    free(d);
}

/* Fresh device: eFuse C3 rev 0.4, key1 in slot 0, key2 in slot 1, ECDSA key
 * in slot 2, FE XTS-AES-128 if fe. */
static inline void db_open(struct db *x, int fe, int factory)
{
    struct fwd_efuse_state st;
    memset(x, 0, sizeof *x);
    assert_int_equal(fwd_sim_open_mem(&x->sim, DB_FLASH), FW_OK);
    memset(&st, 0, sizeof st);
    st.chip_id = 0x0005;
    st.chip_rev = 4;
    db_read_digest("secure_boot_v2/sb_rsa3072_key1.digest.bin", st.digest[0]);
    db_read_digest("secure_boot_v2/sb_rsa3072_key2.digest.bin", st.digest[1]);
    db_read_digest("secure_boot_v2/sb_ecdsa256_key.digest.bin", st.digest[2]);
    st.digest_present = 7;
    if (fe) {
        st.fe_mode = FWD_FE_XTS128;
        for (int i = 0; i < 32; i++) st.fe_key[i] = (uint8_t)(0xA0 + i);
    }
    tu_hw_take_fe_key(&st, &x->ks);
    assert_int_equal(x->sim.plat.efuse.burn(x->sim.plat.efuse.ctx, &st), FW_OK);
    tu_hw_attach(&x->ks, &x->sim.plat);
    x->parts = factory ? db_parts : db_parts_nofactory;
    x->nparts = factory ? 4 : 3;
}

/* (Re)open the device as the app running from `running` (NULL: nothing). */
static inline int db_attach(struct db *x, const char *running)
{
    fwd_ota_dev_close(&x->dev);
    return fwd_ota_dev_open_parts(&x->dev, &x->sim.plat, x->parts, x->nparts, running);
}

static inline void db_close(struct db *x)
{
    fwd_ota_dev_close(&x->dev);
    fwd_sim_keystore_close(&x->ks);
    fwd_sim_close(&x->sim);
}

/* Power cycle + bootloader; on success the device runs the booted app. */
static inline int db_boot(struct db *x, struct fwb_result *r)
{
    int rc = db_attach(x, NULL);
    if (rc) return rc;
    return fwb_boot(&x->dev, r);
}

static inline void db_burn(struct db *x, const struct fwd_efuse_state *add)
{
    assert_int_equal(x->sim.plat.efuse.burn(x->sim.plat.efuse.ctx, add), FW_OK);
}

static inline uint32_t db_secver(struct db *x)
{
    struct fwd_efuse_state st;
    assert_int_equal(x->sim.plat.efuse.load(x->sim.plat.efuse.ctx, &st), FW_OK);
    return fwd_efuse_secure_version(&st);
}

/* ---- image maker ---- */

static int db_rng(void *ctx, unsigned char *out, size_t len)
{
    return mbedtls_ctr_drbg_random(ctx, out, len);
}

static void db_sign(uint8_t *blk, const uint8_t digest[32], enum db_key key)
{
    static const char *pem[] = {"secure_boot_v2/sb_rsa3072_key1.pem", "secure_boot_v2/sb_rsa3072_key2.pem",
                                "secure_boot_v2/sb_ecdsa256_key.pem"};
    mbedtls_pk_context pk;
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_init(&pk);
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    assert_int_equal(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0), 0);
    assert_int_equal(fwd_mbed_pk_parse_keyfile(&pk, tu_vector(pem[key]), db_rng, &drbg), 0);
    if (key == DB_KEY_EC) {
        mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
        mbedtls_mpi r, s;
        mbedtls_mpi_init(&r);
        mbedtls_mpi_init(&s);
        assert_int_equal(mbedtls_ecdsa_sign(&ec->MBEDTLS_PRIVATE(grp), &r, &s, &ec->MBEDTLS_PRIVATE(d), digest, 32, db_rng, &drbg), 0);
        assert_int_equal(mbedtls_mpi_write_binary_le(&r, blk + 101, 32), 0);
        assert_int_equal(mbedtls_mpi_write_binary_le(&s, blk + 133, 32), 0);
        mbedtls_mpi_free(&r);
        mbedtls_mpi_free(&s);
    } else {
        uint8_t sig[384];
        mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);
        mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
        assert_int_equal(mbedtls_rsa_rsassa_pss_sign_ext(rsa, db_rng, &drbg, MBEDTLS_MD_SHA256, 32, digest, 32, sig), 0);
        fw_reverse_copy(blk + 812, sig, 384);
    }
    mbedtls_pk_free(&pk);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
}

/* A block template carrying the key: from an espsecure-signed vector. */
static void db_key_block(enum db_key key, uint8_t blk[1216])
{
    static const char *file[] = {"secure_boot_v2/signed_rsa_1key.bin", "secure_boot_v2/signed_rsa_2keys.bin",
                                 "secure_boot_v2/signed_ecdsa256.bin"};
    static const unsigned idx[] = {0, 1, 0};
    size_t n;
    uint8_t *f = tu_read(tu_vector(file[key]), &n);
    memcpy(blk, f + n - 4096 + idx[key] * 1216, 1216);
    free(f);
}

/* Signed image of DB_IMG bytes (caller frees). chip 0 = keep (C3). */
static inline uint8_t *db_make_image(uint32_t secver, const char *version, uint16_t chip, enum db_key key)
{
    size_t n;
    uint8_t *base = tu_read(tu_vector("app/app_esp32c3_128k_sbpad.bin"), &n);
    assert_int_equal(n, DB_E);
    uint8_t *img = malloc(DB_IMG);
    assert_non_null(img);
    memcpy(img, base, DB_E);
    free(base);
    /* descriptor patches are inside segment 0 data: fix the XOR checksum */
    uint8_t desc_old[48], ck = img[DB_E - 33];
    memcpy(desc_old, img + 0x20, sizeof desc_old);
    fw_enc32le(img + 0x24, secver);
    memset(img + 0x30, 0, 32);
    memcpy(img + 0x30, version, strlen(version) < 31 ? strlen(version) : 31);
    for (size_t i = 0; i < sizeof desc_old; i++) ck ^= (uint8_t)(desc_old[i] ^ img[0x20 + i]);
    img[DB_E - 33] = ck;
    if (chip) fw_enc16le(img + 12, chip);   /* header: hashed, not in the checksum */
    assert_int_equal(fwd_mbed_sha256(img, DB_E - 32, img + DB_E - 32), 0);
    /* signature sector */
    uint8_t digest[32], *blk = img + DB_E;
    memset(blk, 0xFF, 4096);
    assert_int_equal(fwd_mbed_sha256(img, DB_E, digest), 0);
    db_key_block(key, blk);
    memcpy(blk + 4, digest, 32);
    db_sign(blk, digest, key);
    fw_enc32le(blk + 1196, fw_crc32_std(blk, 1196));
    return img;
}

/* Factory provisioning: write a plaintext image into a partition (through
 * flash encryption), the way `fwseal-device flash` does. */
static inline void db_flash(struct db *x, const char *label, const uint8_t *img, size_t len)
{
    assert_int_equal(db_attach(x, NULL), FW_OK);
    const struct fwd_part *p = fwd_ota_find(&x->dev, label);
    assert_non_null(p);
    assert_int_equal(fwd_part_erase(&x->dev.d, p, 0, p->size), FW_OK);
    uint8_t *tmp = malloc(len + 16);
    memcpy(tmp, img, len);
    size_t l16 = (len + 15) & ~(size_t)15;
    memset(tmp + len, 0xFF, l16 - len);
    assert_int_equal(fwd_part_write(&x->dev.d, p, 0, tmp, l16), FW_OK);
    free(tmp);
}

/* Full OTA by the running app: begin, write in `chunk`-byte pieces, end, set boot. */
static inline int db_ota(struct db *x, const uint8_t *img, size_t len, size_t chunk)
{
    struct fwd_ota_handle h;
    const struct fwd_part *p = fwd_ota_get_next_update_partition(&x->dev, NULL);
    if (!p) return FW_ERR_NOT_FOUND;
    int rc = fwd_ota_begin(&x->dev, p, (uint32_t)len, &h);
    for (size_t off = 0; rc == FW_OK && off < len; off += chunk)
        rc = fwd_ota_write(&h, img + off, len - off < chunk ? len - off : chunk);
    if (rc == FW_OK) rc = fwd_ota_end(&h);
    else if (rc != FW_ERR_POWER_LOSS && h.magic) fwd_ota_abort(&h);
    if (rc == FW_OK) rc = fwd_ota_set_boot_partition(&x->dev, p);
    return rc;
}

/* otadata as the device reads it. */
static inline void db_otadata(struct db *x, struct fwd_otadata *od)
{
    assert_int_equal(fwd_otadata_load(&x->dev.d, od), FW_OK);
}

#ifdef DB_OTA_IMAGES
/* The image set of the OTA tests (define DB_OTA_IMAGES before including):
 * v5 and v6 signed by RSA keys 1 and 2, v3 by the ECDSA key, and a v7 whose
 * signature byte is flipped with the block CRC kept valid. Group setup/teardown. */
static uint8_t *IMG5, *IMG6, *IMG3, *IMG_BADSIG;

static int setup_images(void **state)
{
    (void)state;
    IMG5 = db_make_image(5, "5.0.0", 0, DB_KEY1);
    IMG6 = db_make_image(6, "6.0.0", 0, DB_KEY2);
    IMG3 = db_make_image(3, "3.0.0", 0, DB_KEY_EC);
    IMG_BADSIG = db_make_image(7, "7.0.0", 0, DB_KEY1);
    IMG_BADSIG[DB_E + 812 + 40] ^= 1;                       /* flip a signature byte ... */
    fw_enc32le(IMG_BADSIG + DB_E + 1196, fw_crc32_std(IMG_BADSIG + DB_E, 1196)); /* ... keep the CRC */
    return 0;
}

static int teardown_images(void **state)
{
    (void)state;
    free(IMG5);
    free(IMG6);
    free(IMG3);
    free(IMG_BADSIG);
    return 0;
}

/* Device with IMG3 (secure_version 3) in factory, booted; fe: flash encryption on. */
static void fresh(struct db *x, int fe)
{
    struct fwb_result r;
    db_open(x, fe, 1);
    db_flash(x, "factory", IMG3, DB_IMG);
    assert_int_equal(db_boot(x, &r), FW_OK);
    assert_string_equal(r.part->label, "factory");
}

/* 1 if every raw byte of the slot is erased (no plaintext of a rejected image). */
static int slot_is_erased(struct db *x, const char *label)
{
    const struct fwd_part *p = fwd_ota_find(&x->dev, label);
    uint8_t b[4096];
    for (uint32_t off = 0; off < p->size; off += sizeof b) {
        assert_int_equal(fwd_part_read_raw(&x->dev.d, p, off, b, sizeof b), FW_OK);
        for (size_t i = 0; i < sizeof b; i++)
            if (b[i] != 0xFF) return 0;
    }
    return 1;
}
#endif

#endif
