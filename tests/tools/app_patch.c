/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: derive a new UNSIGNED app image from an existing one by
 * patching esp_app_desc_t.secure_version / version (and optionally the chip
 * id), then fixing the XOR checksum and the appended SHA-256 -- so the e2e
 * scripts can sign (fwseal sign) images with any secure_version.
 *
 *   app_patch IN OUT [--secure-version N] [--version STR] [--chip-id N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "fw_bytes.h"
#include "fw_image.h"

static int die(const char *m)
{
    fprintf(stderr, "app_patch: %s\n", m);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3) return die("usage: app_patch IN OUT [--secure-version N] [--version STR] [--chip-id N]");
    long sv = -1, chip = -1;
    const char *ver = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--secure-version")) sv = strtol(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--version")) ver = argv[i + 1];
        else if (!strcmp(argv[i], "--chip-id")) chip = strtol(argv[i + 1], NULL, 0);
        else return die("unknown option");
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) return die("cannot open input");
    static uint8_t img[16u << 20];
    size_t n = fread(img, 1, sizeof img, f);
    fclose(f);
    struct fw_image_parser p;
    if (fw_image_parse_buffer(&p, img, n, FW_IMAGE_NO_LIMIT) || !p.header.hash_appended || p.image_len > n)
        return die("input is not a valid app image with an appended hash");
    uint8_t old[FW_APP_DESC_LEN];
    memcpy(old, img + FW_APP_DESC_OFFSET, sizeof old);
    if (sv >= 0) fw_enc32le(img + FW_APP_DESC_OFFSET + 4, (uint32_t)sv);
    if (ver) {
        memset(img + FW_APP_DESC_OFFSET + 16, 0, 32);
        memcpy(img + FW_APP_DESC_OFFSET + 16, ver, strlen(ver) < 31 ? strlen(ver) : 31);
    }
    /* the descriptor lies in segment 0 data: keep the XOR checksum right */
    uint8_t ck = img[p.chk_off];
    for (size_t i = 0; i < sizeof old; i++) ck ^= (uint8_t)(old[i] ^ img[FW_APP_DESC_OFFSET + i]);
    img[p.chk_off] = ck;
    if (chip >= 0) fw_enc16le(img + 12, (uint16_t)chip);
    if (mbedtls_sha256_ret(img, (size_t)p.hash_end, img + p.hash_end, 0)) return die("sha256");
    f = fopen(argv[2], "wb");
    if (!f || fwrite(img, 1, (size_t)p.image_len, f) != (size_t)p.image_len || fclose(f)) return die("cannot write output");
    return 0;
}
