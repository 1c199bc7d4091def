/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA image with TLS of bench/70-target.sh: size-ota.c's agent whose
 * bytes arrive through fwseal's TLS 1.2 client (device/fwd_tls.c, pinned CA,
 * mbedTLS configured by mbedtls_target_config.h with FWT_WITH_TLS) over the
 * board's UART (an386_uart.h; under QEMU `-serial tcp:...` to a host TLS
 * server, tests/e2e/target_tls.sh): the TLS layer needs no sockets.
 *   size-ota-tls DIR RUNNING_LABEL CA.pem HOST
 * The server sends the encrypted image and closes the session. */
#include "device/fwd_decrypt.h"
#include "device/fwd_ota_pipeline.h"
#include "device/fwd_tls.h"
#include "device/port/mps2-an386/an386_platform.h"
#include "device/port/mps2-an386/an386_uart.h"
#include "tests/target/size_common.h"

static struct an386_platform plat;
static struct fwd_ota_dev od;
static struct fwd_ota_pipeline pipe;
static struct fwd_decrypt_key key;
static struct fwd_tls tls;
static uint8_t chunk[4096], ca[4096];

static int read_ca(const char *path, size_t *len)
{
    int fd = sh_open(path, SH_MODE_RB);
    if (fd < 0) return FW_ERR_IO;
    long n = sh_read(fd, ca, sizeof ca - 1);
    sh_close(fd);
    if (n <= 0) return FW_ERR_IO;
    ca[n] = 0;
    *len = (size_t)n + 1;   /* PEM: the NUL inside the length */
    return FW_OK;
}

static int run(char **argv)
{
    size_t calen;
    int rc = read_ca(argv[3], &calen);
    if (rc) return rc;
    struct fwd_tls_cfg tc = { .ca_pem = ca, .ca_pem_len = calen, .rng = &plat.plat.random, .read_timeout_ms = 10000 };
    if ((rc = fwd_tls_init(&tls, &tc))) return rc;
    struct fwd_stream lower;
    an386_uart_stream(&lower);
    uint32_t flags = 0;
    const char *why = NULL;
    rc = fwd_tls_handshake(&tls, &lower, argv[4], NULL, 0, &flags, &why);
    if (rc != FW_OK) {
        sh_puts("size: tls handshake refused: ");
        sh_puts(why ? why : fw_strerror(rc));
        sh_puts("\n");
    }
    struct fwd_ota_pipeline_cfg pc = { .dev = &od, .key = &key };
    if (rc == FW_OK) rc = fwd_ota_pipeline_start(&pipe, &pc);
    while (rc == FW_OK) {
        long n = fwd_tls_read(&tls, chunk, sizeof chunk);
        if (n < 0) rc = fwd_ota_pipeline_abort(&pipe, (int)n, "link lost");
        else if (n == 0) rc = fwd_ota_pipeline_finish(&pipe);
        else rc = fwd_ota_pipeline_feed(&pipe, chunk, (size_t)n);
        if (n == 0) break;
    }
    fwd_tls_close(&tls);
    fwd_tls_free(&tls);
    return rc;
}

int main(void)
{
    static char line[512];
    char *argv[SIZE_MAX_ARGS];
    if (size_args(line, sizeof line, argv) < 5) return 2;
    struct an386_entropy ent = { NULL };
    if (an386_open(&plat, argv[1], 4) || an386_attach_random(&plat, &ent)) return 3;
    uint64_t t0 = an386_ticks();
    int rc = fwd_ota_dev_open(&od, &plat.plat, 0, argv[2]);
    if (rc == FW_OK) rc = size_load_key(argv[1], &key, chunk, sizeof chunk);
    if (rc == FW_OK) rc = run(argv);
    fwd_decrypt_key_free(&key);
    sh_puts(rc == FW_OK ? "size: ota ok\n" : "size: ota refused: ");
    if (rc != FW_OK) {
        const char *why = fwd_ota_pipeline_reason(&pipe);
        sh_puts(why && *why ? why : fw_strerror(rc));
        sh_puts("\n");
    }
    size_report_run(t0);
    fwd_ota_dev_close(&od);
    int src = an386_save(&plat);
    an386_close(&plat);
    return rc ? 1 : src ? 3 : 0;
}
