# SPDX-License-Identifier: Apache-2.0
# fwseal — build, test, demo, bench.
#
# Modules are discovered by directory, so adding a .c file never needs a
# Makefile edit:
#   common/*.c                 crypto-free byte-layout codecs, shared by host and device
#   nvs/*.c                    the NVS storage engine (crypto-free, no malloc), host and device
#   keys/ signer/ encryptor/ verify/ host/   host side (OpenSSL 3 EVP; host/ also
#                              holds the crypto-free text parsers: NVS and partition CSV)
#   device/*.c boot/*.c        portable device side (mbedTLS)
#   device/port/sim/*.c        host simulation HAL (file-backed NOR, eFuse file)
#   cli/fwseal/*.c             build/bin/fwseal
#   cli/fwseal-device/*.c      build/bin/fwseal-device
#   cli/util/*.c               helpers shared by both CLIs (POSIX file I/O)
#   tests/unit/test_*.c        one cmocka binary each
#   tests/e2e/*.sh             end-to-end scripts run by tests/run.sh
#   tests/tools/*.c            small helper programs for tests (one binary each)

CC      ?= cc
BUILD   ?= build
SHARED  ?= $(abspath ../shared)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
CSTD    := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
OPT     ?= -O2 -g
INC     := -I. -Icommon -I/usr/include/p11-kit-1   # <p11-kit/pkcs11.h>: the PKCS#11 C API (libp11-kit-dev)
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) $(INC) $(EXTRA_CFLAGS) -MMD -MP
HOST_LIBS   := -lcrypto
DEVICE_LIBS := -lmbedtls -lmbedx509 -lmbedcrypto
TEST_LIBS   := -lcmocka

COMMON_SRC  := $(wildcard common/*.c)
NVS_SRC     := $(wildcard nvs/*.c)
HOST_SRC    := $(wildcard keys/*.c signer/*.c encryptor/*.c verify/*.c host/*.c)
# Alternative signature scheme tables (device/fwd_sig.h): a port links one of
# them ahead of the library; the libraries carry device/fwd_sig_table_all.c.
SIG_TABLE_ALT := device/fwd_sig_table_rsa.c device/fwd_sig_table_ecdsa_p256.c
DEVICE_SRC  := $(filter-out $(SIG_TABLE_ALT),$(wildcard device/*.c boot/*.c))
SIM_SRC     := $(wildcard device/port/sim/*.c)
CLIUTIL_SRC := $(wildcard cli/util/*.c)
FWSEAL_SRC  := $(wildcard cli/fwseal/*.c)
FWDEV_SRC   := $(wildcard cli/fwseal-device/*.c)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
TOOL_SRC    := $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(1)/obj/%.o,$(2))

# One build tree per flavour: $(BUILD) (release+debug info), $(BUILD)/asan
# and $(BUILD)/mbed36 (device side on mbedTLS 3.6, see below).
#   $(call flavour,DIR,EXTRA-CFLAGS,MBEDTLS-LIBS,OBJECT-PREREQUISITE[,device-only])
#   (device-only: no bin/fwseal rule, the host CLI comes from elsewhere)
define flavour
$(1)/obj/%.o: %.c $(4)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_ALL) $(2) -c $$< -o $$@

$(1)/lib/libfwcommon.a: $$(call obj,$(1),$$(COMMON_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
$(1)/lib/libfwnvs.a: $$(call obj,$(1),$$(NVS_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
$(1)/lib/libfwhost.a: $$(call obj,$(1),$$(HOST_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
$(1)/lib/libfwdevice.a: $$(call obj,$(1),$$(DEVICE_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
$(1)/lib/libfwsim.a: $$(call obj,$(1),$$(SIM_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
$(1)/lib/libfwcli.a: $$(call obj,$(1),$$(CLIUTIL_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^

# fwseal-device is a host program driving the simulated device: it takes the
# host's text parsers (partition and NVS CSV) from libfwhost.a but links no
# OpenSSL, so pulling anything crypto from there fails the link.
$(1)_HOSTLIBS := $(1)/lib/libfwcli.a $(1)/lib/libfwhost.a $(1)/lib/libfwnvs.a $(1)/lib/libfwcommon.a
$(1)_DEVLIBS  := $(1)/lib/libfwcli.a $(1)/lib/libfwhost.a $(1)/lib/libfwsim.a $(1)/lib/libfwdevice.a $(1)/lib/libfwnvs.a $(1)/lib/libfwcommon.a
$(1)_ALLLIBS  := $(1)/lib/libfwcli.a $(1)/lib/libfwhost.a $(1)/lib/libfwsim.a $(1)/lib/libfwdevice.a $(1)/lib/libfwnvs.a $(1)/lib/libfwcommon.a

ifneq ($(5),device-only)
$(1)/bin/fwseal: $$(call obj,$(1),$$(FWSEAL_SRC)) $$($(1)_HOSTLIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $$(call obj,$(1),$$(FWSEAL_SRC)) $$($(1)_HOSTLIBS) $$(HOST_LIBS) -o $$@
endif

$(1)/bin/fwseal-device: $$(call obj,$(1),$$(FWDEV_SRC)) $$($(1)_DEVLIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $$(call obj,$(1),$$(FWDEV_SRC)) $$($(1)_DEVLIBS) $(3) -o $$@

$(1)/tests/%: $(1)/obj/tests/unit/%.o $$($(1)_ALLLIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $$< $$($(1)_ALLLIBS) $$(HOST_LIBS) $(3) $$(TEST_LIBS) -o $$@

$(1)/tools/%: $(1)/obj/tests/tools/%.o $$($(1)_ALLLIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $$< $$($(1)_ALLLIBS) $$(HOST_LIBS) $(3) -o $$@
endef

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

$(eval $(call flavour,$(BUILD),,$(DEVICE_LIBS),))
$(eval $(call flavour,$(BUILD)/asan,$(SAN),$(DEVICE_LIBS),))

# ---------------------------------------------------------------------------
# mbedTLS 3.6 LTS flavour (issue 13 §1): the device side (device/ boot/
# common/, the simulator, fwseal-device, the device unit tests, the device
# HTTPS tool) compiled and linked against mbedTLS 3.6, built once from
# Debian 13's source package by scripts/mbedtls36.sh into $(MBED36) (its
# include directory comes first, its static libraries are linked, so
# Debian 12's 2.28 in /usr is never mixed in). The default build above stays
# on 2.28. Host-side helpers the e2e scripts call (fwseal, the test servers,
# app_patch) are links to the default build's: they are not device code.
#   make mbed36        build the flavour
#   make asan36        its device unit tests under ASan+UBSan (not in make test)
#   make test          runs its unit tests (unit36/...) and the device e2e
#                      scripts (e2e36/...) after the default ones
# ---------------------------------------------------------------------------
MBED36        := $(BUILD)/mbedtls-3.6
B36           := $(BUILD)/mbed36
MBED36_LIBS   := $(MBED36)/lib/libmbedtls.a $(MBED36)/lib/libmbedx509.a $(MBED36)/lib/libmbedcrypto.a
# Device unit tests: those that include a device/ or boot/ header (directly
# or through a device fixture).
UNIT36_SRC    := $(shell grep -lE '^\#include "(device/|boot/|devboot_fixture|otadata_fixture|nvs_testlib)' $(UNIT_SRC) /dev/null)
UNIT36_BINS   := $(patsubst tests/unit/%.c,$(B36)/tests/%,$(UNIT36_SRC))
TOOL36_BINS   := $(B36)/tools/http_get $(B36)/tools/mbedtls_version
LINKS36       := $(B36)/bin/fwseal $(B36)/tools/app_patch $(B36)/tools/tcp_proxy $(B36)/tools/http_liar

$(MBED36)/stamp:
	+@scripts/mbedtls36.sh $(MBED36)
$(MBED36_LIBS): $(MBED36)/stamp
# A rebuilt mbedTLS (new stamp) recompiles the flavour's objects and
# relinks what links it.
$(B36)/bin/fwseal-device $(UNIT36_BINS) $(TOOL36_BINS): $(MBED36_LIBS)

MBED36_CFLAGS := -I$(MBED36)/include -DMBEDTLS_DEPRECATED_WARNING
$(eval $(call flavour,$(B36),$(MBED36_CFLAGS),$(MBED36_LIBS),$(MBED36)/stamp,device-only))
# Not in make test (CI time): the device unit tests on 3.6 under ASan+UBSan,
# run with: make asan36 && for t in build/mbed36/asan/tests/*; do $t; done
$(eval $(call flavour,$(B36)/asan,$(MBED36_CFLAGS) $(SAN),$(MBED36_LIBS),$(MBED36)/stamp,device-only))

$(B36)/bin/fwseal: $(BUILD)/bin/fwseal
	@mkdir -p $(dir $@); ln -sf ../../bin/fwseal $@
$(filter $(B36)/tools/%,$(LINKS36)): $(B36)/tools/%: $(BUILD)/tools/%
	@mkdir -p $(dir $@); ln -sf ../../tools/$* $@

# Small-record flavour (issue 15, make bench only): the same mbedTLS 3.6 built
# with a 4 KiB TLS input buffer, as a small device would configure it, so the
# heap of an HTTPS OTA can be measured where the configuration is ours (the
# host's Debian mbedTLS keeps 16 KiB records). The client then asks servers
# for 4 KiB records (max_fragment_length, device/fwd_tls.c).
#   make mbed36-small  -> build/mbed36-small/bin/fwseal-device
MBED36S       := $(BUILD)/mbedtls-3.6-small
B36S          := $(BUILD)/mbed36-small
MBED36S_DEFS  := -DMBEDTLS_SSL_IN_CONTENT_LEN=4096
MBED36S_LIBS  := $(MBED36S)/lib/libmbedtls.a $(MBED36S)/lib/libmbedx509.a $(MBED36S)/lib/libmbedcrypto.a
$(MBED36S)/stamp:
	+@scripts/mbedtls36.sh $(MBED36S) "$(MBED36S_DEFS)"
$(MBED36S_LIBS): $(MBED36S)/stamp
$(B36S)/bin/fwseal-device: $(MBED36S_LIBS)
$(eval $(call flavour,$(B36S),-I$(MBED36S)/include -DMBEDTLS_DEPRECATED_WARNING $(MBED36S_DEFS),$(MBED36S_LIBS),$(MBED36S)/stamp,device-only))
mbed36-small: $(B36S)/bin/fwseal-device

.PHONY: mbed36 asan36 mbed36-small
mbed36: $(B36)/bin/fwseal-device $(UNIT36_BINS) $(TOOL36_BINS) $(LINKS36)
asan36: $(patsubst $(B36)/%,$(B36)/asan/%,$(UNIT36_BINS))

UNIT_BINS      := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
UNIT_BINS_ASAN := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(UNIT_SRC))
TOOL_BINS      := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))
BINS           := $(BUILD)/bin/fwseal $(BUILD)/bin/fwseal-device

.PHONY: all deps demo-deps test unit asan demo bench clean check-shared man install uninstall
.DEFAULT_GOAL := all
.SECONDARY:

all: $(BINS) $(TOOL_BINS) lib

unit: $(UNIT_BINS)
asan: $(UNIT_BINS_ASAN)

deps:
	@scripts/deps.sh

# Only what `make demo` runs on: compiler, OpenSSL, mbedTLS, nginx, python3.
demo-deps:
	@scripts/deps.sh demo

check-shared:
	@test -d "$(SHARED)/vectors" || { echo "error: $(SHARED)/vectors not found (clone ../shared beside the repo or set SHARED=)" >&2; exit 3; }

# The README's test command: every unit test, then the same unit tests
# under ASan+UBSan, then the end-to-end scripts against the real binaries;
# then the device unit tests and device e2e scripts again on mbedTLS 3.6.
test: deps check-shared
	@$(MAKE) --no-print-directory all unit asan mbed36 target
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_BUILD36=$(abspath $(B36)) FWSEAL_SHARED=$(SHARED) tests/run.sh

demo: demo-deps
	@$(MAKE) --no-print-directory all
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) scripts/demo.sh

bench: deps check-shared
	@$(MAKE) --no-print-directory all mbed36 mbed36-small OPT="-O2 -g"
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) bench/run.sh

clean:
	rm -rf $(BUILD)

# ---------------------------------------------------------------------------
# Install: make install [PREFIX=/usr/local] [DESTDIR=/staging]
#   $(PREFIX)/bin                                  fwseal, fwseal-device
#   $(PREFIX)/share/man/man1                       fwseal(1), fwseal-CMD(1), fwseal-device(1), ...
#                                                  (generated from the --help texts: scripts/gen-man.sh)
#   $(PREFIX)/share/bash-completion/completions    fwseal, fwseal-device
#   $(LIBDIR)                                      libfwseal-device.a, libfwseal-device-http.a
#   $(LIBDIR)/pkgconfig                            fwseal-device.pc, fwseal-device-http.pc
#   $(INCLUDEDIR)/fwseal/                          the public headers (lib/public-headers.list:
#                                                  common/X.h -> fwseal/X.h, DIR/X.h -> fwseal/DIR/X.h)
#                                                  and the umbrellas fwseal_device.h, fwseal_device_http.h
# ---------------------------------------------------------------------------
PREFIX     ?= /usr/local
BINDIR     := $(PREFIX)/bin
MANDIR     := $(PREFIX)/share/man
COMPDIR    := $(PREFIX)/share/bash-completion/completions
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# The installable device library (README "Library"). libfwseal-device.a is
# common/ + nvs/ + device/ + boot/ without the HTTP(S) client, so an application
# that brings its own transport links no socket and no TLS code;
# libfwseal-device-http.a is that client. Both are built from the release
# objects of $(BUILD) (the archives above stay the ones the CLIs and tests use).
HTTP_SRC     := $(filter device/fwd_http% device/fwd_sock% device/fwd_tls% device/fwd_ota_http% device/fwd_stage_http% device/fwd_x509%,$(DEVICE_SRC))
LIBDEV_SRC   := $(COMMON_SRC) $(NVS_SRC) $(filter-out $(HTTP_SRC),$(DEVICE_SRC))
INSTALL_LIBS := $(BUILD)/lib/libfwseal-device.a $(BUILD)/lib/libfwseal-device-http.a
PUBLIC_HEADERS := $(shell sed -e 's/\#.*//' -e 's/[[:space:]]//g' -e '/^$$/d' lib/public-headers.list)
UMBRELLA_HEADERS := lib/fwseal_device.h lib/fwseal_device_http.h
PC_FILES     := fwseal-device fwseal-device-http
VERSION      := $(shell sed -n 's/^\#define FWSEAL_VERSION_STRING "\(.*\)"/\1/p' common/fw_version.h)

.PHONY: lib
lib: $(INSTALL_LIBS)

$(BUILD)/lib/libfwseal-device.a: $(call obj,$(BUILD),$(LIBDEV_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
$(BUILD)/lib/libfwseal-device-http.a: $(call obj,$(BUILD),$(HTTP_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^

man: $(BINS)
	@rm -rf $(BUILD)/man && scripts/gen-man.sh $(BUILD)/bin $(BUILD)/man

install: $(BINS) man $(INSTALL_LIBS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(BUILD)/man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 scripts/fwseal-completion.bash $(DESTDIR)$(COMPDIR)/fwseal
	ln -sf fwseal $(DESTDIR)$(COMPDIR)/fwseal-device
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR)/fwseal
	install -m 0644 $(INSTALL_LIBS) $(DESTDIR)$(LIBDIR)/
	for h in $(PUBLIC_HEADERS); do install -D -m 0644 "$$h" "$(DESTDIR)$(INCLUDEDIR)/fwseal/$${h#common/}" || exit 1; done
	install -m 0644 $(UMBRELLA_HEADERS) $(DESTDIR)$(INCLUDEDIR)/fwseal/
	for pc in $(PC_FILES); do \
	  sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	      -e 's|@VERSION@|$(VERSION)|g' "lib/$$pc.pc.in" >"$(DESTDIR)$(PKGCONFIGDIR)/$$pc.pc" || exit 1; \
	  chmod 0644 "$(DESTDIR)$(PKGCONFIGDIR)/$$pc.pc"; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/fwseal $(DESTDIR)$(BINDIR)/fwseal-device
	rm -f $(DESTDIR)$(MANDIR)/man1/fwseal.1 $(DESTDIR)$(MANDIR)/man1/fwseal-*.1
	rm -f $(DESTDIR)$(COMPDIR)/fwseal $(DESTDIR)$(COMPDIR)/fwseal-device
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(notdir $(INSTALL_LIBS)))
	rm -f $(foreach pc,$(PC_FILES),$(DESTDIR)$(PKGCONFIGDIR)/$(pc).pc)
	rm -f $(foreach h,$(PUBLIC_HEADERS) $(UMBRELLA_HEADERS),$(DESTDIR)$(INCLUDEDIR)/fwseal/$(patsubst lib/%,%,$(patsubst common/%,%,$(h))))
	-find $(DESTDIR)$(INCLUDEDIR)/fwseal -depth -type d -empty -delete 2>/dev/null

-include $(shell find $(BUILD) -name '*.d' -type f -not -path '$(MBED36)/src/*' 2>/dev/null)

# ---------------------------------------------------------------------------
# Proofs: fuzzing, power-cut simulation, tamper matrix (issue 7).
# Everything below is self-contained; the rules above are untouched.
#
#   make fuzz [FUZZ_SECONDS=N]   build every fuzz/fuzz_<target>.c with clang
#                                (libFuzzer + ASan + UBSan), run each N s
#   make fuzz-build              only build the harnesses (build/fuzz/fuzz_*)
#   make powercut                tests/powercut/run.sh (in-process cut sweeps)
#   make tamper                  tests/tamper/run.sh (full tamper matrix)
#
# The harnesses link the project's own sources compiled by clang with
# -fsanitize=fuzzer-no-link, so the gcc build above is not disturbed.
# ---------------------------------------------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CSTD) -O1 -g $(INC) -Wall -Wextra -DFWSEAL_FUZZING $(FUZZ_SAN) -MMD -MP
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRC))
# Project sources a harness may need: libraries plus the CLI commands (not
# the CLIs' main.c: libFuzzer brings its own main). The two CLIs go into
# separate archives because their command symbols may share names.
FUZZ_LIB_SRC := $(COMMON_SRC) $(NVS_SRC) $(HOST_SRC) $(DEVICE_SRC) $(SIM_SRC) $(CLIUTIL_SRC)
FUZZ_FWS_SRC := $(filter-out cli/fwseal/main.c,$(FWSEAL_SRC))
FUZZ_FWD_SRC := $(filter-out cli/fwseal-device/main.c,$(FWDEV_SRC))

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/libfuzzproj.a: $(call obj,$(FUZZ_DIR),$(FUZZ_LIB_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
$(FUZZ_DIR)/libfuzzfws.a: $(call obj,$(FUZZ_DIR),$(FUZZ_FWS_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
$(FUZZ_DIR)/libfuzzfwd.a: $(call obj,$(FUZZ_DIR),$(FUZZ_FWD_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^

# fuzz_cli_dev_* harnesses drive fwseal-device commands, the rest fwseal's.
$(FUZZ_DIR)/fuzz_cli_dev_%: $(FUZZ_DIR)/obj/fuzz/fuzz_cli_dev_%.o $(FUZZ_DIR)/libfuzzfwd.a $(FUZZ_DIR)/libfuzzproj.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $^ $(HOST_LIBS) $(DEVICE_LIBS) -o $@
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/fuzz/fuzz_%.o $(FUZZ_DIR)/libfuzzfws.a $(FUZZ_DIR)/libfuzzproj.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $^ $(HOST_LIBS) $(DEVICE_LIBS) -o $@

.PHONY: fuzz fuzz-build powercut tamper
fuzz-build: $(FUZZ_BINS)

fuzz: deps check-shared
	@$(MAKE) --no-print-directory fuzz-build
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) fuzz/run.sh $(FUZZ_SECONDS)

powercut: deps check-shared
	@$(MAKE) --no-print-directory all
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) tests/powercut/run.sh

tamper: deps check-shared
	@$(MAKE) --no-print-directory all
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) tests/tamper/run.sh

# ---------------------------------------------------------------------------
# Cortex-M4 target (issue 14): the device library on the MPS2 AN386 board
# (device/port/mps2-an386/) under qemu-system-arm, with mbedTLS 3.6
# cross-compiled from the Debian source tree of $(MBED36) (scripts/mbedtls-target.sh,
# configuration device/port/mps2-an386/mbedtls_target_config.h).
#   make target          the test firmware build/target/fwtest.elf and the size
#                        images (boot, OTA without / with TLS), with link maps
#   make target-test     tests/run.sh target: e2e/target_qemu (every scenario in
#                        QEMU, the flash and eFuse files compared with
#                        fwseal-device's), e2e/target_tls (TLS OTA over the
#                        board's UART) and e2e/install_target
#   make install-target  libfwseal-device.a for arm-none-eabi + fwseal-device-target.pc
# Flavours: notls (what the tests and the boot/OTA images link) and tls (the
# same sources with the TLS client's configuration, for the OTA+TLS image).
# ---------------------------------------------------------------------------
TGT          := $(BUILD)/target
TGT_CC       := arm-none-eabi-gcc
TGT_ARCH     := -mcpu=cortex-m4 -mthumb
TGT_PORT_SRC := $(wildcard device/port/mps2-an386/*.c) device/port/sim/fwd_sim_efuse_blob.c
TGT_TLS_SRC  := device/fwd_tls.c device/fwd_x509_san.c
TGT_FW_SRC   := tests/target/fwtest.c tests/target/fwtest_bench.c
TGT_CFG      := device/port/mps2-an386/mbedtls_target_config.h
# Incoming TLS record buffer of the tls flavour (MBEDTLS_SSL_IN_CONTENT_LEN):
# make target TGT_SSL_IN_CONTENT_LEN=4096 for 4 KiB records.
TGT_SSL_IN_CONTENT_LEN ?= 16384
TGT_LDFLAGS  := $(TGT_ARCH) -Os --specs=nano.specs -nostartfiles -T device/port/mps2-an386/an386.ld -Wl,--gc-sections
TGT_CFLAGS    = $(TGT_ARCH) -Os -g -ffunction-sections -fdata-sections -std=c11 $(WARN) -Wno-format-nonliteral \
                -I. -Icommon -I$(MBED36)/include '-DMBEDTLS_CONFIG_FILE="$(TGT_CFG)"' -MMD -MP

# The mbedTLS stamp is re-checked on every run (the script compares source,
# configuration and flags, e.g. TGT_SSL_IN_CONTENT_LEN, and only rewrites
# the stamp, which rebuilds the flavour, when one of them changed).
.PHONY: tgt-force
tgt-force:
# $(call tgt_flavour,NAME,EXTRA-CFLAGS)
define tgt_flavour
$(TGT)/$(1)/mbedtls/stamp: $(MBED36)/stamp $(TGT_CFG) scripts/mbedtls-target.sh tgt-force
	@FWT_SSL_IN_CONTENT_LEN=$(TGT_SSL_IN_CONTENT_LEN) scripts/mbedtls-target.sh $(MBED36) $(TGT)/$(1)/mbedtls $(1)
$(TGT)/$(1)/mbedtls/lib/%.a: $(TGT)/$(1)/mbedtls/stamp ;
$(TGT)/$(1)/obj/%.o: %.c $(TGT)/$(1)/mbedtls/stamp
	@mkdir -p $$(dir $$@)
	$$(TGT_CC) $$(TGT_CFLAGS) $(2) -c $$< -o $$@
$(TGT)/$(1)/lib/libfwseal-device.a: $$(call obj,$(TGT)/$(1),$$(LIBDEV_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; arm-none-eabi-ar rcs $$@ $$^
$(TGT)/$(1)/lib/libfwseal-an386.a: $$(call obj,$(TGT)/$(1),$$(TGT_PORT_SRC))
	@mkdir -p $$(dir $$@); rm -f $$@; arm-none-eabi-ar rcs $$@ $$^
endef
$(eval $(call tgt_flavour,notls,))
$(eval $(call tgt_flavour,tls,-DFWT_WITH_TLS=1 -DFWT_SSL_IN_CONTENT_LEN=$(TGT_SSL_IN_CONTENT_LEN)))
# One scheme family (size-boot-rsa / size-boot-ecdsa below): the mbedTLS
# configuration leaves out what the family's table never uses (SHA-384, the
# other curves; mbedtls_target_config.h).
$(eval $(call tgt_flavour,boot-rsa,-DFWT_SCHEMES_RSA=1))
$(eval $(call tgt_flavour,boot-ecdsa,-DFWT_SCHEMES_ECDSA_P256=1))

$(TGT)/tls/lib/libfwseal-tls.a: $(call obj,$(TGT)/tls,$(TGT_TLS_SRC))
	@mkdir -p $(dir $@); rm -f $@; arm-none-eabi-ar rcs $@ $^

TGT_LIBS_notls := $(TGT)/notls/lib/libfwseal-an386.a $(TGT)/notls/lib/libfwseal-device.a $(TGT)/notls/mbedtls/lib/libmbedcrypto.a
TGT_LIBS_tls   := $(TGT)/tls/lib/libfwseal-tls.a $(TGT)/tls/lib/libfwseal-an386.a $(TGT)/tls/lib/libfwseal-device.a \
                  $(TGT)/tls/mbedtls/lib/libmbedtls.a $(TGT)/tls/mbedtls/lib/libmbedx509.a $(TGT)/tls/mbedtls/lib/libmbedcrypto.a

# ELF images: $(TGT)/NAME.elf from tests/target/NAME*.c (the fwtest firmware
# also takes fwtest_bench.c), with NAME.map next to it.
$(TGT)/fwtest.elf: $(call obj,$(TGT)/notls,$(TGT_FW_SRC)) $(TGT_LIBS_notls)
	$(TGT_CC) $(TGT_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(call obj,$(TGT)/notls,$(TGT_FW_SRC)) \
	  -Wl,--start-group $(TGT_LIBS_notls) -lc -lgcc -Wl,--end-group
$(TGT)/size-boot.elf $(TGT)/size-ota.elf: $(TGT)/%.elf: $(TGT)/notls/obj/tests/target/%.o $(TGT_LIBS_notls)
	$(TGT_CC) $(TGT_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $< -Wl,--start-group $(TGT_LIBS_notls) -lc -lgcc -Wl,--end-group
# The boot image with one scheme family (device/fwd_sig.h): the same program
# with a scheme table object linked ahead of the libraries (so the library's
# fwd_sig_table_all.o is never pulled in), on its flavour's trimmed mbedTLS:
# size-boot-rsa.elf (RSA-3072 PSS), size-boot-ecdsa.elf (ECDSA P-256).
TGT_SIG_TABLE_rsa   := device/fwd_sig_table_rsa.c
TGT_SIG_TABLE_ecdsa := device/fwd_sig_table_ecdsa_p256.c
# $(call tgt_boot_scheme,FAMILY)
define tgt_boot_scheme
TGT_LIBS_boot-$(1) := $(TGT)/boot-$(1)/lib/libfwseal-an386.a $(TGT)/boot-$(1)/lib/libfwseal-device.a $(TGT)/boot-$(1)/mbedtls/lib/libmbedcrypto.a
$(TGT)/size-boot-$(1).elf: $(TGT)/boot-$(1)/obj/tests/target/size-boot.o $(call obj,$(TGT)/boot-$(1),$(TGT_SIG_TABLE_$(1))) $$(TGT_LIBS_boot-$(1))
	$$(TGT_CC) $$(TGT_LDFLAGS) -Wl,-Map=$$(@:.elf=.map) -o $$@ $$(filter %.o,$$^) \
	  -Wl,--start-group $$(TGT_LIBS_boot-$(1)) -lc -lgcc -Wl,--end-group
endef
$(eval $(call tgt_boot_scheme,rsa))
$(eval $(call tgt_boot_scheme,ecdsa))
$(TGT)/size-ota-tls.elf: $(TGT)/tls/obj/tests/target/size-ota-tls.o $(TGT_LIBS_tls)
	$(TGT_CC) $(TGT_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $< -Wl,--start-group $(TGT_LIBS_tls) -lc -lgcc -Wl,--end-group

TGT_ELFS := $(TGT)/fwtest.elf $(TGT)/size-boot.elf $(TGT)/size-boot-rsa.elf $(TGT)/size-boot-ecdsa.elf \
            $(TGT)/size-ota.elf $(TGT)/size-ota-tls.elf

.PHONY: target target-test
target: $(TGT_ELFS)

target-test: deps check-shared
	@$(MAKE) --no-print-directory all target
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) tests/run.sh target

# Install for the target: make install-target [PREFIX=/usr/local] [DESTDIR=/staging]
#   $(TGT_LIBDIR)  (default $(PREFIX)/arm-none-eabi/lib, GCC's cross layout)
#        libfwseal-device.a, libmbedcrypto.a (mbedTLS 3.6, the port's configuration),
#        libfwseal-an386.a + fwseal-an386.ld (the QEMU board port),
#        fwseal/fwd_sig_table_rsa.o, fwseal/fwd_sig_table_ecdsa_p256.o: the
#        one-family scheme tables a port links ahead of the library
#        (device/fwd_sig.h, docs/porting.md 9.7),
#        pkgconfig/fwseal-device-target.pc, pkgconfig/fwseal-an386.pc
#   $(TGT_INCDIR)  (default $(PREFIX)/arm-none-eabi/include)
#        fwseal/: the public headers (lib/public-headers.list, same layout as
#        `make install`), fwseal_device.h, the port's headers;
#        mbedtls/, psa/: mbedTLS 3.6 headers, mbedtls/mbedtls_config.h being
#        the port's configuration (so consumers need no -DMBEDTLS_CONFIG_FILE)
TGT_LIBDIR ?= $(PREFIX)/arm-none-eabi/lib
TGT_INCDIR ?= $(PREFIX)/arm-none-eabi/include
TGT_PORT_HEADERS := $(filter-out $(TGT_CFG),$(wildcard device/port/mps2-an386/*.h)) device/port/sim/fwd_sim_efuse_blob.h
TGT_INSTALL_LIBS := $(TGT)/notls/lib/libfwseal-device.a $(TGT)/notls/lib/libfwseal-an386.a $(TGT)/notls/mbedtls/lib/libmbedcrypto.a
TGT_INSTALL_SIG  := $(call obj,$(TGT)/notls,$(SIG_TABLE_ALT))

.PHONY: install-target uninstall-target
install-target: $(TGT_INSTALL_LIBS) $(TGT_INSTALL_SIG)
	install -d $(DESTDIR)$(TGT_LIBDIR)/pkgconfig $(DESTDIR)$(TGT_LIBDIR)/fwseal $(DESTDIR)$(TGT_INCDIR)/fwseal $(DESTDIR)$(TGT_INCDIR)/mbedtls $(DESTDIR)$(TGT_INCDIR)/psa
	install -m 0644 $(TGT_INSTALL_LIBS) $(DESTDIR)$(TGT_LIBDIR)/
	install -m 0644 $(TGT_INSTALL_SIG) $(DESTDIR)$(TGT_LIBDIR)/fwseal/
	install -m 0644 device/port/mps2-an386/an386.ld $(DESTDIR)$(TGT_LIBDIR)/fwseal-an386.ld
	for h in $(PUBLIC_HEADERS) $(TGT_PORT_HEADERS); do install -D -m 0644 "$$h" "$(DESTDIR)$(TGT_INCDIR)/fwseal/$${h#common/}" || exit 1; done
	install -m 0644 lib/fwseal_device.h $(DESTDIR)$(TGT_INCDIR)/fwseal/
	install -m 0644 $(MBED36)/include/mbedtls/*.h $(DESTDIR)$(TGT_INCDIR)/mbedtls/
	install -m 0644 $(MBED36)/include/psa/*.h $(DESTDIR)$(TGT_INCDIR)/psa/
	install -m 0644 $(TGT_CFG) $(DESTDIR)$(TGT_INCDIR)/mbedtls/mbedtls_config.h
	for pc in fwseal-device-target fwseal-an386; do \
	  sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@TGT_INCDIR@|$(TGT_INCDIR)|' -e 's|@TGT_LIBDIR@|$(TGT_LIBDIR)|' \
	      -e 's|@VERSION@|$(VERSION)|g' "lib/$$pc.pc.in" >"$(DESTDIR)$(TGT_LIBDIR)/pkgconfig/$$pc.pc" || exit 1; \
	  chmod 0644 "$(DESTDIR)$(TGT_LIBDIR)/pkgconfig/$$pc.pc"; done

uninstall-target:
	rm -f $(addprefix $(DESTDIR)$(TGT_LIBDIR)/,$(notdir $(TGT_INSTALL_LIBS)) fwseal-an386.ld pkgconfig/fwseal-device-target.pc pkgconfig/fwseal-an386.pc)
	rm -f $(addprefix $(DESTDIR)$(TGT_LIBDIR)/fwseal/,$(notdir $(TGT_INSTALL_SIG)))
	rm -rf $(DESTDIR)$(TGT_INCDIR)/fwseal $(DESTDIR)$(TGT_INCDIR)/mbedtls $(DESTDIR)$(TGT_INCDIR)/psa
	-find $(DESTDIR)$(TGT_LIBDIR) $(DESTDIR)$(TGT_INCDIR) -depth -type d -empty -delete 2>/dev/null

# ---------------------------------------------------------------------------
# Fleet (issue 19): `fwseal release` served by a real nginx to a simulated
# fleet of FLEET_DEVICES (default 200) devices, staged rollout 10/50/100 %,
# hostile releases; writes tests/fleet/RESULTS.md (tests/fleet/run.sh).
# The e2e test fleet_small runs the same script with 20 devices.
# ---------------------------------------------------------------------------
.PHONY: fleet
fleet: deps check-shared
	@$(MAKE) --no-print-directory all
	@FWSEAL_BUILD=$(abspath $(BUILD)) FWSEAL_SHARED=$(SHARED) tests/fleet/run.sh
