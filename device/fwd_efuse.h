/* SPDX-License-Identifier: Apache-2.0 */
/* eFuse helpers shared by the device code and the provisioning CLI.
 *
 *  - secure_version thermometer (FORMATS §7.6): value = number of bits set;
 *  - Secure Boot V2 public-key digest of a PEM key (FORMATS §2.6), computed
 *    exactly as `espsecure digest-sbv2-public-key` (key numbers from the
 *    crypto seam, block key fields from the scheme table, layout from
 *    common/fw_sbv2):
 *      RSA-3072  : SHA-256( n_le[384] ‖ LE32(e) ‖ rinv_le[384] ‖ LE32(m') ),
 *                  rinv = 2^6144 mod n, m' = (−n⁻¹) mod 2^32;
 *      ECDSA P-256: SHA-256( 0x02 ‖ X_le[32] ‖ Y_le[32] );
 *      ECDSA P-192: SHA-256( 0x01 ‖ X_le[24] ‖ Y_le[24] ‖ 0[16] );
 *      ECDSA P-384: SHA-256( 0x03 ‖ X_le[48] ‖ Y_le[48] ).
 *    Other key types/sizes -> FW_ERR_KEY. Provisioning helper: the mbedTLS
 *    backend's PEM/bignum code uses the heap; never called on a streaming path.
 */
#ifndef FWD_EFUSE_H
#define FWD_EFUSE_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"
#include "fw_sbv2.h"

#define FWD_EFUSE_SECVER_MAX 32u

/* popcount of the thermometer field. */
unsigned fwd_efuse_secure_version(const struct fwd_efuse_state *st);
/* Thermometer bits for value v (v lowest bits set); FW_ERR_RANGE above 32. */
int fwd_efuse_secver_bits(unsigned v, uint32_t *bits);
/* Signature policy (k of n): how many signature blocks by DISTINCT trusted,
 * non-revoked eFuse keys an image needs. popcount of sig_required_bits, and
 * at least 1 (fail closed: a blank field is the ESP rule "one signature"). */
#define FWD_EFUSE_SIGREQ_MAX 3u
unsigned fwd_efuse_required_signatures(const struct fwd_efuse_state *st);
/* Thermometer bits for k required signatures (1..FWD_EFUSE_SIGREQ_MAX); FW_ERR_RANGE otherwise. */
int fwd_efuse_sigreq_bits(unsigned k, uint8_t *bits);
/* Digest slot i provisioned and not revoked. */
int fwd_efuse_digest_usable(const struct fwd_efuse_state *st, unsigned i);

/* SBv2 key digest of a PEM public or private key (pem need not be NUL-terminated). */
int fwd_efuse_key_digest_pem(const uint8_t *pem, size_t len, uint8_t out[32]);
/* Same, and the key's scheme (a P-384 key needs SECURE_BOOT_SHA384_EN). */
int fwd_efuse_key_digest_pem_scheme(const uint8_t *pem, size_t len, uint8_t out[32], enum fw_sbv2_scheme *scheme);

#endif
