/* SPDX-License-Identifier: Apache-2.0 */
/* nvs_devdump IMAGE [KEYS] : list an NVS partition image with the DEVICE
 * library (mbedTLS XTS, fwd_nvs) as JSON, for e2e comparison with
 * nvs.expected_kv.json and `fwseal nvs dump`. KEYS is a plaintext nvs_keys
 * image (raw and "decrypted" reads are the same bytes). Exit 0 ok, 1 rejected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/util/cli.h"
#include "cli/util/nvs_print.h"
#include "device/fwd_nvs.h"

static uint8_t *img, *keys;

static int rd(void *ctx, uint32_t off, void *buf, size_t len)
{
    memcpy(buf, (uint8_t *)ctx + off, len);
    return 0;
}

int main(int argc, char **argv)
{
    cli_prog = "nvs_devdump";
    if (argc < 2 || argc > 3) return cli_err(2, "usage: nvs_devdump IMAGE [KEYS]");
    size_t n, kn;
    if (cli_read_file(argv[1], 1u << 20, &img, &n)) return 3;
    struct fw_nvs_io io = { .size = (uint32_t)n, .read = rd, .ctx = img };
    static struct fwd_nvs nv;
    int rc;
    if (argc == 3) {
        if (cli_read_file(argv[2], 1u << 20, &keys, &kn)) return 3;
        if (kn < 68) return cli_err(1, "%s: too short", argv[2]);
        struct fwd_nvs_keys_src src = { rd, rd, keys };
        rc = fwd_nvs_init(&nv, &io, &src, 1);
    } else {
        rc = fwd_nvs_init(&nv, &io, NULL, 1);
    }
    if (rc) return cli_err(1, "%s: %s", argv[1], nv.store.fail.why ? nv.store.fail.why : "mount failed");
    rc = nvs_print_items(stdout, &nv.store, 1);
    fwd_nvs_deinit(&nv);
    free(img);
    free(keys);
    return rc < 0 ? 1 : 0;
}
