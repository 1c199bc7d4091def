#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: device code size on a Cortex-M4. Every module of device/ and
# boot/ (and the crypto-free common/ codecs and nvs/ engine the device links) is compiled
# alone with arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb -c, mbedTLS and
# device/port/sim excluded; text+data per module from arm-none-eabi-size.
# A module that includes a POSIX/host header, or does not build for the
# target, is reported as a portability finding instead of a figure.
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=${BENCH_TMP:-$(mktemp -d)}/size
mkdir -p "$tmp/inc"
cc=arm-none-eabi-gcc size=arm-none-eabi-size
command -v $cc >/dev/null || { echo "50-size: $cc not installed (make deps)" >&2; exit 3; }
# mbedTLS headers only (never the host's libc headers): a private include
# dir holding just the mbedtls/ directory, so newlib's stdint.h etc. win.
ln -sfn /usr/include/mbedtls "$tmp/inc/mbedtls"
# Debian's mbedTLS config is a Linux one (pthread threading, sockets, files);
# a bare-metal build turns those off, as a real port's config would.
cat >"$tmp/inc/fwseal_m4_user_config.h" <<'EOF'
#undef MBEDTLS_THREADING_C
#undef MBEDTLS_THREADING_PTHREAD
#undef MBEDTLS_NET_C
#undef MBEDTLS_FS_IO
#undef MBEDTLS_TIMING_C
#undef MBEDTLS_HAVEGE_C
#undef MBEDTLS_HAVE_TIME_DATE
#undef MBEDTLS_PSA_ITS_FILE_C
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
EOF
# libc headers: newlib (libnewlib-arm-none-eabi); without it only modules
# that need nothing beyond the compiler's freestanding headers build.
echo '#include <string.h>' | $cc -x c -fsyntax-only - 2>/dev/null || \
  echo "50-size: newlib headers missing (apt-get install libnewlib-arm-none-eabi)" >&2
flags=(-Os -mcpu=cortex-m4 -mthumb -std=c11 -ffunction-sections -fdata-sections
       -Wall -Wextra -I"$root" -I"$root/common" -isystem "$tmp/inc"
       -DMBEDTLS_USER_CONFIG_FILE='"fwseal_m4_user_config.h"')
posix_re='#include <(unistd|fcntl|pthread|dirent|poll|netdb|termios|sys/[a-z_]+|arpa/[a-z_]+|netinet/[a-z_]+)\.h>'

row() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
total=0
for dir in common nvs device boot; do
  sub=0
  for src in "$root/$dir"/*.c; do
    [ -f "$src" ] || continue
    mod=$dir/$(basename "$src" .c)
    if grep -Eq "$posix_re" "$src"; then
      row "size (cortex-m4 -Os)" "$mod" - - - - "PORTABILITY: includes $(grep -Eo "$posix_re" "$src" | head -1 | sed 's/#include //')"
      echo "50-size: portability bug: $mod includes a POSIX header" >&2
      continue
    fi
    obj=$tmp/$(echo "$mod" | tr / _).o
    if ! $cc "${flags[@]}" -c "$src" -o "$obj" 2>"$tmp/err"; then
      row "size (cortex-m4 -Os)" "$mod" - - - - "does not build for cortex-m4: $(grep -m1 error "$tmp/err" | cut -c1-90)"
      continue
    fi
    read -r text data _ < <($size "$obj" | awk 'NR==2{print $1, $2, $3}')
    n=$((text + data)); sub=$((sub + n))
    row "size (cortex-m4 -Os)" "$mod" "$n" bytes - - "text $text + data $data"
  done
  [ "$sub" -gt 0 ] && row "size (cortex-m4 -Os)" "$dir/ total" "$sub" bytes - - "text+data, mbedTLS excluded"
  total=$((total + sub))
done
row "size (cortex-m4 -Os)" "device+boot+nvs+common total" "$total" bytes - - "text+data, mbedTLS and device/port/sim excluded"
