/* SPDX-License-Identifier: Apache-2.0 */
/* The version compiled into the library (see fw_version.h). */
#include "fw_version.h"

unsigned long fwseal_version_number(void)
{
    return FWSEAL_VERSION_NUMBER;
}

const char *fwseal_version_string(void)
{
    return FWSEAL_VERSION_STRING;
}
