/*
 * eyeballs — RFC 8305 (Happy Eyeballs v2) connection racing.
 *
 * Two layers. The state machine (struct eyeballs) knows no sockets and no
 * clock: it is fed results and the current time and answers what to do next,
 * so tests drive it with a fake clock. The racer (eyeballs_race) runs it over
 * real non-blocking sockets and poll(2).
 *
 * Behaviour (RFC 8305 §4-5): candidates arrive in preference order (RFC 6724,
 * as the resolver sorted them); attempts interleave families starting with
 * the family of the first candidate (First Address Family Count 1); the next
 * attempt starts when the attempt delay has passed since the last start, or
 * at once when no attempt is running any more (the last one failed); the
 * first attempt to connect wins and the others are abandoned; everything
 * stops at the deadline.
 */
#ifndef V6SHIM_EYEBALLS_H
#define V6SHIM_EYEBALLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define EYEBALLS_MAX 16

enum eyeballs_state { EYEBALLS_IDLE, EYEBALLS_RUNNING, EYEBALLS_FAILED, EYEBALLS_WON };

struct eyeballs {
    size_t n; /* attempts, in the order they will start */
    struct {
        size_t cand; /* index into the caller's candidate list */
        int family;
        enum eyeballs_state state;
        int err; /* errno of a failed attempt */
    } a[EYEBALLS_MAX];
    size_t next; /* next attempt to start */
    uint64_t last_start_ms;
    uint64_t deadline_ms;
    unsigned delay_ms;
    int timeout_err; /* errno when the deadline passes */
    int last_err;    /* errno of the latest failure */
    int winner;      /* attempt index, -1 while none */
};

enum eyeballs_do {
    EYEBALLS_START,  /* start attempt `attempt` now, then ask again */
    EYEBALLS_WAIT,   /* wait for a result or until `until_ms`, then ask again */
    EYEBALLS_DONE,   /* attempt `attempt` won */
    EYEBALLS_GIVEUP, /* every attempt failed or time ran out: `err` */
};

struct eyeballs_step {
    enum eyeballs_do what;
    size_t attempt;
    uint64_t until_ms;
    int err;
};

/*
 * Set up a race over N candidates whose families are FAMILIES[i] (preference
 * order; N is capped at EYEBALLS_MAX). The race may run until NOW_MS +
 * BUDGET_MS; past it the answer is GIVEUP with TIMEOUT_ERR. With N == 0 the
 * first step is GIVEUP with EHOSTUNREACH.
 */
void eyeballs_init(struct eyeballs *he, const int *families, size_t n, unsigned delay_ms,
                   unsigned budget_ms, int timeout_err, uint64_t now_ms);

/* What to do at NOW_MS. */
struct eyeballs_step eyeballs_step(struct eyeballs *he, uint64_t now_ms);

/* Attempt ATTEMPT (as given by a START step) finished: ERR 0 = connected. */
void eyeballs_result(struct eyeballs *he, size_t attempt, int err);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t eyeballs_now_ms(void);

/*
 * Called on each private socket before its connect (replay the app's options
 * there); a negative return (-errno) fails that attempt.
 */
typedef int (*eyeballs_prepare_fn)(int fd, int family, void *ctx);

/* The socket calls the racer makes: the shim passes its bound real libc
 * functions (so its own hooks are not re-entered), tests pass libc's. */
struct eyeballs_ops {
    int (*socket)(int domain, int type, int protocol);
    int (*connect)(int fd, const struct sockaddr *addr, socklen_t len);
    int (*getsockopt)(int fd, int level, int name, void *val, socklen_t *len);
    int (*close)(int fd);
};

/*
 * Race connects (through OPS) to DST[0..N-1] (AF_INET or AF_INET6 sockaddrs, preference
 * order) with sockets of TYPE/PROTOCOL (SOCK_NONBLOCK|SOCK_CLOEXEC added),
 * DELAY_MS apart, for at most BUDGET_MS (then TIMEOUT_ERR). Returns the
 * connected winner's fd (non-blocking, close-on-exec; the caller owns it) and
 * its candidate index in *WINNER, or -errno: the last attempt's error,
 * TIMEOUT_ERR, -EINTR when poll was interrupted by a signal (every attempt is
 * closed then). No packet is sent except the attempts' SYNs (or, for
 * SOCK_DGRAM, nothing at all: a UDP connect succeeds at once).
 */
int eyeballs_race(const struct eyeballs_ops *ops, const struct sockaddr_storage *dst, size_t n,
                  int type, int protocol, unsigned delay_ms, unsigned budget_ms, int timeout_err,
                  eyeballs_prepare_fn prepare, void *ctx, size_t *winner);

#endif
