/* SPDX-License-Identifier: Apache-2.0 */
/* The device side of a fleet release (device/fwd_fleet.h) on the simulated
 * device with an in-memory source: a signed manifest is verified and decided
 * on before anything else is fetched; refusals (untrusted signer, replay,
 * expiry by clock or by the newest manifest time, foreign header, tampered
 * chunk, chunk size above the device's bound) leave flash untouched up to
 * the refusal point and the slot unselected; "nothing to do" and accepted
 * manifests raise the manifest memory in NVS, refused ones do not; a
 * connection lost in the middle of a chunk resumes at a verified chunk
 * boundary; with a progress record (cfg.resume) a run that gave up keeps the
 * slot and the next run (a reboot later) continues at the last checkpoint,
 * a chunk boundary, while another manifest or `restart` starts at chunk 0. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "device/fwd_efuse.h"
#include "device/fwd_fleet.h"
#include "device/fwd_nvs_part.h"
#include "device/port/sim/fwd_sim.h"
#include "device/port/sim/fwd_sim_nor.h"
#include "encryptor/fwh_encimg.h"
#include "vector_device_fixture.h"
#include "keys/fwh_keys.h"
#include "signer/fwh_sign.h"

#define FLASH (4u << 20)
#define CHUNK 4096u
#define ID "dev-0007"
#define RUNNING "secure_boot_v2/signed_rsa_1key_unpadded.bin" /* 1.0.0, sv 1 */
#define NEWIMG "secure_boot_v2/signed_rsa_1key.bin"           /* 1.2.0-sb, sv 4 */
#define T0 1800000000ull                                     /* "now" of the tests */

static struct fwd_sim sim;
static struct fwd_sim_nor view;
static struct fwd_ota_dev dev;
static struct fwd_nvs_dev nv;
static struct fwd_decrypt_key key;
static struct fwd_fleet fl;
static struct fwd_app_info running;

/* ---- the release ------------------------------------------------------------------ */

static uint8_t *enc, *enc2;       /* two containers of NEWIMG (different content keys) */
static size_t enc_len, enc2_len;
static uint8_t mf[FW_MF_MAX_FILE_LEN];
static size_t mf_len;


/* SHA-256("fwseal-keycheck1" || content key) of `enc`, through the device's
 * own decryptor (the test never sees the content key). */
static uint8_t key_check_of_enc[FW_MF_HASH_LEN];
static int discard(void *ctx, const uint8_t *p, size_t n) { (void)ctx; (void)p; (void)n; return FW_OK; }
static void compute_key_check(void)
{
    static struct fwd_decrypt d;
    struct fwd_random rng;
    fwd_sim_random_hal(&rng);
    struct fwd_decrypt_cfg dc = { .key = &key, .rng = &rng, .min_bin_size = 1, .max_bin_size = 1u << 24,
                                  .strict_reserved = 1, .out = { discard, NULL, NULL } };
    assert_int_equal(fwd_decrypt_start(&d, &dc), FW_OK);
    assert_int_equal(fwd_decrypt_feed(&d, enc, FW_ENC_HEADER_SIZE), FW_OK);
    assert_int_equal(fwd_decrypt_key_check(&d, key_check_of_enc), FW_OK);
    fwd_decrypt_abort(&d);
}

/* The manifest of `enc` as `fwseal release` would write it, signed by `signer`
 * (image_sha256: the plaintext image's, unless a test sets wrong_image_sha). */
static int wrong_image_sha;
static void manifest_of(struct fw_manifest *m, const char *signer)
{
    const uint8_t *body = enc + FW_ENC_HEADER_SIZE;
    uint32_t blen = (uint32_t)(enc_len - FW_ENC_HEADER_SIZE);
    m->format_version = FW_MF_FORMAT_VERSION;
    m->enc_scheme = FW_MF_ENC_RSA3072;
    m->image_size = blen;
    m->chunk_count = fw_mf_chunk_count(blen, m->chunk_size);
    m->manifest_len = FW_MF_FIXED_LEN + FW_MF_HASH_LEN * m->chunk_count;
    memcpy(m->enc_iv, enc + FW_ENC_OFF_IV, FW_MF_IV_LEN);
    memcpy(m->enc_tag, enc + FW_ENC_OFF_TAG, FW_MF_TAG_LEN);
    memcpy(m->key_check, key_check_of_enc, FW_MF_HASH_LEN);
    size_t plen;
    uint8_t *plain = tu_read(tu_vector(NEWIMG), &plen);
    SHA256(plain, plen, m->image_sha256);
    free(plain);
    if (wrong_image_sha) m->image_sha256[7] ^= 1;
    assert_int_equal(fw_mf_encode_fixed(m, mf), FW_OK);
    for (uint32_t i = 0; i < m->chunk_count; i++) {
        uint32_t off = i * m->chunk_size, n = blen - off < m->chunk_size ? blen - off : m->chunk_size;
        SHA256(body + off, n, mf + FW_MF_FIXED_LEN + FW_MF_HASH_LEN * i);
    }
    uint32_t s = (m->manifest_len + 4095) / 4096 * 4096;
    memset(mf + m->manifest_len, 0xFF, s - m->manifest_len);
    struct fwh_key k;
    char why[128];
    assert_int_equal(fwh_key_load(tu_vector(signer), &k, why, sizeof why), 0);
    uint8_t digest[32];
    SHA256(mf, s, digest);
    const struct fwh_key *keys[1] = { &k };
    assert_int_equal(fwh_sbv2_build_sector(mf + s, NULL, keys, 1, digest, why, sizeof why), 0);
    fwh_key_free(&k);
    mf_len = s + 4096;
}

/* The default release: every rule holds for the test device. */
static void default_manifest(struct fw_manifest *m)
{
    memset(m, 0, sizeof *m);
    m->chip_id = 5;
    m->min_chip_rev = 3;
    m->rollout_bp = FW_MF_ROLLOUT_ALL;
    m->secure_version = 4;
    m->seq = 7;
    m->issued = T0 - 3600;
    m->expires = T0 + 86400;
    m->chunk_size = CHUNK;
    snprintf(m->project, sizeof m->project, "%.31s", running.desc.project_name);
    snprintf(m->version, sizeof m->version, "1.2.0-sb");
    snprintf(m->body_path, sizeof m->body_path, "body.bin");
    snprintf(m->header_path, sizeof m->header_path, "hdr/{id}.bin");
}

/* ---- the in-memory server ----------------------------------------------------------- */

struct src {
    const uint8_t *hdr;               /* served as hdr/dev-0007.bin */
    const uint8_t *body;
    size_t body_len;
    unsigned cut_after;               /* body: connection lost after this many bytes of an attempt */
    unsigned cuts_left;
    int no_length;                    /* body sent without announcing its size (chunked, until close) */
    uint64_t froms[16];
    unsigned body_gets, gets, retries;
    int no_retry;                     /* the transport gives up at once (the device "reboots") */
};
static struct src srv;

static int src_get(void *ctx, const char *path, uint64_t from, uint64_t expect, uint64_t max,
                   const struct fwd_sink *sink, struct fw_fail *fail)
{
    struct src *s = ctx;
    s->gets++;
    const uint8_t *d;
    size_t n;
    int is_body = 0;
    if (!strcmp(path, "manifest.bin")) d = mf, n = mf_len;
    else if (!strcmp(path, "hdr/" ID ".bin")) d = s->hdr, n = FW_ENC_HEADER_SIZE;
    else if (!strcmp(path, "body.bin")) d = s->body, n = s->body_len, is_body = 1;
    else return fw_fail_set(fail, FW_ERR_PROTOCOL, "404");
    if (is_body && s->body_gets < 16) s->froms[s->body_gets] = from;
    if (is_body) s->body_gets++;
    if (!(is_body && s->no_length) && ((expect && expect != n) || n > max || from > n))
        return fw_fail_set(fail, FW_ERR_PROTOCOL, "size");
    size_t sent = 0;
    for (size_t off = from; off < n; off += 1000) {
        size_t k = n - off < 1000 ? n - off : 1000;
        int rc = fwd_sink_write(sink, d + off, k);
        if (rc) return rc;
        sent += k;
        if (is_body && s->cuts_left && sent >= s->cut_after) {
            s->cuts_left--;
            return fw_fail_set(fail, FW_ERR_NET, "connection reset");
        }
    }
    return FW_OK;
}

static int src_retry(void *ctx, int err, unsigned attempt)
{
    struct src *s = ctx;
    (void)err;
    s->retries++;
    return !s->no_retry && attempt <= 5;
}

static uint64_t clock_now = T0;
static int test_clock(void *ctx, uint64_t *t)
{
    (void)ctx;
    *t = clock_now;
    return FW_OK;
}

/* ---- the device ---------------------------------------------------------------------- */

static void device_up(void)
{
    fwd_nvs_dev_close(&nv);
    fwd_ota_dev_close(&dev);
    static struct fwd_dev dd;
    vdev_provision(&sim, FLASH, RUNNING, 1, &dd);
    const struct fwd_part *nvp = fwd_part_find(&dd, "nvs");
    struct fwd_flash f;
    fwd_sim_nor_hal(&view, &sim.flash, &f);
    assert_int_equal(fwd_sim_nor_allow(&view, nvp->offset, nvp->size), 0);
    sim.plat.flash = f;
    fwd_dev_close(&dd);
    assert_int_equal(fwd_ota_dev_open(&dev, &sim.plat, 0, "ota_0"), 0);
    assert_int_equal(fwd_ota_get_partition_description(&dev, fwd_ota_get_running_partition(&dev), &running), 0);
    assert_int_equal(fwd_nvs_dev_open(&nv, &dev.d, "nvs", 0), 0);
    memset(&srv, 0, sizeof srv);
    srv.hdr = enc;
    srv.body = enc + FW_ENC_HEADER_SIZE;
    srv.body_len = enc_len - FW_ENC_HEADER_SIZE;
    clock_now = T0;
}

static enum fwd_fleet_outcome update(int with_clock)
{
    struct fwd_fleet_cfg cfg = {
        .dev = &dev, .key = &key, .device_id = ID, .manifest_path = "manifest.bin", .state = &nv.nvs.store,
        .clock = with_clock ? test_clock : NULL, .src = { src_get, src_retry, &srv },
    };
    return fwd_fleet_update(&fl, &cfg);
}

/* The progress record on the device's NVS, loaded as after a reboot. */
static struct fwd_ota_resume rs;
static struct fwd_ota_resume_nvs rs_bind;
static enum fwd_fleet_outcome update_resumable(uint32_t interval, int restart)
{
    struct fwd_ota_resume_store st;
    fwd_ota_resume_nvs_store(&rs_bind, &nv.nvs.store, &st);
    assert_int_equal(fwd_ota_resume_init(&rs, &st, interval), FW_OK);
    struct fwd_fleet_cfg cfg = {
        .dev = &dev, .key = &key, .device_id = ID, .manifest_path = "manifest.bin", .state = &nv.nvs.store,
        .clock = test_clock, .src = { src_get, src_retry, &srv },
        .resume = &rs, .resume_source = "https://fleet.example/rel", .restart = restart,
    };
    return fwd_fleet_update(&fl, &cfg);
}

static const char *boot_label(void)
{
    const struct fwd_part *p = fwd_ota_get_boot_partition(&dev);
    return p ? p->label : "(none)";
}

/* The passive slot was never written: its raw flash is still erased. */
static int slot_blank(void)
{
    static uint8_t raw[64 * 1024];
    const struct fwd_part *p1 = fwd_part_find(&dev.d, "ota_1");
    if (fwd_part_read_raw(&dev.d, p1, 0, raw, sizeof raw) != FW_OK) return 0;
    for (size_t i = 0; i < sizeof raw; i++)
        if (raw[i] != 0xFF) return 0;
    return 1;
}

static struct fwd_fleet_state memory(void)
{
    struct fwd_fleet_state s;
    assert_int_equal(fwd_fleet_state_load(&nv.nvs.store, &s), FW_OK);
    return s;
}

/* A refusal before any download: nothing fetched but the manifest, no flash
 * operation at all (not even NVS), the old image boots. */
static void refused_before_download(int with_clock, const char *why)
{
    uint64_t ops = sim.flash.ops;
    struct fwd_fleet_state before = memory();
    srv.gets = srv.body_gets = 0;
    assert_int_equal(update(with_clock), FWD_FLEET_REFUSED);
    if (!strstr(fl.why, why)) fail_msg("reason '%s' does not say '%s'", fl.why, why);
    assert_int_equal(srv.gets, 1);
    assert_int_equal(sim.flash.ops, ops);
    assert_true(slot_blank());
    struct fwd_fleet_state after = memory();
    assert_int_equal(after.seq, before.seq);
    assert_int_equal(after.time, before.time);
    assert_string_equal(boot_label(), "ota_0");
}

/* ---- tests ------------------------------------------------------------------------------- */

static void accepted_and_remembered(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    assert_int_equal(update(1), FWD_FLEET_UPDATED);
    assert_string_equal(boot_label(), "ota_1");
    assert_int_equal(fl.decision.verdict, FW_MF_ACCEPT);
    assert_int_equal(srv.gets, 3);               /* manifest, header, body: one request each */
    assert_int_equal(fl.body_bytes, srv.body_len);
    struct fwd_fleet_state st = memory();
    assert_int_equal(st.seq, 7);
    assert_int_equal(st.time, T0 - 3600);
}

static void resume_at_verified_chunk(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    srv.cut_after = 2 * CHUNK + 1500; /* lost in the middle of chunk 2 ... */
    srv.cuts_left = 2;                /* ... twice */
    assert_int_equal(update(1), FWD_FLEET_UPDATED);
    assert_string_equal(boot_label(), "ota_1");
    assert_int_equal(srv.body_gets, 3);
    assert_int_equal(srv.froms[0], 0);
    /* every retry starts at a verified chunk boundary, never inside a chunk */
    for (unsigned i = 1; i < 3; i++) assert_int_equal(srv.froms[i] % CHUNK, 0);
    assert_int_equal(srv.froms[1], 2 * CHUNK);
    assert_int_equal(srv.froms[2], 4 * CHUNK);
    /* bytes fetched: two cut attempts of 10000 bytes (1000-byte reads) plus the rest from chunk 4 */
    assert_int_equal(fl.body_bytes, 10000 + 10000 + (srv.body_len - 4 * CHUNK));
    assert_int_equal(fl.cc.dropped, (10000 - 2 * CHUNK) + (8192 + 10000 - 4 * CHUNK));
}

/* The run that loses its link (no retry) keeps the written chunks; the
 * next run, with the progress record loaded from NVS, fetches the body
 * from the last checkpoint (a chunk boundary) and completes. */
static void interrupted_run(void)
{
    srv.cut_after = 5 * CHUNK + 100;              /* chunks 0..4 verified and written, then the link is gone */
    srv.cuts_left = 1;
    srv.no_retry = 1;
    assert_int_equal(update_resumable(8192, 0), FWD_FLEET_FAILED);
    assert_int_equal(fl.checkpoint_every, 8192);
    assert_string_equal(boot_label(), "ota_0");
    assert_false(slot_blank());                   /* kept for the next run */
    srv.no_retry = 0;
    srv.body_gets = 0;
}

static void resume_after_reboot_at_checkpoint(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    interrupted_run();
    struct fw_ota_progress rec;
    uint64_t done;
    assert_int_equal(fwd_ota_resume_peek(&nv.nvs.store, &rec, &done), FW_OK);
    assert_int_equal(done, 4 * CHUNK);            /* checkpoints at 8 KiB and 16 KiB */
    assert_string_equal(rec.source, FWD_FLEET_RESUME_PREFIX "https://fleet.example/rel/body.bin");
    assert_int_equal(update_resumable(8192, 0), FWD_FLEET_UPDATED);
    assert_int_equal(fl.resumed_at, 4 * CHUNK);
    assert_int_equal(srv.body_gets, 1);
    assert_int_equal(srv.froms[0], 4 * CHUNK);   /* the chunk stage started at chunk 4 */
    assert_int_equal(fl.body_bytes, srv.body_len - 4 * CHUNK);
    assert_int_equal(fwd_chunk_check_verified(&fl.cc), m.chunk_count - 4);
    assert_string_equal(boot_label(), "ota_1");
    assert_int_equal(fwd_ota_resume_peek(&nv.nvs.store, &rec, &done), FW_ERR_NOT_FOUND); /* record gone */
}

/* A tampered chunk on a resumed run: refused before it is written, slot
 * erased, record dropped. */
static void resumed_run_still_checks_chunks(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    interrupted_run();
    static uint8_t bad[1 << 20];
    memcpy(bad, srv.body, srv.body_len);
    bad[6 * CHUNK + 3] ^= 1;
    srv.body = bad;
    assert_int_equal(update_resumable(8192, 0), FWD_FLEET_REFUSED);
    assert_int_equal(fl.resumed_at, 4 * CHUNK);
    assert_int_equal(fl.cc.bad_chunk, 6);
    assert_true(slot_blank());
    struct fw_ota_progress rec;
    uint64_t done;
    assert_int_equal(fwd_ota_resume_peek(&nv.nvs.store, &rec, &done), FW_ERR_NOT_FOUND);
    assert_string_equal(boot_label(), "ota_0");
}

/* Another manifest for the same body path (a re-signed release, seq 8):
 * the validator (manifest digest + seq) differs, the kept slot is dropped
 * and the body fetched from chunk 0. --restart likewise. */
static void another_manifest_or_restart_starts_fresh(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    interrupted_run();
    m.seq = 8;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    assert_int_equal(update_resumable(8192, 0), FWD_FLEET_UPDATED);
    assert_int_equal(fl.resumed_at, 0);
    assert_non_null(fl.resume_why);
    assert_non_null(strstr(fl.resume_why, "source changed"));
    assert_int_equal(srv.froms[0], 0);
    assert_int_equal(fl.body_bytes, srv.body_len);
    assert_string_equal(boot_label(), "ota_1");

    device_up();
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    interrupted_run();
    assert_int_equal(update_resumable(8192, 1), FWD_FLEET_UPDATED);
    assert_int_equal(fl.resumed_at, 0);
    assert_string_equal(fl.resume_why, "restart requested");
    assert_int_equal(srv.froms[0], 0);
}

/* The interval is rounded up to the chunk size: every checkpoint is a chunk boundary. */
static void interval_rounded_to_chunks(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    m.chunk_size = 2 * CHUNK;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    assert_int_equal(update_resumable(4096, 0), FWD_FLEET_UPDATED);
    assert_int_equal(fl.checkpoint_every, 2 * CHUNK);
    assert_int_equal(rs.interval, 2 * CHUNK);
}

/* The decrypted image must be the one the manifest names (fw_mf_image_matches):
 * a manifest signed over another image's SHA-256 (all chunks, the header and
 * the tag fine) is refused before the slot is selected, and the slot erased. */
static void image_sha256_mismatch_refused(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    wrong_image_sha = 1;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    wrong_image_sha = 0;
    assert_int_equal(update(1), FWD_FLEET_REFUSED);
    assert_int_equal(fl.fail.code, FW_ERR_DIGEST);
    if (!strstr(fl.why, "image SHA-256 differs")) fail_msg("reason: %s", fl.why);
    assert_int_equal(fwd_chunk_check_verified(&fl.cc), m.chunk_count); /* every chunk was fine */
    assert_true(slot_blank());
    assert_string_equal(boot_label(), "ota_0");
    /* the same release with the right digest installs */
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    assert_int_equal(update(1), FWD_FLEET_UPDATED);
    assert_string_equal(boot_label(), "ota_1");
}

static void untrusted_signer(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_wrong.pem");
    refused_before_download(1, "manifest signature");
    /* a signed manifest with one byte changed after signing */
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    mf[FW_MF_OFF_CHUNKS + 5] ^= 1; /* a chunk digest */
    refused_before_download(1, "manifest signature");
}

static void replay_and_freeze(void **s)
{
    (void)s;
    device_up();
    assert_int_equal(fwd_fleet_state_raise(&nv.nvs.store, 8, T0 - 60), FW_OK);
    struct fw_manifest m;
    default_manifest(&m);                        /* seq 7 < 8: an older manifest replayed */
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    refused_before_download(1, "replay");
    assert_int_equal(fl.decision.verdict, FW_MF_REJECT_REPLAY);
    /* the same sequence number again is fine (a retried download) */
    m.seq = 8;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    assert_int_equal(update(1), FWD_FLEET_UPDATED);
}

static void expiry_by_clock_and_by_newest_manifest(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    m.expires = T0 - 1;                          /* expired an instant ago by the clock */
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    refused_before_download(1, "expired");
    /* no clock and no manifest seen yet: the best time is the manifest's own issue time */
    assert_int_equal(update(0), FWD_FLEET_UPDATED);
    /* no clock, but a newer manifest was seen: the old one is expired by it (freeze) */
    device_up();
    assert_int_equal(fwd_fleet_state_raise(&nv.nvs.store, 1, T0 + 10), FW_OK);
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem"); /* expires T0 + 86400 */
    m.expires = T0 + 5;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    refused_before_download(0, "expired");
    assert_int_equal(fl.decision.best_time, T0 + 10);
}

static void chip_and_secure_version(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    m.chip_id = 9;                               /* esp32s3 */
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    refused_before_download(1, "wrong-chip");
    default_manifest(&m);
    m.secure_version = 0;                        /* below the eFuse value 1 */
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    refused_before_download(1, "secure-version");
}

static void nothing_to_do_is_remembered(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    m.rollout_bp = 0;                            /* nobody by hash, no group */
    m.seq = 9;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    uint64_t writes = sim.flash.st.writes;
    assert_int_equal(update(1), FWD_FLEET_NOTHING);
    assert_int_equal(fl.decision.verdict, FW_MF_NOOP_NOT_IN_ROLLOUT);
    assert_int_equal(srv.gets, 1);
    assert_string_equal(boot_label(), "ota_0");
    struct fwd_fleet_state st = memory();
    assert_int_equal(st.seq, 9);                 /* authentic and current: remembered */
    assert_true(sim.flash.st.writes > writes);   /* (NVS only) */
    /* up to date: the running version */
    default_manifest(&m);
    m.seq = 9;
    snprintf(m.version, sizeof m.version, "%.31s", running.desc.version);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    assert_int_equal(update(1), FWD_FLEET_NOTHING);
    assert_int_equal(fl.decision.verdict, FW_MF_NOOP_UP_TO_DATE);
}

static void foreign_header_refused_before_body(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    srv.hdr = enc2;                              /* a header of another encryption of the same image */
    assert_int_equal(update(1), FWD_FLEET_REFUSED);
    assert_non_null(strstr(fl.why, "does not belong to this release"));
    assert_int_equal(srv.body_gets, 0);
    assert_int_equal(srv.gets, 2);
    assert_true(slot_blank());
    assert_string_equal(boot_label(), "ota_0");
}

static void tampered_header_refused_before_body(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    static uint8_t hdr[FW_ENC_HEADER_SIZE];
    memcpy(hdr, enc, sizeof hdr);
    hdr[100] ^= 0xFF;                            /* the wrapped key: unwraps (implicit rejection) to a wrong key */
    srv.hdr = hdr;
    uint64_t erases = sim.flash.st.erases;
    assert_int_equal(update(1), FWD_FLEET_REFUSED);
    assert_int_equal(fl.fail.code, FW_ERR_KEY);
    assert_non_null(strstr(fl.why, "does not unwrap this release's content key"));
    assert_int_equal(srv.body_gets, 0);          /* refused on the manifest's key check, before the body */
    assert_int_equal(sim.flash.st.erases, erases);
    assert_true(slot_blank());
    assert_string_equal(boot_label(), "ota_0");
}

static void tampered_chunk(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    static uint8_t bad[1 << 20];
    memcpy(bad, srv.body, srv.body_len);
    bad[5 * CHUNK + 17] ^= 1;
    srv.body = bad;
    assert_int_equal(update(1), FWD_FLEET_REFUSED);
    assert_int_equal(fl.fail.code, FW_ERR_DIGEST);
    assert_int_equal(fl.cc.bad_chunk, 5);
    assert_non_null(strstr(fl.why, "chunk 5"));
    assert_true(fl.body_bytes <= 6 * CHUNK + 1000);   /* stopped at the bad chunk (+ one network read) */
    assert_int_equal(srv.body_gets, 1);              /* not retried: tampering is not a network error */
    assert_true(slot_blank());                       /* chunks 0..4 were written, then erased again */
    assert_string_equal(boot_label(), "ota_0");
}

static void body_longer_than_the_manifest(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    static uint8_t longer[1 << 20];
    memcpy(longer, srv.body, srv.body_len);
    srv.body = longer;
    srv.body_len += 1;                           /* one byte more, size not announced */
    srv.no_length = 1;
    assert_int_equal(update(1), FWD_FLEET_REFUSED);
    assert_int_equal(fl.fail.code, FW_ERR_FORMAT); /* the chunk stage: more than the manifest's body */
    assert_int_equal(srv.body_gets, 1);          /* not retried: not a network error */
    assert_string_equal(boot_label(), "ota_0");
}

static void chunk_size_above_device_bound(void **s)
{
    (void)s;
    device_up();
    struct fw_manifest m;
    default_manifest(&m);
    m.chunk_size = FWD_CHUNK_MAX * 2;
    manifest_of(&m, "secure_boot_v2/sb_rsa3072_key1.pem");
    uint64_t erases = sim.flash.st.erases;
    assert_int_equal(update(1), FWD_FLEET_REFUSED);
    assert_non_null(strstr(fl.why, "chunk size"));
    assert_int_equal(srv.body_gets, 0);
    /* only the manifest memory moved (NVS): the slot was never touched */
    assert_int_equal(sim.flash.st.erases, erases);
    assert_true(slot_blank());
    assert_string_equal(boot_label(), "ota_0");
}

static int setup(void **s)
{
    (void)s;
    size_t n;
    uint8_t *pem = tu_read(tu_vector("pre_encrypted/rsa/rsa_priv_key.pem"), &n);
    pem = realloc(pem, n + 1);
    pem[n] = 0;
    fwd_decrypt_key_init(&key);
    assert_int_equal(fwd_decrypt_key_load_rsa(&key, pem, n + 1), 0);
    free(pem);
    enc = vdev_encrypt_file(NEWIMG, &enc_len);
    enc2 = vdev_encrypt_file(NEWIMG, &enc2_len);
    compute_key_check();
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    fwd_decrypt_key_free(&key);
    fwd_nvs_dev_close(&nv);
    fwd_ota_dev_close(&dev);
    fwd_sim_close(&sim);
    free(enc);
    free(enc2);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepted_and_remembered),
        cmocka_unit_test(resume_at_verified_chunk),
        cmocka_unit_test(resume_after_reboot_at_checkpoint),
        cmocka_unit_test(resumed_run_still_checks_chunks),
        cmocka_unit_test(another_manifest_or_restart_starts_fresh),
        cmocka_unit_test(interval_rounded_to_chunks),
        cmocka_unit_test(image_sha256_mismatch_refused),
        cmocka_unit_test(untrusted_signer),
        cmocka_unit_test(replay_and_freeze),
        cmocka_unit_test(expiry_by_clock_and_by_newest_manifest),
        cmocka_unit_test(chip_and_secure_version),
        cmocka_unit_test(nothing_to_do_is_remembered),
        cmocka_unit_test(foreign_header_refused_before_body),
        cmocka_unit_test(tampered_header_refused_before_body),
        cmocka_unit_test(tampered_chunk),
        cmocka_unit_test(body_longer_than_the_manifest),
        cmocka_unit_test(chunk_size_above_device_bound),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
