/* SPDX-License-Identifier: Apache-2.0 */
/* Resume across reboots (issue 15): the progress record codec against
 * hostile bytes, the decryptor's resume (GCM state rebuilt from the
 * plaintext on flash gives the same tag as one uninterrupted pass, and a
 * changed byte fails it), and the transport-agnostic resume logic over an
 * in-memory store. */
#include "testutil.h"

#include "device/fwd_decrypt.h"
#include "device/fwd_ota_resume.h"
#include "device/port/sim/fwd_sim.h"
#include "fw_err.h"
#include "fw_ota_progress.h"

static struct fwd_random rng;

/* ---- codec ---------------------------------------------------------------------- */

static void sample(struct fw_ota_progress *r)
{
    memset(r, 0, sizeof *r);
    r->payload = FW_OTA_PROGRESS_ENCRYPTED;
    r->validator_kind = FW_OTA_VALIDATOR_ETAG;
    r->slot_offset = 0x1a0000;
    r->interval = 65536;
    r->total = 213504;
    memset(r->source_hash, 0x11, sizeof r->source_hash);
    memset(r->head_hash, 0x22, sizeof r->head_hash);
    memset(r->validator_hash, 0x33, sizeof r->validator_hash);
    strcpy(r->source, "https://updates.example:8443/app.enc");
}

static void codec_roundtrip_and_hostile(void **state)
{
    (void)state;
    struct fw_ota_progress r, back;
    uint8_t buf[FW_OTA_PROGRESS_MAX];
    sample(&r);
    long n = fw_ota_progress_encode(&r, buf, sizeof buf);
    assert_int_equal(n, FW_OTA_PROGRESS_FIXED + strlen(r.source));
    assert_int_equal(fw_ota_progress_decode(buf, (size_t)n, &back), FW_OK);
    assert_memory_equal(&r, &back, sizeof r);
    assert_int_equal(fw_ota_progress_encode(&r, buf, (size_t)n - 1), FW_ERR_NO_SPACE);
    /* every truncation */
    for (long k = 0; k < n; k++) assert_int_not_equal(fw_ota_progress_decode(buf, (size_t)k, &back), FW_OK);
    uint8_t bad[FW_OTA_PROGRESS_MAX];
    struct { size_t off; uint8_t v; int want; } flips[] = {
        { 0, 0x00, FW_ERR_MAGIC }, { 4, 2, FW_ERR_VERSION }, { 7, 1, FW_ERR_FORMAT },
        { 5, 0, FW_ERR_FORMAT }, { 5, 3, FW_ERR_FORMAT }, { 6, 3, FW_ERR_FORMAT },
        { 13, 0x01, FW_ERR_FORMAT } /* interval 65536 + 256: not sector aligned */,
        { 120, 0xFF, FW_ERR_FORMAT } /* source length beyond the record */,
        { FW_OTA_PROGRESS_FIXED + 3, 0x07, FW_ERR_FORMAT } /* control byte in the URL */,
    };
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        memcpy(bad, buf, (size_t)n);
        bad[flips[i].off] = flips[i].v;
        assert_int_equal(fw_ota_progress_decode(bad, (size_t)n, &back), flips[i].want);
    }
    /* total below the 512-byte head; "no validator" with a digest */
    memcpy(bad, buf, (size_t)n);
    memset(bad + 16, 0, 8);
    bad[16] = 100;
    assert_int_equal(fw_ota_progress_decode(bad, (size_t)n, &back), FW_ERR_FORMAT);
    memcpy(bad, buf, (size_t)n);
    bad[6] = FW_OTA_VALIDATOR_NONE;
    assert_int_equal(fw_ota_progress_decode(bad, (size_t)n, &back), FW_ERR_FORMAT);
    /* encoder refuses what the decoder would */
    struct fw_ota_progress e = r;
    e.interval = 1000;
    assert_int_equal(fw_ota_progress_encode(&e, buf, sizeof buf), FW_ERR_INVALID_ARG);
    e = r;
    e.source[0] = 0;
    assert_int_equal(fw_ota_progress_encode(&e, buf, sizeof buf), FW_ERR_INVALID_ARG);
    /* a done count must be sector aligned and within the total */
    assert_true(fw_ota_progress_done_ok(&r, 0));
    assert_true(fw_ota_progress_done_ok(&r, 4096 * 52));
    assert_false(fw_ota_progress_done_ok(&r, 4095));
    assert_false(fw_ota_progress_done_ok(&r, 4096 * 53));
}

/* ---- decryptor resume --------------------------------------------------------------- */

struct collect {
    uint8_t *buf;
    size_t len, cap;
};

static int collect_sink(void *ctx, const uint8_t *p, size_t n)
{
    struct collect *c = ctx;
    assert_true(c->len + n <= c->cap);
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    return 0;
}

struct flash {
    const uint8_t *plain;
    size_t flip;   /* SIZE_MAX: none */
};

static int read_plain(void *ctx, uint64_t off, uint8_t *buf, size_t n)
{
    struct flash *f = ctx;
    memcpy(buf, f->plain + off, n);
    if (f->flip >= off && f->flip < off + n) buf[f->flip - off] ^= 0x01;
    return 0;
}

static int start(struct fwd_decrypt *d, const struct fwd_decrypt_key *k, struct collect *c)
{
    struct fwd_decrypt_cfg cfg = { .key = k, .rng = &rng, .min_bin_size = 1, .max_bin_size = 16u << 20,
                                   .strict_reserved = 1, .out = { collect_sink, NULL, c } };
    return fwd_decrypt_start(d, &cfg);
}

static struct fwd_decrypt dec;

static void resume_matches_one_pass(const struct fwd_decrypt_key *k, const char *vec)
{
    size_t n;
    uint8_t *ct = tu_read(tu_vector(vec), &n);
    size_t bin = n - 512;
    struct collect whole = { malloc(bin), 0, bin };
    assert_int_equal(start(&dec, k, &whole), FW_OK);
    assert_int_equal(fwd_decrypt_feed(&dec, ct, n), FW_OK);
    assert_int_equal(fwd_decrypt_finish(&dec), FW_OK);
    assert_int_equal(whole.len, bin);
    uint64_t points[] = { 0, 16, 4096, (bin / 2) & ~(size_t)4095, bin & ~(size_t)15 };
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        uint64_t done = points[i];
        struct collect rest = { malloc(bin + 1), 0, bin };
        struct flash fl = { whole.buf, SIZE_MAX };
        assert_int_equal(start(&dec, k, &rest), FW_OK);
        assert_int_equal(fwd_decrypt_resume(&dec, ct, 512, done, read_plain, &fl), FW_OK);
        assert_true(fwd_decrypt_header_done(&dec));
        assert_int_equal(fwd_decrypt_consumed(&dec), 512 + done);
        assert_int_equal(fwd_decrypt_feed(&dec, ct + 512 + done, n - 512 - done), FW_OK);
        assert_int_equal(fwd_decrypt_finish(&dec), FW_OK);       /* the tag over every byte */
        assert_int_equal(rest.len, bin - done);
        assert_memory_equal(rest.buf, whole.buf + done, rest.len);
        if (done >= 16) { /* one bit changed "on flash" fails the tag */
            rest.len = 0;
            fl.flip = done / 2;
            assert_int_equal(start(&dec, k, &rest), FW_OK);
            assert_int_equal(fwd_decrypt_resume(&dec, ct, 512, done, read_plain, &fl), FW_OK);
            assert_int_equal(fwd_decrypt_feed(&dec, ct + 512 + done, n - 512 - done), FW_OK);
            assert_int_equal(fwd_decrypt_finish(&dec), FW_ERR_AUTH);
        }
        free(rest.buf);
    }
    struct collect none = { NULL, 0, 0 };
    struct flash fl = { whole.buf, SIZE_MAX };
    assert_int_equal(start(&dec, k, &none), FW_OK);
    assert_int_equal(fwd_decrypt_resume(&dec, ct, 512, 24, read_plain, &fl), FW_ERR_INVALID_ARG); /* not a block */
    assert_int_equal(start(&dec, k, &none), FW_OK);
    assert_int_equal(fwd_decrypt_resume(&dec, ct, 512, (bin + 16) & ~(size_t)15, read_plain, &fl), FW_ERR_RANGE);
    assert_int_equal(start(&dec, k, &none), FW_OK);
    assert_int_equal(fwd_decrypt_resume(&dec, ct, 511, 0, read_plain, &fl), FW_ERR_INVALID_ARG);
    assert_int_equal(start(&dec, k, &none), FW_OK);
    assert_int_equal(fwd_decrypt_feed(&dec, ct, 10), FW_OK);
    assert_int_equal(fwd_decrypt_resume(&dec, ct, 512, 0, read_plain, &fl), FW_ERR_STATE); /* only at the start */
    fwd_decrypt_abort(&dec);
    free(whole.buf);
    free(ct);
}

static void decrypt_resume_rsa(void **state)
{
    (void)state;
    size_t n;
    uint8_t *pem = tu_read(tu_vector("pre_encrypted/rsa/rsa_priv_key.pem"), &n);
    pem = realloc(pem, n + 1);
    pem[n] = 0;
    struct fwd_decrypt_key k;
    fwd_decrypt_key_init(&k);
    assert_int_equal(fwd_decrypt_key_load_rsa(&k, pem, n + 1), FW_OK);
    free(pem);
    resume_matches_one_pass(&k, "pre_encrypted/rsa/app_esp32c3_64k.enc.bin");
    fwd_decrypt_key_free(&k);
}

static void decrypt_resume_ecies(void **state)
{
    (void)state;
    size_t n;
    uint8_t *hk = tu_read(tu_vector("pre_encrypted/ecc/device_hmac_key.bin"), &n);
    struct fwd_decrypt_key k;
    fwd_decrypt_key_init(&k);
    assert_int_equal(fwd_decrypt_key_load_ecies_hmac(&k, hk), FW_OK);
    free(hk);
    resume_matches_one_pass(&k, "pre_encrypted/ecc/app_esp32c3_64k.enc.bin");
    fwd_decrypt_key_free(&k);
}

/* ---- resume logic over a RAM store ------------------------------------------------ */

struct ram_store {
    uint8_t meta[FW_OTA_PROGRESS_MAX];
    size_t meta_len;
    int have_meta, have_done;
    uint64_t done;
    int fail_with;   /* 0, or an error every write returns */
    unsigned writes;
};

static int ram_load(void *ctx, uint8_t *meta, size_t *len, uint64_t *done)
{
    struct ram_store *s = ctx;
    if (!s->have_meta || !s->have_done) return FW_ERR_NOT_FOUND;
    if (*len < s->meta_len) return FW_ERR_NO_SPACE;
    memcpy(meta, s->meta, s->meta_len);
    *len = s->meta_len;
    *done = s->done;
    return FW_OK;
}
static int ram_save_meta(void *ctx, const uint8_t *meta, size_t len)
{
    struct ram_store *s = ctx;
    if (s->fail_with) return s->fail_with;
    s->writes++;
    memcpy(s->meta, meta, len);
    s->meta_len = len;
    s->have_meta = s->have_done = 1;
    s->done = 0;
    return FW_OK;
}
static int ram_save_done(void *ctx, uint64_t done)
{
    struct ram_store *s = ctx;
    if (s->fail_with) return s->fail_with;
    s->writes++;
    s->done = done;
    return FW_OK;
}
static int ram_clear(void *ctx)
{
    struct ram_store *s = ctx;
    s->have_meta = s->have_done = 0;
    return FW_OK;
}

static struct fwd_ota_resume rs;

static void resume_logic(void **state)
{
    (void)state;
    struct ram_store ram = { 0 };
    struct fwd_ota_resume_store st = { ram_load, ram_save_meta, ram_save_done, ram_clear, &ram };
    struct fwd_part slot = { .offset = 0x1a0000, .size = 0x190000 };
    struct fwd_part other = { .offset = 0x20000, .size = 0x190000 };
    const char *url = "https://h.example/fw.enc";
    uint8_t head[512];
    for (size_t i = 0; i < sizeof head; i++) head[i] = (uint8_t)(i * 7 + 1);
    uint64_t done;

    assert_int_equal(fwd_ota_resume_init(&rs, &st, 5000), FW_ERR_INVALID_ARG);  /* not 4 KiB aligned */
    assert_int_equal(fwd_ota_resume_init(&rs, &st, 0), FW_ERR_INVALID_ARG);
    assert_int_equal(fwd_ota_resume_init(&rs, &st, 8192), FW_OK);
    fwd_ota_resume_plan(&rs, url, &slot, &done);
    assert_int_equal(done, 0);

    /* a download: nothing is written before the first checkpoint */
    assert_int_equal(fwd_ota_resume_begin(&rs, url, &slot), FW_OK);
    fwd_ota_resume_note_source(&rs, FW_OTA_VALIDATOR_ETAG, "\"5f-abc\"", 300000);
    fwd_ota_resume_note_head(&rs, 0, head, 100);
    fwd_ota_resume_note_head(&rs, 100, head + 100, 412);
    fwd_ota_resume_note_head(&rs, 512, head, 100);   /* beyond the head: ignored */
    assert_int_equal(ram.writes, 0);
    assert_int_equal(fwd_ota_resume_checkpoint(&rs, 8192), FW_OK);
    assert_int_equal(ram.writes, 2);                  /* meta + done */
    assert_int_equal(fwd_ota_resume_checkpoint(&rs, 16384), FW_OK);
    assert_int_equal(ram.writes, 3);                  /* done only */

    /* "reboot" */
    assert_int_equal(fwd_ota_resume_init(&rs, &st, 8192), FW_OK);
    fwd_ota_resume_plan(&rs, url, &slot, &done);
    assert_int_equal(done, 16384);
    fwd_ota_resume_plan(&rs, "https://h.example/fw2.enc", &slot, &done);
    assert_int_equal(done, 0);
    fwd_ota_resume_plan(&rs, url, &other, &done);
    assert_int_equal(done, 0);
    const char *why;
    assert_int_equal(fwd_ota_resume_match(&rs, head, 512, FW_OTA_VALIDATOR_ETAG, "\"5f-abc\"", 300001, &why), FW_ERR_STATE);
    assert_non_null(strstr(why, "size"));
    assert_int_equal(fwd_ota_resume_match(&rs, head, 512, FW_OTA_VALIDATOR_ETAG, "\"5f-abd\"", 300000, &why), FW_ERR_STATE);
    assert_non_null(strstr(why, "changed"));
    assert_int_equal(fwd_ota_resume_match(&rs, head, 512, FW_OTA_VALIDATOR_LAST_MODIFIED, "\"5f-abc\"", 300000, &why),
                     FW_ERR_STATE);
    head[300] ^= 1;
    assert_int_equal(fwd_ota_resume_match(&rs, head, 512, FW_OTA_VALIDATOR_ETAG, "\"5f-abc\"", 300000, &why), FW_ERR_STATE);
    assert_non_null(strstr(why, "512"));
    head[300] ^= 1;
    assert_int_equal(fwd_ota_resume_match(&rs, head, 511, FW_OTA_VALIDATOR_ETAG, "\"5f-abc\"", 300000, &why), FW_ERR_STATE);
    assert_int_equal(fwd_ota_resume_match(&rs, head, 512, FW_OTA_VALIDATOR_ETAG, "\"5f-abc\"", 300000, &why), FW_OK);
    /* the resumed download's checkpoints write the count only */
    unsigned w = ram.writes;
    assert_int_equal(fwd_ota_resume_checkpoint(&rs, 24576), FW_OK);
    assert_int_equal(ram.writes, w + 1);

    /* a corrupt record counts as none */
    ram.meta[0] ^= 0xFF;
    assert_int_equal(fwd_ota_resume_init(&rs, &st, 8192), FW_OK);
    fwd_ota_resume_plan(&rs, url, &slot, &done);
    assert_int_equal(done, 0);
    ram.meta[0] ^= 0xFF;
    /* a count that is not a checkpoint counts as none */
    ram.done = 1000;
    assert_int_equal(fwd_ota_resume_init(&rs, &st, 8192), FW_OK);
    fwd_ota_resume_plan(&rs, url, &slot, &done);
    assert_int_equal(done, 0);

    /* forget */
    assert_int_equal(fwd_ota_resume_forget(&rs), FW_OK);
    assert_false(ram.have_meta);

    /* a failing store costs the resume, never the update; a power loss stops it */
    assert_int_equal(fwd_ota_resume_begin(&rs, url, &slot), FW_OK);
    fwd_ota_resume_note_source(&rs, FW_OTA_VALIDATOR_NONE, NULL, 300000);
    fwd_ota_resume_note_head(&rs, 0, head, 512);
    ram.fail_with = FW_ERR_NO_SPACE;
    assert_int_equal(fwd_ota_resume_checkpoint(&rs, 8192), FW_OK);
    assert_true(rs.disabled);
    ram.fail_with = FW_ERR_POWER_LOSS;
    rs.disabled = 0;
    assert_int_equal(fwd_ota_resume_checkpoint(&rs, 8192), FW_ERR_POWER_LOSS);
    /* no head yet (e.g. a chunked response of unknown size): no record */
    ram.fail_with = 0;
    assert_int_equal(fwd_ota_resume_begin(&rs, url, &slot), FW_OK);
    rs.disabled = 0;
    assert_int_equal(fwd_ota_resume_checkpoint(&rs, 8192), FW_OK);
    assert_true(rs.disabled);
    assert_false(ram.have_meta);
}

int main(void)
{
    fwd_sim_random_hal(&rng);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codec_roundtrip_and_hostile),
        cmocka_unit_test(decrypt_resume_rsa),
        cmocka_unit_test(decrypt_resume_ecies),
        cmocka_unit_test(resume_logic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
