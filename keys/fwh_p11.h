/* SPDX-License-Identifier: Apache-2.0 */
/* Signing keys on a PKCS#11 token (an HSM, a smart card, SoftHSM2), named
 * by an RFC 7512 URI:
 *
 *   pkcs11:token=release;object=fw-rsa;type=private?pin-source=file:/run/pin
 *
 * Path attributes (';'-separated, %XX-decoded): token, manufacturer, serial,
 * model, slot-id, object (CKA_LABEL), id (CKA_ID, raw bytes after decoding),
 * type (only "private"); library-* are accepted and ignored. Query attributes
 * ('&'-separated): pin-source (file:PATH, a plain PATH, or env:VAR), pin-value
 * (visible to other users in `ps`: prefer pin-source), module-path. Any other
 * attribute is refused: a misspelt one must not widen the match.
 *
 * The module (a .so implementing the PKCS#11 C API) is dlopen'ed: the one
 * given by the caller (--pkcs11-module), else the URI's module-path, else
 * $FWSEAL_PKCS11_MODULE. No OpenSSL engine or provider is involved.
 *
 * The key's public half is read from the token (CKA_MODULUS and
 * CKA_PUBLIC_EXPONENT, or CKA_EC_PARAMS and CKA_EC_POINT) into k->pkey, so
 * block key fields, digests and `pubkey` work as for a key file. Signing
 * hands the token the locally computed digest (CKM_RSA_PKCS_PSS with the
 * scheme's hash / MGF1 / salt, CKM_ECDSA); a token without those mechanisms
 * (C_GetMechanismList) gets the hash-and-sign mechanism instead
 * (CKM_SHA256_RSA_PKCS_PSS, CKM_ECDSA_SHA256 / _SHA384) and the signed region
 * streamed through C_SignUpdate (fwh_signer_attach). Every signature is
 * verified against the token's public key before it is used
 * (fwh_sbv2_sign_block).
 *
 * Messages name the module, token, slot and object; never the PIN. The PIN
 * is wiped from memory after C_Login. */
#ifndef FWH_P11_H
#define FWH_P11_H

#include <stddef.h>

#include "keys/fwh_keys.h"

#define FWH_P11_MODULE_ENV "FWSEAL_PKCS11_MODULE"

/* Is s a PKCS#11 URI ("pkcs11:" prefix)? */
int fwh_p11_is_uri(const char *s);

/* Open the private key uri names; module may be NULL (see above).
 * FW_OK; FW_ERR_IO (module cannot be loaded or fails: environment);
 * FW_ERR_INVALID_ARG (malformed URI); FW_ERR_NOT_FOUND (no such token or
 * object, or several match); FW_ERR_AUTH (PIN refused or missing);
 * FW_ERR_KEY (a key of no supported scheme); FW_ERR_UNSUPPORTED (the token
 * has no usable signing mechanism). */
int fwh_p11_key_open(const char *uri, const char *module, struct fwh_key *k, char *why, size_t whylen);

#endif
