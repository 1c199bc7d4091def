/* SPDX-License-Identifier: Apache-2.0 */
/* eFuse file layout: encode / decode (fwd_sim_efuse_blob.h). */
#include "device/port/sim/fwd_sim_efuse_blob.h"

#include <string.h>

#include "fw_bytes.h"

void fwd_sim_efuse_encode(const struct fwd_efuse_state *st, uint8_t b[FWD_SIM_EFUSE_FILE_SIZE])
{
    memset(b, 0, FWD_SIM_EFUSE_FILE_SIZE);
    memcpy(b, FWD_SIM_EF_MAGIC, 4);
    b[4] = FWD_SIM_EF_VERSION;
    memcpy(b + FWD_SIM_OFF_DIGEST, st->digest, sizeof st->digest);
    b[FWD_SIM_OFF_PRESENT] = st->digest_present;
    b[FWD_SIM_OFF_REVOKED] = st->digest_revoked;
    b[FWD_SIM_OFF_FE_MODE] = st->fe_mode;
    b[FWD_SIM_OFF_SHA384] = st->sb_sha384;
    b[FWD_SIM_OFF_SIGREQ] = st->sig_required_bits;
    fw_enc32le(b + FWD_SIM_OFF_SECVER, st->secure_version_bits);
    fw_enc16le(b + FWD_SIM_OFF_CHIP, st->chip_id);
    fw_enc16le(b + FWD_SIM_OFF_REV, st->chip_rev);
    memcpy(b + FWD_SIM_OFF_FE_KEY, st->fe_key, sizeof st->fe_key);
}

int fwd_sim_efuse_decode(const uint8_t b[FWD_SIM_EFUSE_FILE_SIZE], struct fwd_efuse_state *st)
{
    if (memcmp(b, FWD_SIM_EF_MAGIC, 4) || b[4] != FWD_SIM_EF_VERSION) return FW_ERR_MAGIC;
    memset(st, 0, sizeof *st);
    memcpy(st->digest, b + FWD_SIM_OFF_DIGEST, sizeof st->digest);
    st->digest_present = b[FWD_SIM_OFF_PRESENT];
    st->digest_revoked = b[FWD_SIM_OFF_REVOKED];
    st->fe_mode = b[FWD_SIM_OFF_FE_MODE];
    st->sb_sha384 = b[FWD_SIM_OFF_SHA384];
    st->sig_required_bits = b[FWD_SIM_OFF_SIGREQ];
    st->secure_version_bits = fw_dec32le(b + FWD_SIM_OFF_SECVER);
    st->chip_id = fw_dec16le(b + FWD_SIM_OFF_CHIP);
    st->chip_rev = fw_dec16le(b + FWD_SIM_OFF_REV);
    memcpy(st->fe_key, b + FWD_SIM_OFF_FE_KEY, sizeof st->fe_key);
    return FW_OK;
}
