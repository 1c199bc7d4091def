#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The device library on a Cortex-M4 (issue 14): build/target/fwtest.elf runs
# on QEMU's MPS2 AN386 board (device/port/mps2-an386/), one QEMU run per
# power-on, its flash and eFuse kept in host files through semihosting. The
# same power-ons are replayed on the host simulator with fwseal-device; after
# each one the target's flash.bin and efuse.bin must be byte-identical to the
# simulator's, and the firmware's own output must say what happened:
#   Secure Boot V2 boot (decision, RSA-3072 PSS, flash decryption), OTA of a
#   pre-encrypted signed image streamed in chunks of 1..4096 bytes,
#   PENDING_VERIFY -> confirm, -> explicit rollback, -> rollback by a restart,
#   OTA tampered / untrusted / downgrade refused (passive slot scrubbed or
#   untouched), NVS set/get/erase across restarts, factory reset; then an
#   ECDSA P-256 device with XTS-AES-256 and a 16-byte program unit, and a
#   device with encrypted NVS (nvs_keys).
# `make target-test` runs this script; tests/run.sh runs it in `make test`.
. "$(dirname "$0")/lib.sh"
ELF=${FWSEAL_TARGET_ELF:-$FWSEAL_BUILD/target/fwtest.elf}
PE=$V/pre_encrypted/rsa
cd "$T" || exit 3
command -v qemu-system-arm >/dev/null || { fail "qemu-system-arm not installed (make deps)"; exit 1; }
[ -f "$ELF" ] || { fail "$ELF missing (make target)"; exit 1; }

# ---- keys, images, a provisioned device ---------------------------------------------
$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null && $FWSEAL keygen rsa3072 -o rogue.pem >/dev/null &&
  $FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || { fail "keygen"; exit 1; }
mk() { # VERSION SECURE_VERSION NAME [KEY]
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version "$2" --project target --size 96K -o "$3.bin" >/dev/null &&
    $FWSEAL sign --key "${4:-sb.pem}" "$3.bin" -o "$3.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$3.s.bin" -o "$3.enc" >/dev/null
}
mk 1.0.0 2 v1 && mk 2.0.0 3 v2 && mk 3.0.0 3 v3 && mk 3.1.0 3 v31 && mk 0.9.0 1 old && mk 4.1.0 3 v41 && mk 4.0.0 3 rogue rogue.pem ||
  { fail "images"; exit 1; }
# tampered: one ciphertext byte in the middle of the encrypted payload flipped
python3 - v41.enc tampered.enc <<'PY' || { fail "tampered image"; exit 1; }
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x01; open(sys.argv[2], "wb").write(b)
PY
printf 'fwseal-target-test-seed-0123456789abcdef0123456789abcdef' >seed.bin
$FWDEV init host --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --secure-version 2 --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
  $FWDEV flash host --partition ota_0 v1.s.bin >/dev/null || { fail "device init"; exit 1; }
rm -rf tgt && cp -a host tgt

# ---- one power-on on both ----------------------------------------------------------------
# power NAME EXPECT_EXIT ACTION...: QEMU runs the actions on tgt/, fwseal-device
# runs the same commands on host/ (nothing "runs" at power-on), then checks
# the exit codes and that both left the same flash and eFuse.
# The device pair is $H (simulator) and $G (target); ALIGN, when set, is the
# device's write_align (device.conf) handed to the firmware; SEED the DRBG
# seed file (empty: the host's /dev/urandom, the port's default source).
H=host G=tgt ALIGN= SEED=seed.bin
power() {
  local name=$1 want=$2 qargs="" opts="${SEED:+,arg=--seed,arg=$SEED}" a; shift 2
  for a in "$@"; do qargs="$qargs,arg=$a"; done
  [ -n "$ALIGN" ] && opts="$opts,arg=--align,arg=$ALIGN"
  timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config "enable=on,target=native,arg=fwtest$opts,arg=$G$qargs" \
    -kernel "$ELF" >"$name.tgt.out" 2>&1
  local trc=$?
  rm -f "$H/running"
  local hrc=0
  set -- "$@" END
  while [ "$1" != END ] && [ "$hrc" = 0 ]; do
    case $1 in
      boot|confirm|rollback) $FWDEV "$1" "$H" >>"$name.host.out" 2>&1; hrc=$?; shift ;;
      factory-reset) $FWDEV factory-reset "$H" >>"$name.host.out" 2>&1; hrc=$?; shift ;;
      # The firmware streams its image like stdin (no Range, no progress record), so
      # the reference OTA keeps no progress record either (--no-resume).
      ota) $FWDEV ota "$H" --file "$2" --no-resume >>"$name.host.out" 2>&1; hrc=$?; shift 3 ;;
      nvs-set) $FWDEV nvs "$H" set "$2" "$3" "$4" "$5" >>"$name.host.out" 2>&1; hrc=$?; shift 5 ;;
      nvs-get) $FWDEV nvs "$H" get "$2" "$3" >>"$name.host.out" 2>&1; hrc=$?; shift 3 ;;
      nvs-erase) $FWDEV nvs "$H" erase "$2" "$3" >>"$name.host.out" 2>&1; hrc=$?; shift 3 ;;
      *) echo "target_qemu.sh: unknown action $1" >&2; exit 3 ;;
    esac
  done
  cp "$name.tgt.out" .out
  if [ "$trc" = "$want" ] && [ "$hrc" = "$want" ]; then ok "$name: target and simulator exit $want"
  else fail "$name: exit target $trc, simulator $hrc, wanted $want" "$(grep -v '^fwtest: insns' "$name.tgt.out" | tail -3 | tr '\n' '|') / $(tail -2 "$name.host.out" | tr '\n' '|')"; fi
  same_file "$G/flash.bin" "$H/flash.bin" "$name: flash.bin byte-identical to the simulator's"
  same_file "$G/efuse.bin" "$H/efuse.bin" "$name: efuse.bin byte-identical to the simulator's"
}
said() { # PATTERN NAME: the firmware's output of the last power-on
  if grep -Eq -- "$1" .out; then ok "$2"; else fail "$2" "firmware said: $(grep -v insns .out | tail -4 | tr '\n' '|')"; fi
}
# all 0xFF from the start of the slot on (LEN bytes): nothing of a refused image left
slot_erased() { # DIR OFFSET LEN
  python3 -c "import sys; d=open(sys.argv[1],'rb').read(); o=int(sys.argv[2],0); n=int(sys.argv[3],0); sys.exit(0 if d[o:o+n]==b'\xff'*n else 1)" "$1/flash.bin" "$2" "$3"
}
OTA0=0x10000 OTA1=0x1a0000

# ---- the port's HAL keeps the simulator's NOR and eFuse rules (on a scratch copy) ---------
rm -rf scratch && cp -a host scratch
timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native,arg=fwtest,arg=scratch,arg=hal-rules -kernel "$ELF" >hal.out 2>&1
check "hal-rules: the firmware's own checks pass" test $? -eq 0
cp hal.out .out
for r in "erased bytes read 0xFF" "re-program outside a window refused" "unaligned program refused" \
         "unaligned erase refused" "program beyond the end refused" "re-program clearing bits allowed" \
         "read back the AND of both" "re-program setting bits refused" "an eFuse burn never clears a bit"; do
  said "^fwtest: hal $r: ok" "port flash/eFuse rule: $r"
done

# ---- boot ----------------------------------------------------------------------------------
power boot 0 boot
said '^fwtest: booted ota_0: version 1\.0\.0, secure_version 2, ota state none' "boot: Secure Boot V2 verified v1 in ota_0 (RSA-3072 PSS, flash decryption)"

# ---- OTA, PENDING_VERIFY -> confirm --------------------------------------------------------
power ota-v2 0 ota v2.enc 11
said '^fwtest: ota input [0-9]+ bytes in [0-9]+ chunks of [0-9]+\.\.[0-9]+ bytes' "ota: the encrypted image streamed in chunks of varying size"
said '^fwtest: ota [0-9]+ bytes into ota_1, verified \(2\.0\.0, secure_version 3\)' "ota: v2 decrypted, written through flash encryption, verified"
power confirm-v2 0 boot confirm
said '^fwtest: booted ota_1: version 2\.0\.0, secure_version 3, ota state PENDING_VERIFY' "boot after OTA: v2 runs PENDING_VERIFY"
said '^fwtest: confirmed ota_1 \(VALID\), eFuse secure_version 3' "confirm: VALID, eFuse secure_version burned to 3"
power boot-v2 0 boot
said '^fwtest: booted ota_1: version 2\.0\.0, secure_version 3, ota state VALID' "restart: v2 boots VALID"

# ---- PENDING_VERIFY -> explicit rollback ---------------------------------------------------
power ota-v3 0 boot ota v3.enc 22
power rollback-v3 0 boot rollback
said '^fwtest: booted ota_0: version 3\.0\.0, secure_version 3, ota state PENDING_VERIFY' "boot after OTA: v3 runs PENDING_VERIFY"
said '^fwtest: ota_0 marked INVALID' "rollback: v3 marks itself INVALID"
power after-rollback 0 boot
said '^fwtest: booted ota_1: version 2\.0\.0' "restart after rollback: v2 boots again"

# ---- PENDING_VERIFY -> rollback by a restart without confirm -------------------------------
power ota-v31 0 ota v31.enc 33
power pending-v31 0 boot
said '^fwtest: booted ota_0: version 3\.1\.0, secure_version 3, ota state PENDING_VERIFY' "boot after OTA: v3.1 runs PENDING_VERIFY"
power restart-v31 0 boot
said '^fwtest: booted ota_1: version 2\.0\.0' "restart without confirm: the bootloader rolls back to v2"

# ---- refused OTAs: the passive slot (ota_0) is scrubbed or untouched -----------------------
power ota-tampered 1 boot ota tampered.enc 44
said '^fwtest: FAIL ota: .*(tag|authentic|GCM|integrity)' "tampered image: refused (GCM tag)"
check "tampered image: nothing of it left in ota_0 (first 64 KiB erased)" slot_erased tgt $OTA0 0x10000
power ota-untrusted 1 boot ota rogue.enc 55
said '^fwtest: FAIL ota: .*(signature|key|trusted)' "image signed by an untrusted key: refused by the signature check"
check "untrusted image: nothing of it left in ota_0" slot_erased tgt $OTA0 0x10000
slot_sum() { python3 -c "import hashlib,sys; d=open(sys.argv[1],'rb').read(); o=int(sys.argv[2],0); print(hashlib.sha256(d[o:o+0x190000]).hexdigest())" "$1/flash.bin" "$2"; }
before=$(slot_sum tgt $OTA0)
power ota-downgrade 1 boot ota old.enc 66
said '^fwtest: FAIL ota: .*secure_version' "downgrade (secure_version 1 < eFuse 3): refused"
check "downgrade: refused before the erase, ota_0 untouched" test "$(slot_sum tgt $OTA0)" = "$before"
power boot-after-refusals 0 boot
said '^fwtest: booted ota_1: version 2\.0\.0, secure_version 3, ota state VALID' "after three refused OTAs v2 still boots VALID"

# ---- NVS across restarts, factory reset ----------------------------------------------------
power nvs-set 0 nvs-set wifi ssid string home-net nvs-set wifi chan u8 6 nvs-set app boots i32 -7
power nvs-get 0 nvs-get wifi ssid nvs-get wifi chan nvs-get app boots
said '^fwtest: nvs wifi:ssid = home-net$' "nvs: string persisted across a restart"
said '^fwtest: nvs wifi:chan = 6$' "nvs: u8 persisted across a restart"
said '^fwtest: nvs app:boots = -7$' "nvs: i32 persisted across a restart"
power nvs-erase 0 nvs-erase wifi chan
power nvs-get-erased 1 nvs-get wifi chan
said '^fwtest: FAIL nvs-get wifi:chan: not found' "nvs: an erased key is gone after a restart"
power factory-reset 0 factory-reset
power nvs-after-reset 1 nvs-get wifi ssid
said '^fwtest: FAIL nvs' "factory reset: the user NVS is empty"
power boot-after-reset 0 boot
said '^fwtest: booted ota_1: version 2\.0\.0' "factory reset kept the app"

# ---- a second device: ECDSA P-256 Secure Boot, XTS-AES-256, 16-byte program unit ----------
$FWSEAL keygen ecdsa-p256 -o ec.pem --pub ec_pub.pem >/dev/null && $FWSEAL keygen flash-xts-256 -o fe256.bin >/dev/null ||
  { fail "keygen (second device)"; exit 1; }
mkec() { # VERSION NAME: ECDSA-signed (esp32c3's ROM verifies RSA only: --no-chip-check; the library verifies both)
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version 1 --project target --size 64K -o "$2.bin" >/dev/null &&
    $FWSEAL sign --no-chip-check --key ec.pem "$2.bin" -o "$2.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$2.s.bin" -o "$2.enc" >/dev/null
}
mkec 1.0.0 e1 && mkec 2.0.0 e2 || { fail "ECDSA images"; exit 1; }
$FWDEV init hostb --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-256 --flash-key fe256.bin \
  --secure-boot-key ec_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" --write-align 16 >/dev/null &&
  $FWDEV flash hostb --partition ota_0 e1.s.bin >/dev/null || { fail "second device init"; exit 1; }
rm -rf tgtb && cp -a hostb tgtb
H=hostb G=tgtb ALIGN=16
power ecdsa-boot 0 boot
said '^fwtest: booted ota_0: version 1\.0\.0' "ECDSA P-256 device: boot verified v1 (XTS-AES-256, write_align 16)"
SEED= power ecdsa-ota 0 ota e2.enc 77   # randomness from /dev/urandom: blinding only, same flash
said '^fwtest: power on: tgtb' "firmware seeded its DRBG from the host's /dev/urandom (no seed file)"
said '^fwtest: ota [0-9]+ bytes into ota_1, verified \(2\.0\.0' "ECDSA P-256 device: OTA of v2 verified"
power ecdsa-confirm 0 boot confirm
said '^fwtest: confirmed ota_1 \(VALID\)' "ECDSA P-256 device: v2 confirmed"

# ---- a third device: encrypted NVS (nvs_keys partition) across restarts -------------------
$FWSEAL keygen nvs-keys -o nvskeys.bin >/dev/null || { fail "nvs-keys"; exit 1; }
$FWDEV init hostc --partitions "$V/partition_table/partitions_two_ota_encr_nvs.csv" --flash-encryption xts-128 \
  --flash-key fe.bin --secure-boot-key sb_pub.pem --nvs-keys nvskeys.bin >/dev/null || { fail "third device init"; exit 1; }
rm -rf tgtc && cp -a hostc tgtc
H=hostc G=tgtc ALIGN=
power enc-nvs-set 0 nvs-set cfg token string s3cr3t-value nvs-set cfg level u32 4000000000
power enc-nvs-get 0 nvs-get cfg token nvs-get cfg level
said '^fwtest: nvs cfg:token = s3cr3t-value$' "encrypted NVS: string read back after a restart"
said '^fwtest: nvs cfg:level = 4000000000$' "encrypted NVS: u32 read back after a restart"
check "encrypted NVS: the value is not in the flash image in clear" sh -c '! grep -q s3cr3t-value tgtc/flash.bin'
power enc-factory-reset 0 factory-reset
power enc-nvs-after-reset 1 nvs-get cfg token
said '^fwtest: FAIL nvs' "encrypted NVS: empty after factory reset"
power enc-nvs-reuse 0 nvs-set cfg token string again nvs-get cfg token
said '^fwtest: nvs cfg:token = again$' "encrypted NVS: usable again after factory reset (keys kept)"

# ---- the firmware's memory report (figures: bench/70-target.sh) ---------------------------
said '^fwtest: mem static [0-9]+ heap_peak [0-9]+ heap_live_peak [0-9]+ stack_peak [0-9]+' "the firmware reports its static RAM, heap and painted stack peaks"
