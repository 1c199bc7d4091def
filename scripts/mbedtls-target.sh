#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cross-compiles mbedTLS 3.6 for the Cortex-M4 port (device/port/mps2-an386/)
# from the Debian 13 source tree that scripts/mbedtls36.sh already fetched
# (MBED36/src/mbedtls-3.6.*: nothing is fetched twice), with the port's
# minimal configuration header and only the modules fwseal uses.
#   scripts/mbedtls-target.sh MBED36 OUTDIR notls|tls|boot-rsa|boot-ecdsa
# Result: OUTDIR/lib/libmbedcrypto.a (+ libmbedx509.a libmbedtls.a for tls),
#         OUTDIR/stamp (source version + hash of the configuration and flags).
# Flags: arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffunction-sections
# -fdata-sections; FWT_SSL_IN_CONTENT_LEN in the environment sets
# MBEDTLS_SSL_IN_CONTENT_LEN of the tls flavour.
set -euo pipefail

mbed36=${1:?usage: scripts/mbedtls-target.sh MBED36 OUTDIR notls|tls|boot-rsa|boot-ecdsa}
out=${2:?usage}
flavour=${3:?usage}
cfg=device/port/mps2-an386/mbedtls_target_config.h
die() { echo "mbedtls-target: $*" >&2; exit 3; }
command -v arm-none-eabi-gcc >/dev/null || die "arm-none-eabi-gcc not found: run 'make deps'"
tree=$(compgen -G "$mbed36/src/mbedtls-3.6.*" | head -1 || true)
if [ -z "$tree" ] || [ ! -f "$tree/library/version.c" ]; then
  # A 3.6 build made before the source tree was kept: fetch it again, once.
  scripts/mbedtls36.sh "$mbed36" || die "could not fetch the mbedTLS 3.6 source into $mbed36"
  tree=$(compgen -G "$mbed36/src/mbedtls-3.6.*" | head -1 || true)
fi
[ -n "$tree" ] && [ -f "$tree/library/version.c" ] || die "no mbedTLS 3.6 source under $mbed36/src (make $mbed36/stamp fetches it)"

CRYPTO=(aes asn1parse asn1write base64 bignum bignum_core block_cipher cipher cipher_wrap constant_time
        ctr_drbg ecdh ecdsa ecp ecp_curves gcm hkdf md md5 oid pem pk pk_ecc pk_wrap pkcs5 pkparse
        platform platform_util rsa rsa_alt_helpers sha256 sha512)
X509=(x509 x509_crt)
TLS=(ccm chacha20 chachapoly poly1305 ssl_tls ssl_msg ssl_client ssl_tls12_client ssl_ciphersuites
     ssl_debug_helpers_generated)
CFLAGS=(-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections -std=c99
        "-DMBEDTLS_CONFIG_FILE=\"$cfg\"" -I. -I"$tree/include" -I"$tree/library")
case "$flavour" in
  notls) mods=("${CRYPTO[@]}") ;;
  tls) mods=("${CRYPTO[@]}" "${X509[@]}" "${TLS[@]}")
       CFLAGS+=(-DFWT_WITH_TLS=1 -DFWT_SSL_IN_CONTENT_LEN="${FWT_SSL_IN_CONTENT_LEN:-16384}") ;;
  boot-rsa) mods=("${CRYPTO[@]}"); CFLAGS+=(-DFWT_SCHEMES_RSA=1) ;;
  boot-ecdsa) mods=("${CRYPTO[@]}"); CFLAGS+=(-DFWT_SCHEMES_ECDSA_P256=1) ;;
  *) die "flavour must be notls, tls, boot-rsa or boot-ecdsa" ;;
esac

# what the build depends on, without paths (the same tree reached through
# build/ or an absolute BUILD= is the same build)
want="$(basename "$tree") $(cat "$cfg" "$0" | sha256sum | cut -c1-16) ${CFLAGS[*]//-I*/}"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$want" ] && [ -f "$out/lib/libmbedcrypto.a" ]; then exit 0; fi
rm -rf "$out"
mkdir -p "$out/obj" "$out/lib"
echo "mbedtls-target: $flavour: ${#mods[@]} modules of $(basename "$tree") for Cortex-M4 (-Os)"
printf '%s\n' "${mods[@]}" | xargs -P "${FWT_JOBS:-2}" -I{} \
  arm-none-eabi-gcc "${CFLAGS[@]}" -c "$tree/library/{}.c" -o "$out/obj/{}.o" \
  || die "compile failed"
ar() { arm-none-eabi-ar rcs "$@"; }
ar "$out/lib/libmbedcrypto.a" $(printf "$out/obj/%s.o " "${CRYPTO[@]}")
if [ "$flavour" = tls ]; then
  ar "$out/lib/libmbedx509.a" $(printf "$out/obj/%s.o " "${X509[@]}")
  ar "$out/lib/libmbedtls.a" $(printf "$out/obj/%s.o " "${TLS[@]}")
fi
echo "$want" >"$out/stamp"
