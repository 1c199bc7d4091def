#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make fleet` at a small size (issue 19): tests/fleet/run.sh with 20
# devices, the same staged rollout (10 / 50 / 100 %) of a `fwseal release`
# served by nginx and the same hostile releases, every device refusing them
# with no byte of the hostile image in an OTA slot. Writes no RESULTS file
# (the full run, make fleet, does).
FLEET_DEVICES=${FLEET_DEVICES:-20} FLEET_RESULTS="" exec bash "$(dirname "$0")/../fleet/run.sh"
