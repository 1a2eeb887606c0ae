/*
 * fdtable — what the shim knows about each socket the application made as
 * AF_INET, indexed by fd number.
 *
 * One struct fdtab_sock per socket (per open file description, as the kernel
 * sees it): fds made by dup, dup2, dup3 and fcntl(F_DUPFD*) share it, so the
 * state follows the socket and not the number. Each entry records the
 * socket's identity (st_dev, st_ino from fstat) when it is registered;
 * fdtab_acquire() checks it, so a number closed behind the shim's back (a raw
 * syscall, a libc-internal close) and reused for another file is never taken
 * for the old socket.
 *
 * Threads and signals: fdtab_tracked(), fdtab_close*() and fdtab_dup() are
 * lock-free, never allocate and are async-signal-safe (close() may run in a
 * signal handler). Fields of struct fdtab_sock marked "fdtab_lock" are read
 * and written only between fdtab_lock() and fdtab_unlock(); the lock is a
 * leaf: nothing else is locked while it is held (see
 * docs/internals/threading.md). fork(): the child inherits the table as is
 * (its fds are the same); a pthread_atfork handler keeps the lock usable.
 */
#ifndef V6SHIM_FDTABLE_H
#define V6SHIM_FDTABLE_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Highest fd number the table can hold, plus one (larger fds pass through). */
#define FDTAB_MAX_FD (1 << 20)
/* Socket options recorded per socket, replayed on an in-place upgrade. */
#define FDTAB_MAX_OPTS 16
#define FDTAB_OPT_LEN 16
/* epoll registrations recorded per socket, replayed on an in-place upgrade. */
#define FDTAB_MAX_EPOLL 4

enum fdtab_real {
    FDTAB_REAL_INET = 1,  /* still the application's own AF_INET socket */
    FDTAB_REAL_INET6 = 2, /* replaced by (or adopted as) an AF_INET6 socket */
};

struct fdtab_opt {
    int level, name;
    socklen_t len;
    unsigned char val[FDTAB_OPT_LEN];
};

struct fdtab_epoll {
    int epfd;
    struct epoll_event ev;
};

struct fdtab_sock {
    _Atomic unsigned refs;  /* fds pointing here + acquired references; 0 = free */
    _Atomic unsigned nfds;  /* fds pointing here */
    /* fields below: fdtab_lock */
    dev_t dev;              /* identity of the real socket (fstat) */
    ino_t ino;
    dev_t alt_dev;          /* identity also accepted during an in-place upgrade */
    ino_t alt_ino;          /* (0: none) */
    int type;               /* SOCK_STREAM / SOCK_DGRAM, without flags */
    int protocol;           /* as given to socket() */
    enum fdtab_real real;
    bool dualstack_listen;  /* bound to [::]:P in place of 0.0.0.0:P */
    _Atomic in_addr_t pinned_addr; /* the pool address this socket pins (network order),
                              * 0 none; released by the last fdtab_release (atomic:
                              * read on close) */
    struct sockaddr_in peer; /* legacy destination (pool address) when connected via the pool */
    bool peer_learnt;       /* `peer` stands for an accepted IPv6 client (not a connect) */
    struct sockaddr_storage real_dst; /* the real destination behind `peer` */
    struct sockaddr_in dgram_view;  /* UDP: last pool destination sent to… */
    struct sockaddr_in6 dgram_real; /* …and where it really went (replies from here show dgram_view) */
    bool opts_lost;         /* an option could not be recorded: never upgrade */
    unsigned nopts;
    struct fdtab_opt opts[FDTAB_MAX_OPTS];
    unsigned nepoll;
    struct fdtab_epoll epoll[FDTAB_MAX_EPOLL];
};

/*
 * Start tracking FD as a new socket of TYPE/PROTOCOL whose real family is
 * REAL. Any entry FD had is dropped first. Returns 0, -EBADF (fd out of range
 * or fstat failed), -ENOMEM.
 */
int fdtab_register(int fd, int type, int protocol, enum fdtab_real real);

/* True if FD has an entry (no identity check; lock-free, for fast paths). */
bool fdtab_tracked(int fd);

/*
 * The entry of FD with a reference held, after checking the socket's
 * identity; NULL if FD is untracked, or was reused behind the shim's back
 * (its stale entry is then dropped). Release with fdtab_release().
 */
struct fdtab_sock *fdtab_acquire(int fd);
void fdtab_release(struct fdtab_sock *s);

/*
 * fdtab_acquire without the identity check (no fstat): for the hot paths
 * (connect, send), which trust that the table saw every close, dup and fork
 * of the fd. Whatever such a caller is about to do that could harm another
 * file (replacing the fd in place) it first checks with fdtab_verify.
 */
struct fdtab_sock *fdtab_acquire_trusted(int fd);

/* Is FD still S's socket (fstat identity)? 0, or -ESTALE after dropping the
 * stale entry from FD's slot (S itself stays valid until released). */
int fdtab_verify(int fd, struct fdtab_sock *s);

/*
 * In-place upgrade of a socket S: fdtab_expect(s, nfd) before putting NFD
 * onto the fd makes fdtab_acquire() accept NFD's identity as well as the old
 * one (other threads may look the fd up meanwhile); fdtab_expect(s, -1)
 * withdraws it. fdtab_reidentify(fd, s) afterwards makes that identity FD's
 * (no fstat when fdtab_expect recorded one). Return 0 or -EBADF.
 */
int fdtab_expect(struct fdtab_sock *s, int nfd);
int fdtab_reidentify(int fd, struct fdtab_sock *s);

/* NEWFD now refers to OLDFD's socket (after a successful dup*). */
void fdtab_dup(int oldfd, int newfd);

/*
 * FD is about to be closed: call this BEFORE the real close, while the number
 * cannot yet be handed to another thread's new socket. Harmless if the close
 * then fails.
 */
void fdtab_close(int fd);

/* Every fd in [FIRST, LAST] is about to be closed (close_range without
 * CLOEXEC); call before the real call, as fdtab_close(). */
void fdtab_close_range(unsigned first, unsigned last);

/* Number of fds sharing S (for "is this socket also reachable elsewhere?"). */
unsigned fdtab_fd_count(const struct fdtab_sock *s);

void fdtab_lock(void);
void fdtab_unlock(void);

#endif
