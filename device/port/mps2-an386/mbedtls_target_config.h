/* SPDX-License-Identifier: Apache-2.0 */
/* mbedTLS 3.6 configuration of the Cortex-M4 port (MBEDTLS_CONFIG_FILE):
 * only what the fwseal device library calls, nothing else. docs/porting.md
 * "mbedTLS options" explains each group; a product port starts from this file.
 *
 * Build-time knobs (-D on the compiler line):
 *   FWT_WITH_TLS=1              the HTTPS client's TLS 1.2 (fwd_tls.c): ECDHE
 *                               with AEAD suites, X.509 chain to one pinned CA
 *   FWT_SSL_IN_CONTENT_LEN=N    incoming TLS record buffer (default 16384, the
 *                               protocol maximum; 4096 is enough for a server
 *                               that honours max_fragment_length or for
 *                               partial downloads with small Range requests)
 *   FWT_SSL_OUT_CONTENT_LEN=N   outgoing record buffer (default 2048: the
 *                               client only sends a request line and headers)
 */
#ifndef FWSEAL_MBEDTLS_TARGET_CONFIG_H
#define FWSEAL_MBEDTLS_TARGET_CONFIG_H

/* ---- platform: bare metal, newlib, no OS ---------------------------------- */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY          /* calloc/free through the port's counting allocator */
#define MBEDTLS_NO_PLATFORM_ENTROPY      /* no /dev/urandom: the port seeds CTR-DRBG itself */
#define MBEDTLS_HAVE_ASM                 /* bn_mul.h Thumb-2 UMAAL multiply-accumulate */
#define MBEDTLS_ECP_NIST_OPTIM           /* fast reduction for the NIST curves */
#define MBEDTLS_AES_ROM_TABLES           /* AES tables in flash, not 8 KiB of RAM */
#define MBEDTLS_AES_FEWER_TABLES         /* 2 KiB of tables instead of 8 KiB */
#define MBEDTLS_ECP_WINDOW_SIZE 2        /* ECC: less RAM per multiplication */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0  /* no precomputed comb tables in RAM */
#define MBEDTLS_MPI_WINDOW_SIZE 2        /* RSA public op: e = 65537 needs no window */
#define MBEDTLS_MPI_MAX_SIZE 512         /* RSA-4096 at most (fwd_keystore: 512 bytes) */

/* ---- hashes, MAC, KDF ------------------------------------------------------ */
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C                    /* partition-table MD5 (FORMATS: 0xEBEB entry) */
#define MBEDTLS_SHA256_C                 /* image hash, Secure Boot V2 digest, HMAC, HKDF */
#define MBEDTLS_SHA224_C                 /* mbedTLS 3.6 builds SHA-256 with SHA-224 */
/* The boot images with one scheme family (Makefile: size-boot-rsa.elf links
 * device/fwd_sig_table_rsa.c and builds with FWT_SCHEMES_RSA,
 * size-boot-ecdsa.elf device/fwd_sig_table_ecdsa_p256.c with
 * FWT_SCHEMES_ECDSA_P256) leave out what their table never uses: SHA-384
 * (only P-384 signs it) and the other curves. FWD_MBED_SCHEME_SUBSET tells
 * device/fwd_crypto_mbedtls.c the trimming is deliberate (fails closed). */
#if defined(FWT_SCHEMES_RSA) || defined(FWT_SCHEMES_ECDSA_P256)
#define FWD_MBED_SCHEME_SUBSET 1
#else
#define MBEDTLS_SHA512_C                 /* SHA-384 for P-384 Secure Boot (ESP32-C5) */
#define MBEDTLS_SHA384_C
#endif
#define MBEDTLS_HKDF_C                   /* ECIES images: the image key from the shared secret */
#define MBEDTLS_PKCS5_C                  /* PBKDF2-HMAC-SHA256: the ECIES device key from the eFuse HMAC key */

/* ---- symmetric ------------------------------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_XTS          /* flash encryption (XTS-AES) and NVS encryption */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C                    /* pre-encrypted OTA container */
#define MBEDTLS_CTR_DRBG_C               /* the port's struct fwd_random */

/* ---- public key ------------------------------------------------------------ */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15                /* key unwrap of RSA pre-encrypted images */
#define MBEDTLS_PKCS1_V21                /* RSA-3072-PSS Secure Boot V2 signatures */
#define MBEDTLS_ECP_C
#if !defined(FWT_SCHEMES_ECDSA_P256)
#define MBEDTLS_ECP_DP_SECP192R1_ENABLED /* ECDSA Secure Boot V2 (ESP32-C2 allows P-192) */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#endif
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDH_C                   /* ECIES pre-encrypted images */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C             /* the PK layer's ECDSA entry links ecdsa_write_signature */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C               /* public keys (PEM/DER) and the device's RSA key */
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

/* ---- TLS (optional: only the HTTPS OTA client needs it) ------------------- */
#if defined(FWT_WITH_TLS) && FWT_WITH_TLS
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#ifndef FWT_SSL_IN_CONTENT_LEN
#define FWT_SSL_IN_CONTENT_LEN 16384
#endif
#ifndef FWT_SSL_OUT_CONTENT_LEN
#define FWT_SSL_OUT_CONTENT_LEN 2048
#endif
#define MBEDTLS_SSL_IN_CONTENT_LEN FWT_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN FWT_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH  /* ask the server for smaller records */
#endif

#endif
