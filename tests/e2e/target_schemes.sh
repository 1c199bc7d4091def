#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A port chooses the signature schemes it links (device/fwd_sig.h,
# docs/porting.md 9.7): the Cortex-M4 boot images of `make target` with every
# scheme (size-boot.elf), RSA-3072 PSS only (size-boot-rsa.elf: links
# device/fwd_sig_table_rsa.c, mbedTLS without SHA-384) and ECDSA P-256 only
# (size-boot-ecdsa.elf: device/fwd_sig_table_ecdsa_p256.c, mbedTLS without
# SHA-384 and the other curves), run in QEMU on devices made by fwseal-device:
#   - each boots an image of a scheme it links (a real signed, flash-encrypted
#     image, verified on the emulated CPU);
#   - each refuses an image of a scheme it does not link, with the reason
#     "signature scheme not supported by this device", and boots nothing;
#   - a P-384 device (eFuse SECURE_BOOT_SHA384_EN) is refused by both
#     one-family images (no linked scheme signs SHA-384: fail closed), and
#     booted by the all-schemes image;
#   - a refusal leaves flash and eFuse untouched.
# `make target-test` runs it (tests/run.sh target).
. "$(dirname "$0")/lib.sh"
TG=$FWSEAL_BUILD/target
PE=$V/pre_encrypted/rsa
cd "$T" || exit 3
command -v qemu-system-arm >/dev/null || { fail "qemu-system-arm not installed (make deps)"; exit 1; }
for e in size-boot size-boot-rsa size-boot-ecdsa; do
  [ -f "$TG/$e.elf" ] || { fail "$TG/$e.elf missing (make target)"; exit 1; }
done

$FWSEAL keygen rsa3072 -o rsa.pem --pub rsa_pub.pem >/dev/null && $FWSEAL keygen ecdsa-p256 -o ec.pem --pub ec_pub.pem >/dev/null &&
  $FWSEAL keygen ecdsa-p384 -o p384.pem --pub p384_pub.pem >/dev/null &&
  $FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project schemes --size 64K -o app.bin >/dev/null ||
  { fail "mkimage"; exit 1; }
for k in rsa ec p384; do
  $FWSEAL sign --no-chip-check --key $k.pem app.bin -o app_$k.bin >/dev/null || { fail "sign $k"; exit 1; }
done
# newdev DIR KEY: a device trusting KEY's digest with app_KEY.bin in ota_0
newdev() {
  rm -rf "$1"
  $FWDEV init "$1" --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key fe.bin \
    --secure-boot-key "$2_pub.pem" --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
    $FWDEV flash "$1" --partition ota_0 "app_$2.bin" >/dev/null
}
# boot ELF DIR WANT_EXIT: one power-on of a boot image on a copy of DEV
boot() {
  local elf=$1 dev=$2 want=$3 name="$1-$2"
  rm -rf "run_$name" && cp -a "$dev" "run_$name"
  timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config "enable=on,target=native,arg=size-boot,arg=run_$name" -kernel "$TG/$elf.elf" >"$name.out" 2>&1
  local rc=$?
  cp "$name.out" .out
  if [ "$rc" = "$want" ]; then ok "$name: exit $want"; else fail "$name: exit $rc, wanted $want" "$(tail -3 "$name.out" | tr '\n' '|')"; fi
}
said() { # PATTERN MESSAGE: the last run's output has a line matching PATTERN
  if grep -Eq "$1" .out; then ok "$2"; else fail "$2" "$(tr '\n' '|' <.out | cut -c1-300)"; fi
}
unchanged() { # DIR MESSAGE: a refused boot wrote nothing
  if cmp -s "$1/flash.bin" "run_$2/flash.bin" && cmp -s "$1/efuse.bin" "run_$2/efuse.bin"; then ok "$2: flash and eFuse untouched"
  else fail "$2: the refused boot changed flash or eFuse"; fi
}
newdev dev_rsa rsa && newdev dev_ec ec && newdev dev_p384 p384 || { fail "devices"; exit 1; }
UNSUP='^size: skipped ota_0: signature scheme not supported by this device$'

# ---- RSA-only boot image ------------------------------------------------------------------
boot size-boot-rsa dev_rsa 0
said '^size: schemes rsa$' "size-boot-rsa links the RSA-only scheme table"
said '^size: booted ota_0$' "RSA-only boot image boots an RSA-3072-signed, flash-encrypted image"
boot size-boot-rsa dev_ec 1
said "$UNSUP" "RSA-only boot image refuses an ECDSA P-256 image: scheme not supported"
said '^size: no bootable image$' "RSA-only boot image boots nothing from an ECDSA device"
unchanged dev_ec size-boot-rsa-dev_ec
boot size-boot-rsa dev_p384 1
said '^size: skipped ota_0: signature scheme not supported by this device$' "RSA-only boot image refuses a SHA-384 (P-384) device: no linked scheme signs SHA-384"

# ---- ECDSA P-256-only boot image ----------------------------------------------------------
boot size-boot-ecdsa dev_ec 0
said '^size: schemes ecdsa-p256$' "size-boot-ecdsa links the ECDSA P-256 scheme table"
said '^size: booted ota_0$' "ECDSA P-256-only boot image boots a P-256-signed image"
boot size-boot-ecdsa dev_rsa 1
said "$UNSUP" "ECDSA P-256-only boot image refuses an RSA-3072 image: scheme not supported"
unchanged dev_rsa size-boot-ecdsa-dev_rsa
boot size-boot-ecdsa dev_p384 1
said "$UNSUP" "ECDSA P-256-only boot image refuses a P-384 (SHA-384) device"

# ---- every scheme (the default table): the same devices all boot --------------------------
for d in dev_rsa dev_ec dev_p384; do
  boot size-boot $d 0
  said '^size: booted ota_0$' "all-schemes boot image boots $d"
done
said '^size: schemes all$' "size-boot links the default table (device/fwd_sig_table_all.c)"
