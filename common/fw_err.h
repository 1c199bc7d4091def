/* SPDX-License-Identifier: Apache-2.0 */
/* Error codes shared by every module: 0 is success, failures are negative
 * (littlefs style). Add new codes at the end of the list and to fw_err.c. */
#ifndef FW_ERR_H
#define FW_ERR_H

enum fw_err {
    FW_OK = 0,
    FW_ERR_INVALID_ARG  = -1,   /* caller broke a contract */
    FW_ERR_TRUNCATED    = -2,   /* input shorter than its structure says */
    FW_ERR_MAGIC        = -3,   /* wrong magic number */
    FW_ERR_CRC          = -4,   /* CRC mismatch */
    FW_ERR_RANGE        = -5,   /* a field is out of its allowed range */
    FW_ERR_OVERFLOW     = -6,   /* arithmetic on lengths/offsets would overflow */
    FW_ERR_FORMAT       = -7,   /* structurally invalid */
    FW_ERR_CHECKSUM     = -8,   /* app image XOR checksum mismatch */
    FW_ERR_DIGEST       = -9,   /* SHA-256 / MD5 mismatch */
    FW_ERR_SIGNATURE    = -10,  /* signature does not verify */
    FW_ERR_UNTRUSTED    = -11,  /* no signature by a trusted key */
    FW_ERR_REVOKED      = -12,  /* key digest revoked */
    FW_ERR_ROLLBACK     = -13,  /* secure_version below the anti-rollback floor */
    FW_ERR_CHIP         = -14,  /* wrong chip id / revision */
    FW_ERR_IO           = -15,  /* storage or file I/O failure */
    FW_ERR_NO_SPACE     = -16,  /* does not fit */
    FW_ERR_NOT_FOUND    = -17,
    FW_ERR_STATE        = -18,  /* operation not allowed in this state */
    FW_ERR_AUTH         = -19,  /* AEAD tag mismatch */
    FW_ERR_KEY          = -20,  /* bad, unsupported or wrong key */
    FW_ERR_NOMEM        = -21,
    FW_ERR_POWER_LOSS   = -22,  /* simulated power cut: stop at once */
    FW_ERR_ALIGN        = -23,  /* address/length alignment rule broken */
    FW_ERR_UNSUPPORTED  = -24,
    FW_ERR_TIMEOUT      = -25,
    FW_ERR_NET          = -26,  /* connection failure */
    FW_ERR_TLS          = -27,  /* TLS handshake / certificate failure */
    FW_ERR_PROTOCOL     = -28,  /* peer broke HTTP or the container protocol */
    FW_ERR_VERSION      = -29,  /* app version refused (same/older/last invalid) */
    FW_ERR_CRYPTO       = -30,  /* crypto library failure */
    FW_ERR_NOT_ERASED   = -31,  /* NOR: programming bytes that are not erased */
};

/* Short human-readable description, never NULL. */
const char *fw_strerror(int err);

/* A failure as it crosses a module boundary: the code and a short STATIC
 * reason (a string literal or a table entry, never a stack buffer, so it
 * can be stored and passed on freely). The zero value {FW_OK, NULL} means
 * "no failure". Functions still return the code; the struct is where the
 * reason travels with it (an engine's last error, a transport result, a
 * pipeline's stop reason and its events). */
struct fw_fail {
    enum fw_err code;
    const char *why;     /* NULL: fw_strerror(code) says it all */
};

#define FW_FAIL_NONE ((struct fw_fail){FW_OK, NULL})

/* Record code + why in *f (f may be NULL); returns code, so
 * `return fw_fail_set(&s->fail, FW_ERR_RANGE, "empty key");` reads as one. */
int fw_fail_set(struct fw_fail *f, int code, const char *why);
/* The reason text, never NULL: why, else fw_strerror(code). */
const char *fw_fail_why(const struct fw_fail *f);

#endif
