/* eyeballs — RFC 8305 connection racing; see eyeballs.h. */
#define _GNU_SOURCE
#include "eyeballs.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

void eyeballs_init(struct eyeballs *he, const int *families, size_t n, unsigned delay_ms,
                   unsigned budget_ms, int timeout_err, uint64_t now_ms)
{
    memset(he, 0, sizeof *he);
    if (n > EYEBALLS_MAX)
        n = EYEBALLS_MAX;
    he->n = n;
    he->delay_ms = delay_ms;
    he->deadline_ms = now_ms + budget_ms;
    he->timeout_err = timeout_err;
    he->last_err = EHOSTUNREACH;
    he->winner = -1;
    if (n == 0)
        return;
    /* RFC 8305 §4: interleave the families, the preferred one (the first
     * candidate's) first, each family keeping its own order. */
    int first = families[0];
    size_t pi = 0, oi = 0, k = 0;
    bool want_first = true;
    while (k < n) {
        size_t *idx = want_first ? &pi : &oi;
        while (*idx < n && (families[*idx] == first) != want_first)
            (*idx)++;
        if (*idx < n) {
            he->a[k].cand = *idx;
            he->a[k].family = families[*idx];
            he->a[k].state = EYEBALLS_IDLE;
            k++;
            (*idx)++;
        }
        /* Alternate while both families still have candidates left. */
        want_first = !want_first;
    }
}

static size_t eyeballs_running(const struct eyeballs *he)
{
    size_t r = 0;
    for (size_t i = 0; i < he->next; i++)
        r += he->a[i].state == EYEBALLS_RUNNING;
    return r;
}

struct eyeballs_step eyeballs_step(struct eyeballs *he, uint64_t now_ms)
{
    struct eyeballs_step st = {.what = EYEBALLS_WAIT};
    if (he->winner >= 0) {
        st.what = EYEBALLS_DONE;
        st.attempt = (size_t)he->winner;
        return st;
    }
    if (now_ms >= he->deadline_ms) {
        st.what = EYEBALLS_GIVEUP;
        st.err = he->timeout_err;
        return st;
    }
    size_t running = eyeballs_running(he);
    if (he->next < he->n && (running == 0 || now_ms >= he->last_start_ms + he->delay_ms)) {
        st.what = EYEBALLS_START;
        st.attempt = he->next;
        he->a[he->next].state = EYEBALLS_RUNNING;
        he->last_start_ms = now_ms;
        he->next++;
        return st;
    }
    if (running == 0) { /* nothing left to start and nothing running */
        st.what = EYEBALLS_GIVEUP;
        st.err = he->last_err;
        return st;
    }
    st.until_ms = he->deadline_ms;
    if (he->next < he->n && he->last_start_ms + he->delay_ms < st.until_ms)
        st.until_ms = he->last_start_ms + he->delay_ms;
    return st;
}

void eyeballs_result(struct eyeballs *he, size_t attempt, int err)
{
    if (attempt >= he->next || he->a[attempt].state != EYEBALLS_RUNNING)
        return;
    if (err == 0) {
        he->a[attempt].state = EYEBALLS_WON;
        if (he->winner < 0)
            he->winner = (int)attempt;
        return;
    }
    he->a[attempt].state = EYEBALLS_FAILED;
    he->a[attempt].err = err;
    he->last_err = err;
}

uint64_t eyeballs_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static socklen_t eyeballs_salen(const struct sockaddr_storage *ss)
{
    return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* Start attempt I: a fresh non-blocking socket, prepared, connecting. Returns
 * the fd (connect in progress or done: *DONE set) or -errno. */
static int eyeballs_start(const struct eyeballs_ops *ops, const struct sockaddr_storage *dst,
                          int type, int protocol, eyeballs_prepare_fn prepare, void *ctx,
                          bool *done)
{
    int fd = ops->socket(dst->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0)
        return -errno;
    int rc = prepare ? prepare(fd, dst->ss_family, ctx) : 0;
    if (rc < 0)
        goto fail;
    *done = false;
    if (ops->connect(fd, (const struct sockaddr *)dst, eyeballs_salen(dst)) == 0) {
        *done = true;
        return fd;
    }
    rc = -errno;
    if (rc == -EINPROGRESS)
        return fd;
fail:
    ops->close(fd);
    return rc;
}

int eyeballs_race(const struct eyeballs_ops *ops, const struct sockaddr_storage *dst, size_t n,
                  int type, int protocol, unsigned delay_ms, unsigned budget_ms, int timeout_err,
                  eyeballs_prepare_fn prepare, void *ctx, size_t *winner)
{
    int fam[EYEBALLS_MAX];
    if (n > EYEBALLS_MAX)
        n = EYEBALLS_MAX;
    for (size_t i = 0; i < n; i++)
        fam[i] = dst[i].ss_family;
    struct eyeballs he;
    eyeballs_init(&he, fam, n, delay_ms, budget_ms, timeout_err, eyeballs_now_ms());
    int fds[EYEBALLS_MAX];
    for (size_t i = 0; i < EYEBALLS_MAX; i++)
        fds[i] = -1;
    int result = -EHOSTUNREACH;

    for (;;) {
        struct eyeballs_step st = eyeballs_step(&he, eyeballs_now_ms());
        if (st.what == EYEBALLS_DONE) {
            result = fds[st.attempt];
            fds[st.attempt] = -1;
            *winner = he.a[st.attempt].cand;
            break;
        }
        if (st.what == EYEBALLS_GIVEUP) {
            result = -st.err;
            break;
        }
        if (st.what == EYEBALLS_START) {
            bool done;
            int fd = eyeballs_start(ops, &dst[he.a[st.attempt].cand], type, protocol, prepare, ctx,
                                    &done);
            if (fd < 0) {
                eyeballs_result(&he, st.attempt, -fd);
            } else {
                fds[st.attempt] = fd;
                if (done)
                    eyeballs_result(&he, st.attempt, 0);
            }
            continue;
        }
        /* WAIT: poll the running attempts until a result or until_ms. */
        struct pollfd pfd[EYEBALLS_MAX];
        size_t which[EYEBALLS_MAX], np = 0;
        for (size_t i = 0; i < he.next; i++) {
            if (he.a[i].state != EYEBALLS_RUNNING)
                continue;
            pfd[np].fd = fds[i];
            pfd[np].events = POLLOUT;
            pfd[np].revents = 0;
            which[np++] = i;
        }
        uint64_t now = eyeballs_now_ms();
        int timeout = st.until_ms > now ? (int)(st.until_ms - now) : 0;
        int r = poll(pfd, np, timeout);
        if (r < 0) {
            if (errno == EINTR) {
                result = -EINTR;
                break;
            }
            result = -errno;
            break;
        }
        for (size_t k = 0; k < np; k++) {
            if (!pfd[k].revents)
                continue;
            int err = 0;
            socklen_t len = sizeof err;
            if (ops->getsockopt(pfd[k].fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
            size_t i = which[k];
            eyeballs_result(&he, i, err);
            if (err != 0) {
                ops->close(fds[i]);
                fds[i] = -1;
            }
        }
    }
    for (size_t i = 0; i < EYEBALLS_MAX; i++)
        if (fds[i] >= 0)
            ops->close(fds[i]);
    return result;
}
