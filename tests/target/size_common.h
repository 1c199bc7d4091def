/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the size images (size-boot.c, size-ota.c, size-ota-tls.c): the
 * command line and a console line without printf, so the images carry only
 * what a product's bootloader / OTA agent would (no stdio formatting). */
#ifndef SIZE_COMMON_H
#define SIZE_COMMON_H

#include <string.h>

#include "device/fwd_decrypt.h"
#include "device/port/mps2-an386/an386_rt.h"
#include "device/port/mps2-an386/an386_semihost.h"

#define SIZE_MAX_ARGS 8

static inline int size_args(char *line, size_t max, char **argv)
{
    int n = 0;
    if (sh_cmdline(line, max)) return 0;
    /* split at spaces by hand: strtok pulls newlib's assert -> fprintf -> stdio */
    for (char *c = line; *c && n < SIZE_MAX_ARGS;) {
        while (*c == ' ') *c++ = 0;
        if (!*c) break;
        argv[n++] = c;
        while (*c && *c != ' ') c++;
    }
    return n;
}

/* "size: WHAT N\n" */
static inline void size_report(const char *what, uint64_t n)
{
    char num[21];
    sh_puts("size: ");
    sh_puts(what);
    sh_puts(" ");
    sh_puts(an386_u64(n, num));
    sh_puts("\n");
}

/* The run's RAM figures (an386_rt.h) and instructions since t0. */
static inline void size_report_run(uint64_t t0)
{
    struct an386_mem m;
    an386_mem(&m);
    size_report("insns", (an386_ticks() - t0) * AN386_NS_PER_TICK);
    size_report("static", m.static_ram);
    size_report("heap_peak", m.heap_peak);
    size_report("stack_peak", m.stack_peak);
}

/* The device secret DIR/secret_decrypt_rsa.pem (fwseal-device's layout; a
 * product keeps it in a key peripheral or protected storage) into *key. The
 * PEM is read into buf (the caller's input buffer: the key is loaded before
 * any image byte arrives) and wiped right after. */
static inline int size_load_key(const char *dir, struct fwd_decrypt_key *key, uint8_t *buf, size_t max)
{
    static char path[192];
    size_t n = strlen(dir);
    fwd_decrypt_key_init(key);
    if (n + 32 > sizeof path) return FW_ERR_INVALID_ARG;
    memcpy(path, dir, n);
    memcpy(path + n, "/secret_decrypt_rsa.pem", 24);
    int fd = sh_open(path, SH_MODE_RB);
    if (fd < 0) return FW_ERR_NOT_FOUND;
    long len = sh_read(fd, buf, max - 1);
    sh_close(fd);
    if (len <= 0) return FW_ERR_KEY;
    buf[len] = 0;
    int rc = fwd_decrypt_key_load_rsa(key, buf, (size_t)len + 1);
    memset(buf, 0, max);
    return rc;
}

#endif
