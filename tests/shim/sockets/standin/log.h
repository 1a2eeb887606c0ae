/* Stand-in for shim-core's log.h (see README.md). */
#ifndef V6SHIM_LOG_H
#define V6SHIM_LOG_H

#include <syslog.h>

void v6log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
