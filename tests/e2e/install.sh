#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make install into a temporary DESTDIR (issue 13 §3): the two binaries run
# from there (--version), every man page renders (man -l, and man with
# MANPATH: `man fwseal-sign`), the bash completion completes commands and
# options of the installed binaries. The device library: the archives, the
# public headers of lib/public-headers.list and the pkg-config files are
# installed; every installed header compiles alone with only pkg-config's
# cflags; a program that defines its own RAM flash platform is built against
# the installed library with `pkg-config --cflags --libs` and verifies a
# signed image; libfwseal-device.a links no socket and no TLS code.
. "$(dirname "$0")/lib.sh"
D=$T/root P=/usr/local
make -C "$FWSEAL_ROOT" --no-print-directory -s install BUILD="$FWSEAL_BUILD" DESTDIR="$D" PREFIX="$P" >"$T/install.log" 2>&1
check "make install DESTDIR=... PREFIX=/usr/local" test $? -eq 0
B=$D$P/bin M=$D$P/share/man C=$D$P/share/bash-completion/completions
ver=$(grep -o '"[0-9]*\.[0-9]*\.[0-9]*"' "$FWSEAL_ROOT/common/fw_version.h" | tr -d '"')
expect_exit 0 "installed fwseal --version" "$B/fwseal" --version
expect_stdout "^fwseal $ver$" "  prints $ver"
expect_exit 0 "installed fwseal-device --version" "$B/fwseal-device" --version
expect_stdout "^fwseal-device $ver$" "  prints $ver"
check "binaries are 0755" test "$(stat -c %a "$B/fwseal")" = 755

# one page per command of both CLIs, plus the two overviews
for prog in fwseal fwseal-device; do
  check "$prog.1 installed" test -f "$M/man1/$prog.1"
  for cmd in $("$B/$prog" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
    if [ -f "$M/man1/$prog-$cmd.1" ] && man -l "$M/man1/$prog-$cmd.1" 2>/dev/null | grep -q "$prog $cmd"; then
      ok "man -l $prog-$cmd.1 renders the usage"
    else
      fail "man -l $prog-$cmd.1"
    fi
  done
done
expect_exit 0 "man fwseal-sign (MANPATH)" env MANPATH="$M" man fwseal-sign
expect_stdout "--resign" "  the page is the sign --help text"
expect_stdout "EXIT STATUS" "  with an EXIT STATUS section"
MANPATH=$M man fwseal-device >"$T/.out" 2>&1
expect_stdout "fwseal-device-ota\(1\)" "man fwseal-device refers to the command pages"

# bash completion, from the installed file and binaries
comp() { # comp WORDS...: COMPREPLY of the last word
  PATH="$B:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fwseal "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\n" "${COMPREPLY[@]}"' _ "$C/fwseal" "$@"
}
check "completion file for fwseal-device too" test -e "$C/fwseal-device"
comp fwseal si >"$T/.out"; expect_stdout "^sign$" "fwseal si<TAB> -> sign"
comp fwseal "" >"$T/.out"; expect_stdout "^partition-table$" "fwseal <TAB> lists the commands"
comp fwseal sign --re >"$T/.out"; expect_stdout "^--resign$" "fwseal sign --re<TAB> -> --resign"
comp fwseal encrypt --req >"$T/.out"; expect_stdout "^--require-signed$" "fwseal encrypt --req<TAB>"
comp fwseal-device o >"$T/.out"; expect_stdout "^ota$" "fwseal-device o<TAB> -> ota"
comp fwseal-device init dev --flash-e >"$T/.out"; expect_stdout "^--flash-encryption$" "fwseal-device init --flash-e<TAB>"

# ---- the device library (README "Library") ----
L=$D$P/lib I=$D$P/include/fwseal
export PKG_CONFIG_PATH=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_LIBDIR=$L/pkgconfig
listed=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$FWSEAL_ROOT/lib/public-headers.list")
missing=""
for h in $listed; do [ -f "$FWSEAL_ROOT/$h" ] || missing="$missing $h"; done
check "every header of lib/public-headers.list exists${missing:+ (missing:$missing)}" test -z "$missing"
want=$( { for h in $listed; do echo "${h#common/}"; done; echo fwseal_device.h; echo fwseal_device_http.h; } | sort)
got=$(cd "$I" && find . -type f | sed 's|^\./||' | sort)
check "installed headers are exactly the listed ones plus the two umbrellas" test "$want" = "$got"
check "libfwseal-device.a installed" test -f "$L/libfwseal-device.a"
check "libfwseal-device-http.a installed" test -f "$L/libfwseal-device-http.a"
expect_exit 0 "pkg-config finds fwseal-device $ver" pkg-config --exact-version="$ver" fwseal-device
expect_exit 0 "pkg-config finds fwseal-device-http $ver" pkg-config --exact-version="$ver" fwseal-device-http
pkg-config --cflags fwseal-device >"$T/.out" 2>&1
expect_stdout "^-I$I -I$D$P/include *$" "cflags point into the install (no repo path)"
CF=$(pkg-config --cflags fwseal-device)

# nothing of the repo on the include path: only the installed headers
case "$CF" in *"$FWSEAL_ROOT"*) fail "cflags mention the repo: $CF" ;; *) ok "cflags do not mention the repo" ;; esac
bad=""
for h in $(cd "$I" && find . -name '*.h' | sed 's|^\./||' | sort); do
  printf '#include <fwseal/%s>\n' "$h" >"$T/alone.c"
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only $CF "$T/alone.c" 2>>"$T/alone.err" || bad="$bad $h"
done
check "every installed header compiles alone (-Wpedantic) with only the pkg-config cflags${bad:+ (failed:$bad)}" test -z "$bad"

# an application: its own RAM flash platform, the verifier, a signed image
"$B/fwseal" keygen rsa3072 -o "$T/k.pem" >/dev/null 2>&1
"$B/fwseal" mkimage --chip esp32c3 --version 1.2.3 --secure-version 2 --project probe --size 40000 -o "$T/app.bin" >/dev/null 2>&1
"$B/fwseal" sign --key "$T/k.pem" "$T/app.bin" -o "$T/app.signed.bin" >/dev/null 2>&1
digest=$("$B/fwseal" digest "$T/k.pem")
expect_exit 0 "lib_probe.c builds with cc \$(pkg-config --cflags --libs fwseal-device)" \
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$FWSEAL_ROOT/tests/install/lib_probe.c" $(pkg-config --cflags --libs fwseal-device) -o "$T/lib_probe"
expect_exit 0 "lib_probe verifies the signed image in its RAM flash" "$T/lib_probe" "$T/app.signed.bin" "$digest"
expect_stdout "^headers $ver, library $ver$" "  header and library versions agree"
expect_stdout "^image: accepted \(ok, project probe, version 1\.2\.3, secure_version 2, key slot 0\)" "  accepted, app descriptor read"
expect_stdout "^one flipped bit: refused" "  a flipped bit is refused"
expect_stdout "^other key in eFuse: refused \(not signed by a trusted key\)" "  an unprovisioned key is refused"
expect_exit 1 "lib_probe refuses the unsigned image" "$T/lib_probe" "$T/app.bin" "$digest"
expect_stdout "^image: refused \(no valid signature block" "  no valid signature block"
expect_exit 0 "lib_probe links with --static libs too" \
  cc -std=c11 "$FWSEAL_ROOT/tests/install/lib_probe.c" $(pkg-config --cflags --static --libs fwseal-device) -o "$T/lib_probe_s"

# from C++: the umbrella declares everything extern "C"
printf '#include <fwseal/fwseal_device.h>\n#include <cstdio>\nint main() { std::printf("%%s %%s\\n", fwseal_version_string(), fwd_verify_reason_str(FWD_VR_OK)); return fwseal_version_number() != FWSEAL_VERSION_NUMBER; }\n' >"$T/app.cc"
expect_exit 0 "a C++ program builds against the umbrella (extern \"C\")" \
  c++ -std=c++17 -Wall -Wextra -Werror "$T/app.cc" $(pkg-config --cflags --libs fwseal-device) -o "$T/app_cc"
expect_exit 0 "  and runs" "$T/app_cc"
expect_stdout "^$ver ok$" "  library version and a verify reason text"

# the pipeline does not drag in sockets or TLS; the HTTP client is its own archive
net='^(socket|connect|getaddrinfo|send|recv|poll|select|setsockopt|mbedtls_ssl_.*|mbedtls_x509_.*|mbedtls_net_.*)$'
nm -u "$L/libfwseal-device.a" 2>/dev/null | awk 'NF == 2 {print $2}' | grep -E "$net" | sort -u >"$T/net.txt"
netsyms=$(tr '\n' ' ' <"$T/net.txt")
check "libfwseal-device.a needs no socket/TLS/X.509 symbol${netsyms:+ (needs: $netsyms)}" test -z "$netsyms"
nm -u "$L/libfwseal-device-http.a" 2>/dev/null | awk 'NF == 2 {print $2}' | grep -E "$net" >"$T/net.txt"
check "libfwseal-device-http.a is where sockets and TLS are" grep -qx -e socket -e mbedtls_ssl_handshake "$T/net.txt"
# each archive is complete: every fwseal symbol it needs is in it (the HTTP one: or in the core)
defs() { nm --defined-only "$@" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u; }
undef_fw() { nm -u "$1" 2>/dev/null | awk 'NF == 2 {print $2}' | grep -E '^(fw|fwd|fwb|fwseal)_' | sort -u; }
dangling=$(comm -23 <(undef_fw "$L/libfwseal-device.a") <(defs "$L/libfwseal-device.a") | tr '\n' ' ')
check "libfwseal-device.a needs no fwseal symbol from elsewhere${dangling:+ ($dangling)}" test -z "$dangling"
dangling=$(comm -23 <(undef_fw "$L/libfwseal-device-http.a") <(defs "$L/libfwseal-device-http.a" "$L/libfwseal-device.a") | tr '\n' ' ')
check "libfwseal-device-http.a needs only itself and libfwseal-device.a${dangling:+ ($dangling)}" test -z "$dangling"
printf '#include <fwseal/fwseal_device_http.h>\nint main(void) { return fwd_ota_http_run((void *)0, (void *)0, "", 0) == 12345; }\n' >"$T/http.c"
expect_exit 0 "a program using the HTTP OTA client links with pkg-config fwseal-device-http" \
  cc -std=c11 -Wall -Wextra -Werror "$T/http.c" $(pkg-config --cflags --libs fwseal-device-http) -o "$T/http_app"

make -C "$FWSEAL_ROOT" --no-print-directory -s uninstall BUILD="$FWSEAL_BUILD" DESTDIR="$D" PREFIX="$P" >/dev/null 2>&1
check "make uninstall leaves no file" test -z "$(find "$D" -type f -o -type l)"
