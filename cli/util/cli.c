/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* O_TMPFILE, linkat AT_EMPTY_PATH, renameat2 */
#include "cli/util/cli.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fw_bytes.h"
#include "fw_err.h"
#include "host/fwh_json.h"

const char *cli_prog = "fwseal";

static char last_error[512];

int cli_err(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: ", cli_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

const char *cli_last_error(void)
{
    return last_error[0] ? last_error : NULL;
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

/* "-": standard input, read to its end (at most max bytes). */
static int read_stdin(size_t max, uint8_t **buf, size_t *len)
{
    size_t cap = 4096, n = 0;
    uint8_t *p = malloc(cap);
    if (!p) return cli_err(EXIT_IO, "stdin: out of memory");
    for (;;) {
        if (n == cap) {
            if (cap > max) break;
            uint8_t *q = malloc(cap * 2); /* not realloc: the old buffer may hold a secret, wipe it */
            if (!q) { fw_wipe(p, n); free(p); return cli_err(EXIT_IO, "stdin: out of memory"); }
            memcpy(q, p, n);
            fw_wipe(p, n);
            free(p);
            p = q;
            cap *= 2;
        }
        ssize_t r = read(STDIN_FILENO, p + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { fw_wipe(p, n); free(p); return cli_err(EXIT_IO, "stdin: read failed: %s", strerror(errno)); }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > max) {
        fw_wipe(p, n);
        free(p);
        return cli_err(EXIT_REJECT, "stdin: too large (limit %zu bytes)", max);
    }
    *buf = p;
    *len = n;
    return 0;
}

int cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
    if (!strcmp(path, "-")) return read_stdin(max, buf, len);
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

/* ---- atomic outputs (see cli.h) ------------------------------------------- */

#define TMP_MARK ".fwseal-tmp."

static void out_free(struct cli_out *o)
{
    free(o->path);
    free(o->dir);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

/* "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/". */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Name ".<base>.fwseal-tmp.<pid>"? Sets *pid. */
static int temp_name_pid(const char *name, long *pid)
{
    if (name[0] != '.') return 0;
    const char *m = NULL;
    for (const char *q = strstr(name, TMP_MARK); q; q = strstr(q + 1, TMP_MARK)) m = q;
    if (!m || m == name) return 0;
    const char *d = m + strlen(TMP_MARK);
    if (*d < '1' || *d > '9') return 0;
    char *end;
    errno = 0;
    long v = strtol(d, &end, 10);
    if (errno || *end || v <= 0) return 0;
    *pid = v;
    return 1;
}

/* Start of process pid in seconds since the epoch (Linux /proc), or -1. The
 * boot time in /proc/stat has a 1 s resolution: callers allow for it. */
static double proc_start_time(long pid)
{
    char p[64], buf[1024];
    snprintf(p, sizeof p, "/proc/%ld/stat", pid);
    FILE *f = fopen(p, "re");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *q = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
    unsigned long long ticks = 0;
    int field = 2;
    for (; q && *q && field < 22; q++)
        if (*q == ' ') field++;
    if (!q || field != 22 || sscanf(q, "%llu", &ticks) != 1) return -1;
    f = fopen("/proc/stat", "re");
    if (!f) return -1;
    unsigned long long btime = 0;
    char line[256];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "btime %llu", &btime) == 1) break;
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (!btime || hz <= 0) return -1;
    return (double)btime + (double)ticks / (double)hz;
}

/* Our temporary of a process that is gone? An existing pid counts as gone
 * only if that process started after the file was last written (pid reuse,
 * or a file from before a reboot). Unknown: not stale (leave it). */
static int temp_is_stale(long pid, const struct stat *st)
{
    if (pid > INT32_MAX) return 1;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return 1;
    double start = proc_start_time(pid);
    double written = (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec / 1e9;
    return start >= 0 && start > written + 1.0;
}

/* Once per directory per process is enough (fuzzers and long-running
 * callers write the same output many times). */
static int sweep_once(const char *dir)
{
    static char last[4096];
    if (strlen(dir) < sizeof last) {
        if (!strcmp(last, dir)) return 0;
        snprintf(last, sizeof last, "%s", dir);
    }
    return cli_out_sweep(dir);
}

int cli_out_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        long pid;
        struct stat st;
        if (!temp_name_pid(de->d_name, &pid)) continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || !temp_is_stale(pid, &st)) continue;
        if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
            removed++;
            cli_warn("removed %s/%s, a temporary left by an interrupted run (pid %ld)", dir, de->d_name, pid);
        }
    }
    closedir(d);
    return removed;
}

/* "<dir>/.<base>.fwseal-tmp.<pid>"; base shortened to keep the name legal. */
static char *temp_path(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(dir) + strlen(base) + 64;
    char *t = malloc(n);
    if (t) snprintf(t, n, "%s/.%.200s" TMP_MARK "%ld", dir, base, (long)getpid());
    return t;
}

static int tmpfile_wanted(void)
{
    const char *e = getenv("FWSEAL_TEST_NO_TMPFILE");
    return !(e && *e && strcmp(e, "0"));
}

/* The unnamed file, or -1 with errno (EOPNOTSUPP & co: use a named one). */
static int open_unnamed(const char *dir, int mode)
{
#ifdef O_TMPFILE
    /* Linking it later needs /proc/self/fd (AT_EMPTY_PATH needs a capability):
     * without /proc (some containers) use the named fallback from the start. */
    if (tmpfile_wanted() && access("/proc/self/fd", F_OK) == 0)
        return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, (mode_t)mode);
#else
    (void)dir;
    (void)mode;
#endif
    errno = EOPNOTSUPP;
    return -1;
}

int cli_out_open(struct cli_out *o, const char *path, int mode)
{
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        /* a secret (no group/other bits) is not shown on a terminal */
        if ((mode & 077) == 0 && isatty(STDOUT_FILENO))
            return cli_err(EXIT_USAGE, "-o -: refusing to write a secret to a terminal (redirect stdout or name a file)");
        o->f = stdout;
        o->is_stdout = 1;
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return cli_err(EXIT_IO, "%s: exists and is not a regular file (outputs replace regular files only)", path);
    size_t len = strlen(path);
    if (len == 0 || path[len - 1] == '/') return cli_err(EXIT_IO, "%s: not a file name", path);
    o->path = strdup(path);
    o->dir = dir_of(path);
    if (o->path && o->dir) o->tmp = temp_path(o->dir, path);
    if (!o->tmp) {
        out_free(o);
        return cli_err(EXIT_IO, "out of memory");
    }
    sweep_once(o->dir);
    int fd = open_unnamed(o->dir, mode);
    o->unnamed = fd >= 0;
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        fd = open(o->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
        o->tmp_exists = fd >= 0;
    }
    if (fd < 0) {
        int e = errno;
        cli_err(EXIT_IO, "%s: cannot create: %s", path, strerror(e));
        out_free(o);
        return EXIT_IO;
    }
    fchmod(fd, (mode_t)mode); /* umask must not widen or narrow the contract */
    o->durable = (mode & 077) == 0;
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        cli_out_abort(o);
        return cli_err(EXIT_IO, "%s: fdopen failed", path);
    }
    return 0;
}

/* Give the unnamed file the name `to` (which must not exist). */
static int link_unnamed(int fd, const char *to)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, to, AT_SYMLINK_FOLLOW) == 0) return 0;
#ifdef AT_EMPTY_PATH
    if (errno == ENOENT) { /* no /proc: needs CAP_DAC_READ_SEARCH, but try */
        int e = errno;
        if (linkat(fd, "", AT_FDCWD, to, AT_EMPTY_PATH) == 0) return 0;
        errno = e;
    }
#endif
    return -1;
}

/* Put the complete file at o->tmp in place of o->path (atomically).
 * Bulk outputs replacing a regular file: exchange, then unlink the old one
 * (ext4 flushes the new data on a rename() over an existing file, not on an
 * exchange). Secrets: already fsynced, rename() is as cheap. */
static int replace_from_tmp(struct cli_out *o)
{
#if defined(RENAME_EXCHANGE)
    struct stat st;
    if (!o->durable && lstat(o->path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_EXCHANGE) == 0) {
            /* o->tmp is now the old output; a kill here leaves it for the sweep */
            if (lstat(o->tmp, &st) == 0 && !S_ISREG(st.st_mode)) {
                /* raced with something that is not a file: put it back */
                renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_EXCHANGE);
                return -1;
            }
            if (unlink(o->tmp) != 0)
                cli_warn("%s: cannot remove the replaced output: %s", o->tmp, strerror(errno));
            o->tmp_exists = 0;
            return 0;
        }
        if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP && errno != ENOENT) return -1;
    }
#endif
    if (rename(o->tmp, o->path) != 0) return -1;
    o->tmp_exists = 0;
    return 0;
}

static int publish(struct cli_out *o)
{
    int fd = fileno(o->f);
    if (o->unnamed) {
        if (link_unnamed(fd, o->path) == 0) return 0;
        if (errno != EEXIST) return -1;
        /* linkat cannot replace: link under our temporary name, then swap in */
        if (link_unnamed(fd, o->tmp) != 0) return -1;
        o->tmp_exists = 1;
    }
    return replace_from_tmp(o);
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    if (rc != 0 && (errno == EINVAL || errno == EROFS)) rc = 0; /* not syncable: nothing to do */
    close(fd);
    return rc;
}

int cli_out_commit(struct cli_out *o)
{
    int rc = 0;
    if (o->is_stdout) {
        if (fflush(stdout) != 0) rc = cli_err(EXIT_IO, "stdout: write failed");
        return rc;
    }
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) e = errno ? errno : EIO;
    if (!e && o->durable && fsync(fileno(o->f)) != 0) e = errno;
    if (!e && publish(o) != 0) e = errno;
    if (!e && o->durable && sync_dir(o->dir) != 0) e = errno;
    if (e) {
        cli_err(EXIT_IO, "%s: write failed: %s", o->path, strerror(e));
        cli_out_abort(o);
        return EXIT_IO;
    }
    if (fclose(o->f) != 0) rc = cli_err(EXIT_IO, "%s: close failed: %s", o->path, strerror(errno));
    o->f = NULL;
    out_free(o);
    return rc;
}

void cli_out_abort(struct cli_out *o)
{
    if (o->is_stdout) return;
    if (o->f) fclose(o->f);  /* an unnamed file disappears here */
    o->f = NULL;
    if (o->tmp_exists) unlink(o->tmp);
    out_free(o);
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
        if (cli_opt(argv[i], "-h") || cli_opt(argv[i], "--help")) return 1;
    return 0;
}

/* ---- DER keys for the mbedTLS side ------------------------------------------ */

int cli_is_pem(const uint8_t *p, size_t n)
{
    static const char begin[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof begin - 1 <= n; i++)
        if (!memcmp(p + i, begin, sizeof begin - 1)) return 1;
    return 0;
}

uint8_t *cli_pem_armour(const uint8_t *der, size_t n, const char *label, size_t *len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t cap = 2 * strlen(label) + 64 + (n + 2) / 3 * 4 + n / 48 + 2;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t o = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", label);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)der[i] << 16 | (i + 1 < n ? (uint32_t)der[i + 1] << 8 : 0) | (i + 2 < n ? der[i + 2] : 0);
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
        if ((i / 3 + 1) % 16 == 0 || i + 3 >= n) out[o++] = '\n';
    }
    o += (size_t)snprintf(out + o, cap - o, "-----END %s-----\n", label);
    *len = o;
    return (uint8_t *)out;
}

void cli_safe_text(const char *p, size_t n, char *out, size_t max)
{
    const uint8_t *u = (const uint8_t *)p;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < max;) {
        size_t len = fw_utf8_seq_len(u + i, n - i);
        if (len > 1 && o + len < max) { memcpy(out + o, u + i, len); o += len; i += len; continue; }
        if (len == 1 && u[i] >= 0x20 && u[i] != 0x7F) out[o++] = (char)u[i];
        else o += (size_t)snprintf(out + o, max - o, "\\x%02x", u[i]);
        i++;
    }
    out[o] = 0;
}
