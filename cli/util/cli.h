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
/* Same for warnings (no exit code). */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Map a negative fw_err code to an exit code: I/O-ish errors -> 3, else 1. */
int cli_exit_for(int fw_err);

/* Read a whole file (at most max bytes; larger files are refused with EXIT_REJECT).
 * On success *buf is malloc'd (caller frees, wipes if secret). Prints the error itself. */
int cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);

/* Atomic output: data goes to "<path>.tmp.<pid>" created with `mode`,
 * cli_out_commit() renames it over path, cli_out_abort() unlinks it.
 * Secrets (mode without group/other bits, e.g. 0600) are fsynced before the
 * rename: losing a freshly generated key is expensive. Bulk outputs are not,
 * like cp or espsecure: rename already guarantees no partial file at path. 
 * No partial output file is ever left at `path`. path "-" means stdout. */
struct cli_out {
    FILE *f;
    char *path;
    char *tmp;
    int is_stdout;
    int durable;   /* fsync before rename */
};
int cli_out_open(struct cli_out *o, const char *path, int mode);
int cli_out_commit(struct cli_out *o);
void cli_out_abort(struct cli_out *o);
/* Write a whole buffer to path atomically with mode (0600 for secrets). */
int cli_write_file(const char *path, const void *buf, size_t len, int mode);

/* Hex helpers. cli_parse_hex accepts an optional 0x prefix; returns bytes written or -1. */
long cli_parse_hex(const char *hex, uint8_t *out, size_t max);
void cli_print_hex(FILE *f, const uint8_t *p, size_t n);
/* Parse an unsigned number: decimal, 0x hex, optional K/M suffix. Returns 0 on success. */
int cli_parse_u64(const char *s, uint64_t *out);

/* True if argv contains -h or --help. */
int cli_wants_help(int argc, char **argv);

#endif
