/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device ota: URL / file / stdin, plaintext or encrypted, all through
 * the one device OTA pipeline. */
#include "cli/fwseal-device/ota_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/fwseal-device/dev_secret.h"
#include "cli/fwseal-device/nvs_cli.h"
#include "cli/fwseal-device/ota_file_resume.h"
#include "cli/fwseal-device/running.h"
#include "cli/util/cli.h"
#include "device/fwd_ota_http.h"
#include "host/fwh_json.h"
#include "device/fwd_ota_pipeline.h"

const char ota_run_help[] =
    "  URL                      https:// URL of an encrypted (or plain) image; needs --ca\n"
    "  --ca CA.pem              pin this CA for the server certificate (host name checked;\n"
    "                           an IP-address URL, https://10.0.0.5/ or https://[fd00::5]/,\n"
    "                           must equal an iPAddress subjectAltName, never the CN)\n"
    "  --allow-same-version     accept the version that is already running\n"
    "  --json                   one JSON event per line on stdout\n"
    "  --retries N              reconnect and resume with Range up to N times (default 3),\n"
    "                           after a jittered back-off of 0.25-0.5 s, 0.5-1 s, ... (max 8 s)\n"
    "  --timeout-ms N           deadline for each read and write, for the whole TLS\n"
    "                           handshake, and for the whole response head (default 10000);\n"
    "                           the throughput watchdog requires 1 KiB per timeout from the\n"
    "                           first byte of a connection to the last\n"
    "  --connect-timeout-ms N   TCP connect deadline (default: --timeout-ms)\n"
    "  --checkpoint-kib N       record the progress in NVS every N KiB written (default 64,\n"
    "                           i.e. 16 checkpoints per MiB, each one 32-byte NVS entry;\n"
    "                           a multiple of 4): after a reboot or power cut the next\n"
    "                           `ota` of the same URL (or --file) resumes from the last\n"
    "                           checkpoint\n"
    "  --restart                drop an interrupted download's progress, start at byte 0\n"
    "  --no-resume              keep no progress record (and drop an older one): the\n"
    "                           update starts at byte 0 and cannot resume (stdin: always)\n"
    "  --max-request-size N     partial download: Range requests of at most N bytes over\n"
    "                           one kept-alive TLS connection (default: one request)\n"
    "TLS: 1.2 with ECDHE and AES-GCM, AES-CCM or ChaCha20-Poly1305 only.\n";

void ota_run_defaults(struct ota_run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->retries = 3;
    o->timeout_ms = 10000;
    o->checkpoint_kib = FWD_OTA_RESUME_INTERVAL_DEFAULT / 1024;
}

/* --checkpoint-kib and --max-request-size. 1 done, 0 not ours, -1 error. */
static int parse_resume_opt(const char *a, const char *v, struct ota_run_opts *o)
{
    uint64_t n;
    if (strcmp(a, "--checkpoint-kib") && strcmp(a, "--max-request-size")) return 0;
    if (cli_parse_u64(v, &n)) return cli_err(EXIT_USAGE, "%s: bad value '%s'", a, v), -1;
    if (!strcmp(a, "--checkpoint-kib")) {
        if (n < 4 || n % 4 || n * 1024 > FWD_OTA_RESUME_INTERVAL_MAX)
            return cli_err(EXIT_USAGE, "%s: %s KiB is not a multiple of 4 KiB between 4 and %u", a, v,
                           FWD_OTA_RESUME_INTERVAL_MAX / 1024), -1;
        o->checkpoint_kib = (uint32_t)n;
    } else {
        if (n < 512 || n > (1u << 30))
            return cli_err(EXIT_USAGE, "%s: %s bytes: give 512 .. 1073741824", a, v), -1;
        o->max_request = n;
    }
    return 1;
}

int ota_run_parse_opt(int argc, char **argv, int *i, struct ota_run_opts *o)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--allow-same-version")) { o->allow_same_version = 1; return 1; }
    if (!strcmp(a, "--json")) { o->json = 1; return 1; }
    if (!strcmp(a, "--restart")) { o->restart = 1; return 1; }
    if (!strcmp(a, "--no-resume")) { o->no_resume = 1; return 1; }
    int takes = !strcmp(a, "--ca") || !strcmp(a, "--retries") || !strcmp(a, "--timeout-ms") ||
                !strcmp(a, "--connect-timeout-ms") || !strcmp(a, "--checkpoint-kib") ||
                !strcmp(a, "--max-request-size");
    if (!takes) return 0;
    if (*i + 1 >= argc) {
        cli_err(EXIT_USAGE, "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    uint64_t n;
    int r = parse_resume_opt(a, v, o);
    if (r) return r;
    if (!strcmp(a, "--ca")) o->ca = v;
    else if (cli_parse_u64(v, &n) || n > (!strcmp(a, "--retries") ? 100u : 3600000u) ||
             (strcmp(a, "--retries") && n == 0)) {
        cli_err(EXIT_USAGE, "%s: bad value '%s'", a, v);
        return -1;
    } else if (!strcmp(a, "--retries")) o->retries = (unsigned)n;
    else if (!strcmp(a, "--connect-timeout-ms")) o->connect_timeout_ms = (uint32_t)n;
    else o->timeout_ms = (uint32_t)n;
    return 1;
}

/* ---- event rendering -------------------------------------------------------- */

struct view {
    int json, tty;
    int bar_open;
    int verifying;           /* the image was complete: a refusal now is the verifier's */
};

static const char *ev_name(enum fwd_ota_ev_type t)
{
    static const char *names[] = { "?", "start", "connected", "header_verified", "app_desc", "writing", "retry",
                                   "verifying", "boot_updated", "finished", "aborted", "resumed", "checkpoint" };
    return t > 0 && t <= FWD_OTA_EV_CHECKPOINT ? names[t] : "?";
}

/* Only what happened: a refusal before the erase touched nothing. */
static const char *fate_text(enum fwd_ota_slot_fate f)
{
    switch (f) {
    case FWD_OTA_SLOT_UNTOUCHED: return "not touched";
    case FWD_OTA_SLOT_ERASED: return "erased";
    case FWD_OTA_SLOT_KEPT: return "kept: run the same command again to resume";
    default: return "may be partly erased (flash error)";
    }
}

static const char *fate_name(enum fwd_ota_slot_fate f)
{
    return f == FWD_OTA_SLOT_UNTOUCHED ? "untouched" : f == FWD_OTA_SLOT_ERASED ? "erased"
           : f == FWD_OTA_SLOT_KEPT    ? "kept"
                                       : "unknown";
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static void render_json(const struct fwd_ota_event *ev)
{
    struct fw_json j;
    fw_json_init(&j, stdout, FW_JSON_TIGHT);
    fw_json_obj(&j);
    fw_json_kstr(&j, "event", ev_name(ev->type));
    if (ev->slot) fw_json_kstr(&j, "slot", ev->slot);
    switch (ev->type) {
    case FWD_OTA_EV_SOURCE_OPEN: /* the only source here is a URL: its host */
        fw_json_kstr(&j, "host", or_empty(ev->source));
        fw_json_kbool(&j, "tls", ev->secure);
        break;
    case FWD_OTA_EV_RESUMED:
        if (ev->fail.why) {
            fw_json_kbool(&j, "resumed", 0);
            fw_json_kstr(&j, "reason", ev->fail.why);
            break;
        }
        fw_json_kbool(&j, "resumed", 1);
        fw_json_ku64(&j, "resume_at", ev->offset);
        fw_json_ku64(&j, "done", ev->done);
        fw_json_ku64(&j, "total", ev->total);
        break;
    case FWD_OTA_EV_CHECKPOINT:
    case FWD_OTA_EV_HEADER_VERIFIED:
    case FWD_OTA_EV_WRITING:
    case FWD_OTA_EV_VERIFYING:
    case FWD_OTA_EV_FINISHED:
        fw_json_ku64(&j, "done", ev->done);
        fw_json_ku64(&j, "total", ev->total);
        break;
    case FWD_OTA_EV_APP_DESC:
        fw_json_kstr(&j, "version", ev->app->desc.version);
        fw_json_kstr(&j, "project", ev->app->desc.project_name);
        fw_json_ku64(&j, "secure_version", ev->app->desc.secure_version);
        break;
    case FWD_OTA_EV_SOURCE_RETRY:
        fw_json_ki64(&j, "attempt", ev->attempt);
        fw_json_ku64(&j, "resume_at", ev->offset);
        fw_json_ku64(&j, "delay_ms", ev->delay_ms);
        fw_json_kstr(&j, "reason", or_empty(ev->fail.why));
        break;
    case FWD_OTA_EV_ABORTED:
        fw_json_kstr(&j, "error", or_empty(fw_strerror(ev->fail.code)));
        fw_json_kstr(&j, "reason", or_empty(ev->fail.why));
        fw_json_kstr(&j, "slot_fate", fate_name(ev->slot_fate));
        break;
    default:
        break;
    }
    if (ev->type == FWD_OTA_EV_HEADER_VERIFIED) fw_json_kbool(&j, "encrypted", 1);
    fw_json_end(&j);
    fflush(stdout);
}

static void render_text(struct view *v, const struct fwd_ota_event *ev)
{
    if (ev->type == FWD_OTA_EV_WRITING) {
        unsigned pct = ev->total ? (unsigned)(ev->done * 100 / ev->total) : 0;
        if (v->tty) {
            char bar[41];
            unsigned fill = pct * 40 / 100;
            for (unsigned i = 0; i < 40; i++) bar[i] = i < fill ? '#' : '.';
            bar[40] = 0;
            printf("\r[%s] %3u%% %llu/%llu bytes", bar, pct, (unsigned long long)ev->done,
                   (unsigned long long)ev->total);
            v->bar_open = 1;
        } else {
            printf("writing %llu/%llu bytes (%u%%)\n", (unsigned long long)ev->done,
                   (unsigned long long)ev->total, pct);
        }
        fflush(stdout);
        return;
    }
    if (v->bar_open) {
        putchar('\n');
        v->bar_open = 0;
    }
    switch (ev->type) {
    case FWD_OTA_EV_START: printf("updating slot %s\n", ev->slot); break;
    case FWD_OTA_EV_SOURCE_OPEN:
        printf("connected to %s (%s)\n", ev->source, ev->secure ? "TLS, certificate verified" : "plain");
        break;
    case FWD_OTA_EV_HEADER_VERIFIED: printf("encrypted image header accepted: %llu bytes\n", (unsigned long long)ev->total); break;
    case FWD_OTA_EV_APP_DESC:
        printf("new image: %s %s (secure_version %u)\n", ev->app->desc.project_name, ev->app->desc.version,
               (unsigned)ev->app->desc.secure_version);
        break;
    case FWD_OTA_EV_SOURCE_RETRY:
        printf("connection lost (%s); resuming at byte %llu in %u ms (retry %u)\n", ev->fail.why,
               (unsigned long long)ev->offset, (unsigned)ev->delay_ms, ev->attempt);
        break;
    case FWD_OTA_EV_VERIFYING: printf("verifying the written image (signature read back through flash decryption)\n"); break;
    case FWD_OTA_EV_BOOT_UPDATED: printf("boot partition set to %s (state NEW: boots as PENDING_VERIFY)\n", ev->slot); break;
    case FWD_OTA_EV_FINISHED: printf("update finished\n"); break;
    case FWD_OTA_EV_RESUMED:
        if (ev->fail.why) printf("cannot resume the interrupted download (%s): starting over\n", ev->fail.why);
        else
            printf("resuming the interrupted download: %llu bytes kept in %s (state rebuilt from flash), continuing at byte %llu\n",
                   (unsigned long long)ev->done, ev->slot, (unsigned long long)ev->offset);
        break;
    case FWD_OTA_EV_CHECKPOINT: break; /* progress lines say enough */
    case FWD_OTA_EV_ABORTED: printf("update aborted: %s; slot %s %s\n", ev->fail.why, ev->slot, fate_text(ev->slot_fate)); break;
    default: break;
    }
    fflush(stdout);
}

static void on_event(void *ctx, const struct fwd_ota_event *ev)
{
    struct view *v = ctx;
    if (ev->type == FWD_OTA_EV_VERIFYING) v->verifying = 1;
    if (v->json) render_json(ev);
    else render_text(v, ev);
}

/* ---- sources ------------------------------------------------------------------ */

static int run_file(struct fwd_ota_pipeline *p, FILE *f)
{
    static uint8_t buf[4096];
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        int rc = n > 0 ? fwd_ota_pipeline_feed(p, buf, n) : FW_OK;
        if (rc != FW_OK) return rc;
        if (n < sizeof buf)
            return ferror(f) ? fwd_ota_pipeline_abort(p, FW_ERR_IO, "read error on the input") : fwd_ota_pipeline_finish(p);
    }
}

static int run_url(struct fwd_ota_pipeline *p, struct fwd_ota_dev *dev, const struct ota_run_opts *o,
                   struct fwd_ota_resume *rs)
{
    uint8_t *ca = NULL;
    size_t calen = 0;
    int xrc = cli_read_file(o->ca, 65536, &ca, &calen);
    if (xrc) return fwd_ota_pipeline_abort(p, FW_ERR_IO, "cannot read the CA file");
    uint8_t *z = realloc(ca, calen + 1); /* PEM: mbedTLS wants the NUL inside the length */
    if (!z) {
        free(ca);
        return fwd_ota_pipeline_abort(p, FW_ERR_NOMEM, "out of memory");
    }
    ca = z;
    ca[calen++] = 0;
    static struct fwd_http h;
    struct fwd_http_cfg hc = {
        .ca_pem = ca, .ca_pem_len = calen, .rng = &dev->d.plat->random, .time = &dev->d.plat->time,
        .read_timeout_ms = o->timeout_ms, .connect_timeout_ms = o->connect_timeout_ms, .max_redirects = 3,
    };
    int rc = fwd_http_init(&h, &hc);
    free(ca);
    if (rc != FW_OK) return fwd_ota_pipeline_abort(p, rc, "the CA file holds no valid certificate");
    struct fwd_ota_http_opts ho = { .retries = o->retries, .max_request = o->max_request, .resume = rs,
                                    .restart = o->restart };
    rc = fwd_ota_http_run_opts(p, &h, o->url, &ho);
    fwd_http_free(&h);
    return rc;
}

/* The progress record lives in the device's NVS ("nvs" partition). No NVS:
 * the download still works, it just cannot resume after a reboot. */
static struct fwd_nvs_dev progress_nvs;
static struct fwd_ota_resume_nvs progress_bind;

static int progress_open(struct fwd_ota_dev *dev, const struct ota_run_opts *o, struct fwd_ota_resume *rs, int warn)
{
    int rc = fwd_nvs_dev_open(&progress_nvs, &dev->d, "nvs", 0);
    if (rc != FW_OK) {
        if (rc != FW_ERR_POWER_LOSS && warn)
            cli_warn("%s: no usable NVS partition (%s): this download cannot resume after a reboot", o->dir,
                     progress_nvs.nvs.store.fail.why ? progress_nvs.nvs.store.fail.why : fw_strerror(rc));
        return rc;
    }
    struct fwd_ota_resume_store st;
    fwd_ota_resume_nvs_store(&progress_bind, &progress_nvs.nvs.store, &st);
    rc = fwd_ota_resume_init(rs, &st, o->checkpoint_kib * 1024u);
    if (rc != FW_OK) fwd_nvs_dev_close(&progress_nvs);
    return rc;
}

static int ota_run_device(struct fwd_ota_dev *dev, const struct ota_run_opts *o)
{
    if (!o->url == !o->file) return cli_err(EXIT_USAGE, "give either a URL or --file FILE|-");
    if (o->url && !o->ca) return cli_err(EXIT_USAGE, "an https URL needs --ca CA.pem (the pinned CA)");
    static struct fwd_decrypt_key key;
    int krc = dev_secret_load(o->dir, dev->d.plat, &key);
    if (krc != FW_OK && krc != FW_ERR_NOT_FOUND) {
        fwd_decrypt_key_free(&key);
        return cli_err(EXIT_IO, "%s: the device decryption secret is unreadable or invalid", o->dir);
    }
    struct view v = { .json = o->json, .tty = isatty(STDOUT_FILENO) };
    static struct fwd_ota_pipeline p;
    struct fwd_ota_pipeline_cfg pc = {
        .dev = dev, .key = krc == FW_OK ? &key : NULL, .allow_plaintext = 1,
        .allow_same_version = o->allow_same_version, .event = on_event, .event_ctx = &v,
    };
    struct stat st;
    if (o->file && strcmp(o->file, "-") && stat(o->file, &st) == 0 && S_ISREG(st.st_mode)) pc.size_hint = (uint64_t)st.st_size;
    static struct fwd_ota_resume rs;
    int resumable = 0;
    int seekable = o->file && strcmp(o->file, "-") && pc.size_hint; /* a regular file resumes like a URL */
    int want = (o->url || seekable) && !o->no_resume;
    int e = progress_open(dev, o, &rs, want);
    if (e == FW_ERR_POWER_LOSS) return cli_err(EXIT_POWER_LOSS, "power loss");
    if (e == FW_OK && !want) {
        /* this update keeps no record, and erases the slot: an older record goes */
        e = fwd_ota_resume_forget(&rs);
        fwd_nvs_dev_close(&progress_nvs);
        if (e == FW_ERR_POWER_LOSS) return cli_err(EXIT_POWER_LOSS, "power loss");
    } else if (e == FW_OK) {
        resumable = 1;
        pc.checkpoint = fwd_ota_resume_checkpoint;
        pc.checkpoint_ctx = &rs;
        pc.checkpoint_every = rs.interval;
    }
    int rc = fwd_ota_pipeline_start(&p, &pc);
    if (rc == FW_OK && o->url) rc = run_url(&p, dev, o, resumable ? &rs : NULL);
    else if (rc == FW_OK && resumable) rc = ota_file_run(&p, o->in, o->file, &rs, o->restart);
    else if (rc == FW_OK) rc = run_file(&p, o->in);
    if (resumable) fwd_nvs_dev_close(&progress_nvs);
    fwd_decrypt_key_free(&key);
    if (rc == FW_OK) {
        if (!o->json)
            printf("ota: %llu bytes into %s, verified (%s, secure_version %u); next boot: %s (NEW)\n",
                   (unsigned long long)p.written, p.part->label, p.app.desc.version, (unsigned)p.app.desc.secure_version,
                   p.part->label);
        return EXIT_OK_;
    }
    return cli_err(cli_exit_for(rc), "%s: %s%s", o->url ? o->url : (strcmp(o->file, "-") ? o->file : "stdin"),
                   v.verifying && rc != FW_ERR_POWER_LOSS ? "rejected: " : "", fwd_ota_pipeline_reason(&p));
}

int ota_run_cmd(const char *dir, struct ota_run_opts *o)
{
    struct devdir *dd;
    struct fwd_ota_dev *od;
    struct running_saved saved;
    o->dir = dir;
    if (!o->url == !o->file) return cli_err(EXIT_USAGE, "ota: give either a URL or --file FILE|-");
    if (o->url && !o->ca) return cli_err(EXIT_USAGE, "ota: an https URL needs --ca CA.pem (the pinned CA)");
    /* The input first: an unreadable file is refused before the device is touched. */
    o->in = o->file ? (strcmp(o->file, "-") ? fopen(o->file, "rb") : stdin) : NULL;
    if (o->file && !o->in) return cli_err(EXIT_IO, "%s: %s", o->file, strerror(errno));
    int rc = devdir_open(dir, 0, &dd);
    static struct fwd_sim_nor nor_view; /* NVS (the progress record) re-programs bits like real NOR */
    if (rc == 0) nvscli_nor_view(dd, &nor_view);
    if (rc == 0 && (rc = running_attach(dd, &od, o->json ? NULL : stdout)) != 0) devdir_close(dd);
    if (rc == 0) {
        if ((rc = running_suspend(dd, &saved)) == 0) {
            int e = ota_run_device(od, o);
            rc = running_resume(dd, &saved); /* the app keeps running, success or not */
            if (e) rc = e;
        }
        running_detach(od);
        devdir_close(dd);
    }
    if (o->in && o->in != stdin) fclose(o->in);
    return rc;
}
