/* SPDX-License-Identifier: Apache-2.0 */
/* Verification report: an ordered list of named checks, each pass / fail /
 * skip, required or not, with a one-line detail. The image is valid when no
 * required check failed. Printed as text or JSON (`fwseal verify --json`).
 *
 * Fail closed on overflow: the report holds FWH_REPORT_MAX - 1 checks; the
 * first check that does not fit turns the last slot into the required,
 * failed check "report.overflow" (FW_ERR_NO_SPACE, detail: how many checks
 * were not recorded), so a report that lost a check is never valid.
 *
 * JSON document (stable field names):
 *   {
 *     "file": "app.bin",            input name as given
 *     "valid": true|false,
 *     "first_failure": "block0.signature" | null,
 *     "error": "one-line reason" | null,
 *     "checks": [
 *       {"name": "image.checksum", "result": "pass"|"fail"|"skip",
 *        "required": true|false, "detail": "..."}
 *     ]
 *   }
 * Check names are listed in verify/fwh_verify.h. Written by the shared
 * writer (host/fwh_json.h): strings that are not valid UTF-8 (a file name,
 * a descriptor field quoted in a detail) carry U+FFFD and a "<key>_hex"
 * sibling with the raw bytes. */
#ifndef FWH_REPORT_H
#define FWH_REPORT_H

#include <stddef.h>
#include <stdio.h>

#define FWH_REPORT_MAX 48
#define FWH_CHECK_NAME 32
#define FWH_CHECK_DETAIL 256

enum fwh_result { FWH_PASS = 0, FWH_FAIL, FWH_SKIP };

struct fwh_check {
    char name[FWH_CHECK_NAME];
    enum fwh_result result;
    int required;                 /* a failure makes the whole image invalid */
    int err;                      /* fw_err code of a failure, else 0 */
    char detail[FWH_CHECK_DETAIL];
};

#define FWH_REPORT_OVERFLOW "report.overflow"

struct fwh_report {
    struct fwh_check checks[FWH_REPORT_MAX];
    size_t n;
    size_t dropped;               /* checks past the limit (not recorded) */
    struct fwh_check scratch;     /* what fwh_report_add returns for them */
};

void fwh_report_init(struct fwh_report *r);
/* Append a check; returns it. When the report is full the check is not
 * recorded, the report becomes invalid (FWH_REPORT_OVERFLOW) and the
 * report's scratch slot is returned, so callers never need to test. */
struct fwh_check *fwh_report_add(struct fwh_report *r, const char *name, enum fwh_result res, int required,
                                 int err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* First failing required check, NULL if none (=> valid). */
const struct fwh_check *fwh_report_first_failure(const struct fwh_report *r);
int fwh_report_valid(const struct fwh_report *r);
/* Look a check up by name (NULL if absent). */
const struct fwh_check *fwh_report_find(const struct fwh_report *r, const char *name);

void fwh_report_print_text(const struct fwh_report *r, FILE *f);
void fwh_report_print_json(const struct fwh_report *r, const char *file, FILE *f);

#endif
