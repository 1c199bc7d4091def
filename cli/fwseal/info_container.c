/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal/info_container.h"

#include <stdio.h>

#include "cli/util/cli.h"
#include "fw_enc_ext.h"
#include "fw_enc_header.h"
#include "fw_err.h"
#include "host/fwh_json.h"

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
    struct fw_enc_ext x;
    int ext = complete ? fw_enc_ext_decode(&h, &x) : FW_ERR_NOT_FOUND;
    int shared = ext != FW_ERR_NOT_FOUND;   /* FWSX shared-body header (docs/formats.md §9) */
    int scheme = complete && (shared || fw_enc_looks_like_ecies(&h)) ? FW_ENC_SCHEME_ECIES_P256 : FW_ENC_SCHEME_RSA3072;
    int len_rc = complete ? fw_enc_check_total_len(&h, file_size) : dec;
    int reserved_ok = complete && (shared ? ext == FW_OK : fw_enc_header_check_strict(&h, scheme) == FW_OK);
    int valid = complete && len_rc == FW_OK && reserved_ok;
    const char *sname = scheme == FW_ENC_SCHEME_ECIES_P256 ? "ecies-p256" : "rsa3072";
    if (json) {
        char magic[16];
        struct fw_json j;
        fw_json_init(&j, stdout, 2);
        fw_json_obj(&j);
        fw_json_kstr(&j, "file", path);
        fw_json_ku64(&j, "file_size", file_size);
        fw_json_kstr(&j, "format", "esp_encrypted_image");
        fw_json_kbool(&j, "valid", valid);
        if (complete) {
            fw_json_key(&j, "encrypted_header");
            fw_json_obj(&j);
            snprintf(magic, sizeof magic, "0x%08x", FW_ENC_MAGIC);
            fw_json_kstr(&j, "magic", magic);
            fw_json_kstr(&j, "scheme_guess", sname);
            if (shared) fw_json_kbool(&j, "fwseal_shared_body", 1);
            if (scheme == FW_ENC_SCHEME_ECIES_P256) {
                fw_json_khex(&j, "server_pub_key", fw_enc_server_pub(&h), FW_ENC_SERVER_PUB_SIZE);
                fw_json_khex(&j, "kdf_salt", fw_enc_kdf_salt(&h), FW_ENC_KDF_SALT_SIZE);
            }
            fw_json_khex(&j, "iv", h.iv, FW_ENC_IV_SIZE);
            fw_json_ku64(&j, "bin_size", h.bin_size);
            fw_json_khex(&j, "tag", h.tag, FW_ENC_TAG_SIZE);
            fw_json_kbool(&j, "reserved_zero", reserved_ok);
            fw_json_kbool(&j, "payload_length_matches", len_rc == FW_OK);
            fw_json_end(&j);
        } else {
            fw_json_kstr(&j, "error", "truncated header");
        }
        fw_json_end(&j);
    } else {
        printf("File: %s (%llu bytes)\nFormat: ESP encrypted image (pre-encrypted OTA container)\n", path,
               (unsigned long long)file_size);
        if (complete) {
            printf("  magic:    0x%08x (CF B6 88 07)\n", FW_ENC_MAGIC);
            printf("  scheme:   %s (guessed: the header does not record it; %s)\n", sname,
                   shared ? "FWSX shared-body extension at byte 100, fwseal's own"
                   : scheme == FW_ENC_SCHEME_ECIES_P256 ? "bytes 100..387 are zero" : "key area is a 384-byte RSA block");
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
