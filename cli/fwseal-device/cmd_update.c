/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device update: the device side of a fleet release served as static
 * files (device/fwd_fleet.h over device/fwd_http_fleet.h): signed manifest
 * first, decision before any download, then this device's header and the
 * shared body, every chunk checked before it is decrypted or written. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/dev_secret.h"
#include "cli/fwseal-device/fleet_cli.h"
#include "cli/fwseal-device/nvs_cli.h"
#include "cli/fwseal-device/running.h"
#include "cli/util/cli.h"
#include "device/fwd_fleet.h"
#include "device/fwd_http.h"
#include "device/fwd_http_fleet.h"
#include "device/fwd_nvs_part.h"
#include "host/fwh_json.h"

#define EXIT_NOTHING 4 /* verified manifest, nothing to do (documented in --help and docs/guide.md) */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal-device update DIR --server URL --ca CA.pem [options]\n\n"
            "Fleet update: URL is where the release directory written by `fwseal release`\n"
            "is served (static files: nginx, any CDN). The device\n"
            "  1. fetches URL/MANIFEST and verifies its Secure Boot V2 signature against\n"
            "     the eFuse key digests (same rule as images: trusted, not revoked, k of n);\n"
            "  2. decides BEFORE any download: sequence number not below the last accepted\n"
            "     one (replay, freeze), not expired against the best time it has (its clock,\n"
            "     or the newest manifest time it has seen), chip id and revision, project,\n"
            "     secure_version >= eFuse, not already running that version, device in the\n"
            "     rollout (stable hash of its id, or its group listed);\n"
            "  3. remembers the manifest (sequence number, time) power-safely in NVS when\n"
            "     every security rule held;\n"
            "  4. fetches its own 512-byte header (the manifest's header path with the id\n"
            "     of `init --id`), which must belong to this release, then the shared body:\n"
            "     every chunk is checked against the manifest's SHA-256 before it is\n"
            "     decrypted or written (a bad chunk stops the download there; nothing of it\n"
            "     reaches flash); a dropped connection resumes at the last verified chunk.\n"
            "     The GCM tag and the full Secure Boot V2 verification still run at the end.\n"
            "  5. records its progress in NVS every --checkpoint-kib (rounded up to a multiple\n"
            "     of the release's chunk size, so every checkpoint is a verified chunk\n"
            "     boundary): after a reboot or a power cut, `update` of the same release\n"
            "     continues at the last checkpoint (header fetched and checked again, GCM\n"
            "     state rebuilt from flash); another release erases the kept slot first.\n"
            "     `status` shows an interrupted update.\n\n"
            "options:\n"
            "  --server URL             https:// base URL of the release directory [required]\n"
            "  --ca CA.pem              pin this CA for the server certificate [required]\n"
            "  --manifest NAME          the manifest's file name in the release (default manifest.fwm)\n"
            "  --json                   one JSON object per step on stdout, then a result object\n"
            "  --no-clock               the device has no trusted clock: expiry is checked against\n"
            "                           the newest manifest time seen only\n"
            "  --retries N              reconnect and resume up to N times per resource (default 3)\n"
            "  --timeout-ms N           deadline per read / handshake / response head (default 10000)\n"
            "  --connect-timeout-ms N   TCP connect deadline (default: --timeout-ms)\n"
            "  --checkpoint-kib N       record the progress in NVS every N KiB written (default 64,\n"
            "                           a multiple of 4; rounded up to the release's chunk size)\n"
            "  --restart                drop an interrupted download's progress, start at chunk 0\n\n"
            "Time: the simulated device's clock is the host's clock (as if set by an\n"
            "authenticated time source); FWSEAL_SIM_UTC=SECONDS sets it, --no-clock removes it.\n\n"
            "exit status:\n"
            "  0   updated: the new image boots next (`fwseal-device boot DIR`)\n"
            "  1   refused: bad signature, replayed or expired manifest, another chip or\n"
            "      project, secure_version below the eFuse, foreign header, tampered chunk,\n"
            "      tag, image SHA-256 (manifest) or image verification failed (nothing\n"
            "      installed)\n"
            "  2   usage error\n"
            "  3   I/O or network error (nothing installed; try again later)\n"
            "  4   nothing to do: already runs this version, or not in the rollout (yet)\n"
            "  99  simulated power loss\n\n"
            "example:\n"
            "  fwseal-device update dev --server https://updates.example:8443/rel --ca ca.pem && fwseal-device boot dev\n");
}

struct update_opts {
    const char *dir, *server, *ca, *manifest;
    int json, no_clock, restart;
    unsigned retries;
    uint32_t checkpoint_kib;
    uint32_t timeout_ms, connect_timeout_ms;
};

static int parse(int argc, char **argv, struct update_opts *o)
{
    memset(o, 0, sizeof *o);
    o->manifest = "manifest.fwm";
    o->retries = 3;
    o->timeout_ms = 10000;
    o->checkpoint_kib = FWD_OTA_RESUME_INTERVAL_DEFAULT / 1024;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int takes = !strcmp(a, "--server") || !strcmp(a, "--ca") || !strcmp(a, "--manifest") ||
                    !strcmp(a, "--retries") || !strcmp(a, "--timeout-ms") || !strcmp(a, "--connect-timeout-ms") ||
                    !strcmp(a, "--checkpoint-kib");
        if (takes && i + 1 >= argc) return cli_err(EXIT_USAGE, "update: %s needs a value", a);
        uint64_t n;
        if (!strcmp(a, "--server")) o->server = argv[++i];
        else if (!strcmp(a, "--ca")) o->ca = argv[++i];
        else if (!strcmp(a, "--manifest")) o->manifest = argv[++i];
        else if (!strcmp(a, "--json")) o->json = 1;
        else if (!strcmp(a, "--no-clock")) o->no_clock = 1;
        else if (!strcmp(a, "--restart")) o->restart = 1;
        else if (!strcmp(a, "--checkpoint-kib")) {
            const char *v = argv[++i];
            if (cli_parse_u64(v, &n) || n == 0 || n % (FW_OTA_PROGRESS_ALIGN / 1024) ||
                n > FWD_OTA_RESUME_INTERVAL_MAX / 1024)
                return cli_err(EXIT_USAGE, "update: --checkpoint-kib: bad value '%s' (a multiple of 4, at most %u)", v,
                               FWD_OTA_RESUME_INTERVAL_MAX / 1024);
            o->checkpoint_kib = (uint32_t)n;
        } else if (takes) {
            const char *v = argv[++i];
            int retries = !strcmp(a, "--retries");
            if (cli_parse_u64(v, &n) || n > (retries ? 100u : 3600000u) || (!retries && n == 0))
                return cli_err(EXIT_USAGE, "update: %s: bad value '%s'", a, v);
            if (retries) o->retries = (unsigned)n;
            else if (!strcmp(a, "--timeout-ms")) o->timeout_ms = (uint32_t)n;
            else o->connect_timeout_ms = (uint32_t)n;
        } else if (cli_is_option(a)) return cli_err(EXIT_USAGE, "update: unknown option '%s' (see --help)", a);
        else if (!o->dir) o->dir = a;
        else return cli_err(EXIT_USAGE, "update: unexpected argument '%s'", a);
    }
    if (!o->dir || !o->server || !o->ca)
        return cli_err(EXIT_USAGE, "update: usage: fwseal-device update DIR --server URL --ca CA.pem (see --help)");
    if (strncmp(o->server, "https://", 8))
        return cli_err(EXIT_USAGE, "update: --server must be an https:// URL");
    if (fw_mf_check_path(o->manifest, 0) != FW_OK)
        return cli_err(EXIT_USAGE, "update: --manifest: '%s' is not a relative path", o->manifest);
    return 0;
}

/* ---- rendering ------------------------------------------------------------------ */

struct view {
    int json;
    int tty;        /* progress line on a terminal only (fleet logs stay short) */
    int bar_open;
};

static void utc(uint64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!t || !gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(out, 32, "none");
}

static void on_step(void *ctx, enum fwd_fleet_step s, const struct fwd_fleet *f)
{
    struct view *v = ctx;
    if (v->bar_open && !v->json) {
        putchar('\n');
        v->bar_open = 0;
    }
    char is[32], ex[32], best[32];
    utc(f->m.issued, is);
    utc(f->m.expires, ex);
    utc(f->decision.best_time, best);
    if (v->json) {
        struct fw_json j;
        fw_json_init(&j, stdout, FW_JSON_TIGHT);
        fw_json_obj(&j);
        switch (s) {
        case FWD_FLEET_STEP_MANIFEST:
            fw_json_kstr(&j, "event", "manifest_verified");
            fw_json_ku64(&j, "seq", f->m.seq);
            fw_json_kstr(&j, "project", f->m.project);
            fw_json_kstr(&j, "version", f->m.version);
            fw_json_ku64(&j, "secure_version", f->m.secure_version);
            fw_json_kstr(&j, "issued", is);
            fw_json_kstr(&j, "expires", ex);
            fw_json_ku64(&j, "image_size", f->m.image_size);
            fw_json_ku64(&j, "chunk_size", f->m.chunk_size);
            fw_json_ki64(&j, "key_slot", f->sig.key_slot);
            break;
        case FWD_FLEET_STEP_DECIDED:
            fw_json_kstr(&j, "event", "decision");
            fw_json_kstr(&j, "verdict", fw_mf_verdict_name(f->decision.verdict));
            fw_json_kstr(&j, "rule", f->decision.rule);
            fw_json_ku64(&j, "last_seq", f->before.seq);
            fw_json_kstr(&j, "best_time", best);
            fw_json_kstr(&j, "time_source", f->facts.clock_utc >= f->facts.newest_issued && f->facts.clock_utc
                                                ? "clock" : "newest-manifest");
            fw_json_ku64(&j, "bucket", f->decision.bucket);
            fw_json_ku64(&j, "rollout_bp", f->m.rollout_bp);
            break;
        case FWD_FLEET_STEP_HEADER:
            fw_json_kstr(&j, "event", "header");
            fw_json_kstr(&j, "path", f->header_path);
            break;
        case FWD_FLEET_STEP_BODY_RETRY:
            fw_json_kstr(&j, "event", "body_resume");
            fw_json_ku64(&j, "resume_at", f->resume_from);
            break;
        case FWD_FLEET_STEP_RESUMED:
            fw_json_kstr(&j, "event", "resumed");
            fw_json_ku64(&j, "resume_at", f->resumed_at);
            fw_json_ku64(&j, "first_chunk", f->resumed_at / f->m.chunk_size);
            fw_json_ku64(&j, "checkpoint_interval", f->checkpoint_every);
            break;
        case FWD_FLEET_STEP_RESUME_REFUSED:
            fw_json_kstr(&j, "event", "resume_dropped");
            fw_json_kstr(&j, "reason", f->resume_why ? f->resume_why : "");
            break;
        case FWD_FLEET_STEP_CHUNK_BAD:
            fw_json_kstr(&j, "event", "chunk_mismatch");
            fw_json_ku64(&j, "chunk", f->cc.bad_chunk);
            fw_json_ku64(&j, "verified_chunks", fwd_chunk_check_verified(&f->cc));
            break;
        }
        fw_json_end(&j);
        fflush(stdout);
        return;
    }
    switch (s) {
    case FWD_FLEET_STEP_MANIFEST:
        printf("manifest seq %" PRIu64 ": %s %s (secure_version %u), issued %s, expires %s; signature verified (eFuse key %d)\n",
               f->m.seq, f->m.project, f->m.version, (unsigned)f->m.secure_version, is, ex, f->sig.key_slot);
        break;
    case FWD_FLEET_STEP_DECIDED:
        printf("decision: %s (rule %s; last accepted seq %" PRIu64 ", time %s from %s, rollout bucket %u of %u)\n",
               fw_mf_verdict_name(f->decision.verdict), f->decision.rule, f->before.seq, best,
               f->facts.clock_utc && f->facts.clock_utc >= f->facts.newest_issued ? "the clock" : "the newest manifest",
               (unsigned)f->decision.bucket, (unsigned)f->m.rollout_bp);
        break;
    case FWD_FLEET_STEP_HEADER: printf("header %s accepted\n", f->header_path); break;
    case FWD_FLEET_STEP_BODY_RETRY:
        printf("body connection lost: resuming at verified chunk boundary %" PRIu64 "\n", f->resume_from);
        break;
    case FWD_FLEET_STEP_RESUMED:
        printf("resuming the interrupted download at body byte %" PRIu64 " (chunk %" PRIu64
               "): header checked again, GCM state rebuilt from flash\n",
               f->resumed_at, f->resumed_at / f->m.chunk_size);
        break;
    case FWD_FLEET_STEP_RESUME_REFUSED:
        printf("interrupted download dropped (%s): slot erased, starting at chunk 0\n",
               f->resume_why ? f->resume_why : "");
        break;
    case FWD_FLEET_STEP_CHUNK_BAD:
        printf("chunk %u does not match the manifest: download stopped after %u verified chunks\n",
               (unsigned)f->cc.bad_chunk, (unsigned)fwd_chunk_check_verified(&f->cc));
        break;
    }
    fflush(stdout);
}

static void on_event(void *ctx, const struct fwd_ota_event *ev)
{
    struct view *v = ctx;
    if (v->json) return; /* the result object carries the outcome */
    if (ev->type == FWD_OTA_EV_WRITING) {
        if (!v->tty) return;
        printf("\rwriting %llu/%llu bytes (%u%%)", (unsigned long long)ev->done, (unsigned long long)ev->total,
               ev->total ? (unsigned)(ev->done * 100 / ev->total) : 0);
        v->bar_open = 1;
        fflush(stdout);
        return;
    }
    if (v->bar_open) {
        putchar('\n');
        v->bar_open = 0;
    }
    switch (ev->type) {
    case FWD_OTA_EV_APP_DESC:
        printf("new image: %s %s (secure_version %u)\n", ev->app->desc.project_name, ev->app->desc.version,
               (unsigned)ev->app->desc.secure_version);
        break;
    case FWD_OTA_EV_VERIFYING: printf("verifying the written image (tag ok)\n"); break;
    case FWD_OTA_EV_BOOT_UPDATED: printf("boot partition set to %s (state NEW)\n", ev->slot); break;
    case FWD_OTA_EV_ABORTED:
        printf("update aborted: %s; slot %s %s\n", ev->fail.why ? ev->fail.why : "", ev->slot,
               ev->slot_fate == FWD_OTA_SLOT_UNTOUCHED ? "not touched" : ev->slot_fate == FWD_OTA_SLOT_ERASED ? "erased"
                                                                                                          : "may be partly erased");
        break;
    default: break;
    }
    fflush(stdout);
}

static void result_json(const struct fwd_fleet *f, const struct fwd_fleet_http *fh)
{
    struct fw_json j;
    fw_json_init(&j, stdout, FW_JSON_TIGHT);
    fw_json_obj(&j);
    fw_json_kstr(&j, "event", "result");
    fw_json_kstr(&j, "outcome", fwd_fleet_outcome_name(f->outcome));
    fw_json_kstr(&j, "reason", f->why);
    if (f->m.seq) {
        fw_json_ku64(&j, "seq", f->m.seq);
        fw_json_kstr(&j, "version", f->m.version);
    }
    fw_json_ku64(&j, "manifest_bytes", f->manifest_bytes);
    fw_json_ku64(&j, "header_bytes", f->header_bytes);
    fw_json_ku64(&j, "body_bytes", f->body_bytes);
    fw_json_ku64(&j, "resumed_at", f->resumed_at);
    fw_json_ku64(&j, "requests", fh->requests);
    fw_json_end(&j);
    fflush(stdout);
}

/* ---- the run ----------------------------------------------------------------------- */

static int sim_clock(void *ctx, uint64_t *t)
{
    (void)ctx;
    const char *e = getenv("FWSEAL_SIM_UTC");
    uint64_t v;
    if (e && *e) {
        if (cli_parse_u64(e, &v)) return FW_ERR_INVALID_ARG;
        *t = v;
        return FW_OK;
    }
    time_t now = time(NULL);
    if (now <= 0) return FW_ERR_STATE;
    *t = (uint64_t)now;
    return FW_OK;
}

static int init_http(struct fwd_http *h, struct fwd_ota_dev *dev, const struct update_opts *o)
{
    uint8_t *ca = NULL;
    size_t calen = 0;
    int rc = cli_read_file(o->ca, 65536, &ca, &calen);
    if (rc) return rc;
    uint8_t *z = realloc(ca, calen + 1); /* PEM: mbedTLS wants the NUL inside the length */
    if (!z) {
        free(ca);
        return cli_err(EXIT_IO, "out of memory");
    }
    z[calen++] = 0;
    struct fwd_http_cfg hc = {
        .ca_pem = z, .ca_pem_len = calen, .rng = &dev->d.plat->random, .time = &dev->d.plat->time,
        .read_timeout_ms = o->timeout_ms, .connect_timeout_ms = o->connect_timeout_ms, .max_redirects = 3,
    };
    rc = fwd_http_init(h, &hc);
    free(z);
    return rc ? cli_err(EXIT_REJECT, "%s: no valid CA certificate", o->ca) : 0;
}

static int exit_of(const struct fwd_fleet *f)
{
    switch (f->outcome) {
    case FWD_FLEET_UPDATED: return EXIT_OK_;
    case FWD_FLEET_NOTHING: return EXIT_NOTHING;
    case FWD_FLEET_REFUSED: return EXIT_REJECT;
    default: return f->fail.code == FW_ERR_POWER_LOSS ? EXIT_POWER_LOSS : EXIT_IO;
    }
}

static int update_device(struct devdir *dd, struct fwd_ota_dev *dev, const struct update_opts *o)
{
    const char *id = fleet_id_get(dd);
    if (!id) return cli_err(EXIT_USAGE, "%s: no fleet device id (create the device with `init --id ID`)", dd->dir);
    static struct fwd_decrypt_key key;
    int krc = dev_secret_load(o->dir, dev->d.plat, &key);
    if (krc != FW_OK) {
        fwd_decrypt_key_free(&key);
        return krc == FW_ERR_NOT_FOUND ? cli_err(EXIT_REJECT, "%s: no decryption key provisioned (init --decrypt-key)", dd->dir)
                                       : cli_err(EXIT_IO, "%s: the device decryption secret is unreadable or invalid", dd->dir);
    }
    static struct fwd_nvs_dev nv;
    int rc = fwd_nvs_dev_open(&nv, &dd->dev, "nvs", 0);
    if (rc) {
        fwd_decrypt_key_free(&key);
        return nvscli_fail(dd, "nvs (manifest memory)", rc, nv.nvs.store.fail.why);
    }
    /* The progress record (fwd_ota_resume.h) in the same NVS: a fleet
     * download resumes across reboots like `ota` does. */
    static struct fwd_ota_resume rs;
    static struct fwd_ota_resume_nvs bind;
    struct fwd_ota_resume_store st;
    fwd_ota_resume_nvs_store(&bind, &nv.nvs.store, &st);
    rc = fwd_ota_resume_init(&rs, &st, o->checkpoint_kib * 1024u);
    if (rc) {
        fwd_decrypt_key_free(&key);
        if (rc == FW_ERR_POWER_LOSS) return cli_err(EXIT_POWER_LOSS, "power loss");
        fwd_nvs_dev_close(&nv);
        return cli_err(EXIT_IO, "%s: cannot read the progress record (NVS): %s", dd->dir, fw_strerror(rc));
    }
    static struct fwd_http h;
    static struct fwd_fleet_http fh;
    static struct fwd_fleet f;
    struct view v = { o->json, isatty(STDOUT_FILENO), 0 };
    struct fwd_fleet_cfg fc = {
        .dev = dev, .key = &key, .device_id = id, .group = devdir_conf_get(dd, "device_group"),
        .manifest_path = o->manifest, .state = &nv.nvs.store, .clock = o->no_clock ? NULL : sim_clock,
        .event = on_event, .event_ctx = &v, .step = on_step, .step_ctx = &v,
        .resume = &rs, .resume_source = o->server, .restart = o->restart,
    };
    int e = init_http(&h, dev, o);
    if (!e) {
        fwd_fleet_http_source(&fh, &h, o->server, o->retries, &fc.src);
        fwd_fleet_update(&f, &fc);
        fwd_http_free(&h);
        e = exit_of(&f);
        if (o->json) result_json(&f, &fh);
        if (e == EXIT_OK_ && !o->json) printf("update: %s; next boot: the new image (NEW)\n", f.why);
        else if (e == EXIT_NOTHING && !o->json) printf("update: nothing to do (%s)\n", f.why);
        else if (e != EXIT_OK_ && e != EXIT_NOTHING && e != EXIT_POWER_LOSS)
            cli_err(e, "%s: update %s: %s", dd->dir, e == EXIT_REJECT ? "refused" : "failed", f.why);
    }
    if (e != EXIT_POWER_LOSS) fwd_nvs_dev_close(&nv);
    fwd_decrypt_key_free(&key);
    return e;
}

static int run_update(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    struct update_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    struct devdir *dd;
    struct fwd_ota_dev *od;
    struct running_saved saved;
    if ((rc = devdir_open(o.dir, 0, &dd))) return rc;
    static struct fwd_sim_nor view; /* NVS re-programs bits in its own partition (real NOR) */
    nvscli_nor_view(dd, &view);
    if ((rc = running_attach(dd, &od, o.json ? NULL : stdout)) != 0) {
        devdir_close(dd);
        return rc;
    }
    if ((rc = running_suspend(dd, &saved)) == 0) {
        int e = update_device(dd, od, &o);
        rc = running_resume(dd, &saved); /* the app keeps running, success or not */
        if (e) rc = e;
    }
    running_detach(od);
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_update = {"update", "fleet update from a signed release manifest (fwseal release)", run_update};
