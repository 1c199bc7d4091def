/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device factory-reset: erase the user NVS partition, keep factory data. */
#include <stdio.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/nvs_cli.h"
#include "cli/util/cli.h"
#include "fw_err.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal-device factory-reset DIR [--partition LABEL]\n"
            "\n"
            "Erase the user NVS partition LABEL (default \"nvs\": Wi-Fi credentials, user\n"
            "settings). Factory data kept in another data/nvs partition (e.g. \"fctry\",\n"
            "written with `fwseal nvs generate` + `fwseal-device flash`), the nvs_keys\n"
            "partition, apps and otadata are not touched. The next NVS use starts from an\n"
            "empty store (encrypted with the same keys when nvs_keys exists).\n"
            "\n"
            "example:\n"
            "  fwseal-device factory-reset dev\n");
}

static int run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *dir = NULL, *label = "nvs";
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--partition") && i + 1 < argc) label = argv[++i];
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "factory-reset: unknown option '%s'", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_err(EXIT_USAGE, "factory-reset: unexpected argument '%s'", argv[i]);
    }
    if (!dir) return cli_err(EXIT_USAGE, "factory-reset: DIR is required");
    struct devdir *dd;
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    int e = fwd_nvs_dev_erase(&dd->dev, label);
    if (e == FW_ERR_NOT_FOUND) rc = cli_err(EXIT_REJECT, "%s: no partition '%s'", dir, label);
    else if (e == FW_ERR_FORMAT) rc = cli_err(EXIT_REJECT, "%s: '%s' is not a data/nvs partition", dir, label);
    else if (e) rc = nvscli_fail(dd, label, e, NULL);
    else printf("erased NVS partition %s\n", label);
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_factory_reset = { "factory-reset", "erase the user NVS partition, keep factory data", run };
