/*
 * Exported fd-lifecycle hooks: close, dup, dup2, dup3, fcntl, fcntl64
 * (F_DUPFD, F_DUPFD_CLOEXEC), close_range, closefrom, fclose.
 *
 * They keep the fd table in step with the kernel and are otherwise pure
 * pass-through: the real call's result and errno are returned as they are.
 * Closing forgets the fd BEFORE the real close, while the number cannot yet
 * be reused by another thread; it is lock-free and allocates nothing (close
 * may run in a signal handler). fork needs no hook: the child's table is a
 * copy, like its fds; exec starts empty (inherited sockets are handled by
 * the small-buffer rule in sockets.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "fdtable.h"
#include "hook.h"
#include "symbols.h"


int fcntl64(int fd, int cmd, ...);

SOCK_EXPORT int close(int fd)
{
    fdtab_close(fd);
    return real_close(fd);
}

SOCK_EXPORT int fclose(FILE *fp)
{
    /* A socket given to fdopen (a legacy server's stdio on its connection):
     * libc closes the fd itself. fileno is -1 for a stream with no fd
     * (fmemopen, fopencookie). */
    int saved = errno;
    int fd = fp ? fileno(fp) : -1;
    errno = saved;
    if (fd >= 0)
        fdtab_close(fd);
    return real_fclose(fp);
}

SOCK_EXPORT int dup(int fd)
{
    int r = real_dup(fd);
    if (r >= 0) {
        int saved = errno;
        fdtab_dup(fd, r);
        errno = saved;
    }
    return r;
}

SOCK_EXPORT int dup2(int fd, int newfd)
{
    int r = real_dup2(fd, newfd);
    if (r >= 0) {
        int saved = errno;
        fdtab_dup(fd, r);
        errno = saved;
    }
    return r;
}

SOCK_EXPORT int dup3(int fd, int newfd, int flags)
{
    int r = real_dup3(fd, newfd, flags);
    if (r >= 0) {
        int saved = errno;
        fdtab_dup(fd, r);
        errno = saved;
    }
    return r;
}

static int hook_fcntl(int (*real)(int, int, void *), int fd, int cmd, void *arg)
{
    int r = real(fd, cmd, arg);
    if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) {
        int saved = errno;
        fdtab_dup(fd, r);
        errno = saved;
    }
    return r;
}

SOCK_EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return hook_fcntl(real_fcntl, fd, cmd, arg);
}

SOCK_EXPORT int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return hook_fcntl(real_fcntl64, fd, cmd, arg);
}

SOCK_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
    /* Forget the range only when the call will close it: valid bounds and
     * no flag but CLOSE_RANGE_UNSHARE (CLOEXEC only marks the fds). */
    if (first <= last && (flags & ~CLOSE_RANGE_UNSHARE) == 0)
        fdtab_close_range(first, last);
    return real_close_range(first, last, flags);
}

SOCK_EXPORT void closefrom(int lowfd)
{
    if (lowfd >= 0)
        fdtab_close_range((unsigned)lowfd, ~0U);
    real_closefrom(lowfd);
}
