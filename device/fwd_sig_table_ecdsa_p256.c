/* SPDX-License-Identifier: Apache-2.0 */
/* An ECDSA P-256-only scheme table (fwd_sig.h), for a product whose ROM
 * verifies ECDSA only and whose keys are P-256 (ESP32-C2 with a P-256 key):
 * link this object ahead of libfwseal-device.a and the RSA row, with
 * mbedTLS's RSA/PKCS#1 code, stays out of the image; an RSA-signed block is
 * then refused as "signature scheme not supported by this device". Not part
 * of the libraries. */
#include "device/fwd_sig.h"

static const struct fwd_sig_scheme *const rows[] = {
    &fwd_sig_ecdsa_p256,
};

const struct fwd_sig_table fwd_sig_table = {"ecdsa-p256", rows, sizeof rows / sizeof rows[0]};
