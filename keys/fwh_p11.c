/* SPDX-License-Identifier: Apache-2.0 */
/* Signing keys on a PKCS#11 token, through the standard C API (see fwh_p11.h). */
#include "keys/fwh_p11.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <p11-kit/pkcs11.h>

#include "fw_err.h"
#include "fw_sbv2.h"
#include "host/fwh_why.h"
#include "keys/fwh_sig.h"

#define URI_FIELD_MAX 256
#define PIN_MAX 256

/* The parsed URI: each value percent-decoded. id may hold any byte. */
struct p11_uri {
    char token[URI_FIELD_MAX], manufacturer[URI_FIELD_MAX], serial[URI_FIELD_MAX], model[URI_FIELD_MAX];
    char object[URI_FIELD_MAX], type[URI_FIELD_MAX], slot_id[URI_FIELD_MAX];
    uint8_t id[URI_FIELD_MAX];
    size_t id_len;
    int has_id;
    char pin_source[URI_FIELD_MAX], module_path[URI_FIELD_MAX];
    char pin_value[PIN_MAX];
    int has_pin_value;
};

/* The state of one opened key. */
struct p11_key {
    void *lib;
    CK_FUNCTION_LIST_PTR f;
    CK_SESSION_HANDLE session;
    int session_open, logged_in, initialized;
    CK_OBJECT_HANDLE priv;
    CK_MECHANISM_TYPE mech;    /* digest-input or hash-and-sign */
    int hash_and_sign;         /* the data must be streamed (mech hashes) */
    int stream_started;
    CK_RSA_PKCS_PSS_PARAMS pss;
    int is_rsa;
    char desc[320];            /* "token 'x' (slot N), object 'y'" */
};

/* ---- URI ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode [p, p+n) into out (max bytes, NUL-terminated); *outlen the
 * byte count. 0 on success. */
static int pct_decode(const char *p, size_t n, uint8_t *out, size_t max, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)p[i];
        if (c == '%') {
            if (i + 2 >= n) return -1;
            int hi = hexval(p[i + 1]), lo = hexval(p[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (o + 1 >= max) return -1;
        out[o++] = (uint8_t)c;
    }
    out[o] = 0;
    *outlen = o;
    return 0;
}

/* One "name=value" attribute into the URI struct. */
static int uri_attr(struct p11_uri *u, const char *a, size_t n, int query, char *why, size_t whylen)
{
    const char *eq = memchr(a, '=', n);
    if (!eq) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: attribute without '=' (%.*s)", (int)(n > 40 ? 40 : n), a);
    size_t nl = (size_t)(eq - a), vl = n - nl - 1;
    const char *v = eq + 1;
    static const struct { const char *name; int query; size_t off; } text[] = {
        {"token", 0, offsetof(struct p11_uri, token)},
        {"manufacturer", 0, offsetof(struct p11_uri, manufacturer)},
        {"serial", 0, offsetof(struct p11_uri, serial)},
        {"model", 0, offsetof(struct p11_uri, model)},
        {"object", 0, offsetof(struct p11_uri, object)},
        {"type", 0, offsetof(struct p11_uri, type)},
        {"slot-id", 0, offsetof(struct p11_uri, slot_id)},
        {"pin-source", 1, offsetof(struct p11_uri, pin_source)},
        {"module-path", 1, offsetof(struct p11_uri, module_path)},
    };
    size_t len = 0;
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        if (strlen(text[i].name) != nl || memcmp(text[i].name, a, nl) || text[i].query != query) continue;
        char *dst = (char *)u + text[i].off;
        if (pct_decode(v, vl, (uint8_t *)dst, URI_FIELD_MAX, &len) || strlen(dst) != len)
            return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: bad value of '%s'", text[i].name);
        return FW_OK;
    }
    if (!query && nl == 2 && !memcmp(a, "id", 2)) {
        if (pct_decode(v, vl, u->id, sizeof u->id, &u->id_len))
            return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: bad value of 'id'");
        u->has_id = 1;
        return FW_OK;
    }
    if (query && nl == 9 && !memcmp(a, "pin-value", 9)) {
        if (pct_decode(v, vl, (uint8_t *)u->pin_value, sizeof u->pin_value, &len) || strlen(u->pin_value) != len)
            return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: bad value of 'pin-value'");
        u->has_pin_value = 1;
        return FW_OK;
    }
    if (!query && nl > 8 && !memcmp(a, "library-", 8)) return FW_OK;
    return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: unknown %s attribute '%.*s'", query ? "query" : "path",
                   (int)(nl > 40 ? 40 : nl), a);
}

static int uri_parse(const char *uri, struct p11_uri *u, char *why, size_t whylen)
{
    memset(u, 0, sizeof *u);
    if (strncmp(uri, "pkcs11:", 7)) return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "not a PKCS#11 URI");
    const char *p = uri + 7;
    int query = 0;
    while (*p) {
        size_t n = strcspn(p, query ? "&" : ";?");
        if (n) {
            int rc = uri_attr(u, p, n, query, why, whylen);
            if (rc) return rc;
        }
        p += n;
        if (*p == '?') query = 1;
        if (*p) p++;
    }
    if (u->type[0] && strcmp(u->type, "private"))
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: type=%s cannot sign (use type=private or leave it out)",
                       u->type);
    if (u->slot_id[0] && strspn(u->slot_id, "0123456789") != strlen(u->slot_id))
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: slot-id must be a decimal number");
    if (!u->object[0] && !u->has_id)
        return fwh_why(FW_ERR_INVALID_ARG, why, whylen, "PKCS#11 URI: name the key with object= (its label) or id=");
    return FW_OK;
}

/* ---- PIN ---- */

static int read_pin(const struct p11_uri *u, char pin[PIN_MAX], char *why, size_t whylen)
{
    pin[0] = 0;
    if (u->has_pin_value) {
        snprintf(pin, PIN_MAX, "%s", u->pin_value);
        return FW_OK;
    }
    if (!u->pin_source[0]) return FW_ERR_NOT_FOUND;
    const char *src = u->pin_source;
    if (!strncmp(src, "env:", 4)) {
        const char *v = getenv(src + 4);
        if (!v) return fwh_why(FW_ERR_AUTH, why, whylen, "pin-source: environment variable %s is not set", src + 4);
        if (strlen(v) >= PIN_MAX) return fwh_why(FW_ERR_AUTH, why, whylen, "pin-source: PIN too long");
        snprintf(pin, PIN_MAX, "%s", v);
        return FW_OK;
    }
    if (!strncmp(src, "file:", 5)) src += 5;
    FILE *f = fopen(src, "r");
    if (!f) return fwh_why(FW_ERR_IO, why, whylen, "pin-source %s: %s", src, strerror(errno));
    int ok = fgets(pin, PIN_MAX, f) != NULL;
    fclose(f);
    if (!ok) return fwh_why(FW_ERR_AUTH, why, whylen, "pin-source %s: empty file", src);
    pin[strcspn(pin, "\r\n")] = 0;
    return FW_OK;
}

/* ---- token access ---- */

/* Blank-padded token info field == wanted value. */
static int field_is(const unsigned char *f, size_t n, const char *want)
{
    size_t len = n;
    while (len && f[len - 1] == ' ') len--;
    return strlen(want) == len && !memcmp(f, want, len);
}

/* Printable copy for messages (a URI value or token field may hold any byte). */
static void field_str(const unsigned char *f, size_t n, char *out, size_t max)
{
    size_t len = n;
    while (len && f[len - 1] == ' ') len--;
    if (len >= max) len = max - 1;
    for (size_t i = 0; i < len; i++) out[i] = f[i] >= 0x20 && f[i] < 0x7F ? (char)f[i] : '?';
    out[len] = 0;
}

static const char *rv_name(CK_RV rv)
{
    switch (rv) {
    case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT";
    case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED";
    case CKR_PIN_EXPIRED: return "CKR_PIN_EXPIRED";
    case CKR_PIN_LEN_RANGE: return "CKR_PIN_LEN_RANGE";
    case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN";
    case CKR_MECHANISM_INVALID: return "CKR_MECHANISM_INVALID";
    case CKR_MECHANISM_PARAM_INVALID: return "CKR_MECHANISM_PARAM_INVALID";
    case CKR_KEY_TYPE_INCONSISTENT: return "CKR_KEY_TYPE_INCONSISTENT";
    case CKR_KEY_FUNCTION_NOT_PERMITTED: return "CKR_KEY_FUNCTION_NOT_PERMITTED";
    case CKR_DEVICE_ERROR: return "CKR_DEVICE_ERROR";
    case CKR_DEVICE_REMOVED: return "CKR_DEVICE_REMOVED";
    case CKR_TOKEN_NOT_PRESENT: return "CKR_TOKEN_NOT_PRESENT";
    case CKR_GENERAL_ERROR: return "CKR_GENERAL_ERROR";
    case CKR_FUNCTION_FAILED: return "CKR_FUNCTION_FAILED";
    default: return "CKR_...";
    }
}

static void p11_close(void *ctx)
{
    struct p11_key *c = ctx;
    if (!c) return;
    if (c->f) {
        if (c->logged_in) c->f->C_Logout(c->session);
        if (c->session_open) c->f->C_CloseSession(c->session);
        if (c->initialized) c->f->C_Finalize(NULL);
    }
    if (c->lib) dlclose(c->lib);
    OPENSSL_cleanse(c, sizeof *c);
    free(c);
}

static int load_module(struct p11_key *c, const char *module, char *why, size_t whylen)
{
    c->lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
    if (!c->lib) return fwh_why(FW_ERR_IO, why, whylen, "PKCS#11 module %s cannot be loaded (%s)", module, dlerror());
    CK_C_GetFunctionList get = NULL;
    *(void **)&get = dlsym(c->lib, "C_GetFunctionList");
    if (!get || get(&c->f) != CKR_OK || !c->f)
        return fwh_why(FW_ERR_IO, why, whylen, "%s is not a PKCS#11 module (no C_GetFunctionList)", module);
    CK_RV rv = c->f->C_Initialize(NULL);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
        return fwh_why(FW_ERR_IO, why, whylen, "PKCS#11 module %s: C_Initialize failed (0x%lx)", module, (unsigned long)rv);
    c->initialized = rv == CKR_OK;
    return FW_OK;
}

/* The one slot whose token matches the URI. */
static int find_token(struct p11_key *c, const struct p11_uri *u, const char *module, CK_SLOT_ID *slot,
                      CK_TOKEN_INFO *ti, char *why, size_t whylen)
{
    CK_ULONG n = 0;
    if (c->f->C_GetSlotList(CK_TRUE, NULL, &n) != CKR_OK)
        return fwh_why(FW_ERR_IO, why, whylen, "PKCS#11 module %s: C_GetSlotList failed", module);
    CK_SLOT_ID *slots = calloc(n ? n : 1, sizeof *slots);
    if (!slots) return fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    if (n && c->f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK) n = 0;
    int found = 0;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO info;
        if (c->f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
        if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;
        if (u->token[0] && !field_is(info.label, sizeof info.label, u->token)) continue;
        if (u->manufacturer[0] && !field_is(info.manufacturerID, sizeof info.manufacturerID, u->manufacturer)) continue;
        if (u->serial[0] && !field_is(info.serialNumber, sizeof info.serialNumber, u->serial)) continue;
        if (u->model[0] && !field_is(info.model, sizeof info.model, u->model)) continue;
        if (u->slot_id[0] && strtoul(u->slot_id, NULL, 10) != slots[i]) continue;
        if (found++ == 0) { *slot = slots[i]; *ti = info; }
    }
    free(slots);
    char t[40];
    if (u->token[0]) field_str((const unsigned char *)u->token, strlen(u->token), t, sizeof t);
    else snprintf(t, sizeof t, "(any)");
    if (!found) return fwh_why(FW_ERR_NOT_FOUND, why, whylen, "PKCS#11 module %s: no token '%s' present", module, t);
    if (found > 1)
        return fwh_why(FW_ERR_NOT_FOUND, why, whylen, "PKCS#11 module %s: %d tokens match '%s' (add token= or serial=)",
                       module, found, t);
    return FW_OK;
}

/* The one object of class cls with the URI's label / id. */
static int find_object(struct p11_key *c, const struct p11_uri *u, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *obj)
{
    CK_ATTRIBUTE tmpl[3];
    CK_ULONG nt = 0;
    tmpl[nt++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof cls};
    if (u->object[0]) tmpl[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)u->object, strlen(u->object)};
    if (u->has_id) tmpl[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)u->id, u->id_len};
    if (c->f->C_FindObjectsInit(c->session, tmpl, nt) != CKR_OK) return -1;
    CK_OBJECT_HANDLE h[2];
    CK_ULONG got = 0;
    CK_RV rv = c->f->C_FindObjects(c->session, h, 2, &got);
    c->f->C_FindObjectsFinal(c->session);
    if (rv != CKR_OK) return -1;
    if (got == 1) *obj = h[0];
    return (int)got;
}

/* An attribute in a malloc'd buffer. */
static uint8_t *get_attr(struct p11_key *c, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t, size_t *len)
{
    CK_ATTRIBUTE a = {t, NULL, 0};
    if (c->f->C_GetAttributeValue(c->session, o, &a, 1) != CKR_OK || a.ulValueLen == (CK_ULONG)-1 || !a.ulValueLen)
        return NULL;
    a.pValue = malloc(a.ulValueLen);
    if (!a.pValue) return NULL;
    if (c->f->C_GetAttributeValue(c->session, o, &a, 1) != CKR_OK) { free(a.pValue); return NULL; }
    *len = a.ulValueLen;
    return a.pValue;
}

static EVP_PKEY *rsa_public(struct p11_key *c, CK_OBJECT_HANDLE o)
{
    size_t nl = 0, el = 0;
    uint8_t *n = get_attr(c, o, CKA_MODULUS, &nl), *e = get_attr(c, o, CKA_PUBLIC_EXPONENT, &el);
    BIGNUM *bn = n ? BN_bin2bn(n, (int)nl, NULL) : NULL, *be = e ? BN_bin2bn(e, (int)el, NULL) : NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (bn && be && bld && pc && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) && (params = OSSL_PARAM_BLD_to_param(bld)) &&
        EVP_PKEY_fromdata_init(pc) > 0 && EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pk = NULL;
    EVP_PKEY_CTX_free(pc);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn); BN_free(be);
    free(n); free(e);
    return pk;
}

static EVP_PKEY *ec_public(struct p11_key *c, CK_OBJECT_HANDLE o)
{
    size_t pl = 0, ptl = 0;
    uint8_t *params_der = get_attr(c, o, CKA_EC_PARAMS, &pl), *point = get_attr(c, o, CKA_EC_POINT, &ptl);
    EVP_PKEY *pk = NULL;
    ASN1_OBJECT *oid = NULL;
    ASN1_OCTET_STRING *os = NULL;
    if (!params_der || !point) goto out;
    const unsigned char *p = params_der;
    oid = d2i_ASN1_OBJECT(NULL, &p, (long)pl);
    const char *group = oid ? OBJ_nid2sn(OBJ_obj2nid(oid)) : NULL;
    if (!group) goto out;
    /* CKA_EC_POINT is DER OCTET STRING holding the point (PKCS#11 2.40);
     * some tokens return the bare point. */
    const unsigned char *q = point;
    const uint8_t *pt = point;
    size_t ptlen = ptl;
    if (point[0] == 0x04 && (os = d2i_ASN1_OCTET_STRING(NULL, &q, (long)ptl)) && q == point + ptl &&
        ASN1_STRING_length(os) % 2 == 1 && ASN1_STRING_get0_data(os)[0] == 0x04) {
        pt = ASN1_STRING_get0_data(os);
        ptlen = (size_t)ASN1_STRING_length(os);
    }
    /* (A bare point misread as DER only yields a wrong key: the signature
     * check against it then refuses every signature.) */
    OSSL_PARAM prm[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, ptlen),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!pc || EVP_PKEY_fromdata_init(pc) <= 0 || EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_PUBLIC_KEY, prm) <= 0) pk = NULL;
    EVP_PKEY_CTX_free(pc);
out:
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(oid);
    free(params_der); free(point);
    return pk;
}

/* The public key: from the public key object with the same label/id, or
 * (RSA) from the private key object, which carries n and e. */
static EVP_PKEY *read_public(struct p11_key *c, const struct p11_uri *u, CK_KEY_TYPE kt)
{
    CK_OBJECT_HANDLE pub;
    EVP_PKEY *pk = NULL;
    if (find_object(c, u, CKO_PUBLIC_KEY, &pub) == 1) pk = kt == CKK_RSA ? rsa_public(c, pub) : ec_public(c, pub);
    if (!pk && kt == CKK_RSA) pk = rsa_public(c, c->priv);
    if (!pk && kt == CKK_EC) pk = ec_public(c, c->priv);
    return pk;
}

static int has_mech(const CK_MECHANISM_TYPE *m, CK_ULONG n, CK_MECHANISM_TYPE want)
{
    for (CK_ULONG i = 0; i < n; i++)
        if (m[i] == want) return 1;
    return 0;
}

/* Mechanism for the key's scheme: digest-input first, hash-and-sign only
 * when the token lacks it. Test knob FWSEAL_TEST_P11_HASH_AND_SIGN=1 makes
 * fwseal act as if the digest-input mechanisms were missing. */
static int choose_mech(struct p11_key *c, CK_SLOT_ID slot, const struct fwh_sig_scheme *s, char *why, size_t whylen)
{
    CK_ULONG n = 0;
    CK_MECHANISM_TYPE *m = NULL;
    if (c->f->C_GetMechanismList(slot, NULL, &n) == CKR_OK && n && (m = calloc(n, sizeof *m)) &&
        c->f->C_GetMechanismList(slot, m, &n) != CKR_OK)
        n = 0;
    const char *knob = getenv("FWSEAL_TEST_P11_HASH_AND_SIGN");
    int no_raw = knob && !strcmp(knob, "1");
    int sha384 = s->digest_len == 48;
    CK_MECHANISM_TYPE raw, hashed;
    c->is_rsa = s->id == FW_SBV2_RSA3072;
    if (c->is_rsa) {
        raw = CKM_RSA_PKCS_PSS;
        hashed = sha384 ? CKM_SHA384_RSA_PKCS_PSS : CKM_SHA256_RSA_PKCS_PSS;
        c->pss.hashAlg = sha384 ? CKM_SHA384 : CKM_SHA256;
        c->pss.mgf = sha384 ? CKG_MGF1_SHA384 : CKG_MGF1_SHA256;
        c->pss.sLen = FW_SBV2_RSA_PSS_SALT_LEN;
    } else {
        raw = CKM_ECDSA;
        hashed = sha384 ? CKM_ECDSA_SHA384 : CKM_ECDSA_SHA256;
    }
    int rc = FW_OK;
    if (!no_raw && has_mech(m, n, raw)) c->mech = raw;
    else if (has_mech(m, n, hashed)) { c->mech = hashed; c->hash_and_sign = 1; }
    else rc = fwh_why(FW_ERR_UNSUPPORTED, why, whylen, "%s: the token offers no %s signing mechanism (%s or %s)",
                      c->desc, s->display, c->is_rsa ? "CKM_RSA_PKCS_PSS" : "CKM_ECDSA",
                      c->is_rsa ? (sha384 ? "CKM_SHA384_RSA_PKCS_PSS" : "CKM_SHA256_RSA_PKCS_PSS")
                                : (sha384 ? "CKM_ECDSA_SHA384" : "CKM_ECDSA_SHA256"));
    free(m);
    return rc;
}

static int sign_init(struct p11_key *c, char *why, size_t whylen)
{
    CK_MECHANISM mech = {c->mech, NULL, 0};
    if (c->is_rsa) { mech.pParameter = &c->pss; mech.ulParameterLen = sizeof c->pss; }
    CK_RV rv = c->f->C_SignInit(c->session, &mech, c->priv);
    if (rv != CKR_OK) return fwh_why(FW_ERR_CRYPTO, why, whylen, "%s: C_SignInit failed (%s, 0x%lx)", c->desc, rv_name(rv), (unsigned long)rv);
    return FW_OK;
}

static int p11_streams(void *ctx) { return ((struct p11_key *)ctx)->hash_and_sign; }

static int p11_update(void *ctx, const void *p, size_t n)
{
    struct p11_key *c = ctx;
    char why[8];
    if (!c->stream_started) {
        if (sign_init(c, why, sizeof why)) return FW_ERR_CRYPTO;
        c->stream_started = 1;
    }
    return c->f->C_SignUpdate(c->session, (CK_BYTE_PTR)p, (CK_ULONG)n) == CKR_OK ? FW_OK : FW_ERR_CRYPTO;
}

static int p11_sign(void *ctx, const uint8_t *digest, size_t digest_len, uint8_t *sig, size_t *siglen, char *why,
                    size_t whylen)
{
    struct p11_key *c = ctx;
    CK_ULONG sl = (CK_ULONG)*siglen;
    CK_RV rv;
    if (c->hash_and_sign) {
        /* The token hashed the streamed data itself; the signature is
         * checked against the local digest afterwards, so a token that saw
         * other bytes is caught there. */
        if (!c->stream_started)
            return fwh_why(FW_ERR_STATE, why, whylen, "%s: hash-and-sign mechanism, but the data was not streamed to the token",
                           c->desc);
        c->stream_started = 0;
        rv = c->f->C_SignFinal(c->session, sig, &sl);
    } else {
        int rc = sign_init(c, why, whylen);
        if (rc) return rc;
        rv = c->f->C_Sign(c->session, (CK_BYTE_PTR)digest, (CK_ULONG)digest_len, sig, &sl);
    }
    if (rv != CKR_OK)
        return fwh_why(FW_ERR_CRYPTO, why, whylen, "%s: signing failed (%s, 0x%lx)", c->desc, rv_name(rv), (unsigned long)rv);
    *siglen = sl;
    return FW_OK;
}

static const struct fwh_ext_signer p11_signer = {
    .kind = "PKCS#11 token",
    .sign = p11_sign,
    .streams = p11_streams,
    .update = p11_update,
    .free = p11_close,
};

int fwh_p11_is_uri(const char *s) { return s && !strncmp(s, "pkcs11:", 7); }

static int login(struct p11_key *c, const struct p11_uri *u, const CK_TOKEN_INFO *ti, char *why, size_t whylen)
{
    char pin[PIN_MAX];
    int rc = read_pin(u, pin, why, whylen);
    if (rc == FW_ERR_NOT_FOUND) {
        if (ti->flags & CKF_LOGIN_REQUIRED)
            return fwh_why(FW_ERR_AUTH, why, whylen, "%s: the token needs a PIN: add ?pin-source=file:PATH (or env:VAR) to the URI",
                           c->desc);
        return FW_OK;
    }
    if (rc) return rc;
    CK_RV rv = c->f->C_Login(c->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    OPENSSL_cleanse(pin, sizeof pin);
    if (rv == CKR_USER_ALREADY_LOGGED_IN) return FW_OK;
    if (rv != CKR_OK)
        return fwh_why(FW_ERR_AUTH, why, whylen, "%s: login refused (%s): wrong or locked PIN", c->desc, rv_name(rv));
    c->logged_in = 1;
    return FW_OK;
}

static int open_key(struct p11_key *c, const struct p11_uri *u, const char *module, struct fwh_key *k, char *why,
                    size_t whylen)
{
    int rc = load_module(c, module, why, whylen);
    CK_SLOT_ID slot = 0;
    CK_TOKEN_INFO ti;
    if (!rc) rc = find_token(c, u, module, &slot, &ti, why, whylen);
    if (rc) return rc;
    char label[40];
    field_str(ti.label, sizeof ti.label, label, sizeof label);
    snprintf(c->desc, sizeof c->desc, "token '%s' (slot %lu)", label, (unsigned long)slot);
    if (c->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &c->session) != CKR_OK)
        return fwh_why(FW_ERR_IO, why, whylen, "%s: C_OpenSession failed", c->desc);
    c->session_open = 1;
    size_t dl = strlen(c->desc);
    char obj[72];
    field_str((const unsigned char *)u->object, strlen(u->object), obj, sizeof obj);
    if (u->object[0]) snprintf(c->desc + dl, sizeof c->desc - dl, ", object '%s'", obj);
    else snprintf(c->desc + dl, sizeof c->desc - dl, ", object id of %zu byte(s)", u->id_len);
    if ((rc = login(c, u, &ti, why, whylen))) return rc;
    int nobj = find_object(c, u, CKO_PRIVATE_KEY, &c->priv);
    if (nobj == 0) return fwh_why(FW_ERR_NOT_FOUND, why, whylen, "%s: no such private key on the token", c->desc);
    if (nobj < 0) return fwh_why(FW_ERR_IO, why, whylen, "%s: object search failed", c->desc);
    if (nobj > 1) return fwh_why(FW_ERR_NOT_FOUND, why, whylen, "%s: several private keys match (add id=)", c->desc);
    CK_KEY_TYPE kt = 0;
    CK_ATTRIBUTE a = {CKA_KEY_TYPE, &kt, sizeof kt};
    if (c->f->C_GetAttributeValue(c->session, c->priv, &a, 1) != CKR_OK || (kt != CKK_RSA && kt != CKK_EC))
        return fwh_why(FW_ERR_KEY, why, whylen, "%s: not an RSA or EC key", c->desc);
    EVP_PKEY *pk = read_public(c, u, kt);
    if (!pk) return fwh_why(FW_ERR_KEY, why, whylen, "%s: cannot read its public key from the token", c->desc);
    char kwhy[192];
    if ((rc = fwh_key_adopt(pk, k, kwhy, sizeof kwhy))) return fwh_why(rc, why, whylen, "%s: %s", c->desc, kwhy);
    if ((rc = choose_mech(c, slot, fwh_sig_scheme_find(k->type), why, whylen))) return rc;
    return FW_OK;
}

int fwh_p11_key_open(const char *uri, const char *module, struct fwh_key *k, char *why, size_t whylen)
{
    memset(k, 0, sizeof *k);
    struct p11_uri *u = calloc(1, sizeof *u);
    struct p11_key *c = calloc(1, sizeof *c);
    int rc = u && c ? uri_parse(uri, u, why, whylen) : fwh_why(FW_ERR_NOMEM, why, whylen, "out of memory");
    if (!rc) {
        if (!module || !*module) module = u->module_path[0] ? u->module_path : getenv(FWH_P11_MODULE_ENV);
        if (!module || !*module)
            rc = fwh_why(FW_ERR_IO, why, whylen, "no PKCS#11 module: give --pkcs11-module PATH or set %s", FWH_P11_MODULE_ENV);
    }
    if (!rc) rc = open_key(c, u, module, k, why, whylen);
    if (u) { OPENSSL_cleanse(u, sizeof *u); free(u); }
    if (rc) {
        fwh_key_free(k);
        p11_close(c);
        return rc;
    }
    k->ext = &p11_signer;
    k->ext_ctx = c;
    k->has_private = 1;
    return FW_OK;
}
