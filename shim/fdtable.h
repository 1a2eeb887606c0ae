/*
 * fdtable — what the shim knows about each socket the application made as
 * AF_INET, indexed by fd number.
 *
 * One struct fdtab_sock per socket (per open file description, as the kernel
 * sees it): fds made by dup, dup2, dup3 and fcntl(F_DUPFD*) share it, so the
 * state follows the socket and not the number. The table sees every close,
 * dup and fork through the hooks; what it cannot see (a raw syscall, a
 * libc-internal close) is caught by the socket's identity (st_dev, st_ino
 * from fstat). A socket the shim made or replaced is identified at once; the
 * application's own AF_INET socket is identified only when the shim first
 * acts on it (fdtab_verify, before any in-place upgrade): until then the shim
 * keeps nothing about it that could harm another file, and a plain IPv4
 * socket costs no system call of the shim's. fdtab_acquire() checks an
 * identified entry, so a number closed behind the shim's back and reused for
 * another file is never taken for the old socket.
 *
 * Threads and signals: fdtab_tracked(), fdtab_close*() and fdtab_dup() are
 * lock-free, never allocate and are async-signal-safe (close() may run in a
 * signal handler). The entry's state is private to fdtable.c: the calls
 * below read and change it under the table's own lock, a leaf that no caller
 * sees (see docs/internals/threading.md). fork(): the child inherits the table as is
 * (its fds are the same); a pthread_atfork handler keeps the lock usable.
 */
#ifndef V6SHIM_FDTABLE_H
#define V6SHIM_FDTABLE_H

#include <netinet/in.h>
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
    FDTAB_REAL_EAGER = 3, /* made AF_INET6 (V6ONLY=0) at socket(), not yet used:
                           * its first use makes it INET6 (a pool connect) or
                           * INET again (upgrade_settle); upgrade.h */
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

/* One entry per socket; its fields are fdtable.c's own (read and changed
 * only through the calls below). */
struct fdtab_sock;

/* NOLINTBEGIN(v6-sockaddr-in-decl): an entry keeps the IPv4 view the application was shown (v6scan self-scan). */
/* A consistent copy of an entry's state (fdtab_snapshot). */
struct fdtab_snap {
    int type;     /* SOCK_STREAM / SOCK_DGRAM, without flags */
    int protocol; /* as given to socket() */
    enum fdtab_real real;
    bool opts_lost;                   /* an option or epoll set could not be recorded */
    bool via_pool;                    /* connected (or accepted) through a pool address */
    bool peer_learnt;                 /* `peer` stands for an accepted IPv6 client */
    struct sockaddr_in peer;          /* the pool address (when via_pool) */
    struct sockaddr_storage real_dst; /* the real destination behind `peer` */
    struct sockaddr_in dgram_view;    /* UDP: last pool destination sent to… */
    struct sockaddr_in6 dgram_real;   /* …and where it really went */
};

/*
 * Start tracking FD as a new socket of TYPE/PROTOCOL whose real family is
 * REAL. Any entry FD had is dropped first. FDTAB_REAL_INET (the
 * application's socket, just returned by socket()) is registered without
 * identity; any other REAL is identified now. Returns 0, -EBADF (fd out of
 * range, or the fstat of an fd to identify failed), -ENOMEM.
 */
int fdtab_register(int fd, int type, int protocol, enum fdtab_real real);

/* True if FD has an entry (no identity check; lock-free, for fast paths). */
bool fdtab_tracked(int fd);

/*
 * The entry of FD with a reference held, after checking the socket's
 * identity (an entry not yet identified is returned as it is: nothing in it
 * can harm another file before fdtab_verify); NULL if FD is untracked, or was
 * reused behind the shim's back (its stale entry is then dropped). Release
 * with fdtab_release().
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
 * stale entry from FD's slot (S itself stays valid until released). The
 * first call on an entry not yet identified takes its identity, once the
 * kernel confirms FD is a socket of S's family (AF_INET) and type. */
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

/* References held on S (fds + acquired); 0 once S is free. For tests. */
unsigned fdtab_ref_count(const struct fdtab_sock *s);

/* ---- state of an entry (each call takes the table's lock once) ---- */

/* A copy of S's state. */
void fdtab_snapshot(struct fdtab_sock *s, struct fdtab_snap *out);

/* S's real family; its type and protocol. */
enum fdtab_real fdtab_real_family(struct fdtab_sock *s);
void fdtab_kind(struct fdtab_sock *s, int *type, int *protocol);

/* May S be replaced by an upgrade? Still AF_INET (or EAGER), every option
 * and epoll set recorded, not connected through the pool. (Sharing with another fd
 * is the caller's check: fdtab_fd_count.) */
bool fdtab_replaceable(struct fdtab_sock *s);

/* S's real socket is now of family REAL. */
void fdtab_mark_real(struct fdtab_sock *s, enum fdtab_real real);

/*
 * S is connected to (or accepted from) pool address VIEW, really REAL;
 * LEARNT: VIEW stands for an accepted IPv6 client. S now holds the pin on
 * VIEW (released by its last fdtab_release); returns the address of the pin
 * S held before (s_addr 0: none), which the caller releases.
 */
struct in_addr fdtab_mark_peer(struct fdtab_sock *s, const struct sockaddr_in *view,
                               const struct sockaddr_storage *real, bool learnt);

/* UDP: the last datagram to pool address VIEW went to REAL. */
void fdtab_mark_dgram(struct fdtab_sock *s, const struct sockaddr_in *view,
                      const struct sockaddr_in6 *real);

/* NOLINTEND(v6-sockaddr-in-decl) */

/*
 * Record an option set on S while it is still AF_INET (or EAGER), for
 * replay on an upgrade (or a settle). One that cannot be kept (longer than FDTAB_OPT_LEN, more than
 * FDTAB_MAX_OPTS, no value) marks S as never to be replaced.
 */
void fdtab_record_opt(struct fdtab_sock *s, int level, int name, const void *val, socklen_t len);

/* Up to FDTAB_MAX_OPTS recorded options copied to OUT; returns how many. */
unsigned fdtab_opts(struct fdtab_sock *s, struct fdtab_opt out[FDTAB_MAX_OPTS]);

/*
 * Record epoll_ctl(EPFD, OP, …, EV) on S (after it succeeded) while S is
 * still AF_INET or EAGER, or has a fail-over mark: ADD/MOD keep EPFD's events, DEL
 * forgets them; more than FDTAB_MAX_EPOLL sets mark S as never to be
 * replaced.
 */
void fdtab_record_epoll(struct fdtab_sock *s, int epfd, int op, const struct epoll_event *ev);

/*
 * S's socket may still be replaced by a non-blocking connect's fail-over
 * (nbconnect.h): TOKEN names the record, 0 clears the mark. While marked,
 * epoll registrations and options keep being recorded. fdtab_register
 * clears it.
 */
void fdtab_set_failover(struct fdtab_sock *s, uint64_t token);
uint64_t fdtab_failover(struct fdtab_sock *s);

/* The recorded epoll registrations copied to OUT; returns how many. */
unsigned fdtab_epolls(struct fdtab_sock *s, struct fdtab_epoll out[FDTAB_MAX_EPOLL]);

#endif
