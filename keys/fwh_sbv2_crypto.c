/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 block signing and signature verification (OpenSSL 3 EVP):
 * the block layout is common/fw_sbv2's, the signature math the scheme
 * table's (keys/fwh_sig.h). */
#include "keys/fwh_sbv2_crypto.h"

#include <stdlib.h>
#include <string.h>

#include "fw_err.h"
#include "host/fwh_why.h"
#include "keys/fwh_sig.h"

#include <openssl/bn.h>
#include <openssl/ec.h>

/* The candidates an external signature may be, for the block's layout:
 * RSA one (big-endian), ECDSA up to three (raw BE, raw LE, DER). Each fills
 * the signature fields of b in the block's own little-endian form. */
enum sig_form { SIG_RAW_BE, SIG_RAW_LE, SIG_DER, SIG_FORMS };

static void reverse_into(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = src[n - 1 - i];
}

/* Strict DER ECDSA-Sig-Value -> r, s little-endian (coord bytes each). */
static int der_into(const uint8_t *sig, size_t siglen, size_t coord, uint8_t *r, uint8_t *s)
{
    const unsigned char *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
    if (!es) return 0;
    unsigned char *re = NULL;
    int relen = i2d_ECDSA_SIG(es, &re);
    const BIGNUM *br = NULL, *bs = NULL;
    ECDSA_SIG_get0(es, &br, &bs);
    int ok = p == sig + siglen && relen == (int)siglen && !memcmp(re, sig, siglen) &&
             BN_bn2lebinpad(br, r, (int)coord) == (int)coord && BN_bn2lebinpad(bs, s, (int)coord) == (int)coord;
    OPENSSL_free(re);
    ECDSA_SIG_free(es);
    return ok;
}

static int place_signature(struct fw_sbv2_block *b, enum sig_form form, const uint8_t *sig, size_t siglen)
{
    if (b->scheme == FW_SBV2_RSA3072) {
        if (form != SIG_RAW_BE || siglen != FW_SBV2_RSA_LEN) return 0;
        reverse_into(b->rsa.sig, sig, siglen);
        return 1;
    }
    size_t coord = fw_sbv2_coord_len(b->scheme);
    if (!coord || coord > FW_SBV2_MAX_COORD) return 0;
    switch (form) {
    case SIG_RAW_BE:
        if (siglen != 2 * coord) return 0;
        reverse_into(b->ec.r, sig, coord);
        reverse_into(b->ec.s, sig + coord, coord);
        return 1;
    case SIG_RAW_LE:
        if (siglen != 2 * coord) return 0;
        memcpy(b->ec.r, sig, coord);
        memcpy(b->ec.s, sig + coord, coord);
        return 1;
    case SIG_DER:
        return siglen > 2 * coord ? der_into(sig, siglen, coord, b->ec.r, b->ec.s) : 0;
    default:
        return 0;
    }
}

int fwh_sbv2_block_from_signature(const struct fwh_key *k, const uint8_t *digest, size_t digest_len,
                                  const uint8_t *sig, size_t siglen, uint8_t blk[FW_SBV2_BLOCK_SIZE], char *why,
                                  size_t whylen)
{
    const struct fwh_sig_scheme *s = fwh_sig_scheme_find(k->type);
    if (!s) return fwh_why(FW_ERR_KEY, why, whylen, "key of no supported scheme");
    if (digest_len != s->digest_len || digest_len > FW_SBV2_MAX_DIGEST)
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "digest length %zu for %s", digest_len, s->display);
    struct fw_sbv2_block *b = calloc(1, sizeof *b);
    if (!b) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    int rc = s->key_fields(s, k->pkey, b), placed = 0;
    if (rc) rc = fwh_why(rc, why, whylen, "cannot lay out the public key (%s)", fw_strerror(rc));
    for (int f = 0; !rc && f < SIG_FORMS; f++) {
        if (!place_signature(b, (enum sig_form)f, sig, siglen)) continue;
        placed = 1;
        memcpy(b->image_digest, digest, digest_len);
        b->digest_len = digest_len;
        char vwhy[128];
        if (fw_sbv2_block_encode(b, blk) == FW_OK &&
            fwh_sbv2_block_verify(blk, digest, digest_len, vwhy, sizeof vwhy) == FW_OK) {
            free(b);
            return FW_OK;
        }
    }
    free(b);
    memset(blk, 0xFF, FW_SBV2_BLOCK_SIZE);
    if (rc) return rc;
    if (!placed) {
        if (k->type == FW_SBV2_RSA3072)
            return fwh_why(FW_ERR_SIGNATURE, why, whylen, "the signature is %zu bytes: a %s signature is %u bytes (big-endian)",
                           siglen, s->display, FW_SBV2_RSA_LEN);
        return fwh_why(FW_ERR_SIGNATURE, why, whylen, "the signature is %zu bytes: a %s signature is %zu bytes raw (r||s) or DER",
                       siglen, s->display, 2 * fw_sbv2_coord_len(k->type));
    }
    return fwh_why(FW_ERR_SIGNATURE, why, whylen,
                   "the %s signature does not verify with the public key over this image's digest", s->display);
}

int fwh_sbv2_sign_block(const struct fwh_key *k, const uint8_t *digest, size_t digest_len,
                        uint8_t blk[FW_SBV2_BLOCK_SIZE], char *why, size_t whylen)
{
    if (!k->has_private) return fwh_why(FW_ERR_KEY, why, whylen, "a private key is needed to sign");
    if (k->ext) { /* a token or a signature made elsewhere: verified before use */
        uint8_t sig[FWH_SIG_MAX];
        size_t siglen = sizeof sig;
        int rc = k->ext->sign(k->ext_ctx, digest, digest_len, sig, &siglen, why, whylen);
        if (rc) return rc;
        return fwh_sbv2_block_from_signature(k, digest, digest_len, sig, siglen, blk, why, whylen);
    }
    const struct fwh_sig_scheme *s = fwh_sig_scheme_find(k->type);
    if (!s) return fwh_why(FW_ERR_KEY, why, whylen, "key of no supported scheme");
    if (!s->sign)
        return fwh_why(FW_ERR_KEY, why, whylen,
                       "fwseal verifies %s signatures but does not sign with %s keys (96-bit security; "
                       "use ecdsa-p256, which the same chips verify)",
                       s->display, s->display);
    if (digest_len != s->digest_len || digest_len > FW_SBV2_MAX_DIGEST)
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "digest length %zu for %s", digest_len, s->display);
    struct fw_sbv2_block *b = calloc(1, sizeof *b);
    if (!b) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    int rc = s->key_fields(s, k->pkey, b);
    if (!rc) rc = s->sign(s, k->pkey, digest, digest_len, b);
    if (!rc) {
        memcpy(b->image_digest, digest, digest_len);
        b->digest_len = digest_len;
        rc = fw_sbv2_block_encode(b, blk);
    }
    free(b);
    if (rc) return fwh_why(rc, why, whylen, "signing failed (%s)", fw_strerror(rc));
    /* Never emit a block that does not verify (bug or fault in the signer). */
    rc = fwh_sbv2_block_verify(blk, digest, digest_len, why, whylen);
    if (rc) return fwh_why(FW_ERR_CRYPTO, why, whylen, "self-check of the new signature failed");
    return FW_OK;
}

int fwh_sbv2_block_verify(const uint8_t blk[FW_SBV2_BLOCK_SIZE], const uint8_t *digest, size_t digest_len,
                          char *why, size_t whylen)
{
    enum fw_sbv2_scheme id = fw_sbv2_block_scheme(blk);
    const struct fwh_sig_scheme *s = fwh_sig_scheme_find(id);
    if (!s) return fwh_why(FW_ERR_UNSUPPORTED, why, whylen, "%s signatures are not supported", fw_sbv2_scheme_name(id));
    if (digest_len != s->digest_len) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "digest length %zu", digest_len);
    int rc = s->verify(s, blk, digest, digest_len, why, whylen);
    if (rc == FW_ERR_SIGNATURE)
        return fwh_why(rc, why, whylen, "%s signature does not verify with the block's key", fw_sbv2_scheme_name(id));
    if (rc == FW_ERR_KEY) return rc;   /* the scheme said why */
    if (rc) return fwh_why(rc, why, whylen, "signature check failed (%s)", fw_strerror(rc));
    return FW_OK;
}
