/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device ota DIR --target bootloader|partition-table|LABEL: a staged
 * update through device/fwd_stage.h, from a file, stdin or an https URL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/dev_secret.h"
#include "cli/fwseal-device/running.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/util/cli.h"
#include "device/fwd_stage_http.h"

const char stage_run_help[] =
    "\nStaged updates (--target): the bootloader, the partition table or a data partition.\n"
    "  --target bootloader|partition-table|LABEL\n"
    "                           what IMAGE replaces: the second-stage bootloader (a signed\n"
    "                           bootloader image), the partition table (gen_esp32part binary\n"
    "                           with its MD5 record), or the data partition LABEL (a signed\n"
    "                           data image: `fwseal sign --data`)\n"
    "  --staging LABEL          download into this partition (default: the passive OTA slot)\n"
    "IMAGE (plain or encrypted, from --file or a URL) is written to the staging slot, verified\n"
    "there completely (bootloader: image structure, SHA-256, chip, its Secure Boot V2\n"
    "signature by the eFuse keys; partition table: MD5 and every FORMATS 6 rule, and the\n"
    "running app, otadata, NVS, the copy journal and the staging slot keep their place;\n"
    "data: its Secure Boot V2 signature), and only then copied to its place through flash\n"
    "encryption, under a copy journal (init --copy-journal): a power cut during the copy is\n"
    "finished by the next boot. Refusals leave the destination untouched (exit 1).\n";

static int parse_target(const char *t, enum fwd_stage_target *out, const char **label)
{
    *label = NULL;
    if (!strcmp(t, "bootloader")) *out = FWD_STAGE_BOOTLOADER;
    else if (!strcmp(t, "partition-table")) *out = FWD_STAGE_PARTITION_TABLE;
    else if (*t && strlen(t) <= 16) { *out = FWD_STAGE_DATA; *label = t; }
    else return -1;
    return 0;
}

static int run_file(struct fwd_stage *s, FILE *f)
{
    static uint8_t buf[4096];
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        int rc = n ? fwd_stage_feed(s, buf, n) : FW_OK;
        if (rc) return rc;
        if (n < sizeof buf) return ferror(f) ? fwd_stage_abort(s, FW_ERR_IO, "read error on the input") : fwd_stage_finish(s);
    }
}

static int run_url(struct fwd_stage *s, struct fwd_ota_dev *dev, const struct ota_run_opts *o)
{
    uint8_t *ca = NULL;
    size_t calen = 0;
    if (cli_read_file(o->ca, 65536, &ca, &calen)) return fwd_stage_abort(s, FW_ERR_IO, "cannot read the CA file");
    uint8_t *z = realloc(ca, calen + 1);   /* PEM: mbedTLS wants the NUL inside the length */
    if (!z) { free(ca); return fwd_stage_abort(s, FW_ERR_NOMEM, "out of memory"); }
    ca = z;
    ca[calen++] = 0;
    static struct fwd_http h;
    struct fwd_http_cfg hc = {.ca_pem = ca, .ca_pem_len = calen, .rng = &dev->d.plat->random, .time = &dev->d.plat->time,
                              .read_timeout_ms = o->timeout_ms, .connect_timeout_ms = o->connect_timeout_ms,
                              .max_redirects = 3};
    int rc = fwd_http_init(&h, &hc);
    free(ca);
    if (rc) return fwd_stage_abort(s, rc, "the CA file holds no valid certificate");
    rc = fwd_stage_http_run(s, &h, o->url, o->retries);
    fwd_http_free(&h);
    return rc;
}

static void report(const struct fwd_stage *s, const struct ota_run_opts *o, int rc)
{
    if (!o->json) {
        if (s->pending.completed)
            printf("copy journal: finished the interrupted %s copy first\n", fw_cj_kind_name(s->pending.h.kind));
        if (rc == FW_OK && s->cfg.target == FWD_STAGE_BOOTLOADER)   /* esp_https_ota_get_bootloader_img_desc() */
            printf("new bootloader: version %u, secure_version %u, idf_ver %s\n", (unsigned)s->vr.boot.version,
                   (unsigned)s->vr.boot.secure_version, s->vr.boot.idf_ver);
        if (rc == FW_OK)
            printf("ota: %s: %u bytes staged in %s, verified, copied to 0x%x%s under the copy journal; journal cleared\n",
                   fwd_stage_target_name(s->cfg.target), (unsigned)s->copy.h.len, s->staging->label, (unsigned)s->copy.h.dst,
                   s->dst_enc ? " through flash encryption" : "");
        return;
    }
    struct fw_json j;
    fw_json_init(&j, stdout, FW_JSON_TIGHT);
    fw_json_obj(&j);
    fw_json_kstr(&j, "event", rc == FW_OK ? "finished" : "aborted");
    fw_json_kstr(&j, "target", fwd_stage_target_name(s->cfg.target));
    if (s->staging) fw_json_kstr(&j, "staging", s->staging->label);
    if (rc == FW_OK) {
        fw_json_ku64(&j, "destination", s->copy.h.dst);
        fw_json_ku64(&j, "length", s->copy.h.len);
        fw_json_khex(&j, "digest", s->copy.h.digest, 32);
        if (s->cfg.target == FWD_STAGE_BOOTLOADER) {
            fw_json_ku64(&j, "bootloader_version", s->vr.boot.version);
            fw_json_ku64(&j, "bootloader_secure_version", s->vr.boot.secure_version);
        }
    } else {
        fw_json_kstr(&j, "error", fw_strerror(rc));
        fw_json_kstr(&j, "reason", fwd_stage_reason(s));
        fw_json_kbool(&j, "destination_touched", s->copy.pending);
    }
    fw_json_end(&j);
    fflush(stdout);
}

static int stage_device(struct devdir *dd, struct fwd_ota_dev *dev, struct ota_run_opts *o, enum fwd_stage_target t,
                        const char *label, const char *staging, uint32_t joff)
{
    static struct fwd_decrypt_key key;
    static struct fwd_stage s;
    int krc = dev_secret_load(o->dir, dev->d.plat, &key);
    if (krc != FW_OK && krc != FW_ERR_NOT_FOUND) {
        fwd_decrypt_key_free(&key);
        return cli_err(EXIT_IO, "%s: the device decryption secret is unreadable or invalid", o->dir);
    }
    struct fwd_stage_cfg cfg = {.dev = dev, .target = t, .dest_label = label, .staging_label = staging,
                                .journal_offset = joff, .key = krc == FW_OK ? &key : NULL};
    int rc = fwd_stage_start(&s, &cfg);
    if (rc == FW_OK) rc = o->url ? run_url(&s, dev, o) : run_file(&s, o->in);
    fwd_decrypt_key_free(&key);
    report(&s, o, rc);
    (void)dd;
    if (rc == FW_OK) return 0;
    return cli_err(cli_exit_for(rc), "%s: %s", o->url ? o->url : (strcmp(o->file, "-") ? o->file : "stdin"),
                   fwd_stage_reason(&s));
}

int stage_run_cmd(const char *dir, struct ota_run_opts *o, const char *target, const char *staging)
{
    enum fwd_stage_target t;
    const char *label;
    o->dir = dir;
    if (parse_target(target, &t, &label)) return cli_err(EXIT_USAGE, "ota: --target: bootloader, partition-table or a partition label");
    if (!o->url == !o->file) return cli_err(EXIT_USAGE, "ota: give either a URL or --file FILE|-");
    if (o->url && !o->ca) return cli_err(EXIT_USAGE, "ota: an https URL needs --ca CA.pem (the pinned CA)");
    o->in = o->file ? (strcmp(o->file, "-") ? fopen(o->file, "rb") : stdin) : NULL;
    if (o->file && !o->in) return cli_err(EXIT_IO, "%s: %s", o->file, strerror(errno));
    struct devdir *dd;
    struct fwd_ota_dev *od;
    struct running_saved saved;
    uint32_t joff;
    int rc = devdir_open(dir, 0, &dd);
    if (rc == 0 && stage_conf_u32(dd, "journal_offset", &joff)) {
        rc = cli_err(EXIT_REJECT, "%s: this device has no copy journal (init --copy-journal LABEL): staged updates need one", dir);
        devdir_close(dd);
    } else if (rc == 0 && (rc = running_attach(dd, &od, o->json ? NULL : stdout)) != 0) {
        devdir_close(dd);
    } else if (rc == 0) {
        if ((rc = running_suspend(dd, &saved)) == 0) {
            int e = stage_device(dd, od, o, t, label, staging, joff);
            rc = running_resume(dd, &saved);
            if (e) rc = e;
        }
        running_detach(od);
        devdir_close(dd);
    }
    if (o->in && o->in != stdin) fclose(o->in);
    return rc;
}
