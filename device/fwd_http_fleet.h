/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS as the source of a fleet release (fwd_fleet.h): the release
 * directory is served as static files under one base URL (any web server or
 * CDN; no server code), and every resource is GET base/path through the
 * HTTP client of fwd_http.h (pinned CA, deadlines, Range requests). A
 * retried body request continues with "Range: bytes=FROM-" at the verified
 * chunk boundary the fleet module asks for, after the client's bounded,
 * jittered back-off.
 *
 * Memory: the caller's struct fwd_fleet_http (one URL buffer) and its
 * struct fwd_http. */
#ifndef FWD_HTTP_FLEET_H
#define FWD_HTTP_FLEET_H

#include "device/fwd_fleet.h"
#include "device/fwd_http.h"

struct fwd_fleet_http {
    struct fwd_http *h;                  /* initialised by the caller (CA, timeouts) */
    const char *base;                    /* https://host[:port][/dir] (a trailing '/' is fine) */
    unsigned retries;                    /* retries per resource after a transport error */
    unsigned requests;                   /* GET requests made (statistics) */
    char url[FWD_HTTP_URL_MAX];
};

/* Fill `out` with the source over fh (which must outlive it). FW_ERR_INVALID_ARG
 * for a NULL argument or a base URL that is not http(s)://. */
int fwd_fleet_http_source(struct fwd_fleet_http *fh, struct fwd_http *h, const char *base, unsigned retries,
                          struct fwd_fleet_source *out);

#endif
