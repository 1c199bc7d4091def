/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/util/nvs_print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fw_err.h"
#include "host/fwh_json.h"
#include "host/fwh_nvs_csv.h"

/* Text listing: a string value in quotes, C-style escapes. */
static void quote_text(FILE *f, const char *p, size_t n)
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

int nvs_print_value(FILE *f, struct fw_nvs_store *s, const struct fw_nvs_info *in)
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
        quote_text(f, (const char *)buf, n ? n - 1 : 0);
    } else if (!rc) {
        char *b64 = malloc(4 * (n / 3 + 1) + 1);
        if (!b64) rc = FW_ERR_NOMEM;
        else {
            fw_nvs_b64_encode(buf, n, b64);
            fputs(b64, f);
            free(b64);
        }
    }
    free(buf);
    return rc;
}

/* Render one value into memory first so an unreadable item is skipped whole. */
static int render_value(struct fw_nvs_store *s, const struct fw_nvs_info *in, char **out, size_t *len)
{
    FILE *m = open_memstream(out, len);
    if (!m) return FW_ERR_NOMEM;
    int rc = nvs_print_value(m, s, in);
    if (fclose(m) != 0 && !rc) rc = FW_ERR_NOMEM;
    if (rc) { free(*out); *out = NULL; }
    return rc;
}

/* One item's value read whole before anything is printed, so an unreadable
 * item is skipped whole. */
struct item_value {
    uint64_t num;
    uint8_t *bytes; /* string (without its NUL) or blob, malloc'd */
    size_t len;
};

static int read_value(struct fw_nvs_store *s, const struct fw_nvs_info *in, struct item_value *v)
{
    memset(v, 0, sizeof *v);
    struct fw_nvs_handle h;
    int rc = fw_nvs_open_index(s, in->ns, 0, &h);
    if (rc) return rc;
    if (fw_nvs_type_is_primitive(in->type)) return fw_nvs_get_int(&h, in->key, in->type, &v->num);
    size_t n = in->size;
    v->bytes = malloc(n + 1);
    if (!v->bytes) return FW_ERR_NOMEM;
    if (in->type == FW_NVS_SZ) rc = fw_nvs_get_str(&h, in->key, (char *)v->bytes, &n);
    else rc = fw_nvs_get_blob(&h, in->key, v->bytes, &n);
    if (rc) { free(v->bytes); v->bytes = NULL; return rc; }
    v->len = in->type == FW_NVS_SZ ? (n ? n - 1 : 0) : n;
    return FW_OK;
}

static int json_item(struct fw_json *j, struct fw_nvs_store *s, const struct fw_nvs_info *in)
{
    struct item_value v;
    int rc = read_value(s, in, &v);
    if (rc) return rc;
    char *b64 = NULL;
    if (v.bytes && in->type != FW_NVS_SZ) {
        b64 = malloc(4 * (v.len / 3 + 1) + 1);
        if (!b64) { free(v.bytes); return FW_ERR_NOMEM; }
        fw_nvs_b64_encode(v.bytes, v.len, b64);
    }
    fw_json_obj(j);
    fw_json_kstr(j, "namespace", in->ns_name);
    fw_json_kstr(j, "key", in->key);
    fw_json_kstr(j, "type", fw_nvs_type_name(in->type));
    if (fw_nvs_type_is_primitive(in->type)) {
        if (in->type & 0x10) fw_json_ki64(j, "value", fw_nvs_int_signed(in->type, v.num));
        else fw_json_ku64(j, "value", v.num);
    } else if (in->type == FW_NVS_SZ) {
        fw_json_kstrn(j, "value", v.bytes, v.len);
    } else {
        fw_json_kstr(j, "value", b64);
    }
    if (in->type == FW_NVS_BLOB_IDX) fw_json_ku64(j, "chunks", in->chunks);
    fw_json_end(j);
    free(b64);
    free(v.bytes);
    return FW_OK;
}

int nvs_print_items(FILE *f, struct fw_nvs_store *s, int json)
{
    struct fw_nvs_iter it = { 0 };
    struct fw_nvs_info in;
    int bad = 0;
    struct fw_json j;
    if (json) {
        fw_json_init(&j, f, 1);
        fw_json_arr(&j);
    }
    while (fw_nvs_iter_next(s, 0, &it, &in)) {
        char *val = NULL;
        size_t vlen = 0;
        int rc = json ? json_item(&j, s, &in) : render_value(s, &in, &val, &vlen);
        if (rc == FW_ERR_NOT_FOUND || rc == FW_ERR_CRC) { bad++; continue; }
        if (rc) {
            if (json) fw_json_end(&j);
            return rc;
        }
        if (!json) {
            fprintf(f, "%s:%s (%s) = ", in.ns_name, in.key, fw_nvs_type_name(in.type));
            fwrite(val, 1, vlen, f);
            fputc('\n', f);
            free(val);
        }
    }
    if (json) fw_json_end(&j);
    return bad;
}
