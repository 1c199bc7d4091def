/* Loading the partition table from flash (FORMATS §6.4) into struct fwd_dev.
 * The decoding itself is common/fw_partition (owned by the formats module);
 * until it is merged this file only provides the entry point. */
#include "device/fwd_part.h"

int fwd_dev_open(struct fwd_dev *d, const struct fwd_platform *plat, uint32_t pt_offset)
{
    int rc = fwd_dev_open_blank(d, plat);
    if (rc) return rc;
    d->pt_offset = pt_offset ? pt_offset : FWD_PART_TABLE_OFFSET;
    fwd_dev_close(d);
    return FW_ERR_UNSUPPORTED; /* wired to common/fw_partition once it lands */
}
