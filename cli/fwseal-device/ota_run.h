/* SPDX-License-Identifier: Apache-2.0 */
/* Every `fwseal-device ota` source, handled by the one OTA pipeline
 * (device/fwd_ota_pipeline.h): an HTTPS URL with a pinned CA and Range
 * resume (device/fwd_ota_http.h), or a file / stdin holding either the
 * encrypted container (CF B6 88 07) or a plaintext app image (0xE9), which
 * passes the same early checks before anything is erased. Events are rendered as a
 * progress bar on a TTY, plain progress lines otherwise, or one JSON object
 * per line with --json (all on stdout; errors stay one line on stderr). */
#ifndef FWDEV_OTA_RUN_H
#define FWDEV_OTA_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "device/fwd_ota.h"

struct ota_run_opts {
    const char *dir;
    const char *url;         /* https://... */
    const char *file;        /* path or "-" */
    FILE *in;                /* file opened by ota_run_cmd */
    const char *ca;          /* pinned CA PEM for url */
    int allow_same_version;
    int json;
    unsigned retries;        /* default 3 */
    uint32_t timeout_ms;     /* per read, handshake, head; default 10000 */
    uint32_t connect_timeout_ms; /* 0: timeout_ms */
    int restart;             /* --restart: drop the progress record, start at byte 0 */
    uint32_t checkpoint_kib; /* --checkpoint-kib: progress record every N KiB (default 64) */
    uint64_t max_request;    /* --max-request-size: Range pieces of at most N bytes (0: off) */
    int no_resume;           /* --no-resume: keep no progress record */
};

void ota_run_defaults(struct ota_run_opts *o);
/* Options owned by this module: --ca --allow-same-version --json --retries
 * --timeout-ms --connect-timeout-ms --restart --no-resume --checkpoint-kib
 * --max-request-size (the caller keeps --file and the URL argument). Returns 1 if argv[*i] was one (value consumed), 0 if
 * not ours, -1 after printing a usage error. */
int ota_run_parse_opt(int argc, char **argv, int *i, struct ota_run_opts *o);
extern const char ota_run_help[];

/* Whole command for a URL, a file or stdin (encrypted container or, through
 * the same early checks, a plaintext image): open DIR, attach the running app
 * (boot first if none runs), run the pipeline, keep the app running.
 * Returns the exit code and prints the one-line error itself. */
int ota_run_cmd(const char *dir, struct ota_run_opts *o);

#endif
