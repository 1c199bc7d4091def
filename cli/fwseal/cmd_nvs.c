/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal nvs generate|dump: NVS partition images on the host (FORMATS §5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/fwseal/commands.h"
#include "cli/util/cli.h"
#include "cli/util/nvs_print.h"
#include "fw_err.h"
#include "fw_nvs.h"
#include "host/fwh_nvs_csv.h"
#include "nvs/fw_nvs_store.h"
#include "host/nvs_host.h"

#define NVS_FILE_MAX (16u * 1024 * 1024)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal nvs generate CSV SIZE -o PART.bin [--keys NVSKEYS.bin]\n"
            "       fwseal nvs dump PART.bin [--keys NVSKEYS.bin] [--json]\n"
            "\n"
            "generate  build an NVS partition image (format version 2) from a CSV in the\n"
            "          format of Espressif's nvs_partition_gen.py (key,type,encoding,value;\n"
            "          namespace / data / file rows; u8 i8 u16 i16 u32 i32 u64 i64 string\n"
            "          hex2bin base64 binary). File paths are relative to the CSV's directory.\n"
            "          SIZE: partition size (multiple of 4096, >= 0x3000). With --keys the\n"
            "          entries are XTS-encrypted with the keys of an nvs_keys image\n"
            "          (fwseal keygen nvs-keys, or nvs_partition_gen.py generate-key).\n"
            "dump      list every namespace / key / type / value of an image (blobs in\n"
            "          base64); --keys decrypts an encrypted image.\n"
            "\n"
            "options:\n"
            "  -o FILE        output image (generate)\n"
            "  --keys FILE    nvs_keys partition image (eky || tky || CRC32)\n"
            "  --json         JSON array (namespace, key, type, value[, chunks])\n"
            "\n"
            "examples:\n"
            "  fwseal nvs generate factory.csv 0x6000 -o factory_nvs.bin\n"
            "  fwseal nvs generate factory.csv 0x6000 -o nvs_enc.bin --keys nvs_keys.bin\n"
            "  fwseal nvs dump nvs_enc.bin --keys nvs_keys.bin --json\n");
}

/* Load and check an nvs_keys image into keys[64]; prints the error. */
static int load_keys(const char *path, uint8_t keys[64])
{
    uint8_t *buf;
    size_t n;
    int rc = cli_read_file(path, 1024 * 1024, &buf, &n);
    if (rc) return rc;
    if (n < 68) {
        free(buf);
        return cli_err(EXIT_REJECT, "%s: too short for an nvs_keys partition (%zu bytes)", path, n);
    }
    rc = fw_nvs_keys_parse(buf, buf, keys);
    OPENSSL_cleanse(buf, n);
    free(buf);
    if (rc == FW_ERR_STATE) return cli_err(EXIT_REJECT, "%s: nvs_keys partition: keys not initialised (erased)", path);
    if (rc) return cli_err(EXIT_REJECT, "%s: corrupt nvs_keys partition (CRC mismatch)", path);
    return 0;
}

struct loader_ctx {
    char dir[4096];
};

static int load_rel(void *ctx, const char *path, uint8_t **buf, size_t *len)
{
    struct loader_ctx *l = ctx;
    char full[8192];
    if (path[0] == '/') snprintf(full, sizeof full, "%s", path);
    else snprintf(full, sizeof full, "%s%s", l->dir, path);
    FILE *f = fopen(full, "rb");
    if (!f) return FW_ERR_IO;
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        if (n == cap) {
            if (cap >= NVS_FILE_MAX) { free(b); b = NULL; break; }
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; break; }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (!b || err) { free(b); return FW_ERR_IO; }
    *buf = b;
    *len = n;
    return FW_OK;
}

static int parse_common(int argc, char **argv, const char **pos, int npos, const char **out, const char **keys,
                        int *json)
{
    int got = 0;
    for (int i = 2; i < argc; i++) {
        if (cli_opt(argv[i], "-o") && out && i + 1 < argc) *out = argv[++i];
        else if (cli_opt(argv[i], "--keys") && i + 1 < argc) *keys = argv[++i];
        else if (cli_opt(argv[i], "--json") && json) *json = 1;
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "nvs: unknown option '%s'", argv[i]);
        else if (got < npos) pos[got++] = argv[i];
        else return cli_err(EXIT_USAGE, "nvs: unexpected argument '%s'", argv[i]);
    }
    if (got != npos) return cli_err(EXIT_USAGE, "nvs: missing arguments (see fwseal nvs --help)");
    return 0;
}

static int cmd_generate(int argc, char **argv)
{
    const char *pos[2], *out = NULL, *keyf = NULL;
    int rc = parse_common(argc, argv, pos, 2, &out, &keyf, NULL);
    if (rc) return rc;
    if (!out) return cli_err(EXIT_USAGE, "nvs generate: -o PART.bin is required");
    uint64_t size;
    if (cli_parse_u64(pos[1], &size) || size % 4096 || size < 0x3000 || size > 64u * 1024 * 1024)
        return cli_err(EXIT_USAGE, "nvs generate: SIZE '%s' must be a multiple of 4096 between 0x3000 and 64M", pos[1]);
    uint8_t keys[64];
    struct fwh_nvs_xts x;
    struct fw_nvs_crypt c;
    if (keyf) {
        rc = load_keys(keyf, keys);
        if (rc) return rc;
        fwh_nvs_xts_init(&x, keys);
        OPENSSL_cleanse(keys, sizeof keys);
        fwh_nvs_xts_crypt(&x, &c);
    }
    uint8_t *csv = NULL, *img = NULL;
    size_t csvlen;
    rc = cli_read_file(pos[0], NVS_FILE_MAX, &csv, &csvlen);
    if (!rc && !(img = malloc(size))) rc = cli_err(EXIT_IO, "out of memory");
    if (!rc) {
        struct loader_ctx l;
        const char *slash = strrchr(pos[0], '/');
        size_t dl = slash ? (size_t)(slash - pos[0] + 1) : 0;
        if (dl >= sizeof l.dir) dl = 0;
        memcpy(l.dir, pos[0], dl);
        l.dir[dl] = 0;
        struct fw_nvs_gen_loader ld = { load_rel, &l };
        char err[300];
        int g = fw_nvs_gen_csv((char *)csv, csvlen, img, size, &ld, keyf ? &c : NULL, err, sizeof err);
        if (g == FW_ERR_IO) rc = cli_err(EXIT_IO, "%s: %s", pos[0], err);
        else if (g) rc = cli_err(EXIT_REJECT, "%s: %s", pos[0], err);
        else rc = cli_write_file(out, img, size, 0644);
    }
    if (keyf) fwh_nvs_xts_free(&x);
    free(csv);
    free(img);
    return rc;
}

static int ram_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    memcpy(buf, (const uint8_t *)ctx + off, len);
    return FW_OK;
}

static int cmd_dump(int argc, char **argv)
{
    const char *pos[1], *keyf = NULL;
    int json = 0;
    int rc = parse_common(argc, argv, pos, 1, NULL, &keyf, &json);
    if (rc) return rc;
    uint8_t *img;
    size_t n;
    rc = cli_read_file(pos[0], (size_t)FW_NVS_MAX_PAGES * FW_NVS_PAGE_SIZE, &img, &n);
    if (rc) return rc;
    if (n == 0 || n % FW_NVS_PAGE_SIZE) {
        free(img);
        return cli_err(EXIT_REJECT, "%s: size %zu is not a positive multiple of 4096", pos[0], n);
    }
    uint8_t keys[64];
    struct fwh_nvs_xts x;
    struct fw_nvs_crypt c;
    if (keyf) {
        rc = load_keys(keyf, keys);
        if (rc) { free(img); return rc; }
        fwh_nvs_xts_init(&x, keys);
        OPENSSL_cleanse(keys, sizeof keys);
        fwh_nvs_xts_crypt(&x, &c);
    }
    static struct fw_nvs_store s;
    struct fw_nvs_io io = { .size = (uint32_t)n, .read = ram_read, .ctx = img };
    int m = fw_nvs_mount(&s, &io, keyf ? &c : NULL, 1);
    if (m) {
        rc = cli_err(cli_exit_for(m), "%s: %s", pos[0], fw_fail_why(&s.fail));
    } else {
        int bad = nvs_print_items(stdout, &s, json);
        if (bad < 0) rc = cli_err(cli_exit_for(bad), "%s: %s", pos[0], fw_strerror(bad));
        else if (bad > 0) cli_warn("%s: %d item(s) skipped (data CRC mismatch)", pos[0], bad);
        if (!rc && fflush(stdout)) rc = cli_err(EXIT_IO, "stdout: write failed");
    }
    if (keyf) fwh_nvs_xts_free(&x);
    free(img);
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "generate")) return cmd_generate(argc, argv);
    if (!strcmp(argv[1], "dump")) return cmd_dump(argc, argv);
    return cli_err(EXIT_USAGE, "nvs: unknown subcommand '%s' (generate or dump)", argv[1]);
}

const struct cli_cmd cmd_nvs = { "nvs", "NVS partitions: generate from CSV (plain/encrypted), dump", run };
