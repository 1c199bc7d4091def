/* SPDX-License-Identifier: Apache-2.0 */
/* Power-on before the second stage (simulated ROM, copy-journal recovery)
 * and what `status` shows of staged updates (see stage_cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/fwb_rom.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"
#include "device/fwd_stage_copy.h"
#include "fw_bytes.h"

static int prelude_done;
/* What the last power-on's prelude did, for boot --json. */
static struct {
    int rom_ran, journal_ran;
    struct fwb_rom_cfg rom;
    struct fwb_rom_result rr;
    struct fwd_copy_report rep;
} last;

static int rom_cfg(const struct devdir *dd, struct fwb_rom_cfg *c)
{
    uint32_t on = 0;
    if (stage_conf_u32(dd, "rom_verify_bootloader", &on) || !on) return 0;
    memset(c, 0, sizeof *c);
    c->bootloader_offset = fw_boot_offset(dd->dev.chip_id);
    uint32_t pt = 0x8000;
    (void)stage_conf_u32(dd, "pt_offset", &pt);
    c->bootloader_max = pt > c->bootloader_offset ? pt - c->bootloader_offset : 0;
    c->has_recovery = stage_conf_u32(dd, "rom_recovery_offset", &c->recovery_offset) == 0;
    return 1;
}

static int load_efuse(struct devdir *dd, struct fwd_efuse_state *st)
{
    int rc = dd->sim.plat.efuse.load(dd->sim.plat.efuse.ctx, st);
    fw_wipe(st->fe_key, sizeof st->fe_key);
    return rc;
}

/* fw_err; *what names the failing step for the caller's message. */
static int prelude(struct devdir *dd, FILE *log, const char **what)
{
    static struct fwd_verify_work w;
    struct fwb_rom_cfg rc_cfg;
    struct fwb_rom_result rr;
    struct fwd_efuse_state ef;
    int rc;
    if (prelude_done) return FW_OK;
    if (rom_cfg(dd, &rc_cfg)) {
        *what = "ROM";
        if ((rc = load_efuse(dd, &ef))) return rc;
        rc = fwb_rom_run(&dd->dev, &ef, &rc_cfg, &w, &rr);
        fw_wipe(&ef, sizeof ef);
        last.rom_ran = rc == FW_OK, last.rom = rc_cfg, last.rr = rr;
        if (rc == FW_ERR_NOT_FOUND) {
            if (rc_cfg.has_recovery)
                cli_err(EXIT_REJECT, "%s: ROM: the bootloader at 0x%x does not verify (%s), nor the recovery bootloader at 0x%x (%s): the chip does not boot",
                        dd->dir, (unsigned)rc_cfg.bootloader_offset, fwd_verify_reason_str(rr.primary_reason),
                        (unsigned)rc_cfg.recovery_offset, fwd_verify_reason_str(rr.recovery_reason));
            else
                cli_err(EXIT_REJECT, "%s: ROM: the bootloader at 0x%x does not verify (%s) and this ROM has no recovery bootloader: the chip does not boot",
                        dd->dir, (unsigned)rc_cfg.bootloader_offset, fwd_verify_reason_str(rr.primary_reason));
            return FW_ERR_SIGNATURE;
        }
        if (rc) return rc;
        if (log && rr.used_recovery)
            fprintf(log, "ROM: bootloader at 0x%x does not verify (%s); running the recovery bootloader at 0x%x (version %u)\n",
                    (unsigned)rc_cfg.bootloader_offset, fwd_verify_reason_str(rr.primary_reason), (unsigned)rr.booted_offset,
                    (unsigned)rr.desc.version);
        else if (log)
            fprintf(log, "ROM: bootloader at 0x%x verified (version %u, secure_version %u, key slot %d)\n",
                    (unsigned)rr.booted_offset, (unsigned)rr.desc.version, (unsigned)rr.desc.secure_version, rr.key_slot);
    }
    uint32_t joff;
    if (stage_conf_u32(dd, "journal_offset", &joff) == 0) {
        struct fwd_copy_report rep;
        *what = "copy journal";
        rc = fwd_stage_copy_resume(&dd->dev, joff, &w, &rep);
        last.journal_ran = rc == FW_OK, last.rep = rep;
        if (rc == FW_ERR_DIGEST)
            cli_err(EXIT_REJECT, "%s: copy journal: the staging copy at 0x%x no longer matches the journal: the %s copy cannot be finished",
                    dd->dir, (unsigned)rep.h.src, fw_cj_kind_name(rep.h.kind));
        if (rc) return rc;
        if (rep.pending && log)
            fprintf(log, "copy journal: finished the interrupted %s copy to 0x%x (%u bytes, from sector %u of %u%s), verified\n",
                    fw_cj_kind_name(rep.h.kind), (unsigned)rep.h.dst, (unsigned)rep.h.len, (unsigned)rep.resumed_at,
                    (unsigned)rep.sectors, rep.restarted ? ", restarted" : "");
        if (rep.completed && rep.h.kind == FW_CJ_PARTITION_TABLE && dd->dev.nparts) {
            *what = "partition table";
            if (devdir_load_table(dd)) return FW_ERR_FORMAT;
        }
    }
    prelude_done = 1;
    return FW_OK;
}

int stage_boot_prelude(struct devdir *dd, FILE *log)
{
    const char *what = "boot";
    int rc = prelude(dd, log, &what);
    if (rc == FW_OK) return 0;
    if (rc == FW_ERR_SIGNATURE || rc == FW_ERR_DIGEST) return EXIT_REJECT; /* said above */
    return devdir_fail(dd, what, rc);
}

int stage_boot_prelude_fw(struct devdir *dd)
{
    const char *what = "boot";
    return prelude(dd, NULL, &what);
}

void stage_boot_json(struct fw_json *j)
{
    if (last.rom_ran) {
        fw_json_key(j, "rom");
        fw_json_obj(j);
        fw_json_ku64(j, "bootloader_offset", last.rr.booted_offset);
        fw_json_kbool(j, "recovery_bootloader", last.rr.used_recovery);
        fw_json_kstr(j, "primary", fwd_verify_reason_str(last.rr.primary_reason));
        fw_json_ku64(j, "bootloader_version", last.rr.desc.version);
        fw_json_ku64(j, "bootloader_secure_version", last.rr.desc.secure_version);
        fw_json_end(j);
    }
    if (last.journal_ran) {
        fw_json_key(j, "copy_finished");
        if (last.rep.pending) {
            fw_json_obj(j);
            fw_json_kstr(j, "kind", fw_cj_kind_name(last.rep.h.kind));
            fw_json_ku64(j, "destination", last.rep.h.dst);
            fw_json_ku64(j, "length", last.rep.h.len);
            fw_json_ku64(j, "resumed_at_sector", last.rep.resumed_at);
            fw_json_end(j);
        } else fw_json_null(j);
    }
}

/* ---- status ---------------------------------------------------------------- */

static void json_boot_at(struct fw_json *j, struct devdir *dd, const struct fwd_efuse_state *ef, const char *key,
                         uint32_t off, uint32_t max)
{
    static struct fwd_verify_work w;
    static struct fwd_verify_result vr;
    int rc = fwb_rom_verify_at(&dd->dev, ef, off, max, &w, &vr);
    fw_json_key(j, key);
    fw_json_obj(j);
    fw_json_ku64(j, "offset", off);
    fw_json_kbool(j, "verified", rc == FW_OK && vr.reason == FWD_VR_OK);
    fw_json_kstr(j, "result", fwd_verify_reason_str(vr.reason));
    if (vr.boot.magic_byte == FW_BOOT_DESC_MAGIC) {
        fw_json_ku64(j, "version", vr.boot.version);
        fw_json_ku64(j, "secure_version", vr.boot.secure_version);
        fw_json_kstr(j, "idf_ver", vr.boot.idf_ver);
        fw_json_ku64(j, "size", vr.total_len);
        fw_json_khex(j, "digest", vr.digest, 32);
    }
    fw_json_end(j);
}

static int read_abs_data(void *ctx, uint32_t off, void *buf, size_t len)
{
    const struct fwd_part *p = ((void **)ctx)[1];
    return fwd_part_read(((void **)ctx)[0], p, off, buf, len);
}

void stage_status_json(struct fw_json *j, struct devdir *dd)
{
    struct fwd_efuse_state ef;
    struct fwb_rom_cfg c;
    if (load_efuse(dd, &ef)) return;
    if (rom_cfg(dd, &c)) {
        json_boot_at(j, dd, &ef, "bootloader", c.bootloader_offset, c.bootloader_max);
        if (c.has_recovery) json_boot_at(j, dd, &ef, "recovery_bootloader", c.recovery_offset, c.bootloader_max);
        else fw_json_knull(j, "recovery_bootloader");
    }
    uint32_t joff;
    if (stage_conf_u32(dd, "journal_offset", &joff) == 0) {
        static struct fwd_verify_work w;
        struct fw_cj_state st;
        fw_json_key(j, "copy_journal");
        fw_json_obj(j);
        fw_json_ku64(j, "offset", joff);
        if (fwd_stage_journal_read(&dd->dev, joff, &w, &st) == FW_OK) {
            fw_json_kbool(j, "pending", st.pending);
            if (st.pending) {
                fw_json_kstr(j, "kind", fw_cj_kind_name(st.h.kind));
                fw_json_ku64(j, "source", st.h.src);
                fw_json_ku64(j, "destination", st.h.dst);
                fw_json_ku64(j, "length", st.h.len);
                fw_json_ku64(j, "sectors_done", st.done);
            }
        }
        fw_json_end(j);
        /* signed data partitions (what a staged data update leaves) */
        static struct fwd_verify_work w2;
        static struct fwd_verify_result vr;
        fw_json_key(j, "signed_data");
        fw_json_arr(j);
        for (size_t i = 0; i < dd->dev.nparts; i++) {
            const struct fwd_part *p = &dd->dev.parts[i];
            if (p->type != FW_PT_TYPE_DATA || p->subtype == FW_PT_SUB_DATA_OTA || p->offset == joff) continue;
            void *ctx[2] = {&dd->dev, (void *)p};
            int rc = fwd_verify_find_signed_data(read_abs_data, ctx, p->size, &ef, &w2, &vr);
            if (rc == FW_ERR_NOT_FOUND) continue;
            fw_json_obj(j);
            fw_json_kstr(j, "partition", p->label);
            fw_json_kbool(j, "verified", rc == FW_OK && vr.reason == FWD_VR_OK);
            fw_json_kstr(j, "result", fwd_verify_reason_str(vr.reason));
            fw_json_ku64(j, "length", vr.total_len);
            if (!ef.sb_sha384) fw_json_khex(j, "data_sha256", vr.digest, 32);
            fw_json_end(j);
        }
        fw_json_end(j);
    }
    fw_wipe(&ef, sizeof ef);
}

void stage_status_text(FILE *f, struct devdir *dd)
{
    static struct fwd_verify_work w;
    static struct fwd_verify_result vr;
    struct fwd_efuse_state ef;
    struct fwb_rom_cfg c;
    if (load_efuse(dd, &ef)) return;
    if (rom_cfg(dd, &c)) {
        for (int r = 0; r < 1 + c.has_recovery; r++) {
            uint32_t off = r ? c.recovery_offset : c.bootloader_offset;
            int rc = fwb_rom_verify_at(&dd->dev, &ef, off, c.bootloader_max, &w, &vr);
            fprintf(f, "%-11s 0x%06x ", r ? "recovery bl" : "bootloader", (unsigned)off);
            if (rc == FW_OK && vr.reason == FWD_VR_OK)
                fprintf(f, "version %u, secure_version %u, verified\n", (unsigned)vr.boot.version, (unsigned)vr.boot.secure_version);
            else
                fprintf(f, "does not verify (%s)\n", fwd_verify_reason_str(vr.reason));
        }
        if (!c.has_recovery)
            fprintf(f, "            ROM without a recovery bootloader: a power cut while the bootloader is being\n"
                       "            rewritten (ota --target bootloader) leaves the chip unbootable\n");
    }
    uint32_t joff;
    struct fw_cj_state st;
    if (stage_conf_u32(dd, "journal_offset", &joff) == 0 && fwd_stage_journal_read(&dd->dev, joff, &w, &st) == FW_OK) {
        if (st.pending)
            fprintf(f, "journal     0x%06x: %s copy pending (0x%x -> 0x%x, %u bytes, %u sectors done): the next boot finishes it\n",
                    (unsigned)joff, fw_cj_kind_name(st.h.kind), (unsigned)st.h.src, (unsigned)st.h.dst, (unsigned)st.h.len,
                    (unsigned)st.done);
        else
            fprintf(f, "journal     0x%06x: no copy pending\n", (unsigned)joff);
        for (size_t i = 0; i < dd->dev.nparts; i++) {   /* signed data partitions */
            const struct fwd_part *p = &dd->dev.parts[i];
            if (p->type != FW_PT_TYPE_DATA || p->subtype == FW_PT_SUB_DATA_OTA || p->offset == joff) continue;
            void *ctx[2] = {&dd->dev, (void *)p};
            int rc = fwd_verify_find_signed_data(read_abs_data, ctx, p->size, &ef, &w, &vr);
            if (rc == FW_ERR_NOT_FOUND) continue;
            fprintf(f, "data %-11s signed data image of %u bytes: %s\n", p->label, (unsigned)vr.total_len,
                    rc == FW_OK && vr.reason == FWD_VR_OK ? "signature verifies" : fwd_verify_reason_str(vr.reason));
        }
    }
    fw_wipe(&ef, sizeof ef);
}
