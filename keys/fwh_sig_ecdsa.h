/* SPDX-License-Identifier: Apache-2.0 */
/* Shared ECDSA code of the host's Secure Boot V2 scheme rows (keys/fwh_sig.h):
 * a row file (keys/fwh_sig_ecdsa_p384.c, fwh_sig_ecdsa_p192.c) names its
 * curve, its digest and where its block keeps the point and signature
 * (FORMATS §2.4) in a struct fwh_ecdsa_params, points its row's params at
 * it and its row's functions at these. The scheme id and digest length
 * come from the row. Internal to keys/. */
#ifndef FWH_SIG_ECDSA_H
#define FWH_SIG_ECDSA_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fw_sbv2.h"
#include "keys/fwh_sig.h"

struct fwh_ecdsa_params {
    uint8_t curve_id;                  /* FW_SBV2_CURVE_* */
    const char *group;                 /* OpenSSL group name, e.g. "secp384r1" */
    const char *const *group_aliases;  /* other names OpenSSL may report, NULL-terminated */
    const char *display;               /* "P-384" in messages */
    size_t coord;                      /* coordinate / scalar bytes */
    size_t off_point, off_sig;         /* block offsets of X||Y and r||s */
    const EVP_MD *(*md)(void);         /* the algorithm of the row's digest */
};

int fwh_ecdsa_classify(const struct fwh_sig_scheme *row, EVP_PKEY *pk, int *has_private, char *why, size_t whylen);
EVP_PKEY *fwh_ecdsa_generate(const struct fwh_sig_scheme *row);
int fwh_ecdsa_key_fields(const struct fwh_sig_scheme *row, EVP_PKEY *pk, struct fw_sbv2_block *b);
int fwh_ecdsa_sign(const struct fwh_sig_scheme *row, EVP_PKEY *pk, const uint8_t *digest, size_t digest_len,
                   struct fw_sbv2_block *b);
int fwh_ecdsa_verify(const struct fwh_sig_scheme *row, const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest,
                     size_t digest_len, char *why, size_t whylen);

#endif
