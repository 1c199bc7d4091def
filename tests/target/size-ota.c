/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA image of bench/70-target.sh (no TLS): what an application links to
 * take a pre-encrypted signed image from its own transport (here a host file
 * read through semihosting in 4 KiB chunks, standing in for a UART or a
 * modem), install it and confirm itself after the next boot.
 *   size-ota DIR RUNNING_LABEL FILE     install FILE
 *   size-ota DIR RUNNING_LABEL confirm  mark the running app valid
 * The device secret is DIR/secret_decrypt_rsa.pem (fwseal-device's layout). */
#include "device/fwd_decrypt.h"
#include "device/fwd_ota_pipeline.h"
#include "device/port/mps2-an386/an386_platform.h"
#include "tests/target/size_common.h"

static struct an386_platform plat;
static struct fwd_ota_dev od;
static struct fwd_ota_pipeline pipe;
static struct fwd_decrypt_key key;
static uint8_t chunk[4096];

static int install(const char *file)
{
    int fd = sh_open(file, SH_MODE_RB);
    if (fd < 0) return FW_ERR_IO;
    struct fwd_ota_pipeline_cfg pc = { .dev = &od, .key = &key };
    int rc = fwd_ota_pipeline_start(&pipe, &pc);
    while (rc == FW_OK) {
        long n = sh_read(fd, chunk, sizeof chunk);
        if (n < 0) rc = fwd_ota_pipeline_abort(&pipe, FW_ERR_IO, "read error");
        else if (n > 0) rc = fwd_ota_pipeline_feed(&pipe, chunk, (size_t)n);
        if (rc == FW_OK && (size_t)n < sizeof chunk) {
            rc = fwd_ota_pipeline_finish(&pipe);
            break;
        }
    }
    sh_close(fd);
    return rc;
}

int main(void)
{
    static char line[256];
    char *argv[SIZE_MAX_ARGS];
    if (size_args(line, sizeof line, argv) < 4) return 2;
    struct an386_entropy ent = { NULL };
    if (an386_open(&plat, argv[1], 4) || an386_attach_random(&plat, &ent)) return 3;
    uint64_t t0 = an386_ticks();
    int rc = fwd_ota_dev_open(&od, &plat.plat, 0, argv[2]);
    int confirm = !strcmp(argv[3], "confirm");
    if (rc == FW_OK && !confirm) rc = size_load_key(argv[1], &key, chunk, sizeof chunk);
    if (rc == FW_OK) rc = confirm ? fwd_ota_mark_app_valid(&od) : install(argv[3]);
    fwd_decrypt_key_free(&key);
    sh_puts(rc == FW_OK ? "size: ota ok\n" : "size: ota refused: ");
    if (rc != FW_OK) {
        sh_puts(confirm ? fw_strerror(rc) : fwd_ota_pipeline_reason(&pipe));
        sh_puts("\n");
    }
    size_report_run(t0);
    fwd_ota_dev_close(&od);
    int src = an386_save(&plat);
    an386_close(&plat);
    return rc ? 1 : src ? 3 : 0;
}
