/* SPDX-License-Identifier: Apache-2.0 */
/* The boot image of bench/70-target.sh: the Secure Boot V2 bootloader alone
 * on the port (what a product's second-stage bootloader links), run on a
 * device directory: size-boot DIR. Prints "size: schemes TABLE" (the linked
 * scheme table, device/fwd_sig.h: size-boot.elf "all", size-boot-rsa.elf
 * "rsa", size-boot-ecdsa.elf "ecdsa-p256"), "size: skipped LABEL: REASON"
 * per refused candidate, "size: booted LABEL" or "size: no bootable image",
 * then its instruction count and RAM. */
#include "boot/fwb_boot.h"
#include "device/fwd_sig.h"
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
    sh_puts("size: schemes ");
    sh_puts(fwd_sig_table.name);
    sh_puts("\n");
    uint64_t t0 = an386_ticks();
    int rc = fwd_ota_dev_open(&od, &plat.plat, 0, NULL);
    if (rc == FW_OK) rc = fwb_boot(&od, &res);
    for (int i = 0; i < res.n_attempts && i < FWB_MAX_CAND; i++) {
        if (res.attempts[i].reason == FWD_VR_OK) continue;
        sh_puts("size: skipped ");
        sh_puts(res.attempts[i].label);
        sh_puts(": ");
        sh_puts(fwd_verify_reason_str(res.attempts[i].reason));
        sh_puts("\n");
    }
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
