/* SPDX-License-Identifier: Apache-2.0 */
/* Flash encryption: XTS-AES with the Espressif address tweak (see fwd_fe.h). */
#include "device/fwd_fe.h"

#include <string.h>


#include "fw_bytes.h"

static int setkeys(struct fwd_fe *fe, const uint8_t *key, unsigned bits)
{
    if (fwd_xts_init(&fe->enc, FWD_XTS_ENCRYPT, key, bits / 8) != FW_OK ||
        fwd_xts_init(&fe->dec, FWD_XTS_DECRYPT, key, bits / 8) != FW_OK) {
        fwd_fe_free(fe);
        return FW_ERR_CRYPTO;
    }
    fe->mode = bits == 256 ? FWD_FE_XTS128 : FWD_FE_XTS256;
    return FW_OK;
}

int fwd_fe_init(struct fwd_fe *fe, const uint8_t *key, size_t key_len)
{
    if (!fe || !key) return FW_ERR_INVALID_ARG;
    memset(fe, 0, sizeof *fe);
    if (key_len == 32 || key_len == 64) return setkeys(fe, key, (unsigned)key_len * 8);
    if (key_len != 16) return FW_ERR_KEY;
    uint8_t k[32];
    if (fwd_hash(FWD_HASH_SHA256, key, 16, k, sizeof k) != FW_OK) return FW_ERR_CRYPTO;
    int rc = setkeys(fe, k, 256);
    fw_wipe(k, sizeof k);
    return rc;
}

int fwd_fe_init_efuse(struct fwd_fe *fe, int mode, const uint8_t key[64])
{
    if (!fe) return FW_ERR_INVALID_ARG;
    memset(fe, 0, sizeof *fe);
    switch (mode) {
    case FWD_FE_OFF: return FW_OK;
    case FWD_FE_XTS128: return fwd_fe_init(fe, key, 32);
    case FWD_FE_XTS256: return fwd_fe_init(fe, key, 64);
    default: return FW_ERR_KEY;
    }
}

int fwd_fe_init_platform(struct fwd_fe *fe, const struct fwd_efuse_state *st, const struct fwd_flash *flash)
{
    if (!fe || !st || !flash) return FW_ERR_INVALID_ARG;
    memset(fe, 0, sizeof *fe);
    int mode = st->fe_mode;
    if (mode == FWD_FE_OFF) return FW_OK;
    if (mode != FWD_FE_XTS128 && mode != FWD_FE_XTS256) return FW_ERR_KEY;
    if (fwd_flash_has_encryption(flash)) {
        fe->mode = mode;
        fe->transparent = 1;
        return FW_OK;
    }
    if (fw_all_zero(st->fe_key, mode == FWD_FE_XTS128 ? 32 : 64)) return FW_ERR_KEY;
    return fwd_fe_init_efuse(fe, mode, st->fe_key);
}

void fwd_fe_free(struct fwd_fe *fe)
{
    if (!fe) return;
    fwd_xts_free(&fe->enc);
    fwd_xts_free(&fe->dec);
    fw_wipe(fe, sizeof *fe);
}

/* Reverse the 8 bytes of a word (the shift/mask pattern compiles to one
 * byte-swap instruction). Reversing the bytes of memory through a native
 * load, this, and a native store is independent of the host's endianness. */
static uint64_t swap64(uint64_t w)
{
    w = (w >> 32) | (w << 32);
    w = ((w & 0xFFFF0000FFFF0000ull) >> 16) | ((w & 0x0000FFFF0000FFFFull) << 16);
    return ((w & 0xFF00FF00FF00FF00ull) >> 8) | ((w & 0x00FF00FF00FF00FFull) << 8);
}

/* Byte-reverse a whole 128-byte unit into a DISTINCT buffer, 8 bytes at a
 * time: word i, byte-swapped, goes to word 15 - i. */
static void reverse_unit(uint8_t *dst, const uint8_t *src)
{
    for (size_t i = 0; i < FWD_FE_UNIT; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        w = swap64(w);
        memcpy(dst + FWD_FE_UNIT - 8 - i, &w, 8);
    }
}

/* One 128-byte unit at u: tweak = address, XTS in place. */
static int xts_unit(const struct fwd_xts_ctx *ctx, uint32_t u, uint8_t unit[FWD_FE_UNIT])
{
    uint8_t tweak[FW_XTS_TWEAK_LEN];
    fw_xts_tweak_le32(u, tweak);
    return fwd_xts_crypt(ctx, tweak, unit, unit, FWD_FE_UNIT) == FW_OK ? FW_OK : FW_ERR_CRYPTO;
}

/* One pass over [addr, addr+len): each 128-byte unit touched is assembled in
 * `unit` (zero padding outside the range), reversed, XTS-processed with the
 * address tweak, reversed back, and the requested part copied out. Whole
 * units (the bulk of any write/read) take the word-wise reversal path. */
static int crypt_range(const struct fwd_fe *fe, enum fwd_xts_dir dir, uint32_t addr, const uint8_t *in, uint8_t *out,
                       size_t len)
{
    if (!fe || (len && (!in || !out))) return FW_ERR_INVALID_ARG;
    if ((fe->mode != FWD_FE_XTS128 && fe->mode != FWD_FE_XTS256) || fe->transparent) return FW_ERR_STATE;
    if (addr % FWD_FE_BLOCK || len % FWD_FE_BLOCK) return FW_ERR_ALIGN;
    if ((uint64_t)addr + len > (uint64_t)UINT32_MAX + 1) return FW_ERR_OVERFLOW;
    const struct fwd_xts_ctx *ctx = dir == FWD_XTS_ENCRYPT ? &fe->enc : &fe->dec;
    uint8_t unit[FWD_FE_UNIT];
    int rc = FW_OK;
    size_t done = 0;
    while (done < len && rc == FW_OK) {
        uint32_t a = addr + (uint32_t)done;
        uint32_t u = fw_fe_unit_start(a);
        size_t off = a - u;
        size_t n = FWD_FE_UNIT - off;
        if (n > len - done) n = len - done;
        if (n == FWD_FE_UNIT) {
            reverse_unit(unit, in + done);
            if ((rc = xts_unit(ctx, u, unit)) == FW_OK) reverse_unit(out + done, unit);
        } else {
            memset(unit, 0, sizeof unit);
            /* Reversed placement: byte i of the unit lands at 127 - i. */
            fw_reverse_copy(unit + FWD_FE_UNIT - off - n, in + done, n);
            if ((rc = xts_unit(ctx, u, unit)) == FW_OK)
                fw_reverse_copy(out + done, unit + FWD_FE_UNIT - off - n, n);
        }
        done += n;
    }
    fw_wipe(unit, sizeof unit);
    return rc;
}

int fwd_fe_encrypt(const struct fwd_fe *fe, uint32_t addr, const uint8_t *in, uint8_t *out, size_t len)
{
    return crypt_range(fe, FWD_XTS_ENCRYPT, addr, in, out, len);
}

int fwd_fe_decrypt(const struct fwd_fe *fe, uint32_t addr, const uint8_t *in, uint8_t *out, size_t len)
{
    return crypt_range(fe, FWD_XTS_DECRYPT, addr, in, out, len);
}
