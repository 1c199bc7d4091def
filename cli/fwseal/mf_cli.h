/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the fleet-manifest commands (release, manifest show, verify):
 * RFC 3339 times, reading and decoding a manifest file, printing it. */
#ifndef FWSEAL_MF_CLI_H
#define FWSEAL_MF_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fw_manifest.h"

#define MF_FILE_NAME "manifest.fwm"

/* "2027-06-30T00:00:00Z" (UTC only; 'z' accepted) -> seconds. 0 or -1. */
int mf_parse_time(const char *s, uint64_t *out);
/* "10", "12.5", "0.25" (percent, up to 2 decimals) -> basis points 0..10000;
 * -1 if it is not such a percentage. */
int mf_parse_percent(const char *s);
/* The same form into out[21+] ("-" when it does not fit a time_t). */
void mf_format_time(uint64_t t, char *out, size_t n);

/* Read and decode a manifest file (at most FW_MF_MAX_FILE_LEN bytes). On
 * success *buf (malloc'd, caller frees) holds the file. Prints the error
 * (exit 1 for a malformed manifest, 3 for I/O) and returns it, or 0. */
int mf_load(const char *path, uint8_t **buf, size_t *len, struct fw_manifest *m);

/* Text or JSON rendering of every field (chunk hashes only with `chunks`). */
void mf_print_text(FILE *f, const char *path, const uint8_t *buf, size_t len, const struct fw_manifest *m, int chunks);
void mf_print_json(FILE *f, const char *path, const uint8_t *buf, size_t len, const struct fw_manifest *m, int chunks,
                   const char *signature_state);

#endif
