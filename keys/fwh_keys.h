/* SPDX-License-Identifier: Apache-2.0 */
/* Host key handling for Secure Boot V2 (OpenSSL 3 EVP): load PEM keys,
 * generate, export, and derive the SBv2 block key fields and eFuse digest
 * (FORMATS §2.3, §2.4, §2.6).
 *
 * Only the schemes of the table (keys/fwh_sig.h) are accepted; everything
 * else (RSA-2048, RSA-4096, Ed25519, ...) is refused with a reason.
 * Encrypted PEM private keys (PKCS#8 "ENCRYPTED PRIVATE KEY") are decoded
 * with a passphrase the caller supplies (fwh_key_from_pem_pass).
 * A key may also sign through an external signer (fwh_ext_signer: a PKCS#11
 * token, keys/fwh_p11.h; or a signature made elsewhere, the detached flow):
 * then pkey holds only the public key and every signature it returns is
 * verified against that public key before it goes into a block.
 * No file I/O here except reading a key file; callers write outputs
 * atomically themselves (cli_out). Errors return a negative fw_err code and
 * put a one-line reason (no secrets) in why[whylen]. */
#ifndef FWH_KEYS_H
#define FWH_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "fw_sbv2.h"

/* A key's type is its Secure Boot V2 scheme: the one scheme enum of
 * common/fw_sbv2.h; which keys are accepted is the scheme table's
 * (keys/fwh_sig.h). */
struct fwh_ext_signer;
struct fwh_key {
    EVP_PKEY *pkey;
    enum fw_sbv2_scheme type;
    int has_private;                  /* can sign: a private key, or ext */
    const struct fwh_ext_signer *ext; /* NULL: pkey holds the private key */
    void *ext_ctx;                    /* ext's state, freed by fwh_key_free */
};

/* A signer outside this process. sign() returns the signature over the
 * digest in any encoding fwh_sbv2_block_from_signature() accepts (RSA:
 * big-endian; ECDSA: r||s big- or little-endian, or DER). A signer that can
 * only hash-and-sign says so with streams() == 1: the caller then feeds the
 * whole signed region to update() before sign() (fwh_signer_attach). */
struct fwh_ext_signer {
    const char *kind; /* "PKCS#11 token", "detached signature" */
    int (*sign)(void *ctx, const uint8_t *digest, size_t digest_len, uint8_t *sig, size_t *siglen, char *why,
                size_t whylen);
    int (*streams)(void *ctx);
    int (*update)(void *ctx, const void *p, size_t n);
    void (*free)(void *ctx);
};

/* Largest key file read (PEM). */
#define FWH_KEY_FILE_MAX (64u * 1024u)

/* Parse a PEM or DER (no "-----BEGIN" armour) private or public key from
 * memory / a file.
 * FW_ERR_KEY (not a key, unsupported type or size), FW_ERR_IO (file). */
int fwh_key_from_pem(const uint8_t *pem, size_t len, struct fwh_key *k, char *why, size_t whylen);
int fwh_key_load(const char *path, struct fwh_key *k, char *why, size_t whylen);
/* The same with a passphrase for an encrypted private key (pass NULL: none
 * given). An encrypted key without a passphrase: FW_ERR_STATE ("key is
 * encrypted"); a wrong passphrase: FW_ERR_AUTH. The passphrase is never put
 * in why. */
int fwh_key_from_pem_pass(const uint8_t *pem, size_t len, const char *pass, struct fwh_key *k, char *why,
                          size_t whylen);
int fwh_key_load_pass(const char *path, const char *pass, struct fwh_key *k, char *why, size_t whylen);
/* The bytes of a key file from an open stream, at most FWH_KEY_FILE_MAX:
 * *buf is FWH_KEY_FILE_MAX + 1 bytes (key material: release it with
 * fwh_secure_free(*buf, FWH_KEY_FILE_MAX + 1), also on error), *n the bytes read.
 * FW_ERR_IO (read failed), FW_ERR_KEY (too large), FW_ERR_NOMEM. */
int fwh_key_read(FILE *f, uint8_t **buf, size_t *n, char *why, size_t whylen);
/* Does this key file content hold an encrypted private key? */
int fwh_key_pem_is_encrypted(const uint8_t *pem, size_t len);
/* Any DER key (device keys too: no type restriction), the whole buffer.
 * want_private: a private key, else a public one (SPKI; a private key's
 * public half is accepted as well). FW_OK or FW_ERR_KEY. */
int fwh_pkey_from_der(const uint8_t *der, size_t len, int want_private, EVP_PKEY **out);
/* Take pk (ownership passes, freed on error too) as k's key: classified by
 * the scheme table like a loaded key. For keys that live elsewhere. */
int fwh_key_adopt(EVP_PKEY *pk, struct fwh_key *k, char *why, size_t whylen);
/* Frees the key (OpenSSL wipes private components). Safe on a zeroed struct. */
void fwh_key_free(struct fwh_key *k);

/* Generate a fresh key. */
int fwh_key_generate(enum fw_sbv2_scheme t, struct fwh_key *k, char *why, size_t whylen);

/* PEM encodings in a malloc'd buffer (*out, *len). The private one is PKCS#8
 * "PRIVATE KEY"; callers must fwh_secure_free() it. The public one is SPKI
 * "PUBLIC KEY" (what `openssl pkey -pubout` and espsecure write). */
int fwh_key_private_pem(const struct fwh_key *k, uint8_t **out, size_t *len);
int fwh_key_public_pem(const struct fwh_key *k, uint8_t **out, size_t *len);
/* PKCS#8 "ENCRYPTED PRIVATE KEY" PEM, AES-256-CBC (PBES2, OpenSSL's default
 * KDF), with passphrase pass. Free with fwh_secure_free(). */
int fwh_key_private_pem_encrypted(const struct fwh_key *k, const char *pass, uint8_t **out, size_t *len);
/* Wipe then free a buffer holding secrets. */
void fwh_secure_free(void *p, size_t len);

/* SBv2 scheme of a key type. */
enum fw_sbv2_scheme fwh_key_scheme(const struct fwh_key *k);
/* CLI name of a scheme: "rsa3072" / "ecdsa-p256" ("none" if not in the table). */
const char *fwh_key_type_name(enum fw_sbv2_scheme t);
/* Parse "rsa3072" / "ecdsa-p256" (also espsecure's "ecdsa256").
 * FW_SBV2_SCHEME_NONE if unknown. */
enum fw_sbv2_scheme fwh_key_type_parse(const char *s);

/* Fill the key fields of an SBv2 block: scheme; RSA n (LE), e, rinv = 2^6144
 * mod n (LE), m' = -n^-1 mod 2^32; ECDSA curve id and X, Y (LE). Other fields
 * are left untouched. */
int fwh_key_sbv2_fields(const struct fwh_key *k, struct fw_sbv2_block *b);

/* The eFuse key digest: SHA-256 of the key region of a block carrying this
 * key, laid out as in §2.6 (equals espsecure digest_sbv2_public_key). */
int fwh_key_sbv2_digest(const struct fwh_key *k, uint8_t digest[FW_SBV2_KEY_DIGEST_LEN]);

/* SHA-256 of a block's key region as it is stored (the digest the device
 * compares with eFuse). FW_ERR_UNSUPPORTED for an unknown scheme. */
int fwh_block_key_digest(const uint8_t blk[FW_SBV2_BLOCK_SIZE], uint8_t digest[FW_SBV2_KEY_DIGEST_LEN]);

#endif
