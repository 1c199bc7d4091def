/* SPDX-License-Identifier: Apache-2.0 */
/* The device's crypto seam: every primitive the device and the bootloader
 * use, and nothing else. One backend implements it today,
 * device/fwd_crypto_mbedtls.c (mbedTLS 2.28 or 3.6); a port with hardware
 * crypto (SHA/AES accelerators, keys held in a secure element) supplies its
 * own fwd_crypto_<backend>.c instead. No other device or boot
 * file includes a crypto library header (tests/e2e/seams.sh checks it).
 *
 * Conventions (BearSSL-style):
 *   - contexts are caller-provided structs whose size is fixed here: opaque
 *     storage the backend fills (it asserts at compile time that its own
 *     context fits), so no call allocates a context; a context that holds a
 *     key schedule may hold internal pointers: never copy one after init;
 *   - every digest, key and buffer is passed as pointer + explicit length;
 *     a length the primitive cannot honour is FW_ERR_INVALID_ARG;
 *   - big numbers (RSA modulus, EC coordinates, scalars, signatures) are
 *     BIG-endian byte strings, as in the standards; format code converts;
 *   - return FW_OK or a negative fw_err code: FW_ERR_KEY for an unusable
 *     key or point, FW_ERR_SIGNATURE for a signature that does not verify,
 *     FW_ERR_CRYPTO for a failure of the backend itself;
 *   - random bytes come from the platform's struct fwd_random (HAL), passed
 *     to the operations that blind with them;
 *   - private keys live in backend-owned key objects (struct fwd_rsa_priv,
 *     struct fwd_ec_priv): callers never see the private numbers, so a
 *     backend may keep them in hardware.
 */
#ifndef FWD_CRYPTO_H
#define FWD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"

/* Opaque storage, aligned for anything a backend puts there. The sizes
 * below fit the mbedTLS 2.28 and 3.6 contexts on a 64-bit host (the backend
 * asserts at compile time that its contexts fit); a port whose backend needs more
 * (or less) defines them before including this header, e.g. with -D. */
#define FWD_CRYPTO_OPAQUE(bytes)                                                                            \
    union {                                                                                                \
        uint64_t align_u64;                                                                                \
        void *align_ptr;                                                                                   \
        unsigned char bytes_[bytes];                                                                       \
    }

/* ---- hashes ---------------------------------------------------------------- */

enum fwd_hash_alg {
    FWD_HASH_NONE = 0,
    FWD_HASH_SHA256,
    FWD_HASH_SHA384,
};

#define FWD_HASH_MAX_LEN 48u       /* SHA-384 */
#ifndef FWD_HASH_CTX_SIZE
#define FWD_HASH_CTX_SIZE 216u      /* SHA-512/384 context, the larger one */
#endif

struct fwd_hash_ctx {
    enum fwd_hash_alg alg;
    FWD_CRYPTO_OPAQUE(FWD_HASH_CTX_SIZE) u;
};

/* Digest length of an algorithm (32, 48), 0 for an unknown one. */
size_t fwd_hash_len(enum fwd_hash_alg alg);
/* Streaming: start, update any number of times, finish into out[out_len]
 * (out_len >= fwd_hash_len(alg); exactly fwd_hash_len bytes are written).
 * finish and free leave the context wiped. */
int fwd_hash_start(struct fwd_hash_ctx *c, enum fwd_hash_alg alg);
int fwd_hash_update(struct fwd_hash_ctx *c, const uint8_t *p, size_t n);
int fwd_hash_finish(struct fwd_hash_ctx *c, uint8_t *out, size_t out_len);
/* dst continues from src's state (the verifier snapshots a prefix digest
 * without hashing the prefix twice). dst must not be live. */
int fwd_hash_clone(struct fwd_hash_ctx *dst, const struct fwd_hash_ctx *src);
void fwd_hash_free(struct fwd_hash_ctx *c);
/* One shot. */
int fwd_hash(enum fwd_hash_alg alg, const uint8_t *p, size_t n, uint8_t *out, size_t out_len);

/* MD5, only because the partition table format carries one (FORMATS §6.3). */
#define FWD_MD5_LEN 16u
int fwd_md5(const uint8_t *p, size_t n, uint8_t out[FWD_MD5_LEN]);

/* ---- MACs and key derivation (SHA-256 based) --------------------------------- */

#define FWD_SHA256_LEN 32u
#define FWD_SHA384_LEN 48u
int fwd_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                    uint8_t out[FWD_SHA256_LEN]);
/* PBKDF2-HMAC-SHA256 (RFC 8018) into out[out_len]. */
int fwd_pbkdf2_sha256(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
                      uint32_t iterations, uint8_t *out, size_t out_len);
/* HKDF-SHA256 (RFC 5869) into out[out_len]. */
int fwd_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                    const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

/* ---- AES-256-GCM decryption, streaming --------------------------------------- */

#ifndef FWD_GCM_CTX_SIZE
#define FWD_GCM_CTX_SIZE 424u
#endif
#define FWD_GCM_TAG_LEN 16u

struct fwd_gcm_ctx {
    int live;
    FWD_CRYPTO_OPAQUE(FWD_GCM_CTX_SIZE) u;
};

/* Key of key_len bytes (16/24/32), IV of any non-zero length, no AAD. */
int fwd_gcm_decrypt_start(struct fwd_gcm_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *iv,
                          size_t iv_len);
/* The same key and IV in the encrypting direction: update(plaintext) gives
 * the ciphertext, i.e. the GCM counter-mode keystream from the IV. A resumed
 * OTA uses it to regenerate the ciphertext of plaintext already on flash and
 * feed it to a fresh decrypt context (no cipher state is ever stored). */
int fwd_gcm_encrypt_start(struct fwd_gcm_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *iv,
                          size_t iv_len);
/* n bytes in -> n bytes out. Every call but the last must pass a multiple
 * of 16 bytes (the mbedTLS 2.28 rule; a backend may be laxer). */
int fwd_gcm_update(struct fwd_gcm_ctx *c, const uint8_t *in, uint8_t *out, size_t n);
/* The computed tag into tag[tag_len] (4..16). The caller compares it with
 * the expected tag in constant time. */
int fwd_gcm_finish(struct fwd_gcm_ctx *c, uint8_t *tag, size_t tag_len);
/* Releases and wipes the context; idempotent, safe on a zeroed one. */
void fwd_gcm_free(struct fwd_gcm_ctx *c);

/* ---- AES-XTS (IEEE 1619, no ciphertext stealing needed) ---------------------- */

#ifndef FWD_XTS_CTX_SIZE
#define FWD_XTS_CTX_SIZE 576u
#endif

enum fwd_xts_dir { FWD_XTS_ENCRYPT = 1, FWD_XTS_DECRYPT = 2 };

struct fwd_xts_ctx {
    enum fwd_xts_dir dir;          /* 0: not initialised */
    FWD_CRYPTO_OPAQUE(FWD_XTS_CTX_SIZE) u;
};

/* key = K1 || K2, key_len 32 (XTS-AES-128) or 64 (XTS-AES-256). */
int fwd_xts_init(struct fwd_xts_ctx *c, enum fwd_xts_dir dir, const uint8_t *key, size_t key_len);
/* One data unit of len bytes (a multiple of 16, >= 16) with a 16-byte tweak.
 * in == out is allowed. */
int fwd_xts_crypt(const struct fwd_xts_ctx *c, const uint8_t tweak[16], const uint8_t *in, uint8_t *out,
                  size_t len);
void fwd_xts_free(struct fwd_xts_ctx *c);

/* ---- public-key verification ---------------------------------------------------- */

/* RSASSA-PSS verify, MGF1 with the same hash, salt exactly salt_len. The
 * modulus n[n_len] must be exactly n_len * 8 bits long (else FW_ERR_KEY, as
 * is a key the backend refuses). digest_len must equal the hash's length. */
int fwd_rsa_pss_verify(const uint8_t *n, size_t n_len, uint32_t e, enum fwd_hash_alg md, size_t salt_len,
                       const uint8_t *digest, size_t digest_len, const uint8_t *sig, size_t sig_len);

enum fwd_ec_curve {
    FWD_EC_NONE = 0,
    FWD_EC_P256,
    FWD_EC_P384,
    FWD_EC_P192,      /* ESP32-C2 Secure Boot V2 parity (verify only) */
};

/* Coordinate / scalar length of a curve (24, 32, 48), 0 if unknown. */
size_t fwd_ec_coord_len(enum fwd_ec_curve curve);

/* ECDSA verify with the public point X||Y (each coord_len bytes). A point
 * that is not on the curve is FW_ERR_KEY; r or s outside [1, n-1] is
 * FW_ERR_SIGNATURE. */
int fwd_ecdsa_verify(enum fwd_ec_curve curve, const uint8_t *xy, size_t xy_len, const uint8_t *digest,
                     size_t digest_len, const uint8_t *r, const uint8_t *s, size_t rs_len);

/* ---- private keys (backend-owned objects) ---------------------------------------- */

#ifndef FWD_RSA_PRIV_SIZE
#define FWD_RSA_PRIV_SIZE 48u       /* handle + rejection secret; the key is on the backend's heap */
#endif

/* An RSA private key for key unwrapping. Load once, use for many images. */
struct fwd_rsa_priv {
    int loaded;
    size_t bits;
    FWD_CRYPTO_OPAQUE(FWD_RSA_PRIV_SIZE) u;   /* the key and its implicit-rejection secret */
};

void fwd_rsa_priv_init(struct fwd_rsa_priv *k);
/* PEM (with its terminating NUL inside len) or DER, PKCS#1 or PKCS#8. The
 * key must be an RSA key of exactly `bits` bits, else FW_ERR_KEY. */
int fwd_rsa_priv_load(struct fwd_rsa_priv *k, const uint8_t *der_or_pem, size_t len, size_t bits);
/* Frees and wipes; safe on an initialised or zeroed object. */
void fwd_rsa_priv_free(struct fwd_rsa_priv *k);

/* RSAES-PKCS1-v1_5 key unwrap with implicit rejection: in[in_len] (the
 * modulus length) decrypts to exactly out_len bytes -> those bytes; any
 * other outcome (bad padding, other length) -> a pseudo-random key,
 * HMAC-SHA256(secret, in) truncated to out_len, where the secret is
 * HMAC-SHA256(private exponent, "fwseal rsa implicit rejection v1") fixed
 * at load. Selection is branch-free, so a wrong ciphertext is only ever
 * noticed as a wrong key later (the GCM tag), never as a padding error.
 * FW_OK in both cases; FW_ERR_CRYPTO only for a failure of the backend's
 * hash. out_len <= 32. */
int fwd_rsa_unwrap_key(const struct fwd_rsa_priv *k, const struct fwd_random *rng, const uint8_t *in,
                       size_t in_len, uint8_t *out, size_t out_len);

/* The raw private operation out = in^d mod n (in, out: bits/8 bytes,
 * big-endian; in >= n is FW_ERR_INVALID_ARG), blinded with rng. What a
 * DS-style peripheral computes; the simulator's peripheral uses it. */
int fwd_rsa_priv_raw(const struct fwd_rsa_priv *k, const struct fwd_random *rng, const uint8_t *in, uint8_t *out,
                     size_t len);

#ifndef FWD_EC_PRIV_SIZE
#define FWD_EC_PRIV_SIZE 272u
#endif

/* An EC private scalar for ECDH. */
struct fwd_ec_priv {
    enum fwd_ec_curve curve;       /* FWD_EC_NONE: not loaded */
    FWD_CRYPTO_OPAQUE(FWD_EC_PRIV_SIZE) u;
};

void fwd_ec_priv_init(struct fwd_ec_priv *k);
/* Scalar d[d_len] (big-endian, coordinate length), used as is: d outside
 * [1, n-1] is FW_ERR_KEY (no reduction). */
int fwd_ec_priv_load(struct fwd_ec_priv *k, enum fwd_ec_curve curve, const uint8_t *d, size_t d_len);
void fwd_ec_priv_free(struct fwd_ec_priv *k);

/* ECDH: the shared X coordinate of d * peer into out[out_len] (coordinate
 * length). peer = X||Y; a point off the curve or the identity is FW_ERR_KEY. */
int fwd_ecdh_shared_x(const struct fwd_ec_priv *k, const struct fwd_random *rng, const uint8_t *peer_xy,
                      size_t peer_len, uint8_t *out, size_t out_len);

/* ---- public keys from files (provisioning tools) --------------------------------- */

enum fwd_pubkey_kind { FWD_PUBKEY_NONE = 0, FWD_PUBKEY_RSA, FWD_PUBKEY_EC };

/* The public numbers of a PEM key (public, or private whose public half is
 * taken), big-endian: RSA n[n_len] and e; EC curve and X||Y. */
struct fwd_pubkey {
    enum fwd_pubkey_kind kind;
    size_t n_len;
    uint8_t n[512];
    uint32_t e;
    enum fwd_ec_curve curve;
    uint8_t xy[2 * 48];
};

/* pem[len] need not be NUL-terminated. FW_ERR_KEY if not a key the backend
 * reads, or an RSA exponent above 32 bits / modulus above 4096 bits, or a
 * curve other than P-192 / P-256 / P-384. */
int fwd_pubkey_from_pem(const uint8_t *pem, size_t len, struct fwd_pubkey *out);

/* 2^exp_bits mod n (n big-endian, n_len bytes) into out[n_len] (big-endian):
 * the Montgomery constant some signature formats carry next to n. */
int fwd_bn_pow2_mod(const uint8_t *n, size_t n_len, unsigned exp_bits, uint8_t *out);

#endif
