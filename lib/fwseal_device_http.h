/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal device library with the optional HTTP(S) OTA client:
 *
 *   #include <fwseal/fwseal_device_http.h>
 *   cc app.c $(pkg-config --cflags --libs fwseal-device-http)
 *
 * libfwseal-device-http.a adds POSIX sockets and mbedTLS's TLS/X.509 on top
 * of libfwseal-device.a; its headers need mbedTLS's headers.
 */
#ifndef FWSEAL_DEVICE_HTTP_H
#define FWSEAL_DEVICE_HTTP_H

#ifdef __cplusplus
extern "C" { /* C++ applications: include this umbrella, not the headers one by one */
#endif

#include "fwseal_device.h"

#include "device/fwd_stream.h"
#include "device/fwd_sock.h"
#include "device/fwd_tls.h"
#include "device/fwd_http_parse.h"
#include "device/fwd_http.h"
#include "device/fwd_ota_http.h"
#include "device/fwd_stage_http.h"

#ifdef __cplusplus
}
#endif

#endif
