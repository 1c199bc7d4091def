/* fwseal-device ota: URL / file / stdin through the device OTA pipeline. */
#include "cli/fwseal-device/ota_enc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/fwseal-device/dev_secret.h"
#include "cli/fwseal-device/running.h"
#include "cli/util/cli.h"
#include "device/fwd_ota_pipeline.h"

const char ota_enc_help[] =
    "  URL                      https:// URL of an encrypted (or plain) image; needs --ca\n"
    "  --ca CA.pem              pin this CA for the server certificate (host name checked)\n"
    "  --allow-same-version     accept the version that is already running\n"
    "  --json                   one JSON event per line on stdout\n"
    "  --retries N              reconnect and resume with Range up to N times (default 3)\n"
    "  --timeout-ms N           per-read timeout (default 10000); the throughput watchdog\n"
    "                           requires 1 KiB per 2 x timeout\n";

void ota_enc_defaults(struct ota_enc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->retries = 3;
    o->timeout_ms = 10000;
}

int ota_enc_parse_opt(int argc, char **argv, int *i, struct ota_enc_opts *o)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--allow-same-version")) { o->allow_same_version = 1; return 1; }
    if (!strcmp(a, "--json")) { o->json = 1; return 1; }
    int takes = !strcmp(a, "--ca") || !strcmp(a, "--retries") || !strcmp(a, "--timeout-ms");
    if (!takes) return 0;
    if (*i + 1 >= argc) {
        cli_err(EXIT_USAGE, "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    uint64_t n;
    if (!strcmp(a, "--ca")) o->ca = v;
    else if (cli_parse_u64(v, &n) || n > (!strcmp(a, "--retries") ? 100u : 3600000u) ||
             (!strcmp(a, "--timeout-ms") && n == 0)) {
        cli_err(EXIT_USAGE, "%s: bad value '%s'", a, v);
        return -1;
    } else if (!strcmp(a, "--retries")) o->retries = (unsigned)n;
    else o->timeout_ms = (uint32_t)n;
    return 1;
}

/* ---- event rendering -------------------------------------------------------- */

struct view {
    int json, tty;
    int bar_open;
};

static const char *ev_name(int t)
{
    static const char *names[] = { "?", "start", "connected", "header_verified", "app_desc", "writing", "retry",
                                   "verifying", "boot_updated", "finished", "aborted" };
    return t > 0 && t <= FWD_OTA_EV_ABORTED ? names[t] : "?";
}

static void json_str(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7F) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

/* Only what happened: a refusal before the erase touched nothing. */
static const char *fate_text(enum fwd_ota_slot_fate f)
{
    switch (f) {
    case FWD_OTA_SLOT_UNTOUCHED: return "not touched";
    case FWD_OTA_SLOT_ERASED: return "erased";
    default: return "may be partly erased (flash error)";
    }
}

static const char *fate_name(enum fwd_ota_slot_fate f)
{
    return f == FWD_OTA_SLOT_UNTOUCHED ? "untouched" : f == FWD_OTA_SLOT_ERASED ? "erased" : "unknown";
}

static void render_json(const struct fwd_ota_event *ev)
{
    printf("{\"event\":\"%s\"", ev_name(ev->type));
    if (ev->slot) { printf(",\"slot\":"); json_str(ev->slot); }
    switch (ev->type) {
    case FWD_OTA_EV_CONNECTED:
        printf(",\"host\":");
        json_str(ev->host);
        printf(",\"tls\":%s", ev->tls ? "true" : "false");
        break;
    case FWD_OTA_EV_HEADER_VERIFIED:
    case FWD_OTA_EV_WRITING:
    case FWD_OTA_EV_VERIFYING:
    case FWD_OTA_EV_FINISHED:
        printf(",\"done\":%llu,\"total\":%llu", (unsigned long long)ev->done, (unsigned long long)ev->total);
        break;
    case FWD_OTA_EV_APP_DESC:
        printf(",\"version\":");
        json_str(ev->app->desc.version);
        printf(",\"project\":");
        json_str(ev->app->desc.project_name);
        printf(",\"secure_version\":%u", (unsigned)ev->app->desc.secure_version);
        break;
    case FWD_OTA_EV_RETRY:
        printf(",\"attempt\":%d,\"resume_at\":%llu,\"reason\":", ev->attempt, (unsigned long long)ev->done);
        json_str(ev->reason);
        break;
    case FWD_OTA_EV_ABORTED:
        printf(",\"error\":");
        json_str(fw_strerror(ev->err));
        printf(",\"reason\":");
        json_str(ev->reason);
        printf(",\"slot_fate\":\"%s\"", fate_name(ev->slot_fate));
        break;
    default:
        break;
    }
    if (ev->type == FWD_OTA_EV_HEADER_VERIFIED) printf(",\"encrypted\":true");
    printf("}\n");
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
    case FWD_OTA_EV_CONNECTED: printf("connected to %s (%s)\n", ev->host, ev->tls ? "TLS, certificate verified" : "plain"); break;
    case FWD_OTA_EV_HEADER_VERIFIED: printf("encrypted image header accepted: %llu bytes\n", (unsigned long long)ev->total); break;
    case FWD_OTA_EV_APP_DESC:
        printf("new image: %s %s (secure_version %u)\n", ev->app->desc.project_name, ev->app->desc.version,
               (unsigned)ev->app->desc.secure_version);
        break;
    case FWD_OTA_EV_RETRY: printf("connection lost (%s); resuming at byte %llu (retry %d)\n", ev->reason, (unsigned long long)ev->done, ev->attempt); break;
    case FWD_OTA_EV_VERIFYING: printf("verifying the written image (signature read back through flash decryption)\n"); break;
    case FWD_OTA_EV_BOOT_UPDATED: printf("boot partition set to %s (state NEW: boots as PENDING_VERIFY)\n", ev->slot); break;
    case FWD_OTA_EV_FINISHED: printf("update finished\n"); break;
    case FWD_OTA_EV_ABORTED: printf("update aborted: %s; slot %s %s\n", ev->reason, ev->slot, fate_text(ev->slot_fate)); break;
    default: break;
    }
    fflush(stdout);
}

static void on_event(void *ctx, const struct fwd_ota_event *ev)
{
    struct view *v = ctx;
    if (v->json) render_json(ev);
    else render_text(v, ev);
}

/* ---- sources ------------------------------------------------------------------ */

int ota_enc_detect(const char *file)
{
    if (!strcmp(file, "-")) {
        int c = getc(stdin);
        if (c == EOF) return 0;
        ungetc(c, stdin); /* one pushed-back byte is guaranteed */
        return c == 0xCF;
    }
    FILE *f = fopen(file, "rb");
    if (!f) return 0;
    int c = getc(f);
    fclose(f);
    return c == 0xCF;
}

static int run_file(struct fwd_ota_pipeline *p, const char *file)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
    if (!f) return fwd_ota_pipeline_abort(p, FW_ERR_IO, "cannot open the input file");
    static uint8_t buf[4096];
    int rc = FW_OK;
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n > 0 && (rc = fwd_ota_pipeline_feed(p, buf, n)) != FW_OK) break;
        if (n < sizeof buf) {
            rc = ferror(f) ? fwd_ota_pipeline_abort(p, FW_ERR_IO, "read error on the input") : fwd_ota_pipeline_finish(p);
            break;
        }
    }
    if (f != stdin) fclose(f);
    return rc;
}

static int run_url(struct fwd_ota_pipeline *p, struct fwd_ota_dev *dev, const struct ota_enc_opts *o)
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
        .read_timeout_ms = o->timeout_ms, .max_redirects = 3,
    };
    int rc = fwd_http_init(&h, &hc);
    free(ca);
    if (rc != FW_OK) return fwd_ota_pipeline_abort(p, rc, "the CA file holds no valid certificate");
    rc = fwd_ota_pipeline_run_http(p, &h, o->url, o->retries);
    fwd_http_free(&h);
    return rc;
}

static int ota_enc_run(struct fwd_ota_dev *dev, const struct ota_enc_opts *o)
{
    if (!o->url == !o->file) return cli_err(EXIT_USAGE, "give either a URL or --file FILE|-");
    if (o->url && !o->ca) return cli_err(EXIT_USAGE, "an https URL needs --ca CA.pem (the pinned CA)");
    static struct fwd_decrypt_key key;
    int krc = dev_secret_load(o->dir, &key);
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
    int rc = fwd_ota_pipeline_start(&p, &pc);
    if (rc == FW_OK) rc = o->url ? run_url(&p, dev, o) : run_file(&p, o->file);
    fwd_decrypt_key_free(&key);
    if (rc == FW_OK) {
        if (!o->json)
            printf("ota: %llu bytes into %s, verified (%s, secure_version %u); next boot: %s (NEW)\n",
                   (unsigned long long)p.written, p.part->label, p.app.desc.version, (unsigned)p.app.desc.secure_version,
                   p.part->label);
        return EXIT_OK_;
    }
    return cli_err(cli_exit_for(rc), "%s: %s", o->url ? o->url : (strcmp(o->file, "-") ? o->file : "stdin"),
                   fwd_ota_pipeline_reason(&p));
}

int ota_enc_cmd(const char *dir, struct ota_enc_opts *o)
{
    struct devdir *dd;
    struct fwd_ota_dev *od;
    struct running_saved saved;
    o->dir = dir;
    if (!o->url == !o->file) return cli_err(EXIT_USAGE, "ota: give either a URL or --file FILE|-");
    if (o->url && !o->ca) return cli_err(EXIT_USAGE, "ota: an https URL needs --ca CA.pem (the pinned CA)");
    int rc = devdir_open(dir, 0, &dd);
    if (rc) return rc;
    if ((rc = running_attach(dd, &od, o->json ? NULL : stdout)) != 0) {
        devdir_close(dd);
        return rc;
    }
    if ((rc = running_suspend(dd, &saved)) == 0) {
        int e = ota_enc_run(od, o);
        rc = running_resume(dd, &saved); /* the app keeps running, success or not */
        if (e) rc = e;
    }
    running_detach(od);
    devdir_close(dd);
    return rc;
}
