/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: partition table codec (common/fw_partition), both forms.
 * Byte 0 selects the form and options; the rest is a binary table or CSV
 * text. Invariants: whatever parses re-serialises to a table that parses
 * back to the same entries; CSV emitted by us parses back identically.
 * Binary seeds come from the vectors (mode byte 00), CSV seeds from
 * corpus/partition (mode byte 01).
 */
// FUZZ-MAX-LEN: 4096
// FUZZ-SEED-PREFIX: 00
// FUZZ-SEEDS: partition_table/*.bin
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/md5.h>

#include "common/fw_err.h"
#include "common/fw_partition.h"
#include "host/fwh_pt_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int md5(void *ctx, const uint8_t *d, size_t n, uint8_t out[16])
{
    (void)ctx;
    return mbedtls_md5_ret(d, n, out) ? -1 : 0;
}

static const char *getvar(const char *name)
{
    return name[0] == 'O' ? "0x10000" : "1M";
}

/* flag_mask: the CSV form names only the known flags (unknown bits of a
 * binary table are dropped with FW_PT_WARN_UNKNOWN_FLAGS, as gen_esp32part). */
static void same_tables(const struct fw_pt *a, const struct fw_pt *b, uint32_t flag_mask)
{
    if (a->count != b->count) __builtin_trap();
    for (unsigned i = 0; i < a->count; i++) {
        const struct fw_pt_entry *x = &a->e[i], *y = &b->e[i];
        if (x->type != y->type || x->subtype != y->subtype || x->offset != y->offset ||
            x->size != y->size || (x->flags & flag_mask) != (y->flags & flag_mask) || strcmp(x->label, y->label) != 0)
            __builtin_trap();
    }
}

/* Everything we can do with a table that parsed. */
static void exercise(const struct fw_pt *t)
{
    static struct fw_pt back, back2;
    static uint8_t bin[FW_PT_LEN];
    static char csv[8192];
    size_t csv_len = 0;
    struct fw_pt_diag diag;

    (void)fw_pt_check(t, FW_PT_OFFSET_DEFAULT, 0x400000, &diag);
    (void)fw_pt_ota_count(t);
    (void)fw_pt_otadata(t);
    (void)fw_pt_find(t, FW_PT_TYPE_DATA, FW_PT_SUB_ANY, 0);
    for (unsigned i = 0; i < t->count; i++) {
        (void)fw_pt_type_name(t->e[i].type);
        (void)fw_pt_subtype_name(t->e[i].type, t->e[i].subtype);
        if (fw_pt_find_label(t, t->e[i].label) == NULL) __builtin_trap();
    }
    if (fw_pt_to_binary(t, 1, md5, NULL, bin) == FW_OK) {
        if (fw_pt_parse(&back, bin, sizeof bin, 0, md5, NULL, FW_PT_REQUIRE_MD5) != FW_OK) __builtin_trap();
        same_tables(t, &back, UINT32_MAX);
    }
    if (fw_pt_to_csv(t, csv, sizeof csv, &csv_len) == FW_OK) {
        if (csv_len >= sizeof csv || csv[csv_len] != 0) __builtin_trap();
        /* Our own CSV must read back as the same table when it is valid,
         * except for bootloader/partition_table rows, whose offset and size
         * the generator implies rather than reads. */
        int implied = 0;
        for (unsigned i = 0; i < t->count; i++)
            implied |= t->e[i].type == FW_PT_TYPE_BOOTLOADER || t->e[i].type == FW_PT_TYPE_PARTITION_TABLE;
        if (fw_pt_from_csv(&back2, csv, csv_len, FW_PT_OFFSET_DEFAULT, NULL, &diag) == FW_OK && !implied)
            same_tables(t, &back2, FW_PT_FLAG_ENCRYPTED | FW_PT_FLAG_READONLY);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fw_pt t;
    struct fw_pt_diag diag;
    if (size < 1) return 0;
    uint8_t mode = data[0];
    data++, size--;

    if (mode & 1) {
        memset(&diag, 0, sizeof diag);
        if (fw_pt_from_csv(&t, (const char *)data, size, FW_PT_OFFSET_DEFAULT,
                           (mode & 2) ? getvar : NULL, &diag) == FW_OK)
            exercise(&t);
        if (memchr(diag.msg, 0, sizeof diag.msg) == NULL) __builtin_trap();
    } else {
        unsigned opts = (mode & 2) ? FW_PT_IGNORE_MD5 : ((mode & 4) ? FW_PT_REQUIRE_MD5 : 0);
        uint64_t flash = (mode & 8) ? 0 : 0x400000;
        if (fw_pt_parse(&t, data, size, flash, md5, NULL, opts) == FW_OK) {
            if (t.count == 0 || t.count > FW_PT_MAX_ENTRIES) __builtin_trap();
            exercise(&t);
        }
    }
    return 0;
}
