/* Stand-in for shim-core's symbols.h (see README.md): real_<name>() for the
 * socket layer's hooks, bound once with dlsym(RTLD_NEXT). */
#ifndef V6SHIM_SYMBOLS_H
#define V6SHIM_SYMBOLS_H

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#define V6_HOOK(ret, name, params, args) typedef ret(*v6shim_fn_##name) params;
#include "sockets.def"
#undef V6_HOOK

struct v6shim_real {
#define V6_HOOK(ret, name, params, args) v6shim_fn_##name name;
#include "sockets.def"
#undef V6_HOOK
};

extern struct v6shim_real v6shim_real;
void v6shim_symbols_bind(void);

#define V6_HOOK(ret, name, params, args)                                       \
    static inline ret real_##name params                                       \
    {                                                                          \
        v6shim_symbols_bind();                                                 \
        return v6shim_real.name args;                                          \
    }
#include "sockets.def"
#undef V6_HOOK

#endif
