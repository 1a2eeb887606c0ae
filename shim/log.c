/*
 * log — levelled logging with write(2) (see log.h).
 */
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Level and fd are atomics: v6log reads them lock-free from any thread.
 * log_setup is called once, on the start-up path (init.h: shim_init). */
static atomic_int log_level = V6LOG_OFF;
static atomic_int log_fd = STDERR_FILENO;
static atomic_int log_target_now = LOG_TARGET_STDERR;

static const char *const log_names[] = {
    [LOG_EMERG] = "emergency", [LOG_ALERT] = "alert",     [LOG_CRIT] = "critical",
    [LOG_ERR] = "error",       [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
    [LOG_INFO] = "info",       [LOG_DEBUG] = "debug",
};

const char *log_level_name(int level)
{
    if (level < LOG_EMERG || level > LOG_DEBUG)
        return "off";
    return log_names[level];
}

int log_level_parse(const char *s, int *level)
{
    static const struct {
        const char *name;
        int level;
    } map[] = {
        {"off", V6LOG_OFF}, {"error", LOG_ERR},   {"warning", LOG_WARNING},
        {"info", LOG_INFO}, {"debug", LOG_DEBUG},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(s, map[i].name) == 0) {
            *level = map[i].level;
            return 0;
        }
    }
    return -EINVAL;
}

/*
 * Open the log file PATH for appending without blocking: a FIFO that nobody
 * reads fails with ENXIO instead of hanging the program in open(2)
 * (fifo(7)). The descriptor is made blocking again, so a slow FIFO reader
 * delays a line instead of losing it. Returns the fd or -errno.
 */
static int log_open_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0)
        return -errno;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int log_setup(int level, enum log_target target, const char *file)
{
    int rc = 0;
    int fd = STDERR_FILENO;
    if (level != V6LOG_OFF && target == LOG_TARGET_FILE) {
        fd = log_open_file(file);
        if (fd < 0) {
            rc = fd;
            fd = STDERR_FILENO;
            target = LOG_TARGET_STDERR;
            /* Said once, here, because every later line lands on stderr. */
            char msg[PATH_MAX + 128];
            int n = snprintf(msg, sizeof msg, "v6shim: log file %s: %s; logging to stderr\n", file,
                             strerror(-rc));
            if (n > 0)
                (void)!write(STDERR_FILENO, msg,
                             (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
        }
    }
    if (level != V6LOG_OFF && target == LOG_TARGET_SYSLOG)
        openlog("v6shim", LOG_PID, LOG_USER);
    int old = atomic_exchange(&log_fd, fd);
    if (old != STDERR_FILENO && old != fd)
        close(old);
    atomic_store(&log_target_now, (int)target);
    atomic_store(&log_level, level);
    return rc;
}

static void log_emit(bool force, int level, const char *fmt, va_list ap)
{
    int target = atomic_load(&log_target_now);
    bool on = atomic_load(&log_level) != V6LOG_OFF;
    if (on && target == LOG_TARGET_SYSLOG) {
        vsyslog(level, fmt, ap);
        return;
    }
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "v6shim[%ld] %s: %s: ", (long)getpid(),
                     program_invocation_short_name, log_level_name(level));
    if (n < 0)
        return;
    if ((size_t)n < sizeof buf)
        vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    size_t len = strnlen(buf, sizeof buf - 1);
    buf[len++] = '\n';
    int fd = (force && !on) ? STDERR_FILENO : atomic_load(&log_fd);
    (void)!write(fd, buf, len);
}

bool log_on(int level)
{
    int cur = atomic_load_explicit(&log_level, memory_order_relaxed);
    return cur != V6LOG_OFF && level <= cur;
}

void v6log(int level, const char *fmt, ...)
{
    int cur = atomic_load_explicit(&log_level, memory_order_relaxed);
    if (cur == V6LOG_OFF || level > cur)
        return;
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    log_emit(false, level, fmt, ap);
    va_end(ap);
    errno = saved;
}

void v6log_always(int level, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    log_emit(true, level, fmt, ap);
    va_end(ap);
    errno = saved;
}
