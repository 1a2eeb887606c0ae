/* fdtable — per-socket legacy state indexed by fd; see fdtable.h. */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the fd table keeps the legacy IPv4 view of each socket by design (v6scan self-scan). */
#define _GNU_SOURCE
#include "fdtable.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pool.h"

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

static _Atomic(struct fdtab_page *) fdtab_pages[FDTAB_NPAGES];  /* lock-free, install by CAS */
static _Atomic(struct fdtab_sock *) fdtab_chunks[FDTAB_NCHUNKS]; /* lock-free, install by CAS */

/* fdtab_mu guards the fields marked "fdtab_lock" in struct fdtab_sock. Leaf lock. */
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

void fdtab_lock(void)
{
    pthread_once(&fdtab_once, fdtab_init);
    pthread_mutex_lock(&fdtab_mu);
}

void fdtab_unlock(void)
{
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
    dev_t dev;
    ino_t ino;
    int rc = fdtab_identity(fd, &dev, &ino);
    if (rc < 0)
        return rc;
    struct fdtab_sock *s = fdtab_alloc();
    if (!s)
        return -ENOMEM;
    fdtab_lock();
    s->dev = dev;
    s->ino = ino;
    s->alt_dev = 0;
    s->alt_ino = 0;
    s->type = type;
    s->protocol = protocol;
    s->real = real;
    s->dualstack_listen = false;
    memset(&s->peer, 0, sizeof s->peer);
    s->peer_learnt = false;
    memset(&s->real_dst, 0, sizeof s->real_dst);
    memset(&s->dgram_view, 0, sizeof s->dgram_view);
    memset(&s->dgram_real, 0, sizeof s->dgram_real);
    s->opts_lost = false;
    s->nopts = 0;
    s->nepoll = 0;
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

/* Is FD still the socket S was registered for (or is being upgraded to)? */
static bool fdtab_same(int fd, struct fdtab_sock *s)
{
    dev_t dev;
    ino_t ino;
    if (fdtab_identity(fd, &dev, &ino) != 0)
        return false;
    fdtab_lock();
    bool same = (dev == s->dev && ino == s->ino) ||
                (s->alt_ino != 0 && dev == s->alt_dev && ino == s->alt_ino);
    fdtab_unlock();
    return same;
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
    if (fdtab_same(fd, s))
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

/* NOLINTEND(v6-sockaddr-in-decl) */
