/*
 * hook.h — what the socket-family hook files share: SOCK_EXPORT (the
 * default visibility an interposed symbol needs; everything else in the
 * shim is hidden) and hook_ret, which turns a module's result (>= 0, or
 * -errno) into libc's (-1 with errno set; errno as the caller left it on
 * success); hook_report_peer, report mode's note that an IPv6 peer was
 * just shown as IPv4.
 */
#ifndef V6SHIM_HOOK_H
#define V6SHIM_HOOK_H

#include <errno.h>
#include <sys/types.h>

#include "report.h"
#include "sockets.h"

#define SOCK_EXPORT __attribute__((visibility("default")))

static inline ssize_t hook_ret(ssize_t rc, int saved_errno)
{
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    errno = saved_errno;
    return rc;
}

/* Report an IPv6 peer or source just shown to CALLER as IPv4 by CALL
 * (report.h). */
static inline void hook_report_peer(const char *call, const void *caller)
{
    if (sockets_take_peer_flag() && report_on()) {
        int saved = errno;
        report_record(REPORT_IPV6_PEER, call, caller);
        errno = saved;
    }
}

#endif
