/* SPDX-License-Identifier: Apache-2.0 */
/* The device's decryption secret for pre-encrypted OTA images, kept in the
 * device directory (mode 0600), provisioned by `fwseal-device init
 * --decrypt-key PRIV.pem | --decrypt-hmac-key HMAC.bin`:
 *   DIR/secret_decrypt_rsa.pem   RSA-3072 private key (PEM, as given)
 *   DIR/secret_decrypt_hmac.bin  32-byte ECIES HMAC key (eFuse HMAC key stand-in)
 * At most one of them exists. The content is never printed.
 * A key_mode=hardware device has neither: its secret is in the simulated
 * key peripherals (DIR/keystore.bin, device/port/sim/fwd_sim_keystore.h). */
#ifndef FWDEV_DEV_SECRET_H
#define FWDEV_DEV_SECRET_H

#include "device/fwd_decrypt.h"

#define DEV_SECRET_RSA  "secret_decrypt_rsa.pem"
#define DEV_SECRET_HMAC "secret_decrypt_hmac.bin"

/* Validate and store; exactly one of rsa_pem_path / hmac_path non-NULL.
 * Prints its own one-line error; returns a CLI exit code. */
int dev_secret_provision(const char *dir, const char *rsa_pem_path, const char *hmac_path);
/* Validate only: *out (malloc, the caller wipes and frees) holds the PEM
 * with its NUL counted in *out_len, or the 32-byte HMAC key. */
int dev_secret_take(const char *rsa_pem_path, const char *hmac_path, uint8_t **out, size_t *out_len);

/* Parse the init options this module owns: if argv[*i] is --decrypt-key or
 * --decrypt-hmac-key, take its value (advancing *i) and return 1; return 0 if
 * the option is not ours; -1 (after printing) on a missing value. */
int dev_secret_parse_opt(int argc, char **argv, int *i, const char **rsa, const char **hmac);

/* One help line block for `init --help`. */
extern const char dev_secret_help[];

/* Load the secret into k (fwd_decrypt_key_init done here): through the
 * platform's key peripherals when it has any (plat->keys), else from DIR.
 * Returns FW_OK, FW_ERR_NOT_FOUND when none is provisioned, or an error. */
int dev_secret_load(const char *dir, const struct fwd_platform *plat, struct fwd_decrypt_key *k);

#endif
