/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the verify-before-write chunk stage (device/fwd_chunk_check.h)
 * between a hostile network and flash. The input is the layout
 *   [0] chunk size selector (16 << (v % 9): 16 .. 4096 bytes)
 *   [1] split seed (how the body is cut into writes)
 *   [2..3] tamper position (LE; >= body length: none)
 *   [4] restart point selector (0: none)
 *   [5..] the body
 * The manifest digests are those of the untampered body. Invariants: what the
 * stage hands on is always a prefix of the body made of whole verified chunks;
 * with a tampered byte the stage stops with FW_ERR_DIGEST exactly at the chunk
 * holding it and nothing of that chunk is handed on; without one, the whole
 * body comes out once, in order, even across a restart at a chunk boundary. */
// FUZZ-MAX-LEN: 20000
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "device/fwd_chunk_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY 20000u
#define MAX_CHUNKS (MAX_BODY / 16u + 1u)

static uint8_t digests[MAX_CHUNKS][FWD_CHUNK_DIGEST_LEN];
static uint8_t fed[MAX_BODY], out[MAX_BODY];
static size_t out_len;
static struct fwd_chunk_check cc;

static int digest_of(void *ctx, uint32_t i, uint8_t d[FWD_CHUNK_DIGEST_LEN])
{
    (void)ctx;
    if (i >= MAX_CHUNKS) return FW_ERR_RANGE;
    memcpy(d, digests[i], FWD_CHUNK_DIGEST_LEN);
    return FW_OK;
}

static int collect(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    if (n > MAX_BODY - out_len) __builtin_trap();
    memcpy(out + out_len, p, n);
    out_len += n;
    return FW_OK;
}

/* Feed body[from, to) in pieces chosen by the seed. */
static int feed(const uint8_t *body, size_t from, size_t to, uint8_t seed)
{
    struct fwd_sink in = fwd_chunk_check_input(&cc);
    size_t off = from;
    while (off < to) {
        size_t n = (size_t)(seed % 97u) + 1u + (off % 13u);
        if (n > to - off) n = to - off;
        int rc = fwd_sink_write(&in, body + off, n);
        if (rc) return rc;
        off += n;
        seed = (uint8_t)(seed * 31u + 7u);
    }
    return FW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6) return 0;
    uint32_t chunk = 16u << (data[0] % 9u);
    uint8_t seed = data[1];
    size_t tamper = (size_t)data[2] | (size_t)data[3] << 8;
    uint8_t restart_sel = data[4];
    const uint8_t *body = data + 5;
    size_t len = size - 5;
    if (len == 0 || len > MAX_BODY) return 0;
    uint32_t nchunks = (uint32_t)((len + chunk - 1) / chunk);
    for (uint32_t i = 0; i < nchunks; i++) {
        size_t off = (size_t)i * chunk, n = len - off < chunk ? len - off : chunk;
        if (fwd_hash(FWD_HASH_SHA256, body + off, n, digests[i], FWD_CHUNK_DIGEST_LEN) != FW_OK) __builtin_trap();
    }
    memcpy(fed, body, len);
    int tampered = tamper < len;
    if (tampered) fed[tamper] ^= 0xA5;
    out_len = 0;
    struct fwd_chunk_check_cfg cfg = { .body_size = len, .chunk_size = chunk, .digest = digest_of,
                                       .out = { collect, NULL, NULL } };
    if (fwd_chunk_check_start(&cc, &cfg) != FW_OK) __builtin_trap();
    int rc;
    size_t cut = restart_sel ? (len * restart_sel) / 256u : 0;
    if (cut) {
        /* a connection lost at `cut`: restart at the boundary the stage names */
        rc = feed(fed, 0, cut, seed);
        if (rc == FW_OK) {
            uint64_t from = fwd_chunk_check_restart(&cc);
            if (from % chunk || from > cut) __builtin_trap();
            rc = feed(fed, (size_t)from, len, (uint8_t)(seed ^ 0x5A));
        }
    } else {
        rc = feed(fed, 0, len, seed);
    }
    struct fwd_sink in = fwd_chunk_check_input(&cc);
    if (rc == FW_OK) rc = fwd_sink_finish(&in);
    /* what came out is a prefix of the TRUE body, in whole chunks */
    if (out_len > len || memcmp(out, body, out_len) != 0) __builtin_trap();
    if (out_len != len && out_len % chunk) __builtin_trap();
    if (tampered) {
        if (rc != FW_ERR_DIGEST) __builtin_trap();
        if (out_len != tamper / chunk * chunk) __builtin_trap();   /* nothing of the bad chunk */
    } else {
        if (rc != FW_OK || out_len != len) __builtin_trap();
    }
    fwd_chunk_check_free(&cc);
    return 0;
}
