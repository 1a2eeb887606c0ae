/* fdtable — per-socket legacy state indexed by fd; see fdtable.h. */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the fd table keeps the legacy IPv4 view of each socket by design (v6scan self-scan). */
#define _GNU_SOURCE
#include "fdtable.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compat.h"
#include "pool.h"
#include "symbols.h"

/* Fields below refs/nfds: read and written only with fdtab_mu held. */
struct fdtab_sock {
    _Atomic unsigned refs;   /* fds pointing here + acquired references; 0 = free */
    _Atomic unsigned nfds;   /* fds pointing here */
    _Atomic bool identified; /* dev/ino hold the socket's identity (fdtab_register) */
    dev_t dev;               /* identity of the real socket (fstat) */
    ino_t ino;
    dev_t alt_dev; /* identity also accepted during an in-place upgrade */
    ino_t alt_ino; /* (0: none) */
    int type;      /* SOCK_STREAM / SOCK_DGRAM, without flags */
    int protocol;  /* as given to socket() */
    enum fdtab_real real;
    _Atomic in_addr_t pinned_addr; /* the pool address this socket pins (network order),
                              * 0 none; released by the last fdtab_release (atomic:
                              * read on close, without the lock) */
    struct sockaddr_in peer; /* legacy destination (pool address) when connected via the pool */
    bool peer_learnt;        /* `peer` stands for an accepted IPv6 client (not a connect) */
    struct sockaddr_storage real_dst; /* the real destination behind `peer` */
    struct sockaddr_in dgram_view;    /* UDP: last pool destination sent to… */
    /* …and where it really went (replies from here show dgram_view) */
    struct sockaddr_in6 dgram_real;
    bool opts_lost; /* an option could not be recorded: never upgrade */
    unsigned nopts;
    struct fdtab_opt opts[FDTAB_MAX_OPTS];
    unsigned nepoll;
    struct fdtab_epoll epoll[FDTAB_MAX_EPOLL];
    uint64_t failover_mark; /* a non-blocking connect's fail-over record (nbconnect.h), 0 none */
};

/*
 * Layout. fd → slot is two levels (pages of FDTAB_PAGE atomic pointers,
 * allocated on first use and never freed), so a lookup is two atomic loads
 * and an untracked fd costs nothing. Entries live in chunks that are never
 * freed either: a freed entry has refs == 0 and is reused by
 * fdtab_register(). A reader takes a reference (refs n>0 → n+1 by CAS) and
 * then checks the slot still points at the entry, so an entry recycled under
 * it is never mistaken for the fd's.
 */
#define FDTAB_PAGE 1024
#define FDTAB_NPAGES (FDTAB_MAX_FD / FDTAB_PAGE)
#define FDTAB_CHUNK 256
#define FDTAB_NCHUNKS 256

struct fdtab_page {
    _Atomic(struct fdtab_sock *) slot[FDTAB_PAGE];
};

static _Atomic(struct fdtab_page *) fdtab_pages[FDTAB_NPAGES];   /* lock-free, install by CAS */
static _Atomic(struct fdtab_sock *) fdtab_chunks[FDTAB_NCHUNKS]; /* lock-free, install by CAS */

/* fdtab_mu guards the locked fields of struct fdtab_sock. Leaf lock, never
 * seen outside this file. */
static pthread_mutex_t fdtab_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fdtab_once = PTHREAD_ONCE_INIT;

static void fdtab_atfork_prepare(void)
{
    pthread_mutex_lock(&fdtab_mu);
}

static void fdtab_atfork_parent(void)
{
    pthread_mutex_unlock(&fdtab_mu);
}

static void fdtab_atfork_child(void)
{
    /* The only thread left in the child held it in prepare: make it fresh. */
    pthread_mutex_init(&fdtab_mu, NULL);
}

static void fdtab_init(void)
{
    pthread_atfork(fdtab_atfork_prepare, fdtab_atfork_parent, fdtab_atfork_child);
}

/* (V6_TSAN_*: the fail-over takes it inside ThreadSanitizer's blocking
 * interceptors, where TSan does not see pthread calls; compat.h) */
static void fdtab_lock(void)
{
    /* (no pthread_once here: every entry comes from fdtab_register, which
     * ran it, so the atfork handlers exist before the lock is first used) */
    pthread_mutex_lock(&fdtab_mu);
    V6_TSAN_ACQUIRE(&fdtab_mu);
}

static void fdtab_unlock(void)
{
    V6_TSAN_RELEASE(&fdtab_mu);
    pthread_mutex_unlock(&fdtab_mu);
}

/* The slot of FD, or NULL when its page does not exist (and CREATE is false). */
static _Atomic(struct fdtab_sock *) *fdtab_slot(int fd, bool create)
{
    if (fd < 0 || fd >= FDTAB_MAX_FD)
        return NULL;
    _Atomic(struct fdtab_page *) *pp = &fdtab_pages[fd / FDTAB_PAGE];
    struct fdtab_page *p = atomic_load_explicit(pp, memory_order_acquire);
    if (!p && create) {
        struct fdtab_page *fresh = calloc(1, sizeof *fresh);
        if (!fresh)
            return NULL;
        struct fdtab_page *expected = NULL;
        if (atomic_compare_exchange_strong(pp, &expected, fresh)) {
            p = fresh;
        } else {
            free(fresh);
            p = expected;
        }
    }
    return p ? &p->slot[fd % FDTAB_PAGE] : NULL;
}

/* Take a reference on S unless it is already free. */
static bool fdtab_tryget(struct fdtab_sock *s)
{
    unsigned n = atomic_load(&s->refs);
    while (n > 0)
        if (atomic_compare_exchange_weak(&s->refs, &n, n + 1))
            return true;
    return false;
}

void fdtab_release(struct fdtab_sock *s)
{
    if (!s)
        return;
    if (atomic_fetch_sub(&s->refs, 1) == 1) {
        /* Last reference: S is free now (fdtab_alloc skips it until the pin
         * is cleared here). The pool's unpin is lock-free and
         * async-signal-safe, as close() needs. */
        struct in_addr a = {atomic_exchange(&s->pinned_addr, 0)};
        if (a.s_addr)
            pool_unpin_async(a);
    }
}

/* FD's slot no longer points at S. */
static void fdtab_drop(struct fdtab_sock *s)
{
    if (!s)
        return;
    atomic_fetch_sub(&s->nfds, 1);
    fdtab_release(s);
}

/* Take a free entry (refs 0 → 1), allocating a chunk when all are used. */
static struct fdtab_sock *fdtab_alloc(void)
{
    for (unsigned c = 0; c < FDTAB_NCHUNKS; c++) {
        struct fdtab_sock *chunk = atomic_load_explicit(&fdtab_chunks[c], memory_order_acquire);
        if (!chunk) {
            struct fdtab_sock *fresh = calloc(FDTAB_CHUNK, sizeof *fresh);
            if (!fresh)
                return NULL;
            struct fdtab_sock *expected = NULL;
            if (atomic_compare_exchange_strong(&fdtab_chunks[c], &expected, fresh)) {
                chunk = fresh;
            } else {
                free(fresh);
                chunk = expected;
            }
        }
        for (unsigned i = 0; i < FDTAB_CHUNK; i++) {
            struct fdtab_sock *s = &chunk[i];
            unsigned zero = 0;
            /* A free entry still pinned is being released (fdtab_release). */
            if (atomic_load(&s->refs) == 0 && atomic_load(&s->pinned_addr) == 0 &&
                atomic_compare_exchange_strong(&s->refs, &zero, 1))
                return s;
        }
    }
    return NULL;
}

static int fdtab_identity(int fd, dev_t *dev, ino_t *ino)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -EBADF;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

int fdtab_register(int fd, int type, int protocol, enum fdtab_real real)
{
    pthread_once(&fdtab_once, fdtab_init);
    _Atomic(struct fdtab_sock *) *slot = fdtab_slot(fd, true);
    if (!slot)
        return fd < 0 || fd >= FDTAB_MAX_FD ? -EBADF : -ENOMEM;
    /* The application's own AF_INET socket is identified only when the shim
     * first acts on it (fdtab_verify): most never are, and an fstat at every
     * socket() was the one system call the shim added to a plain IPv4
     * connect. A socket the shim made itself is identified now. */
    bool identify = real != FDTAB_REAL_INET;
    dev_t dev = 0;
    ino_t ino = 0;
    if (identify) {
        int rc = fdtab_identity(fd, &dev, &ino);
        if (rc < 0)
            return rc;
    }
    struct fdtab_sock *s = fdtab_alloc();
    if (!s)
        return -ENOMEM;
    fdtab_lock();
    atomic_store(&s->identified, identify);
    s->dev = dev;
    s->ino = ino;
    s->alt_dev = 0;
    s->alt_ino = 0;
    s->type = type;
    s->protocol = protocol;
    s->real = real;
    memset(&s->peer, 0, sizeof s->peer);
    s->peer_learnt = false;
    memset(&s->real_dst, 0, sizeof s->real_dst);
    memset(&s->dgram_view, 0, sizeof s->dgram_view);
    memset(&s->dgram_real, 0, sizeof s->dgram_real);
    s->opts_lost = false;
    s->nopts = 0;
    s->nepoll = 0;
    s->failover_mark = 0;
    fdtab_unlock();
    atomic_store(&s->nfds, 1);
    fdtab_drop(atomic_exchange(slot, s));
    return 0;
}

bool fdtab_tracked(int fd)
{
    _Atomic(struct fdtab_sock *) *slot = fdtab_slot(fd, false);
    return slot && atomic_load_explicit(slot, memory_order_relaxed) != NULL;
}

/* S from SLOT with a reference, or NULL if the slot changed meanwhile. */
static struct fdtab_sock *fdtab_get_slot(_Atomic(struct fdtab_sock *) *slot)
{
    for (;;) {
        struct fdtab_sock *s = atomic_load(slot);
        if (!s)
            return NULL;
        if (fdtab_tryget(s)) {
            if (atomic_load(slot) == s)
                return s;
            fdtab_release(s);
        }
        /* S was freed or the slot moved on: look again. */
    }
}

/* Drop S from SLOT (it describes another file now), if nobody else did. */
static void fdtab_drop_stale(_Atomic(struct fdtab_sock *) *slot, struct fdtab_sock *s)
{
    struct fdtab_sock *expected = s;
    if (atomic_compare_exchange_strong(slot, &expected, NULL))
        fdtab_drop(s);
}

/* Is (DEV, INO) S's identity, or the one an upgrade under way expects?
 * fdtab_mu held. */
static bool fdtab_is_identity(const struct fdtab_sock *s, dev_t dev, ino_t ino)
{
    return (dev == s->dev && ino == s->ino) ||
           (s->alt_ino != 0 && dev == s->alt_dev && ino == s->alt_ino);
}

/* Is FD still the socket S was registered for (or is being upgraded to)?
 * An entry not yet identified is taken on trust (see fdtab_verify). */
static bool fdtab_same(int fd, struct fdtab_sock *s)
{
    if (!atomic_load(&s->identified))
        return true;
    dev_t dev;
    ino_t ino;
    if (fdtab_identity(fd, &dev, &ino) != 0)
        return false;
    fdtab_lock();
    bool same = fdtab_is_identity(s, dev, ino);
    fdtab_unlock();
    return same;
}

/*
 * First identification of S (registered without identity): FD must still be
 * a socket of the family and type S was registered for, asked of the kernel
 * (the shim's own getsockopt would answer AF_INET for an early socket).
 * From then on fdtab_same() compares against this identity.
 */
static bool fdtab_identify_first(int fd, struct fdtab_sock *s)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return false;
    int domain = 0, type = 0;
    socklen_t dl = sizeof domain, tl = sizeof type;
    if (real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) != 0 ||
        real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
        return false;
    fdtab_lock();
    /* NOLINTNEXTLINE(v6-family-switch-no-v6): only the application's own AF_INET socket gets here */
    bool ok = domain == AF_INET && s->real == FDTAB_REAL_INET && type == s->type;
    if (ok && !atomic_load(&s->identified)) {
        s->dev = st.st_dev;
        s->ino = st.st_ino;
        atomic_store(&s->identified, true);
    } else if (ok) { /* another thread identified S meanwhile */
        ok = fdtab_is_identity(s, st.st_dev, st.st_ino);
    }
    fdtab_unlock();
    return ok;
}

struct fdtab_sock *fdtab_acquire(int fd)
{
    _Atomic(struct fdtab_sock *) *slot = fdtab_slot(fd, false);
    if (!slot)
        return NULL;
    struct fdtab_sock *s = fdtab_get_slot(slot);
    if (!s || fdtab_same(fd, s))
        return s;
    /* Closed behind our back and reused (or closed and not reused): the
     * entry describes another socket. */
    fdtab_drop_stale(slot, s);
    fdtab_release(s);
    return NULL;
}

struct fdtab_sock *fdtab_acquire_trusted(int fd)
{
    _Atomic(struct fdtab_sock *) *slot = fdtab_slot(fd, false);
    return slot ? fdtab_get_slot(slot) : NULL;
}

int fdtab_verify(int fd, struct fdtab_sock *s)
{
    if (atomic_load(&s->identified) ? fdtab_same(fd, s) : fdtab_identify_first(fd, s))
        return 0;
    _Atomic(struct fdtab_sock *) *slot = fdtab_slot(fd, false);
    if (slot)
        fdtab_drop_stale(slot, s);
    return -ESTALE;
}

int fdtab_expect(struct fdtab_sock *s, int nfd)
{
    dev_t dev = 0;
    ino_t ino = 0;
    int rc = nfd >= 0 ? fdtab_identity(nfd, &dev, &ino) : 0;
    fdtab_lock();
    s->alt_dev = dev;
    s->alt_ino = rc == 0 ? ino : 0;
    fdtab_unlock();
    return rc;
}

int fdtab_reidentify(int fd, struct fdtab_sock *s)
{
    fdtab_lock();
    bool have_alt = s->alt_ino != 0;
    if (have_alt) { /* FD is now NFD's open file: the identity fdtab_expect took */
        s->dev = s->alt_dev;
        s->ino = s->alt_ino;
        s->alt_dev = 0;
        s->alt_ino = 0;
        atomic_store(&s->identified, true);
    }
    fdtab_unlock();
    if (have_alt)
        return 0;
    dev_t dev;
    ino_t ino;
    int rc = fdtab_identity(fd, &dev, &ino);
    if (rc < 0)
        return rc;
    fdtab_lock();
    s->dev = dev;
    s->ino = ino;
    atomic_store(&s->identified, true);
    fdtab_unlock();
    return 0;
}

void fdtab_dup(int oldfd, int newfd)
{
    if (oldfd == newfd)
        return;
    _Atomic(struct fdtab_sock *) *from = fdtab_slot(oldfd, false);
    struct fdtab_sock *s = from ? fdtab_get_slot(from) : NULL;
    _Atomic(struct fdtab_sock *) *to = fdtab_slot(newfd, s != NULL);
    if (!to) {
        /* newfd is out of range, or untracked with no page and nothing to
         * record: nothing is left pointing at a stale entry. */
        fdtab_release(s);
        return;
    }
    if (s)
        atomic_fetch_add(&s->nfds, 1); /* the reference taken moves to the slot */
    fdtab_drop(atomic_exchange(to, s));
}

void fdtab_close(int fd)
{
    _Atomic(struct fdtab_sock *) *slot = fdtab_slot(fd, false);
    if (slot && atomic_load_explicit(slot, memory_order_relaxed))
        fdtab_drop(atomic_exchange(slot, NULL));
}

void fdtab_close_range(unsigned first, unsigned last)
{
    if (last >= FDTAB_MAX_FD)
        last = FDTAB_MAX_FD - 1;
    for (unsigned fd = first; fd <= last;) {
        if (!atomic_load_explicit(&fdtab_pages[fd / FDTAB_PAGE], memory_order_acquire)) {
            fd = (fd / FDTAB_PAGE + 1) * FDTAB_PAGE; /* whole page untracked */
            continue;
        }
        fdtab_close((int)fd);
        fd++;
    }
}

unsigned fdtab_fd_count(const struct fdtab_sock *s)
{
    return atomic_load(&s->nfds);
}

unsigned fdtab_ref_count(const struct fdtab_sock *s)
{
    return atomic_load(&s->refs);
}

/* ---- state of an entry ---- */

void fdtab_snapshot(struct fdtab_sock *s, struct fdtab_snap *out)
{
    fdtab_lock();
    out->type = s->type;
    out->protocol = s->protocol;
    out->real = s->real;
    out->opts_lost = s->opts_lost;
    out->via_pool = s->peer.sin_family != AF_UNSPEC; /* a pool peer is recorded */
    out->peer_learnt = s->peer_learnt;
    out->peer = s->peer;
    out->real_dst = s->real_dst;
    out->dgram_view = s->dgram_view;
    out->dgram_real = s->dgram_real;
    fdtab_unlock();
}

enum fdtab_real fdtab_real_family(struct fdtab_sock *s)
{
    fdtab_lock();
    enum fdtab_real real = s->real;
    fdtab_unlock();
    return real;
}

void fdtab_kind(struct fdtab_sock *s, int *type, int *protocol)
{
    fdtab_lock();
    *type = s->type;
    *protocol = s->protocol;
    fdtab_unlock();
}

bool fdtab_replaceable(struct fdtab_sock *s)
{
    fdtab_lock();
    bool ok = (s->real == FDTAB_REAL_INET || s->real == FDTAB_REAL_EAGER) && !s->opts_lost &&
              s->peer.sin_family == AF_UNSPEC;
    fdtab_unlock();
    return ok;
}

void fdtab_mark_real(struct fdtab_sock *s, enum fdtab_real real)
{
    fdtab_lock();
    s->real = real;
    fdtab_unlock();
}

struct in_addr fdtab_mark_peer(struct fdtab_sock *s, const struct sockaddr_in *view,
                               const struct sockaddr_storage *real, bool learnt)
{
    fdtab_lock();
    struct in_addr old = {atomic_exchange(&s->pinned_addr, view->sin_addr.s_addr)};
    s->peer = *view;
    s->peer_learnt = learnt;
    s->real_dst = *real;
    fdtab_unlock();
    return old;
}

void fdtab_mark_dgram(struct fdtab_sock *s, const struct sockaddr_in *view,
                      const struct sockaddr_in6 *real)
{
    fdtab_lock();
    s->dgram_view = *view;
    s->dgram_real = *real;
    fdtab_unlock();
}

void fdtab_record_opt(struct fdtab_sock *s, int level, int name, const void *val, socklen_t len)
{
    fdtab_lock();
    unsigned i;
    for (i = 0; i < s->nopts; i++)
        if (s->opts[i].level == level && s->opts[i].name == name)
            break;
    if (len > FDTAB_OPT_LEN || (i == s->nopts && i == FDTAB_MAX_OPTS) || !val) {
        s->opts_lost = true;
    } else {
        s->opts[i].level = level;
        s->opts[i].name = name;
        s->opts[i].len = len;
        memcpy(s->opts[i].val, val, len);
        if (i == s->nopts)
            s->nopts++;
    }
    fdtab_unlock();
}

unsigned fdtab_opts(struct fdtab_sock *s, struct fdtab_opt out[FDTAB_MAX_OPTS])
{
    fdtab_lock();
    unsigned n = s->nopts;
    memcpy(out, s->opts, n * sizeof *out);
    fdtab_unlock();
    return n;
}

void fdtab_record_epoll(struct fdtab_sock *s, int epfd, int op, const struct epoll_event *ev)
{
    fdtab_lock();
    /* Also while a fail-over may still replace the socket (nbconnect.h). */
    if (s->real != FDTAB_REAL_INET6 || s->failover_mark != 0) {
        unsigned i;
        for (i = 0; i < s->nepoll; i++)
            if (s->epoll[i].epfd == epfd)
                break;
        if (op == EPOLL_CTL_DEL && i < s->nepoll) {
            s->epoll[i] = s->epoll[--s->nepoll];
        } else if (op != EPOLL_CTL_DEL && ev) {
            if (i < FDTAB_MAX_EPOLL) {
                s->epoll[i].epfd = epfd;
                s->epoll[i].ev = *ev;
                if (i == s->nepoll)
                    s->nepoll++;
            } else {
                s->opts_lost = true; /* cannot replay them all: never upgrade */
            }
        }
    }
    fdtab_unlock();
}

void fdtab_set_failover(struct fdtab_sock *s, uint64_t token)
{
    fdtab_lock();
    s->failover_mark = token;
    fdtab_unlock();
}

uint64_t fdtab_failover(struct fdtab_sock *s)
{
    fdtab_lock();
    uint64_t token = s->failover_mark;
    fdtab_unlock();
    return token;
}

unsigned fdtab_epolls(struct fdtab_sock *s, struct fdtab_epoll out[FDTAB_MAX_EPOLL])
{
    fdtab_lock();
    unsigned n = s->nepoll;
    memcpy(out, s->epoll, n * sizeof *out);
    fdtab_unlock();
    return n;
}

/* NOLINTEND(v6-sockaddr-in-decl) */
