/*
 * symbols — the real libc functions behind every hook, bound once.
 *
 * Generated from hooks/hooks.def (one V6_HOOK line per hooked call):
 *   v6shim_fn_<name>   the function-pointer type;
 *   struct v6shim_real one member per hook, filled by symbols_bind();
 *   real_<name>(args)  forwarder: binds everything on first use, then calls
 *                      the next definition of <name> after the shim
 *                      (dlsym(RTLD_NEXT): libc, or another preload such as
 *                      libnss-wrapper that comes after the shim).
 * Module code calls real_connect(...), real_getaddrinfo(...), never the
 * plain name (which would re-enter the shim's own hook).
 *
 * Binding runs once under pthread_once. A missing symbol without a fallback
 * (symbols_fallback), or one that resolves back into the shim's own object,
 * is fatal: a one-line message on stderr and abort(), because continuing
 * would recurse or crash later.
 */
#ifndef V6SHIM_SYMBOLS_H
#define V6SHIM_SYMBOLS_H

#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

#define V6_HOOK(ret, name, params, args) typedef ret(*v6shim_fn_##name) params;
#include "hooks.def"
#undef V6_HOOK

struct v6shim_real {
#define V6_HOOK(ret, name, params, args) v6shim_fn_##name name;
#include "hooks.def"
#undef V6_HOOK
};

/* Filled once by symbols_bind(); read-only afterwards (no lock needed). */
extern struct v6shim_real v6shim_real;

/* Bind every hooked name (idempotent, thread-safe, cheap after the first call). */
void symbols_bind(void);

/*
 * What a hooked NAME binds to when libc has no such symbol (older glibc):
 * close_range -> the close_range system call, fcntl64 -> fcntl. NULL for
 * every other name: those are mandatory.
 */
void *symbols_fallback(const char *name);

/* Number of hooked names in hooks.def (for tests and v6run --version). */
size_t symbols_count(void);

/* Name of hook I (0 <= I < symbols_count()), or NULL. */
const char *symbols_name(size_t i);

#define V6_HOOK(ret, name, params, args) \
    static inline ret real_##name params \
    {                                    \
        symbols_bind();                  \
        return v6shim_real.name args;    \
    }
#include "hooks.def"
#undef V6_HOOK

#endif
