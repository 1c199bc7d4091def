#include "cli/fwseal/info_container.h"

#include <stdio.h>

#include "cli/util/cli.h"
#include "fw_enc_header.h"
#include "fw_err.h"

static void json_path(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7F) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void hex(const char *pre, const uint8_t *p, size_t n, const char *post)
{
    fputs(pre, stdout);
    cli_print_hex(stdout, p, n);
    fputs(post, stdout);
}

int info_enc_container(const char *path, uint64_t file_size, const uint8_t *hdr, size_t got, int json)
{
    struct fw_enc_header h;
    int dec = fw_enc_header_decode(hdr, got, &h);
    int complete = dec == FW_OK;
    int scheme = complete && fw_enc_looks_like_ecies(&h) ? FW_ENC_SCHEME_ECIES_P256 : FW_ENC_SCHEME_RSA3072;
    int len_rc = complete ? fw_enc_check_total_len(&h, file_size) : dec;
    int reserved_ok = complete && fw_enc_header_check_strict(&h, scheme) == FW_OK;
    int valid = complete && len_rc == FW_OK && reserved_ok;
    const char *sname = scheme == FW_ENC_SCHEME_ECIES_P256 ? "ecies-p256" : "rsa3072";
    if (json) {
        printf("{\n  \"file\": ");
        json_path(path);
        printf(",\n  \"file_size\": %llu,\n  \"format\": \"esp_encrypted_image\",\n  \"valid\": %s,\n",
               (unsigned long long)file_size, valid ? "true" : "false");
        if (complete) {
            printf("  \"encrypted_header\": {\n    \"magic\": \"0x%08x\",\n", FW_ENC_MAGIC);
            printf("    \"scheme_guess\": \"%s\",\n", sname);
            if (scheme == FW_ENC_SCHEME_ECIES_P256) {
                hex("    \"server_pub_key\": \"", fw_enc_server_pub(&h), FW_ENC_SERVER_PUB_SIZE, "\",\n");
                hex("    \"kdf_salt\": \"", fw_enc_kdf_salt(&h), FW_ENC_KDF_SALT_SIZE, "\",\n");
            }
            hex("    \"iv\": \"", h.iv, FW_ENC_IV_SIZE, "\",\n");
            printf("    \"bin_size\": %u,\n", h.bin_size);
            hex("    \"tag\": \"", h.tag, FW_ENC_TAG_SIZE, "\",\n");
            printf("    \"reserved_zero\": %s,\n    \"payload_length_matches\": %s\n  }\n}\n",
                   reserved_ok ? "true" : "false", len_rc == FW_OK ? "true" : "false");
        } else {
            printf("  \"error\": \"truncated header\"\n}\n");
        }
    } else {
        printf("File: %s (%llu bytes)\nFormat: ESP encrypted image (pre-encrypted OTA container)\n", path,
               (unsigned long long)file_size);
        if (complete) {
            printf("  magic:    0x%08x (CF B6 88 07)\n", FW_ENC_MAGIC);
            printf("  scheme:   %s (guessed: the header does not record it; %s)\n", sname,
                   scheme == FW_ENC_SCHEME_ECIES_P256 ? "bytes 100..387 are zero" : "key area is a 384-byte RSA block");
            if (scheme == FW_ENC_SCHEME_ECIES_P256) {
                hex("  server:   ", fw_enc_server_pub(&h), FW_ENC_SERVER_PUB_SIZE, " (ephemeral P-256 X||Y)\n");
                hex("  salt:     ", fw_enc_kdf_salt(&h), FW_ENC_KDF_SALT_SIZE, "\n");
            }
            hex("  iv:       ", h.iv, FW_ENC_IV_SIZE, "\n");
            printf("  bin_size: %u (%s)\n", h.bin_size,
                   len_rc == FW_OK ? "matches the file" : len_rc == FW_ERR_TRUNCATED ? "file is SHORTER" : "file has TRAILING bytes");
            hex("  tag:      ", h.tag, FW_ENC_TAG_SIZE, "\n");
            printf("  reserved: %s\n", reserved_ok ? "zero" : "NOT zero");
        }
        printf("Result: %s\n", valid ? "well-formed container (contents not decrypted)" : "INVALID container");
    }
    if (!complete) return cli_err(EXIT_REJECT, "%s: encrypted image header truncated (%zu of 512 bytes)", path, got);
    if (len_rc != FW_OK)
        return cli_err(EXIT_REJECT, "%s: encrypted image length %llu does not match its header (512 + bin_size %u)", path,
                       (unsigned long long)file_size, h.bin_size);
    if (!reserved_ok) return cli_err(EXIT_REJECT, "%s: reserved header bytes are not zero", path);
    return 0;
}
