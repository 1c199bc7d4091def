#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: the fleet release of issue 19 at 100,000 devices (BENCH_FLEET_N).
#  - `fwseal release` for N RSA-3072 devices with --jobs 2 (both cores) and
#    --jobs 1, and for N ECIES-P256 devices with --jobs 2: wall time, against
#    the crypto-only lower bound measured in the same run with `openssl speed`
#    (N RSA-3072 public operations, resp. N x (one P-256 key generation +
#    one ECDH), spread over the same number of cores);
#  - the repository: bytes published (body + 512 B per device + manifest)
#    against what per-device containers would need (N x (512 + image)), and
#    the disk blocks the files take here (one small file per device).
# The registry cycles through BENCH_FLEET_KEYS (default 64) distinct public
# key files: per device the release still reads and parses one PEM, does one
# public-key operation and writes one header file; generating 100,000 RSA
# key pairs would take hours and measure key generation, not the release.
# Interleaved A B A B (BENCH_FLEET_REPS rounds, default 2): min / median.
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
build=${FWSEAL_BUILD:-$root/build}
. "$root/bench/lib.sh"
F=$build/bin/fwseal
N=${BENCH_FLEET_N:-100000}
K=${BENCH_FLEET_KEYS:-64}
REPS=${BENCH_FLEET_REPS:-2}
tmp=${BENCH_TMP:-$(mktemp -d)}/fleet
BT=$tmp/t
mkdir -p "$BT" "$tmp/keys"
[ -x "$F" ] || { echo "70-fleet: build first (make all)" >&2; exit 3; }
cd "$tmp" || exit 3

# ---- inputs ---------------------------------------------------------------------------
$F keygen rsa3072 -o sign.pem --pub sign_pub.pem >/dev/null || exit 1
$F mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project fleet_bench --size 1M -o app.bin >/dev/null || exit 1
$F sign --key sign.pem app.bin -o app.s.bin >/dev/null || exit 1
img=$(stat -c %s app.s.bin)
for ((i = 0; i < K; i++)); do
  $F keygen rsa3072 -o "keys/r$i.pem" --pub "keys/r${i}_pub.pem" >/dev/null || exit 1
  $F keygen ecies-p256 -o "keys/e$i.bin" --pub "keys/e${i}_pub.pem" >/dev/null || exit 1
done
awk -v n="$N" -v k="$K" 'BEGIN { print "id,pubkey"; for (i = 0; i < n; i++) printf "dev-%06d,keys/r%d_pub.pem\n", i, i % k }' >rsa.csv
awk -v n="$N" -v k="$K" 'BEGIN { print "id,pubkey"; for (i = 0; i < n; i++) printf "dev-%06d,keys/e%d_pub.pem\n", i, i % k }' >ecies.csv

# ---- timed releases -----------------------------------------------------------------------
rel() { "$F" release --image app.s.bin --sign-key sign.pem --devices "$1" --out "$2" --jobs "$3" --rollout 10; }
rsa2_prep() { rm -rf rsa2; }
rsa2() { rel rsa.csv rsa2 2; }
rsa1_prep() { rm -rf rsa1; }
rsa1() { rel rsa.csv rsa1 1; }
ecies2_prep() { rm -rf ecies2; }
ecies2() { rel ecies.csv ecies2 2; }
ileave "$REPS" rsa2 rsa1 ecies2 || exit 1

# ---- references: the crypto alone, same run --------------------------------------------
# openssl speed prints ops/s; the bound is N ops / (ops/s x cores) in ms.
speed() { openssl speed -seconds 1 "$@" 2>/dev/null; }
rsa_pub_s=$(speed rsa3072 | awk '/^rsa 3072 bits/ { print $NF }')
ecdh_s=$(speed ecdhp256 | awk '/ecdh \(nistp256\)/ { print $NF }')
keygen_s=$(speed ecdsap256 | awk '/ecdsa \(nistp256\)/ { print $(NF-1) }')   # sign/s: one scalar multiplication, like a key generation
bound() { awk -v n="$N" -v c="$2" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", n / s / c * 1000; else print 0 }'; }
bound_ecies() { awk -v n="$N" -v c="$1" -v a="$ecdh_s" -v b="$keygen_s" 'BEGIN { if (a > 0 && b > 0) printf "%.0f", n * (1 / a + 1 / b) / c * 1000; else print 0 }'; }
b_rsa2=$(bound "$rsa_pub_s" 2) b_rsa1=$(bound "$rsa_pub_s" 1) b_ec2=$(bound_ecies 2)

sec() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }
r_row() { # LABEL FN BOUND_MS NOTE
  local mn md
  mn=$(stat_min "$2") md=$(stat_med "$2")
  row "fleet release" "$1" "$(sec "$mn") / $(sec "$md")" "s min/med" "$(sec "$3")" "$(x_ratio "$mn" "$3")" "$4"
}
r_row "fwseal release, $N RSA-3072 devices, --jobs 2 (both cores)" rsa2 "$b_rsa2" \
  "1 MiB image; baseline = $N RSA-3072 public ops at openssl speed ($rsa_pub_s/s) over 2 cores; $REPS interleaved rounds; $K distinct key files cycled"
r_row "fwseal release, $N RSA-3072 devices, --jobs 1" rsa1 "$b_rsa1" \
  "same, one core; baseline = the same ops on one core"
r_row "fwseal release, $N ECIES-P256 devices (FWSX), --jobs 2" ecies2 "$b_ec2" \
  "baseline = $N x (P-256 keygen ~ ecdsap256 sign $keygen_s/s + ECDH $ecdh_s/s) over 2 cores"
per_dev=$(awk -v m="$(stat_min rsa2)" -v n="$N" 'BEGIN { printf "%.1f", m * 1000 / n }')
row "fleet release" "RSA-3072, --jobs 2: wall time per device" "$per_dev" "us" - - "min run / $N"

# ---- repository size --------------------------------------------------------------------------
bytes=$(find rsa2 -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
hdrs=$(find rsa2 -name '*.hdr' | wc -l)
body=$(stat -c %s rsa2/1/body.bin) mf=$(stat -c %s rsa2/manifest.fwm)
naive=$(awk -v n="$N" -v i="$img" 'BEGIN { printf "%.0f", n * (512 + i) }')
row "fleet release" "repository bytes, $N devices ($hdrs headers)" "$bytes" "B" "$naive" \
  "$(awk -v a="$bytes" -v b="$naive" 'BEGIN { printf "%.5fx", a / b }')" \
  "body $body + 512 x $N + manifest $mf; baseline = one $((img + 512))-byte container per device"
row "fleet release" "repository bytes per device beyond the body" \
  "$(awk -v b="$bytes" -v body="$body" -v m="$mf" -v n="$N" 'BEGIN { printf "%.1f", (b - body - m) / n }')" "B" - - "the 512-byte header"
row "fleet release" "disk usage here (du), $N devices" "$(du -sk rsa2 | cut -f1)" "KiB" - - \
  "$(df --output=fstype . | tail -1): one small file per device takes a whole block; object stores / CDNs bill the bytes above"
rm -rf rsa1 rsa2 ecies2
