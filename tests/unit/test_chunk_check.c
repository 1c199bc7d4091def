/* SPDX-License-Identifier: Apache-2.0 */
/* Verify before write (device/fwd_chunk_check.h): the chunk stage alone
 * (any split, tamper, length, resume) and in front of the OTA pipeline on the
 * simulated device, where the flash trace shows that no byte of a tampered
 * chunk is ever written: with the stage the writes stop below the bad chunk
 * and a bad first chunk means zero flash operations; without it the same
 * tampered body is written past the bad chunk until the GCM tag fails at the
 * end. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <unistd.h>

#include "device/fwd_chunk_check.h"
#include "device/fwd_efuse.h"
#include "device/fwd_ota_pipeline.h"
#include "device/port/sim/fwd_sim.h"
#include "encryptor/fwh_encimg.h"
#include "vector_device_fixture.h"

#define FLASH (4u << 20)
#define CHUNK 4096u

/* ---- the manifest side: chunk digests of a body ------------------------------ */

struct digests {
    uint8_t d[1024][32];
    uint32_t n;
    unsigned calls;
};

static void digest_body(struct digests *m, const uint8_t *body, size_t len, uint32_t chunk)
{
    m->n = 0;
    for (size_t off = 0; off < len; off += chunk) {
        assert_true(m->n < 1024);
        SHA256(body + off, len - off < chunk ? len - off : chunk, m->d[m->n++]);
    }
}

static int digest_of(void *ctx, uint32_t i, uint8_t out[32])
{
    struct digests *m = ctx;
    m->calls++;
    if (i >= m->n) return FW_ERR_RANGE;
    memcpy(out, m->d[i], 32);
    return FW_OK;
}

/* ---- a recording next stage ------------------------------------------------ */

struct rec {
    uint8_t buf[1 << 20];
    size_t n;
    int finished;
    int fail_at_call;  /* >0: that write call fails */
    int calls;
};

static int rec_write(void *ctx, const uint8_t *p, size_t n)
{
    struct rec *r = ctx;
    if (++r->calls == r->fail_at_call) return FW_ERR_VERSION;
    assert_true(r->n + n <= sizeof r->buf);
    memcpy(r->buf + r->n, p, n);
    r->n += n;
    return FW_OK;
}

static int rec_finish(void *ctx)
{
    ((struct rec *)ctx)->finished++;
    return FW_OK;
}

static struct fwd_chunk_check cc;
static struct rec rec;
static struct digests dg;
static uint8_t body[200000];

static int start(uint64_t size, uint32_t chunk, uint32_t first)
{
    memset(&rec, 0, sizeof rec);
    struct fwd_chunk_check_cfg cfg = { .body_size = size, .chunk_size = chunk, .first_chunk = first,
                                       .digest = digest_of, .digest_ctx = &dg,
                                       .out = { rec_write, rec_finish, &rec } };
    return fwd_chunk_check_start(&cc, &cfg);
}

static int feed(const uint8_t *p, size_t len, size_t split)
{
    struct fwd_sink in = fwd_chunk_check_input(&cc);
    int rc = FW_OK;
    for (size_t off = 0; rc == FW_OK && off < len; off += split)
        rc = fwd_sink_write(&in, p + off, len - off < split ? len - off : split);
    return rc;
}

static void fill_body(void)
{
    for (size_t i = 0; i < sizeof body; i++) body[i] = (uint8_t)(i * 131 + (i >> 9));
}

static void any_split(void **s)
{
    (void)s;
    fill_body();
    size_t len = 3 * CHUNK + 123; /* last chunk short */
    digest_body(&dg, body, len, CHUNK);
    static const size_t splits[] = { 1, 7, 511, CHUNK, CHUNK + 1, 3 * CHUNK + 123 };
    for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
        assert_int_equal(start(len, CHUNK, 0), FW_OK);
        assert_int_equal(feed(body, len, splits[i]), FW_OK);
        struct fwd_sink in = fwd_chunk_check_input(&cc);
        assert_int_equal(fwd_sink_finish(&in), FW_OK);
        assert_int_equal(rec.n, len);
        assert_memory_equal(rec.buf, body, len);
        assert_int_equal(rec.finished, 1);
        assert_int_equal(fwd_chunk_check_verified(&cc), 4);
        /* whole chunks only: every write of the next stage is one chunk */
        assert_int_equal(rec.calls, 4);
    }
    fwd_chunk_check_free(&cc);
}

static void tampered_chunk_never_passes(void **s)
{
    (void)s;
    fill_body();
    size_t len = 10 * CHUNK;
    digest_body(&dg, body, len, CHUNK);
    for (uint32_t bad = 0; bad < 10; bad++) {
        for (size_t where = 0; where < CHUNK; where += 1365) {
            body[bad * CHUNK + where] ^= 0x20;
            assert_int_equal(start(len, CHUNK, 0), FW_OK);
            assert_int_equal(feed(body, len, 1000), FW_ERR_DIGEST);
            /* exactly the good chunks before it went on, nothing of it */
            assert_int_equal(rec.n, (size_t)bad * CHUNK);
            assert_int_equal(cc.bad_chunk, bad);
            assert_true(cc.dropped <= CHUNK);
            /* sticky: more input and finish keep failing, finish is not passed on */
            assert_int_equal(feed(body, 10, 10), FW_ERR_DIGEST);
            struct fwd_sink in = fwd_chunk_check_input(&cc);
            assert_int_equal(fwd_sink_finish(&in), FW_ERR_DIGEST);
            assert_int_equal(rec.finished, 0);
            body[bad * CHUNK + where] ^= 0x20;
        }
    }
    fwd_chunk_check_free(&cc);
}

static void lengths_and_config(void **s)
{
    (void)s;
    fill_body();
    size_t len = 2 * CHUNK + 5;
    digest_body(&dg, body, len, CHUNK);
    /* one byte too many */
    assert_int_equal(start(len, CHUNK, 0), FW_OK);
    assert_int_equal(feed(body, len + 1, len + 1), FW_ERR_FORMAT);
    /* one byte short: finish fails and does not finish the next stage */
    assert_int_equal(start(len, CHUNK, 0), FW_OK);
    assert_int_equal(feed(body, len - 1, 999), FW_OK);
    struct fwd_sink in = fwd_chunk_check_input(&cc);
    assert_int_equal(fwd_sink_finish(&in), FW_ERR_TRUNCATED);
    assert_int_equal(rec.finished, 0);
    assert_int_equal(rec.n, 2 * CHUNK);
    /* the next stage's refusal stops the stage */
    assert_int_equal(start(len, CHUNK, 0), FW_OK);
    rec.fail_at_call = 2;
    assert_int_equal(feed(body, len, 100), FW_ERR_VERSION);
    assert_int_equal(feed(body, 1, 1), FW_ERR_VERSION);
    /* configuration the manifest could carry: refused before anything */
    assert_int_equal(start(len, 0, 0), FW_ERR_RANGE);
    assert_int_equal(start(len, FWD_CHUNK_MAX + 1, 0), FW_ERR_RANGE);
    assert_int_equal(start(0, CHUNK, 0), FW_ERR_RANGE);
    assert_int_equal(start(len, CHUNK, 3), FW_ERR_RANGE);          /* only chunks 0..2 */
    assert_int_equal(start((uint64_t)FWD_CHUNK_COUNT_MAX * 16 + 1, 16, 0), FW_ERR_RANGE);
    assert_int_equal(start(len, FWD_CHUNK_MAX, 0), FW_OK);
    struct fwd_chunk_check_cfg none = { .body_size = len, .chunk_size = CHUNK, .out = { rec_write, NULL, &rec } };
    assert_int_equal(fwd_chunk_check_start(&cc, &none), FW_ERR_INVALID_ARG);
    fwd_chunk_check_free(&cc);
}

static void resume_at_chunk_boundary(void **s)
{
    (void)s;
    fill_body();
    size_t len = 5 * CHUNK + 77;
    digest_body(&dg, body, len, CHUNK);
    /* connection lost in the middle of chunk 2: the partial chunk is dropped,
     * the source restarts at the boundary, the output is the body exactly once */
    assert_int_equal(start(len, CHUNK, 0), FW_OK);
    assert_int_equal(feed(body, 2 * CHUNK + 1000, 300), FW_OK);
    assert_int_equal(fwd_chunk_check_resume_offset(&cc), 2 * CHUNK);
    assert_int_equal(fwd_chunk_check_restart(&cc), 2 * CHUNK);
    assert_int_equal(cc.dropped, 1000);
    assert_int_equal(feed(body + 2 * CHUNK, len - 2 * CHUNK, 4000), FW_OK);
    struct fwd_sink in = fwd_chunk_check_input(&cc);
    assert_int_equal(fwd_sink_finish(&in), FW_OK);
    assert_int_equal(rec.n, len);
    assert_memory_equal(rec.buf, body, len);
    /* a device that rebooted starts the stage at a chunk boundary */
    assert_int_equal(start(len, CHUNK, 3), FW_OK);
    assert_int_equal(fwd_chunk_check_resume_offset(&cc), 3 * CHUNK);
    assert_int_equal(feed(body + 3 * CHUNK, len - 3 * CHUNK, 999), FW_OK);
    in = fwd_chunk_check_input(&cc);
    assert_int_equal(fwd_sink_finish(&in), FW_OK);
    assert_int_equal(rec.n, len - 3 * CHUNK);
    assert_memory_equal(rec.buf, body + 3 * CHUNK, len - 3 * CHUNK);
    assert_int_equal(fwd_chunk_check_verified(&cc), 3);
    fwd_chunk_check_free(&cc);
}

/* ---- in front of the OTA pipeline on the simulated device ----------------------- */

static struct fwd_sim sim;
static struct fwd_ota_dev dev;
static struct fwd_ota_pipeline pipe_;
static struct fwd_decrypt_key key;


/* C3, XTS-128, key1 trusted, `running` in ota_0 (as test_pipeline.c). */
static void device_up(const char *running_rel)
{
    static struct fwd_dev dd;
    vdev_provision(&sim, FLASH, running_rel, 1, &dd);
    fwd_dev_close(&dd);
    fwd_ota_dev_close(&dev);
    assert_int_equal(fwd_ota_dev_open(&dev, &sim.plat, 0, "ota_0"), 0);
}

#define RUNNING "secure_boot_v2/signed_rsa_1key_unpadded.bin"
#define NEWIMG "secure_boot_v2/signed_rsa_1key.bin"

/* The flash trace of one run, from the simulator (FWSEAL_SIM_TRACE format). */
struct trace_sum {
    unsigned writes, erases;
    uint64_t write_end;   /* highest addr+len of a write into the slot, relative to it */
};

static void trace_start(FILE **f)
{
    *f = tmpfile();
    assert_non_null(*f);
    sim.flash.trace_fd = dup(fileno(*f));
}

static struct trace_sum trace_read(FILE *f, uint32_t slot_off)
{
    struct trace_sum t = { 0, 0, 0 };
    close(sim.flash.trace_fd);
    sim.flash.trace_fd = -1;
    rewind(f);
    char op[16];
    unsigned addr;
    size_t len;
    char rest[128];
    while (fscanf(f, "%15s 0x%x %zu%127[^\n]", op, &addr, &len, rest) >= 3) {
        if (!strcmp(op, "write")) {
            t.writes++;
            if (addr >= slot_off && addr + len - slot_off > t.write_end) t.write_end = addr + len - slot_off;
        } else if (!strcmp(op, "erase")) {
            t.erases++;
        }
    }
    fclose(f);
    return t;
}

/* header_i to the pipeline, the body through the chunk stage (when `stage`). */
static int run_fleet(const uint8_t *enc, size_t len, int stage, uint32_t *bad_chunk)
{
    struct fwd_ota_pipeline_cfg pc = { .dev = &dev, .key = &key };
    int rc = fwd_ota_pipeline_start(&pipe_, &pc);
    if (rc == FW_OK) rc = fwd_ota_pipeline_feed(&pipe_, enc, FW_ENC_HEADER_SIZE);
    const uint8_t *b = enc + FW_ENC_HEADER_SIZE;
    size_t blen = len - FW_ENC_HEADER_SIZE;
    if (rc == FW_OK && !stage) {
        for (size_t off = 0; rc == FW_OK && off < blen; off += 1460)
            rc = fwd_ota_pipeline_feed(&pipe_, b + off, blen - off < 1460 ? blen - off : 1460);
        return rc == FW_OK ? fwd_ota_pipeline_finish(&pipe_) : rc;
    }
    if (rc != FW_OK) return rc;
    struct fwd_chunk_check_cfg cfg = { .body_size = blen, .chunk_size = CHUNK, .digest = digest_of,
                                       .digest_ctx = &dg, .out = fwd_ota_pipeline_input(&pipe_) };
    assert_int_equal(fwd_chunk_check_start(&cc, &cfg), FW_OK);
    struct fwd_sink in = fwd_chunk_check_input(&cc);
    for (size_t off = 0; rc == FW_OK && off < blen; off += 1460)
        rc = fwd_sink_write(&in, b + off, blen - off < 1460 ? blen - off : 1460);
    if (rc == FW_OK) rc = fwd_sink_finish(&in);
    if (rc == FW_ERR_DIGEST) fwd_ota_pipeline_abort(&pipe_, rc, "chunk digest mismatch");
    *bad_chunk = cc.bad_chunk;
    fwd_chunk_check_free(&cc);
    return rc;
}

static const char *boot_label(void)
{
    const struct fwd_part *p = fwd_ota_get_boot_partition(&dev);
    return p ? p->label : "(none)";
}

static void pipeline_happy(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    digest_body(&dg, enc + FW_ENC_HEADER_SIZE, len - FW_ENC_HEADER_SIZE, CHUNK);
    device_up(RUNNING);
    uint32_t bad;
    assert_int_equal(run_fleet(enc, len, 1, &bad), FW_OK);
    assert_string_equal(boot_label(), "ota_1");
    free(enc);
}

static void pipeline_flash_trace(void **s)
{
    (void)s;
    size_t len;
    uint8_t *enc = vdev_encrypt_file(NEWIMG, &len);
    uint8_t *b = enc + FW_ENC_HEADER_SIZE;
    size_t blen = len - FW_ENC_HEADER_SIZE;
    digest_body(&dg, b, blen, CHUNK);
    uint32_t nchunks = (uint32_t)((blen + CHUNK - 1) / CHUNK);
    assert_true(nchunks > 8);
    static const uint32_t bads[] = { 0, 1, 5, 0 /* last, below */ };
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        uint32_t badc = i == 3 ? nchunks - 1 : bads[i];
        size_t at = (size_t)badc * CHUNK + (i == 3 ? 3 : 1000);
        b[at] ^= 0x08;
        device_up(RUNNING);
        uint32_t slot = fwd_part_find(&dev.d, "ota_1")->offset;
        FILE *tf;
        trace_start(&tf);
        uint32_t got_bad = 0;
        assert_int_equal(run_fleet(enc, len, 1, &got_bad), FW_ERR_DIGEST);
        struct trace_sum t = trace_read(tf, slot);
        assert_int_equal(got_bad, badc);
        /* nothing of the bad chunk (plaintext offset = body offset) was written */
        if (t.write_end > (uint64_t)badc * CHUNK)
            fail_msg("bad chunk %u: a write reached slot offset %llu (chunk starts at %u)", badc,
                     (unsigned long long)t.write_end, badc * CHUNK);
        if (badc == 0) {
            /* a bad first chunk: the slot was never even erased */
            assert_int_equal(t.writes, 0);
            assert_int_equal(t.erases, 0);
        } else {
            assert_true(t.writes > 0); /* the good chunks before it streamed to flash... */
            assert_true(t.erases > 0);  /* ...and were erased again */
        }
        assert_string_equal(boot_label(), "ota_0");
        /* the same tampered body WITHOUT the chunk stage: written past the
         * bad chunk, refused only by the GCM tag at the very end */
        device_up(RUNNING);
        trace_start(&tf);
        int rc = run_fleet(enc, len, 0, &got_bad);
        t = trace_read(tf, slot);
        assert_true(rc == FW_ERR_AUTH || rc == FW_ERR_DIGEST || rc == FW_ERR_SIGNATURE || rc == FW_ERR_MAGIC ||
                    rc == FW_ERR_FORMAT);
        if (badc > 0) assert_true(t.write_end > (uint64_t)badc * CHUNK);
        assert_string_equal(boot_label(), "ota_0");
        b[at] ^= 0x08;
    }
    free(enc);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(any_split),
        cmocka_unit_test(tampered_chunk_never_passes),
        cmocka_unit_test(lengths_and_config),
        cmocka_unit_test(resume_at_chunk_boundary),
        cmocka_unit_test(pipeline_happy),
        cmocka_unit_test(pipeline_flash_trace),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
