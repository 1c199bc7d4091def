/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: NVS page/entry reader (common/fw_nvs + fw_nvs_store, the
 * engine behind device/fwd_nvs and `fwseal nvs dump`) on a RAM partition.
 * Byte 0: options (read-only or read-write mount, plain or a toy reversible
 * entry cipher); the rest is the raw partition (up to 4 pages, the rest
 * erased). Mounting applies the §5.9 recovery rules to whatever is there;
 * then every item is iterated and read back by type, and a read-write mount
 * must accept a write that then reads back.
 */
// FUZZ-MAX-LEN: 16385
// FUZZ-SEED-PREFIX: 00
// FUZZ-SEEDS: nvs/nvs.bin nvs/neg_nvs_entry_crc.bin
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/fw_err.h"
#include "common/fw_nvs.h"
#include "nvs/fw_nvs_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PART (5 * 4096u)
static uint8_t part[PART];

static int io_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    (void)ctx;
    if ((uint64_t)off + len > PART) __builtin_trap(); /* the store must stay in bounds */
    memcpy(buf, part + off, len);
    return 0;
}
static int io_write(void *ctx, uint32_t off, const void *buf, size_t len)
{
    (void)ctx;
    if ((uint64_t)off + len > PART) __builtin_trap();
    const uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) part[off + i] &= b[i]; /* NOR: only clears bits */
    return 0;
}
static int io_erase(void *ctx, uint32_t off, size_t len)
{
    (void)ctx;
    if ((uint64_t)off + len > PART || off % 4096 || len % 4096) __builtin_trap();
    memset(part + off, 0xFF, len);
    return 0;
}
static int xor_crypt(void *ctx, uint32_t rel_off, const uint8_t in[32], uint8_t out[32])
{
    (void)ctx;
    for (int i = 0; i < 32; i++) out[i] = in[i] ^ (uint8_t)(rel_off >> 5) ^ 0x5A;
    return 0;
}

static void read_all(struct fw_nvs_store *s)
{
    static uint8_t buf[130 * 4000];
    struct fw_nvs_iter it;
    struct fw_nvs_info info;
    memset(&it, 0, sizeof it);
    for (int guard = 0; fw_nvs_iter_next(s, 0, &it, &info) == 1 && guard < 4096; guard++) {
        struct fw_nvs_handle h;
        if (memchr(info.key, 0, sizeof info.key) == NULL || memchr(info.ns_name, 0, sizeof info.ns_name) == NULL)
            __builtin_trap();
        if (fw_nvs_open(s, info.ns_name, 0, &h) != FW_OK) continue;
        size_t len = sizeof buf;
        uint64_t v;
        if (fw_nvs_type_is_primitive(info.type)) {
            (void)fw_nvs_get_int(&h, info.key, info.type, &v);
        } else if (info.type == FW_NVS_SZ) {
            if (fw_nvs_get_str(&h, info.key, (char *)buf, &len) == FW_OK && (len == 0 || buf[len - 1] != 0))
                __builtin_trap();
        } else {
            if (fw_nvs_get_blob(&h, info.key, buf, &len) == FW_OK && len > sizeof buf) __builtin_trap();
        }
    }
    struct fw_nvs_stats st;
    (void)fw_nvs_stats(s, &st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fw_nvs_store s;
    if (size < 1) return 0;
    uint8_t opt = data[0];
    data++, size--;
    memset(part, 0xFF, sizeof part);
    memcpy(part, data, size < PART ? size : PART);

    struct fw_nvs_io io = {PART, io_read, io_write, io_erase, NULL, 1};
    struct fw_nvs_crypt cr = {xor_crypt, xor_crypt, NULL};
    int rw = opt & 1;
    if (fw_nvs_mount(&s, &io, (opt & 2) ? &cr : NULL, !rw) != FW_OK) return 0;
    read_all(&s);
    if (rw) {
        struct fw_nvs_handle h;
        uint64_t v = 0;
        if (fw_nvs_open(&s, "fuzz", 1, &h) == FW_OK && fw_nvs_set_int(&h, "k", FW_NVS_U32, 0xC0FFEEu) == FW_OK &&
            fw_nvs_commit(&h) == FW_OK) {
            if (fw_nvs_get_int(&h, "k", FW_NVS_U32, &v) != FW_OK || v != 0xC0FFEEu) __builtin_trap();
            /* and after a remount (power cycle) */
            if (fw_nvs_mount(&s, &io, (opt & 2) ? &cr : NULL, 1) != FW_OK) __builtin_trap();
            if (fw_nvs_open(&s, "fuzz", 0, &h) != FW_OK || fw_nvs_get_int(&h, "k", FW_NVS_U32, &v) != FW_OK ||
                v != 0xC0FFEEu)
                __builtin_trap();
        }
    }
    return 0;
}
