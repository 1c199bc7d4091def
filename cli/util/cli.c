#include "cli/util/cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fw_err.h"

const char *cli_prog = "fwseal";

int cli_err(int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cli_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: warning: ", cli_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_exit_for(int e)
{
    switch (e) {
    case FW_OK: return EXIT_OK_;
    case FW_ERR_IO: case FW_ERR_NOMEM: case FW_ERR_NET: case FW_ERR_TIMEOUT: case FW_ERR_CRYPTO:
        return EXIT_IO;
    case FW_ERR_POWER_LOSS: return EXIT_POWER_LOSS;
    case FW_ERR_INVALID_ARG: return EXIT_USAGE;
    default: return EXIT_REJECT;
    }
}

int cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return cli_err(EXIT_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return cli_err(EXIT_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return cli_err(EXIT_REJECT, "%s: too large (%lld bytes, limit %zu)", path, (long long)st.st_size, max);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) { close(fd); return cli_err(EXIT_IO, "%s: out of memory", path); }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { free(p); close(fd); return cli_err(EXIT_IO, "%s: read failed", path); }
        got += (size_t)r;
    }
    close(fd);
    *buf = p;
    *len = n;
    return 0;
}

int cli_out_open(struct cli_out *o, const char *path, int mode)
{
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->is_stdout = 1;
        return 0;
    }
    size_t n = strlen(path) + 32;
    o->path = strdup(path);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) { free(o->path); free(o->tmp); return cli_err(EXIT_IO, "out of memory"); }
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, mode);
    if (fd < 0) {
        int e = errno;
        free(o->path); free(o->tmp); o->path = o->tmp = NULL;
        return cli_err(EXIT_IO, "%s: cannot create: %s", path, strerror(e));
    }
    fchmod(fd, (mode_t)mode); /* umask must not widen or narrow the contract */
    o->durable = (mode & 077) == 0;
    o->f = fdopen(fd, "wb");
    if (!o->f) { close(fd); unlink(o->tmp); return cli_err(EXIT_IO, "%s: fdopen failed", path); }
    return 0;
}

int cli_out_commit(struct cli_out *o)
{
    int rc = 0;
    if (o->is_stdout) {
        if (fflush(stdout) != 0) rc = cli_err(EXIT_IO, "stdout: write failed");
        return rc;
    }
    if (fflush(o->f) != 0 || ferror(o->f)) rc = EXIT_IO;
    if (rc == 0 && o->durable && fsync(fileno(o->f)) != 0) rc = EXIT_IO;
    if (fclose(o->f) != 0) rc = EXIT_IO;
    o->f = NULL;
    if (rc == 0 && rename(o->tmp, o->path) != 0) rc = EXIT_IO;
    if (rc != 0) {
        unlink(o->tmp);
        cli_err(EXIT_IO, "%s: write failed: %s", o->path, strerror(errno));
    }
    free(o->path); free(o->tmp);
    o->path = o->tmp = NULL;
    return rc;
}

void cli_out_abort(struct cli_out *o)
{
    if (o->is_stdout) return;
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    free(o->path); free(o->tmp);
    memset(o, 0, sizeof *o);
}

int cli_write_file(const char *path, const void *buf, size_t len, int mode)
{
    struct cli_out o;
    int rc = cli_out_open(&o, path, mode);
    if (rc) return rc;
    if (len && fwrite(buf, 1, len, o.f) != len) {
        cli_out_abort(&o);
        return cli_err(EXIT_IO, "%s: write failed", path);
    }
    return cli_out_commit(&o);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

long cli_parse_hex(const char *hex, uint8_t *out, size_t max)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > max) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)hex[2 * i]), lo = hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

void cli_print_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s) return -1;
    uint64_t mul = 1;
    if (*end == 'K' || *end == 'k') { mul = 1024; end++; }
    else if (*end == 'M' || *end == 'm') { mul = 1024 * 1024; end++; }
    if (*end == 'B' && mul != 1) end++;
    if (*end) return -1;
    if (v > UINT64_MAX / mul) return -1;
    *out = (uint64_t)v * mul;
    return 0;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}
