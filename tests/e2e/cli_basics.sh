#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Both CLIs: help, version, usage errors and exit codes.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "fwseal --help exits 0" "$FWSEAL" --help
expect_stdout "usage: fwseal" "fwseal --help prints usage"
expect_exit 2 "fwseal without arguments is a usage error" "$FWSEAL"
expect_exit 2 "fwseal unknown command is a usage error" "$FWSEAL" frobnicate
expect_stderr "^fwseal: unknown command 'frobnicate'" "unknown command named on one stderr line"
expect_exit 0 "fwseal --version" "$FWSEAL" --version
expect_exit 0 "fwseal-device --help exits 0" "$FWDEV" --help
expect_exit 2 "fwseal-device without arguments is a usage error" "$FWDEV"
