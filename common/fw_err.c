/* SPDX-License-Identifier: Apache-2.0 */
#include "fw_err.h"

const char *fw_strerror(int err)
{
    switch (err) {
    case FW_OK:               return "ok";
    case FW_ERR_INVALID_ARG:  return "invalid argument";
    case FW_ERR_TRUNCATED:    return "truncated";
    case FW_ERR_MAGIC:        return "bad magic";
    case FW_ERR_CRC:          return "CRC mismatch";
    case FW_ERR_RANGE:        return "field out of range";
    case FW_ERR_OVERFLOW:     return "length overflow";
    case FW_ERR_FORMAT:       return "malformed";
    case FW_ERR_CHECKSUM:     return "checksum mismatch";
    case FW_ERR_DIGEST:       return "digest mismatch";
    case FW_ERR_SIGNATURE:    return "signature does not verify";
    case FW_ERR_UNTRUSTED:    return "not signed by a trusted key";
    case FW_ERR_REVOKED:      return "key revoked";
    case FW_ERR_ROLLBACK:     return "secure_version below anti-rollback floor";
    case FW_ERR_CHIP:         return "wrong chip";
    case FW_ERR_IO:           return "I/O error";
    case FW_ERR_NO_SPACE:     return "no space";
    case FW_ERR_NOT_FOUND:    return "not found";
    case FW_ERR_STATE:        return "invalid state";
    case FW_ERR_AUTH:         return "authentication tag mismatch";
    case FW_ERR_KEY:          return "bad or wrong key";
    case FW_ERR_NOMEM:        return "out of memory";
    case FW_ERR_POWER_LOSS:   return "power loss (simulated)";
    case FW_ERR_ALIGN:        return "misaligned";
    case FW_ERR_UNSUPPORTED:  return "unsupported";
    case FW_ERR_TIMEOUT:      return "timeout";
    case FW_ERR_NET:          return "network error";
    case FW_ERR_TLS:          return "TLS error";
    case FW_ERR_PROTOCOL:     return "protocol error";
    case FW_ERR_VERSION:      return "version refused";
    case FW_ERR_CRYPTO:       return "crypto failure";
    case FW_ERR_NOT_ERASED:   return "programming unerased flash";
    default:                  return "unknown error";
    }
}

int fw_fail_set(struct fw_fail *f, int code, const char *why)
{
    if (f) {
        f->code = (enum fw_err)code;
        f->why = why;
    }
    return code;
}

const char *fw_fail_why(const struct fw_fail *f)
{
    if (!f) return fw_strerror(FW_ERR_INVALID_ARG);
    return f->why ? f->why : fw_strerror(f->code);
}
