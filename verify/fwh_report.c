/* Verification report: named checks, text and JSON rendering. */
#include "verify/fwh_report.h"

#include <stdarg.h>
#include <string.h>

void fwh_report_init(struct fwh_report *r)
{
    memset(r, 0, sizeof *r);
}

struct fwh_check *fwh_report_add(struct fwh_report *r, const char *name, enum fwh_result res, int required,
                                 int err, const char *fmt, ...)
{
    static struct fwh_check spare;
    struct fwh_check *c = r->n < FWH_REPORT_MAX ? &r->checks[r->n++] : &spare;
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

/* JSON string with escapes for quotes, backslash and control bytes. */
static void json_str(FILE *f, const char *s)
{
    if (!s) { fputs("null", f); return; }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

void fwh_report_print_json(const struct fwh_report *r, const char *file, FILE *f)
{
    const struct fwh_check *ff = fwh_report_first_failure(r);
    fputs("{\n  \"file\": ", f);
    json_str(f, file);
    fprintf(f, ",\n  \"valid\": %s,\n  \"first_failure\": ", fwh_report_valid(r) ? "true" : "false");
    json_str(f, ff ? ff->name : NULL);
    fputs(",\n  \"error\": ", f);
    json_str(f, ff ? ff->detail : NULL);
    fputs(",\n  \"checks\": [", f);
    for (size_t i = 0; i < r->n; i++) {
        const struct fwh_check *c = &r->checks[i];
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_str(f, c->name);
        fprintf(f, ", \"result\": \"%s\", \"required\": %s, \"detail\": ", result_name(c->result),
                c->required ? "true" : "false");
        json_str(f, c->detail);
        fputc('}', f);
    }
    fputs("\n  ]\n}\n", f);
}
