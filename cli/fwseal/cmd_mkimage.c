/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal mkimage: a valid ESP app image (FORMATS §1) with a deterministic
 * synthetic payload, for tests, the demo and the device simulator.
 *
 * Segments mirror what ESP-IDF + esptool elf2image produce (and the vectors'
 * image_info): DROM (app descriptor first, at image offset 0x20), IROM at the
 * next 64 KiB MMU page congruence, RAM segments (DRAM, IRAM) used to fill the
 * alignment gaps before IROM exactly like esptool, zero padding segments
 * where no RAM data is left, then the remaining RAM data. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal/commands.h"
#include "cli/util/cli.h"
#include "fw_bytes.h"
#include "fw_err.h"
#include "fw_boot_desc.h"
#include "fw_image.h"

#define MMU_PAGE      0x10000u
#define MIN_PAYLOAD   1024u
#define MAX_PAYLOAD   (7u * 1024u * 1024u)   /* fits the ESP32-C3 8 MiB MMU window */
#define RAM_SEG_MAX   0x10000u               /* keep RAM segments clear of the loader */

struct chip_profile {
    const char *name;
    uint16_t chip_id;
    uint32_t drom, irom, dram, iram;   /* load addresses (as in the vectors' image_info.txt files) */
    uint16_t min_rev_full, max_rev_full;
};

static const struct chip_profile profiles[] = {
    {"esp32c3", FW_CHIP_ESP32C3, 0x3C000000u, 0x42000000u, 0x3FC8C000u, 0x40380000u, 3, 199},
    {"esp32s3", FW_CHIP_ESP32S3, 0x3C000000u, 0x42000000u, 0x3FC92000u, 0x40374000u, 0, 99},
};

struct seg { uint32_t addr; uint8_t *data; uint32_t len; };

struct mk {
    uint8_t *out;
    size_t cap, len;
    unsigned nseg;
    uint8_t checksum;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fwseal mkimage --chip esp32c3|esp32s3 --version STR --secure-version N\n"
            "                      --project NAME --size BYTES -o APP.bin [--idf-ver STR] [--secure-pad]\n"
            "\n"
            "Write a valid ESP app image (image header, segments, XOR checksum, appended SHA-256,\n"
            "esp_app_desc_t at offset 0x20) whose content is a deterministic synthetic payload.\n"
            "\n"
            "options:\n"
            "  --chip NAME           esp32c3 or esp32s3 (chip id, revisions, memory map)\n"
            "  --version STR         app version string (<= 31 chars)\n"
            "  --secure-version N    anti-rollback secure_version (0..4294967295)\n"
            "  --project NAME        project_name (<= 31 chars)\n"
            "  --size BYTES          payload bytes in the segments, descriptor included\n"
            "                        (1K..7M; K/M suffixes accepted)\n"
            "  --idf-ver STR         idf_ver field (default v5.5.5)\n"
            "  --secure-pad          Secure Boot V2 secure padding: the image plus its SHA-256\n"
            "                        ends on a 64 KiB boundary (esptool --secure-pad-v2)\n"
            "  -o FILE               output (written atomically)\n"
            "  --bootloader          a second-stage bootloader image instead: RAM segments only\n"
            "                        (DRAM then IRAM, BYTES split in half), esp_bootloader_desc_t\n"
            "                        (magic 0x50, FORMATS 1.8) at offset 0x20 with version = the\n"
            "                        number --version N, secure_version = --secure-version (0..255)\n"
            "\n"
            "Payload rule: seed = SHA-256(\"fwseal-mkimage\" 0x00 PROJECT 0x00 VERSION); the synthetic\n"
            "stream is SHA-256(seed || LE32 i) for i = 0, 1, 2, ... concatenated. Segment split of the\n"
            "BYTES: DRAM = IRAM = min(5%% rounded down to 16, 64K), IROM = 60%% rounded down to 256,\n"
            "DROM = the rest (descriptor + stream, zero-padded to 4 bytes). The stream fills DROM\n"
            "after the descriptor, then DRAM, IRAM, IROM. app_elf_sha256 = SHA-256 of the stream;\n"
            "compile time/date are fixed (\"00:00:00\", \"Jan  1 2026\"), so the same arguments\n"
            "always give the same bytes.\n"
            "\n"
            "example:\n"
            "  fwseal mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 \\\n"
            "                 --project demo --size 64K -o app.bin\n");
}

/* Synthetic stream: SHA-256 counter mode over the seed. */
static int fill_stream(uint8_t *dst, size_t n, const char *project, const char *version, uint8_t elf_sha[32])
{
    uint8_t seed[32], blk[32], ctr[4];
    unsigned ml;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) && EVP_DigestUpdate(c, "fwseal-mkimage", 15) &&
             EVP_DigestUpdate(c, project, strlen(project) + 1) && EVP_DigestUpdate(c, version, strlen(version)) &&
             EVP_DigestFinal_ex(c, seed, &ml);
    for (uint32_t i = 0; ok && (size_t)i * 32 < n; i++) {
        fw_enc32le(ctr, i);
        ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) && EVP_DigestUpdate(c, seed, 32) &&
             EVP_DigestUpdate(c, ctr, 4) && EVP_DigestFinal_ex(c, blk, &ml);
        size_t take = n - (size_t)i * 32 < 32 ? n - (size_t)i * 32 : 32;
        memcpy(dst + (size_t)i * 32, blk, take);
    }
    ok = ok && EVP_Digest(dst, n, elf_sha, &ml, EVP_sha256(), NULL);
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

static void put_segment(struct mk *m, uint32_t addr, const uint8_t *data, uint32_t len)
{
    fw_enc32le(m->out + m->len, addr);
    fw_enc32le(m->out + m->len + 4, len);
    m->len += 8;
    if (data) memcpy(m->out + m->len, data, len);
    else memset(m->out + m->len, 0, len);
    m->checksum = fw_image_xor(m->checksum, m->out + m->len, len);
    m->len += len;
    m->nseg++;
}

/* esptool get_alignment_data_needed(): data bytes to insert (as one padding
 * segment with its own header) so the next segment's data lands congruent. */
static uint32_t alignment_needed(uint32_t addr, size_t file_off)
{
    int64_t align_past = (int64_t)(addr % MMU_PAGE) - 8;
    int64_t pad = (int64_t)(MMU_PAGE - file_off % MMU_PAGE) + align_past;
    if (pad == 0 || pad == MMU_PAGE) return 0;
    pad -= 8;
    if (pad < 0) pad += MMU_PAGE;
    return (uint32_t)pad;
}

static void layout(struct mk *m, struct seg *flash, unsigned nflash, struct seg *ram, unsigned nram, int secure_pad)
{
    unsigned r = 0;
    for (unsigned i = 0; i < nflash; i++) {
        uint32_t pad;
        while ((pad = alignment_needed(flash[i].addr, m->len)) > 0) {
            if (r < nram && pad > 8) { /* split the head of a RAM segment into the gap */
                uint32_t take = pad < ram[r].len ? pad : ram[r].len;
                put_segment(m, ram[r].addr, ram[r].data, take);
                ram[r].addr += take; ram[r].data += take; ram[r].len -= take;
                if (ram[r].len == 0) r++;
            } else {
                put_segment(m, 0, NULL, pad);
            }
        }
        put_segment(m, flash[i].addr, flash[i].data, flash[i].len);
    }
    for (; r < nram; r++) put_segment(m, ram[r].addr, ram[r].data, ram[r].len);
    if (secure_pad) { /* §1.6: checksum block + SHA-256 end on the MMU page */
        uint32_t align_past = (uint32_t)((m->len + 8) % MMU_PAGE);
        uint32_t pad = (uint32_t)((2u * MMU_PAGE - align_past - 16 - 32) % MMU_PAGE);
        put_segment(m, 0, NULL, pad);
    }
}

struct mk_args {
    const char *chip, *version, *project, *idf_ver, *out;
    uint64_t secure_version, size;
    int have_sv, have_size, secure_pad, bootloader;
};

static int parse_args(int argc, char **argv, struct mk_args *a)
{
    memset(a, 0, sizeof *a);
    a->idf_ver = "v5.5.5";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (cli_opt(o, "--secure-pad")) { a->secure_pad = 1; continue; }
        if (cli_opt(o, "--bootloader")) { a->bootloader = 1; continue; }
        if (i + 1 >= argc) return cli_err(EXIT_USAGE, "mkimage: %s needs a value (see --help)", o);
        const char *v = argv[++i];
        if (cli_opt(o, "--chip")) a->chip = v;
        else if (cli_opt(o, "--version")) a->version = v;
        else if (cli_opt(o, "--project")) a->project = v;
        else if (cli_opt(o, "--idf-ver")) a->idf_ver = v;
        else if (cli_opt(o, "-o") || cli_opt(o, "--output")) a->out = v;
        else if (cli_opt(o, "--secure-version")) {
            if (cli_parse_u64(v, &a->secure_version) || a->secure_version > UINT32_MAX)
                return cli_err(EXIT_USAGE, "mkimage: bad --secure-version '%s' (0..4294967295)", v);
            a->have_sv = 1;
        } else if (cli_opt(o, "--size")) {
            if (cli_parse_u64(v, &a->size)) return cli_err(EXIT_USAGE, "mkimage: bad --size '%s'", v);
            a->have_size = 1;
        } else return cli_err(EXIT_USAGE, "mkimage: unknown option '%s' (see --help)", o);
    }
    if (!a->chip || !a->version || !a->project || !a->have_sv || !a->have_size || !a->out)
        return cli_err(EXIT_USAGE, "mkimage: --chip, --version, --secure-version, --project, --size and -o are required");
    if (a->size < MIN_PAYLOAD || a->size > MAX_PAYLOAD)
        return cli_err(EXIT_USAGE, "mkimage: --size must be between %u and %u bytes", MIN_PAYLOAD, MAX_PAYLOAD);
    if (strlen(a->version) > 31 || strlen(a->project) > 31 || strlen(a->idf_ver) > 31)
        return cli_err(EXIT_USAGE, "mkimage: --version, --project and --idf-ver are limited to 31 characters");
    if (!*a->version || !*a->project) return cli_err(EXIT_USAGE, "mkimage: --version and --project must not be empty");
    uint64_t bv;
    if (a->bootloader && (cli_parse_u64(a->version, &bv) || bv > UINT32_MAX))
        return cli_err(EXIT_USAGE, "mkimage: --bootloader: --version must be a number (the descriptor's LE32 version)");
    if (a->bootloader && a->secure_version > 255)
        return cli_err(EXIT_USAGE, "mkimage: --bootloader: --secure-version is one byte (0..255)");
    if (a->bootloader && a->secure_pad) return cli_err(EXIT_USAGE, "mkimage: --secure-pad is for app images");
    return 0;
}

static const struct chip_profile *find_profile(const char *name)
{
    int id = fw_chip_from_name(name);
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (id == profiles[i].chip_id) return &profiles[i];
    return NULL;
}

/* The image header (DIO, 4 MB at 80 MHz, hash appended) over the segments
 * laid out in m, then the checksum byte at its 16-byte boundary and the
 * SHA-256 of everything before it (FORMATS 1.1, 1.4). */
static int finish_image(struct mk *m, const struct chip_profile *cp)
{
    struct fw_image_header h = {.magic = FW_IMAGE_MAGIC, .spi_mode = 2 /* DIO */, .spi_speed_size = 0x2F /* 4MB, 80m */,
                                .entry_addr = cp->iram + 0x80, .wp_pin = 0xEE, .chip_id = cp->chip_id,
                                .min_chip_rev_full = cp->min_rev_full, .max_chip_rev_full = cp->max_rev_full,
                                .hash_appended = 1, .segment_count = (uint8_t)m->nseg};
    fw_image_header_encode(&h, m->out);
    uint64_t c = fw_image_checksum_off(m->len);
    memset(m->out + m->len, 0, c - m->len);
    m->out[c] = m->checksum;
    m->len = c + 1;
    unsigned ml;
    if (!EVP_Digest(m->out, m->len, m->out + m->len, &ml, EVP_sha256(), NULL)) return cli_err(EXIT_IO, "mkimage: OpenSSL failure");
    m->len += 32;
    return 0;
}

static int build_image(const struct mk_args *a, const struct chip_profile *cp, struct mk *m)
{
    uint32_t P = (uint32_t)a->size;
    uint32_t ram = P / 20 & ~15u;
    if (ram > RAM_SEG_MAX) ram = RAM_SEG_MAX;
    uint32_t irom = (uint32_t)((uint64_t)P * 60 / 100) & ~255u;
    uint32_t drom = P - 2 * ram - irom;            /* >= 256: P >= 1K */
    uint32_t drom_padded = (drom + 3) & ~3u;
    size_t stream_len = P - FW_APP_DESC_LEN;

    uint8_t *buf = calloc(1, (size_t)drom_padded + 2 * ram + irom);
    m->cap = (size_t)P + 16 * (8 + MMU_PAGE) + 64 + 4096;
    m->out = calloc(1, m->cap);
    if (!buf || !m->out) { free(buf); return cli_err(EXIT_IO, "mkimage: out of memory"); }

    struct fw_app_desc d;
    memset(&d, 0, sizeof d);
    d.magic_word = FW_APP_DESC_MAGIC;
    d.secure_version = (uint32_t)a->secure_version;
    strcpy(d.version, a->version);
    strcpy(d.project_name, a->project);
    strcpy(d.time, "00:00:00");
    strcpy(d.date, "Jan  1 2026");
    strcpy(d.idf_ver, a->idf_ver);
    d.max_efuse_blk_rev_full = 199;
    d.mmu_page_size = 16;

    /* stream goes to DROM after the descriptor, then DRAM, IRAM, IROM (contiguous in buf) */
    uint8_t *drom_p = buf, *dram_p = buf + drom_padded, *iram_p = dram_p + ram, *irom_p = iram_p + ram;
    uint8_t *stream = malloc(stream_len);
    if (!stream || fill_stream(stream, stream_len, a->project, a->version, d.app_elf_sha256)) {
        free(stream); free(buf);
        return cli_err(EXIT_IO, "mkimage: OpenSSL failure");
    }
    if (fw_app_desc_encode(&d, drom_p) != FW_OK) { free(stream); free(buf); return cli_err(EXIT_USAGE, "mkimage: descriptor field too long"); }
    size_t s = 0, n = drom - FW_APP_DESC_LEN;
    memcpy(drom_p + FW_APP_DESC_LEN, stream, n); s += n;
    memcpy(dram_p, stream + s, ram); s += ram;
    memcpy(iram_p, stream + s, ram); s += ram;
    memcpy(irom_p, stream + s, irom);
    free(stream);

    /* DROM pages follow the IROM pages in the shared MMU (as the IDF linker does) */
    uint32_t irom_pages = (0x20 + irom + MMU_PAGE - 1) / MMU_PAGE;
    struct seg flash[2] = {{cp->drom + irom_pages * MMU_PAGE + 0x20, drom_p, drom_padded},
                           {cp->irom + 0x20, irom_p, irom}};
    struct seg ramseg[2] = {{cp->dram, dram_p, ram}, {cp->iram, iram_p, ram}};

    m->len = FW_IMAGE_HEADER_LEN;
    m->checksum = FW_IMAGE_CHECKSUM_SEED;
    layout(m, flash, 2, ramseg, 2, a->secure_pad);
    free(buf);
    return finish_image(m, cp);
}

/* A bootloader: DRAM (descriptor first, FORMATS 1.3: .dram0.bootdesc is
 * forced first) and IRAM segments, nothing flash-mapped. */
static int build_bootloader(const struct mk_args *a, const struct chip_profile *cp, struct mk *m)
{
    uint32_t P = (uint32_t)a->size & ~7u;
    uint32_t dram = P / 2 & ~3u, iram = P - dram;
    uint8_t elf[32];
    uint8_t *buf = calloc(1, P);
    m->cap = (size_t)P + 256;
    m->out = calloc(1, m->cap);
    if (!buf || !m->out) { free(buf); return cli_err(EXIT_IO, "mkimage: out of memory"); }
    struct fw_boot_desc d;
    memset(&d, 0, sizeof d);
    d.magic_byte = FW_BOOT_DESC_MAGIC;
    d.secure_version = (uint8_t)a->secure_version;
    uint64_t v = 0;
    (void)cli_parse_u64(a->version, &v);
    d.version = (uint32_t)v;
    snprintf(d.idf_ver, sizeof d.idf_ver, "%s", a->idf_ver);
    snprintf(d.date_time, sizeof d.date_time, "Jan  1 2026 00:00:00");
    if (fill_stream(buf + FW_BOOT_DESC_LEN, P - FW_BOOT_DESC_LEN, a->project, a->version, elf) ||
        fw_boot_desc_encode(&d, buf) != FW_OK) {
        free(buf);
        return cli_err(EXIT_IO, "mkimage: OpenSSL failure");
    }
    m->len = FW_IMAGE_HEADER_LEN;
    m->checksum = FW_IMAGE_CHECKSUM_SEED;
    put_segment(m, cp->dram, buf, dram);
    put_segment(m, cp->iram, buf + dram, iram);
    free(buf);
    return finish_image(m, cp);
}

static int run_mkimage(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    struct mk_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc;
    const struct chip_profile *cp = find_profile(a.chip);
    if (!cp) return cli_err(EXIT_USAGE, "mkimage: unsupported --chip '%s' (esp32c3, esp32s3)", a.chip);
    struct mk m = {0};
    rc = a.bootloader ? build_bootloader(&a, cp, &m) : build_image(&a, cp, &m);
    if (rc) { free(m.out); return rc; }
    /* self-check: our own parser must accept what we wrote */
    struct fw_image_parser p;
    fw_image_parser_init_kind(&p, FW_IMAGE_NO_LIMIT, a.bootloader ? FW_IMAGE_KIND_BOOTLOADER : FW_IMAGE_KIND_APP);
    int prc = fw_image_parser_feed(&p, m.out, m.len);
    if (prc == FW_OK) prc = fw_image_parser_finish(&p);
    if (prc != FW_OK ||
        fw_image_check_mapping(cp->chip_id, p.seg, p.seg_seen, 0, MMU_PAGE) != FW_OK) {
        free(m.out);
        return cli_err(EXIT_IO, "mkimage: internal error: generated image does not validate");
    }
    rc = cli_write_file(a.out, m.out, m.len, 0644);
    free(m.out);
    return rc;
}

const struct cli_cmd cmd_mkimage = {"mkimage", "build a synthetic ESP app image (tests, demo)", run_mkimage};
