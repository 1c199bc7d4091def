/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal device library: the one header an application includes.
 *
 *   #include <fwseal/fwseal_device.h>
 *   cc app.c $(pkg-config --cflags --libs fwseal-device)
 *
 * Everything here is the stable public API of libfwseal-device.a (README
 * "Library": semantic versioning of these headers, FWSEAL_VERSION_* below).
 * The HTTP(S) OTA client is not part of it (no sockets, no TLS are linked
 * in): see fwseal_device_http.h and the fwseal-device-http package.
 */
#ifndef FWSEAL_DEVICE_H
#define FWSEAL_DEVICE_H

#ifdef __cplusplus
extern "C" { /* C++ applications: include this umbrella, not the headers one by one */
#endif

#include "fw_version.h"
#include "fw_err.h"

#include "device/fwd_hal.h"
#include "device/fwd_crypto.h"
#include "device/fwd_sink.h"
#include "device/fwd_stream.h"
#include "device/fwd_verify.h"
#include "device/fwd_part.h"
#include "device/fwd_fe.h"
#include "device/fwd_decrypt.h"
#include "device/fwd_ota.h"
#include "device/fwd_ota_pipeline.h"
#include "device/fwd_ota_resume.h"
#include "device/fwd_nvs.h"
#include "device/fwd_nvs_part.h"
#include "boot/fwb_decide.h"
#include "boot/fwb_boot.h"
#include "device/fwd_stage.h"
#include "device/fwd_stage_copy.h"
#include "boot/fwb_rom.h"

#ifdef __cplusplus
}
#endif

#endif
