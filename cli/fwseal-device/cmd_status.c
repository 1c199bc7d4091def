/* fwseal-device status: partitions, otadata, eFuse summary (never the
 * flash-encryption key), app descriptor of every app partition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/fwseal-device/otadata_view.h"
#include "cli/util/cli.h"
#include "device/fwd_efuse.h"
#include "device/fwd_otadata.h"
#include "fw_bytes.h"
#include "fw_image.h"
#include "fw_partition.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device status DIR [--json]\n\n"
               "Show the device: chip, eFuse summary (secure boot digests and revocations,\n"
               "secure_version, flash-encryption mode; never the key), partitions, both\n"
               "otadata entries with validity and state, and the app descriptor found in\n"
               "every app partition (read through flash decryption, not verified).\n\n"
               "example:\n  fwseal-device status dev --json\n");
}

/* JSON string with every non-printable byte escaped (descriptor strings are hostile). */
static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7F) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

/* Text mode: printable ASCII only. */
static void tstr(FILE *f, const char *s)
{
    for (; *s; s++) fputc((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7F ? *s : '?', f);
}

static void hex(FILE *f, const uint8_t *p, size_t n) { cli_print_hex(f, p, n); }

static const char *fe_name(int m)
{
    return m == FWD_FE_XTS128 ? "xts-128" : m == FWD_FE_XTS256 ? "xts-256" : m == FWD_FE_OFF ? "off" : "invalid";
}

struct app_info {
    int present;            /* 0 none, 1 header + descriptor */
    struct fw_image_header h;
    struct fw_app_desc d;
};

static int read_app(struct devdir *dd, const struct fwd_part *p, struct app_info *a)
{
    uint8_t b[FW_APP_DESC_END];
    memset(a, 0, sizeof *a);
    if (p->size < sizeof b) return 0;
    int rc = fwd_part_read(&dd->dev, p, 0, b, sizeof b);
    if (rc) return rc;
    fw_image_header_decode(b, &a->h);
    if (fw_image_header_check(&a->h) != FW_OK) return 0;
    fw_app_desc_decode(b + FW_APP_DESC_OFFSET, &a->d);
    a->present = a->d.magic_word == FW_APP_DESC_MAGIC;
    return 0;
}

static void json_efuse(FILE *f, const struct fwd_efuse_state *st)
{
    fprintf(f, "  \"efuse\": {\"flash_encryption\": \"%s\", \"secure_version\": %u, \"secure_version_bits\": \"0x%08x\", \"digests\": [",
            fe_name(st->fe_mode), fwd_efuse_secure_version(st), (unsigned)st->secure_version_bits);
    for (unsigned i = 0, first = 1; i < FWD_EFUSE_DIGEST_SLOTS; i++) {
        if (!(st->digest_present >> i & 1)) continue;
        fprintf(f, "%s{\"slot\": %u, \"digest\": \"", first ? "" : ", ", i);
        hex(f, st->digest[i], 32);
        fprintf(f, "\", \"revoked\": %s}", st->digest_revoked >> i & 1 ? "true" : "false");
        first = 0;
    }
    fprintf(f, "]},\n");
}

static void json_parts(FILE *f, const struct fwd_dev *d)
{
    fprintf(f, "  \"partitions\": [");
    for (size_t i = 0; i < d->nparts; i++) {
        const struct fwd_part *p = &d->parts[i];
        const char *tn = fw_pt_type_name(p->type), *sn = fw_pt_subtype_name(p->type, p->subtype);
        fprintf(f, "%s\n    {\"label\": ", i ? "," : "");
        jstr(f, p->label);
        fprintf(f, ", \"type\": \"%s\", \"type_id\": %u, \"subtype\": \"%s\", \"subtype_id\": %u, \"offset\": %u, \"size\": %u, \"flags\": %u, \"encrypted\": %s}",
                tn ? tn : "custom", p->type, sn ? sn : "custom", p->subtype, (unsigned)p->offset, (unsigned)p->size,
                (unsigned)p->flags, p->encrypted ? "true" : "false");
    }
    fprintf(f, "\n  ],\n");
}

static void json_otadata(FILE *f, const struct fwd_dev *d, const struct fwd_otadata *od, int rc)
{
    if (rc == FW_ERR_NOT_FOUND) { fprintf(f, "  \"otadata\": null,\n"); return; }
    if (rc) { fprintf(f, "  \"otadata\": {\"error\": \"%s\"},\n", fw_strerror(rc)); return; }
    fprintf(f, "  \"otadata\": {\"active\": %d", od->active);
    uint32_t slot;
    if (fwd_otadata_active_slot(d, od, &slot) == FW_OK) {
        fprintf(f, ", \"active_slot\": %u, \"boot_partition\": ", (unsigned)slot);
        jstr(f, fwd_part_ota_slot(d, slot)->label);
    } else {
        char order[160];
        otadata_plan_str(d, od, order, sizeof order);
        fprintf(f, ", \"boot_partition\": null, \"default_order\": ");
        jstr(f, order);
    }
    fprintf(f, ", \"entries\": [");
    for (int s = 0; s < 2; s++) {
        const struct fwd_otadata_sector *e = &od->sec[s];
        fprintf(f, "%s\n    {\"sector\": %d, \"status\": \"%s\", \"valid\": %s, \"seq\": %u, \"state\": \"%s\", \"state_id\": %u, \"records\": %u}",
                s ? "," : "", s, otadata_status_name(e->status), e->status == FW_OK ? "true" : "false", (unsigned)e->e.seq,
                fw_otadata_state_name(e->e.state), (unsigned)e->e.state, e->used);
    }
    fprintf(f, "\n  ]},\n");
}

static int json_apps(FILE *f, struct devdir *dd)
{
    fprintf(f, "  \"apps\": [");
    int first = 1;
    for (size_t i = 0; i < dd->dev.nparts; i++) {
        const struct fwd_part *p = &dd->dev.parts[i];
        if (p->type != FWD_PT_APP) continue;
        struct app_info a;
        int rc = read_app(dd, p, &a);
        if (rc) return rc;
        fprintf(f, "%s\n    {\"partition\": ", first ? "" : ",");
        jstr(f, p->label);
        first = 0;
        if (!a.present) { fprintf(f, ", \"image\": false}"); continue; }
        const char *chip = fw_chip_name(a.h.chip_id);
        fprintf(f, ", \"image\": true, \"chip\": \"%s\", \"chip_id\": %u, \"secure_version\": %u, \"version\": ",
                chip ? chip : "unknown", a.h.chip_id, (unsigned)a.d.secure_version);
        jstr(f, a.d.version);
        fprintf(f, ", \"project_name\": ");
        jstr(f, a.d.project_name);
        fprintf(f, ", \"idf_ver\": ");
        jstr(f, a.d.idf_ver);
        fprintf(f, "}");
    }
    fprintf(f, "\n  ]\n");
    return 0;
}

static int status_json(struct devdir *dd, const struct fwd_efuse_state *st)
{
    FILE *f = stdout;
    struct fwd_otadata od;
    int orc = fwd_otadata_load(&dd->dev, &od);
    if (orc == FW_ERR_POWER_LOSS) return devdir_fail(dd, "otadata", orc);
    const char *chip = fw_chip_name(st->chip_id);
    fprintf(f, "{\n  \"device\": {\"chip\": \"%s\", \"chip_id\": %u, \"chip_rev\": %u, \"flash_size\": %u},\n",
            chip ? chip : "unknown", st->chip_id, st->chip_rev, (unsigned)dd->sim.flash.size);
    json_efuse(f, st);
    json_parts(f, &dd->dev);
    json_otadata(f, &dd->dev, &od, orc);
    int rc = json_apps(f, dd);
    fprintf(f, "}\n");
    return rc ? devdir_fail(dd, "app partitions", rc) : 0;
}

static int status_text(struct devdir *dd, const struct fwd_efuse_state *st)
{
    FILE *f = stdout;
    const char *chip = fw_chip_name(st->chip_id);
    fprintf(f, "device      %s (chip id 0x%04x, rev %u), flash %u KiB\n", chip ? chip : "unknown", st->chip_id,
            st->chip_rev, (unsigned)(dd->sim.flash.size / 1024));
    fprintf(f, "eFuse       flash encryption %s, secure_version %u\n", fe_name(st->fe_mode), fwd_efuse_secure_version(st));
    for (unsigned i = 0; i < FWD_EFUSE_DIGEST_SLOTS; i++) {
        if (!(st->digest_present >> i & 1)) continue;
        fprintf(f, "            secure boot digest %u: ", i);
        hex(f, st->digest[i], 32);
        fprintf(f, "%s\n", st->digest_revoked >> i & 1 ? " (revoked)" : "");
    }
    fprintf(f, "partitions\n");
    for (size_t i = 0; i < dd->dev.nparts; i++) {
        const struct fwd_part *p = &dd->dev.parts[i];
        const char *tn = fw_pt_type_name(p->type), *sn = fw_pt_subtype_name(p->type, p->subtype);
        fprintf(f, "  %-16s %-5s %-9s 0x%06x %8u%s\n", p->label, tn ? tn : "?", sn ? sn : "?", (unsigned)p->offset,
                (unsigned)p->size, p->encrypted ? "  encrypted" : "");
    }
    struct fwd_otadata od;
    int rc = fwd_otadata_load(&dd->dev, &od);
    if (rc == FW_ERR_NOT_FOUND) fprintf(f, "otadata     none\n");
    else if (rc) return devdir_fail(dd, "otadata", rc);
    else {
        for (int s = 0; s < 2; s++) {
            if (od.sec[s].status == FW_ERR_CRC) { /* its seq and state are noise: do not show them as data */
                fprintf(f, "otadata[%d]  %-14s (CRC mismatch: record ignored)\n", s, "bad-crc");
                continue;
            }
            fprintf(f, "otadata[%d]  %-14s seq %-10u state %s%s\n", s, otadata_status_name(od.sec[s].status),
                    (unsigned)od.sec[s].e.seq, fw_otadata_state_name(od.sec[s].e.state), od.active == s ? "  (active)" : "");
        }
        uint32_t slot;
        if (fwd_otadata_active_slot(&dd->dev, &od, &slot) == FW_OK) {
            fprintf(f, "boot        %s\n", fwd_part_ota_slot(&dd->dev, slot)->label);
        } else {
            char order[160];
            otadata_plan_str(&dd->dev, &od, order, sizeof order);
            fprintf(f, "boot        no valid otadata record: default order, first that verifies: %s\n", order);
        }
    }
    for (size_t i = 0; i < dd->dev.nparts; i++) {
        const struct fwd_part *p = &dd->dev.parts[i];
        if (p->type != FWD_PT_APP) continue;
        struct app_info a;
        if ((rc = read_app(dd, p, &a))) return devdir_fail(dd, p->label, rc);
        fprintf(f, "app %-12s ", p->label);
        if (!a.present) { fprintf(f, "(no image)\n"); continue; }
        fprintf(f, "version ");
        tstr(f, a.d.version);
        fprintf(f, ", project ");
        tstr(f, a.d.project_name);
        fprintf(f, ", secure_version %u, chip %s\n", (unsigned)a.d.secure_version,
                fw_chip_name(a.h.chip_id) ? fw_chip_name(a.h.chip_id) : "unknown");
    }
    return 0;
}

static int run_status(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *dir = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (cli_is_option(argv[i])) return cli_err(EXIT_USAGE, "status: unknown option '%s' (see --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_err(EXIT_USAGE, "status: unexpected argument '%s'", argv[i]);
    }
    if (!dir) return cli_err(EXIT_USAGE, "status: usage: fwseal-device status DIR [--json]");
    struct devdir *dd;
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    struct fwd_efuse_state st;
    rc = dd->sim.plat.efuse.load(dd->sim.plat.efuse.ctx, &st);
    if (rc) rc = devdir_fail(dd, "eFuse", rc);
    else {
        fw_wipe(st.fe_key, sizeof st.fe_key); /* never shown, never kept */
        rc = json ? status_json(dd, &st) : status_text(dd, &st);
    }
    fw_wipe(&st, sizeof st);
    devdir_close(dd);
    return rc;
}

const struct fwdev_cmd cmd_status = {"status", "partitions, otadata, eFuse summary, app descriptors", run_status};
