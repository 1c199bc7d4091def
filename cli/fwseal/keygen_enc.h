/* `fwseal keygen` handlers for the encryption key types. cmd_keygen.c
 * (signing side) dispatches to these by key type; each takes argv with
 * argv[0] = the key type and returns an exit code. All secret outputs are
 * written atomically with mode 0600 and never printed. */
#ifndef FWSEAL_KEYGEN_ENC_H
#define FWSEAL_KEYGEN_ENC_H

/* ecies-p256 -o HMAC.bin --pub DEVICE_PUB.pem */
int keygen_ecies_p256(int argc, char **argv);
/* flash-xts-128 -o KEY.bin (32 bytes) / flash-xts-256 -o KEY.bin (64 bytes) */
int keygen_flash_xts_128(int argc, char **argv);
int keygen_flash_xts_256(int argc, char **argv);
/* nvs-keys -o NVSKEYS.bin (4096-byte nvs_keys partition image) */
int keygen_nvs_keys(int argc, char **argv);

/* Help text lines for these types (for `fwseal keygen --help`). */
extern const char keygen_enc_help[];

#endif
