/* SPDX-License-Identifier: Apache-2.0 */
/* The body of the one-family scheme-table tests (test_sig_table_rsa.c,
 * test_sig_table_ecdsa_p256.c). The including file links its table the way a
 * port does (#include of the table's .c: its object defines fwd_sig_table, so
 * the library's default table is never pulled in) and names its family:
 *   ST_TABLE_NAME     the table's name
 *   ST_LINKED         the scheme the table has; ST_OTHER one it lacks
 *   ST_LINKED_IMAGE / ST_LINKED_DIGEST   a vector signed with ST_LINKED, its key digest
 *   ST_OTHER_IMAGE / ST_OTHER_DIGEST / ST_OTHER_PUBKEY   the same for ST_OTHER
 * Images of the linked family verify; the other family's blocks fail closed with
 * FW_ERR_UNSUPPORTED and "signature scheme not supported by this device"; an
 * eFuse that asks for SHA-384 finds no row signing it and is refused. */
#ifndef SIG_TABLE_FAMILY_H
#define SIG_TABLE_FAMILY_H

#include "testutil.h"

#include "device/fwd_efuse.h"
#include "device/fwd_mbedtls_compat.h"
#include "device/fwd_sig.h"
#include "device/fwd_verify.h"

static uint8_t *load(const char *rel, size_t *len, uint8_t digest[32])
{
    uint8_t *d = tu_read(tu_vector(rel), len);
    assert_true(*len > 4096 && *len % 4096 == 0);
    assert_int_equal(fwd_mbed_sha256(d, *len - 4096, digest), 0);
    return d;
}

static void trust(struct fwd_efuse_state *ef, const char *rel)
{
    size_t n;
    uint8_t *d = tu_read(tu_vector(rel), &n);
    assert_int_equal(n, 32);
    memset(ef, 0, sizeof *ef);
    memcpy(ef->digest[0], d, 32);
    ef->digest_present = 1;
    free(d);
}

static void table_has_its_family_only(void **state)
{
    (void)state;
    assert_string_equal(fwd_sig_table.name, ST_TABLE_NAME);
    assert_int_equal(fwd_sig_table.count, 1);
    assert_non_null(fwd_sig_scheme_find(ST_LINKED));
    assert_null(fwd_sig_scheme_find(ST_OTHER));
    assert_null(fwd_sig_scheme_find(FW_SBV2_ECDSA_P384));
    assert_null(fwd_sig_scheme_find(FW_SBV2_ECDSA_P192));
    assert_null(fwd_sig_scheme_find(FW_SBV2_SCHEME_NONE));
}

static void linked_image_verifies(void **state)
{
    (void)state;
    size_t len;
    uint8_t dg[32];
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    uint8_t *img = load(ST_LINKED_IMAGE, &len, dg);
    trust(&ef, ST_LINKED_DIGEST);
    assert_int_equal(fwd_verify_sig_sector(img + len - 4096, dg, sizeof dg, &ef, &r), FW_OK);
    assert_int_equal(r.reason, FWD_VR_OK);
    /* SHA-384 asked by the eFuse: no linked row signs a 48-byte digest, refused. */
    uint8_t d48[48] = {0};
    memcpy(d48, dg, sizeof dg);
    assert_int_not_equal(fwd_verify_sig_sector(img + len - 4096, d48, sizeof d48, &ef, &r), FW_OK);
    assert_int_not_equal(r.reason, FWD_VR_OK);
    free(img);
}

static void other_image_refused_as_unsupported(void **state)
{
    (void)state;
    size_t len;
    uint8_t dg[32], kd[32];
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    uint8_t *img = load(ST_OTHER_IMAGE, &len, dg);
    const uint8_t *blk = img + len - 4096;
    assert_int_equal(fwd_verify_block_valid(blk), FW_ERR_UNSUPPORTED);
    assert_int_equal(fwd_verify_key_digest(blk, kd), FW_ERR_UNSUPPORTED);
    assert_int_equal(fwd_verify_block_signature(blk, dg, sizeof dg), FW_ERR_UNSUPPORTED);
    /* Even with the other family's key provisioned: the image does not verify. */
    trust(&ef, ST_OTHER_DIGEST);
    assert_int_equal(fwd_verify_sig_sector(blk, dg, sizeof dg, &ef, &r), FW_ERR_UNSUPPORTED);
    assert_int_equal(r.reason, FWD_VR_SCHEME);
    assert_int_equal(r.block, -1);
    assert_int_equal(r.block_status[0], FWD_VR_SCHEME);
    assert_string_equal(fwd_verify_reason_str(r.reason), "signature scheme not supported by this device");
    assert_non_null(strstr(r.fail.why, "scheme not supported"));
    free(img);
}

static void other_pubkey_has_no_digest(void **state)
{
    (void)state;
    size_t n;
    uint8_t *pem = tu_read(tu_vector(ST_OTHER_PUBKEY), &n);
    struct fwd_pubkey pk;
    uint8_t d[32];
    assert_int_equal(fwd_pubkey_from_pem(pem, n, &pk), FW_OK);
    assert_int_equal(fwd_sig_pubkey_key_digest(&pk, d, sizeof d), FW_ERR_KEY);
    free(pem);
}

struct mem { const uint8_t *p; size_t n; };
static int mem_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    const struct mem *m = ctx;
    if (off > m->n || len > m->n - off) return FW_ERR_IO;
    memcpy(buf, m->p + off, len);
    return FW_OK;
}

/* An eFuse that asks for SHA-384 (SECURE_BOOT_SHA384_EN): no linked row signs
 * it, so the image is refused before anything is hashed, never accepted over
 * SHA-256; the same image verifies when the eFuse asks for SHA-256. */
static void sha384_efuse_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t dg[32];
    struct fwd_efuse_state ef;
    struct fwd_verify_result r;
    static struct fwd_verify_work w;
    assert_int_equal(fwd_sig_table_signs(FWD_HASH_SHA256), 1);
    assert_int_equal(fwd_sig_table_signs(FWD_HASH_SHA384), 0);
    uint8_t *img = load(ST_LINKED_IMAGE, &len, dg);
    struct mem m = {img, len};
    trust(&ef, ST_LINKED_DIGEST);
    assert_int_equal(fwd_verify_signed_data(mem_read, &m, (uint32_t)len, &ef, &w, &r), FW_OK);
    ef.sb_sha384 = 1;
    assert_int_equal(fwd_verify_signed_data(mem_read, &m, (uint32_t)len, &ef, &w, &r), FW_ERR_UNSUPPORTED);
    assert_int_equal(r.reason, FWD_VR_SCHEME);
    struct fwd_verify_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.efuse = &ef;
    assert_int_equal(fwd_verify_image(mem_read, &m, (uint32_t)len, &pol, &w, &r), FW_ERR_UNSUPPORTED);
    assert_int_equal(r.reason, FWD_VR_SCHEME);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_has_its_family_only),
        cmocka_unit_test(linked_image_verifies),
        cmocka_unit_test(other_image_refused_as_unsupported),
        cmocka_unit_test(other_pubkey_has_no_digest),
        cmocka_unit_test(sha384_efuse_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
