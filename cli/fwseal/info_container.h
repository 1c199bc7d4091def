/* SPDX-License-Identifier: Apache-2.0 */
/* `fwseal info` for an ESP encrypted image container (FORMATS §3), on the
 * fw_enc_header codec: magic, scheme (guessed: the header does not say),
 * bin_size against the file length, IV, tag, reserved bytes. Called from
 * cmd_info.c; returns the exit code (0 well formed, 1 invalid). */
#ifndef FWSEAL_INFO_CONTAINER_H
#define FWSEAL_INFO_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

int info_enc_container(const char *path, uint64_t file_size, const uint8_t *hdr, size_t got, int json);

#endif
