#include "cli/util/nvs_print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fw_err.h"
#include "fw_nvs_gen.h"

void nvs_json_str(FILE *f, const char *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20 || c == 0x7F) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

int nvs_print_value(FILE *f, struct fw_nvs_store *s, const struct fw_nvs_info *in, int json)
{
    struct fw_nvs_handle h;
    int rc = fw_nvs_open_index(s, in->ns, 0, &h);
    if (rc) return rc;
    if (fw_nvs_type_is_primitive(in->type)) {
        uint64_t v;
        rc = fw_nvs_get_int(&h, in->key, in->type, &v);
        if (rc) return rc;
        if (in->type & 0x10) fprintf(f, "%" PRId64, fw_nvs_int_signed(in->type, v));
        else fprintf(f, "%" PRIu64, v);
        return FW_OK;
    }
    size_t n = in->size;
    uint8_t *buf = malloc(n + 1);
    if (!buf) return FW_ERR_NOMEM;
    if (in->type == FW_NVS_SZ) rc = fw_nvs_get_str(&h, in->key, (char *)buf, &n);
    else rc = fw_nvs_get_blob(&h, in->key, buf, &n);
    if (!rc && in->type == FW_NVS_SZ) {
        nvs_json_str(f, (const char *)buf, n ? n - 1 : 0);
    } else if (!rc) {
        char *b64 = malloc(4 * (n / 3 + 1) + 1);
        if (!b64) rc = FW_ERR_NOMEM;
        else {
            fw_nvs_b64_encode(buf, n, b64);
            if (json) fprintf(f, "\"%s\"", b64);
            else fputs(b64, f);
            free(b64);
        }
    }
    free(buf);
    return rc;
}

/* Render one value into memory first so an unreadable item is skipped whole. */
static int render_value(struct fw_nvs_store *s, const struct fw_nvs_info *in, int json, char **out, size_t *len)
{
    FILE *m = open_memstream(out, len);
    if (!m) return FW_ERR_NOMEM;
    int rc = nvs_print_value(m, s, in, json);
    if (fclose(m) != 0 && !rc) rc = FW_ERR_NOMEM;
    if (rc) { free(*out); *out = NULL; }
    return rc;
}

int nvs_print_items(FILE *f, struct fw_nvs_store *s, int json)
{
    struct fw_nvs_iter it = { 0 };
    struct fw_nvs_info in;
    int bad = 0, first = 1;
    if (json) fputs("[", f);
    while (fw_nvs_iter_next(s, 0, &it, &in)) {
        const char *tn = fw_nvs_type_name(in.type);
        char *val = NULL;
        size_t vlen = 0;
        int rc = render_value(s, &in, json, &val, &vlen);
        if (rc == FW_ERR_NOT_FOUND || rc == FW_ERR_CRC) { bad++; continue; }
        if (rc) return rc;
        if (json) {
            fputs(first ? "\n " : ",\n ", f);
            fputs("{\"namespace\": ", f);
            nvs_json_str(f, in.ns_name, strlen(in.ns_name));
            fputs(", \"key\": ", f);
            nvs_json_str(f, in.key, strlen(in.key));
            fprintf(f, ", \"type\": \"%s\", \"value\": ", tn);
            fwrite(val, 1, vlen, f);
            if (in.type == FW_NVS_BLOB_IDX) fprintf(f, ", \"chunks\": %u", in.chunks);
            fputs("}", f);
        } else {
            fprintf(f, "%s:%s (%s) = ", in.ns_name, in.key, tn);
            fwrite(val, 1, vlen, f);
            fputc('\n', f);
        }
        free(val);
        first = 0;
    }
    if (json) fputs(first ? "]\n" : "\n]\n", f);
    return bad;
}
