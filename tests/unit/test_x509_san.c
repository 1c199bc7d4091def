/* SPDX-License-Identifier: Apache-2.0 */
/* iPAddress subjectAltName matching on raw certificate DER (device/fwd_x509_san),
 * fed hand-built and malformed DER. */
#include "testutil.h"

#include "device/fwd_x509_san.h"
#include "fw_err.h"

/* ---- a tiny DER builder ------------------------------------------------- */

struct buf {
    uint8_t b[4096];
    size_t n;
};

static void put(struct buf *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

/* Append tag + minimal length + value. */
static void tlv(struct buf *o, uint8_t tag, const void *v, size_t n)
{
    uint8_t h[4] = { tag };
    size_t hl = 2;
    if (n < 0x80) {
        h[1] = (uint8_t)n;
    } else if (n < 0x100) {
        h[1] = 0x81, h[2] = (uint8_t)n, hl = 3;
    } else {
        h[1] = 0x82, h[2] = (uint8_t)(n >> 8), h[3] = (uint8_t)n, hl = 4;
    }
    put(o, h, hl);
    put(o, v, n);
}

static void wrap(struct buf *o, uint8_t tag, const struct buf *inner) { tlv(o, tag, inner->b, inner->n); }

static const uint8_t V4[4] = { 127, 0, 0, 1 };
static const uint8_t V4_OTHER[4] = { 127, 0, 0, 2 };
static const uint8_t V6[16] = { [15] = 1 };                    /* ::1 */
static const uint8_t V6_MAPPED[16] = { [10] = 0xFF, [11] = 0xFF, 127, 0, 0, 1 }; /* ::ffff:127.0.0.1 */

/* GeneralNames content (the entries, without the outer SEQUENCE). */
static void gn_ip(struct buf *o, const uint8_t *ip, size_t n) { tlv(o, 0x87, ip, n); }
static void gn_dns(struct buf *o, const char *s) { tlv(o, 0x82, s, strlen(s)); }

static void ext(struct buf *exts, const uint8_t *oid, size_t oidlen, int critical, const struct buf *value)
{
    struct buf e = { .n = 0 }, os = { .n = 0 };
    tlv(&e, 0x06, oid, oidlen);
    if (critical) tlv(&e, 0x01, "\xFF", 1);
    wrap(&os, 0x04, value);
    put(&e, os.b, os.n);
    wrap(exts, 0x30, &e);
}

static const uint8_t OID_SAN[] = { 0x55, 0x1D, 0x11 };
static const uint8_t OID_BC[] = { 0x55, 0x1D, 0x13 };

static void san_ext(struct buf *exts, const struct buf *names, int critical)
{
    struct buf v = { .n = 0 };
    wrap(&v, 0x30, names);
    ext(exts, OID_SAN, sizeof OID_SAN, critical, &v);
}

/* A certificate: optional version, the 6 mandatory tbs fields (opaque here),
 * optional extensions (NULL: none). */
static void cert(struct buf *out, int with_version, const struct buf *exts)
{
    struct buf tbs = { .n = 0 }, seq = { .n = 0 }, c = { .n = 0 };
    if (with_version) tlv(&tbs, 0xA0, "\x02\x01\x02", 3);
    tlv(&tbs, 0x02, "\x01\x23", 2);                                          /* serial */
    tlv(&tbs, 0x30, "\x06\x08\x2A\x86\x48\xCE\x3D\x04\x03\x02", 10);         /* ecdsa-with-SHA256 */
    tlv(&tbs, 0x30, "\x31\x0B\x30\x09\x06\x03\x55\x04\x03\x0C\x02\x43\x41", 13); /* CN=CA */
    tlv(&tbs, 0x30, "\x17\x01\x30\x17\x01\x30", 6);                            /* validity (opaque) */
    tlv(&tbs, 0x30, "\x31\x12\x30\x10\x06\x03\x55\x04\x03\x0C\x09" "127.0.0.1", 20); /* CN=127.0.0.1 */
    tlv(&tbs, 0x30, "\x30\x00\x03\x01\x00", 5);                                 /* spki (opaque) */
    if (exts) {
        wrap(&seq, 0x30, exts);
        wrap(&tbs, 0xA3, &seq);
    }
    wrap(&c, 0x30, &tbs);
    tlv(&c, 0x30, "\x06\x08\x2A\x86\x48\xCE\x3D\x04\x03\x02", 10);
    tlv(&c, 0x03, "\x00\x01\x02", 3);
    out->n = 0;
    wrap(out, 0x30, &c);
}

static int match(const struct buf *c, const uint8_t *ip, size_t n) { return fwd_x509_san_ip_match(c->b, c->n, ip, n); }

/* ---- tests ---------------------------------------------------------------- */

static void ip_entries_match_exact_bytes(void **state)
{
    (void)state;
    struct buf names = { .n = 0 }, exts = { .n = 0 }, c;
    gn_dns(&names, "localhost");
    gn_ip(&names, V4, 4);
    gn_ip(&names, V6, 16);
    ext(&exts, OID_BC, sizeof OID_BC, 1, &(struct buf){ .b = { 0x30, 0x00 }, .n = 2 });
    san_ext(&exts, &names, 0);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_MATCH);
    assert_int_equal(match(&c, V6, 16), FWD_SAN_IP_MATCH);
    assert_int_equal(match(&c, V4_OTHER, 4), FWD_SAN_IP_NO_MATCH);
    /* the IPv4 bytes as an IPv4-mapped IPv6 address are another address */
    assert_int_equal(match(&c, V6_MAPPED, 16), FWD_SAN_IP_NO_MATCH);
    /* critical SAN, no version field (v1 layout), still found */
    exts.n = 0;
    san_ext(&exts, &names, 1);
    cert(&c, 0, &exts);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_MATCH);
}

static void no_ip_entry_no_match(void **state)
{
    (void)state;
    struct buf names = { .n = 0 }, exts = { .n = 0 }, c;
    /* a DNS name "127.0.0.1" is not an iPAddress */
    gn_dns(&names, "127.0.0.1");
    san_ext(&exts, &names, 0);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_NO_MATCH);
    /* the address only in the CN (no SAN at all): never used */
    exts.n = 0;
    ext(&exts, OID_BC, sizeof OID_BC, 1, &(struct buf){ .b = { 0x30, 0x00 }, .n = 2 });
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_NO_SAN);
    cert(&c, 1, NULL);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_NO_SAN);
    /* an iPAddress entry of another length (name-constraint form: addr+mask) */
    names.n = 0;
    uint8_t v4mask[8] = { 127, 0, 0, 1, 255, 255, 255, 255 };
    gn_ip(&names, v4mask, 8);
    gn_ip(&names, V4, 3);
    exts.n = 0;
    san_ext(&exts, &names, 0);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_NO_MATCH);
}

static void malformed_refused(void **state)
{
    (void)state;
    struct buf names = { .n = 0 }, exts = { .n = 0 }, c, bad;
    gn_ip(&names, V4, 4);
    san_ext(&exts, &names, 0);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FWD_SAN_IP_MATCH);

    /* every truncation is refused, never read past the end (ASan) */
    for (size_t n = 0; n < c.n; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, c.b, n);
        int rc = fwd_x509_san_ip_match(cut, n, V4, 4);
        if (rc != FW_ERR_FORMAT) fail_msg("truncation to %zu bytes: %d", n, rc);
        free(cut);
    }
    /* trailing bytes after the certificate */
    bad = c;
    bad.b[bad.n++] = 0;
    assert_int_equal(match(&bad, V4, 4), FW_ERR_FORMAT);
    /* indefinite length, 5 length octets, non-minimal lengths */
    static const uint8_t indef[] = { 0x30, 0x80, 0x30, 0x00, 0x00, 0x00 };
    static const uint8_t huge[] = { 0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00 };
    static const uint8_t over[] = { 0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x30 };
    static const uint8_t nonmin1[] = { 0x30, 0x81, 0x02, 0x30, 0x00 };
    static const uint8_t nonmin2[] = { 0x30, 0x82, 0x00, 0x02, 0x30, 0x00 };
    static const uint8_t hightag[] = { 0x1F, 0x81, 0x01, 0x00 };
    static const uint8_t empty_tbs[] = { 0x30, 0x02, 0x30, 0x00 };
    const struct { const uint8_t *p; size_t n; } raw[] = {
        { indef, sizeof indef }, { huge, sizeof huge }, { over, sizeof over }, { nonmin1, sizeof nonmin1 },
        { nonmin2, sizeof nonmin2 }, { hightag, sizeof hightag }, { empty_tbs, sizeof empty_tbs },
    };
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++)
        if (fwd_x509_san_ip_match(raw[i].p, raw[i].n, V4, 4) != FW_ERR_FORMAT) fail_msg("accepted raw #%zu", i);

    /* two SAN extensions (RFC 5280: at most one), one without the match */
    struct buf names2 = { .n = 0 };
    gn_dns(&names2, "x.example");
    exts.n = 0;
    san_ext(&exts, &names2, 0);
    san_ext(&exts, &names, 0);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FW_ERR_FORMAT);
    /* an empty GeneralNames, a universal-class entry, a malformed later entry */
    struct buf empty = { .n = 0 }, uni = { .n = 0 }, later = { .n = 0 };
    tlv(&uni, 0x04, V4, 4);
    gn_ip(&later, V4, 4);
    put(&later, "\x87\x05\x01", 3); /* says 5 bytes, has 1 */
    const struct buf *gns[] = { &empty, &uni, &later };
    for (size_t i = 0; i < 3; i++) {
        exts.n = 0;
        san_ext(&exts, gns[i], 0);
        cert(&c, 1, &exts);
        if (match(&c, V4, 4) != FW_ERR_FORMAT) fail_msg("accepted GeneralNames #%zu", i);
    }
    /* extension value not an OCTET STRING; boolean of 2 bytes */
    struct buf e = { .n = 0 }, seq = { .n = 0 };
    tlv(&e, 0x06, OID_SAN, sizeof OID_SAN);
    tlv(&e, 0x30, "\x87\x04\x7F\x00\x00\x01", 6);
    exts.n = 0;
    wrap(&exts, 0x30, &e);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FW_ERR_FORMAT);
    e.n = 0;
    tlv(&e, 0x06, OID_SAN, sizeof OID_SAN);
    tlv(&e, 0x01, "\xFF\xFF", 2);
    wrap(&seq, 0x30, &names);
    wrap(&e, 0x04, &seq);
    exts.n = 0;
    wrap(&exts, 0x30, &e);
    cert(&c, 1, &exts);
    assert_int_equal(match(&c, V4, 4), FW_ERR_FORMAT);
}

/* Every single-byte corruption of a valid certificate: an answer, no crash. */
static void mutations_never_crash(void **state)
{
    (void)state;
    struct buf names = { .n = 0 }, exts = { .n = 0 }, c;
    gn_dns(&names, "localhost");
    gn_ip(&names, V4, 4);
    gn_ip(&names, V6, 16);
    san_ext(&exts, &names, 1);
    cert(&c, 1, &exts);
    static const uint8_t vals[] = { 0x00, 0x01, 0x7F, 0x80, 0x81, 0x84, 0x87, 0xFF };
    for (size_t i = 0; i < c.n; i++) {
        for (size_t k = 0; k < sizeof vals; k++) {
            uint8_t *m = malloc(c.n);
            memcpy(m, c.b, c.n);
            m[i] = vals[k];
            int rc = fwd_x509_san_ip_match(m, c.n, V4, 4);
            assert_true(rc == FW_ERR_FORMAT || rc == FWD_SAN_IP_MATCH || rc == FWD_SAN_IP_NO_MATCH ||
                        rc == FWD_SAN_IP_NO_SAN);
            free(m);
        }
    }
}

static void bad_arguments(void **state)
{
    (void)state;
    struct buf c;
    cert(&c, 1, NULL);
    assert_int_equal(fwd_x509_san_ip_match(NULL, 0, V4, 4), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_x509_san_ip_match(c.b, c.n, NULL, 4), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_x509_san_ip_match(c.b, c.n, V4, 5), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_x509_san_ip_match(c.b, c.n, V4, 0), FW_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ip_entries_match_exact_bytes), cmocka_unit_test(no_ip_entry_no_match),
        cmocka_unit_test(malformed_refused), cmocka_unit_test(mutations_never_crash),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
