/* SPDX-License-Identifier: Apache-2.0 */
/* The NVS key-value store engine (FORMATS §5): ESP-IDF compatible pages,
 * entries, namespaces, strings, multi-chunk V2 blobs, garbage collection,
 * the write ordering of §5.8 and the recovery rules of §5.9.
 *
 * Independence: no flash driver, partition table or cipher here. Storage is
 * a partition-relative raw read/write/erase interface (like littlefs's
 * config), entry encryption the fw_nvs_crypt interface (NULL = plain NVS).
 * device/fwd_nvs.h binds it to the device (mbedTLS XTS, nvs_keys), the host
 * (fwseal nvs dump) runs it read-only over a RAM copy of an image.
 *
 * Memory: everything lives in the caller's struct fw_nvs_store (no malloc):
 * about 170 bytes per page (state, seq, RAM bitmap, one hash byte per entry
 * slot) for FW_NVS_MAX_PAGES pages: ~11 KiB for the default 64 pages
 * (256 KiB partitions). Operations use < 1 KiB of stack.
 *
 * Power loss: every io error (FW_ERR_POWER_LOSS included) is returned at
 * once and leaves the RAM state stale: mount again before further use.
 * Every set/erase is durable when it returns (commit is a no-op kept for
 * the ESP API shape). A key whose update was cut reads back old or new.
 *
 * Deviations from ESP-IDF (documented choices):
 *   - (ns, key) is unique across types: setting a key with another type
 *     replaces the old item (ESP keeps one item per type);
 *   - duplicates are resolved for every item (newest page / later entry
 *     wins), not only for the last item of the newest page;
 *   - an interrupted GC is resumed (items missing from the copy target are
 *     copied) instead of erasing the target and copying again, which also
 *     survives a partially erased FREEING page;
 *   - half-written detection compares the whole raw entry with 0xFF (ESP
 *     looks at the first 4 bytes only);
 *   - erased entries are never purged (no NVS_READWRITE_PURGE mode);
 *   - blob writes are not skipped when unchanged (primitives/strings are). */
#ifndef FW_NVS_STORE_H
#define FW_NVS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "fw_err.h"
#include "fw_nvs.h"

#ifndef FW_NVS_MAX_PAGES
#define FW_NVS_MAX_PAGES 64
#endif

/* Partition-relative raw storage. write only clears bits; erase takes
 * 4096-aligned offset and length. Return 0 or a negative fw_err code. */
struct fw_nvs_io {
    uint32_t size;
    int (*read)(void *ctx, uint32_t off, void *buf, size_t len);
    int (*write)(void *ctx, uint32_t off, const void *buf, size_t len);
    int (*erase)(void *ctx, uint32_t off, size_t len);
    void *ctx;
    /* 1 = write() may re-program written bytes, only clearing bits (NOR):
     * page-state and bitmap words are updated in place (FORMATS §5.3/§5.4).
     * A writable mount requires it (FW_ERR_UNSUPPORTED otherwise); 0, the
     * zero value, only allows read-only mounts. */
    int nor_reprogram;
};

struct fw_nvs_page {
    uint32_t state;               /* FW_NVS_PS_* (CORRUPT/UNINIT pages are free) */
    uint32_t seq;
    uint8_t bm[32];               /* entry states as the store sees them */
    uint8_t hash[FW_NVS_ENTRIES]; /* item-start slots: hash of (ns,key), else 0 */
    uint8_t next_free;            /* first writable entry of the ACTIVE page */
    uint8_t used;                 /* WRITTEN entries */
    uint8_t erased;               /* ERASED/ILLEGAL entries */
    uint8_t needs_erase;          /* free page whose sector is not blank */
    uint8_t dirty;                /* mount: RAM bitmap ahead of flash */
};

struct fw_nvs_store {
    struct fw_nvs_io io;
    struct fw_nvs_crypt crypt;
    int encrypted;
    int readonly;
    int broken;                   /* an io error happened: mount again */
    int mounting;                 /* phase 1 of mount: no writes yet */
    unsigned npages;
    struct fw_nvs_page pg[FW_NVS_MAX_PAGES];
    uint8_t order[FW_NVS_MAX_PAGES]; /* pages in use, ascending seq */
    unsigned norder;
    uint8_t freel[FW_NVS_MAX_PAGES]; /* free pages */
    unsigned nfree;
    uint32_t next_seq;
    unsigned crc_good, crc_bad;   /* entry CRC statistics of the last mount */
    struct fw_fail fail;          /* the last error and its reason, for messages */
};

struct fw_nvs_handle {
    struct fw_nvs_store *s;
    uint8_t ns;
    uint8_t rw;
};

struct fw_nvs_info {
    uint8_t ns;                   /* namespace index */
    char ns_name[16];
    char key[16];
    uint8_t type;                 /* FW_NVS_U8.., SZ, BLOB_IDX (V2) or BLOB (V1) */
    uint32_t size;                /* payload bytes (strings incl. NUL) */
    uint8_t chunks;               /* V2 blobs: chunk count */
};

struct fw_nvs_iter {
    unsigned oi;                  /* index into order[] */
    unsigned entry;
};

struct fw_nvs_stats {
    unsigned used_entries, free_entries, available_entries, total_entries, namespace_count;
};

/* Mount: loads every page and applies §5.9. readonly = never write (rules
 * are applied in RAM only). Errors: FW_ERR_KEY (encrypted and no entry
 * decrypts: wrong keys; nothing is touched), FW_ERR_VERSION (newer format),
 * FW_ERR_NO_SPACE (read-write and no free page), FW_ERR_RANGE (bad size). */
int fw_nvs_mount(struct fw_nvs_store *s, const struct fw_nvs_io *io, const struct fw_nvs_crypt *crypt,
                 int readonly);

/* Namespaces: rw creates a missing one (FW_ERR_NO_SPACE + why "too many
 * namespaces" beyond 254); read-only open of a missing one: FW_ERR_NOT_FOUND. */
int fw_nvs_open(struct fw_nvs_store *s, const char *ns, int rw, struct fw_nvs_handle *h);

/* Handle on a namespace index as found by iteration (its namespace entry may
 * be missing in a damaged image). ns 1..254. */
int fw_nvs_open_index(struct fw_nvs_store *s, uint8_t ns, int rw, struct fw_nvs_handle *h);

/* Integers: type is FW_NVS_U8..FW_NVS_I64; the value is stored in the low
 * bytes (signed values two's complement). get requires the same type. */
int fw_nvs_set_int(struct fw_nvs_handle *h, const char *key, uint8_t type, uint64_t v);
int fw_nvs_get_int(struct fw_nvs_handle *h, const char *key, uint8_t type, uint64_t *v);
/* Strings (<= 3999 chars + NUL, one page). *len: in = buffer size, out = size
 * incl. NUL; buf NULL queries the size. FW_ERR_NO_SPACE if buf too small. */
int fw_nvs_set_str(struct fw_nvs_handle *h, const char *key, const char *str);
int fw_nvs_get_str(struct fw_nvs_handle *h, const char *key, char *buf, size_t *len);
/* Blobs (V2 multi-chunk; V1 single-page blobs are readable). */
int fw_nvs_set_blob(struct fw_nvs_handle *h, const char *key, const void *data, size_t len);
int fw_nvs_get_blob(struct fw_nvs_handle *h, const char *key, void *buf, size_t *len);
/* Largest blob this partition format allows: min(pages-1, 127) * 4000. */
size_t fw_nvs_blob_max(const struct fw_nvs_store *s);

int fw_nvs_find(struct fw_nvs_handle *h, const char *key, struct fw_nvs_info *info);
int fw_nvs_erase_key(struct fw_nvs_handle *h, const char *key);
int fw_nvs_erase_all(struct fw_nvs_handle *h);   /* every key of the namespace */
int fw_nvs_commit(struct fw_nvs_handle *h);

/* Iterate items (namespace entries and blob chunks excluded); ns 0 = all.
 * Start with a zeroed iterator. Returns 1 with info filled, 0 at the end. */
int fw_nvs_iter_next(struct fw_nvs_store *s, uint8_t ns, struct fw_nvs_iter *it, struct fw_nvs_info *info);
int fw_nvs_stats(struct fw_nvs_store *s, struct fw_nvs_stats *st);

/* Typed wrappers in the ESP API's shape. */
#define FW_NVS_TYPED(name, T, code)                                                              \
    static inline int fw_nvs_set_##name(struct fw_nvs_handle *h, const char *k, T v)             \
    { return fw_nvs_set_int(h, k, code, (uint64_t)v); }                                          \
    static inline int fw_nvs_get_##name(struct fw_nvs_handle *h, const char *k, T *v)            \
    { uint64_t x; int rc = fw_nvs_get_int(h, k, code, &x); if (!rc) *v = (T)x; return rc; }
FW_NVS_TYPED(u8, uint8_t, FW_NVS_U8)
FW_NVS_TYPED(i8, int8_t, FW_NVS_I8)
FW_NVS_TYPED(u16, uint16_t, FW_NVS_U16)
FW_NVS_TYPED(i16, int16_t, FW_NVS_I16)
FW_NVS_TYPED(u32, uint32_t, FW_NVS_U32)
FW_NVS_TYPED(i32, int32_t, FW_NVS_I32)
FW_NVS_TYPED(u64, uint64_t, FW_NVS_U64)
FW_NVS_TYPED(i64, int64_t, FW_NVS_I64)
#undef FW_NVS_TYPED

/* Sign-extend a stored integer of `type` to int64 (for printing). */
int64_t fw_nvs_int_signed(uint8_t type, uint64_t v);

#endif
