/* Stand-in for shim-core's log.c (see README.md): stderr when V6SHIM_SOCK_DEBUG is set. */
#define _GNU_SOURCE
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void v6log(int level, const char *fmt, ...)
{
    if (!secure_getenv("V6SHIM_SOCK_DEBUG"))
        return;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "v6shim[%d] %d: ", (int)getpid(), level);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    (void)!write(2, buf, (size_t)n);
}
