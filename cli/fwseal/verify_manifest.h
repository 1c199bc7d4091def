/* SPDX-License-Identifier: Apache-2.0 */
/* `fwseal verify` on a fleet manifest (docs/formats.md §8): the manifest is
 * decoded (every field checked), its SBv2 signature verified like an image's
 * (trust anchors, revocation, --require-signatures), and --chip,
 * --min-secure-version and the expiry are checked against its fields.
 * Called from cmd_verify.c. */
#ifndef FWSEAL_VERIFY_MANIFEST_H
#define FWSEAL_VERIFY_MANIFEST_H

#include "verify/fwh_verify.h"

/* 1 if the file starts with the manifest magic "FWMF". */
int verify_is_manifest(const char *path);

/* Returns the exit code; prints the report (text or JSON) like verify does. */
int verify_manifest(const struct fwh_verify_opts *o, const char *path, int json);

/* Lines for `fwseal verify --help`. */
extern const char verify_manifest_help[];

#endif
