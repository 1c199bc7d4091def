/* SPDX-License-Identifier: Apache-2.0 */
/* An RSA-only scheme table (fwd_sig.h), for a product whose ROM verifies
 * RSA-3072 PSS only (ESP32-C3, -S3, -C6, ...): link this object ahead of
 * libfwseal-device.a and the ECDSA rows, with mbedTLS's ECP/ECDSA code, stay
 * out of the image. An ECDSA-signed block is then refused as "signature
 * scheme not supported by this device". Not part of the libraries. */
#include "device/fwd_sig.h"

static const struct fwd_sig_scheme *const rows[] = {
    &fwd_sig_rsa3072_pss,
};

const struct fwd_sig_table fwd_sig_table = {"rsa", rows, sizeof rows / sizeof rows[0]};
