/* SPDX-License-Identifier: Apache-2.0 */
#include "nvs/fw_nvs_store.h"

#include <string.h>

#include "fw_bytes.h"
#include "fw_crc32.h"
#include "fw_err.h"

#define PS FW_NVS_PAGE_SIZE
#define NE FW_NVS_ENTRIES
#define NOLOC 0xFFFFu

/* An item's place: page, entry, and its decrypted header entry. */
struct loc {
    unsigned p, i;
    uint8_t e[32];
};

/* ------------------------------------------------------------------ io */

static int chk(struct fw_nvs_store *s, int rc)
{
    if (rc) s->broken = 1;
    return rc;
}

static uint32_t eoff(unsigned p, unsigned i) { return (uint32_t)(p * PS + FW_NVS_FIRST_ENTRY + FW_NVS_ENTRY_SIZE * i); }

static int raw_read(struct fw_nvs_store *s, uint32_t off, void *buf, size_t n)
{
    return chk(s, s->io.read(s->io.ctx, off, buf, n));
}

static int raw_write(struct fw_nvs_store *s, uint32_t off, const void *buf, size_t n)
{
    if (s->readonly || s->mounting) return FW_ERR_STATE; /* bug guard: never reached */
    return chk(s, s->io.write(s->io.ctx, off, buf, n));
}

static int raw_erase_page(struct fw_nvs_store *s, unsigned p)
{
    if (s->readonly || s->mounting) return FW_ERR_STATE;
    return chk(s, s->io.erase(s->io.ctx, (uint32_t)p * PS, PS));
}

static int read_entry(struct fw_nvs_store *s, unsigned p, unsigned i, uint8_t e[32])
{
    uint8_t raw[32];
    int rc = raw_read(s, eoff(p, i), raw, 32);
    if (rc) return rc;
    if (!s->encrypted) {
        memcpy(e, raw, 32);
        return FW_OK;
    }
    return chk(s, s->crypt.decrypt(s->crypt.ctx, eoff(p, i), raw, e));
}

/* Write n plaintext entries at (p, i), encrypting each at its own offset. */
static int write_entries(struct fw_nvs_store *s, unsigned p, unsigned i, const uint8_t *plain, unsigned n)
{
    uint8_t buf[8 * 32];
    while (n) {
        unsigned k = n < 8 ? n : 8;
        for (unsigned j = 0; j < k; j++) {
            if (!s->encrypted) {
                memcpy(buf + 32 * j, plain + 32 * j, 32);
                continue;
            }
            int rc = chk(s, s->crypt.encrypt(s->crypt.ctx, eoff(p, i + j), plain + 32 * j, buf + 32 * j));
            if (rc) return rc;
        }
        int rc = raw_write(s, eoff(p, i), buf, 32u * k);
        if (rc) return rc;
        plain += 32 * k;
        i += k;
        n -= k;
    }
    return FW_OK;
}

/* ------------------------------------------------------- page bookkeeping */

static uint8_t key_hash(uint8_t ns, const uint8_t *key)
{
    uint32_t h = (2166136261u ^ ns) * 16777619u;
    for (unsigned i = 0; i < 16 && key[i]; i++) h = (h ^ key[i]) * 16777619u;
    h ^= h >> 16;
    h ^= h >> 8;
    return (uint8_t)h ? (uint8_t)h : 1;
}

static int key_eq(const uint8_t *e, uint8_t ns, const char *key)
{
    return e[0] == ns && strncmp((const char *)e + 8, key, 16) == 0;
}

static void recount(struct fw_nvs_page *pg)
{
    unsigned used = 0, erased = 0;
    for (unsigned i = 0; i < NE; i++) {
        unsigned st = fw_nvs_bm_get(pg->bm, i);
        if (st == FW_NVS_ES_WRITTEN) used++;
        else if (st != FW_NVS_ES_EMPTY) erased++;
    }
    pg->used = (uint8_t)used;
    pg->erased = (uint8_t)erased;
}

/* Set entries [first, first+n) to state st; writes the changed bitmap words
 * from the last one backwards (§5.8), unless mounting or read-only. */
static int set_states(struct fw_nvs_store *s, unsigned p, unsigned first, unsigned n, unsigned st)
{
    struct fw_nvs_page *pg = &s->pg[p];
    if (!n) return FW_OK;
    for (unsigned i = first; i < first + n; i++) fw_nvs_bm_set(pg->bm, i, st);
    recount(pg);
    if (s->readonly) return FW_OK;
    if (s->mounting) {
        pg->dirty = 1;
        return FW_OK;
    }
    for (int w = (int)((first + n - 1) / 16); w >= (int)(first / 16); w--) {
        int rc = raw_write(s, (uint32_t)(p * PS + FW_NVS_BITMAP_OFF + 4 * (unsigned)w), pg->bm + 4 * w, 4);
        if (rc) return rc;
    }
    return FW_OK;
}

static int erase_span(struct fw_nvs_store *s, unsigned p, unsigned i, unsigned span)
{
    if (span < 1 || i + span > NE) span = 1;
    s->pg[p].hash[i] = 0;
    return set_states(s, p, i, span, FW_NVS_ES_ERASED);
}

static unsigned item_span(const uint8_t e[32], unsigned i)
{
    unsigned span = e[2];
    return (span < 1 || i + span > NE) ? 1 : span;
}

static int active_page(const struct fw_nvs_store *s)
{
    if (!s->norder) return -1;
    unsigned p = s->order[s->norder - 1];
    return s->pg[p].state == FW_NVS_PS_ACTIVE ? (int)p : -1;
}

static void order_remove(struct fw_nvs_store *s, unsigned p)
{
    for (unsigned k = 0; k < s->norder; k++)
        if (s->order[k] == p) {
            memmove(s->order + k, s->order + k + 1, s->norder - k - 1);
            s->norder--;
            return;
        }
}

static void free_push(struct fw_nvs_store *s, unsigned p, int needs_erase)
{
    struct fw_nvs_page *pg = &s->pg[p];
    pg->state = FW_NVS_PS_UNINIT;
    pg->needs_erase = (uint8_t)needs_erase;
    memset(pg->bm, 0xFF, sizeof pg->bm);
    memset(pg->hash, 0, sizeof pg->hash);
    pg->used = pg->erased = 0;
    pg->next_free = 0;
    s->freel[s->nfree++] = (uint8_t)p;
}

static int write_state(struct fw_nvs_store *s, unsigned p, uint32_t state)
{
    uint8_t w[4];
    fw_enc32le(w, state);
    s->pg[p].state = state;
    return raw_write(s, (uint32_t)p * PS, w, 4);
}

/* Take a free page, erase it if needed, write an ACTIVE header. */
static int activate_page(struct fw_nvs_store *s, unsigned *out)
{
    if (!s->nfree) {
        return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "partition full");
    }
    unsigned p = s->freel[0];
    memmove(s->freel, s->freel + 1, s->nfree - 1);
    s->nfree--;
    struct fw_nvs_page *pg = &s->pg[p];
    if (pg->needs_erase) {
        int rc = raw_erase_page(s, p);
        if (rc) return rc;
        pg->needs_erase = 0;
    }
    uint8_t h[32];
    fw_nvs_page_hdr_encode(h, FW_NVS_PS_ACTIVE, s->next_seq);
    int rc = raw_write(s, (uint32_t)p * PS, h, 32);
    if (rc) return rc;
    pg->state = FW_NVS_PS_ACTIVE;
    pg->seq = s->next_seq++;
    memset(pg->bm, 0xFF, sizeof pg->bm);
    memset(pg->hash, 0, sizeof pg->hash);
    pg->next_free = 0;
    pg->used = pg->erased = 0;
    s->order[s->norder++] = (uint8_t)p;
    *out = p;
    return FW_OK;
}

/* Copy the item at (p, i) to the end of page t (re-encrypting per entry). */
static int copy_item(struct fw_nvs_store *s, unsigned p, unsigned i, unsigned t)
{
    uint8_t e[32];
    int rc = read_entry(s, p, i, e);
    if (rc) return rc;
    unsigned span = item_span(e, i);
    struct fw_nvs_page *tp = &s->pg[t];
    unsigned at = tp->next_free;
    if (at + span > NE) return FW_ERR_NO_SPACE;
    for (unsigned k = 0; k < span; k++) {
        if (k) {
            rc = read_entry(s, p, i + k, e);
            if (rc) return rc;
        }
        rc = write_entries(s, t, at + k, e, 1);
        if (rc) return rc;
    }
    tp->next_free = (uint8_t)(at + span);
    rc = set_states(s, t, at, span, FW_NVS_ES_WRITTEN);
    tp->hash[at] = s->pg[p].hash[i];
    return rc;
}

static int copy_all(struct fw_nvs_store *s, unsigned from, unsigned to)
{
    for (unsigned i = 0; i < NE; i++) {
        if (!s->pg[from].hash[i]) continue;
        int rc = copy_item(s, from, i, to);
        if (rc) return rc;
    }
    return FW_OK;
}

/* Erase a page that was emptied into another one and return it to the free list. */
static int retire_page(struct fw_nvs_store *s, unsigned p)
{
    int rc = raw_erase_page(s, p);
    if (rc) return rc;
    order_remove(s, p);
    free_push(s, p, 0);
    return FW_OK;
}

/* Entries a write could still get: free tails, erased entries (via GC) and
 * free pages, minus the page GC always needs. */
static unsigned reclaimable(const struct fw_nvs_store *s)
{
    unsigned n = 0;
    for (unsigned k = 0; k < s->norder; k++) n += NE - s->pg[s->order[k]].used;
    if (s->nfree) n += NE * (s->nfree - 1);
    else if (n >= NE) n -= NE;
    else n = 0;
    return n;
}

/* New ACTIVE page: a free one while more than one is left, else garbage
 * collection of the page with the most unused entries (§5.8 step 4). */
static int request_page(struct fw_nvs_store *s, unsigned *out)
{
    if (s->nfree > 1) return activate_page(s, out);
    int victim = -1;
    unsigned best = 0;
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        if (s->pg[p].state != FW_NVS_PS_FULL) continue;
        unsigned unused = NE - s->pg[p].used;
        if (unused > best) { best = unused; victim = (int)p; }
    }
    if (victim < 0 || !s->nfree) {
        return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "partition full");
    }
    int rc = write_state(s, (unsigned)victim, FW_NVS_PS_FREEING);
    if (!rc) rc = activate_page(s, out);
    if (!rc) rc = copy_all(s, (unsigned)victim, *out);
    if (!rc) rc = retire_page(s, (unsigned)victim);
    return rc;
}

/* Make room for `span` contiguous entries in the ACTIVE page. */
static int ensure_room(struct fw_nvs_store *s, unsigned span, unsigned *out)
{
    for (unsigned attempt = 0; attempt <= s->npages + 1; attempt++) {
        int p = active_page(s);
        if (p >= 0 && s->pg[p].next_free + span <= NE) {
            *out = (unsigned)p;
            return FW_OK;
        }
        if (reclaimable(s) < span) break;
        if (p >= 0) {
            int rc = write_state(s, (unsigned)p, FW_NVS_PS_FULL);
            if (rc) return rc;
        }
        unsigned np;
        int rc = request_page(s, &np);
        if (rc) return rc;
    }
    return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "partition full");
}

/* Write a header entry plus payload as one item; entries first, bitmap after. */
static int write_item(struct fw_nvs_store *s, const uint8_t hdr[32], const uint8_t *payload, size_t plen,
                      struct loc *out)
{
    unsigned span = hdr[2];
    unsigned p;
    int rc = ensure_room(s, span, &p);
    if (rc) return rc;
    struct fw_nvs_page *pg = &s->pg[p];
    unsigned i = pg->next_free;
    rc = write_entries(s, p, i, hdr, 1);
    unsigned full = (unsigned)(plen / 32);
    if (!rc && full) rc = write_entries(s, p, i + 1, payload, full);
    if (!rc && plen % 32) {
        uint8_t d[32];
        memset(d, 0xFF, 32);
        memcpy(d, payload + 32 * full, plen % 32);
        rc = write_entries(s, p, i + 1 + full, d, 1);
    }
    if (rc) return rc;
    pg->next_free = (uint8_t)(i + span);
    rc = set_states(s, p, i, span, FW_NVS_ES_WRITTEN);
    if (rc) return rc;
    pg->hash[i] = key_hash(hdr[0], hdr + 8);
    if (out) {
        out->p = p;
        out->i = i;
        memcpy(out->e, hdr, 32);
    }
    return FW_OK;
}

/* ------------------------------------------------------------- lookups */

/* Visit item headers matching (ns, key): cb returns 0 to go on, 1 to stop, <0 error. */
typedef int (*visit_fn)(struct fw_nvs_store *s, struct loc *l, void *arg);

static int visit_key(struct fw_nvs_store *s, uint8_t ns, const char *key, visit_fn fn, void *arg)
{
    uint8_t kb[16] = { 0 };
    memcpy(kb, key, fw_strnlen(key, 15));
    uint8_t h = key_hash(ns, kb);
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        for (unsigned i = 0; i < NE; i++) {
            if (s->pg[p].hash[i] != h) continue;
            struct loc l = { .p = p, .i = i };
            int rc = read_entry(s, p, i, l.e);
            if (rc) return rc;
            if (!key_eq(l.e, ns, key)) continue;
            rc = fn(s, &l, arg);
            if (rc) return rc;
        }
    }
    return 0;
}

struct find_arg {
    uint8_t chunk, type;
    struct loc *out;
};

static int find_cb(struct fw_nvs_store *s, struct loc *l, void *arg)
{
    (void)s;
    struct find_arg *a = arg;
    if (l->e[3] != a->chunk) return 0;
    if (a->type != FW_NVS_ANY && l->e[1] != a->type) return 0;
    *a->out = *l;
    return 1;
}

/* Find the item (ns, key, chunk) of `type` (FW_NVS_ANY = any): 0 or NOT_FOUND. */
static int find_item(struct fw_nvs_store *s, uint8_t ns, const char *key, uint8_t chunk, uint8_t type, struct loc *out)
{
    struct find_arg a = { chunk, type, out };
    int rc = visit_key(s, ns, key, find_cb, &a);
    if (rc < 0) return rc;
    return rc == 1 ? FW_OK : FW_ERR_NOT_FOUND;
}

struct others_arg {
    unsigned keep_p, keep_i;      /* the new item */
    unsigned lo, hi;              /* BLOB_DATA chunks [lo, hi) belong to it */
};

static int others_cb(struct fw_nvs_store *s, struct loc *l, void *arg)
{
    struct others_arg *a = arg;
    if (l->p == a->keep_p && l->i == a->keep_i) return 0;
    if (l->e[1] == FW_NVS_BLOB_DATA && l->e[3] >= a->lo && l->e[3] < a->hi) return 0;
    int rc = erase_span(s, l->p, l->i, item_span(l->e, l->i));
    return rc < 0 ? rc : 0;
}

/* After an update: erase every other item of (ns, key) (old value, old blob
 * index and chunks, an item of another type). */
static int erase_others(struct fw_nvs_store *s, uint8_t ns, const char *key, const struct loc *keep,
                        unsigned lo, unsigned hi)
{
    struct others_arg a = { keep ? keep->p : NOLOC, keep ? keep->i : NOLOC, lo, hi };
    return visit_key(s, ns, key, others_cb, &a);
}

/* Read and CRC-check a variable-length payload (one item) into buf. */
static int read_payload(struct fw_nvs_store *s, const struct loc *l, uint8_t *buf)
{
    size_t size = fw_dec16le(l->e + 24), off = 0;
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned k = 1; off < size; k++) {
        uint8_t d[32];
        int rc = read_entry(s, l->p, l->i + k, d);
        if (rc) return rc;
        size_t n = size - off < 32 ? size - off : 32;
        crc = fw_crc32_le(crc, d, n);
        if (buf) memcpy(buf + off, d, n);
        off += n;
    }
    if (crc != fw_dec32le(l->e + 28)) return FW_ERR_CRC;
    return FW_OK;
}

/* §5.9 rule 13: a payload CRC mismatch erases the item, reported as not found. */
static int payload_bad(struct fw_nvs_store *s, const struct loc *l)
{
    if (!s->readonly) {
        int rc = erase_span(s, l->p, l->i, item_span(l->e, l->i));
        if (rc) return rc;
    }
    return fw_fail_set(&s->fail, FW_ERR_NOT_FOUND, "data CRC mismatch");
}

/* ---------------------------------------------------------------- mount */

static int all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF) return 0;
    return 1;
}

static int page_blank(struct fw_nvs_store *s, unsigned p, unsigned from, int *blank)
{
    uint8_t buf[512];
    *blank = 1;
    for (unsigned off = from; off < PS; off += sizeof buf) {
        unsigned n = PS - off < sizeof buf ? PS - off : (unsigned)sizeof buf;
        int rc = raw_read(s, (uint32_t)(p * PS + off), buf, n);
        if (rc) return rc;
        if (!all_ff(buf, n)) { *blank = 0; return FW_OK; }
    }
    return FW_OK;
}

static int load_header(struct fw_nvs_store *s, unsigned p)
{
    uint8_t h[64];
    int rc = raw_read(s, (uint32_t)p * PS, h, 64);
    if (rc) return rc;
    struct fw_nvs_page_hdr hd;
    fw_nvs_page_hdr_decode(h, &hd);
    if (hd.state == FW_NVS_PS_UNINIT) {
        int blank;
        rc = page_blank(s, p, 0, &blank);
        if (rc) return rc;
        free_push(s, p, !blank);
        return FW_OK;
    }
    if (!fw_nvs_page_hdr_crc_ok(h) ||
        (hd.state != FW_NVS_PS_ACTIVE && hd.state != FW_NVS_PS_FULL && hd.state != FW_NVS_PS_FREEING)) {
        free_push(s, p, 1);
        return FW_OK;
    }
    if (hd.version != FW_NVS_VERSION_V2 && hd.version != FW_NVS_VERSION_V1) {
        return fw_fail_set(&s->fail, FW_ERR_VERSION, "page written by a newer NVS format version");
    }
    struct fw_nvs_page *pg = &s->pg[p];
    pg->state = hd.state;
    pg->seq = hd.seq;
    memcpy(pg->bm, h + 32, 32);
    unsigned k = s->norder;
    while (k > 0 && s->pg[s->order[k - 1]].seq > hd.seq) {
        s->order[k] = s->order[k - 1];
        k--;
    }
    s->order[k] = (uint8_t)p;
    s->norder++;
    if (hd.seq >= s->next_seq) s->next_seq = hd.seq + 1;
    return FW_OK;
}

/* §5.9 rule 4: in the ACTIVE page everything from the first EMPTY entry on
 * must be blank; anything programmed there is a half-written item. */
static int scan_active_tail(struct fw_nvs_store *s, unsigned p)
{
    struct fw_nvs_page *pg = &s->pg[p];
    unsigned nf = NE, end;
    for (unsigned i = 0; i < NE; i++)
        if (fw_nvs_bm_get(pg->bm, i) == FW_NVS_ES_EMPTY) { nf = i; break; }
    end = nf;
    for (unsigned i = nf; i < NE; i++) {
        uint8_t raw[32];
        int rc = raw_read(s, eoff(p, i), raw, 32);
        if (rc) return rc;
        if (!all_ff(raw, 32) || fw_nvs_bm_get(pg->bm, i) != FW_NVS_ES_EMPTY) end = i + 1;
    }
    pg->next_free = (uint8_t)end;
    return set_states(s, p, nf, end - nf, FW_NVS_ES_ERASED);
}

/* §5.9 rule 6/7: header checks of a WRITTEN item with a good CRC. Returns
 * the span if valid, 0 if the item must be erased. */
static unsigned item_valid(const struct fw_nvs_page *pg, unsigned i, const uint8_t e[32])
{
    uint8_t ns = e[0], type = e[1], span = e[2], chunk = e[3];
    if (!fw_nvs_entry_key_ok(e) || !e[8] || ns == 0xFF || !fw_nvs_type_known(type)) return 0;
    if (fw_nvs_type_is_primitive(type)) {
        if (span != 1) return 0;
        if (ns == 0 && (type != FW_NVS_U8 || e[24] == 0 || e[24] == 0xFF)) return 0;
        return 1;
    }
    if (ns == 0) return 0;
    if (type == FW_NVS_BLOB_IDX) {
        if (span != 1 || chunk != FW_NVS_CHUNK_ANY || fw_dec32le(e + 24) > 127u * 125u * 32u) return 0;
        return 1;
    }
    unsigned size = fw_dec16le(e + 24);
    if (span != fw_nvs_varlen_span(size) || i + span > NE) return 0;
    if ((type == FW_NVS_BLOB_DATA) != (chunk != FW_NVS_CHUNK_ANY)) return 0;
    for (unsigned k = 1; k < span; k++)
        if (fw_nvs_bm_get(pg->bm, i + k) != FW_NVS_ES_WRITTEN) return 0;
    return span;
}

static int scan_page(struct fw_nvs_store *s, unsigned p)
{
    struct fw_nvs_page *pg = &s->pg[p];
    memset(pg->hash, 0, sizeof pg->hash);
    pg->next_free = NE;
    if (pg->state == FW_NVS_PS_ACTIVE) {
        int rc = scan_active_tail(s, p);
        if (rc) return rc;
    }
    for (unsigned i = 0; i < NE;) {
        unsigned st = fw_nvs_bm_get(pg->bm, i);
        if (st != FW_NVS_ES_WRITTEN) {
            int rc = st == FW_NVS_ES_ILLEGAL ? set_states(s, p, i, 1, FW_NVS_ES_ERASED) : 0;
            if (rc) return rc;
            i++;
            continue;
        }
        uint8_t e[32];
        int rc = read_entry(s, p, i, e);
        if (rc) return rc;
        if (!fw_nvs_entry_crc_ok(e)) {
            s->crc_bad++;
            rc = set_states(s, p, i, 1, FW_NVS_ES_ERASED);
            if (rc) return rc;
            i++;
            continue;
        }
        s->crc_good++;
        unsigned span = item_valid(pg, i, e);
        if (!span) {
            /* data entries of a broken item are scanned (and dropped) on their own */
            rc = set_states(s, p, i, 1, FW_NVS_ES_ERASED);
            if (rc) return rc;
            i++;
            continue;
        }
        pg->hash[i] = key_hash(e[0], e + 8);
        i += span;
    }
    recount(pg);
    return FW_OK;
}

static int flush_dirty(struct fw_nvs_store *s)
{
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        struct fw_nvs_page *pg = &s->pg[p];
        if (!pg->dirty) continue;
        uint8_t fbm[32];
        int rc = raw_read(s, (uint32_t)(p * PS + FW_NVS_BITMAP_OFF), fbm, 32);
        for (int w = 7; !rc && w >= 0; w--)
            if (memcmp(fbm + 4 * w, pg->bm + 4 * w, 4))
                rc = raw_write(s, (uint32_t)(p * PS + FW_NVS_BITMAP_OFF + 4 * (unsigned)w), pg->bm + 4 * w, 4);
        if (rc) return rc;
        pg->dirty = 0;
    }
    return FW_OK;
}

/* Is an item with the same (ns, key, chunk) in page t? */
static int present_in(struct fw_nvs_store *s, unsigned t, const uint8_t e[32], int *yes)
{
    *yes = 0;
    uint8_t h = key_hash(e[0], e + 8);
    for (unsigned i = 0; i < NE; i++) {
        if (s->pg[t].hash[i] != h) continue;
        uint8_t f[32];
        int rc = read_entry(s, t, i, f);
        if (rc) return rc;
        if (f[0] == e[0] && f[3] == e[3] && !memcmp(f + 8, e + 8, 16)) { *yes = 1; return FW_OK; }
    }
    return FW_OK;
}

/* Entries of `from`'s items that are missing from t. */
static int missing_entries(struct fw_nvs_store *s, unsigned from, unsigned t, unsigned *need)
{
    *need = 0;
    for (unsigned i = 0; i < NE; i++) {
        if (!s->pg[from].hash[i]) continue;
        uint8_t e[32];
        int yes, rc = read_entry(s, from, i, e);
        if (!rc) rc = present_in(s, t, e, &yes);
        if (rc) return rc;
        if (!yes) *need += item_span(e, i);
    }
    return FW_OK;
}

/* §5.9 rule 10: finish an interrupted garbage collection. The copy target
 * (newest page, ACTIVE) is completed rather than redone when it has room. */
static int recover_freeing(struct fw_nvs_store *s)
{
    int f = -1;
    for (unsigned k = 0; k < s->norder; k++)
        if (s->pg[s->order[k]].state == FW_NVS_PS_FREEING) { f = s->order[k]; break; }
    if (f < 0 || s->readonly) return FW_OK; /* read-only: duplicates resolve it */
    int t = active_page(s);
    int rc;
    if (t >= 0 && t != f) {
        unsigned need;
        rc = missing_entries(s, (unsigned)f, (unsigned)t, &need);
        if (rc) return rc;
        if (s->pg[t].next_free + need > NE) {
            rc = retire_page(s, (unsigned)t);
            if (rc) return rc;
            t = -1;
        }
    }
    if (t < 0 || t == f) {
        unsigned np;
        rc = activate_page(s, &np);
        if (rc) return rc;
        t = (int)np;
    }
    for (unsigned i = 0; i < NE; i++) {
        if (!s->pg[f].hash[i]) continue;
        uint8_t e[32];
        int yes;
        rc = read_entry(s, (unsigned)f, i, e);
        if (!rc) rc = present_in(s, (unsigned)t, e, &yes);
        if (!rc && !yes) rc = copy_item(s, (unsigned)f, i, (unsigned)t);
        if (rc) return rc;
    }
    return retire_page(s, (unsigned)f);
}

/* §5.9 rules 8/9: of two items with the same (ns, key, chunk) the older
 * (earlier page in seq order, earlier entry) goes — unless the newer one's
 * payload fails its CRC: then the newer goes and the older stays. A power cut
 * can leave exactly that: a new item written, its payload torn, and the bitmap
 * word that was marking it ERASED half-programmed to WRITTEN; dropping the
 * older copy then would lose a committed value (rule 13 erases the newer on
 * read). */
static int dedupe(struct fw_nvs_store *s)
{
    for (unsigned a = 0; a < s->norder; a++) {
        unsigned p = s->order[a];
        for (unsigned i = 0; i < NE; i++) {
            uint8_t h = s->pg[p].hash[i];
            if (!h) continue;
            uint8_t e[32];
            int rc = read_entry(s, p, i, e), dup = 0;
            if (rc) return rc;
            struct loc newer;
            for (unsigned b = a; b < s->norder && !dup; b++) {
                unsigned q = s->order[b];
                for (unsigned j = (q == p ? i + 1 : 0); j < NE && !dup; j++) {
                    if (s->pg[q].hash[j] != h) continue;
                    rc = read_entry(s, q, j, newer.e);
                    if (rc) return rc;
                    dup = newer.e[0] == e[0] && newer.e[3] == e[3] && !memcmp(newer.e + 8, e + 8, 16);
                    newer.p = q, newer.i = j;
                }
            }
            if (!dup) continue;
            int newer_bad = 0;
            if (!fw_nvs_type_is_primitive(newer.e[1]) && newer.e[1] != FW_NVS_BLOB_IDX) {
                rc = read_payload(s, &newer, NULL);
                if (rc && rc != FW_ERR_CRC) return rc;
                newer_bad = rc == FW_ERR_CRC;
            }
            if (newer_bad) {
                rc = erase_span(s, newer.p, newer.i, item_span(newer.e, newer.i));
                if (rc) return rc;
                i--; /* look at this item again: another newer copy may exist (wraps to 0 for i = 0) */
                continue;
            }
            rc = erase_span(s, p, i, item_span(e, i));
            if (rc) return rc;
        }
    }
    return FW_OK;
}

struct blob_arg {
    unsigned lo, hi;     /* chunk range of the index */
    unsigned count;
    uint64_t total;
    int covered;         /* orphan check: some index covers chunk lo */
};

static int chunks_cb(struct fw_nvs_store *s, struct loc *l, void *arg)
{
    (void)s;
    struct blob_arg *a = arg;
    if (l->e[1] == FW_NVS_BLOB_DATA && l->e[3] >= a->lo && l->e[3] < a->hi) {
        a->count++;
        a->total += fw_dec16le(l->e + 24);
    }
    return 0;
}

static int cover_cb(struct fw_nvs_store *s, struct loc *l, void *arg)
{
    (void)s;
    struct blob_arg *a = arg;
    if (l->e[1] != FW_NVS_BLOB_IDX) return 0;
    unsigned start = l->e[29], count = l->e[28];
    if (a->lo >= start && a->lo < start + count) { a->covered = 1; return 1; }
    return 0;
}

/* §5.9 rules 11/12: incomplete blob indices, then orphan chunks. */
static int blob_rules(struct fw_nvs_store *s)
{
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned k = 0; k < s->norder; k++) {
            unsigned p = s->order[k];
            for (unsigned i = 0; i < NE; i++) {
                if (!s->pg[p].hash[i]) continue;
                uint8_t e[32];
                int rc = read_entry(s, p, i, e), bad = 0;
                if (rc) return rc;
                char key[16];
                memcpy(key, e + 8, 16);
                key[15] = 0;
                struct blob_arg a = { 0 };
                if (pass == 0 && e[1] == FW_NVS_BLOB_IDX) {
                    a.lo = e[29];
                    a.hi = (unsigned)e[29] + e[28];
                    rc = visit_key(s, e[0], key, chunks_cb, &a);
                    bad = a.count != e[28] || a.total != fw_dec32le(e + 24);
                } else if (pass == 1 && e[1] == FW_NVS_BLOB_DATA) {
                    a.lo = e[3];
                    rc = visit_key(s, e[0], key, cover_cb, &a);
                    bad = !a.covered;
                }
                if (rc < 0) return rc;
                if (bad) {
                    rc = erase_span(s, p, i, item_span(e, i));
                    if (rc) return rc;
                }
            }
        }
    }
    return FW_OK;
}

int fw_nvs_mount(struct fw_nvs_store *s, const struct fw_nvs_io *io, const struct fw_nvs_crypt *crypt,
                 int readonly)
{
    memset(s, 0, sizeof *s);
    if (!io || !io->read || (!readonly && (!io->write || !io->erase))) return FW_ERR_INVALID_ARG;
    if (crypt && (!crypt->encrypt || !crypt->decrypt)) return FW_ERR_INVALID_ARG;
    s->io = *io;
    if (crypt) {
        s->crypt = *crypt;
        s->encrypted = 1;
    }
    s->readonly = readonly;
    if (!readonly && !io->nor_reprogram) {
        return fw_fail_set(&s->fail, FW_ERR_UNSUPPORTED,
                           "storage does not declare NOR re-programming (FWD_FLASH_CAP_NOR_REPROGRAM), "
                           "which NVS needs to write: mount read-only");
    }
    s->npages = io->size / PS;
    if (io->size % PS || !s->npages || s->npages > FW_NVS_MAX_PAGES) {
        return fw_fail_set(&s->fail, FW_ERR_RANGE, "partition size must be a multiple of 4096 within the store's page limit");
    }
    if (!readonly && s->npages < 3) {
        return fw_fail_set(&s->fail, FW_ERR_RANGE, "read-write NVS needs at least 3 pages");
    }
    s->mounting = 1;
    int rc = 0;
    for (unsigned p = 0; !rc && p < s->npages; p++) rc = load_header(s, p);
    for (unsigned k = 0; !rc && k < s->norder; k++) rc = scan_page(s, s->order[k]);
    s->mounting = 0;
    if (rc) return rc;
    if (s->encrypted && s->crc_bad && !s->crc_good) {
        s->broken = 1;
        return fw_fail_set(&s->fail, FW_ERR_KEY, "wrong key: no entry decrypts with a valid CRC");
    }
    if (!readonly) {
        rc = flush_dirty(s);
        if (!rc) rc = recover_freeing(s); /* may free the GC victim */
        if (!rc && !s->nfree) {
            return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "no free page (read-write NVS needs one)");
        }
    }
    if (!rc) rc = dedupe(s);
    if (!rc) rc = blob_rules(s);
    return rc;
}

/* ---------------------------------------------------------- public API */

static int check_key(struct fw_nvs_store *s, const char *key)
{
    size_t n = key ? fw_strnlen(key, 17) : 0;
    if (n == 0 || n > FW_NVS_KEY_MAX) {
        return fw_fail_set(&s->fail, FW_ERR_RANGE, n ? "key longer than 15 characters" : "empty key");
    }
    return FW_OK;
}

static int check_handle(struct fw_nvs_handle *h, int write, const char *key)
{
    if (!h || !h->s) return FW_ERR_INVALID_ARG;
    struct fw_nvs_store *s = h->s;
    s->fail = FW_FAIL_NONE;
    if (s->broken) {
        return fw_fail_set(&s->fail, FW_ERR_STATE, "store must be mounted again");
    }
    if (write && (!h->rw || s->readonly)) {
        return fw_fail_set(&s->fail, FW_ERR_STATE, "read-only");
    }
    return key ? check_key(s, key) : FW_OK;
}

struct nsmap_arg {
    uint8_t used[32];
};

int fw_nvs_open(struct fw_nvs_store *s, const char *ns, int rw, struct fw_nvs_handle *h)
{
    if (!s || !h) return FW_ERR_INVALID_ARG;
    struct fw_nvs_handle tmp = { s, 0, (uint8_t)(rw != 0) };
    int rc = check_handle(&tmp, rw, ns);
    if (rc) return rc;
    struct loc l;
    rc = find_item(s, 0, ns, FW_NVS_CHUNK_ANY, FW_NVS_U8, &l);
    if (rc == FW_OK) {
        *h = (struct fw_nvs_handle){ s, l.e[24], (uint8_t)(rw != 0) };
        return FW_OK;
    }
    if (rc != FW_ERR_NOT_FOUND) return rc;
    if (!rw) {
        return fw_fail_set(&s->fail, rc, "no such namespace");
    }
    uint8_t used[32] = { 0 };
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        for (unsigned i = 0; i < NE; i++) {
            if (!s->pg[p].hash[i]) continue;
            uint8_t e[32];
            rc = read_entry(s, p, i, e);
            if (rc) return rc;
            /* An index is taken by its namespace entry, and also by any item
             * still carrying it: a power cut in a partition erase (factory
             * reset) can lose the namespace entry but leave items of that
             * index in later pages; reusing the index would show those stale
             * items in the new namespace. */
            unsigned taken = e[0] == 0 ? e[24] : e[0];
            used[taken / 8] |= (uint8_t)(1u << (taken % 8));
        }
    }
    unsigned idx = 1;
    while (idx <= FW_NVS_MAX_NS && (used[idx / 8] >> (idx % 8) & 1)) idx++;
    if (idx > FW_NVS_MAX_NS) {
        return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "too many namespaces (254)");
    }
    uint8_t e[32];
    fw_nvs_entry_init(e, 0, FW_NVS_U8, 1, FW_NVS_CHUNK_ANY, ns);
    e[24] = (uint8_t)idx;
    fw_nvs_entry_seal(e);
    rc = write_item(s, e, NULL, 0, NULL);
    if (rc) return rc;
    *h = (struct fw_nvs_handle){ s, (uint8_t)idx, 1 };
    return FW_OK;
}

int fw_nvs_open_index(struct fw_nvs_store *s, uint8_t ns, int rw, struct fw_nvs_handle *h)
{
    if (!s || !h || ns == 0 || ns > FW_NVS_MAX_NS) return FW_ERR_INVALID_ARG;
    *h = (struct fw_nvs_handle){ s, ns, (uint8_t)(rw != 0) };
    return check_handle(h, rw, NULL);
}

int fw_nvs_set_int(struct fw_nvs_handle *h, const char *key, uint8_t type, uint64_t v)
{
    int rc = check_handle(h, 1, key);
    if (rc) return rc;
    if (!fw_nvs_type_is_primitive(type)) return FW_ERR_INVALID_ARG;
    struct fw_nvs_store *s = h->s;
    uint8_t e[32];
    fw_nvs_entry_init(e, h->ns, type, 1, FW_NVS_CHUNK_ANY, key);
    for (unsigned i = 0; i < fw_nvs_prim_size(type); i++) e[24 + i] = (uint8_t)(v >> (8 * i));
    fw_nvs_entry_seal(e);
    struct loc old;
    rc = find_item(s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_ANY, &old);
    if (rc == FW_OK && old.e[1] == type && !memcmp(old.e + 24, e + 24, 8)) return FW_OK; /* unchanged */
    if (rc && rc != FW_ERR_NOT_FOUND) return rc;
    struct loc nl;
    rc = write_item(s, e, NULL, 0, &nl);
    if (!rc) rc = erase_others(s, h->ns, key, &nl, 0, 0);
    return rc < 0 ? rc : FW_OK;
}

/* The live item `key` of the handle's namespace, which must be of `type`. */
static int find_typed(struct fw_nvs_handle *h, const char *key, uint8_t type, struct loc *l)
{
    int rc = check_handle(h, 0, key);
    if (rc) return rc;
    rc = find_item(h->s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_ANY, l);
    if (rc) return rc;
    if (l->e[1] != type) {
        return fw_fail_set(&h->s->fail, FW_ERR_FORMAT, "stored with another type");
    }
    return FW_OK;
}

int fw_nvs_get_int(struct fw_nvs_handle *h, const char *key, uint8_t type, uint64_t *v)
{
    struct loc l;
    int rc = find_typed(h, key, type, &l);
    if (rc) return rc;
    uint64_t x = 0;
    for (unsigned i = 0; i < fw_nvs_prim_size(type); i++) x |= (uint64_t)l.e[24 + i] << (8 * i);
    *v = x;
    return FW_OK;
}

int64_t fw_nvs_int_signed(uint8_t type, uint64_t v)
{
    unsigned bits = 8 * fw_nvs_prim_size(type);
    if (!(type & 0x10) || bits >= 64) return (int64_t)v;
    uint64_t sign = (uint64_t)1 << (bits - 1);
    v &= (sign << 1) - 1;
    return (int64_t)((v ^ sign) - sign);
}

static int same_payload(struct fw_nvs_store *s, const struct loc *l, const uint8_t *data, size_t n, int *same)
{
    *same = 0;
    if (fw_dec16le(l->e + 24) != n || fw_dec32le(l->e + 28) != fw_crc32_esp(data, n)) return FW_OK;
    size_t off = 0;
    for (unsigned k = 1; off < n; k++) {
        uint8_t d[32];
        int rc = read_entry(s, l->p, l->i + k, d);
        if (rc) return rc;
        size_t m = n - off < 32 ? n - off : 32;
        if (memcmp(d, data + off, m)) return FW_OK;
        off += m;
    }
    *same = 1;
    return FW_OK;
}

int fw_nvs_set_str(struct fw_nvs_handle *h, const char *key, const char *str)
{
    int rc = check_handle(h, 1, key);
    if (rc) return rc;
    struct fw_nvs_store *s = h->s;
    size_t n = fw_strnlen(str, FW_NVS_STR_MAX) + 1;
    if (n > FW_NVS_STR_MAX) {
        return fw_fail_set(&s->fail, FW_ERR_RANGE, "string longer than 3999 bytes");
    }
    uint8_t e[32];
    fw_nvs_entry_init(e, h->ns, FW_NVS_SZ, (uint8_t)fw_nvs_varlen_span(n), FW_NVS_CHUNK_ANY, key);
    fw_enc16le(e + 24, (uint16_t)n);
    fw_enc32le(e + 28, fw_crc32_esp(str, n));
    fw_nvs_entry_seal(e);
    struct loc old;
    rc = find_item(s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_ANY, &old);
    if (rc == FW_OK && old.e[1] == FW_NVS_SZ) {
        int same;
        rc = same_payload(s, &old, (const uint8_t *)str, n, &same);
        if (rc || same) return rc;
    } else if (rc && rc != FW_ERR_NOT_FOUND) {
        return rc;
    }
    struct loc nl;
    rc = write_item(s, e, (const uint8_t *)str, n, &nl);
    if (!rc) rc = erase_others(s, h->ns, key, &nl, 0, 0);
    return rc < 0 ? rc : FW_OK;
}

int fw_nvs_get_str(struct fw_nvs_handle *h, const char *key, char *buf, size_t *len)
{
    struct loc l;
    int rc = find_typed(h, key, FW_NVS_SZ, &l);
    if (rc) return rc;
    size_t size = fw_dec16le(l.e + 24);
    if (!buf) { *len = size; return FW_OK; }
    if (*len < size) { *len = size; return fw_fail_set(&h->s->fail, FW_ERR_NO_SPACE, "buffer too small"); }
    rc = read_payload(h->s, &l, (uint8_t *)buf);
    if (rc == FW_ERR_CRC || (!rc && (!size || buf[size - 1]))) return payload_bad(h->s, &l);
    if (rc) return rc;
    *len = size;
    return FW_OK;
}

size_t fw_nvs_blob_max(const struct fw_nvs_store *s)
{
    size_t pages = s->npages > 1 ? s->npages - 1 : 0;
    return (pages < 127 ? pages : 127) * (size_t)FW_NVS_CHUNK_MAX;
}

/* Drop the chunks of an aborted blob write (they would be orphans anyway). */
static int drop_chunks(struct fw_nvs_store *s, uint8_t ns, const char *key, unsigned lo, unsigned hi)
{
    for (unsigned c = lo; c < hi; c++) {
        struct loc l;
        int rc = find_item(s, ns, key, (uint8_t)c, FW_NVS_BLOB_DATA, &l);
        if (rc == FW_ERR_NOT_FOUND) continue;
        if (!rc) rc = erase_span(s, l.p, l.i, item_span(l.e, l.i));
        if (rc) return rc;
    }
    return FW_OK;
}

static int write_chunks(struct fw_nvs_store *s, uint8_t ns, const char *key, const uint8_t *d, size_t len,
                        unsigned start, unsigned *count)
{
    size_t off = 0;
    *count = 0;
    while (off < len) {
        int p = active_page(s);
        unsigned room = p >= 0 ? NE - s->pg[p].next_free : 0;
        if (room < 2) {
            unsigned np;
            int rc = ensure_room(s, 2, &np);
            if (rc) return rc;
            room = NE - s->pg[np].next_free;
        }
        size_t chunk = len - off;
        if (chunk > (size_t)(room - 1) * 32) chunk = (size_t)(room - 1) * 32;
        if (*count >= 127) return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "blob needs more than 127 chunks");
        uint8_t e[32];
        fw_nvs_entry_init(e, ns, FW_NVS_BLOB_DATA, (uint8_t)fw_nvs_varlen_span(chunk), (uint8_t)(start + *count), key);
        fw_enc16le(e + 24, (uint16_t)chunk);
        fw_enc32le(e + 28, fw_crc32_esp(d + off, chunk));
        fw_nvs_entry_seal(e);
        int rc = write_item(s, e, d + off, chunk, NULL);
        if (rc) return rc;
        off += chunk;
        (*count)++;
    }
    return FW_OK;
}

int fw_nvs_set_blob(struct fw_nvs_handle *h, const char *key, const void *data, size_t len)
{
    int rc = check_handle(h, 1, key);
    if (rc) return rc;
    struct fw_nvs_store *s = h->s;
    if (len > fw_nvs_blob_max(s)) {
        return fw_fail_set(&s->fail, FW_ERR_RANGE, "blob larger than the maximum for this partition");
    }
    unsigned need = (unsigned)((len + 31) / 32 + len / FW_NVS_CHUNK_MAX + 2);
    if (need > reclaimable(s)) {
        return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "partition full");
    }
    struct loc old;
    rc = find_item(s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_BLOB_IDX, &old);
    if (rc && rc != FW_ERR_NOT_FOUND) return rc;
    unsigned start = (rc == FW_OK && old.e[29] == 0) ? 0x80 : 0x00, count;
    rc = write_chunks(s, h->ns, key, data, len, start, &count);
    if (rc == FW_OK) {
        uint8_t e[32];
        fw_nvs_entry_init(e, h->ns, FW_NVS_BLOB_IDX, 1, FW_NVS_CHUNK_ANY, key);
        fw_enc32le(e + 24, (uint32_t)len);
        e[28] = (uint8_t)count;
        e[29] = (uint8_t)start;
        fw_nvs_entry_seal(e);
        struct loc nl;
        rc = write_item(s, e, NULL, 0, &nl);
        if (!rc) {
            rc = erase_others(s, h->ns, key, &nl, start, start + count);
            return rc < 0 ? rc : FW_OK;
        }
    }
    if (rc == FW_ERR_NO_SPACE) {
        int rc2 = drop_chunks(s, h->ns, key, start, start + 127);
        if (rc2) return rc2;
    }
    return rc;
}

int fw_nvs_get_blob(struct fw_nvs_handle *h, const char *key, void *buf, size_t *len)
{
    int rc = check_handle(h, 0, key);
    if (rc) return rc;
    struct fw_nvs_store *s = h->s;
    struct loc l;
    rc = find_item(s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_ANY, &l);
    if (rc) return rc;
    if (l.e[1] == FW_NVS_BLOB) { /* V1 */
        size_t size = fw_dec16le(l.e + 24);
        if (!buf) { *len = size; return FW_OK; }
        if (*len < size) { *len = size; return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "buffer too small"); }
        rc = read_payload(s, &l, buf);
        if (rc == FW_ERR_CRC) return payload_bad(s, &l);
        if (!rc) *len = size;
        return rc;
    }
    if (l.e[1] != FW_NVS_BLOB_IDX) {
        return fw_fail_set(&s->fail, FW_ERR_FORMAT, "stored with another type");
    }
    size_t size = fw_dec32le(l.e + 24), off = 0;
    if (!buf) { *len = size; return FW_OK; }
    if (*len < size) { *len = size; return fw_fail_set(&s->fail, FW_ERR_NO_SPACE, "buffer too small"); }
    for (unsigned c = 0; c < l.e[28]; c++) {
        struct loc cl;
        rc = find_item(s, h->ns, key, (uint8_t)(l.e[29] + c), FW_NVS_BLOB_DATA, &cl);
        if (rc) return rc;
        size_t n = fw_dec16le(cl.e + 24);
        if (n > size - off) return payload_bad(s, &l);
        rc = read_payload(s, &cl, (uint8_t *)buf + off);
        if (rc == FW_ERR_CRC) return payload_bad(s, &l);
        if (rc) return rc;
        off += n;
    }
    if (off != size) return payload_bad(s, &l);
    *len = size;
    return FW_OK;
}

static void fill_info(struct fw_nvs_store *s, const struct loc *l, struct fw_nvs_info *info);

int fw_nvs_find(struct fw_nvs_handle *h, const char *key, struct fw_nvs_info *info)
{
    int rc = check_handle(h, 0, key);
    if (rc) return rc;
    struct loc l;
    rc = find_item(h->s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_ANY, &l);
    if (!rc && info) fill_info(h->s, &l, info);
    return rc;
}

int fw_nvs_erase_key(struct fw_nvs_handle *h, const char *key)
{
    int rc = check_handle(h, 1, key);
    if (rc) return rc;
    struct loc l;
    rc = find_item(h->s, h->ns, key, FW_NVS_CHUNK_ANY, FW_NVS_ANY, &l);
    if (rc) return rc;
    rc = erase_span(h->s, l.p, l.i, item_span(l.e, l.i)); /* index first: chunks become orphans */
    if (!rc) rc = erase_others(h->s, h->ns, key, NULL, 0, 0);
    return rc < 0 ? rc : FW_OK;
}

int fw_nvs_erase_all(struct fw_nvs_handle *h)
{
    int rc = check_handle(h, 1, NULL);
    if (rc) return rc;
    struct fw_nvs_store *s = h->s;
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        for (unsigned i = 0; i < NE; i++) {
            if (!s->pg[p].hash[i]) continue;
            uint8_t e[32];
            rc = read_entry(s, p, i, e);
            if (!rc && e[0] == h->ns) rc = erase_span(s, p, i, item_span(e, i));
            if (rc) return rc;
        }
    }
    return FW_OK;
}

int fw_nvs_commit(struct fw_nvs_handle *h)
{
    return check_handle(h, 0, NULL);
}

static void ns_name(struct fw_nvs_store *s, uint8_t ns, char out[16])
{
    out[0] = 0;
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        for (unsigned i = 0; i < NE; i++) {
            if (!s->pg[p].hash[i]) continue;
            uint8_t e[32];
            if (read_entry(s, p, i, e)) return;
            if (e[0] == 0 && e[24] == ns) {
                memcpy(out, e + 8, 16);
                out[15] = 0;
                return;
            }
        }
    }
}

static void fill_info(struct fw_nvs_store *s, const struct loc *l, struct fw_nvs_info *info)
{
    const uint8_t *e = l->e;
    memset(info, 0, sizeof *info);
    info->ns = e[0];
    ns_name(s, e[0], info->ns_name);
    memcpy(info->key, e + 8, 16);
    info->key[15] = 0;
    info->type = e[1];
    if (fw_nvs_type_is_primitive(e[1])) info->size = fw_nvs_prim_size(e[1]);
    else if (e[1] == FW_NVS_BLOB_IDX) { info->size = fw_dec32le(e + 24); info->chunks = e[28]; }
    else info->size = fw_dec16le(e + 24);
}

int fw_nvs_iter_next(struct fw_nvs_store *s, uint8_t ns, struct fw_nvs_iter *it, struct fw_nvs_info *info)
{
    if (s->broken) return 0;
    for (; it->oi < s->norder; it->oi++, it->entry = 0) {
        unsigned p = s->order[it->oi];
        for (; it->entry < NE; it->entry++) {
            unsigned i = it->entry;
            if (!s->pg[p].hash[i]) continue;
            struct loc l = { .p = p, .i = i };
            if (read_entry(s, p, i, l.e)) return 0;
            if (l.e[0] == 0 || l.e[1] == FW_NVS_BLOB_DATA || (ns && l.e[0] != ns)) continue;
            fill_info(s, &l, info);
            it->entry++;
            return 1;
        }
    }
    return 0;
}

int fw_nvs_stats(struct fw_nvs_store *s, struct fw_nvs_stats *st)
{
    memset(st, 0, sizeof *st);
    st->total_entries = s->npages * NE;
    for (unsigned k = 0; k < s->norder; k++) {
        unsigned p = s->order[k];
        st->used_entries += s->pg[p].used;
        for (unsigned i = 0; i < NE; i++) {
            if (!s->pg[p].hash[i]) continue;
            uint8_t e[32];
            int rc = read_entry(s, p, i, e);
            if (rc) return rc;
            if (e[0] == 0) st->namespace_count++;
        }
    }
    st->free_entries = st->total_entries - st->used_entries;
    st->available_entries = st->free_entries > NE ? st->free_entries - NE : 0;
    return FW_OK;
}
