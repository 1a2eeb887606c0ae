/* Stand-in for shim-core's symbols.c (see README.md). */
#define _GNU_SOURCE
#include "symbols.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct v6shim_real v6shim_real; /* written once under symbols_once */
static pthread_once_t symbols_once = PTHREAD_ONCE_INIT;

static void *symbols_get(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    Dl_info self, found;
    if (p && dladdr((void *)v6shim_symbols_bind, &self) && dladdr(p, &found) &&
        self.dli_fbase == found.dli_fbase)
        p = NULL; /* resolved back into ourselves */
    if (!p) {
        static const char msg[] = "v6shim: cannot bind a libc symbol: ";
        (void)!write(2, msg, sizeof msg - 1);
        (void)!write(2, name, strlen(name));
        (void)!write(2, "\n", 1);
        abort();
    }
    return p;
}

static void symbols_do_bind(void)
{
#define V6_HOOK(ret, name, params, args) *(void **)&v6shim_real.name = symbols_get(#name);
#include "sockets.def"
#undef V6_HOOK
}

void v6shim_symbols_bind(void)
{
    pthread_once(&symbols_once, symbols_do_bind);
}
