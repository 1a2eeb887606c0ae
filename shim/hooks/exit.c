/*
 * Exported exit hooks: _exit, _Exit. In report mode the process writes its
 * exit line first (report_at_exit_now: async-signal-safe, as _exit is, and
 * a no-op when the mode is off or the line was written); then the real
 * call. exit() needs no hook: the atexit handler writes the line, and
 * glibc's exit reaches _exit internally, not through this symbol.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"
#include "report.h"
#include "symbols.h"

V6_EXPORT void _exit(int status)
{
    report_at_exit_now();
    real__exit(status);
    __builtin_unreachable();
}

V6_EXPORT void _Exit(int status)
{
    report_at_exit_now();
    real__Exit(status);
    __builtin_unreachable();
}
