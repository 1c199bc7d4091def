/* The one version of fwseal: both CLIs print it (--version), the library
 * will export it. Tags are vMAJOR.MINOR.PATCH (README "Versions"). */
#ifndef FW_VERSION_H
#define FW_VERSION_H

#define FWSEAL_VERSION_MAJOR 0
#define FWSEAL_VERSION_MINOR 2
#define FWSEAL_VERSION_PATCH 0
#define FWSEAL_VERSION_STRING "0.2.0"
/* 0xMMmmpp: compare with >= in code that needs a feature of a given release. */
#define FWSEAL_VERSION_NUMBER \
    ((FWSEAL_VERSION_MAJOR << 16) | (FWSEAL_VERSION_MINOR << 8) | FWSEAL_VERSION_PATCH)

#endif
