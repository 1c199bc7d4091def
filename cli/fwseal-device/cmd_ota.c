/* fwseal-device ota: the running app installs a signed PLAINTEXT image from a
 * file or stdin into the passive slot (cli/fwseal-device/ota_apply.c does
 * the device part for any byte source). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/ota_apply.h"
#include "cli/fwseal-device/ota_enc.h"
#include "cli/util/cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device ota DIR --file IMAGE|-\n\n"
               "OTA performed by the running app (boots first if none runs): erase the passive\n"
               "slot, stream IMAGE (a signed plaintext app image; - = stdin) into it through\n"
               "flash encryption, verify it fully read back (structure, SHA-256, chip,\n"
               "secure_version >= eFuse, Secure Boot V2 signature against the eFuse digests),\n"
               "then select it for the next boot (otadata state NEW). On any failure the\n"
               "written part of the slot is erased and the next boot is unchanged (exit 1);\n"
               "a refusal before the erase (e.g. the running app is still PENDING_VERIFY:\n"
               "confirm or roll back first) leaves the slot untouched; the message says\n"
               "which happened.\n\n"
               "options:\n  --file IMAGE   image file, or - for stdin\n");
    fprintf(f, "\nEncrypted images (ESP encrypted image container, CF B6 88 07, detected by its\n"
               "magic) are decrypted on the fly with the device secret provisioned by\n"
               "`init --decrypt-key/--decrypt-hmac-key`; the GCM tag AND the signature must pass.\n"
               "usage: fwseal-device ota DIR URL --ca CA.pem [options]\n%s\n"
               "examples:\n  fwseal-device ota dev --file app-signed.bin && fwseal-device boot dev\n"
               "  fwseal-device ota dev https://updates.example:8443/app.enc --ca ca.pem --json\n",
            ota_enc_help);
}

struct file_src {
    FILE *f;
};

static long file_read(void *ctx, uint8_t *buf, size_t max)
{
    struct file_src *s = ctx;
    size_t n = fread(buf, 1, max, s->f);
    if (n == 0 && ferror(s->f)) return FW_ERR_IO;
    return (long)n;
}

static int run_ota(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *dir = NULL, *file = NULL;
    struct ota_enc_opts eo; /* encrypted / URL options (ota_enc.c) */
    ota_enc_defaults(&eo);
    for (int i = 1; i < argc; i++) {
        int r = cli_is_option(argv[i]) ? ota_enc_parse_opt(argc, argv, &i, &eo) : 0; /* not after "--" */
        if (r < 0) return EXIT_USAGE;
        if (r > 0) continue;
        if (cli_opt(argv[i], "--file") && i + 1 < argc) file = argv[++i];
        else if (dir && !eo.url && (!strncmp(argv[i], "https://", 8) || !strncmp(argv[i], "http://", 7))) eo.url = argv[i];
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "ota: unknown option '%s' (see --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_err(EXIT_USAGE, "ota: unexpected argument '%s'", argv[i]);
    }
    if (dir && (eo.url || (file && ota_enc_detect(file)))) {
        if (eo.url && file) return cli_err(EXIT_USAGE, "ota: give either a URL or --file, not both");
        eo.file = file;
        return ota_enc_cmd(dir, &eo);
    }
    if (!dir || !file) return cli_err(EXIT_USAGE, "ota: usage: fwseal-device ota DIR (URL --ca CA.pem | --file IMAGE|-)");
    struct file_src fs;
    struct ota_src src = {file_read, NULL, &fs, FWD_OTA_SIZE_UNKNOWN, file};
    if (!strcmp(file, "-")) {
        fs.f = stdin;
        src.name = "stdin";
    } else {
        struct stat st;
        fs.f = fopen(file, "rb");
        if (!fs.f) return cli_err(EXIT_IO, "%s: %s", file, strerror(errno));
        if (fstat(fileno(fs.f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < 0xFFFFFFFEll)
            src.size_hint = (uint32_t)st.st_size;
    }
    int rc = ota_apply_cmd(dir, &src);
    if (fs.f != stdin) fclose(fs.f);
    return rc;
}

const struct fwdev_cmd cmd_ota = {"ota", "running app installs a signed image into the passive slot", run_ota};
