/* SPDX-License-Identifier: Apache-2.0 */
/* The default scheme table (fwd_sig.h): every scheme the device library
 * verifies. The device libraries carry this object; the linker takes it only
 * when no other object of the image defines fwd_sig_table. */
#include "device/fwd_sig.h"

static const struct fwd_sig_scheme *const rows[] = {
    &fwd_sig_rsa3072_pss,
    &fwd_sig_ecdsa_p256,
    &fwd_sig_ecdsa_p384,
    &fwd_sig_ecdsa_p192,
};

const struct fwd_sig_table fwd_sig_table = {"all", rows, sizeof rows / sizeof rows[0]};
