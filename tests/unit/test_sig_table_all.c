/* SPDX-License-Identifier: Apache-2.0 */
/* The default scheme table: the device library links
 * device/fwd_sig_table_all.c when nothing else defines fwd_sig_table, so the
 * host tools, the simulator and the tests verify every scheme, as before the
 * table became a link-time choice. */
#include "testutil.h"

#include "device/fwd_sig.h"

static void default_table_has_every_scheme(void **state)
{
    (void)state;
    assert_string_equal(fwd_sig_table.name, "all");
    assert_int_equal(fwd_sig_table.count, 4);
    static const enum fw_sbv2_scheme ids[] = {FW_SBV2_RSA3072, FW_SBV2_ECDSA_P256, FW_SBV2_ECDSA_P384,
                                              FW_SBV2_ECDSA_P192};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const struct fwd_sig_scheme *s = fwd_sig_scheme_find(ids[i]);
        assert_non_null(s);
        assert_int_equal(s->id, ids[i]);
    }
    assert_null(fwd_sig_scheme_find(FW_SBV2_SCHEME_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_table_has_every_scheme),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
