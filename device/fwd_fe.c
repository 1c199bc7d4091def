/* Flash encryption: XTS-AES with the Espressif address tweak (see fwd_fe.h). */
#include "device/fwd_fe.h"

#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "fw_bytes.h"

static int setkeys(struct fwd_fe *fe, const uint8_t *key, unsigned bits)
{
    mbedtls_aes_xts_init(&fe->enc);
    mbedtls_aes_xts_init(&fe->dec);
    if (mbedtls_aes_xts_setkey_enc(&fe->enc, key, bits) != 0 ||
        mbedtls_aes_xts_setkey_dec(&fe->dec, key, bits) != 0) {
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
    if (mbedtls_sha256_ret(key, 16, k, 0) != 0) return FW_ERR_CRYPTO;
    int rc = setkeys(fe, k, 256);
    mbedtls_platform_zeroize(k, sizeof k);
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

void fwd_fe_free(struct fwd_fe *fe)
{
    if (!fe) return;
    if (fe->mode != FWD_FE_OFF) {
        mbedtls_aes_xts_free(&fe->enc);
        mbedtls_aes_xts_free(&fe->dec);
    }
    mbedtls_platform_zeroize(fe, sizeof *fe);
}

/* One pass over [addr, addr+len): each 128-byte unit touched is assembled in
 * `unit` (zero padding outside the range), reversed, XTS-processed with the
 * address tweak, reversed back, and the requested part copied out. */
static int crypt_range(const struct fwd_fe *fe, int dir, uint32_t addr, const uint8_t *in, uint8_t *out,
                       size_t len)
{
    if (!fe || (len && (!in || !out))) return FW_ERR_INVALID_ARG;
    if (fe->mode != FWD_FE_XTS128 && fe->mode != FWD_FE_XTS256) return FW_ERR_STATE;
    if (addr % FWD_FE_BLOCK || len % FWD_FE_BLOCK) return FW_ERR_ALIGN;
    if ((uint64_t)addr + len > (uint64_t)UINT32_MAX + 1) return FW_ERR_OVERFLOW;
    mbedtls_aes_xts_context *ctx = (mbedtls_aes_xts_context *)(dir == MBEDTLS_AES_ENCRYPT ? &fe->enc : &fe->dec);
    uint8_t unit[FWD_FE_UNIT], tweak[16];
    int rc = FW_OK;
    size_t done = 0;
    while (done < len) {
        uint32_t a = addr + (uint32_t)done;
        uint32_t u = a & ~(uint32_t)(FWD_FE_UNIT - 1);
        size_t off = a - u;
        size_t n = FWD_FE_UNIT - off;
        if (n > len - done) n = len - done;
        memset(unit, 0, sizeof unit);
        /* Reversed placement: byte i of the unit lands at 127 - i. */
        fw_reverse_copy(unit + FWD_FE_UNIT - off - n, in + done, n);
        memset(tweak, 0, sizeof tweak);
        fw_enc32le(tweak, u);
        if (mbedtls_aes_crypt_xts(ctx, dir, FWD_FE_UNIT, tweak, unit, unit) != 0) {
            rc = FW_ERR_CRYPTO;
            break;
        }
        fw_reverse_copy(out + done, unit + FWD_FE_UNIT - off - n, n);
        done += n;
    }
    mbedtls_platform_zeroize(unit, sizeof unit);
    return rc;
}

int fwd_fe_encrypt(const struct fwd_fe *fe, uint32_t addr, const uint8_t *in, uint8_t *out, size_t len)
{
    return crypt_range(fe, MBEDTLS_AES_ENCRYPT, addr, in, out, len);
}

int fwd_fe_decrypt(const struct fwd_fe *fe, uint32_t addr, const uint8_t *in, uint8_t *out, size_t len)
{
    return crypt_range(fe, MBEDTLS_AES_DECRYPT, addr, in, out, len);
}
