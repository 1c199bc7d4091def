/* SPDX-License-Identifier: Apache-2.0 */
/* The one version of fwseal: both CLIs print it (--version), the installed
 * device library exports it (<fwseal/fwseal_device.h>). Tags are
 * vMAJOR.MINOR.PATCH (README "Versions and licence", "Library"). */
#ifndef FW_VERSION_H
#define FW_VERSION_H

#define FWSEAL_VERSION_MAJOR 0
#define FWSEAL_VERSION_MINOR 2
#define FWSEAL_VERSION_PATCH 0
#define FWSEAL_VERSION_STRING "0.2.0"
/* 0xMMmmpp: compare with >= in code that needs a feature of a given release. */
#define FWSEAL_VERSION_NUMBER \
    ((FWSEAL_VERSION_MAJOR << 16) | (FWSEAL_VERSION_MINOR << 8) | FWSEAL_VERSION_PATCH)

/* The version of the library actually linked, for a program built against
 * the headers of one release and linked with the archive of another:
 * fwseal_version_number() != FWSEAL_VERSION_NUMBER says so. */
unsigned long fwseal_version_number(void);
const char *fwseal_version_string(void);

#endif
