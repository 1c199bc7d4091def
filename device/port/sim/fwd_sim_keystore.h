/* SPDX-License-Identifier: Apache-2.0 */
/* The simulator's key peripherals: a "hardware key" device keeps its
 * flash-encryption key, ECIES HMAC key and RSA device key here, never in
 * the eFuse state the library loads (fe_key reads back as zeros, as a
 * read-protected ESP eFuse block does) and behind no API that returns them.
 * It offers what ESP's peripherals offer (device/fwd_hal.h):
 *   - an HMAC peripheral: HMAC-SHA256(hmac_key, msg);
 *   - a DS-style RSA peripheral: the raw private operation c^d mod n;
 *   - a flash driver with transparent XTS encryption (write_encrypted /
 *     read_decrypted) wrapped around the simulated NOR flash; the
 *     ciphertext is exactly what the library's own XTS path writes.
 * The keys live in a "vault" mapping that is PROT_NONE except while one of
 * these operations runs: a library read of a key byte would fault.
 *
 * File (DIR/keystore.bin, 0600, FWD_SIM_KS_FILE_SIZE max):
 *   0  "FWKS"   4  version 1   5  fe_mode   6  has_hmac   7  0
 *   8  fe_key[64]   72  hmac_key[32]   104  LE32 rsa_pem_len (NUL counted, 0: none)
 *   108 rsa_pem[rsa_pem_len]
 */
#ifndef FWD_SIM_KEYSTORE_H
#define FWD_SIM_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "device/fwd_hal.h"

#define FWD_SIM_KS_PEM_MAX 16384u
#define FWD_SIM_KS_FILE_SIZE (108u + FWD_SIM_KS_PEM_MAX)

/* Key material to provision (init) or to build a peripheral from. */
struct fwd_sim_keys {
    uint8_t fe_mode;               /* enum fwd_fe_mode */
    uint8_t fe_key[64];
    int has_hmac;
    uint8_t hmac_key[32];
    const uint8_t *rsa_pem;        /* PEM with its NUL inside rsa_pem_len, or NULL */
    size_t rsa_pem_len;
};

struct fwd_sim_vault;

struct fwd_sim_keystore {
    struct fwd_sim_vault *vault;   /* PROT_NONE outside a peripheral operation */
    struct fwd_flash inner;        /* the NOR flash behind the encrypting driver */
    struct fwd_random rng;
    uint64_t ops;                  /* peripheral operations performed */
    uint8_t buf[4096];             /* ciphertext staging of write_encrypted */
};

/* From key material (copied into the vault; the caller wipes its copy).
 * FW_ERR_KEY if the RSA PEM is not an RSA-3072 private key or fe_mode is on
 * with a key the XTS layer refuses. */
int fwd_sim_keystore_open(struct fwd_sim_keystore *ks, const struct fwd_sim_keys *keys);
/* From DIR/keystore.bin. */
int fwd_sim_keystore_open_file(struct fwd_sim_keystore *ks, const char *path);
/* Write keys to a new file (0600, must not exist). */
int fwd_sim_keystore_save(const struct fwd_sim_keys *keys, const char *path);
/* Wipe and unmap. Safe on a zeroed struct. */
void fwd_sim_keystore_close(struct fwd_sim_keystore *ks);
/* Install the peripherals into a platform: plat->keys, and plat->flash
 * becomes the encrypting driver around the flash it had (whose callbacks
 * and ctx are kept in ks->inner). Call after the flash HAL is set. */
void fwd_sim_keystore_attach(struct fwd_sim_keystore *ks, struct fwd_platform *plat);

#endif
