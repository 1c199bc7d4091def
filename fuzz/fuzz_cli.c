/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the fwseal subcommands that read files, called exactly as
 * main() calls them, on a temporary file holding the input: info (text and
 * JSON), verify (trust digest, JSON, --raw, --allow-untrusted), partition-table
 * (either direction, content-detected), nvs dump (text and JSON) and nvs
 * generate (CSV). Byte 0 picks the command line. Whatever the input, the
 * command must return a CLI exit code (0..3) without crashing or leaking.
 */
// FUZZ-MAX-LEN: 12288
// FUZZ-ARGS: -close_fd_mask=3
// FUZZ-SEED-PREFIX: 00
// FUZZ-SEEDS: secure_boot_v2/signed_rsa_1key.bin partition_table/partitions_two_ota.bin nvs/nvs.bin
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/fwseal/commands.h"
#include "cli/util/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct cli_cmd cmd_info, cmd_verify, cmd_partition_table, cmd_nvs;

#define DIGEST "0b6e48d7e26e1e0a2ab9bd1c4e5d9a1dfd1b27e1f7f07d8c7b0bff7ad6e1c2a3"

static char in_path[64], out_path[64];

static int call(const struct cli_cmd *c, int argc, const char **argv)
{
    return c->run(argc, (char **)argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!in_path[0]) {
        snprintf(in_path, sizeof in_path, "/tmp/fwseal-fuzz-cli-%d.in", (int)getpid());
        snprintf(out_path, sizeof out_path, "/tmp/fwseal-fuzz-cli-%d.out", (int)getpid());
        cli_prog = "fwseal";
    }
    if (size < 1) return 0;
    uint8_t which = data[0] % 12;
    FILE *f = fopen(in_path, "wb");
    if (!f) return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);

    int rc;
    switch (which) {
    case 0: { const char *a[] = {"info", in_path}; rc = call(&cmd_info, 2, a); break; }
    case 1: { const char *a[] = {"info", in_path, "--json"}; rc = call(&cmd_info, 3, a); break; }
    case 2: { const char *a[] = {"verify", in_path, "--trust-digest", DIGEST, "--json"}; rc = call(&cmd_verify, 5, a); break; }
    case 3: { const char *a[] = {"verify", in_path, "--allow-untrusted", "--min-secure-version", "1"}; rc = call(&cmd_verify, 5, a); break; }
    case 4: { const char *a[] = {"verify", in_path, "--raw", "--allow-untrusted", "--json"}; rc = call(&cmd_verify, 5, a); break; }
    case 5: { const char *a[] = {"partition-table", in_path}; rc = call(&cmd_partition_table, 2, a); break; }
    case 6: { const char *a[] = {"partition-table", in_path, "-o", out_path}; rc = call(&cmd_partition_table, 4, a); break; }
    case 7: { const char *a[] = {"nvs", "dump", in_path}; rc = call(&cmd_nvs, 3, a); break; }
    case 8: { const char *a[] = {"nvs", "dump", in_path, "--json"}; rc = call(&cmd_nvs, 4, a); break; }
    case 9: { const char *a[] = {"nvs", "generate", in_path, "0x4000", "-o", out_path}; rc = call(&cmd_nvs, 6, a); break; }
    case 10: { const char *a[] = {"info", in_path, "--json"}; rc = call(&cmd_info, 3, a); break; }
    default: { const char *a[] = {"partition-table", in_path, "--no-md5", "--flash-size", "4MB"}; rc = call(&cmd_partition_table, 5, a); break; }
    }
    if (rc < 0 || rc > 3) __builtin_trap();
    unlink(out_path);
    return 0;
}
