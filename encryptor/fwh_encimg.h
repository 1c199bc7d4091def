/* SPDX-License-Identifier: Apache-2.0 */
/* ESP encrypted image container (FORMATS §3), host side, OpenSSL 3 EVP.
 *
 * Streaming in both directions: memory does not depend on the input size
 * (the encryptor writes a header placeholder, streams the ciphertext, then
 * seeks back to write bin_size and the tag; the decryptor streams plaintext
 * into a sink and reports the tag result only at the end, so the sink must
 * hold its output back until then: cmd_decrypt writes to a temp file and
 * renames it only after FW_OK).
 *
 * RSA key unwrap (§3.8 rule 4): OpenSSL 3.0 has no implicit rejection for
 * PKCS#1 v1.5, so the decryptor emulates it: it always draws a random
 * fallback key, and selects, without branching, the unwrapped key only when
 * the RSA operation succeeded AND returned exactly 32 bytes. A bad wrapped
 * key therefore leads to a GCM tag failure after the whole body was
 * processed, and is reported exactly like one (FW_ERR_AUTH). On OpenSSL >= 3.2
 * the provider's own implicit rejection applies first. Residual: the 3.0
 * provider's failure path itself is not guaranteed branch-free. */
#ifndef FWH_ENCIMG_H
#define FWH_ENCIMG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "fw_enc_header.h"

#define FWH_ENCIMG_CHUNK (256u * 1024u) /* streaming buffer size: 4x fewer read/write calls than 64 KiB (bench: ~4 % at 64 MiB) */

/* Receives plaintext in order; return 0 or a negative fw_err to stop. */
typedef int (*fwh_sink_fn)(void *arg, const uint8_t *p, size_t n);

/* Accepts RSA-3072 (-> FW_ENC_SCHEME_RSA3072) or EC P-256 (-> ECIES).
 * Otherwise FW_ERR_KEY and a one-line reason in why (e.g. "RSA-2048 key"). */
int fwh_encimg_key_scheme(EVP_PKEY *pk, int *scheme, char *why, size_t whylen);

/* --- encryption ---------------------------------------------------------- */
struct fwh_encimg_enc {
    EVP_CIPHER_CTX *gcm;
    struct fw_enc_header hdr;
    uint64_t total;
};
/* Draws K and IV, wraps/derives K for pub. FW_ERR_KEY for unsupported keys. */
int fwh_encimg_enc_begin(struct fwh_encimg_enc *e, EVP_PKEY *pub);
/* Encrypts n bytes into out (n bytes). FW_ERR_RANGE once the total exceeds
 * 0xFFFFFFFF (bin_size is LE32). */
int fwh_encimg_enc_update(struct fwh_encimg_enc *e, const uint8_t *in, size_t n, uint8_t *out);
/* Computes the tag and encodes the final 512-byte header. */
int fwh_encimg_enc_finish(struct fwh_encimg_enc *e, uint8_t header[FW_ENC_HEADER_SIZE]);
void fwh_encimg_enc_free(struct fwh_encimg_enc *e);

/* Whole stream: in -> out (out must be seekable; written from its current
 * position = 0). On error *why holds a one-line reason. */
int fwh_encimg_encrypt_file(EVP_PKEY *pub, FILE *in, FILE *out, char *why, size_t whylen);

/* One pass sign + encrypt: the plaintext of the container is IN, 0xFF
 * padding to a 4096 multiple and a Secure Boot V2 signature sector by keys
 * (1..3, one scheme), i.e. exactly what `fwseal sign` would write, without
 * an intermediate file: IN is read once, hashed and encrypted together, and
 * the sector (built once the digest is known) is encrypted last. */
struct fwh_key;
int fwh_encimg_sign_encrypt_file(EVP_PKEY *pub, const struct fwh_key *const *keys, size_t nkeys, FILE *in,
                                 FILE *out, char *why, size_t whylen);

/* Where the bytes to encrypt come from (low_read style): up to n bytes into
 * buf; returns how many (0: end of input) or -1 on a read error. Lets a
 * caller watch the bytes as they pass (no FILE adapter, no extra copy). */
typedef long (*fwh_source_fn)(void *arg, uint8_t *buf, size_t n);
/* The two calls above with IN read through src (keys NULL, nkeys 0: encrypt
 * only). */
int fwh_encimg_encrypt_source(EVP_PKEY *pub, const struct fwh_key *const *keys, size_t nkeys, fwh_source_fn src,
                              void *arg, FILE *out, char *why, size_t whylen);

/* --- decryption ---------------------------------------------------------- */
struct fwh_encimg_key {
    int scheme;                /* FW_ENC_SCHEME_* */
    EVP_PKEY *rsa_priv;        /* RSA-3072 private key (RSA scheme) */
    uint8_t hmac_key[32];      /* device HMAC key (ECIES scheme) */
};
struct fwh_encimg_dec {
    EVP_CIPHER_CTX *gcm;
    uint8_t tag[FW_ENC_TAG_SIZE];
};
/* ECIES: FW_ERR_FORMAT if the server point is invalid, FW_ERR_KEY if the HMAC
 * key gives an out-of-range scalar. RSA: never fails on a bad wrapped key (see above). */
int fwh_encimg_dec_begin(struct fwh_encimg_dec *d, const struct fwh_encimg_key *k, const struct fw_enc_header *h);
int fwh_encimg_dec_update(struct fwh_encimg_dec *d, const uint8_t *in, size_t n, uint8_t *out);
/* FW_OK if the tag verifies (constant-time compare inside OpenSSL), else FW_ERR_AUTH. */
int fwh_encimg_dec_finish(struct fwh_encimg_dec *d);
void fwh_encimg_dec_free(struct fwh_encimg_dec *d);

/* Whole stream: header, strict header checks, key, body into sink, trailing
 * bytes, tag. Errors (why gets the precise reason): FW_ERR_MAGIC,
 * FW_ERR_TRUNCATED (header or body), FW_ERR_FORMAT (trailing bytes, non-zero
 * reserved bytes, invalid ECIES point), FW_ERR_KEY, FW_ERR_AUTH, FW_ERR_IO, or the sink's error.
 * *h (optional) receives the decoded header. */
int fwh_encimg_decrypt_stream(const struct fwh_encimg_key *k, FILE *in, fwh_sink_fn sink, void *arg,
                              struct fw_enc_header *h, char *why, size_t whylen);

/* --- header-only inspection (fwseal info, fwseal verify without a key) --- */
struct fwh_encimg_info {
    struct fw_enc_header h;
    int header_ok;     /* 512 bytes with the right magic were decoded into h */
    int scheme_guess;  /* FW_ENC_SCHEME_*: ECIES if bytes 100..387 are zero */
    uint64_t total;    /* bytes in the stream */
    int length_ok;     /* total == 512 + bin_size */
    int reserved_ok;   /* strict check for the guessed scheme (FWSX: the extension's rules) */
    int shared_ext;    /* an FWSX shared-body ECIES header (docs/formats.md §9) */
};
/* Read the whole stream (the body is only counted, not decrypted).
 * FW_OK only if all checks pass; otherwise the first failure with a reason
 * in why (FW_ERR_MAGIC, FW_ERR_TRUNCATED, FW_ERR_FORMAT, FW_ERR_IO). The
 * info is filled as far as it could be. */
int fwh_encimg_inspect(FILE *in, struct fwh_encimg_info *ci, char *why, size_t whylen);

#endif
