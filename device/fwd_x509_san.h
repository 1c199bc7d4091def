/* SPDX-License-Identifier: Apache-2.0 */
/* iPAddress subjectAltName matching on the raw DER of an X.509 certificate.
 *
 * mbedTLS 2.28 matches DNS names only, so a server reached as
 * https://192.168.1.10:8070/ or https://[fe80::1]/ is checked here instead:
 * the certificate's subjectAltName extension (OID 2.5.29.17) must hold an
 * iPAddress entry ([7] OCTET STRING) equal, byte for byte, to the address the
 * client connected to (4 bytes IPv4, 16 bytes IPv6). The common name is never
 * consulted (RFC 6125: an IP address is only ever matched against iPAddress).
 *
 * The walker treats its input as hostile: definite lengths only, at most four
 * length octets, minimal length encoding, every TLV inside its parent, no
 * high-tag-number form, a single SAN extension, nothing after the
 * certificate. No allocation, no recursion, O(len).
 */
#ifndef FWD_X509_SAN_H
#define FWD_X509_SAN_H

#include <stddef.h>
#include <stdint.h>

enum fwd_san_ip_result {
    FWD_SAN_IP_MATCH = 1,      /* an iPAddress entry equals ip */
    FWD_SAN_IP_NO_MATCH = 0,   /* a SAN exists, none of its iPAddress entries equals ip */
    FWD_SAN_IP_NO_SAN = 2,     /* the certificate has no subjectAltName extension */
};

/* der/der_len: one whole certificate (Certificate SEQUENCE). ip_len must be 4
 * or 16. Returns an fwd_san_ip_result, FW_ERR_FORMAT on malformed DER (or a
 * duplicated SAN extension), FW_ERR_INVALID_ARG on bad arguments. */
int fwd_x509_san_ip_match(const uint8_t *der, size_t der_len, const uint8_t *ip, size_t ip_len);

#endif
