/*
 * fault_waits — signals during the wait calls the shim hooks (poll,
 * __poll_chk, ppoll, __ppoll_chk, select, pselect, epoll_wait, epoll_pwait:
 * shim/hooks/wait.c), one thread blocked in each at once, while a
 * non-blocking connect through the pool is under way; faults.sh runs it
 * without the shim on an IPv4 name and under the shim on the IPv4 and the
 * dual name (where the connect has a fail-over pending: [::1] first, then
 * 127.0.0.1), and requires waits.expected every time.
 *
 *   fault_waits NAME
 *
 * Every port P has two listeners with a full accept queue, [::1]:P
 * (IPV6_V6ONLY) and 127.0.0.1:P, so a SYN to either is dropped and the
 * connect stays under way. Per wait call, each twice (a SIGUSR1 handler
 * without SA_RESTART, then with it):
 *
 *   1. the thread waits for POLLOUT on its connecting fd (10 s) while
 *      SIGUSR1 comes every millisecond: -1 EINTR (Linux restarts none of
 *      these calls, SA_RESTART or not); select's timeval holds less than it
 *      was given; the fd is intact and its connect still under way
 *      (connect again: EALREADY);
 *   2. the [::1] listener closes (its SYN is answered with RST: the shim
 *      fails over to 127.0.0.1) and 127.0.0.1 gets room; the same call
 *      waits for POLLIN (2 s), which never comes: 0 at the timeout, however
 *      the fail-over went on inside it (select's timeval: 0);
 *   3. the same call waits for POLLOUT: 1, SO_ERROR 0, getpeername the
 *      address connected to;
 *   4. a bound UDP socket (no connect pending): the call waits for POLLIN
 *      under the storm: -1 EINTR, the socket intact.
 *
 * The open descriptors (/proc/self/fd) are the same before and after each
 * round. Lines are printed in a fixed order, "<handler>, <call>: <case>:
 * <result>"; the number of signals handled goes to stderr. Exit status 0
 * after every case ran, 1 when set-up failed.
 */
/* NOLINTBEGIN(v6-*): an IPv4-only program on purpose: what the shim runs under (v6scan self-scan). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* glibc's fortified poll and ppoll (what -D_FORTIFY_SOURCE=2 calls). */
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask,
                size_t fdslen);

enum call {
    C_POLL,
    C_POLL_CHK,
    C_PPOLL,
    C_PPOLL_CHK,
    C_SELECT,
    C_PSELECT,
    C_EPOLL,
    C_EPOLL_P,
    NCALL
};

static const char *const call_name[NCALL] = {"poll",   "__poll_chk", "ppoll",      "__ppoll_chk",
                                             "select", "pselect",    "epoll_wait", "epoll_pwait"};

static void die(const char *what)
{
    fprintf(stderr, "fault_waits: %s: %s\n", what, strerror(errno));
    exit(1);
}

static const char *ename(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "?";
}

/* ---- one thread per call ---- */

struct waiter {
    enum call call;
    pthread_t thread;
    int fd, udp, epfd;        /* the connecting socket, the UDP one, an epoll set */
    int l6, l4, fill6, fill4; /* the listeners of its port and their queued clients */
    struct sockaddr_in dst;
    char out[2048]; /* its lines, printed by main in order */
    size_t len;
};

static struct waiter waiters[NCALL];
static pthread_barrier_t step; /* NCALL waiters + main */
static const char *handler;    /* "no SA_RESTART" or "SA_RESTART" */
static atomic_bool storm_on;
static atomic_long signals;

static void line(struct waiter *w, const char *fmt, ...)
{
    int n =
        snprintf(w->out + w->len, sizeof w->out - w->len, "%s, %s: ", handler, call_name[w->call]);
    if (n > 0)
        w->len += (size_t)n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(w->out + w->len, sizeof w->out - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t)n;
    if (w->len + 1 < sizeof w->out)
        w->out[w->len++] = '\n';
    w->out[w->len] = 0;
}

/* "-1 EINTR", "0", "1 POLLOUT" … */
static void result(struct waiter *w, const char *what, int rc, int err, const char *more)
{
    if (rc < 0)
        line(w, "%s: -1 %s", what, ename(err));
    else
        line(w, "%s: %d%s", what, rc, more);
}

/*
 * W's call on FD for EVENTS with a timeout of MS. rc as the call returns
 * it, *ERR its errno, *READY whether FD was reported with one of EVENTS;
 * for select *LEFT_LESS whether the timeval written back holds less than
 * MS and *LEFT_ZERO whether it holds 0.
 */
static int wait_once(struct waiter *w, int fd, short events, int ms, int *err, bool *ready,
                     bool *left_less, bool *left_zero)
{
    struct pollfd p[1] = {{.fd = fd, .events = events}};
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    struct timeval tv = {ms / 1000, (long)(ms % 1000) * 1000};
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    fd_set *rs = events == POLLIN ? &set : NULL, *ws = events == POLLOUT ? &set : NULL;
    sigset_t none;
    sigemptyset(&none);
    struct epoll_event ev[4];
    int rc = -1;
    *ready = false;
    switch (w->call) {
    case C_POLL: rc = poll(p, 1, ms); break;
    case C_POLL_CHK: rc = __poll_chk(p, 1, ms, sizeof p); break;
    case C_PPOLL: rc = ppoll(p, 1, &ts, &none); break;
    case C_PPOLL_CHK: rc = __ppoll_chk(p, 1, &ts, &none, sizeof p); break;
    case C_SELECT: rc = select(fd + 1, rs, ws, NULL, &tv); break;
    case C_PSELECT: rc = pselect(fd + 1, rs, ws, NULL, &ts, &none); break;
    case C_EPOLL:
    case C_EPOLL_P: {
        struct epoll_event e = {.events = (uint32_t)events, .data.u64 = 0x5eed0000u + (unsigned)fd};
        if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, fd, &e) != 0 &&
            (errno != ENOENT || epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &e) != 0))
            die("epoll_ctl");
        rc = w->call == C_EPOLL ? epoll_wait(w->epfd, ev, 4, ms)
                                : epoll_pwait(w->epfd, ev, 4, ms, &none);
        break;
    }
    case NCALL: break;
    }
    *err = errno;
    if (rc > 0) {
        if (w->call == C_SELECT || w->call == C_PSELECT)
            *ready = FD_ISSET(fd, &set);
        else if (w->call == C_EPOLL || w->call == C_EPOLL_P)
            *ready =
                ev[0].data.u64 == 0x5eed0000u + (unsigned)fd && (ev[0].events & (unsigned)events);
        else
            *ready = p[0].revents & events;
    }
    long long given = (long long)ms * 1000000,
              left = (long long)tv.tv_sec * 1000000000 + tv.tv_usec * 1000;
    *left_less = left < given;
    *left_zero = left == 0;
    return rc;
}

static bool fd_intact(int fd, int type)
{
    int t = 0;
    socklen_t l = sizeof t;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &l) == 0 && t == type;
}

static void *waiter_run(void *arg)
{
    struct waiter *w = arg;
    int err;
    bool ready, less, zero;
    pthread_barrier_wait(&step); /* 1: every connect under way, the storm starts */
    int rc = wait_once(w, w->fd, POLLOUT, 10000, &err, &ready, &less, &zero);
    pthread_barrier_wait(&step); /* 2: every thread interrupted, the storm stops */
    result(w, "signalled during a connect", rc, err, "");
    if (w->call == C_SELECT)
        line(w, "signalled during a connect: timeval written back %s",
             less ? "smaller" : "not smaller");
    line(w, "signalled during a connect: fd %s", fd_intact(w->fd, SOCK_STREAM) ? "ok" : "broken");
    errno = 0;
    rc = connect(w->fd, (struct sockaddr *)&w->dst, sizeof w->dst);
    result(w, "connect again", rc, errno, "");
    pthread_barrier_wait(&step); /* 3: [::1] closed, 127.0.0.1 has room */
    rc = wait_once(w, w->fd, POLLIN, 2000, &err, &ready, &less, &zero);
    result(w, "POLLIN that never comes, 2 s", rc, err, "");
    if (w->call == C_SELECT)
        line(w, "POLLIN that never comes: timeval written back %s", zero ? "0" : "not 0");
    rc = wait_once(w, w->fd, POLLOUT, 10000, &err, &ready, &less, &zero);
    result(w, "POLLOUT", rc, err, ready ? " ready" : " not ready");
    int soerr = -1;
    socklen_t sl = sizeof soerr;
    getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    line(w, "SO_ERROR: %s", soerr ? ename(soerr) : "0");
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    rc = getpeername(w->fd, (struct sockaddr *)&peer, &pl);
    line(w, "getpeername: %d, %s", rc,
         rc == 0 && peer.sin_family == AF_INET && peer.sin_addr.s_addr == w->dst.sin_addr.s_addr &&
                 peer.sin_port == w->dst.sin_port
             ? "the address connected to"
             : "another address");
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->fd, NULL); /* (ready: it would end the next wait) */
    pthread_barrier_wait(&step);                    /* 4: the storm again, no connect pending */
    rc = wait_once(w, w->udp, POLLIN, 10000, &err, &ready, &less, &zero);
    pthread_barrier_wait(&step); /* 5: the storm stops */
    result(w, "signalled, no connect pending", rc, err, "");
    line(w, "signalled, no connect pending: fd %s",
         fd_intact(w->udp, SOCK_DGRAM) ? "ok" : "broken");
    return NULL;
}

/* ---- set-up ---- */

static int listener(int family, uint16_t port, uint16_t *got)
{
    int fd = socket(family, SOCK_STREAM, 0), one = 1;
    if (fd < 0)
        die("socket");
    union {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } a = {0};
    socklen_t len;
    if (family == AF_INET6) {
        a.in6 = (struct sockaddr_in6){
            .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        len = sizeof a.in6;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
            die("IPV6_V6ONLY");
    } else {
        a.in = (struct sockaddr_in){.sin_family = AF_INET,
                                    .sin_port = htons(port),
                                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        len = sizeof a.in;
    }
    if (bind(fd, &a.sa, len) != 0) {
        close(fd);
        return -1;
    }
    if (listen(fd, 0) != 0 || getsockname(fd, &a.sa, &len) != 0)
        die("listen");
    *got = ntohs(family == AF_INET6 ? a.in6.sin6_port : a.in.sin_port);
    return fd;
}

/* A client that takes the one place in L's accept queue (FAMILY's loopback). */
static int filler(int family, uint16_t port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    int rc;
    if (family == AF_INET6) {
        struct sockaddr_in6 a = {
            .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons(port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (fd < 0 || rc != 0)
        die("filling an accept queue");
    return fd;
}

static void setup(struct waiter *w, struct in_addr dst)
{
    uint16_t port = 0;
    for (int tries = 0; tries < 50; tries++) {
        w->l6 = listener(AF_INET6, 0, &port);
        if (w->l6 < 0)
            die("[::1] listener");
        uint16_t same;
        w->l4 = listener(AF_INET, port, &same);
        if (w->l4 >= 0)
            break;
        close(w->l6);
        w->l6 = -1;
    }
    if (w->l6 < 0)
        die("no port free on both loopbacks");
    w->fill6 = filler(AF_INET6, port);
    w->fill4 = filler(AF_INET, port);
    w->dst = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = dst};
    w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    int rc = connect(w->fd, (struct sockaddr *)&w->dst, sizeof w->dst);
    result(w, "connect", rc, errno, "");
    w->udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (w->udp < 0 || bind(w->udp, (struct sockaddr *)&any, sizeof any) != 0)
        die("UDP socket");
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (w->epfd < 0)
        die("epoll_create1");
}

/* [::1] goes (the SYN waiting there is answered with RST), 127.0.0.1 gets
 * room (the SYN waiting there is answered when retransmitted). */
static void make_room(struct waiter *w)
{
    close(w->fill6);
    close(w->l6);
    int a = accept(w->l4, NULL, NULL);
    if (a < 0)
        die("accept");
    close(a);
}

static void teardown(struct waiter *w)
{
    close(w->fd);
    close(w->udp);
    close(w->epfd);
    close(w->fill4);
    close(w->l4);
}

/* ---- the storm ---- */

static void on_signal(int sig)
{
    (void)sig;
    atomic_fetch_add(&signals, 1);
}

/* SIGUSR1 at every waiter, every millisecond, until storm_on is false. */
static void *storm(void *arg)
{
    (void)arg;
    struct timespec ms = {0, 1000000};
    while (atomic_load(&storm_on)) {
        for (int i = 0; i < NCALL; i++)
            pthread_kill(waiters[i].thread, SIGUSR1);
        nanosleep(&ms, NULL);
    }
    return NULL;
}

static pthread_t storm_thread;

static void storm_start(void)
{
    atomic_store(&storm_on, true);
    if (pthread_create(&storm_thread, NULL, storm, NULL) != 0)
        die("pthread_create");
}

static void storm_stop(void)
{
    atomic_store(&storm_on, false);
    pthread_join(storm_thread, NULL);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        die("/proc/self/fd");
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void round_of(struct in_addr dst, bool restart)
{
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = restart ? SA_RESTART : 0};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0)
        die("sigaction");
    handler = restart ? "SA_RESTART" : "no SA_RESTART";
    int before = open_fds();
    if (pthread_barrier_init(&step, NULL, NCALL + 1) != 0)
        die("pthread_barrier_init");
    for (int i = 0; i < NCALL; i++) {
        struct waiter *w = &waiters[i];
        memset(w, 0, sizeof *w);
        w->call = (enum call)i;
        setup(w, dst);
        if (pthread_create(&w->thread, NULL, waiter_run, w) != 0)
            die("pthread_create");
    }
    pthread_barrier_wait(&step); /* 1 */
    storm_start();
    pthread_barrier_wait(&step); /* 2 */
    storm_stop();
    for (int i = 0; i < NCALL; i++)
        make_room(&waiters[i]);
    pthread_barrier_wait(&step); /* 3 */
    pthread_barrier_wait(&step); /* 4 */
    storm_start();
    pthread_barrier_wait(&step); /* 5 */
    storm_stop();
    for (int i = 0; i < NCALL; i++) {
        pthread_join(waiters[i].thread, NULL);
        teardown(&waiters[i]);
        fputs(waiters[i].out, stdout);
    }
    pthread_barrier_destroy(&step);
    int after = open_fds();
    printf("%s: descriptors after the round: %s\n", handler,
           after == before ? "as before" : "not as before");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fault_waits NAME\n");
        return 2;
    }
    struct hostent *h = gethostbyname(argv[1]);
    if (!h || h->h_addrtype != AF_INET) {
        fprintf(stderr, "fault_waits: %s: no IPv4 view (h_errno %d)\n", argv[1], h_errno);
        return 1;
    }
    struct in_addr dst;
    memcpy(&dst, h->h_addr_list[0], sizeof dst);
    round_of(dst, false);
    round_of(dst, true);
    fprintf(stderr, "fault_waits: %ld signals handled\n", atomic_load(&signals));
    return 0;
}
/* NOLINTEND(v6-*) */
