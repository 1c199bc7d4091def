/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded DER walk to the subjectAltName iPAddress entries (see fwd_x509_san.h). */
#include "device/fwd_x509_san.h"

#include <string.h>

#include "fw_err.h"

#define TAG_BOOLEAN 0x01
#define TAG_OID 0x06
#define TAG_OCTET_STRING 0x04
#define TAG_SEQUENCE 0x30
#define TAG_CTX_CONS_0 0xA0 /* [0] EXPLICIT version */
#define TAG_CTX_CONS_3 0xA3 /* [3] EXPLICIT extensions */
#define TAG_GN_IPADDRESS 0x87 /* GeneralName iPAddress: [7] IMPLICIT OCTET STRING */

static const uint8_t OID_SAN[] = { 0x55, 0x1D, 0x11 }; /* 2.5.29.17 */

/* A cursor over [p, end). */
struct der {
    const uint8_t *p, *end;
};

/* One TLV: tag, and its value as a sub-cursor. Advances d past it. */
static int der_next(struct der *d, uint8_t *tag, struct der *val)
{
    size_t left = (size_t)(d->end - d->p);
    if (left < 2) return FW_ERR_FORMAT;
    uint8_t t = d->p[0];
    if ((t & 0x1F) == 0x1F) return FW_ERR_FORMAT; /* high tag number form: never in a certificate */
    uint8_t l0 = d->p[1];
    size_t hdr = 2, len;
    if (l0 < 0x80) {
        len = l0;
    } else {
        size_t nb = l0 & 0x7F;
        if (nb == 0 || nb > 4) return FW_ERR_FORMAT; /* indefinite, or absurdly long */
        if (left < 2 + nb) return FW_ERR_FORMAT;
        if (d->p[2] == 0) return FW_ERR_FORMAT; /* not minimal */
        len = 0;
        for (size_t i = 0; i < nb; i++) len = (len << 8) | d->p[2 + i];
        if (len < 0x80) return FW_ERR_FORMAT; /* not minimal */
        hdr += nb;
    }
    if (len > left - hdr) return FW_ERR_FORMAT;
    *tag = t;
    val->p = d->p + hdr;
    val->end = val->p + len;
    d->p = val->end;
    return FW_OK;
}

static int der_expect(struct der *d, uint8_t want, struct der *val)
{
    uint8_t tag;
    int rc = der_next(d, &tag, val);
    if (rc) return rc;
    return tag == want ? FW_OK : FW_ERR_FORMAT;
}

/* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. Every entry is
 * walked (a malformed one anywhere refuses the whole extension). */
static int scan_general_names(struct der gns, const uint8_t *ip, size_t ip_len)
{
    struct der seq;
    int rc = der_expect(&gns, TAG_SEQUENCE, &seq);
    if (rc) return rc;
    if (gns.p != gns.end || seq.p == seq.end) return FW_ERR_FORMAT;
    int found = 0;
    while (seq.p < seq.end) {
        uint8_t tag;
        struct der v;
        if ((rc = der_next(&seq, &tag, &v)) != FW_OK) return rc;
        if ((tag & 0xC0) != 0x80) return FW_ERR_FORMAT; /* GeneralName is always context-specific */
        if (tag == TAG_GN_IPADDRESS && (size_t)(v.end - v.p) == ip_len && !memcmp(v.p, ip, ip_len)) found = 1;
    }
    return found ? FWD_SAN_IP_MATCH : FWD_SAN_IP_NO_MATCH;
}

/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
 * Sets *is_san and, for the SAN, *value. */
static int parse_extension(struct der ext, int *is_san, struct der *value)
{
    struct der oid, v;
    int rc = der_expect(&ext, TAG_OID, &oid);
    if (rc) return rc;
    uint8_t tag;
    if ((rc = der_next(&ext, &tag, &v)) != FW_OK) return rc;
    if (tag == TAG_BOOLEAN) {
        if (v.end - v.p != 1) return FW_ERR_FORMAT;
        if ((rc = der_next(&ext, &tag, &v)) != FW_OK) return rc;
    }
    if (tag != TAG_OCTET_STRING || ext.p != ext.end) return FW_ERR_FORMAT;
    *is_san = (size_t)(oid.end - oid.p) == sizeof OID_SAN && !memcmp(oid.p, OID_SAN, sizeof OID_SAN);
    *value = v;
    return FW_OK;
}

/* Skip tbsCertificate fields up to the optional [3] extensions. */
static int find_extensions(struct der tbs, struct der *exts, int *present)
{
    uint8_t tag;
    struct der v;
    int rc;
    *present = 0;
    /* [0] version (optional), serial, signature, issuer, validity, subject, spki: 6 or 7 TLVs */
    int mandatory = 6, first = 1;
    while (tbs.p < tbs.end) {
        if ((rc = der_next(&tbs, &tag, &v)) != FW_OK) return rc;
        int version = first && tag == TAG_CTX_CONS_0;
        first = 0;
        if (version) continue;
        if (mandatory > 0) {
            mandatory--;
            continue;
        }
        if (tag == 0x81 || tag == 0xA1 || tag == 0x82 || tag == 0xA2) continue; /* issuer/subject unique IDs */
        if (tag != TAG_CTX_CONS_3 || tbs.p != tbs.end) return FW_ERR_FORMAT;
        struct der outer = v;
        if ((rc = der_expect(&outer, TAG_SEQUENCE, exts)) != FW_OK) return rc;
        if (outer.p != outer.end) return FW_ERR_FORMAT;
        *present = 1;
    }
    return mandatory == 0 ? FW_OK : FW_ERR_FORMAT;
}

int fwd_x509_san_ip_match(const uint8_t *der, size_t der_len, const uint8_t *ip, size_t ip_len)
{
    if (!der || !ip || (ip_len != 4 && ip_len != 16)) return FW_ERR_INVALID_ARG;
    struct der d = { der, der + der_len }, crt, tbs;
    int rc = der_expect(&d, TAG_SEQUENCE, &crt);
    if (rc) return rc;
    if (d.p != d.end) return FW_ERR_FORMAT; /* trailing bytes */
    if ((rc = der_expect(&crt, TAG_SEQUENCE, &tbs)) != FW_OK) return rc;
    struct der exts;
    int present;
    if ((rc = find_extensions(tbs, &exts, &present)) != FW_OK) return rc;
    if (!present) return FWD_SAN_IP_NO_SAN;
    int result = FWD_SAN_IP_NO_SAN;
    while (exts.p < exts.end) {
        struct der ext, value;
        int is_san;
        if ((rc = der_expect(&exts, TAG_SEQUENCE, &ext)) != FW_OK) return rc;
        if ((rc = parse_extension(ext, &is_san, &value)) != FW_OK) return rc;
        if (!is_san) continue;
        if (result != FWD_SAN_IP_NO_SAN) return FW_ERR_FORMAT; /* RFC 5280: at most one instance */
        if ((rc = scan_general_names(value, ip, ip_len)) < 0) return rc;
        result = rc;
    }
    return result;
}
