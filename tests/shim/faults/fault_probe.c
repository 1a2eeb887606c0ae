/*
 * fault_probe — the faults of issue 14, driven the way a legacy IPv4
 * program meets them, one result line per case. faults.sh runs it without
 * the shim (nss_wrapper only) on an IPv4 name, then under the shim on an
 * IPv4, an IPv6-only and a dual name, and requires the same lines every
 * time: whatever the family behind a name, the program sees what it would
 * see without the shim talking to an IPv4 host.
 *
 *   fault_probe sockets NAME    signals during blocking calls, resets,
 *                               the descriptor limit (NAME: a hosts-file name)
 *   fault_probe resolver NAME   lookups of NAME (missing, or unanswered)
 *   fault_probe dns-sink X      holds 127.0.0.1:53 (UDP) and never answers
 *
 * A line is "<case>: <what the program saw>", errno and h_errno by name
 * (strerrorname_np), and "fd ok" where the descriptor must still be the
 * socket it was. Exit status 0 after every case ran, 1 when set-up failed
 * (the message says what), 2 on usage.
 */
/* NOLINTBEGIN(v6-*): an IPv4-only program on purpose: what the shim runs under (v6scan self-scan). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "fault_probe: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* "-1 EINTR", "0", "5" … */
static void say(const char *what, long rc, int err)
{
    if (rc < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(err) ? strerrorname_np(err) : "?");
    else
        printf("%s: %ld\n", what, rc);
    fflush(stdout);
}

/* The descriptor is still an open socket of TYPE. */
static void fd_check(const char *what, int fd, int type)
{
    int t = 0;
    socklen_t l = sizeof t;
    bool ok = getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &l) == 0 && t == type;
    printf("%s: fd %s\n", what, ok ? "ok" : "broken");
}

/* ---- the signal storm ---- */

static atomic_bool storm_on;
static atomic_long signals;
static pthread_t storm_thread, storm_target;

static void on_signal(int sig)
{
    (void)sig;
    atomic_fetch_add(&signals, 1);
}

static void *storm(void *arg)
{
    (void)arg;
    struct timespec ms = {0, 1000000};
    while (atomic_load(&storm_on)) {
        pthread_kill(storm_target, SIGUSR1);
        nanosleep(&ms, NULL);
    }
    return NULL;
}

/* SIGUSR1 every millisecond at the calling thread, no SA_RESTART. */
static void storm_start(void)
{
    storm_target = pthread_self();
    atomic_store(&storm_on, true);
    if (pthread_create(&storm_thread, NULL, storm, NULL) != 0)
        die("pthread_create");
}

static void storm_stop(void)
{
    atomic_store(&storm_on, false);
    pthread_join(storm_thread, NULL);
}

/* ---- helpers ---- */

/* NAME's first address by gethostbyname, as a legacy program finds it. */
static struct in_addr lookup(const char *name)
{
    struct hostent *h = gethostbyname(name);
    if (!h || h->h_addrtype != AF_INET) {
        fprintf(stderr, "fault_probe: %s: no IPv4 view (h_errno %d)\n", name, h_errno);
        exit(1);
    }
    struct in_addr a;
    memcpy(&a, h->h_addr_list[0], sizeof a);
    return a;
}

/* A dual-stack TCP socket on [::]:port (LISTEN: listening with BACKLOG),
 * made the IPv6 way, so it serves the IPv4 and IPv6 names alike. */
static int dual_socket(bool listening, int backlog, uint16_t *port)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    int zero = 0;
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || (listening && listen(fd, backlog) != 0))
        die("dual-stack socket");
    socklen_t l = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &l) != 0)
        die("getsockname");
    *port = ntohs(a.sin6_port);
    return fd;
}

static struct sockaddr_in sin_of(struct in_addr a, uint16_t port)
{
    return (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = a};
}

/* A plain IPv6 client to [::1]:port, to fill an accept queue. */
static int filler(uint16_t port)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("filling the accept queue");
    return fd;
}

/* ---- signals during blocking calls ---- */

/* A blocking connect to a listener whose accept queue is full waits for the
 * SYN to be answered: the signal interrupts it (EINTR), the connection goes
 * on (EALREADY), and completes once the queue has room. */
static void case_connect_eintr(struct in_addr dst)
{
    uint16_t port;
    int l = dual_socket(true, 0, &port); /* room for one */
    int first = filler(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin_of(dst, port);
    storm_start();
    int rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    int e = errno;
    storm_stop();
    say("connect, signalled", rc, e);
    fd_check("connect, signalled", fd, SOCK_STREAM);
    /* Non-blocking from here: a blocking connect would wait for the SYN. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    say("connect again while under way", rc, errno);
    close(accept(l, NULL, NULL)); /* room: the SYN retransmitted gets its answer */
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    rc = poll(&p, 1, 10000); /* bounded; the retransmission comes after 1 s */
    printf("poll for the connection: %d%s\n", rc,
           rc == 1 && (p.revents & POLLOUT) ? " POLLOUT" : "");
    int soerr = -1;
    socklen_t sl = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    printf("SO_ERROR: %s\n", soerr ? strerrorname_np(soerr) : "0");
    rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    say("connect once connected", rc, errno);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    rc = getpeername(fd, (struct sockaddr *)&peer, &pl);
    printf("getpeername: %d, %s\n", rc,
           rc == 0 && peer.sin_family == AF_INET && peer.sin_addr.s_addr == dst.s_addr &&
                   peer.sin_port == htons(port)
               ? "the address connected to"
               : "another address");
    close(fd);
    close(first);
    close(l);
}

/* accept on a legacy server socket (0.0.0.0, made dual-stack by the shim). */
static void case_accept_eintr(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(l, (struct sockaddr *)&any, sizeof any) != 0 || listen(l, 8) != 0)
        die("legacy listener");
    socklen_t al = sizeof any;
    getsockname(l, (struct sockaddr *)&any, &al);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    storm_start();
    int rc = accept(l, (struct sockaddr *)&peer, &pl);
    int e = errno;
    storm_stop();
    say("accept, signalled", rc, e);
    fd_check("accept, signalled", l, SOCK_STREAM);
    storm_start();
    rc = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
    e = errno;
    storm_stop();
    say("accept4, signalled", rc, e);
    /* Still listening: a client arrives and is accepted. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin_of((struct in_addr){htonl(INADDR_LOOPBACK)}, ntohs(any.sin_port));
    if (connect(c, (struct sockaddr *)&to, sizeof to) != 0)
        die("connect to the legacy listener");
    pl = sizeof peer;
    int a = accept(l, (struct sockaddr *)&peer, &pl);
    printf("accept after the signals: %s\n",
           a >= 0 && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK)
               ? "a client from 127.0.0.1"
               : "failed");
    close(a);
    close(c);
    close(l);
}

/* recvfrom, recvmsg, recvmmsg on a legacy UDP socket bound to 0.0.0.0. */
static void case_recv_eintr(void)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(u, (struct sockaddr *)&any, sizeof any) != 0)
        die("legacy UDP socket");
    socklen_t al = sizeof any;
    getsockname(u, (struct sockaddr *)&any, &al);
    char buf[64];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    storm_start();
    ssize_t rc = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    int e = errno;
    storm_stop();
    say("recvfrom, signalled", rc, e);
    struct iovec iov = {buf, sizeof buf};
    struct msghdr mh = {
        .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    storm_start();
    rc = recvmsg(u, &mh, 0);
    e = errno;
    storm_stop();
    say("recvmsg, signalled", rc, e);
    struct mmsghdr mm = {.msg_hdr = mh};
    storm_start();
    rc = recvmmsg(u, &mm, 1, 0, NULL);
    e = errno;
    storm_stop();
    say("recvmmsg, signalled", rc, e);
    fd_check("recv, signalled", u, SOCK_DGRAM);
    /* Still bound where it was: a datagram arrives with its source. */
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = sin_of((struct in_addr){htonl(INADDR_LOOPBACK)}, ntohs(any.sin_port));
    sendto(c, "x", 1, 0, (struct sockaddr *)&to, sizeof to);
    fl = sizeof from;
    rc = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("recvfrom after the signals: %zd from %s\n", rc,
           rc == 1 && from.sin_family == AF_INET && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK)
               ? "127.0.0.1"
               : "elsewhere");
    close(c);
    close(u);
}

/* ---- resets ---- */

static void case_resets(struct in_addr dst)
{
    /* A port that is bound but not listening answers a SYN with RST. */
    uint16_t port;
    int closed = dual_socket(false, 0, &port);
    struct sockaddr_in to = sin_of(dst, port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    say("connect to a port that resets", rc, errno);
    fd_check("connect to a port that resets", fd, SOCK_STREAM);
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    int e = errno;
    if (rc < 0 && e == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        poll(&p, 1, 10000);
        int soerr = -1;
        socklen_t sl = sizeof soerr;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        printf("non-blocking connect to a port that resets: EINPROGRESS, then SO_ERROR %s\n",
               soerr ? strerrorname_np(soerr) : "0");
    } else {
        say("non-blocking connect to a port that resets", rc, e);
    }
    close(fd);
    close(closed);

    /* Connected into the accept queue, then the listener goes away: RST. */
    int l = dual_socket(true, 4, &port);
    to = sin_of(dst, port);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    say("connect into the accept queue", rc, errno);
    close(l);
    char b[8];
    ssize_t m = recv(fd, b, sizeof b, 0);
    say("recv after the listener closed", m, errno);
    fd_check("recv after the listener closed", fd, SOCK_STREAM);
    close(fd);

    /* Accepted, then aborted by the server (SO_LINGER 0: RST). */
    l = dual_socket(true, 4, &port);
    to = sin_of(dst, port);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    rc = connect(fd, (struct sockaddr *)&to, sizeof to);
    int a = accept(l, NULL, NULL);
    struct linger lg = {1, 0};
    setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(a);
    m = recv(fd, b, sizeof b, 0);
    say("recv after the server aborted", m, errno);
    m = send(fd, "x", 1, MSG_NOSIGNAL);
    say("send after the reset", m, errno);
    close(fd);
    close(l);
}

/* ---- the descriptor limit mid-upgrade ---- */

static int fill[64], nfill;

/* Leaves exactly one free descriptor below a limit of 64. */
static void limit_start(struct rlimit *old)
{
    struct rlimit low;
    if (getrlimit(RLIMIT_NOFILE, old) != 0)
        die("getrlimit");
    low = *old;
    low.rlim_cur = 64;
    if (setrlimit(RLIMIT_NOFILE, &low) != 0)
        die("setrlimit");
    int d;
    nfill = 0;
    while (nfill < 64 && (d = dup(0)) >= 0)
        fill[nfill++] = d;
    close(fill[--nfill]);
}

static void limit_end(const struct rlimit *old)
{
    while (nfill > 0)
        close(fill[--nfill]);
    setrlimit(RLIMIT_NOFILE, old);
}

static void case_fd_limit(struct in_addr dst)
{
    struct rlimit old;
    /* A legacy server's bind to 0.0.0.0, then listen, with no descriptor to spare. */
    limit_start(&old);
    int fd = socket(AF_INET, SOCK_STREAM, 0); /* the last descriptor */
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    int rc = bind(fd, (struct sockaddr *)&any, sizeof any);
    say("bind 0.0.0.0 at the descriptor limit", rc, errno);
    rc = listen(fd, 8);
    say("listen at the descriptor limit", rc, errno);
    socklen_t al = sizeof any;
    getsockname(fd, (struct sockaddr *)&any, &al);
    close(fill[--nfill]); /* one for the client */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin_of((struct in_addr){htonl(INADDR_LOOPBACK)}, ntohs(any.sin_port));
    rc = connect(c, (struct sockaddr *)&to, sizeof to);
    say("an IPv4 client of that listener", rc, errno);
    close(c);
    close(fd);
    limit_end(&old);

    /* listen without bind (the kernel picks 0.0.0.0:port). */
    limit_start(&old);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    rc = listen(fd, 8);
    say("listen unbound at the descriptor limit", rc, errno);
    fd_check("listen unbound at the descriptor limit", fd, SOCK_STREAM);
    close(fd);
    limit_end(&old);

    /* A UDP datagram to NAME from an unbound legacy socket. */
    uint16_t port;
    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    int zero = 0;
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    if (u6 < 0 || setsockopt(u6, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0 ||
        bind(u6, (struct sockaddr *)&a6, sizeof a6) != 0)
        die("dual-stack UDP socket");
    al = sizeof a6;
    getsockname(u6, (struct sockaddr *)&a6, &al);
    port = ntohs(a6.sin6_port);
    to = sin_of(dst, port);
    limit_start(&old);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    ssize_t n = sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to);
    say("sendto at the descriptor limit", n, errno);
    fd_check("sendto at the descriptor limit", fd, SOCK_DGRAM);
    close(fill[--nfill]);
    n = sendto(fd, "y", 1, 0, (struct sockaddr *)&to, sizeof to);
    say("sendto with one descriptor spare", n, errno);
    close(fd);
    limit_end(&old);
    char b[4];
    int got = 0;
    struct pollfd p = {.fd = u6, .events = POLLIN};
    while (poll(&p, 1, got ? 100 : 2000) == 1 && recv(u6, b, sizeof b, 0) == 1)
        got++;
    printf("datagrams that arrived: %d\n", got);
    close(u6);
}

/* ---- the resolver ---- */

static const char *herr_name(int h)
{
    switch (h) {
    case HOST_NOT_FOUND: return "HOST_NOT_FOUND";
    case TRY_AGAIN: return "TRY_AGAIN";
    case NO_RECOVERY: return "NO_RECOVERY";
    case NO_DATA: return "NO_DATA";
    default: return "?";
    }
}

static const char *eai_name(int g)
{
    switch (g) {
    case 0: return "0";
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_NODATA: return "EAI_NODATA";
    case EAI_SYSTEM: return "EAI_SYSTEM";
    default: return "EAI_?";
    }
}

static void case_resolver(const char *name)
{
    struct hostent *h = gethostbyname(name);
    printf("gethostbyname: %s\n", h ? "found" : herr_name(h_errno));
    h = gethostbyname2(name, AF_INET);
    printf("gethostbyname2 AF_INET: %s\n", h ? "found" : herr_name(h_errno));
    struct hostent he, *r = NULL;
    char buf[1024];
    int herr = 0;
    int rc = gethostbyname_r(name, &he, buf, sizeof buf, &r, &herr);
    printf("gethostbyname_r: %s, h_errno %s\n",
           r    ? "found"
           : rc ? strerrorname_np(rc)
                : "0",
           r ? "-" : herr_name(herr));
    int fams[] = {AF_UNSPEC, AF_INET};
    for (int i = 0; i < 2; i++) {
        struct addrinfo hints = {.ai_family = fams[i], .ai_socktype = SOCK_STREAM}, *res = NULL;
        int g = getaddrinfo(name, "80", &hints, &res);
        printf("getaddrinfo %s: %s\n", i ? "AF_INET" : "AF_UNSPEC", eai_name(g));
        if (res)
            freeaddrinfo(res);
    }
    /* The reverse of an address no hosts file names (TEST-NET-1). */
    struct sockaddr_in sa = sin_of((struct in_addr){htonl(0xc0000263)}, 80); /* 192.0.2.99 */
    char host[NI_MAXHOST];
    int g = getnameinfo((struct sockaddr *)&sa, sizeof sa, host, sizeof host, NULL, 0, NI_NAMEREQD);
    printf("getnameinfo NI_NAMEREQD: %s\n", eai_name(g));
    struct in_addr a = sa.sin_addr;
    h = gethostbyaddr(&a, sizeof a, AF_INET);
    printf("gethostbyaddr: %s\n", h ? "found" : herr_name(h_errno));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fault_probe sockets|resolver NAME\n");
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0)
        die("sigaction");
    if (strcmp(argv[1], "sockets") == 0) {
        struct in_addr dst = lookup(argv[2]);
        case_connect_eintr(dst);
        case_accept_eintr();
        case_recv_eintr();
        case_resets(dst);
        case_fd_limit(dst);
    } else if (strcmp(argv[1], "dns-sink") == 0) {
        /* A nameserver on 127.0.0.1:53 that never answers (faults.sh). */
        int u = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a = sin_of((struct in_addr){htonl(INADDR_LOOPBACK)}, 53);
        if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof a) != 0)
            die("binding 127.0.0.1:53");
        pause();
    } else if (strcmp(argv[1], "resolver") == 0) {
        case_resolver(argv[2]);
    } else {
        fprintf(stderr, "fault_probe: unknown mode '%s'\n", argv[1]);
        return 2;
    }
    return 0;
}
/* NOLINTEND(v6-*) */
