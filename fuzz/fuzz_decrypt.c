/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: ESP encrypted image streaming decryptor (device/fwd_decrypt,
 * on top of common/fw_enc_header), ECIES-P256 with a fixed test key: the
 * device HMAC key of the shared vectors (pre_encrypted/ecc), so the seeds
 * made by Espressif's tool decrypt and the fuzzer reaches the GCM body and
 * tag paths. Input: byte 0 drives the chunking, byte 1 the options, the
 * rest is the container. Invariants: plaintext handed out in <= 512-byte
 * pieces, never more than bin_size in total, all of it on success.
 */
// FUZZ-MAX-LEN: 4096
// FUZZ-SEED-PREFIX: 0503
// FUZZ-SEEDS: pre_encrypted/ecc/blob_1000.enc.bin pre_encrypted/ecc/one_1.enc.bin pre_encrypted/ecc/empty_0.enc.bin
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_err.h"
#include "device/fwd_decrypt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* pre_encrypted/ecc/device_hmac_key.bin (a public test vector, not a secret) */
static const uint8_t test_hmac_key[32] = {
    0x13, 0xd3, 0x71, 0x85, 0x9b, 0xfb, 0x1c, 0x22, 0x22, 0x70, 0x6a, 0x31, 0xd2, 0x3e, 0xaf, 0x7b,
    0xe6, 0x1d, 0x47, 0xb1, 0x0b, 0x1c, 0xe9, 0x7f, 0x6a, 0xae, 0xc4, 0xb8, 0x65, 0x9e, 0x9d, 0xca
};

static int fixed_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(i * 131 + 7);
    return 0;
}

struct sink_state {
    uint64_t total;
    uint32_t bin_size_seen;
};

static int sink(void *ctx, const uint8_t *p, size_t n)
{
    struct sink_state *s = ctx;
    if (n == 0 || n > FWD_DECRYPT_OUT_SIZE) __builtin_trap();
    volatile uint8_t x = p[0] ^ p[n - 1]; /* touch both ends for ASan */
    (void)x;
    s->total += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fwd_decrypt_key key;
    static int key_ready;
    static struct fwd_decrypt d;
    static const struct fwd_random rng = {fixed_fill, NULL};
    if (!key_ready) {
        fwd_decrypt_key_init(&key);
        if (fwd_decrypt_key_load_ecies_hmac(&key, test_hmac_key) != 0) __builtin_trap();
        key_ready = 1;
    }
    if (size < 2) return 0;
    uint8_t split = data[0], opt = data[1];
    data += 2, size -= 2;

    struct sink_state st = {0, 0};
    struct fwd_decrypt_cfg cfg = {
        .key = &key, .rng = &rng,
        .min_bin_size = (opt & 1) ? 1 : 0,
        .max_bin_size = (opt & 2) ? 0x400000u : (uint32_t)(opt >> 2) * 64u,
        .strict_reserved = (opt >> 7) & 1,
        .out = { sink, NULL, &st },
    };
    if (cfg.min_bin_size > cfg.max_bin_size) cfg.max_bin_size = cfg.min_bin_size;
    if (fwd_decrypt_start(&d, &cfg) != 0) __builtin_trap();
    size_t off = 0;
    int rc = 0;
    while (off < size && rc == 0) {
        size_t n = (size_t)(split % 113) + 1;
        split = (uint8_t)(split * 45 + 3);
        if (n > size - off) n = size - off;
        rc = fwd_decrypt_feed(&d, data + off, n);
        off += n;
    }
    if (rc == 0) {
        rc = fwd_decrypt_finish(&d);
        if (rc == 0 && (!fwd_decrypt_header_done(&d) || st.total != fwd_decrypt_bin_size(&d))) __builtin_trap();
    } else {
        fwd_decrypt_abort(&d);
    }
    if (fwd_decrypt_header_done(&d) && st.total > fwd_decrypt_bin_size(&d)) __builtin_trap();
    return 0;
}
