/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device flash: write a file's plaintext into a partition, through
 * flash encryption when the partition is encrypted (factory programming). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/util/cli.h"
#include "fw_bytes.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device flash DIR --partition LABEL FILE\n\n"
               "Erase the sectors FILE needs at the start of partition LABEL and write FILE\n"
               "there (encrypted partitions: through flash encryption, padded with 0xFF to\n"
               "16 bytes; others: padded to the flash write alignment).\n\n"
               "example:\n  fwseal-device flash dev --partition ota_0 app.bin\n");
}

static int do_flash(struct devdir *dd, const char *label, const char *file)
{
    const struct fwd_part *p = fwd_part_find(&dd->dev, label);
    if (!p) return cli_err(EXIT_USAGE, "%s: no partition '%s'", dd->dir, label);
    uint8_t *buf;
    size_t n;
    int rc = cli_read_file(file, p->size, &buf, &n);
    if (rc) return rc;
    if (n == 0) { free(buf); return cli_err(EXIT_REJECT, "%s: empty file", file); }
    size_t unit = p->encrypted ? 16 : dd->sim.flash.write_align;
    size_t padded = (size_t)fw_align_up(n, unit);
    size_t erase = (size_t)fw_align_up(padded, dd->sim.flash.sector_size);
    if (erase > p->size) { free(buf); return cli_err(EXIT_REJECT, "%s: does not fit partition '%s'", file, label); }
    uint8_t *img = realloc(buf, padded);
    if (!img) { free(buf); return cli_err(EXIT_IO, "out of memory"); }
    memset(img + n, 0xFF, padded - n);
    rc = fwd_part_erase(&dd->dev, p, 0, erase);
    if (rc == FW_OK) rc = fwd_part_write(&dd->dev, p, 0, img, padded);
    free(img);
    if (rc) return devdir_fail(dd, label, rc);
    printf("flashed %zu bytes into %s at 0x%x%s\n", n, label, (unsigned)p->offset, p->encrypted ? " (encrypted)" : "");
    return 0;
}

static int run_flash(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *dir = NULL, *label = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--partition") && i + 1 < argc) label = argv[++i];
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "flash: unknown option '%s' (see --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else if (!file) file = argv[i];
        else return cli_err(EXIT_USAGE, "flash: unexpected argument '%s'", argv[i]);
    }
    if (!dir || !label || !file) return cli_err(EXIT_USAGE, "flash: usage: fwseal-device flash DIR --partition LABEL FILE");
    struct devdir *dd;
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    rc = do_flash(dd, label, file);
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_flash = {"flash", "write a file into a partition (through flash encryption)", run_flash};
