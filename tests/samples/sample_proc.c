/* sample_proc — child processes for the sample tests; see sample_proc.h. */
#define _GNU_SOURCE
#include "sample_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *sample_path(const char *name)
{
    static char path[4][1024];
    static int slot;
    char *p = path[slot++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", SAMPLE_BIN_DIR, name);
    return p;
}

int sample_start(struct sample_proc *p, const char *const argv[])
{
    int out[2], err[2];
    memset(p, 0, sizeof *p);
    p->out_fd = p->err_fd = -1;
    if (pipe2(out, O_CLOEXEC) < 0)
        return -errno;
    if (pipe2(err, O_CLOEXEC) < 0) {
        int e = errno;
        close(out[0]);
        close(out[1]);
        return -e;
    }
    /* A bare name is a sample; a path (v6run, for one) is used as given. */
    const char *path = strchr(argv[0], '/') ? argv[0] : sample_path(argv[0]);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        return -e;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
            _exit(126);
        signal(SIGPIPE, SIG_DFL);
        /* A test that fails (or is killed) mid-way must not leave servers behind. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    p->pid = pid;
    p->out_fd = out[0];
    p->err_fd = err[0];
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read what is available on FD into BUF; closes FD at EOF or when full. */
static void drain(int *fd, char *buf, size_t *len)
{
    if (*len >= SAMPLE_PROC_BUF - 1) {
        close(*fd);
        *fd = -1;
        return;
    }
    ssize_t n = read(*fd, buf + *len, SAMPLE_PROC_BUF - 1 - *len);
    if (n <= 0) {
        if (n < 0 && errno == EINTR)
            return;
        close(*fd);
        *fd = -1;
        return;
    }
    *len += (size_t)n;
    buf[*len] = '\0';
}

/* One round of waiting on both pipes, up to TIMEOUT_MS. 0, or -ETIMEDOUT. */
static int pump(struct sample_proc *p, int timeout_ms)
{
    struct pollfd fds[2];
    int n = 0;
    if (p->out_fd >= 0)
        fds[n++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
    if (p->err_fd >= 0)
        fds[n++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
    if (n == 0)
        return 0;
    int rc = poll(fds, (nfds_t)n, timeout_ms);
    if (rc == 0)
        return -ETIMEDOUT;
    if (rc < 0)
        return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == p->out_fd)
            drain(&p->out_fd, p->out, &p->out_len);
        else
            drain(&p->err_fd, p->err, &p->err_len);
    }
    return 0;
}

int sample_read_line(struct sample_proc *p, char *line, size_t size)
{
    long deadline = now_ms() + SAMPLE_PROC_WAIT_MS;
    for (;;) {
        char *start = p->out + p->out_taken;
        char *nl = memchr(start, '\n', p->out_len - p->out_taken);
        if (nl != NULL) {
            size_t len = (size_t)(nl - start);
            if (len >= size)
                len = size - 1;
            memcpy(line, start, len);
            line[len] = '\0';
            p->out_taken = (size_t)(nl - p->out) + 1;
            return (int)len;
        }
        if (p->out_fd < 0)
            return -EPIPE;
        long left = deadline - now_ms();
        if (left <= 0 || pump(p, (int)left) == -ETIMEDOUT)
            return -ETIMEDOUT;
    }
}

int sample_finish(struct sample_proc *p)
{
    long deadline = now_ms() + SAMPLE_PROC_WAIT_MS;
    int timed_out = 0;
    while (p->out_fd >= 0 || p->err_fd >= 0) {
        long left = deadline - now_ms();
        if (left <= 0 || pump(p, (int)left) == -ETIMEDOUT) {
            timed_out = 1;
            break;
        }
    }
    if (timed_out) {
        sample_stop(p);
        return -ETIMEDOUT;
    }
    int status;
    while (waitpid(p->pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    p->pid = 0;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

void sample_stop(struct sample_proc *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        p->pid = 0;
    }
    if (p->out_fd >= 0)
        close(p->out_fd);
    if (p->err_fd >= 0)
        close(p->err_fd);
    p->out_fd = p->err_fd = -1;
}

int sample_run(struct sample_proc *p, const char *const argv[])
{
    int rc = sample_start(p, argv);
    return rc < 0 ? rc : sample_finish(p);
}

uint16_t sample_free_port(int socktype)
{
    for (int tries = 0; tries < 50; tries++) {
        struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
        socklen_t len = sizeof sin6;
        int fd6 = socket(AF_INET6, socktype | SOCK_CLOEXEC, 0);
        int off = 0;
        if (fd6 < 0)
            return 0;
        /* V6ONLY=0: the port is then free for 0.0.0.0 as well. */
        setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        if (bind(fd6, (struct sockaddr *)&sin6, len) < 0 ||
            getsockname(fd6, (struct sockaddr *)&sin6, &len) < 0) {
            close(fd6);
            return 0;
        }
        uint16_t port = ntohs(sin6.sin6_port);
        close(fd6);
        if (port != 0)
            return port;
    }
    return 0;
}

const char *sample_port_str(uint16_t port, int slot)
{
    static char buf[4][8];
    snprintf(buf[slot & 3], sizeof buf[0], "%u", (unsigned)port);
    return buf[slot & 3];
}

/* atexit: end every process left in our own process group. */
static void kill_group(void)
{
    if (getpgrp() != getpid())
        return; /* not our own group: never signal the caller's */
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM);
}

void sample_cleanup_at_exit(void)
{
    if (setpgid(0, 0) == 0 || getpgrp() == getpid())
        atexit(kill_group);
}
