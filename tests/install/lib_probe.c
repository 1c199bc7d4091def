/* SPDX-License-Identifier: Apache-2.0 */
/* A small program built against the INSTALLED device library only
 * (tests/e2e/install.sh: cc lib_probe.c $(pkg-config --cflags --libs
 * fwseal-device)), as an application would: it includes nothing but the
 * umbrella header, defines its own RAM-backed flash platform (no simulator,
 * no repo header), writes a signed image into it through the library's
 * checked flash calls and runs the verifier:
 *
 *   lib_probe IMAGE DIGEST_HEX
 *
 * prints the verdict for the image as given (trusted by DIGEST_HEX in eFuse
 * slot 0), then checks that a flipped byte and an unprovisioned digest are
 * refused. Exit 0 when all three verdicts are the expected ones. */
#include <fwseal/fwseal_device.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLASH_SIZE  (512u * 1024u)
#define PART_OFFSET 0x10000u
#define PART_SIZE   0x40000u

static uint8_t ram_flash[FLASH_SIZE];

static int ram_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    (void)ctx;
    memcpy(buf, ram_flash + addr, len);
    return FW_OK;
}

static int ram_write(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    const uint8_t *src = buf;
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        ram_flash[addr + i] &= src[i]; /* NOR: a write only clears bits */
    return FW_OK;
}

static int ram_erase(void *ctx, uint32_t addr, size_t len)
{
    (void)ctx;
    memset(ram_flash + addr, 0xFF, len);
    return FW_OK;
}

static const struct fwd_flash flash = {
    .size = FLASH_SIZE, .sector_size = 4096, .write_align = 16,
    .read = ram_read, .write = ram_write, .erase = ram_erase,
};

static int part_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    (void)ctx;
    return fwd_flash_read(&flash, PART_OFFSET + off, buf, len);
}

static int verify(const struct fwd_efuse_state *ef, struct fwd_verify_result *res)
{
    static struct fwd_verify_work work;
    struct fwd_verify_policy pol = { .efuse = ef, .part_offset = PART_OFFSET };
    return fwd_verify_image(part_read, NULL, PART_SIZE, &pol, &work, res);
}

static int parse_hex32(const char *hex, uint8_t out[32])
{
    if (strlen(hex) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int load_image(const char *path, size_t *len)
{
    static uint8_t img[PART_SIZE];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    *len = fread(img, 1, sizeof img, f);
    int bad = ferror(f) || !feof(f) || *len == 0;
    fclose(f);
    if (bad)
        return -1;
    size_t padded = (*len + 15u) & ~(size_t)15u; /* write_align */
    memset(img + *len, 0xFF, padded - *len);
    if (fwd_flash_erase(&flash, PART_OFFSET, PART_SIZE) != FW_OK ||
        fwd_flash_write(&flash, PART_OFFSET, img, padded) != FW_OK)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    struct fwd_efuse_state ef;
    struct fwd_verify_result res;
    size_t len;
    int failures = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: lib_probe IMAGE DIGEST_HEX\n");
        return 2;
    }
    printf("headers %s, library %s\n", FWSEAL_VERSION_STRING, fwseal_version_string());
    if (fwseal_version_number() != FWSEAL_VERSION_NUMBER) {
        fprintf(stderr, "library and header versions differ\n");
        return 1;
    }
    memset(&ef, 0, sizeof ef);
    ef.chip_id = FW_CHIP_ESP32C3;
    ef.chip_rev = 4; /* v0.4 */
    if (parse_hex32(argv[2], ef.digest[0]) != 0) {
        fprintf(stderr, "DIGEST_HEX: 64 hex digits expected\n");
        return 2;
    }
    ef.digest_present = 1;
    if (load_image(argv[1], &len) != 0) {
        fprintf(stderr, "%s: cannot load into the RAM flash\n", argv[1]);
        return 3;
    }

    int rc = verify(&ef, &res);
    printf("image: %s (%s, project %s, version %s, secure_version %u, key slot %d)\n",
           rc == FW_OK && res.reason == FWD_VR_OK ? "accepted" : "refused", fwd_verify_reason_str(res.reason),
           res.app.desc.project_name, res.app.desc.version, (unsigned)res.app.desc.secure_version, res.key_slot);
    failures += !(rc == FW_OK && res.reason == FWD_VR_OK && res.key_slot == 0);

    ram_flash[PART_OFFSET + len / 2] ^= 0x01; /* as a bad flash cell would */
    rc = verify(&ef, &res);
    printf("one flipped bit: %s (%s)\n", rc == FW_OK ? "accepted" : "refused", fwd_verify_reason_str(res.reason));
    failures += !(rc != FW_OK && res.reason != FWD_VR_OK);
    ram_flash[PART_OFFSET + len / 2] ^= 0x01;

    ef.digest[0][0] ^= 0x80; /* another key provisioned */
    rc = verify(&ef, &res);
    printf("other key in eFuse: %s (%s)\n", rc == FW_OK ? "accepted" : "refused", fwd_verify_reason_str(res.reason));
    failures += !(rc != FW_OK && res.reason == FWD_VR_UNTRUSTED);

    return failures == 0 ? 0 : 1;
}
