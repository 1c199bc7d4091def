#!/usr/bin/env bash
# README.md: the four jobs' command blocks run, in order, in an empty directory
# (after creating the inputs they name: an app image, a partition table, a
# flash key). The make lines are the README's own two commands: `make test`
# is what runs this, `make demo` is run by tests/e2e/demo.sh.
. "$(dirname "$0")/lib.sh"
export PATH="$FWSEAL_BUILD/bin:$PATH"
mkdir -p "$T/work" && cd "$T/work" || exit 3
check "prepare app.bin (v2)" fwseal mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project readme --size 64K -o app.bin
check "prepare factory.bin (v1)" fwseal mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project readme --size 64K -o factory.bin
check "prepare flash_key.bin" fwseal keygen flash-xts-256 -o flash_key.bin
printf '%s\n' "nvs, data, nvs, 0x9000, 0x6000," "otadata, data, ota, 0xf000, 0x2000," \
  "ota_0, app, ota_0, 0x20000, 0x60000," "ota_1, app, ota_1, 0x80000, 0x60000," >partitions.csv
python3 "$FWSEAL_ROOT/tests/e2e/docs_extract.py" "$FWSEAL_ROOT/README.md" --skip '^make ' >"$T/readme.sh" || { fail "extract"; exit 1; }
. "$T/readme.sh"
# After the OTA and the confirm, the device runs the new image.
check "device boots after the README's OTA" fwseal-device boot dev
