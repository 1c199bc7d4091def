# SPDX-License-Identifier: Apache-2.0
# Independent check of a Secure Boot V2 block against a PUBLIC key (for keys
# whose private half is not in a file: PKCS#11 tokens, signing services).
# Same method as sign_openssl.sh: the block is cut out of the last 4096 bytes,
# CRC32, zero padding and image_digest (= sha256 of the signed region) are
# checked, the little-endian numbers reversed, the public key rebuilt as DER
# SPKI and compared with `openssl pkey -pubin` of PUB.pem, and the signature
# verified with `openssl pkeyutl -verify`.
#   sbv2_openssl_check FILE SLOT PUB.pem   -> exit 0 (verified) or 1, reason on stdout
sbv2_openssl_check() {
  python3 - "$1" "$2" "$3" "$T" <<'PY'
import hashlib, os, subprocess, sys, zlib
def ln(n): return bytes([n]) if n < 128 else (lambda s: bytes([0x80 | len(s)]) + s)(n.to_bytes((n.bit_length() + 7) // 8, "big"))
def tlv(t, v): return bytes([t]) + ln(len(v)) + v
def integer(be):
    be = be.lstrip(b"\0") or b"\0"
    return tlv(2, (b"\0" + be) if be[0] & 0x80 else be)
def oid(s):
    p = [int(x) for x in s.split(".")]; out = bytes([40 * p[0] + p[1]])
    for v in p[2:]:
        enc = [v & 0x7F]; v >>= 7
        while v: enc.insert(0, 0x80 | (v & 0x7F)); v >>= 7
        out += bytes(enc)
    return tlv(6, out)
le = lambda x: bytes(reversed(x))
def check(path, slot, pub, tmp):
    data = open(path, "rb").read()
    if len(data) % 4096: return "file not 4096-aligned"
    b = data[len(data) - 4096 + slot * 1216:][:1216]
    digest = hashlib.sha256(data[:len(data) - 4096]).digest()
    if b[0] != 0xE7: return "bad magic"
    if zlib.crc32(b[:1196]).to_bytes(4, "little") != b[1196:1200]: return "CRC32 wrong"
    if b[1200:] != bytes(16): return "padding not zero"
    if b[4:36] != digest: return "image_digest field != sha256(signed region)"
    if b[1] == 2:
        n, e, sig = le(b[36:420]), int.from_bytes(b[420:424], "little"), le(b[812:1196])
        alg = tlv(0x30, oid("1.2.840.113549.1.1.1") + b"\x05\x00")
        spki = tlv(0x30, alg + tlv(3, b"\0" + tlv(0x30, integer(n) + integer(e.to_bytes(4, "big")))))
        opts = ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:32", "-pkeyopt", "digest:sha256"]
    elif b[1] == 3 and b[36] == 2:
        if b[165:1196] != bytes(1031): return "ECDSA reserved bytes not zero"
        x, y, r, s = le(b[37:69]), le(b[69:101]), le(b[101:133]), le(b[133:165])
        alg = tlv(0x30, oid("1.2.840.10045.2.1") + oid("1.2.840.10045.3.1.7"))
        spki = tlv(0x30, alg + tlv(3, b"\0\x04" + x + y))
        sig = tlv(0x30, integer(r) + integer(s))
        opts = []
    else: return "unknown block version"
    f = lambda n, v: (open(os.path.join(tmp, n), "wb").write(v), os.path.join(tmp, n))[1]
    sg, dg = f("ovp.sig", sig), f("ovp.dg", digest)
    want = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER"], capture_output=True).stdout
    if want != spki: return "embedded key differs from " + pub
    rc = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub,
                         "-in", dg, "-sigfile", sg] + opts, capture_output=True).returncode
    return None if rc == 0 else "openssl pkeyutl -verify failed"
why = check(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
print(why or "verified")
sys.exit(0 if why is None else 1)
PY
}
