/* SPDX-License-Identifier: Apache-2.0 */
/* Secure Boot V2 signature-block checks (FORMATS §2.5-2.7, §2.9): the block
 * layout comes from common/fw_sbv2, the signature math from the scheme table
 * (device/fwd_sig.h) on the crypto seam. */
#include <string.h>

#include "device/fwd_efuse.h"
#include "device/fwd_sig.h"
#include "device/fwd_verify.h"
#include "fw_bytes.h"
#include "fw_sbv2.h"

int fwd_verify_block_valid(const uint8_t blk[FWD_SBV2_BLOCK])
{
    int rc = fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE);   /* magic, CRC, known scheme */
    if (rc != FW_OK) return rc;
    /* Only the schemes of the table (device/fwd_sig.c) are verified. */
    if (!fwd_sig_scheme_of_block(blk)) return FW_ERR_UNSUPPORTED;
    /* Stricter than the ROM (FORMATS 2.9 rule 2, as fwseal verify on the host):
     * the 16 padding bytes and reserved fields are covered by neither the CRC
     * nor the signature, so a block whose padding is not as specified is not
     * a valid block: nothing unauthenticated is accepted in a trusted block. */
    if (fw_sbv2_block_reserved_ok(blk) != FW_OK) return FW_ERR_FORMAT;
    return FW_OK;
}

int fwd_verify_key_digest(const uint8_t blk[FWD_SBV2_BLOCK], uint8_t out[FW_SBV2_KEY_DIGEST_LEN])
{
    int rc = fwd_sig_block_key_digest(blk, out, FW_SBV2_KEY_DIGEST_LEN);
    return rc == FW_ERR_UNSUPPORTED || rc == FW_OK ? rc : FW_ERR_CRYPTO;
}

int fwd_verify_key_trusted(const uint8_t blk[FWD_SBV2_BLOCK], const struct fwd_efuse_state *ef,
                           int *slot)
{
    uint8_t d[FW_SBV2_KEY_DIGEST_LEN];
    int rc = fwd_verify_key_digest(blk, d);
    if (rc) return rc;
    int trusted = -1, revoked = 0;
    /* Compare against every slot in constant time; no early exit. */
    for (int i = 0; i < FWD_EFUSE_DIGEST_SLOTS; i++) {
        int present = (ef->digest_present >> i) & 1;
        int rev = (ef->digest_revoked >> i) & 1;
        int eq = fw_ct_equal(d, ef->digest[i], sizeof d);
        if (present && eq && !rev && trusted < 0) trusted = i;
        if (present && eq && rev) revoked = 1;
    }
    fw_wipe(d, sizeof d);
    if (slot) *slot = trusted;
    if (trusted >= 0) return FW_OK;
    return revoked ? FW_ERR_REVOKED : FW_ERR_UNTRUSTED;
}

int fwd_verify_block_signature(const uint8_t blk[FWD_SBV2_BLOCK], const uint8_t *digest, size_t digest_len)
{
    const struct fwd_sig_scheme *s = fwd_sig_scheme_of_block(blk);
    if (!s) return FW_ERR_UNSUPPORTED;
    if (digest_len != s->digest_len) return FW_ERR_INVALID_ARG;
    return s->verify(s, blk, digest, digest_len);
}

/* Rank of a per-block failure: the most informative one becomes the overall
 * reason (a trusted key with a bad signature says more than an unknown key). */
static int reason_rank(int r)
{
    switch (r) {
    case FWD_VR_SIGNATURE: return 6;
    case FWD_VR_DIGEST: return 5;
    case FWD_VR_REVOKED: return 4;
    case FWD_VR_UNTRUSTED: return 3;
    case FWD_VR_SCHEME: return 2;
    case FWD_VR_NO_SIGNATURE: return 1;
    default: return 0;
    }
}

static int reason_err(int r)
{
    switch (r) {
    case FWD_VR_OK: return FW_OK;
    case FWD_VR_SIGNATURE: return FW_ERR_SIGNATURE;
    case FWD_VR_DIGEST: return FW_ERR_DIGEST;
    case FWD_VR_REVOKED: return FW_ERR_REVOKED;
    case FWD_VR_NO_KEYS:
    case FWD_VR_UNTRUSTED: return FW_ERR_UNTRUSTED;
    case FWD_VR_SCHEME: return FW_ERR_UNSUPPORTED;
    default: return FW_ERR_SIGNATURE;
    }
}

/* One block: validity, image_digest, key trust, signature -- in that order so
 * an untrusted key never reaches the (expensive) public-key operation. */
static int check_block(const uint8_t *blk, const uint8_t *digest, size_t digest_len,
                       const struct fwd_efuse_state *ef, int *slot)
{
    /* A well-formed block (magic, CRC) of a Secure Boot V2 scheme that this
     * image's table leaves out (fwd_sig.h): refused, and said so. */
    if (fw_sbv2_block_check(blk, FW_SBV2_SCHEME_NONE) == FW_OK && !fwd_sig_scheme_of_block(blk))
        return FWD_VR_SCHEME;
    if (fwd_verify_block_valid(blk) != FW_OK) return FWD_VR_NO_SIGNATURE;
    /* A valid block has a scheme of the table (fwd_verify_block_valid). A
     * block signing another digest length than the one computed cannot
     * match it (the verifier computes the digest the trusted schemes sign). */
    const struct fwd_sig_scheme *s = fwd_sig_scheme_of_block(blk);
    if (s->digest_len != digest_len) return FWD_VR_DIGEST;
    if (!fw_ct_equal(blk + FW_SBV2_OFF_DIGEST, digest, digest_len)) return FWD_VR_DIGEST;
    int t = fwd_verify_key_trusted(blk, ef, slot);
    if (t == FW_ERR_REVOKED) return FWD_VR_REVOKED;
    if (t != FW_OK) return FWD_VR_UNTRUSTED;
    return s->verify(s, blk, digest, digest_len) == FW_OK ? FWD_VR_OK : FWD_VR_SIGNATURE;
}

/* The k-of-n rule: a block counts for the eFuse slot whose key it carries
 * (fwd_verify_key_trusted always names the first usable slot of a digest),
 * so two blocks by one key are one signature. */
static unsigned popcount_slots(unsigned m)
{
    unsigned n = 0;
    for (; m; m &= m - 1) n++;
    return n;
}

int fwd_verify_sig_sector(const uint8_t sector[FWD_SBV2_SECTOR], const uint8_t *digest, size_t digest_len,
                          const struct fwd_efuse_state *ef, struct fwd_verify_result *res)
{
    int best = FWD_VR_NO_SIGNATURE;
    unsigned slots = 0;
    res->block = -1;
    res->key_slot = -1;
    res->verified_keys = 0;
    res->required_keys = fwd_efuse_required_signatures(ef);
    if ((ef->digest_present & 7u) == 0) {
        res->reason = FWD_VR_NO_KEYS;
        return fw_fail_set(&res->fail, FW_ERR_UNTRUSTED, fwd_verify_reason_str(res->reason));
    }
    /* Every slot is examined independently: an invalid block is skipped, not
     * fatal (§2.7); every block is checked (no early exit at the first pass)
     * so the count of distinct keys is complete. */
    for (unsigned i = 0; i < FWD_SBV2_BLOCKS; i++) {
        int slot = -1;
        int r = check_block(fw_sbv2_sector_block_c(sector, i), digest, digest_len, ef, &slot);
        res->block_status[i] = r;
        if (r == FWD_VR_OK && slot >= 0 && slot < FWD_EFUSE_DIGEST_SLOTS) {
            if (res->block < 0) {
                res->block = (int)i;
                res->key_slot = slot;
            }
            slots |= 1u << slot;
        } else if (r != FWD_VR_OK && reason_rank(r) > reason_rank(best)) {
            best = r;
        }
    }
    res->verified_keys = popcount_slots(slots);
    /* Decided on the count, and the count checked again against the policy
     * read once more from the eFuse image: a skipped compare is not "accept". */
    volatile unsigned have = res->verified_keys, need = fwd_efuse_required_signatures(ef);
    if (have >= res->required_keys && have >= need && need >= 1)
        res->reason = FWD_VR_OK;
    else
        res->reason = have > 0 ? FWD_VR_POLICY : best;
    return fw_fail_set(&res->fail, reason_err(res->reason), fwd_verify_reason_str(res->reason));
}

const char *fwd_verify_reason_str(int reason)
{
    switch (reason) {
    case FWD_VR_OK: return "ok";
    case FWD_VR_IO: return "cannot read the partition";
    case FWD_VR_HEADER: return "bad image header";
    case FWD_VR_SEGMENT: return "bad segment";
    case FWD_VR_APP_DESC: return "bad app descriptor";
    case FWD_VR_CHIP: return "wrong chip id or revision";
    case FWD_VR_CHECKSUM: return "image checksum mismatch";
    case FWD_VR_HASH: return "image SHA-256 mismatch";
    case FWD_VR_TOO_BIG: return "image does not fit the partition";
    case FWD_VR_NO_SIGNATURE: return "no valid signature block";
    case FWD_VR_SCHEME: return "signature scheme not supported by this device";
    case FWD_VR_DIGEST: return "signature block digest does not match the image";
    case FWD_VR_UNTRUSTED: return "not signed by a trusted key";
    case FWD_VR_REVOKED: return "signing key revoked";
    case FWD_VR_SIGNATURE: return "bad signature";
    case FWD_VR_ROLLBACK: return "secure_version below eFuse";
    case FWD_VR_NO_KEYS: return "no secure boot key provisioned";
    case FWD_VR_POLICY: return "fewer signatures by distinct trusted keys than the device policy requires";
    default: return "unknown reason";
    }
}
