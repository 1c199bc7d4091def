/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device nvs: the device's NVS store (set / get / erase / list / stats). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/nvs_cli.h"
#include "cli/util/cli.h"
#include "cli/util/nvs_print.h"
#include "fw_err.h"
#include "host/fwh_nvs_csv.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal-device nvs DIR [--partition LABEL] set NS KEY TYPE VALUE\n"
            "       fwseal-device nvs DIR [--partition LABEL] get NS KEY\n"
            "       fwseal-device nvs DIR [--partition LABEL] erase NS [KEY]\n"
            "       fwseal-device nvs DIR [--partition LABEL] list [--json]\n"
            "       fwseal-device nvs DIR [--partition LABEL] stats\n"
            "\n"
            "The device's NVS key-value store (ESP-IDF format) in partition LABEL\n"
            "(default \"nvs\"). With a data/nvs_keys partition in the table the store is\n"
            "XTS-encrypted with the keys provisioned by `init --nvs-keys`.\n"
            "TYPE: u8 i8 u16 i16 u32 i32 u64 i64 string blob. VALUE: a number, a string,\n"
            "hex bytes for blob, or @FILE to take the bytes of FILE (string/blob).\n"
            "erase NS removes every key of the namespace; erase NS KEY one key.\n"
            "list prints ns:key (type) = value (strings quoted, blobs base64).\n"
            "\n"
            "examples:\n"
            "  fwseal-device nvs dev set wifi ssid string my-network\n"
            "  fwseal-device nvs dev set wifi cert blob @cert.der\n"
            "  fwseal-device nvs dev --partition fctry list --json\n");
}

static struct fwd_nvs_dev nv;

static int load_value(const char *v, uint8_t **buf, size_t *len, int hex)
{
    if (v[0] == '@') return cli_read_file(v + 1, 1024 * 1024, buf, len);
    size_t n = strlen(v);
    *buf = malloc(n + 1);
    if (!*buf) return cli_err(EXIT_IO, "out of memory");
    if (!hex) {
        memcpy(*buf, v, n + 1);
        *len = n;
        return 0;
    }
    long got = fw_nvs_hex_decode(v, n, *buf, n);
    if (got < 0) { free(*buf); return cli_err(EXIT_USAGE, "blob VALUE must be hex bytes or @FILE"); }
    *len = (size_t)got;
    return 0;
}

static int do_set(struct devdir *dd, struct fw_nvs_handle *h, char **a)
{
    const char *key = a[0], *type = a[1], *val = a[2];
    int t = fw_nvs_type_from_name(type);
    if (t < 0) return cli_err(EXIT_USAGE, "nvs set: unknown TYPE '%s'", type);
    int rc;
    if (fw_nvs_type_is_primitive((uint8_t)t)) {
        uint64_t v;
        if (fw_nvs_parse_int(val, (uint8_t)t, &v)) return cli_err(EXIT_USAGE, "nvs set: '%s' is not a valid %s", val, type);
        rc = fw_nvs_set_int(h, key, (uint8_t)t, v);
    } else {
        uint8_t *b;
        size_t n;
        int is_str = t == FW_NVS_SZ;
        if ((rc = load_value(val, &b, &n, !is_str))) return rc;
        if (is_str && memchr(b, 0, n)) { free(b); return cli_err(EXIT_REJECT, "nvs set: string contains a NUL byte"); }
        if (is_str) {
            char *s = realloc(b, n + 1);
            if (!s) { free(b); return cli_err(EXIT_IO, "out of memory"); }
            s[n] = 0;
            b = (uint8_t *)s;
            rc = fw_nvs_set_str(h, key, s);
        } else {
            rc = fw_nvs_set_blob(h, key, b, n);
        }
        free(b);
    }
    return rc ? nvscli_fail(dd, key, rc, h->s->fail.why) : 0;
}

static int do_get(struct devdir *dd, struct fw_nvs_handle *h, const char *key)
{
    struct fw_nvs_info in;
    int rc = fw_nvs_find(h, key, &in);
    if (rc == FW_ERR_NOT_FOUND) return cli_err(EXIT_REJECT, "%s: %s: not found", dd->dir, key);
    if (rc) return nvscli_fail(dd, key, rc, h->s->fail.why);
    if (in.type != FW_NVS_SZ) {
        rc = nvs_print_value(stdout, h->s, &in);
        if (!rc) putchar('\n');
        return rc ? nvscli_fail(dd, key, rc, h->s->fail.why) : 0;
    }
    char *s = malloc(in.size + 1);
    size_t n = in.size + 1;
    if (!s) return cli_err(EXIT_IO, "out of memory");
    rc = fw_nvs_get_str(h, key, s, &n);
    if (!rc) printf("%s\n", s);
    free(s);
    return rc ? nvscli_fail(dd, key, rc, h->s->fail.why) : 0;
}

static int do_stats(struct fw_nvs_store *s)
{
    struct fw_nvs_stats st;
    int rc = fw_nvs_stats(s, &st);
    if (rc) return rc;
    printf("used_entries %u\nfree_entries %u\navailable_entries %u\ntotal_entries %u\nnamespaces %u\n"
           "encrypted %s\n", st.used_entries, st.free_entries, st.available_entries, st.total_entries,
           st.namespace_count, s->encrypted ? "yes" : "no");
    return 0;
}

/* Positional words after DIR: action and its arguments. */
struct nvs_cmd {
    const char *dir, *label;
    int json;
    char *w[6];
    int nw;
};

static int parse(int argc, char **argv, struct nvs_cmd *c)
{
    memset(c, 0, sizeof *c);
    c->label = "nvs";
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--partition") && i + 1 < argc) c->label = argv[++i];
        else if (cli_opt(argv[i], "--json")) c->json = 1;
        else if (cli_is_option(argv[i]) && c->nw < 4) return cli_err(EXIT_USAGE, "nvs: unknown option '%s'", argv[i]);
        else if (!c->dir) c->dir = argv[i];
        else if (c->nw < 6) c->w[c->nw++] = argv[i];
        else return cli_err(EXIT_USAGE, "nvs: too many arguments");
    }
    if (!c->dir || !c->nw) return cli_err(EXIT_USAGE, "nvs: DIR and an action are required (see --help)");
    static const struct { const char *a; int min, max; } acts[] = {
        { "set", 5, 5 }, { "get", 3, 3 }, { "erase", 2, 3 }, { "list", 1, 1 }, { "stats", 1, 1 },
    };
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if (!strcmp(c->w[0], acts[i].a)) {
            if (c->nw < acts[i].min || c->nw > acts[i].max)
                return cli_err(EXIT_USAGE, "nvs %s: wrong number of arguments (see --help)", acts[i].a);
            return 0;
        }
    return cli_err(EXIT_USAGE, "nvs: unknown action '%s' (set, get, erase, list, stats)", c->w[0]);
}

static int act(struct devdir *dd, struct nvs_cmd *c)
{
    const char *a = c->w[0];
    struct fw_nvs_store *s = &nv.nvs.store;
    if (!strcmp(a, "list")) {
        int bad = nvs_print_items(stdout, s, c->json);
        if (bad > 0) cli_warn("%s: %d item(s) skipped (data CRC mismatch)", dd->dir, bad);
        return bad < 0 ? nvscli_fail(dd, c->label, bad, s->fail.why) : 0;
    }
    if (!strcmp(a, "stats")) return do_stats(s);
    struct fw_nvs_handle h;
    int rw = !strcmp(a, "set") || !strcmp(a, "erase");
    int rc = fw_nvs_open(s, c->w[1], rw, &h);
    if (rc == FW_ERR_NOT_FOUND) return cli_err(EXIT_REJECT, "%s: namespace '%s' not found", dd->dir, c->w[1]);
    if (rc) return nvscli_fail(dd, c->w[1], rc, s->fail.why);
    if (!strcmp(a, "set")) return do_set(dd, &h, c->w + 2);
    if (!strcmp(a, "get")) return do_get(dd, &h, c->w[2]);
    rc = c->nw == 3 ? fw_nvs_erase_key(&h, c->w[2]) : fw_nvs_erase_all(&h);
    if (rc == FW_ERR_NOT_FOUND) return cli_err(EXIT_REJECT, "%s: %s: not found", dd->dir, c->w[2]);
    if (!rc) rc = fw_nvs_commit(&h);
    return rc ? nvscli_fail(dd, c->nw == 3 ? c->w[2] : c->w[1], rc, s->fail.why) : 0;
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    struct nvs_cmd c;
    int rc = parse(argc, argv, &c);
    if (rc) return rc;
    struct devdir *dd;
    if ((rc = devdir_open(c.dir, 0, &dd))) return rc;
    static struct fwd_sim_nor view;
    nvscli_nor_view(dd, &view);
    int ro = !strcmp(c.w[0], "get") || !strcmp(c.w[0], "list") || !strcmp(c.w[0], "stats");
    int e = fwd_nvs_dev_open(&nv, &dd->dev, c.label, ro);
    if (e) rc = nvscli_fail(dd, c.label, e, nv.nvs.store.fail.why);
    else rc = act(dd, &c);
    if (!e) fwd_nvs_dev_close(&nv);
    if (!rc && fflush(stdout)) rc = cli_err(EXIT_IO, "stdout: write failed");
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_nvs = { "nvs", "NVS key-value store: set / get / erase / list / stats", run };
