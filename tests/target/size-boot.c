/* SPDX-License-Identifier: Apache-2.0 */
/* The boot image of bench/70-target.sh: the Secure Boot V2 bootloader alone
 * on the port (what a product's second-stage bootloader links), run on a
 * device directory: size-boot DIR. Prints "size: booted LABEL" or
 * "size: no bootable image", then its instruction count and RAM. */
#include "boot/fwb_boot.h"
#include "device/port/mps2-an386/an386_platform.h"
#include "tests/target/size_common.h"

static struct an386_platform plat;
static struct fwd_ota_dev od;
static struct fwb_result res;

int main(void)
{
    static char line[256];
    char *argv[SIZE_MAX_ARGS];
    if (size_args(line, sizeof line, argv) < 2) return 2;
    if (an386_open(&plat, argv[1], 4)) return 3;   /* verification needs no random source */
    uint64_t t0 = an386_ticks();
    int rc = fwd_ota_dev_open(&od, &plat.plat, 0, NULL);
    if (rc == FW_OK) rc = fwb_boot(&od, &res);
    sh_puts(rc == FW_OK ? "size: booted " : "size: no bootable image\n");
    if (rc == FW_OK) {
        sh_puts(res.part->label);
        sh_puts("\n");
    }
    size_report_run(t0);
    fwd_ota_dev_close(&od);
    int src = an386_save(&plat);
    an386_close(&plat);
    return rc ? 1 : src ? 3 : 0;
}
