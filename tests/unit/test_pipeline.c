/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA pipeline on the simulated device: encrypted signed image -> new
 * boot partition; every rejection erases what was written and keeps the old
 * boot partition; early checks refuse before any erase; events in order. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "device/fwd_efuse.h"
#include "device/fwd_ota_pipeline.h"
#include "device/port/sim/fwd_sim.h"
#include "encryptor/fwh_encimg.h"
#include "vector_device_fixture.h"

#define FLASH (4u << 20)

static struct fwd_sim sim;
static struct fwd_ota_dev dev;
static struct fwd_ota_pipeline pipe_;
static struct fwd_decrypt_key key;

struct evlog {
    int types[64];
    int n;
    int aborted_err;
    const char *aborted_why;
    uint64_t last_done;
};

static void on_ev(void *ctx, const struct fwd_ota_event *ev)
{
    struct evlog *l = ctx;
    if (l->n && l->types[l->n - 1] == (int)ev->type && ev->type == FWD_OTA_EV_WRITING) {
        l->last_done = ev->done; /* collapse progress */
        return;
    }
    if (l->n < 64) l->types[l->n++] = ev->type;
    if (ev->type == FWD_OTA_EV_ABORTED) {
        l->aborted_err = ev->fail.code;
        l->aborted_why = ev->fail.why;
    }
    if (ev->type == FWD_OTA_EV_WRITING) l->last_done = ev->done;
}


/* Fresh device: C3, XTS-128, key1 digest trusted, the partition table of the
 * vectors, `running` (a signed vector image) in ota_0 and running. */
static void device_up(const char *running_rel, unsigned efuse_secver)
{
    static struct fwd_dev d;
    vdev_provision(&sim, FLASH, running_rel, efuse_secver, &d);
    fwd_dev_close(&d);
    fwd_ota_dev_close(&dev);
    assert_int_equal(fwd_ota_dev_open(&dev, &sim.plat, 0, "ota_0"), 0);
}

static int run(const uint8_t *img, size_t len, size_t chunk, int allow_same, struct evlog *log)
{
    struct fwd_ota_pipeline_cfg cfg = { .dev = &dev, .key = &key, .allow_same_version = allow_same,
                                        .event = on_ev, .event_ctx = log };
    memset(log, 0, sizeof *log);
    int rc = fwd_ota_pipeline_start(&pipe_, &cfg);
    for (size_t off = 0; rc == 0 && off < len; off += chunk)
        rc = fwd_ota_pipeline_feed(&pipe_, img + off, len - off < chunk ? len - off : chunk);
    if (rc == 0) rc = fwd_ota_pipeline_finish(&pipe_);
    return rc;
}

static const char *boot_label(void)
{
    const struct fwd_part *b = fwd_ota_get_boot_partition(&dev);
    return b ? b->label : "(none)";
}

/* No plaintext of `rel` anywhere in ota_1, and the written area is erased. */
static void assert_slot_clean(const char *rel)
{
    size_t n;
    uint8_t *plain = tu_read(tu_vector(rel), &n);
    const struct fwd_part *p1 = fwd_part_find(&dev.d, "ota_1");
    static uint8_t raw[2u << 20], dec[2u << 20];
    assert_true(n <= sizeof raw);
    assert_int_equal(fwd_part_read_raw(&dev.d, p1, 0, raw, n), 0);
    assert_int_equal(fwd_part_read(&dev.d, p1, 0, dec, n), 0);
    for (size_t i = 0; i < n; i++)
        if (raw[i] != 0xFF) fail_msg("ota_1 raw byte %zu is 0x%02x, not erased", i, raw[i]);
    for (size_t off = 0; off + 4096 <= n; off += 4096)
        assert_memory_not_equal(dec + off, plain + off, 4096);
    free(plain);
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
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    fwd_decrypt_key_free(&key);
    fwd_ota_dev_close(&dev);
    fwd_sim_close(&sim);
    return 0;
}

#define RUNNING "secure_boot_v2/signed_rsa_1key_unpadded.bin" /* 1.0.0, sv 1 */
#define NEWIMG "secure_boot_v2/signed_rsa_1key.bin"           /* 1.2.0-sb, sv 4 */

static void happy_path_events(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    static const size_t chunks[] = { 4096, 1, 333, 65536 };
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        device_up(RUNNING, 1);
        struct evlog log;
        assert_string_equal(boot_label(), "ota_0");
        assert_int_equal(run(enc, len, chunks[c], 0, &log), 0);
        assert_string_equal(boot_label(), "ota_1");
        static const int want[] = { FWD_OTA_EV_START, FWD_OTA_EV_HEADER_VERIFIED, FWD_OTA_EV_APP_DESC,
                                    FWD_OTA_EV_WRITING, FWD_OTA_EV_VERIFYING, FWD_OTA_EV_BOOT_UPDATED,
                                    FWD_OTA_EV_FINISHED };
        assert_int_equal(log.n, 7);
        assert_memory_equal(log.types, want, sizeof want);
        assert_int_equal(log.last_done, len - FW_ENC_HEADER_SIZE);
        uint32_t state = 0;
        assert_int_equal(fwd_ota_get_state_partition(&dev, fwd_part_find(&dev.d, "ota_1"), &state), 0);
        assert_int_equal(state, FW_OTA_NEW);
    }
    /* the slot holds exactly the image, read back through flash decryption */
    size_t n;
    uint8_t *plain = tu_read(tu_vector(NEWIMG), &n), *back = malloc(n);
    assert_int_equal(fwd_part_read(&dev.d, fwd_part_find(&dev.d, "ota_1"), 0, back, n), 0);
    assert_memory_equal(back, plain, n);
    free(back);
    free(plain);
    free(enc);
}

/* The OTA is refused with `want`, or `alt` where two refusals are both right;
 * the reason travels with the code; the slot is clean or untouched. */
static void reject_as(uint8_t *enc, size_t len, int want, int alt, const char *plain_rel, int expect_no_flash_ops)
{
    device_up(RUNNING, 1);
    struct evlog log;
    uint64_t ops = sim.flash.ops;
    int rc = run(enc, len, 1000, 0, &log);
    if (rc == alt) want = alt;
    assert_int_equal(rc, want);
    assert_int_equal(log.types[log.n - 1], FWD_OTA_EV_ABORTED);
    assert_int_equal(log.aborted_err, want);
    assert_non_null(log.aborted_why);          /* the reason travels with the code */
    assert_true(log.aborted_why[0] != 0);
    assert_string_equal(boot_label(), "ota_0");
    if (expect_no_flash_ops) assert_int_equal(sim.flash.ops, ops);
    else assert_slot_clean(plain_rel);
}

static void reject(uint8_t *enc, size_t len, int want, const char *plain_rel, int expect_no_flash_ops)
{
    reject_as(enc, len, want, want, plain_rel, expect_no_flash_ops);
}

static void tamper(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    /* flipped tag: all data written, tag fails at the end -> erased */
    enc[410] ^= 1;
    reject(enc, len, FW_ERR_AUTH, NEWIMG, 0);
    enc[410] ^= 1;
    /* flipped body byte in the middle */
    enc[len / 2] ^= 0x40;
    reject(enc, len, FW_ERR_AUTH, NEWIMG, 0);
    enc[len / 2] ^= 0x40;
    /* wrapped key: implicit rejection -> pseudo-random plaintext -> early check refuses before any
     * erase: the image magic, or the header check when the first byte happens to be 0xE9 (1 in 256) */
    enc[200] ^= 1;
    reject_as(enc, len, FW_ERR_MAGIC, FW_ERR_FORMAT, NEWIMG, 1);
    enc[200] ^= 1;
    /* magic */
    enc[0] ^= 1;
    reject(enc, len, FW_ERR_MAGIC, NEWIMG, 1);
    enc[0] ^= 1;
    /* truncated and trailing */
    reject(enc, len - 1, FW_ERR_TRUNCATED, NEWIMG, 0);
    uint8_t *more = malloc(len + 16);
    memcpy(more, enc, len);
    memset(more + len, 0, 16);
    reject(more, len + 16, FW_ERR_FORMAT, NEWIMG, 0);
    free(more);
    free(enc);
}

static void unsigned_and_early_checks(void **s)
{
    (void)s;
    size_t len;
    /* correctly encrypted but unsigned: the tag passes, the signature check erases */
    uint8_t *enc = vdev_encrypt_file("app/app_esp32c3_128k_sbpad.bin", &len);
    reject(enc, len, FW_ERR_SIGNATURE, "app/app_esp32c3_128k_sbpad.bin", 0);
    free(enc);
    /* another chip: refused on the app descriptor, before any erase */
    enc = vdev_encrypt_file("app/app_esp32s3_256k.bin", &len);
    reject(enc, len, FW_ERR_CHIP, "app/app_esp32s3_256k.bin", 1);
    free(enc);
    /* downgrade: eFuse secure_version 5 > image 4 */
    enc = vdev_encrypt_file(NEWIMG, &len);
    device_up(RUNNING, 5);
    struct evlog log;
    uint64_t ops = sim.flash.ops;
    assert_int_equal(run(enc, len, 4096, 0, &log), FW_ERR_ROLLBACK);
    assert_int_equal(sim.flash.ops, ops);
    free(enc);
    /* same version as running: refused, unless allowed */
    enc = vdev_encrypt_file(RUNNING, &len);
    device_up(RUNNING, 1);
    ops = sim.flash.ops;
    assert_int_equal(run(enc, len, 4096, 0, &log), FW_ERR_VERSION);
    assert_int_equal(sim.flash.ops, ops);
    assert_int_equal(run(enc, len, 4096, 1, &log), 0);
    assert_string_equal(boot_label(), "ota_1");
    free(enc);
}

static void power_loss(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    device_up(RUNNING, 1);
    struct evlog log;
    fwd_sim_flash_set_cut(&sim.flash, 10, FWD_SIM_CUT_TORN);
    assert_int_equal(run(enc, len, 4096, 0, &log), FW_ERR_POWER_LOSS);
    fwd_sim_flash_revive(&sim.flash);
    fwd_ota_dev_close(&dev);
    assert_int_equal(fwd_ota_dev_open(&dev, &sim.plat, 0, "ota_0"), 0);
    assert_string_equal(boot_label(), "ota_0");
    free(enc);
}

/* The optional image_check hook (a fleet manifest's image digest) runs once
 * the whole image is written, before verification and boot selection: an
 * error refuses the image with the hook's reason and erases the slot;
 * FW_OK lets the update finish. */
struct image_check_log {
    int rc;
    unsigned calls;
    uint64_t written;
};
static int image_check_hook(void *ctx, struct fwd_ota_pipeline *p)
{
    struct image_check_log *l = ctx;
    l->calls++;
    l->written = p->written;
    if (l->rc) snprintf(p->why, sizeof p->why, "image does not match the release");
    return l->rc;
}

static void image_check_before_select(void **s)
{
    (void)s;
    size_t n, len;
    uint8_t *plain = tu_read(tu_vector(NEWIMG), &n);
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    for (int refuse = 1; refuse >= 0; refuse--) {
        device_up(RUNNING, 1);
        struct image_check_log l = { refuse ? FW_ERR_DIGEST : FW_OK, 0, 0 };
        struct fwd_ota_pipeline_cfg cfg = { .dev = &dev, .key = &key, .image_check = image_check_hook,
                                            .image_check_ctx = &l };
        assert_int_equal(fwd_ota_pipeline_start(&pipe_, &cfg), 0);
        assert_int_equal(fwd_ota_pipeline_feed(&pipe_, enc, len), 0);
        assert_int_equal(fwd_ota_pipeline_finish(&pipe_), refuse ? FW_ERR_DIGEST : FW_OK);
        assert_int_equal(l.calls, 1);
        assert_int_equal(l.written, n);
        if (refuse) {
            assert_string_equal(fwd_ota_pipeline_reason(&pipe_), "image does not match the release");
            assert_string_equal(boot_label(), "ota_0");
            assert_slot_clean(NEWIMG);
        } else {
            assert_string_equal(boot_label(), "ota_1");
        }
    }
    free(enc);
    free(plain);
}

static void plaintext_policy(void **s)
{
    (void)s;
    size_t n;
    uint8_t *plain = tu_read(tu_vector(NEWIMG), &n);
    device_up(RUNNING, 1);
    struct evlog log;
    /* a bare image is refused unless the caller allows it */
    assert_int_equal(run(plain, n, 4096, 0, &log), FW_ERR_MAGIC);
    struct fwd_ota_pipeline_cfg cfg = { .dev = &dev, .key = NULL, .allow_plaintext = 1, .size_hint = n };
    assert_int_equal(fwd_ota_pipeline_start(&pipe_, &cfg), 0);
    assert_int_equal(fwd_ota_pipeline_feed(&pipe_, plain, n), 0);
    assert_int_equal(fwd_ota_pipeline_finish(&pipe_), 0);
    assert_string_equal(boot_label(), "ota_1");
    /* encrypted input without a provisioned key */
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    device_up(RUNNING, 1);
    cfg.key = NULL;
    assert_int_equal(fwd_ota_pipeline_start(&pipe_, &cfg), 0);
    assert_int_equal(fwd_ota_pipeline_feed(&pipe_, enc, len), FW_ERR_KEY);
    free(enc);
    free(plain);
}


/* ---- issue 12: the stage chain and the one OTA path ------------------------------- */

/* A plaintext image, driven through the pipeline as a sink, passes the same
 * early checks as an encrypted one: same version refused with zero flash
 * operations and the slot untouched; a new version goes through. */
struct evlast {
    int n, header_seen;
    enum fwd_ota_ev_type last;
    enum fwd_ota_payload payload;
    enum fwd_ota_slot_fate fate;
    uint64_t done, total, verify_total;
};

static void on_ev_last(void *ctx, const struct fwd_ota_event *ev)
{
    struct evlast *l = ctx;
    l->n++;
    l->last = ev->type;
    l->payload = ev->payload;
    if (ev->type == FWD_OTA_EV_HEADER_VERIFIED) l->header_seen = 1;
    if (ev->type == FWD_OTA_EV_ABORTED) l->fate = ev->slot_fate;
    if (ev->type == FWD_OTA_EV_WRITING) {
        l->done = ev->done;
        l->total = ev->total;
    }
    if (ev->type == FWD_OTA_EV_VERIFYING) l->verify_total = ev->total;
}

static int run_plain_as_sink(const char *rel, int hint, struct evlast *log)
{
    size_t n;
    uint8_t *plain = tu_read(tu_vector(rel), &n);
    memset(log, 0, sizeof *log);
    struct fwd_ota_pipeline_cfg cfg = { .dev = &dev, .key = &key, .allow_plaintext = 1, .size_hint = hint ? n : 0,
                                        .event = on_ev_last, .event_ctx = log };
    int rc = fwd_ota_pipeline_start(&pipe_, &cfg);
    struct fwd_sink in = fwd_ota_pipeline_input(&pipe_);
    for (size_t off = 0; rc == 0 && off < n; off += 777)
        rc = fwd_sink_write(&in, plain + off, n - off < 777 ? n - off : 777);
    if (rc == 0) rc = fwd_sink_finish(&in);
    free(plain);
    return rc;
}

static void plaintext_one_path(void **s)
{
    (void)s;
    struct evlast log;
    device_up(RUNNING, 1);
    uint64_t ops = sim.flash.ops;
    assert_int_equal(run_plain_as_sink(RUNNING, 1, &log), FW_ERR_VERSION);
    assert_int_equal(sim.flash.ops, ops); /* refused before any erase */
    assert_int_equal(log.last, FWD_OTA_EV_ABORTED);
    assert_int_equal(log.fate, FWD_OTA_SLOT_UNTOUCHED);
    assert_int_equal(log.payload, FWD_OTA_PAYLOAD_PLAINTEXT);
    assert_int_equal(pipe_.state, FWD_OTA_FAILED);
    assert_string_equal(boot_label(), "ota_0");

    size_t n;
    free(tu_read(tu_vector(NEWIMG), &n));
    /* size unknown (stdin): total 0 while writing, the image size once complete */
    assert_int_equal(run_plain_as_sink(NEWIMG, 0, &log), 0);
    assert_int_equal(log.last, FWD_OTA_EV_FINISHED);
    assert_int_equal(log.header_seen, 0);
    assert_int_equal(log.total, 0);
    assert_int_equal(log.verify_total, n);
    assert_int_equal(pipe_.state, FWD_OTA_FINISHED);
    assert_string_equal(boot_label(), "ota_1");
    /* size known (a file): total = the plaintext image size throughout */
    device_up(RUNNING, 1);
    assert_int_equal(run_plain_as_sink(NEWIMG, 1, &log), 0);
    assert_int_equal(log.done, n);
    assert_int_equal(log.total, n);
    assert_int_equal(log.verify_total, n);
}

/* The decryptor as a stage: its finish checks the tag and only then finishes
 * the next stage; a bad tag never reaches the next stage's finish. */
struct counting_stage {
    uint64_t bytes;
    int finished;
};
static int counting_write(void *ctx, const uint8_t *p, size_t n)
{
    (void)p;
    ((struct counting_stage *)ctx)->bytes += n;
    return 0;
}
static int counting_finish(void *ctx)
{
    ((struct counting_stage *)ctx)->finished++;
    return 0;
}

static int decrypt_through_stage(const uint8_t *enc, size_t len, struct counting_stage *next)
{
    static struct fwd_decrypt d;
    struct fwd_random rng;
    fwd_sim_random_hal(&rng);
    memset(next, 0, sizeof *next);
    struct fwd_decrypt_cfg dc = { .key = &key, .rng = &rng, .min_bin_size = 1, .max_bin_size = 1u << 22,
                                  .strict_reserved = 1, .out = { counting_write, counting_finish, next } };
    assert_int_equal(fwd_decrypt_start(&d, &dc), 0);
    struct fwd_sink in = fwd_decrypt_input(&d);
    int rc = fwd_sink_write(&in, enc, len);
    return rc ? rc : fwd_sink_finish(&in);
}

static void decrypt_stage_chains_finish(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    struct counting_stage next;
    assert_int_equal(decrypt_through_stage(enc, len, &next), 0);
    assert_int_equal(next.bytes, len - FW_ENC_HEADER_SIZE);
    assert_int_equal(next.finished, 1);
    enc[410] ^= 1; /* tag */
    assert_int_equal(decrypt_through_stage(enc, len, &next), FW_ERR_AUTH);
    assert_int_equal(next.bytes, len - FW_ENC_HEADER_SIZE); /* released before the tag: untrusted until finish */
    assert_int_equal(next.finished, 0);
    free(enc);
}

/* Transports report through generic source events: a name and the input
 * offset a resumed source continues from. */
struct srclog {
    enum fwd_ota_ev_type type;
    const char *source;
    int secure;
    uint64_t offset;
    unsigned attempt;
    uint32_t delay_ms;
};
static void on_src(void *ctx, const struct fwd_ota_event *ev)
{
    struct srclog *l = ctx;
    if (ev->type != FWD_OTA_EV_SOURCE_OPEN && ev->type != FWD_OTA_EV_SOURCE_RETRY) return;
    *l = (struct srclog){ ev->type, ev->source, ev->secure, ev->offset, ev->attempt, ev->delay_ms };
}

static void generic_source_events(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    device_up(RUNNING, 1);
    struct srclog l;
    memset(&l, 0, sizeof l);
    struct fwd_ota_pipeline_cfg cfg = { .dev = &dev, .key = &key, .event = on_src, .event_ctx = &l };
    assert_int_equal(fwd_ota_pipeline_start(&pipe_, &cfg), 0);
    fwd_ota_pipeline_source_open(&pipe_, "ble:c0:ff:ee:00:00:01", 1);
    assert_int_equal(l.type, FWD_OTA_EV_SOURCE_OPEN);
    assert_string_equal(l.source, "ble:c0:ff:ee:00:00:01");
    assert_int_equal(l.secure, 1);
    assert_int_equal(l.offset, 0);
    assert_int_equal(fwd_ota_pipeline_feed(&pipe_, enc, 5000), 0);
    assert_int_equal(fwd_ota_pipeline_offset(&pipe_), 5000);
    fwd_ota_pipeline_source_retry(&pipe_, "ble:c0:ff:ee:00:00:01", 1, 250, FW_ERR_NET, "link lost");
    assert_int_equal(l.type, FWD_OTA_EV_SOURCE_RETRY);
    assert_int_equal(l.offset, 5000);
    assert_int_equal(l.attempt, 1);
    assert_int_equal(l.delay_ms, 250);
    /* resume from the offset into the same pipeline */
    assert_int_equal(fwd_ota_pipeline_feed(&pipe_, enc + 5000, len - 5000), 0);
    assert_int_equal(fwd_ota_pipeline_finish(&pipe_), 0);
    assert_string_equal(boot_label(), "ota_1");
    assert_true(fwd_ota_pipeline_input_limit(&pipe_) >= len);
    free(enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(happy_path_events), cmocka_unit_test(tamper), cmocka_unit_test(unsigned_and_early_checks),
        cmocka_unit_test(power_loss), cmocka_unit_test(plaintext_policy), cmocka_unit_test(plaintext_one_path),
        cmocka_unit_test(decrypt_stage_chains_finish), cmocka_unit_test(generic_source_events),
        cmocka_unit_test(image_check_before_select),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
