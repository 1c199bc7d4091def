/* SPDX-License-Identifier: Apache-2.0 */
/* `fwseal verify` on an ESP encrypted image container (FORMATS §3):
 * with --decrypt-key / --decrypt-hmac-key the container is decrypted in a
 * stream straight into the signed-image verifier (bounded memory, no
 * plaintext file); the inner image's checks count only if the GCM tag
 * verified. Without a key only the container header is checked and the
 * result says the inner image was NOT checked: exit 1 unless --header-only
 * asks for exactly that. Called from cmd_verify.c. */
#ifndef FWSEAL_VERIFY_CONTAINER_H
#define FWSEAL_VERIFY_CONTAINER_H

#include "verify/fwh_verify.h"

/* 1 if the file starts with the container magic CF B6 88 07. */
int verify_is_container(const char *path);

/* Returns the exit code; prints the report (text or JSON) like verify does. */
int verify_container(const struct fwh_verify_opts *o, const char *path, const char *rsa_key, const char *hmac_key,
                     int header_only, int json);

/* Lines for `fwseal verify --help`. */
extern const char verify_container_help[];

#endif
