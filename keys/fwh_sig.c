/* SPDX-License-Identifier: Apache-2.0 */
/* The host's signature scheme table (see fwh_sig.h). */
#include "keys/fwh_sig.h"

#include <string.h>

static const struct fwh_sig_scheme *const schemes[] = {
    &fwh_sig_rsa3072_pss,
    &fwh_sig_ecdsa_p256,
    &fwh_sig_ecdsa_p384,
    &fwh_sig_ecdsa_p192,     /* verify-only: generate and sign are NULL */
};

const struct fwh_sig_scheme *fwh_sig_scheme_at(size_t i)
{
    return i < sizeof schemes / sizeof schemes[0] ? schemes[i] : NULL;
}

const struct fwh_sig_scheme *fwh_sig_scheme_find(enum fw_sbv2_scheme id)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i]->id == id) return schemes[i];
    return NULL;
}

const struct fwh_sig_scheme *fwh_sig_scheme_by_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof schemes / sizeof schemes[0]; i++) {
        if (!strcmp(name, schemes[i]->cli_name)) return schemes[i];
        for (const char *const *a = schemes[i]->aliases; a && *a; a++)
            if (!strcmp(name, *a)) return schemes[i];
    }
    return NULL;
}
