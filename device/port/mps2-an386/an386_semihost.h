/* SPDX-License-Identifier: Apache-2.0 */
/* Arm semihosting (the "BKPT 0xAB" calls of the Arm semihosting
 * specification v2) as the MPS2 AN386 port uses it under QEMU
 * (-semihosting-config enable=on): host files stand in for the board's
 * persistent parts (NOR flash image, eFuse block), the console and the
 * entropy source. A product port has none of this: its flash driver talks to
 * the SPI controller, its eFuse driver to the OTP controller. */
#ifndef AN386_SEMIHOST_H
#define AN386_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* SYS_OPEN modes (ISO C fopen modes, specification table). */
enum sh_mode { SH_MODE_RB = 1, SH_MODE_WB = 5 };

/* Host file handle (>= 0) or -1. */
int sh_open(const char *path, enum sh_mode mode);
int sh_close(int fd);
/* Bytes transferred (short only at end of file / on error), -1 on error. */
long sh_read(int fd, void *buf, size_t len);
int sh_write_all(int fd, const void *buf, size_t len);
/* Length of an open file, -1 on error. */
long sh_flen(int fd);
/* Whole NUL-terminated string to the debug console. */
void sh_puts(const char *s);
/* Console bytes (stdout of the emulator). */
void sh_console_write(const char *buf, size_t len);
/* The command line given with -semihosting-config arg=...: 0 or -1. */
int sh_cmdline(char *buf, size_t max);
/* End the emulation with this exit status (SYS_EXIT_EXTENDED). */
__attribute__((noreturn)) void sh_exit(int status);

#endif
