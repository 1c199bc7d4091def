/* SPDX-License-Identifier: Apache-2.0 */
#include "device/port/mps2-an386/an386_semihost.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06,
    SYS_FLEN = 0x0C, SYS_GET_CMDLINE = 0x15, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int sh_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int sh_open(const char *path, enum sh_mode mode)
{
    uint32_t a[3] = { (uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path) };
    return sh_call(SYS_OPEN, a);
}

int sh_close(int fd)
{
    uint32_t a[1] = { (uint32_t)fd };
    return sh_call(SYS_CLOSE, a);
}

long sh_read(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        uint32_t a[3] = { (uint32_t)fd, (uint32_t)(uintptr_t)((uint8_t *)buf + done), (uint32_t)(len - done) };
        int left = sh_call(SYS_READ, a);   /* bytes NOT read */
        if (left < 0 || (size_t)left > len - done) return -1;
        if ((size_t)left == len - done) break; /* end of file */
        done = len - (size_t)left;
    }
    return (long)done;
}

int sh_write_all(int fd, const void *buf, size_t len)
{
    uint32_t a[3] = { (uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len };
    return sh_call(SYS_WRITE, a) == 0 ? 0 : -1;   /* returns bytes NOT written */
}

long sh_flen(int fd)
{
    uint32_t a[1] = { (uint32_t)fd };
    return sh_call(SYS_FLEN, a);
}

void sh_puts(const char *s)
{
    sh_call(SYS_WRITE0, s);
}

void sh_console_write(const char *buf, size_t len)
{
    static int tt = -2;
    if (tt == -2) tt = sh_open(":tt", 4 /* "w": the console */);
    if (tt >= 0) sh_write_all(tt, buf, len);
}

int sh_cmdline(char *buf, size_t max)
{
    uint32_t a[2] = { (uint32_t)(uintptr_t)buf, (uint32_t)max };
    return sh_call(SYS_GET_CMDLINE, a) == 0 ? 0 : -1;
}

void sh_exit(int status)
{
    uint32_t a[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
    sh_call(SYS_EXIT_EXTENDED, a);
    sh_call(SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT); /* no extended exit: status 0 */
    for (;;) __asm__ volatile("wfi");
}
