/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the fwseal and fwseal-device command lines.
 * Exit codes are part of the CLI contract (see README). */
#ifndef FW_CLI_H
#define FW_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_exit {
    EXIT_OK_ = 0,
    EXIT_REJECT = 1,     /* input rejected: invalid, tampered, untrusted */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_IO = 3,         /* I/O or environment error */
    EXIT_POWER_LOSS = 99 /* fwseal-device: simulated power cut */
};

/* Program name used as the prefix of every error line ("fwseal", "fwseal-device"). */
extern const char *cli_prog;

/* One line on stderr: "<prog>: <message>". Returns code so callers can `return cli_err(...)`. */
int cli_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message of the last cli_err() (for "did you mean" hints), or NULL. */
const char *cli_last_error(void);
/* Same for warnings (no exit code). */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Map a negative fw_err code to an exit code: I/O-ish errors -> 3, else 1. */
int cli_exit_for(int fw_err);

/* Read a whole file (at most max bytes; larger files are refused with EXIT_REJECT);
 * path "-" reads standard input to its end.
 * On success *buf is malloc'd (caller frees, wipes if secret). Prints the error itself. */
int cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);

/* Atomic output, nothing left behind. cli_out_open() creates the file with
 * `mode` (umask does not apply) WITHOUT a name where the file system allows it
 * (O_TMPFILE in the output's directory); cli_out_commit() links it into place
 * only then, replacing an existing regular file atomically (readers see the
 * old or the new file, never a partial one); cli_out_abort() drops it. A kill,
 * crash or power loss before the commit therefore leaves no file at all: no
 * unauthenticated plaintext, no half-written key.
 * Where O_TMPFILE is not supported (EOPNOTSUPP/EISDIR/EINVAL: NFS, FUSE,
 * older kernels) the data goes to a named temporary ".<name>.fwseal-tmp.<pid>"
 * with the same mode; every cli_out_open() first removes such temporaries in
 * its directory whose process is gone (cli_out_sweep), so what a kill leaves
 * is removed by the next fwseal or fwseal-device run writing there.
 * Secrets (mode without group/other bits, e.g. 0600) are fsynced, and their
 * directory after the rename: losing a freshly generated key is expensive.
 * Bulk outputs are not, like cp or espsecure; on replacement they swap in
 * with renameat2(RENAME_EXCHANGE), which ext4 does not turn into a forced
 * flush of the new data the way it does a rename() over an existing file
 * (auto_da_alloc; see docs/guide.md "Output files"). path "-" means stdout
 * (not atomic, of course); a secret (mode without group/other bits) is refused
 * when stdout is a terminal.
 * An existing output that is not a regular file (directory, device, FIFO) is
 * refused rather than replaced.
 * Test-only knob: FWSEAL_TEST_NO_TMPFILE=1 forces the named-temporary path. */
struct cli_out {
    FILE *f;
    char *path;      /* final name */
    char *dir;       /* its directory */
    char *tmp;       /* named temporary (fallback, or the link step of a replacement) */
    int is_stdout;
    int durable;     /* fsync data, then the directory */
    int unnamed;     /* O_TMPFILE: no name until the commit */
    int tmp_exists;  /* tmp names our file right now */
};
int cli_out_open(struct cli_out *o, const char *path, int mode);
int cli_out_commit(struct cli_out *o);
void cli_out_abort(struct cli_out *o);
/* Remove stale ".*.fwseal-tmp.<pid>" files of this user in dir: regular
 * files whose process no longer exists, or whose pid now belongs to a process
 * started after the file was last written. Returns how many were removed;
 * each one is named in a warning. */
int cli_out_sweep(const char *dir);
/* Write a whole buffer to path atomically with mode (0600 for secrets). */
int cli_write_file(const char *path, const void *buf, size_t len, int mode);

/* Hex helpers. cli_parse_hex accepts an optional 0x prefix; returns bytes written or -1. */
long cli_parse_hex(const char *hex, uint8_t *out, size_t max);
void cli_print_hex(FILE *f, const uint8_t *p, size_t n);
/* Parse an unsigned number: decimal, 0x hex, optional K/M suffix. Returns 0 on success. */
int cli_parse_u64(const char *s, uint64_t *out);

/* Keys in DER for code that parses PEM only (the mbedTLS device side wants
 * the PEM text): does p hold PEM armour? Wrap DER as "-----BEGIN label-----"
 * PEM (malloc'd; the caller wipes and frees it; NULL: out of memory). */
int cli_is_pem(const uint8_t *p, size_t n);
uint8_t *cli_pem_armour(const uint8_t *der, size_t n, const char *label, size_t *len);

/* Text-safe copy of n bytes for a terminal: valid UTF-8 as it is, control
 * and invalid bytes as \xNN; always NUL-terminated (truncated to fit). */
void cli_safe_text(const char *p, size_t n, char *out, size_t max);

/* True if argv contains -h or --help. */
int cli_wants_help(int argc, char **argv);

#include "cli/util/cli_args.h"

#endif
