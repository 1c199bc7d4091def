/* Secure Boot V2 block signing and signature verification (OpenSSL 3 EVP):
 * the block layout is common/fw_sbv2's, the signature math the scheme
 * table's (keys/fwh_sig.h). */
#include "keys/fwh_sbv2_crypto.h"

#include <stdlib.h>
#include <string.h>

#include "fw_err.h"
#include "host/fwh_why.h"
#include "keys/fwh_sig.h"

int fwh_sbv2_sign_block(const struct fwh_key *k, const uint8_t *digest, size_t digest_len,
                        uint8_t blk[FW_SBV2_BLOCK_SIZE], char *why, size_t whylen)
{
    if (!k->has_private) return fwh_why(FW_ERR_KEY, why, whylen, "a private key is needed to sign");
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
    int rc = s->key_fields(k->pkey, b);
    if (!rc) rc = s->sign(k->pkey, digest, digest_len, b);
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
    int rc = s->verify(blk, digest, digest_len, why, whylen);
    if (rc == FW_ERR_SIGNATURE)
        return fwh_why(rc, why, whylen, "%s signature does not verify with the block's key", fw_sbv2_scheme_name(id));
    if (rc == FW_ERR_KEY) return rc;   /* the scheme said why */
    if (rc) return fwh_why(rc, why, whylen, "signature check failed (%s)", fw_strerror(rc));
    return FW_OK;
}
