/*
 * symbols — bind the real libc functions once (see symbols.h).
 *
 * Why RTLD_NEXT and not dlopen("libc.so.6"): the shim must compose with
 * preload libraries listed after it (libnss-wrapper in the tests, others in
 * real use); RTLD_NEXT finds the next definition in the search order.
 */
#define _GNU_SOURCE
#include "symbols.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Written once inside symbols_once; read-only after pthread_once returns. */
struct v6shim_real v6shim_real;

static pthread_once_t symbols_once = PTHREAD_ONCE_INIT;

static const char *const symbols_names[] = {
#define V6_HOOK(ret, name, params, args) #name,
#include "hooks.def"
#undef V6_HOOK
};

/* write(2) only: stdio may call hooked functions. */
static void symbols_die(const char *name, const char *why)
{
    static const char pre[] = "libv6shim: cannot bind ";
    (void)!write(STDERR_FILENO, pre, sizeof pre - 1);
    (void)!write(STDERR_FILENO, name, strlen(name));
    (void)!write(STDERR_FILENO, ": ", 2);
    (void)!write(STDERR_FILENO, why, strlen(why));
    (void)!write(STDERR_FILENO, "\n", 1);
    abort();
}

/* The object (executable or .so) that ADDR lives in, or NULL. */
static void *symbols_object_of(const void *addr)
{
    Dl_info info;
    if (dladdr(addr, &info) == 0)
        return NULL;
    return info.dli_fbase;
}

/* close_range(2) for a libc older than 2.34: the system call itself. */
static int symbols_close_range_syscall(unsigned int first, unsigned int last, int flags)
{
#ifdef SYS_close_range
    return (int)syscall(SYS_close_range, first, last, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}

void *symbols_fallback(const char *name)
{
    if (strcmp(name, "close_range") == 0)
        return (void *)symbols_close_range_syscall;
    if (strcmp(name, "fcntl64") == 0) /* glibc < 2.28: fcntl is the 64-bit one */
        return dlsym(RTLD_NEXT, "fcntl");
    return NULL;
}

static void *symbols_resolve(const char *name, void *self)
{
    dlerror();
    void *p = dlsym(RTLD_NEXT, name);
    if (!p)
        p = symbols_fallback(name);
    if (!p)
        symbols_die(name, "no definition after the shim (dlsym RTLD_NEXT)");
    if (self && symbols_object_of(p) == self)
        symbols_die(name, "the next definition is the shim itself (recursion)");
    return p;
}

static void symbols_do_bind(void)
{
    void *self = symbols_object_of((const void *)symbols_do_bind);
#define V6_HOOK(ret, name, params, args) \
    v6shim_real.name = (v6shim_fn_##name)symbols_resolve(#name, self);
#include "hooks.def"
#undef V6_HOOK
}

void symbols_bind(void)
{
    pthread_once(&symbols_once, symbols_do_bind);
}

size_t symbols_count(void)
{
    return sizeof symbols_names / sizeof symbols_names[0];
}

const char *symbols_name(size_t i)
{
    return i < symbols_count() ? symbols_names[i] : NULL;
}
