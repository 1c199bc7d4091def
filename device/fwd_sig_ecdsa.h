/* SPDX-License-Identifier: Apache-2.0 */
/* What every ECDSA Secure Boot V2 scheme shares (FORMATS §2.4): the block
 * keeps curve id, X, Y, r and s as little-endian numbers of the curve's
 * coordinate length at offsets that depend only on the digest field's
 * length. A scheme file (fwd_sig_ecdsa_p*.c) is data only: its layout, passed
 * as the row's params, and a row whose functions are the two below. */
#ifndef FWD_SIG_ECDSA_H
#define FWD_SIG_ECDSA_H

#include "device/fwd_sig.h"

struct fwd_sig_ecdsa_layout {
    enum fwd_ec_curve curve;          /* the seam's curve */
    uint8_t curve_id;                 /* the block's curve id byte */
    size_t coord_len;                 /* bytes per coordinate, r and s */
    size_t off_point, off_sig;        /* X||Y and r||s in the block */
};

/* The block's signature over digest[digest_len] with the block's own point
 * (s->params: the row's layout). */
int fwd_sig_ecdsa_verify(const struct fwd_sig_scheme *s, const uint8_t blk[FW_SBV2_BLOCK_SIZE],
                         const uint8_t *digest, size_t digest_len);
/* The block key fields of an EC public key on the row's curve. */
int fwd_sig_ecdsa_key_fields(const struct fwd_sig_scheme *s, const struct fwd_pubkey *pk,
                             struct fw_sbv2_block *b);

#endif
