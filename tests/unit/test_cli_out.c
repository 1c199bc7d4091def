/* SPDX-License-Identifier: Apache-2.0 */
/* cli_out (cli/util/cli.c): outputs have no name until committed (O_TMPFILE),
 * the fallback's named temporary is 0600-from-creation and swept when its
 * process is gone (dead pid, or a pid reused by a process started after the
 * file was written), atomic replacement, exact modes whatever the umask. */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/util/cli.h"

static char dir[64];

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof dir, "/tmp/fwseal-cliout.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    unsetenv("FWSEAL_TEST_NO_TMPFILE");
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    return rmdir(dir);
}

/* Entries of dir, sorted names joined by ' ' (empty: ""). */
static const char *listing(void)
{
    static char out[1024];
    char names[16][256];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && n < 16)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) snprintf(names[n++], 256, "%s", de->d_name);
    if (d) closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char t[256];
                memcpy(t, names[i], 256); memcpy(names[i], names[j], 256); memcpy(names[j], t, 256);
            }
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i) strcat(out, " ");
        strcat(out, names[i]);
    }
    return out;
}

static const char *in_dir(const char *name)
{
    static char p[4][512];
    static int k;
    char *o = p[k++ & 3];
    snprintf(o, 512, "%s/%s", dir, name);
    return o;
}

static void write_str(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static void unnamed_until_commit(void **s)
{
    (void)s;
    struct cli_out o;
    mode_t old = umask(0);
    assert_int_equal(cli_out_open(&o, in_dir("secret.bin"), 0600), 0);
    umask(old);
    assert_int_equal(o.unnamed, 1); /* /tmp supports O_TMPFILE on the test machines */
    assert_int_equal(fwrite("plaintext", 1, 9, o.f), 9);
    fflush(o.f);
    assert_string_equal(listing(), "");          /* written, yet no name anywhere */
    assert_int_equal(cli_out_commit(&o), 0);
    assert_string_equal(listing(), "secret.bin");
    struct stat st;
    assert_int_equal(stat(in_dir("secret.bin"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_size, 9);
}

static void abort_leaves_nothing(void **s)
{
    (void)s;
    for (int fallback = 0; fallback < 2; fallback++) {
        if (fallback) setenv("FWSEAL_TEST_NO_TMPFILE", "1", 1);
        struct cli_out o;
        assert_int_equal(cli_out_open(&o, in_dir("x.bin"), 0600), 0);
        assert_int_equal(o.unnamed, !fallback);
        fputs("not yet authenticated", o.f);
        fflush(o.f);
        if (fallback) {
            char want[128];
            snprintf(want, sizeof want, ".x.bin.fwseal-tmp.%ld", (long)getpid());
            assert_string_equal(listing(), want);
            struct stat st;
            assert_int_equal(stat(in_dir(want), &st), 0);
            assert_int_equal(st.st_mode & 07777, 0600);
        }
        cli_out_abort(&o);
        assert_string_equal(listing(), "");
    }
}

static void replace_is_atomic_both_paths(void **s)
{
    (void)s;
    for (int fallback = 0; fallback < 2; fallback++) {
        if (fallback) setenv("FWSEAL_TEST_NO_TMPFILE", "1", 1);
        for (int mode = 0; mode < 2; mode++) { /* bulk (exchange) and secret (fsync + rename) */
            write_str(in_dir("out.bin"), "old contents");
            struct stat before, after;
            assert_int_equal(stat(in_dir("out.bin"), &before), 0);
            FILE *reader = fopen(in_dir("out.bin"), "r");
            assert_int_equal(cli_write_file(in_dir("out.bin"), "new", 3, mode ? 0600 : 0644), 0);
            char buf[32] = {0};
            assert_non_null(fgets(buf, sizeof buf, reader));
            fclose(reader);
            assert_string_equal(buf, "old contents"); /* the old file stayed whole */
            assert_int_equal(stat(in_dir("out.bin"), &after), 0);
            assert_true(after.st_ino != before.st_ino);
            assert_int_equal(after.st_size, 3);
            assert_int_equal(after.st_mode & 07777, mode ? 0600 : 0644);
            assert_string_equal(listing(), "out.bin");
            unlink(in_dir("out.bin"));
        }
    }
}

static void set_mtime(const char *path, time_t t)
{
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void sweep_removes_only_stale_temporaries(void **s)
{
    (void)s;
    pid_t child = fork();
    if (child == 0) _exit(0);
    assert_true(child > 0);
    waitpid(child, NULL, 0);                                 /* a pid that is gone */
    char dead[64], reused[64], mine[64], live1[64];
    snprintf(dead, sizeof dead, ".a.bin.fwseal-tmp.%ld", (long)child);
    snprintf(reused, sizeof reused, ".b.bin.fwseal-tmp.%ld", (long)getppid());
    snprintf(mine, sizeof mine, ".c.bin.fwseal-tmp.%ld", (long)getpid());
    snprintf(live1, sizeof live1, ".d.bin.fwseal-tmp.%ld", (long)getpid());
    write_str(in_dir(dead), "x");
    write_str(in_dir(reused), "x");
    set_mtime(in_dir(reused), 1000000000);                    /* 2001: before that process started */
    write_str(in_dir(mine), "x");                             /* written by a live process: keep */
    write_str(in_dir(live1), "x");
    write_str(in_dir(".e.fwseal-tmp.0"), "x");                /* not a pid: not ours */
    write_str(in_dir("f.fwseal-tmp.123"), "x");               /* not hidden: not ours */
    assert_int_equal(symlink("/nonexistent", in_dir(".g.fwseal-tmp.999999")), 0); /* not a file */
    assert_int_equal(cli_out_sweep(dir), 2);
    char want[512];
    snprintf(want, sizeof want, ".c.bin.fwseal-tmp.%ld .d.bin.fwseal-tmp.%ld .e.fwseal-tmp.0 .g.fwseal-tmp.999999 "
             "f.fwseal-tmp.123", (long)getpid(), (long)getpid());
    assert_string_equal(listing(), want);
}

static void refuses_non_regular_outputs(void **s)
{
    (void)s;
    struct cli_out o;
    assert_int_equal(mkdir(in_dir("sub"), 0755), 0);
    assert_int_equal(cli_out_open(&o, in_dir("sub"), 0644), EXIT_IO);
    assert_int_equal(cli_out_open(&o, in_dir("sub/"), 0644), EXIT_IO);
    assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
    assert_int_equal(cli_out_open(&o, in_dir("fifo"), 0644), EXIT_IO);
    assert_string_equal(listing(), "fifo sub");
    rmdir(in_dir("sub"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unnamed_until_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(replace_is_atomic_both_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(sweep_removes_only_stale_temporaries, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_non_regular_outputs, setup, teardown),
    };
    return cmocka_run_group_tests_name("cli_out", tests, NULL, NULL);
}
