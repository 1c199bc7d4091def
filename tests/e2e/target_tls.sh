#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal's TLS client on the Cortex-M4 (issue 14): build/target/size-ota-tls.elf
# (fwd_tls.c on mbedTLS 3.6 cross-built with the port's TLS configuration)
# runs an OTA over the board's UART, which QEMU connects to a host TLS 1.2
# server (tests/target/tls_uart_server.py): handshake with the pinned CA,
# server name checked, the encrypted image streamed through the TLS records
# into the OTA pipeline. The flash and eFuse the firmware leaves are
# byte-identical to `fwseal-device ota --file --no-resume` with the same image; a server
# whose certificate another CA signed, or with another name, is refused with
# nothing written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
ELF=${FWSEAL_TARGET_TLS_ELF:-$FWSEAL_BUILD/target/size-ota-tls.elf}
SRV=$FWSEAL_ROOT/tests/target/tls_uart_server.py
PE=$V/pre_encrypted/rsa
cd "$T" || exit 3
command -v qemu-system-arm >/dev/null || { fail "qemu-system-arm not installed (make deps)"; exit 1; }
[ -f "$ELF" ] || { fail "$ELF missing (make target)"; exit 1; }

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null && $FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || { fail "keygen"; exit 1; }
mk() { # VERSION NAME
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version 1 --project target --size 12K -o "$2.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "$2.bin" -o "$2.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$2.s.bin" -o "$2.enc" >/dev/null
}
mk 1.0.0 v1 && mk 2.0.0 v2 || { fail "images"; exit 1; }
mkdir -p ca2 && ng_ca "$T" && ng_cert "$T" srv ota.example "DNS:ota.example" && ng_ca "$T/ca2" && ng_cert "$T/ca2" rogue ota.example "DNS:ota.example" ||
  { fail "certificates"; exit 1; }
$FWDEV init host --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
  $FWDEV flash host --partition ota_0 v1.s.bin >/dev/null && $FWDEV boot host >/dev/null || { fail "device"; exit 1; }
cp -a host tgt && cp -a host tgt_rogue && cp -a host tgt_name
rm -f host/running

# tls_ota DIR CERT KEY HOST: one power-on of the TLS OTA image against a fresh server
tls_ota() {
  rm -f port
  python3 "$SRV" "$2" "$3" v2.enc port 2>srv.err &
  local spid=$! i
  for i in $(seq 100); do [ -s port ] && break; sleep 0.05; done
  timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial "tcp:127.0.0.1:$(cat port)" \
    -semihosting-config "enable=on,target=native,arg=x,arg=$1,arg=ota_0,arg=ca.crt,arg=$4" -kernel "$ELF" >"$1.out" 2>&1
  local rc=$?
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  cp "$1.out" "$T/.out"
  return $rc
}

expect_exit 0 "TLS OTA over the UART: the firmware installs v2" tls_ota tgt srv.crt srv.key ota.example
expect_stdout '^size: ota ok$' "  fwd_tls handshake (pinned CA, name ota.example) and the pipeline accepted the image"
expect_exit 0 "the simulator installs the same image from the file" $FWDEV ota host --file v2.enc --no-resume
same_file tgt/flash.bin host/flash.bin "flash.bin byte-identical to fwseal-device ota --file"
same_file tgt/efuse.bin host/efuse.bin "efuse.bin byte-identical"
$FWDEV boot tgt >"$T/.out" 2>&1
expect_stdout '^booted ota_1: version 2\.0\.0' "the simulator boots what the firmware installed over TLS"

cp tgt_rogue/flash.bin before.bin
expect_exit 1 "a server certificate from another CA is refused" tls_ota tgt_rogue ca2/rogue.crt ca2/rogue.key ota.example
expect_stdout '^size: tls handshake refused: server certificate not trusted by the pinned CA' "  refused at the handshake: not trusted"
same_file tgt_rogue/flash.bin before.bin "  nothing written"
expect_exit 1 "a server certificate for another name is refused" tls_ota tgt_name srv.crt srv.key other.example
expect_stdout '^size: tls handshake refused: server certificate does not match the host name' "  refused at the handshake: host name"
same_file tgt_name/flash.bin before.bin "  nothing written"
