/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS as a transport of staged updates (device/fwd_stage.h), as
 * fwd_ota_http.h is for the app OTA pipeline: download a URL into
 * fwd_stage_feed() with Range resume on dropped connections (bounded,
 * jittered back-off), then fwd_stage_finish(). Part of the HTTP library
 * (libfwseal-device-http.a). */
#ifndef FWD_STAGE_HTTP_H
#define FWD_STAGE_HTTP_H

#include "device/fwd_http.h"
#include "device/fwd_stage.h"

/* h initialised by the caller (CA, timeouts). 0 or the error (stage aborted). */
int fwd_stage_http_run(struct fwd_stage *s, struct fwd_http *h, const char *url, unsigned retries);

#endif
