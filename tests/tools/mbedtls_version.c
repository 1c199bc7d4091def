/* SPDX-License-Identifier: Apache-2.0 */
/* Prints the mbedTLS version this binary was compiled against (the header's
 * MBEDTLS_VERSION_STRING) and the one it is linked with
 * (mbedtls_version_get_string), one per line:
 *   header 3.6.6
 *   library 3.6.6
 * tests/e2e/mbedtls_flavour.sh checks that each build flavour really uses
 * the mbedTLS it claims (2.28 for build/, 3.6 for build/mbed36/). */
#include <stdio.h>

#include <mbedtls/version.h>

int main(void)
{
    char lib[18] = { 0 };   /* mbedtls_version_get_string: at least 9 bytes */
    mbedtls_version_get_string(lib);
    printf("header %s\nlibrary %s\n", MBEDTLS_VERSION_STRING, lib);
    return 0;
}
