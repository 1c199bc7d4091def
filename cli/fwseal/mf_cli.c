/* SPDX-License-Identifier: Apache-2.0 */
/* Fleet-manifest CLI helpers (see mf_cli.h). */
#include "cli/fwseal/mf_cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/util/cli.h"
#include "host/fwh_json.h"
#include "fw_err.h"
#include "fw_image.h"
#include "fw_sbv2.h"

int mf_parse_time(const char *s, uint64_t *out)
{
    int y, mo, d, h, mi, se, n = 0;
    char z = 0;
    if (!s || strlen(s) != 20) return -1;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &se, &z, &n) != 7 || n != 20) return -1;
    if (z != 'Z' && z != 'z') return -1;
    for (int i = 0; i < 19; i++) {   /* digits where digits belong (sscanf allows signs and spaces) */
        int sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
        if (!sep && (s[i] < '0' || s[i] > '9')) return -1;
    }
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    struct tm back;
    if (t < 0 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1) return -1; /* Feb 30 */
    *out = (uint64_t)t;
    return 0;
}

/* "10", "12.5", "0.25" -> basis points; -1 if not a percentage 0..100. */
int mf_parse_percent(const char *s)
{
    unsigned whole = 0, frac = 0, fd = 0;
    const char *p = s;
    if (!*p) return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (unsigned)(*p - '0');
        if (whole > 100) return -1;
    }
    if (p == s) return -1;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (++fd > 2) return -1;
            frac = frac * 10 + (unsigned)(*p - '0');
        }
        if (!fd) return -1;
        if (fd == 1) frac *= 10;
    }
    if (*p) return -1;
    unsigned bp = whole * 100 + frac;
    return bp > FW_MF_ROLLOUT_ALL ? -1 : (int)bp;
}

void mf_format_time(uint64_t t, char *out, size_t n)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if ((uint64_t)tt != t || !gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, n, "-");
}

int mf_load(const char *path, uint8_t **buf, size_t *len, struct fw_manifest *m)
{
    int rc = cli_read_file(path, FW_MF_MAX_FILE_LEN, buf, len);
    if (rc) return rc;
    int err = fw_mf_decode(*buf, *len, m);
    if (err == FW_OK) return 0;
    free(*buf);
    *buf = NULL;
    const char *what = err == FW_ERR_MAGIC ? "not a fleet manifest (want magic FWMF)"
                     : err == FW_ERR_TRUNCATED ? "truncated manifest"
                     : err == FW_ERR_UNSUPPORTED ? "unsupported manifest (format version, header length, scheme or flags)"
                     : err == FW_ERR_RANGE ? "manifest field out of range or inconsistent (lengths, counts, times, seq, rollout)"
                     : "malformed manifest (strings, paths, groups, reserved bytes, padding or trailing bytes)";
    return cli_err(EXIT_REJECT, "%s: %s", path, what);
}

static const char *chip_name(uint16_t id)
{
    const char *n = fw_chip_name(id);
    return n ? n : "unknown";
}

static void hexline(FILE *f, const char *label, const uint8_t *p, size_t n)
{
    fprintf(f, "  %-15s ", label);
    cli_print_hex(f, p, n);
    fputc('\n', f);
}

void mf_print_text(FILE *f, const char *path, const uint8_t *buf, size_t len, const struct fw_manifest *m, int chunks)
{
    char is[32], ex[32];
    mf_format_time(m->issued, is, sizeof is);
    mf_format_time(m->expires, ex, sizeof ex);
    fprintf(f, "File: %s (%zu bytes)\nFormat: fwseal fleet manifest FWMF v%u\n", path, len, m->format_version);
    fprintf(f, "  project:        %s\n  version:        %s\n", m->project, m->version);
    fprintf(f, "  chip:           %s (id %u), min revision %u.%u\n", chip_name(m->chip_id), m->chip_id,
            m->min_chip_rev / 100, m->min_chip_rev % 100);
    fprintf(f, "  secure_version: %u\n  seq:            %llu\n", m->secure_version, (unsigned long long)m->seq);
    fprintf(f, "  issued:         %s (%llu)\n  expires:        %s (%llu)\n", is, (unsigned long long)m->issued, ex,
            (unsigned long long)m->expires);
    fprintf(f, "  rollout:        %u.%02u %%", m->rollout_bp / 100, m->rollout_bp % 100);
    for (unsigned g = 0; g < m->group_count; g++) fprintf(f, "%s%s", g ? ", " : " + groups ", m->groups[g]);
    fputc('\n', f);
    hexline(f, "rollout_seed:", m->rollout_seed, sizeof m->rollout_seed);
    fprintf(f, "  encryption:     %s\n  image_size:     %u\n", fw_mf_enc_scheme_name(m->enc_scheme), m->image_size);
    hexline(f, "image_sha256:", m->image_sha256, sizeof m->image_sha256);
    hexline(f, "enc_iv:", m->enc_iv, sizeof m->enc_iv);
    hexline(f, "enc_tag:", m->enc_tag, sizeof m->enc_tag);
    hexline(f, "key_check:", m->key_check, sizeof m->key_check);
    fprintf(f, "  chunks:         %u x %u bytes\n", m->chunk_count, m->chunk_size);
    fprintf(f, "  body:           %s\n  headers:        %s\n", m->body_path, m->header_path);
    if (chunks)
        for (uint32_t i = 0; i < m->chunk_count; i++) {
            char l[24];
            snprintf(l, sizeof l, "chunk %u:", i);
            hexline(f, l, fw_mf_chunk_hash(buf, len, m, i), FW_MF_HASH_LEN);
        }
    struct fw_sbv2_scan scan;
    unsigned nblk = fw_sbv2_sector_scan(buf + fw_mf_signed_len(m), &scan);
    fprintf(f, "  signatures:     %u block(s)", nblk);
    for (unsigned i = 0; i < nblk; i++) fprintf(f, "%s%s", i ? ", " : ": ", fw_sbv2_scheme_name(scan.scheme[i]));
    fputc('\n', f);
}

void mf_print_json(FILE *f, const char *path, const uint8_t *buf, size_t len, const struct fw_manifest *m, int chunks,
                   const char *signature_state)
{
    struct fw_json j;
    fw_json_init(&j, f, 2);
    fw_json_obj(&j);
    fw_json_kstr(&j, "file", path);
    fw_json_ku64(&j, "file_size", len);
    fw_json_kstr(&j, "format", "fwseal_fleet_manifest");
    fw_json_ku64(&j, "format_version", m->format_version);
    fw_json_kstr(&j, "project", m->project);
    fw_json_kstr(&j, "version", m->version);
    fw_json_ku64(&j, "chip_id", m->chip_id);
    fw_json_kstr(&j, "chip", chip_name(m->chip_id));
    fw_json_ku64(&j, "min_chip_rev", m->min_chip_rev);
    fw_json_ku64(&j, "secure_version", m->secure_version);
    fw_json_ku64(&j, "seq", m->seq);
    fw_json_ku64(&j, "issued", m->issued);
    fw_json_ku64(&j, "expires", m->expires);
    fw_json_ku64(&j, "rollout_bp", m->rollout_bp);
    fw_json_khex(&j, "rollout_seed", m->rollout_seed, sizeof m->rollout_seed);
    fw_json_key(&j, "groups");
    fw_json_arr(&j);
    for (unsigned g = 0; g < m->group_count; g++) fw_json_str(&j, m->groups[g]);
    fw_json_end(&j);
    fw_json_kstr(&j, "encryption", fw_mf_enc_scheme_name(m->enc_scheme));
    fw_json_ku64(&j, "image_size", m->image_size);
    fw_json_khex(&j, "image_sha256", m->image_sha256, sizeof m->image_sha256);
    fw_json_khex(&j, "enc_iv", m->enc_iv, sizeof m->enc_iv);
    fw_json_khex(&j, "enc_tag", m->enc_tag, sizeof m->enc_tag);
    fw_json_khex(&j, "key_check", m->key_check, sizeof m->key_check);
    fw_json_ku64(&j, "chunk_size", m->chunk_size);
    fw_json_ku64(&j, "chunk_count", m->chunk_count);
    if (chunks) {
        fw_json_key(&j, "chunk_sha256");
        fw_json_arr(&j);
        for (uint32_t i = 0; i < m->chunk_count; i++) fw_json_hex(&j, fw_mf_chunk_hash(buf, len, m, i), FW_MF_HASH_LEN);
        fw_json_end(&j);
    }
    fw_json_kstr(&j, "body_path", m->body_path);
    fw_json_kstr(&j, "header_path", m->header_path);
    struct fw_sbv2_scan scan;
    unsigned nblk = fw_sbv2_sector_scan(buf + fw_mf_signed_len(m), &scan);
    fw_json_key(&j, "signature_blocks");
    fw_json_arr(&j);
    for (unsigned i = 0; i < nblk; i++) fw_json_str(&j, fw_sbv2_scheme_name(scan.scheme[i]));
    fw_json_end(&j);
    if (signature_state) fw_json_kstr(&j, "signature", signature_state);
    fw_json_end(&j);
}
