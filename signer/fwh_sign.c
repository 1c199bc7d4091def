/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signing: streamed digest and signature sector assembly. */
#include "signer/fwh_sign.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_why.h"
#include "keys/fwh_sbv2_crypto.h"


int fwh_signer_init(struct fwh_signer *s)
{
    return fwh_signer_init_len(s, FW_SBV2_DIGEST_SHA256_LEN);
}

int fwh_signer_init_len(struct fwh_signer *s, size_t digest_len)
{
    const EVP_MD *alg = digest_len == 32 ? EVP_sha256() : digest_len == 48 ? EVP_sha384() : NULL;
    s->len = 0;
    s->md = NULL;
    s->digest_len = digest_len;
    if (!alg) return FW_ERR_INVALID_ARG;
    s->ntaps = 0;
    s->md = EVP_MD_CTX_new();
    if (!s->md) return FW_ERR_NOMEM;
    if (EVP_DigestInit_ex(s->md, alg, NULL) != 1) {
        fwh_signer_free(s);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

int fwh_signer_attach(struct fwh_signer *s, const struct fwh_key *const *keys, size_t nkeys)
{
    if (s->len) return FW_ERR_STATE;
    for (size_t i = 0; i < nkeys; i++) {
        const struct fwh_key *k = keys[i];
        if (!k->ext || !k->ext->streams || !k->ext->streams(k->ext_ctx)) continue;
        if (s->ntaps == FWH_SIGNER_MAX_TAPS) return FW_ERR_NO_SPACE;
        s->taps[s->ntaps++] = k;
    }
    return FW_OK;
}

int fwh_signer_update(struct fwh_signer *s, const void *p, size_t n)
{
    if (n > UINT64_MAX - s->len) return FW_ERR_OVERFLOW;
    s->len += n;
    for (size_t i = 0; i < s->ntaps; i++) {
        int rc = s->taps[i]->ext->update(s->taps[i]->ext_ctx, p, n);
        if (rc) return rc;
    }
    return EVP_DigestUpdate(s->md, p, n) == 1 ? FW_OK : FW_ERR_CRYPTO;
}

int fwh_signer_update_ff(struct fwh_signer *s, uint64_t n)
{
    uint8_t ff[256];
    memset(ff, 0xFF, sizeof ff);
    while (n) {
        size_t k = n < sizeof ff ? (size_t)n : sizeof ff;
        int rc = fwh_signer_update(s, ff, k);
        if (rc) return rc;
        n -= k;
    }
    return FW_OK;
}

int fwh_signer_digest_len(struct fwh_signer *s, uint8_t *out, size_t out_len)
{
    uint8_t d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (out_len < s->digest_len) return FW_ERR_INVALID_ARG;
    if (EVP_DigestFinal_ex(s->md, d, &len) != 1 || len != s->digest_len) return FW_ERR_CRYPTO;
    memcpy(out, d, len);
    return FW_OK;
}

int fwh_signer_digest(struct fwh_signer *s, uint8_t digest[32])
{
    if (s->digest_len != FW_SBV2_DIGEST_SHA256_LEN) return FW_ERR_INVALID_ARG;
    return fwh_signer_digest_len(s, digest, FW_SBV2_DIGEST_SHA256_LEN);
}

void fwh_signer_free(struct fwh_signer *s)
{
    EVP_MD_CTX_free(s->md);
    s->md = NULL;
}

uint64_t fwh_sbv2_pad_len(uint64_t len)
{
    return (FW_SBV2_SECTOR_SIZE - len % FW_SBV2_SECTOR_SIZE) % FW_SBV2_SECTOR_SIZE;
}

/* Keep the old sector's leading valid blocks; they must sign this digest
 * and share one scheme. Returns the count kept (>= 0) or a negative error. */
static int keep_existing(uint8_t *sector, const uint8_t *old, const uint8_t *digest, size_t digest_len,
                         enum fw_sbv2_scheme *scheme, char *why, size_t whylen)
{
    struct fw_sbv2_scan scan;
    unsigned v = fw_sbv2_sector_scan(old, &scan);
    if (v == 0)
        return fwh_why(FW_ERR_NOT_FOUND, why, whylen,
                    "--append: the last 4096 bytes hold no valid signature block (block 0: %s)",
                    fw_strerror(scan.status[0]));
    for (unsigned i = 0; i < v; i++) {
        const uint8_t *blk = fw_sbv2_sector_block_c(old, i);
        if (i == 0) *scheme = scan.scheme[0];
        if (scan.scheme[i] != *scheme)
            return fwh_why(FW_ERR_KEY, why, whylen, "--append: existing blocks mix %s and %s",
                        fw_sbv2_scheme_name(*scheme), fw_sbv2_scheme_name(scan.scheme[i]));
        if (!fw_sbv2_scheme_supported(scan.scheme[i]))
            return fwh_why(FW_ERR_KEY, why, whylen, "--append: existing block %u uses unsupported scheme %s", i,
                        fw_sbv2_scheme_name(scan.scheme[i]));
        if (fw_sbv2_digest_len(scan.scheme[i]) != digest_len)
            return fwh_why(FW_ERR_KEY, why, whylen,
                           "--append: existing block %u is %s (a %zu-byte image digest), the new key signs a %zu-byte "
                           "one: schemes cannot mix in one sector",
                           i, fw_sbv2_scheme_name(scan.scheme[i]), fw_sbv2_digest_len(scan.scheme[i]), digest_len);
        if (!fw_ct_equal(blk + FW_SBV2_OFF_DIGEST, digest, digest_len))
            return fwh_why(FW_ERR_DIGEST, why, whylen,
                        "--append: existing block %u signs a different image digest (image changed after signing?)", i);
        memcpy(fw_sbv2_sector_block(sector, i), blk, FW_SBV2_BLOCK_SIZE);
    }
    return (int)v;
}

int fwh_sbv2_build_sector(uint8_t sector[FW_SBV2_SECTOR_SIZE], const uint8_t *existing,
                          const struct fwh_key *const *keys, size_t nkeys, const uint8_t digest[32],
                          char *why, size_t whylen)
{
    return fwh_sbv2_build_sector_len(sector, existing, keys, nkeys, digest, FW_SBV2_DIGEST_SHA256_LEN, why, whylen);
}

int fwh_sbv2_build_sector_len(uint8_t sector[FW_SBV2_SECTOR_SIZE], const uint8_t *existing,
                              const struct fwh_key *const *keys, size_t nkeys, const uint8_t *digest,
                              size_t digest_len, char *why, size_t whylen)
{
    fw_sbv2_sector_erase(sector);
    enum fw_sbv2_scheme scheme = FW_SBV2_SCHEME_NONE;
    int kept = 0;
    if (existing) {
        kept = keep_existing(sector, existing, digest, digest_len, &scheme, why, whylen);
        if (kept < 0) return kept;
    }
    if (nkeys == 0) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "no signing key");
    if ((size_t)kept + nkeys > FW_SBV2_MAX_BLOCKS)
        return fwh_why(FW_ERR_NO_SPACE, why, whylen,
                    "a signature sector holds at most 3 blocks (%d present, %zu new)", kept, nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        enum fw_sbv2_scheme s = fwh_key_scheme(keys[i]);
        if (scheme == FW_SBV2_SCHEME_NONE) scheme = s;
        if (s != scheme)
            return fwh_why(FW_ERR_KEY, why, whylen, "mixed signature schemes (%s and %s) in one sector are not allowed",
                        fw_sbv2_scheme_name(scheme), fw_sbv2_scheme_name(s));
        if (!keys[i]->has_private) return fwh_why(FW_ERR_KEY, why, whylen, "key %zu is a public key; signing needs the private key", i + 1);
    }
    for (size_t i = 0; i < nkeys; i++) {
        int rc = fwh_sbv2_sign_block(keys[i], digest, digest_len,
                                     fw_sbv2_sector_block(sector, (unsigned)(kept + (int)i)), why, whylen);
        if (rc) return rc;
    }
    return FW_OK;
}
