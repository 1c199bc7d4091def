/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal partition-table: CSV -> binary (gen_esp32part-identical) and
 * binary -> CSV (FORMATS §6). The direction is chosen by content: a binary
 * table starts with AA 50 (or EB EB), anything else must be CSV text. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal/commands.h"
#include "cli/util/cli.h"
#include "fw_err.h"
#include "fw_partition.h"
#include "host/fwh_pt_csv.h"

#define PT_INPUT_MAX (1u << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal partition-table CSV -o BIN [--flash-size SIZE] [--no-md5] [--offset OFF]\n"
            "       fwseal partition-table BIN [-o CSV] [--flash-size SIZE] [--no-md5] [--offset OFF]\n"
            "\n"
            "Convert an ESP-IDF partition table between its CSV form and the 0xC00-byte binary\n"
            "(byte-identical to gen_esp32part.py). The input kind is detected from its content\n"
            "(binary starts with AA 50 or EB EB), not from the file name.\n"
            "\n"
            "Both directions run gen_esp32part's checks (alignment, overlap, unique names,\n"
            "otadata = 0x2000, R/W NVS >= 0x3000, ...); a binary is also validated like the\n"
            "device does (record magic, MD5 record, terminator, bounds vs --flash-size).\n"
            "\n"
            "options:\n"
            "  -o FILE             output (binary: required; CSV: default stdout)\n"
            "  --flash-size SIZE   flash size, e.g. 4MB, 16MB or bytes; partitions must fit\n"
            "                      (default: not checked)\n"
            "  --no-md5            write no MD5 record / do not verify it when reading\n"
            "  --offset OFF        partition table offset (default 0x8000)\n"
            "\n"
            "CSV columns: Name, Type, SubType, Offset, Size, Flags. Empty offsets are placed\n"
            "after the previous partition (app 64K aligned, others 4K); $VARS come from the\n"
            "environment; sizes accept K and M suffixes.\n"
            "\n"
            "examples:\n"
            "  fwseal partition-table partitions.csv -o partitions.bin --flash-size 4MB\n"
            "  fwseal partition-table partitions.bin\n");
}

static int md5_evp(void *ctx, const uint8_t *data, size_t len, uint8_t out[16])
{
    unsigned n;
    (void)ctx;
    return EVP_Digest(data, len, out, &n, EVP_md5(), NULL) == 1 ? 0 : -1;
}

static const char *env_var(const char *name) { return getenv(name); }

struct pt_args {
    const char *in, *out;
    uint64_t flash_size, offset;
    int no_md5;
};

static int parse_args(int argc, char **argv, struct pt_args *a)
{
    memset(a, 0, sizeof *a);
    a->offset = 0x8000;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (cli_opt(o, "--no-md5")) { a->no_md5 = 1; continue; }
        if (cli_is_option(o)) {
            if (i + 1 >= argc) return cli_err(EXIT_USAGE, "partition-table: %s needs a value (see --help)", o);
            const char *v = argv[++i];
            if (cli_opt(o, "-o") || cli_opt(o, "--output")) a->out = v;
            else if (cli_opt(o, "--flash-size")) {
                if (cli_parse_u64(v, &a->flash_size) || a->flash_size == 0 || a->flash_size > (1ull << 32))
                    return cli_err(EXIT_USAGE, "partition-table: bad --flash-size '%s' (e.g. 4MB)", v);
            } else if (cli_opt(o, "--offset")) {
                if (cli_parse_u64(v, &a->offset) || a->offset % 0x1000 || a->offset > 0xFFFFF000u)
                    return cli_err(EXIT_USAGE, "partition-table: bad --offset '%s' (4 KiB aligned)", v);
            } else return cli_err(EXIT_USAGE, "partition-table: unknown option '%s' (see --help)", o);
            continue;
        }
        if (a->in) return cli_err(EXIT_USAGE, "partition-table: more than one input file");
        a->in = o;
    }
    if (!a->in) return cli_err(EXIT_USAGE, "partition-table: no input file (see --help)");
    return 0;
}

static int diag_err(const char *file, int rc, const struct fw_pt_diag *d)
{
    if (d->line) return cli_err(EXIT_REJECT, "%s: line %u: %s", file, d->line, d->msg);
    if (d->msg[0]) return cli_err(EXIT_REJECT, "%s: %s", file, d->msg);
    return cli_err(EXIT_REJECT, "%s: %s", file, fw_strerror(rc));
}

static int csv_to_bin(const struct pt_args *a, const uint8_t *buf, size_t len)
{
    if (!a->out) return cli_err(EXIT_USAGE, "partition-table: %s is CSV: the binary output needs -o FILE", a->in);
    if (memchr(buf, 0, len))
        return cli_err(EXIT_REJECT, "%s: not a partition table: binary data whose first record magic is %02X %02X (expected AA 50), and not CSV text",
                       a->in, buf[0], len > 1 ? buf[1] : 0);
    static struct fw_pt t;
    struct fw_pt_diag d;
    int rc = fw_pt_from_csv(&t, (const char *)buf, len, (uint32_t)a->offset, env_var, &d);
    if (rc) return diag_err(a->in, rc, &d);
    if (d.warnings & FW_PT_WARN_NAME_TRUNCATED) cli_warn("%s: partition names longer than 16 characters were truncated", a->in);
    rc = fw_pt_check(&t, (uint32_t)a->offset, a->flash_size, &d);
    if (rc) return diag_err(a->in, rc, &d);
    uint8_t bin[FW_PT_LEN];
    rc = fw_pt_to_binary(&t, !a->no_md5, md5_evp, NULL, bin);
    if (rc == FW_ERR_NO_SPACE)
        return cli_err(EXIT_REJECT, "%s: too many partitions for the 0xC00-byte table (%u; max %u%s)", a->in, t.count,
                       a->no_md5 ? 95 : 94, a->no_md5 ? "" : " with the MD5 record");
    if (rc) return cli_err(cli_exit_for(rc), "%s: %s", a->in, fw_strerror(rc));
    return cli_write_file(a->out, bin, sizeof bin, 0644);
}

static int bin_to_csv(const struct pt_args *a, const uint8_t *buf, size_t len)
{
    static struct fw_pt t;
    int rc = fw_pt_parse(&t, buf, len, a->flash_size, md5_evp, NULL, a->no_md5 ? FW_PT_IGNORE_MD5 : 0);
    if (rc) {
        const char *why = rc == FW_ERR_DIGEST ? "MD5 record does not match the table"
                        : rc == FW_ERR_MAGIC ? "invalid record magic (not AA 50 / EB EB / terminator)"
                        : rc == FW_ERR_RANGE ? "partition outside the flash size"
                        : rc == FW_ERR_TRUNCATED ? "truncated (no end-of-table marker)"
                        : rc == FW_ERR_FORMAT ? "malformed (empty, missing end marker or second MD5 record)"
                        : fw_strerror(rc);
        return cli_err(cli_exit_for(rc), "%s: invalid partition table: %s", a->in, why);
    }
    struct fw_pt_diag d;
    memset(&d, 0, sizeof d);
    rc = fw_pt_check(&t, (uint32_t)a->offset, a->flash_size, &d);
    if (rc) return diag_err(a->in, rc, &d);
    for (unsigned i = 0; i < t.count; i++)
        if (t.e[i].flags & ~(FW_PT_FLAG_ENCRYPTED | FW_PT_FLAG_READONLY))
            cli_warn("%s: partition '%s' has unknown flag bits 0x%08x", a->in, t.e[i].label, t.e[i].flags);
    static char csv[16384];
    size_t n;
    rc = fw_pt_to_csv(&t, csv, sizeof csv, &n);
    if (rc) return cli_err(EXIT_REJECT, "%s: a partition label cannot be written as CSV", a->in);
    return cli_write_file(a->out ? a->out : "-", csv, n, 0644);
}

static int run_partition_table(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    struct pt_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc;
    uint8_t *buf;
    size_t len;
    rc = cli_read_file(a.in, PT_INPUT_MAX, &buf, &len);
    if (rc) return rc;
    if (len == 0) rc = cli_err(EXIT_REJECT, "%s: empty file", a.in);
    else if (len >= 2 && ((buf[0] == 0xAA && buf[1] == 0x50) || (buf[0] == 0xEB && buf[1] == 0xEB))) rc = bin_to_csv(&a, buf, len);
    else rc = csv_to_bin(&a, buf, len);
    free(buf);
    return rc;
}

const struct cli_cmd cmd_partition_table = {"partition-table", "convert a partition table CSV <-> binary",
                                               run_partition_table};
