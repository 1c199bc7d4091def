#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent check of Secure Boot V2 signature blocks (FORMATS 2.3/2.4).

For each block: cut it out of the file's last 4096 bytes, check magic, CRC32,
zero padding and the image_digest field against sha256 of [0, S), reverse the
little-endian numbers, rebuild the public key (DER SPKI) and the signature as
DER, compare the key with `openssl pkey` of KEY (a private key or a PUBLIC
KEY PEM), and verify the signature with `openssl pkeyutl -verify`.

  sbv2_check.py TMPDIR FILE SLOT KEY
      one check: prints the reason (or "verified"), exit 0 verified, 1 not
  sbv2_check.py --queue QUEUE TMPDIR
      QUEUE lines "NAME<TAB>valid|invalid<TAB>FILE<TAB>SLOT<TAB>KEY", all
      checked in this one process (python start-up is slow); prints
      "OK|BAD<TAB>NAME<TAB>reason" per line, OK when the outcome is the expected one
"""
import hashlib, os, subprocess, sys, zlib


def ln(n):
    if n < 128:
        return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(s)]) + s


def tlv(t, v): return bytes([t]) + ln(len(v)) + v


def integer(be):
    be = be.lstrip(b"\0") or b"\0"
    return tlv(2, (b"\0" + be) if be[0] & 0x80 else be)


def oid(s):
    p = [int(x) for x in s.split(".")]
    out = bytes([40 * p[0] + p[1]])
    for v in p[2:]:
        enc = [v & 0x7F]; v >>= 7
        while v:
            enc.insert(0, 0x80 | (v & 0x7F)); v >>= 7
        out += bytes(enc)
    return tlv(6, out)


def le(x): return bytes(reversed(x))       # block numbers are little-endian


def key_spki(key):
    """DER SPKI of KEY: a PUBLIC KEY PEM, or the public half of a private key."""
    with open(key, "rb") as fh:
        is_pub = b" PUBLIC KEY-----" in fh.read()   # SPKI or PKCS#1 public PEM
    args = ["-pubin", "-in", key] if is_pub else ["-in", key, "-pubout"]
    return subprocess.run(["openssl", "pkey"] + args + ["-outform", "DER"], capture_output=True).stdout


def check(path, slot, key, tmp):
    data = open(path, "rb").read()
    if len(data) % 4096: return "file not 4096-aligned"
    b = data[len(data) - 4096 + slot * 1216:][:1216]
    digest = hashlib.sha256(data[:len(data) - 4096]).digest()
    if b[0] != 0xE7: return "bad magic"
    if zlib.crc32(b[:1196]).to_bytes(4, "little") != b[1196:1200]: return "CRC32 wrong"
    if b[1200:] != bytes(16): return "padding not zero"
    if b[4:36] != digest: return "image_digest field != sha256(signed region)"
    if b[1] == 2:                          # RSA-3072: n @36, e @420, sig @812
        n, e, sig = le(b[36:420]), int.from_bytes(b[420:424], "little"), le(b[812:1196])
        alg = tlv(0x30, oid("1.2.840.113549.1.1.1") + b"\x05\x00")
        spki = tlv(0x30, alg + tlv(3, b"\0" + tlv(0x30, integer(n) + integer(e.to_bytes(4, "big")))))
        opts = ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:32", "-pkeyopt", "digest:sha256"]
    elif b[1] == 3 and b[36] == 2:         # ECDSA P-256: curve @36, X,Y @37, r,s @101
        if b[165:1196] != bytes(1031): return "ECDSA reserved bytes not zero"
        x, y, r, s = le(b[37:69]), le(b[69:101]), le(b[101:133]), le(b[133:165])
        alg = tlv(0x30, oid("1.2.840.10045.2.1") + oid("1.2.840.10045.3.1.7"))
        spki = tlv(0x30, alg + tlv(3, b"\0\x04" + x + y))
        sig = tlv(0x30, integer(r) + integer(s))
        opts = []
    else: return "unknown block version"

    def f(name, v):
        p = os.path.join(tmp, name)
        with open(p, "wb") as fh:
            fh.write(v)
        return p
    pub, sg, dg = f("sbv2.pub.der", spki), f("sbv2.sig", sig), f("sbv2.dg", digest)
    if key_spki(key) != spki: return "embedded key differs from " + key
    rc = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", pub,
                         "-in", dg, "-sigfile", sg] + opts, capture_output=True).returncode
    return None if rc == 0 else "openssl pkeyutl -verify failed"


def main(argv):
    if len(argv) == 4 and argv[1] == "--queue":
        for line in open(argv[2]):
            name, expect, path, slot, key = line.rstrip("\n").split("\t")
            why = check(path, int(slot), key, argv[3])
            good = (why is None) == (expect == "valid")
            print(("OK\t" if good else "BAD\t") + name + "\t" + (why or "verified"))
        return 0
    if len(argv) == 5:
        why = check(argv[2], int(argv[3]), argv[4], argv[1])
        print(why or "verified")
        return 0 if why is None else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
