/* SPDX-License-Identifier: Apache-2.0 */
/* Verification report: named checks, text and JSON rendering. */
#include "verify/fwh_report.h"

#include <stdarg.h>
#include <string.h>

#include "fw_err.h"
#include "host/fwh_json.h"

void fwh_report_init(struct fwh_report *r)
{
    memset(r, 0, sizeof *r);
}

/* Record one more dropped check in the last slot, a required failure, and
 * hand back the scratch slot for the caller to fill. */
static struct fwh_check *overflow(struct fwh_report *r)
{
    struct fwh_check *o = &r->checks[FWH_REPORT_MAX - 1];
    r->n = FWH_REPORT_MAX;
    r->dropped++;
    memset(o, 0, sizeof *o);
    snprintf(o->name, sizeof o->name, "%s", FWH_REPORT_OVERFLOW);
    o->result = FWH_FAIL;
    o->required = 1;
    o->err = FW_ERR_NO_SPACE;
    snprintf(o->detail, sizeof o->detail, "%zu check(s) past the report's limit of %d were not recorded: "
             "verification incomplete", r->dropped, FWH_REPORT_MAX - 1);
    return &r->scratch;
}

struct fwh_check *fwh_report_add(struct fwh_report *r, const char *name, enum fwh_result res, int required,
                                 int err, const char *fmt, ...)
{
    struct fwh_check *c = r->n < FWH_REPORT_MAX - 1 ? &r->checks[r->n++] : overflow(r);
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->result = res;
    c->required = required;
    c->err = res == FWH_FAIL ? err : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof c->detail, fmt, ap);
    va_end(ap);
    return c;
}

const struct fwh_check *fwh_report_first_failure(const struct fwh_report *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->checks[i].required && r->checks[i].result == FWH_FAIL) return &r->checks[i];
    return NULL;
}

int fwh_report_valid(const struct fwh_report *r)
{
    return r->n > 0 && fwh_report_first_failure(r) == NULL;
}

const struct fwh_check *fwh_report_find(const struct fwh_report *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->checks[i].name, name)) return &r->checks[i];
    return NULL;
}

static const char *result_name(enum fwh_result res)
{
    return res == FWH_PASS ? "pass" : res == FWH_FAIL ? "fail" : "skip";
}

void fwh_report_print_text(const struct fwh_report *r, FILE *f)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct fwh_check *c = &r->checks[i];
        fprintf(f, "%-4s  %-26s %s%s\n", c->result == FWH_PASS ? "ok" : c->result == FWH_FAIL ? "FAIL" : "-",
                c->name, c->detail, c->result == FWH_FAIL && !c->required ? " (not required)" : "");
    }
    fprintf(f, "%s\n", fwh_report_valid(r) ? "VALID" : "INVALID");
}

void fwh_report_print_json(const struct fwh_report *r, const char *file, FILE *f)
{
    const struct fwh_check *ff = fwh_report_first_failure(r);
    struct fw_json j;
    fw_json_init(&j, f, 2);
    fw_json_obj(&j);
    fw_json_kstr(&j, "file", file);
    fw_json_kbool(&j, "valid", fwh_report_valid(r));
    fw_json_kstr(&j, "first_failure", ff ? ff->name : NULL);
    fw_json_kstr(&j, "error", ff ? ff->detail : NULL);
    fw_json_key(&j, "checks");
    fw_json_arr(&j);
    for (size_t i = 0; i < r->n; i++) {
        const struct fwh_check *c = &r->checks[i];
        fw_json_obj(&j);
        fw_json_kstr(&j, "name", c->name);
        fw_json_kstr(&j, "result", result_name(c->result));
        fw_json_kbool(&j, "required", c->required);
        fw_json_kstr(&j, "detail", c->detail);
        fw_json_end(&j);
    }
    fw_json_end(&j);
    fw_json_end(&j);
}
