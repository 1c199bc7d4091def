#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fleet device identity: `fwseal-device init --id ID` records the id in the
# device directory, `status` (text and JSON) shows it with the device's
# manifest memory (last accepted manifest sequence number and newest manifest
# time, NVS, both 0 on a fresh device); ids that could escape a file name or
# URL path are refused before anything is created.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 3
PT=$V/partition_table/partitions_two_ota.csv

expect_exit 0 "init --id" $FWDEV init dev --partitions "$PT" --id dev-0042
expect_stdout "fleet device id dev-0042" "init reports the id"
check "id recorded in device.conf" grep -qx 'device_id=dev-0042' dev/device.conf
expect_exit 0 "status" $FWDEV status dev
expect_stdout "^fleet +id dev-0042, last accepted manifest seq 0, newest manifest time none" "status shows id and manifest memory"
$FWDEV status dev --json >st.json
check "status --json: fleet.id, manifest_seq, manifest_time" python3 -c '
import json,sys; d=json.load(open("st.json"))["fleet"]
sys.exit(0 if d["id"]=="dev-0042" and d["manifest_seq"]==0 and d["manifest_time"]==0 else 1)'

expect_exit 0 "init without --id" $FWDEV init plain --partitions "$PT"
expect_exit 0 "status of a device without id" $FWDEV status plain
check "no fleet line without an id" bash -c '! grep -q "^fleet" "$0"' "$T/.out"
$FWDEV status plain --json >st2.json
check "status --json: fleet.id null" python3 -c 'import json,sys; sys.exit(0 if json.load(open("st2.json"))["fleet"]["id"] is None else 1)'

for bad in ../evil "a/b" "" .hidden "sp ace" "x{id}" "$(printf 'x%.0s' $(seq 1 33))"; do
  expect_exit 2 "init --id '${bad:0:12}' refused" $FWDEV init "bad" --partitions "$PT" --id "$bad"
  check "nothing created for '${bad:0:12}'" test ! -e bad/device.conf
done
expect_exit 0 "init --id --group" $FWDEV init grp --partitions "$PT" --id dev-7 --group canary
check "group recorded in device.conf" grep -qx 'device_group=canary' grp/device.conf
expect_exit 0 "status with a group" $FWDEV status grp
expect_stdout "^fleet +id dev-7, group canary," "status shows the group"
expect_exit 2 "bad group refused" $FWDEV init grp2 --partitions "$PT" --id dev-8 --group "a/b"
expect_exit 0 "32-character id accepted" $FWDEV init long --partitions "$PT" --id "$(printf 'x%.0s' $(seq 1 32))"
