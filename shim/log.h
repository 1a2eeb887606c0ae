/*
 * log — levelled logging of the shim: stderr, syslog or a file; off by default.
 *
 * Levels are syslog's (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). A line is
 * "v6shim[PID] PROG: LEVEL: message\n", formatted into a stack buffer and
 * written with one write(2) to a descriptor opened when the log is set up
 * (stdio is never used: it may call hooked functions). The syslog target
 * uses syslog(3). When the log is off, v6log costs one atomic load.
 */
#ifndef V6SHIM_LOG_H
#define V6SHIM_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "compat.h"

enum log_target { LOG_TARGET_STDERR, LOG_TARGET_SYSLOG, LOG_TARGET_FILE };

/* Log level "off": nothing is written. */
#define V6LOG_OFF (-1)

/*
 * Set up the log: messages of LEVEL (LOG_ERR..LOG_DEBUG) or more severe go
 * to TARGET; FILE is the path for LOG_TARGET_FILE (opened O_APPEND|O_CLOEXEC,
 * created 0600, never blocking on a FIFO without a reader). LEVEL V6LOG_OFF
 * turns logging off. Returns 0, or -errno when the file cannot be opened:
 * then logging falls back to stderr, and the one line
 * "v6shim: log file FILE: <strerror>; logging to stderr" is written there.
 */
int log_setup(int level, enum log_target target, const char *file);

/* True when a message at LEVEL would be written: one atomic load. For a
 * caller whose message costs work to prepare (inet_ntop and the like). */
bool log_on(int level);

/* Write one message at LEVEL if the log is on at that level. */
void v6log(int level, const char *fmt, ...) V6_PRINTF(2, 3);

/*
 * Write one message whatever the level: to the log target when the log is
 * on, else to stderr. For the few things a user must see, such as a bad
 * configuration that leaves the program unshimmed.
 */
void v6log_always(int level, const char *fmt, ...) V6_PRINTF(2, 3);

/* "error", "warning", "info", "debug" for LOG_ERR..LOG_DEBUG. */
const char *log_level_name(int level);

/* Parse "off", "error", "warning", "info", "debug"; -EINVAL otherwise. */
int log_level_parse(const char *s, int *level);

#endif
