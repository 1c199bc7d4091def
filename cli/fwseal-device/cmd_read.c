/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device read: dump a partition, decrypted (default) or raw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/util/cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device read DIR --partition LABEL [--raw] [--offset N] [--length N] -o FILE\n\n"
               "Write partition LABEL (from --offset, --length bytes; default the whole\n"
               "partition) to FILE (\"-\" = stdout). Encrypted partitions are decrypted\n"
               "unless --raw, which shows the bytes as stored in flash. Decrypted contents\n"
               "are written 0600 and appear at FILE only once complete.\n\n"
               "example:\n  fwseal-device read dev --partition ota_0 --raw --length 104784 -o ota_0.enc\n");
}

static int do_read(struct devdir *dd, const char *label, int raw, uint64_t off, uint64_t len, int have_len,
                   const char *out)
{
    const struct fwd_part *p = fwd_part_find(&dd->dev, label);
    if (!p) return cli_err(EXIT_USAGE, "%s: no partition '%s'", dd->dir, label);
    if (off > p->size) return cli_err(EXIT_USAGE, "--offset beyond partition '%s' (size %u)", label, (unsigned)p->size);
    if (!have_len) len = p->size - off;
    if (len > p->size - off) return cli_err(EXIT_USAGE, "--length beyond partition '%s' (size %u)", label, (unsigned)p->size);
    /* The plaintext of an encrypted partition is as secret as the flash
     * encryption that protects it: 0600, like `fwseal flash-decrypt`. */
    struct cli_out o;
    int rc = cli_out_open(&o, out, p->encrypted && !raw ? 0600 : 0644);
    if (rc) return rc;
    static uint8_t buf[64 * 1024];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof buf ? (size_t)(len - done) : sizeof buf;
        int e = raw ? fwd_part_read_raw(&dd->dev, p, (uint32_t)(off + done), buf, n)
                    : fwd_part_read(&dd->dev, p, (uint32_t)(off + done), buf, n);
        if (e) { cli_out_abort(&o); return devdir_fail(dd, label, e); }
        if (fwrite(buf, 1, n, o.f) != n) { cli_out_abort(&o); return cli_err(EXIT_IO, "%s: write failed", out); }
        done += n;
    }
    return cli_out_commit(&o);
}

static int run_read(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *dir = NULL, *label = NULL, *out = NULL;
    int raw = 0, have_len = 0;
    uint64_t off = 0, len = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--partition") && i + 1 < argc) label = argv[++i];
        else if (cli_opt(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (cli_opt(argv[i], "--raw")) raw = 1;
        else if (cli_opt(argv[i], "--offset") && i + 1 < argc) {
            if (cli_parse_u64(argv[++i], &off)) return cli_err(EXIT_USAGE, "--offset: bad number '%s'", argv[i]);
        } else if (cli_opt(argv[i], "--length") && i + 1 < argc) {
            if (cli_parse_u64(argv[++i], &len)) return cli_err(EXIT_USAGE, "--length: bad number '%s'", argv[i]);
            have_len = 1;
        } else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "read: unknown option '%s' (see --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_err(EXIT_USAGE, "read: unexpected argument '%s'", argv[i]);
    }
    if (!dir || !label || !out) return cli_err(EXIT_USAGE, "read: usage: fwseal-device read DIR --partition LABEL [--raw] -o FILE");
    struct devdir *dd;
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    rc = do_read(dd, label, raw, off, len, have_len, out);
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_read = {"read", "dump a partition (decrypted, or --raw as stored)", run_read};
