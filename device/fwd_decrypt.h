/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming decryptor for the "ESP encrypted image" container (FORMATS §3),
 * compatible with Espressif's esp_encrypted_img (RSA-3072 and ECIES-P256
 * key establishment, AES-256-GCM with a 16-byte IV, no AAD), hardened per
 * §3.8 / §9:
 *   - input may be split at ANY byte; the output never depends on the split;
 *   - magic checked as soon as 4 bytes are in, bin_size range checked before
 *     any private-key operation;
 *   - RSA: unwrapped key must be exactly 32 bytes, with implicit rejection:
 *     a failed unwrap yields a pseudo-random key (HMAC of the wrapped key
 *     under a secret derived from the private key), so a padding error
 *     surfaces only as the same FW_ERR_AUTH a tag mismatch gives, at the end;
 *   - ECIES: d_dev = PBKDF2-HMAC-SHA256(hmac_key, FIXED_SALT, 2048, 32) with
 *     1 <= d < n, server point validated (on curve, not the identity);
 *   - bytes beyond bin_size are an error (the reference "decrypts" them),
 *     a short stream is an error at fwd_decrypt_finish();
 *   - the GCM tag is compared in constant time in fwd_decrypt_finish();
 *   - ECIES: an fwseal shared-body header (FWSX, docs/formats.md §9) carries the
 *     content key wrapped under the ECIES-derived key; its wrap tag is checked
 *     (constant time) when the header completes: FW_ERR_AUTH before any body.
 *
 * Plaintext is RELEASED BEFORE the tag is checked (that is the container's
 * design): the sink must treat it as untrusted until finish returns 0.
 *
 * The header layout and the ECIES constants come from common/fw_enc_header;
 * every primitive from the crypto seam (device/fwd_crypto.h).
 *
 * Memory: the caller owns struct fwd_decrypt (3104 bytes on x86-64:
 * 512-byte header buffer, FWD_DECRYPT_OUT_SIZE (2 KiB) output buffer, 16-byte
 * block cache, the seam's GCM context). The output size trades RAM for
 * fewer, larger flash writes downstream. fwd_decrypt_feed() never allocates;
 * the mbedTLS backend itself allocates once when the header completes (the
 * AES key schedule inside the GCM cipher layer, freed by finish/abort) and
 * transiently during the RSA or ECDH operation (bignum temporaries, freed
 * before feed returns). The key object (struct fwd_decrypt_key) holds the
 * backend's private key objects (mbedTLS heap, ~2 KiB for RSA-3072) and is
 * reused across images.
 */
#ifndef FWD_DECRYPT_H
#define FWD_DECRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_crypto.h"
#include "device/fwd_hal.h"
#include "device/fwd_sink.h"
#include "fw_enc_header.h"

#define FWD_DECRYPT_HEADER_SIZE FW_ENC_HEADER_SIZE
#define FWD_DECRYPT_OUT_SIZE    2048u /* plaintext handed to the sink per call, at most */

/* The device secret. Load once, use for many images, free with
 * fwd_decrypt_key_free(). Never printed; wiped on free. scheme is 0 until a
 * key is loaded. */
struct fwd_decrypt_key {
    enum fw_enc_scheme scheme;
    struct fwd_rsa_priv rsa;     /* RSA-3072 private key (implicit rejection inside) */
    struct fwd_ec_priv ecies;    /* ECIES: P-256 device scalar */
    const struct fwd_keystore *hw_rsa;  /* RSA in a peripheral (load_rsa_keystore), else NULL */
    uint8_t hw_rejection[32];    /* its implicit-rejection secret (device/fwd_keystore.h) */
};

void fwd_decrypt_key_init(struct fwd_decrypt_key *k);
void fwd_decrypt_key_free(struct fwd_decrypt_key *k);
/* RSA-3072 private key, PEM or DER (PKCS#1 or PKCS#8). A PEM must include
 * its terminating NUL in len (mbedTLS rule). FW_ERR_KEY if it is not an
 * RSA-3072 private key. */
int fwd_decrypt_key_load_rsa(struct fwd_decrypt_key *k, const uint8_t *der_or_pem, size_t len);
/* ECIES-P256 device key from the 32-byte eFuse HMAC key (§3.4). FW_ERR_KEY if
 * the derived scalar is outside [1, n-1]. */
int fwd_decrypt_key_load_ecies_hmac(struct fwd_decrypt_key *k, const uint8_t hmac_key[32]);
/* The same two keys held by peripherals (struct fwd_keystore): the HMAC
 * peripheral derives the ECIES scalar, the RSA private operation is the
 * peripheral's (the keystore must outlive k). A platform without that
 * peripheral key (NULL callback, or an RSA key that is not 3072-bit) is
 * FW_ERR_KEY: there is no fallback to a raw key. */
int fwd_decrypt_key_load_ecies_keystore(struct fwd_decrypt_key *k, const struct fwd_keystore *ks);
int fwd_decrypt_key_load_rsa_keystore(struct fwd_decrypt_key *k, const struct fwd_keystore *ks);

struct fwd_decrypt_cfg {
    const struct fwd_decrypt_key *key;
    const struct fwd_random *rng;  /* blinding for RSA / ECDH; required */
    uint32_t min_bin_size;         /* Espressif's tool emits empty containers; a device wants >= 1 */
    uint32_t max_bin_size;         /* e.g. the OTA slot size */
    int strict_reserved;           /* §3.8 rule 6: reserved header bytes must be zero */
    struct fwd_sink out;           /* next stage: receives plaintext (a negative return aborts);
                                      finished by the input sink's finish after the tag passed */
};

enum fwd_decrypt_state { FWD_DEC_HEADER = 0, FWD_DEC_DATA, FWD_DEC_DONE, FWD_DEC_FAILED };

struct fwd_decrypt {
    struct fwd_decrypt_cfg cfg;
    int state;
    int err;                     /* first error, sticky */
    uint32_t hdr_len;
    uint32_t bin_size;
    uint64_t pos;                /* ciphertext bytes decrypted and handed out */
    uint32_t cache_len;
    uint8_t hdr[FWD_DECRYPT_HEADER_SIZE];
    uint8_t tag[FW_ENC_TAG_SIZE];
    uint8_t key_check[32];       /* SHA-256("fwseal-keycheck1" || content key), docs/formats.md §8.2 */
    uint8_t cache[16];
    struct fwd_gcm_ctx gcm;
    uint8_t out[FWD_DECRYPT_OUT_SIZE];
};

/* FW_ERR_INVALID_ARG on a bad cfg (no key, no out.write, no rng, min > max). */
int fwd_decrypt_start(struct fwd_decrypt *d, const struct fwd_decrypt_cfg *cfg);
/* Consume n bytes. Returns 0 or the first error (sticky: later calls return
 * it again). Errors: FW_ERR_MAGIC, FW_ERR_RANGE (bin_size), FW_ERR_FORMAT
 * (reserved bytes with strict, or bytes beyond bin_size), FW_ERR_KEY (bad
 * ECIES server point), FW_ERR_CRYPTO, or the sink's own error. */
int fwd_decrypt_feed(struct fwd_decrypt *d, const uint8_t *p, size_t n);
/* 1 once the whole 512-byte header was accepted. */
int fwd_decrypt_header_done(const struct fwd_decrypt *d);
/* bin_size from the header (valid once header_done). */
uint32_t fwd_decrypt_bin_size(const struct fwd_decrypt *d);
/* The content key's check value (a fleet manifest's key_check, docs/formats.md
 * §8.2) once the header was accepted: a fleet device compares it with the
 * manifest's before it fetches the body. FW_ERR_STATE before. For an RSA
 * header whose unwrap failed (implicit rejection) it is the check of the
 * pseudo-random key, so it does not match. */
int fwd_decrypt_key_check(const struct fwd_decrypt *d, uint8_t out[32]);
/* Container bytes consumed so far (header + body). */
uint64_t fwd_decrypt_consumed(const struct fwd_decrypt *d);
/* End of stream: FW_ERR_TRUNCATED if fewer than 512 + bin_size bytes came,
 * FW_ERR_AUTH if the tag does not match (or an RSA unwrap failed), else 0.
 * Releases the cipher state on every path. */
int fwd_decrypt_finish(struct fwd_decrypt *d);
/* Drop the stream (any state); wipes key-dependent state. Idempotent. */
void fwd_decrypt_abort(struct fwd_decrypt *d);

/* The decryptor as a stage of the chain (fwd_sink.h): write = fwd_decrypt_feed,
 * finish = fwd_decrypt_finish (tag) and then cfg.out's finish. */
struct fwd_sink fwd_decrypt_input(struct fwd_decrypt *d);

#endif
