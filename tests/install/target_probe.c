/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny Cortex-M4 firmware built against the INSTALLED target library only
 * (tests/e2e/install_target.sh: arm-none-eabi-gcc target_probe.c
 * $(pkg-config --cflags --libs fwseal-an386) with PKG_CONFIG_LIBDIR pointing
 * at the install), as a firmware team would consume it: the umbrella
 * header, the board port's header, nothing of the repo. Under QEMU
 * (semihosting command line "probe DIR") it powers on the device whose
 * flash/eFuse files are DIR/flash.bin and DIR/efuse.bin, runs the Secure
 * Boot V2 bootloader and prints the verdict. Exit 0 when an image booted. */
#include <fwseal/fwseal_device.h>
#include <fwseal/device/port/mps2-an386/an386_platform.h>
#include <fwseal/device/port/mps2-an386/an386_semihost.h>

#include <stdio.h>
#include <string.h>

static struct an386_platform plat;
static struct fwd_ota_dev dev;
static struct fwb_result res;

int main(void)
{
    static char line[256];
    if (sh_cmdline(line, sizeof line)) return 2;
    char *dir = strchr(line, ' ');
    if (!dir) return 2;
    dir++;
    printf("library %s\n", fwseal_version_string());
    int rc = an386_open(&plat, dir, 4);   /* a bootloader: no random source needed */
    if (rc) {
        printf("cannot load %s: %s\n", dir, fw_strerror(rc));
        return 3;
    }
    rc = fwd_ota_dev_open(&dev, &plat.plat, 0, NULL);
    if (rc == FW_OK) rc = fwb_boot(&dev, &res);
    if (rc == FW_OK)
        printf("booted %s: version %s, secure_version %u\n", res.part->label, res.app.desc.version,
               (unsigned)res.app.desc.secure_version);
    else
        printf("no boot: %s\n", fw_strerror(rc));
    fwd_ota_dev_close(&dev);
    an386_save(&plat);
    an386_close(&plat);
    return rc == FW_OK ? 0 : 1;
}
