/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device status: partitions, otadata, eFuse summary (never the
 * flash-encryption key), app descriptor of every app partition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/fwseal-device/ota_progress_view.h"
#include "cli/fwseal-device/fleet_cli.h"
#include "cli/fwseal-device/otadata_view.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"
#include "host/fwh_json.h"
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
               "every app partition (read through flash decryption, not verified), an\n"
               "interrupted OTA or fleet update kept for a resume (slot, bytes done / total,\n"
               "URL; --json: interrupted_ota.kind \"ota\" or \"fleet\"), and for a\n"
               "fleet device its id (init --id) and manifest memory (last accepted manifest\n"
               "sequence number, newest manifest time seen: see `update --help`).\n\n"
               "example:\n  fwseal-device status dev --json\n");
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

static void json_efuse(struct fw_json *j, const struct fwd_efuse_state *st)
{
    char bits[16];
    snprintf(bits, sizeof bits, "0x%08x", (unsigned)st->secure_version_bits);
    fw_json_key(j, "efuse");
    fw_json_obj(j);
    fw_json_kstr(j, "flash_encryption", fe_name(st->fe_mode));
    fw_json_ku64(j, "secure_version", fwd_efuse_secure_version(st));
    fw_json_kstr(j, "secure_version_bits", bits);
    fw_json_kstr(j, "secure_boot_image_digest", st->sb_sha384 ? "sha384" : "sha256");
    fw_json_ku64(j, "required_signatures", fwd_efuse_required_signatures(st));
    fw_json_key(j, "digests");
    fw_json_arr(j);
    for (unsigned i = 0; i < FWD_EFUSE_DIGEST_SLOTS; i++) {
        if (!(st->digest_present >> i & 1)) continue;
        fw_json_obj(j);
        fw_json_ku64(j, "slot", i);
        fw_json_khex(j, "digest", st->digest[i], 32);
        fw_json_kbool(j, "revoked", st->digest_revoked >> i & 1);
        fw_json_end(j);
    }
    fw_json_end(j);
    fw_json_end(j);
}

static void json_parts(struct fw_json *j, const struct fwd_dev *d)
{
    fw_json_key(j, "partitions");
    fw_json_arr(j);
    for (size_t i = 0; i < d->nparts; i++) {
        const struct fwd_part *p = &d->parts[i];
        const char *tn = fw_pt_type_name(p->type), *sn = fw_pt_subtype_name(p->type, p->subtype);
        fw_json_obj(j);
        fw_json_kstr(j, "label", p->label);
        fw_json_kstr(j, "type", tn ? tn : "custom");
        fw_json_ku64(j, "type_id", p->type);
        fw_json_kstr(j, "subtype", sn ? sn : "custom");
        fw_json_ku64(j, "subtype_id", p->subtype);
        fw_json_ku64(j, "offset", p->offset);
        fw_json_ku64(j, "size", p->size);
        fw_json_ku64(j, "flags", p->flags);
        fw_json_kbool(j, "encrypted", p->encrypted);
        fw_json_end(j);
    }
    fw_json_end(j);
}

static void json_otadata(struct fw_json *j, const struct fwd_dev *d, const struct fwd_otadata *od, int rc)
{
    fw_json_key(j, "otadata");
    if (rc == FW_ERR_NOT_FOUND) { fw_json_null(j); return; }
    fw_json_obj(j);
    if (rc) { fw_json_kstr(j, "error", fw_strerror(rc)); fw_json_end(j); return; }
    fw_json_ki64(j, "active", od->active);
    uint32_t slot;
    if (fwd_otadata_active_slot(d, od, &slot) == FW_OK) {
        fw_json_ku64(j, "active_slot", slot);
        fw_json_kstr(j, "boot_partition", fwd_part_ota_slot(d, slot)->label);
    } else {
        char order[160];
        otadata_plan_str(d, od, order, sizeof order);
        fw_json_knull(j, "boot_partition");
        fw_json_kstr(j, "default_order", order);
    }
    fw_json_key(j, "entries");
    fw_json_arr(j);
    for (int s = 0; s < 2; s++) {
        const struct fwd_otadata_sector *e = &od->sec[s];
        fw_json_obj(j);
        fw_json_ki64(j, "sector", s);
        fw_json_kstr(j, "status", otadata_status_name(e->status));
        fw_json_kbool(j, "valid", e->status == FW_OK);
        fw_json_ku64(j, "seq", e->e.seq);
        fw_json_kstr(j, "state", fw_otadata_state_name(e->e.state));
        fw_json_ku64(j, "state_id", e->e.state);
        fw_json_ku64(j, "records", e->used);
        fw_json_end(j);
    }
    fw_json_end(j);
    fw_json_end(j);
}

static int json_apps(struct fw_json *j, struct devdir *dd)
{
    int rc = 0;
    fw_json_key(j, "apps");
    fw_json_arr(j);
    for (size_t i = 0; i < dd->dev.nparts && !rc; i++) {
        const struct fwd_part *p = &dd->dev.parts[i];
        if (p->type != FWD_PT_APP) continue;
        struct app_info a;
        rc = read_app(dd, p, &a);
        if (rc) break;
        fw_json_obj(j);
        fw_json_kstr(j, "partition", p->label);
        fw_json_kbool(j, "image", a.present);
        if (a.present) {
            const char *chip = fw_chip_name(a.h.chip_id);
            fw_json_kstr(j, "chip", chip ? chip : "unknown");
            fw_json_ku64(j, "chip_id", a.h.chip_id);
            fw_json_ku64(j, "secure_version", a.d.secure_version);
            fw_json_kstr(j, "version", a.d.version);
            fw_json_kstr(j, "project_name", a.d.project_name);
            fw_json_kstr(j, "idf_ver", a.d.idf_ver);
        }
        fw_json_end(j);
    }
    fw_json_end(j);
    return rc;
}

/* Fleet: the id of `init --id` and the manifest memory in NVS (rc: its read). */
static void utc_str(uint64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!t || !gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(out, 32, "none");
}

static void json_fleet(struct fw_json *j, struct devdir *dd)
{
    struct fwd_fleet_state fs;
    int rc = fleet_state_read(dd, &fs);
    const char *id = fleet_id_get(dd);
    fw_json_key(j, "fleet");
    fw_json_obj(j);
    const char *group = devdir_conf_get(dd, "device_group");
    if (id) fw_json_kstr(j, "id", id);
    else fw_json_knull(j, "id");
    if (group) fw_json_kstr(j, "group", group);
    else fw_json_knull(j, "group");
    if (rc == FW_OK) {
        fw_json_ku64(j, "manifest_seq", fs.seq);
        fw_json_ku64(j, "manifest_time", fs.time);
    } else {
        fw_json_kstr(j, "manifest_state_error", fw_strerror(rc));
    }
    fw_json_end(j);
}

static void text_fleet(FILE *f, struct devdir *dd)
{
    struct fwd_fleet_state fs;
    int rc = fleet_state_read(dd, &fs);
    const char *id = fleet_id_get(dd);
    if (!id && (rc || (!fs.seq && !fs.time))) return; /* not a fleet device */
    const char *group = devdir_conf_get(dd, "device_group");
    fprintf(f, "fleet       id %s%s%s, ", id ? id : "(none: init --id)", group ? ", group " : "", group ? group : "");
    if (rc) {
        fprintf(f, "manifest memory unreadable (%s)\n", fw_strerror(rc));
        return;
    }
    char t[32];
    utc_str(fs.time, t);
    fprintf(f, "last accepted manifest seq %llu, newest manifest time %s\n", (unsigned long long)fs.seq, t);
}

static int status_json(struct devdir *dd, const struct fwd_efuse_state *st)
{
    struct fwd_otadata od;
    int orc = fwd_otadata_load(&dd->dev, &od);
    if (orc == FW_ERR_POWER_LOSS) return devdir_fail(dd, "otadata", orc);
    const char *chip = fw_chip_name(st->chip_id);
    struct fw_json j;
    fw_json_init(&j, stdout, 2);
    fw_json_obj(&j);
    fw_json_key(&j, "device");
    fw_json_obj(&j);
    fw_json_kstr(&j, "chip", chip ? chip : "unknown");
    fw_json_ku64(&j, "chip_id", st->chip_id);
    fw_json_ku64(&j, "chip_rev", st->chip_rev);
    fw_json_ku64(&j, "flash_size", dd->sim.flash.size);
    fw_json_kstr(&j, "key_mode", dd->hw_keys ? "hardware" : "raw");
    fw_json_end(&j);
    json_efuse(&j, st);
    json_fleet(&j, dd);
    json_parts(&j, &dd->dev);
    json_otadata(&j, &dd->dev, &od, orc);
    ota_progress_json(&j, dd);
    int rc = json_apps(&j, dd);
    stage_status_json(&j, dd);   /* bootloader, copy journal, signed data (stage_boot.c) */
    fw_json_end(&j);
    return rc ? devdir_fail(dd, "app partitions", rc) : 0;
}

static int status_text(struct devdir *dd, const struct fwd_efuse_state *st)
{
    FILE *f = stdout;
    const char *chip = fw_chip_name(st->chip_id);
    fprintf(f, "device      %s (chip id 0x%04x, rev %u), flash %u KiB%s\n", chip ? chip : "unknown", st->chip_id,
            st->chip_rev, (unsigned)(dd->sim.flash.size / 1024), dd->hw_keys ? ", keys in hardware peripherals" : "");
    fprintf(f, "eFuse       flash encryption %s, secure_version %u, required signatures %u\n", fe_name(st->fe_mode),
            fwd_efuse_secure_version(st), fwd_efuse_required_signatures(st));
    if (st->sb_sha384) fprintf(f, "            SECURE_BOOT_SHA384_EN: images verified over SHA-384 (ECDSA P-384 keys)\n");
    for (unsigned i = 0; i < FWD_EFUSE_DIGEST_SLOTS; i++) {
        if (!(st->digest_present >> i & 1)) continue;
        fprintf(f, "            secure boot digest %u: ", i);
        hex(f, st->digest[i], 32);
        fprintf(f, "%s\n", st->digest_revoked >> i & 1 ? " (revoked)" : "");
    }
    text_fleet(f, dd);
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
    ota_progress_text(f, dd);
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
    stage_status_text(f, dd);
    return 0;
}

static int run_status(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *dir = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argv[i], "--json")) json = 1;
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

const struct cli_cmd cmd_status = {"status", "partitions, otadata, eFuse summary, app descriptors", run_status};
