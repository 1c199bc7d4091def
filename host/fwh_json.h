/* SPDX-License-Identifier: Apache-2.0 */
/* The one JSON writer of both CLIs (every --json output goes through it).
 * Streaming, no allocation: commas, quoting and indentation are its job,
 * callers only say what comes next.
 *
 * Strings are always valid UTF-8 in the output:
 *   - valid UTF-8 input (any script) is written as it is;
 *   - quote and backslash are escaped (\" \\), control bytes and DEL as
 *     \u00XX (tab is \u0009);
 *   - every byte that is not part of a valid UTF-8 sequence (overlong forms,
 *     surrogates, code points above U+10FFFF and truncated sequences
 *     included) becomes U+FFFD, written as the escape \ufffd, and a keyed
 *     string (fw_json_kstr/kstrn) then gets a sibling member "<key>_hex" with
 *     the raw bytes in lowercase hex, so nothing is lost. A string that was
 *     valid has no "_hex" sibling.
 * Layout: members of containers opened at a depth below `lines` go one per
 * line, indented by two spaces per level; deeper ones stay on one line,
 * separated by ", ". lines = 0 gives one line per document (JSON Lines).
 * The document ends with a newline. */
#ifndef FWH_JSON_H
#define FWH_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FW_JSON_MAX_DEPTH 16
#define FW_JSON_TIGHT 0xFFFFFFFFu

struct fw_json {
    FILE *f;
    unsigned lines;
    unsigned depth;
    uint32_t has_items;  /* bit d: the container at depth d has a member */
    uint32_t is_array;   /* bit d: the container at depth d is an array */
    int after_key;       /* a key was written, its value comes next */
    int tight;           /* no spaces after ',' and ':' */
};

void fw_json_init(struct fw_json *j, FILE *f, unsigned lines);

void fw_json_obj(struct fw_json *j);
void fw_json_arr(struct fw_json *j);
/* Close the innermost container; closing the outermost ends the line. */
void fw_json_end(struct fw_json *j);

void fw_json_key(struct fw_json *j, const char *key);
/* Values. str(NULL) writes null. */
void fw_json_str(struct fw_json *j, const char *s);
void fw_json_strn(struct fw_json *j, const void *p, size_t n);
void fw_json_u64(struct fw_json *j, uint64_t v);
void fw_json_i64(struct fw_json *j, int64_t v);
void fw_json_bool(struct fw_json *j, int v);
void fw_json_null(struct fw_json *j);
/* Bytes as a lowercase hex string. */
void fw_json_hex(struct fw_json *j, const uint8_t *p, size_t n);

/* key: value in one call. kstr/kstrn add "<key>_hex" for invalid UTF-8. */
void fw_json_kstr(struct fw_json *j, const char *key, const char *s);
void fw_json_kstrn(struct fw_json *j, const char *key, const void *p, size_t n);
void fw_json_ku64(struct fw_json *j, const char *key, uint64_t v);
void fw_json_ki64(struct fw_json *j, const char *key, int64_t v);
void fw_json_kbool(struct fw_json *j, const char *key, int v);
void fw_json_knull(struct fw_json *j, const char *key);
void fw_json_khex(struct fw_json *j, const char *key, const uint8_t *p, size_t n);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if p[0] does not
 * start one (RFC 3629: no overlongs, no surrogates, max U+10FFFF). */
size_t fw_utf8_seq_len(const uint8_t *p, size_t n);

#endif
