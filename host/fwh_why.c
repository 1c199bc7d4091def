/* SPDX-License-Identifier: Apache-2.0 */
#include "host/fwh_why.h"

#include <stdarg.h>
#include <stdio.h>

int fwh_why(int code, char *why, size_t n, const char *fmt, ...)
{
    if (why && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return code;
}
