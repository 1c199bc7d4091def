/* The device's decryption secret for pre-encrypted OTA images, kept in the
 * device directory (mode 0600), provisioned by `fwseal-device init
 * --decrypt-key PRIV.pem | --decrypt-hmac-key HMAC.bin`:
 *   DIR/secret_decrypt_rsa.pem   RSA-3072 private key (PEM, as given)
 *   DIR/secret_decrypt_hmac.bin  32-byte ECIES HMAC key (eFuse HMAC key stand-in)
 * At most one of them exists. The content is never printed. */
#ifndef FWDEV_DEV_SECRET_H
#define FWDEV_DEV_SECRET_H

#include "device/fwd_decrypt.h"

#define DEV_SECRET_RSA  "secret_decrypt_rsa.pem"
#define DEV_SECRET_HMAC "secret_decrypt_hmac.bin"

/* Validate and store; exactly one of rsa_pem_path / hmac_path non-NULL.
 * Prints its own one-line error; returns a CLI exit code. */
int dev_secret_provision(const char *dir, const char *rsa_pem_path, const char *hmac_path);

/* Parse the init options this module owns: if argv[*i] is --decrypt-key or
 * --decrypt-hmac-key, take its value (advancing *i) and return 1; return 0 if
 * the option is not ours; -1 (after printing) on a missing value. */
int dev_secret_parse_opt(int argc, char **argv, int *i, const char **rsa, const char **hmac);

/* One help line block for `init --help`. */
extern const char dev_secret_help[];

/* Load the secret of DIR into k (fwd_decrypt_key_init done here).
 * Returns FW_OK, FW_ERR_NOT_FOUND when none is provisioned, or an error. */
int dev_secret_load(const char *dir, struct fwd_decrypt_key *k);

#endif
