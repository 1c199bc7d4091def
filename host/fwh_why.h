/* SPDX-License-Identifier: Apache-2.0 */
/* Host-side error reporting: library functions return a negative fw_err code
 * and, when the caller passes a buffer, one human-readable reason line that
 * the CLI prints after the file name. */
#ifndef FWH_WHY_H
#define FWH_WHY_H

#include <stddef.h>

/* Format the reason into why[0..n) (if why && n) and return code. */
int fwh_why(int code, char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
