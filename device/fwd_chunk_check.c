/* SPDX-License-Identifier: Apache-2.0 */
/* Verify-before-write chunk stage (see fwd_chunk_check.h). */
#include "device/fwd_chunk_check.h"

#include <string.h>

#include "fw_bytes.h"

static uint32_t chunk_len(const struct fwd_chunk_check *c, uint32_t i)
{
    uint64_t start = (uint64_t)i * c->cfg.chunk_size;
    uint64_t left = c->cfg.body_size - start;
    return left < c->cfg.chunk_size ? (uint32_t)left : c->cfg.chunk_size;
}

static int stop(struct fwd_chunk_check *c, int err)
{
    if (!c->failed) c->failed = err;
    if (c->hashing) fwd_hash_free(&c->h);
    c->hashing = 0;
    c->dropped += c->have;
    c->have = 0;
    fw_wipe(c->buf, sizeof c->buf);
    return c->failed;
}

int fwd_chunk_check_start(struct fwd_chunk_check *c, const struct fwd_chunk_check_cfg *cfg)
{
    if (!c || !cfg || !cfg->digest || !cfg->out.write) return FW_ERR_INVALID_ARG;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    if (cfg->chunk_size == 0 || cfg->chunk_size > FWD_CHUNK_MAX || cfg->body_size == 0) {
        c->failed = FW_ERR_RANGE;
        return FW_ERR_RANGE;
    }
    uint64_t n = (cfg->body_size + cfg->chunk_size - 1) / cfg->chunk_size;
    if (n > FWD_CHUNK_COUNT_MAX || cfg->first_chunk >= n) {
        c->failed = FW_ERR_RANGE;
        return FW_ERR_RANGE;
    }
    c->nchunks = (uint32_t)n;
    c->index = cfg->first_chunk;
    return FW_OK;
}

/* The chunk in buf is complete: compare, then hand it on (or not). */
static int chunk_done(struct fwd_chunk_check *c)
{
    uint8_t got[FWD_CHUNK_DIGEST_LEN], want[FWD_CHUNK_DIGEST_LEN];
    int rc = fwd_hash_finish(&c->h, got, sizeof got);
    c->hashing = 0;
    if (rc == FW_OK) rc = c->cfg.digest(c->cfg.digest_ctx, c->index, want);
    if (rc != FW_OK) return stop(c, rc);
    int equal = fw_ct_equal(got, want, sizeof got);
    fw_wipe(got, sizeof got);
    if (!equal) {
        c->bad_chunk = c->index;
        return stop(c, FW_ERR_DIGEST);   /* nothing of it goes on */
    }
    rc = fwd_sink_write(&c->cfg.out, c->buf, c->have);
    if (rc != FW_OK) return stop(c, rc);
    c->index++;
    c->have = 0;
    return FW_OK;
}

static int check_write(void *ctx, const uint8_t *p, size_t n)
{
    struct fwd_chunk_check *c = ctx;
    if (c->failed) return c->failed;
    while (n) {
        if (c->index >= c->nchunks) return stop(c, FW_ERR_FORMAT); /* longer than the manifest says */
        if (!c->hashing) {
            int rc = fwd_hash_start(&c->h, FWD_HASH_SHA256);
            if (rc != FW_OK) return stop(c, rc);
            c->hashing = 1;
        }
        uint32_t want = chunk_len(c, c->index);
        size_t take = want - c->have < n ? want - c->have : n;
        memcpy(c->buf + c->have, p, take);
        int rc = fwd_hash_update(&c->h, p, take);
        if (rc != FW_OK) return stop(c, rc);
        c->have += (uint32_t)take;
        p += take;
        n -= take;
        if (c->have == want && (rc = chunk_done(c)) != FW_OK) return rc;
    }
    return FW_OK;
}

static int check_finish(void *ctx)
{
    struct fwd_chunk_check *c = ctx;
    if (c->failed) return c->failed;
    if (c->index != c->nchunks || c->have) return stop(c, FW_ERR_TRUNCATED);
    return fwd_sink_finish(&c->cfg.out);
}

struct fwd_sink fwd_chunk_check_input(struct fwd_chunk_check *c)
{
    struct fwd_sink s = { check_write, check_finish, c };
    return s;
}

uint64_t fwd_chunk_check_restart(struct fwd_chunk_check *c)
{
    if (c->hashing) fwd_hash_free(&c->h);
    c->hashing = 0;
    c->dropped += c->have;
    c->have = 0;
    return fwd_chunk_check_resume_offset(c);
}

uint64_t fwd_chunk_check_resume_offset(const struct fwd_chunk_check *c)
{
    return (uint64_t)c->index * c->cfg.chunk_size;
}

uint32_t fwd_chunk_check_verified(const struct fwd_chunk_check *c) { return c->index - c->cfg.first_chunk; }

void fwd_chunk_check_free(struct fwd_chunk_check *c)
{
    if (!c) return;
    if (c->hashing) fwd_hash_free(&c->h);
    c->hashing = 0;
    fw_wipe(c->buf, sizeof c->buf);
}
