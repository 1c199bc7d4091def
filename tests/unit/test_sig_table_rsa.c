/* SPDX-License-Identifier: Apache-2.0 */
/* The RSA-only scheme table (device/fwd_sig_table_rsa.c), linked the way a port
 * links it; the tests are those of sig_table_family.h. */
#include "device/fwd_sig_table_rsa.c"   /* this image's table: the link-time choice */

#define ST_TABLE_NAME    "rsa"
#define ST_LINKED        FW_SBV2_RSA3072
#define ST_OTHER         FW_SBV2_ECDSA_P256
#define ST_LINKED_IMAGE  "secure_boot_v2/signed_rsa_1key.bin"
#define ST_LINKED_DIGEST "secure_boot_v2/sb_rsa3072_key1.digest.bin"
#define ST_OTHER_IMAGE   "secure_boot_v2/signed_ecdsa256.bin"
#define ST_OTHER_DIGEST  "secure_boot_v2/sb_ecdsa256_key.digest.bin"
#define ST_OTHER_PUBKEY  "secure_boot_v2/sb_ecdsa256_key_pub.pem"
#include "sig_table_family.h"
