/*
 * Non-blocking connects to a name with several addresses fail over to the
 * next candidate (shim/nbconnect.h), through libv6shim.so preloaded as a
 * user runs it, with names from the test hosts file (nss_wrapper):
 * dual.v6kit.test is ::1 first and 127.0.0.1 second, and only 127.0.0.1
 * serves, so the ::1 attempt is refused and the program must end connected
 * to the IPv4 server. deadend.v6kit.test is ::1 and 2001:db8:dead::1 (no
 * route in the test's namespace: that connect fails at once). Driven by
 * poll, ppoll, select, pselect, epoll_wait (level- and edge-triggered),
 * SO_ERROR and a repeated connect; EINTR during poll; what the program sees
 * when nothing serves, compared with the kernel's own answers.
 */
/* NOLINTBEGIN(v6-*): these tests drive the shim through the IPv4-only API on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "v6test.h"

/* NAME:PORT as the legacy program builds it: gethostbyname's first address. */
static struct sockaddr_in by_name(const char *name, uint16_t port)
{
    struct hostent *h = gethostbyname(name);
    assert_non_null(h);
    assert_int_equal(h->h_addrtype, AF_INET);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    memcpy(&sin.sin_addr, h->h_addr_list[0], sizeof sin.sin_addr);
    return sin;
}

/* A port nothing listens on (a server's, freed). */
static uint16_t free_port(void)
{
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_ECHO), 0);
    uint16_t port = srv.port;
    v6test_server_stop(&srv);
    return port;
}

/* A non-blocking AF_INET socket whose connect to DST is under way (or done). */
static int start_connect(const struct sockaddr_in *dst)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    errno = 0;
    int rc = connect(fd, (const struct sockaddr *)dst, sizeof *dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    return fd;
}

static int so_error(int fd)
{
    int err = -1;
    socklen_t len = sizeof err;
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
    return err;
}

/* The line a V6TEST_SAY_PEER server sent first. */
static void assert_peer_line(int fd, const char *want)
{
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    char buf[64] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), (ssize_t)strlen(want));
    assert_string_equal(buf, want);
}

/* The fd is connected to the IPv4 server, shown as the pool address DST. */
static void assert_connected_v4(int fd, const struct sockaddr_in *dst)
{
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.sin_addr.s_addr, dst->sin_addr.s_addr);
    assert_int_equal(peer.sin_port, dst->sin_port);
    assert_peer_line(fd, "127.0.0.1\n");
}

/* ---- poll, SO_ERROR, connect again ---- */

static void test_poll_fails_over_from_refusing_ipv6_to_the_ipv4_server(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    int fd = start_connect(&dst);
    /* (an array and a count the compiler cannot see: the fortified build
     * of this test calls __poll_chk) */
    struct pollfd pa[1] = {{fd, POLLOUT, 0}};
    volatile nfds_t one = 1;
    assert_int_equal(poll(pa, one, 5000), 1);
    struct pollfd p = pa[0];
    assert_int_equal(p.revents, POLLOUT); /* never the refused attempt's POLLERR */
    assert_int_equal(so_error(fd), 0);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    /* As the kernel after an asynchronous connect: 0 once, then EISCONN. */
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, EISCONN);
    assert_connected_v4(fd, &dst);
    close(fd);
    v6test_server_stop(&srv);
}

static void test_ppoll_fails_over_too(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    int fd = start_connect(&dst);
    struct pollfd p[2] = {{-1, POLLIN, 0}, {fd, POLLOUT, 0}}; /* a negative fd is skipped */
    struct timespec ts = {5, 0};
    volatile nfds_t two = 2; /* (fortified: __ppoll_chk) */
    assert_int_equal(ppoll(p, two, &ts, NULL), 1);
    assert_int_equal(p[0].revents, 0);
    assert_int_equal(p[1].revents, POLLOUT);
    assert_connected_v4(fd, &dst);
    close(fd);
    v6test_server_stop(&srv);
}

/* SO_ERROR and connect without any poll: the shim checks the fd itself. */
static void test_so_error_and_connect_again_follow_the_fail_over(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    int fd = start_connect(&dst);
    /* Repeated connects: EALREADY while an attempt runs, then 0 (never
     * the refused ::1 attempt's ECONNREFUSED). */
    int rc, n = 0;
    do {
        errno = 0;
        rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
        if (rc != 0) {
            assert_int_equal(errno, EALREADY);
            usleep(1000);
        }
    } while (rc != 0 && ++n < 5000);
    assert_int_equal(rc, 0);
    assert_int_equal(so_error(fd), 0);
    assert_connected_v4(fd, &dst);
    close(fd);
    v6test_server_stop(&srv);
}

/* Nothing serves: the program sees what the kernel says of one refused
 * non-blocking connect (the last candidate's own socket and error). */
static void test_poll_when_nothing_serves_gives_the_kernels_econnrefused(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = free_port();
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, port);
    struct sockaddr_in lo = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    short revents[2];
    int soerr[2], again[2];
    for (int k = 0; k < 2; k++) {
        int fd = start_connect(k == 0 ? &dst : &lo);
        struct pollfd p = {fd, POLLOUT, 0};
        assert_int_equal(poll(&p, 1, 5000), 1);
        revents[k] = p.revents;
        soerr[k] = so_error(fd);
        errno = 0;
        assert_int_equal(connect(fd, (struct sockaddr *)(k == 0 ? &dst : &lo), sizeof dst), -1);
        again[k] = errno;
        if (k == 0)
            assert_int_equal(v6test_raw_domain(fd), AF_INET); /* 127.0.0.1 was tried last */
        close(fd);
    }
    assert_int_equal(soerr[0], ECONNREFUSED);
    assert_int_equal(revents[0], revents[1]);
    assert_true(revents[0] & POLLERR);
    assert_int_equal(soerr[0], soerr[1]);
    assert_int_equal(again[0], again[1]);
}

/* The last candidate fails at once (no route): the error the program gets
 * is that attempt's, once, through SO_ERROR; the fd still flags POLLERR
 * until then. */
static void test_last_candidate_failing_at_once_gives_its_error(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = free_port();
    struct sockaddr_in dst = by_name("deadend.v6kit.test", port);
    int fd = start_connect(&dst);
    struct pollfd p = {fd, POLLOUT, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_true(p.revents & POLLERR);
    p.revents = 0;
    assert_int_equal(poll(&p, 1, 0), 1);
    assert_true(p.revents & POLLERR);
    assert_int_equal(so_error(fd), ENETUNREACH);
    assert_int_equal(so_error(fd), 0); /* read once, as the kernel's */
    close(fd);

    /* connect again instead of SO_ERROR: the same error, once. */
    fd = start_connect(&dst);
    p = (struct pollfd){fd, POLLOUT, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), -1);
    assert_int_equal(errno, ENETUNREACH);
    assert_int_equal(so_error(fd), 0);
    close(fd);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* A signal during a poll that already failed over: -1/EINTR as the kernel
 * gives it (poll(2) is never restarted), and the fd is still connected. */
static void test_eintr_during_poll_is_the_kernels(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_ECHO), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    int fd = start_connect(&dst);
    /* Wait for data the echo server never sends unasked: only the signal
     * ends this poll, after the shim moved the fd to 127.0.0.1. */
    struct itimerval it = {.it_value = {0, 200000}};
    alarms = 0;
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    struct pollfd p = {fd, POLLIN, 0};
    errno = 0;
    assert_int_equal(poll(&p, 1, 20000), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(alarms, 1);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    p.events = POLLOUT;
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_int_equal(p.revents, POLLOUT);
    assert_int_equal(write(fd, "ping", 4), 4);
    p.events = POLLIN;
    assert_int_equal(poll(&p, 1, 5000), 1);
    char buf[8] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), 4);
    assert_string_equal(buf, "ping");
    assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
    close(fd);
    v6test_server_stop(&srv);
}

/* ---- select, pselect ---- */

/* The socket as fd FD_SETSIZE - 1, the highest select can watch. */
static int move_to_top(int fd)
{
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < FD_SETSIZE) {
        if (rl.rlim_max < FD_SETSIZE)
            return -1;
        rl.rlim_cur = FD_SETSIZE;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    assert_int_equal(dup2(fd, FD_SETSIZE - 1), FD_SETSIZE - 1);
    close(fd); /* the socket has one fd again: it may be replaced */
    return FD_SETSIZE - 1;
}

static void test_select_at_fd_setsize_bound_fails_over(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    int fd = move_to_top(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    if (fd < 0) {
        v6test_server_stop(&srv);
        skip();
    }
    errno = 0;
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    fd_set w;
    FD_ZERO(&w);
    FD_SET(fd, &w);
    struct timeval tv = {5, 0};
    assert_int_equal(select(FD_SETSIZE, NULL, &w, NULL, &tv), 1);
    assert_true(FD_ISSET(fd, &w));
    /* Linux writes the time not slept back. */
    assert_true(tv.tv_sec < 5 || (tv.tv_sec == 5 && tv.tv_usec == 0));
    assert_int_equal(so_error(fd), 0);
    assert_connected_v4(fd, &dst);
    close(fd);
    v6test_server_stop(&srv);
}

static void test_pselect_when_nothing_serves_reports_ready_with_econnrefused(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = free_port();
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, port);
    int fd = start_connect(&dst);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(fd, &r);
    FD_SET(fd, &w);
    struct timespec ts = {5, 0};
    /* A failed connect is readable and writable: two bits, as the kernel. */
    assert_int_equal(pselect(fd + 1, &r, &w, NULL, &ts, NULL), 2);
    assert_true(FD_ISSET(fd, &r) && FD_ISSET(fd, &w));
    assert_int_equal(so_error(fd), ECONNREFUSED);
    close(fd);
}

/* ---- epoll ---- */

/* Registered after connect returned (the socket was already the ::1
 * attempt's): the registration follows the fd to 127.0.0.1. */
static void test_epoll_level_triggered_registration_follows_the_fail_over(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int fd = start_connect(&dst);
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = 0xbeef};
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
    struct epoll_event out[4];
    assert_int_equal(epoll_wait(ep, out, 4, 5000), 1);
    assert_true(out[0].data.u64 == 0xbeef);
    assert_int_equal(out[0].events, EPOLLOUT);
    assert_int_equal(so_error(fd), 0);
    /* Level-triggered: still writable, reported again. */
    assert_int_equal(epoll_wait(ep, out, 4, 5000), 1);
    assert_int_equal(out[0].events, EPOLLOUT);
    /* The registration is the new socket's: MOD and DEL work on it. */
    ev.events = EPOLLIN;
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev), 0);
    assert_int_equal(epoll_wait(ep, out, 4, 5000), 1);
    assert_int_equal(out[0].events, EPOLLIN);
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL), 0);
    assert_connected_v4(fd, &dst);
    close(fd);
    close(ep);
    v6test_server_stop(&srv);
}

/* Registered before connect, edge-triggered: one edge for the connect that
 * worked, none for the refused attempt, then one per arrival. */
static void test_epoll_edge_triggered_sees_one_edge_for_the_working_connect(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_ECHO), 0);
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, srv.port);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u64 = 0xed9e};
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
    errno = 0;
    int rc = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    assert_true(rc == 0 || errno == EINPROGRESS);
    struct epoll_event out[4];
    assert_int_equal(epoll_pwait(ep, out, 4, 5000, NULL), 1);
    assert_true(out[0].data.u64 == 0xed9e);
    assert_int_equal(out[0].events, EPOLLOUT);
    assert_int_equal(epoll_wait(ep, out, 4, 0), 0); /* the edge was consumed */
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    assert_int_equal(write(fd, "abc", 3), 3);
    assert_int_equal(epoll_wait(ep, out, 4, 5000), 1);
    assert_true(out[0].events & EPOLLIN);
    char buf[8] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), 3);
    assert_string_equal(buf, "abc");
    close(fd);
    close(ep);
    v6test_server_stop(&srv);
}

static void test_epoll_when_nothing_serves_reports_the_error(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = free_port();
    struct sockaddr_in dst = by_name(V6TEST_NAME_DUAL, port);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int fd = start_connect(&dst);
    struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
    struct epoll_event out[4];
    assert_int_equal(epoll_wait(ep, out, 4, 5000), 1);
    assert_int_equal(out[0].data.fd, fd);
    assert_true(out[0].events & EPOLLERR);
    assert_int_equal(so_error(fd), ECONNREFUSED);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
    close(ep);
}

/* ---- threads ---- */

#define NB_THREADS 8
#define NB_ROUNDS 16

struct nb_worker {
    struct sockaddr_in dst;
    int index;
    int ok; /* connects that ended at the IPv4 server */
};

/* NB_ROUNDS connects, each waited for with poll (odd threads) or epoll
 * (even ones), while the other threads fail over theirs. */
static void *nb_work(void *arg)
{
    struct nb_worker *w = arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < NB_ROUNDS; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(fd, (struct sockaddr *)&w->dst, sizeof w->dst) != 0 && errno != EINPROGRESS)
            break;
        bool ready;
        if (w->index % 2) {
            struct pollfd p = {fd, POLLOUT, 0};
            ready = poll(&p, 1, 5000) == 1 && p.revents == POLLOUT;
        } else {
            struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd}, out;
            ready = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 &&
                    epoll_wait(ep, &out, 1, 5000) == 1 && out.events == EPOLLOUT &&
                    out.data.fd == fd;
        }
        char buf[16] = {0};
        struct pollfd p = {fd, POLLIN, 0};
        if (ready && v6test_raw_domain(fd) == AF_INET && poll(&p, 1, 5000) == 1 &&
            read(fd, buf, sizeof buf - 1) == 10 && strcmp(buf, "127.0.0.1\n") == 0)
            w->ok++;
        close(fd);
    }
    close(ep);
    return NULL;
}

static void test_threads_fail_over_their_own_connects(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "127.0.0.1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    struct nb_worker w[NB_THREADS];
    pthread_t t[NB_THREADS];
    for (int i = 0; i < NB_THREADS; i++) {
        w[i] = (struct nb_worker){.dst = by_name(V6TEST_NAME_DUAL, srv.port), .index = i};
        assert_int_equal(pthread_create(&t[i], NULL, nb_work, &w[i]), 0);
    }
    for (int i = 0; i < NB_THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].ok, NB_ROUNDS);
    }
    v6test_server_stop(&srv);
}

/* ---- names with one address: the kernel's answers, untouched ---- */

static void test_single_address_name_keeps_the_kernels_semantics(void **state)
{
    V6TEST_REQUIRE_IPV6();
    uint16_t port = free_port();
    /* Another connect waits meanwhile, so the wait hooks take their slow
     * path: a dual-name attempt on a full ::1 accept queue. */
    uint16_t qport;
    int fill[2];
    int l = v6test_full_listener(&qport, fill);
    assert_true(l >= 0);
    struct sockaddr_in held = by_name(V6TEST_NAME_DUAL, qport);
    int waiting = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    assert_int_equal(connect(waiting, (struct sockaddr *)&held, sizeof held), -1);
    assert_int_equal(errno, EINPROGRESS);
    assert_int_equal(v6test_raw_domain(waiting), AF_INET6);
    struct sockaddr_in dst = by_name(V6TEST_NAME_V6ONLY, port);
    struct sockaddr_in6 six = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int rcs[2], errs[2], soerr[2], again[2];
    short revents[2];
    for (int k = 0; k < 2; k++) {
        int fd = socket(k == 0 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
        errno = 0;
        rcs[k] = k == 0 ? connect(fd, (struct sockaddr *)&dst, sizeof dst)
                        : connect(fd, (struct sockaddr *)&six, sizeof six);
        errs[k] = errno;
        struct pollfd p = {fd, POLLOUT, 0};
        assert_int_equal(poll(&p, 1, 5000), 1);
        revents[k] = p.revents;
        soerr[k] = so_error(fd);
        errno = 0;
        if (k == 0)
            connect(fd, (struct sockaddr *)&dst, sizeof dst);
        else
            connect(fd, (struct sockaddr *)&six, sizeof six);
        again[k] = errno;
        close(fd);
    }
    assert_int_equal(rcs[0], rcs[1]);
    assert_int_equal(errs[0], errs[1]);
    assert_int_equal(revents[0], revents[1]);
    assert_int_equal(soerr[0], ECONNREFUSED);
    assert_int_equal(soerr[0], soerr[1]);
    assert_int_equal(again[0], again[1]);
    /* The waiting one was never touched: still in progress on ::1. */
    assert_int_equal(v6test_raw_domain(waiting), AF_INET6);
    assert_int_equal(so_error(waiting), 0);
    errno = 0;
    assert_int_equal(connect(waiting, (struct sockaddr *)&held, sizeof held), -1);
    assert_int_equal(errno, EALREADY);
    close(waiting);
    close(fill[0]);
    close(fill[1]);
    close(l);
}

/* Off by default: a refused 127.0.0.1 stays refused, even with ::1 serving. */
static void test_loopback_fallback_is_off_by_default(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_SAY_PEER), 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in lo = {.sin_family = AF_INET,
                             .sin_port = htons(srv.port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    errno = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&lo, sizeof lo), -1);
    assert_int_equal(errno, ECONNREFUSED);
    assert_int_equal(v6test_raw_domain(fd), AF_INET);
    close(fd);
    v6test_server_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_fails_over_from_refusing_ipv6_to_the_ipv4_server),
        cmocka_unit_test(test_ppoll_fails_over_too),
        cmocka_unit_test(test_so_error_and_connect_again_follow_the_fail_over),
        cmocka_unit_test(test_poll_when_nothing_serves_gives_the_kernels_econnrefused),
        cmocka_unit_test(test_last_candidate_failing_at_once_gives_its_error),
        cmocka_unit_test(test_eintr_during_poll_is_the_kernels),
        cmocka_unit_test(test_select_at_fd_setsize_bound_fails_over),
        cmocka_unit_test(test_pselect_when_nothing_serves_reports_ready_with_econnrefused),
        cmocka_unit_test(test_epoll_level_triggered_registration_follows_the_fail_over),
        cmocka_unit_test(test_epoll_edge_triggered_sees_one_edge_for_the_working_connect),
        cmocka_unit_test(test_epoll_when_nothing_serves_reports_the_error),
        cmocka_unit_test(test_threads_fail_over_their_own_connects),
        cmocka_unit_test(test_single_address_name_keeps_the_kernels_semantics),
        cmocka_unit_test(test_loopback_fallback_is_off_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
