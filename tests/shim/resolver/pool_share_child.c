/*
 * pool_share_child — the exec'd child of test_pool_share: a fresh process
 * that reads its parent's pool from V6SHIM_POOL_SHM, as a preloaded child
 * does at start-up (pool_setup, then pool_share_start).
 *
 *   pool_share_child CAP NOW lookup A...    print "A NAME CAND..." or "A ENOENT"
 *   pool_share_child CAP NOW map NAME V6    map NAME, print "NAME ADDR"
 *   pool_share_child CAP NOW unpin A        pool_unpin(A) (a use), print "unpin RC"
 *   pool_share_child CAP NOW peer V6...     pool_map_peer (pinned) each, print "V6 ADDR"
 *   pool_share_child CAP NOW hostile        try every way to write the parent's
 *                                           table, print "OP RESULT" per try, then
 *                                           set every hold of the parent's to 2^64-1
 *   pool_share_child CAP NOW env            print the variable it would pass on
 *   pool_share_child CAP NOW spawn NAME V6 ARGS...
 *                                           map NAME, pass its pool on as init does,
 *                                           run pool_share_child ARGS (a grandchild)
 * CAP: its pool size; NOW: its clock (ms), the parent's fake clock domain.
 * The first line is always "ancestors N skipped S" (pool_share_start).
 * Exit 0, or 1 with a message on stderr.
 */
/* NOLINTBEGIN(v6-*): a test of the IPv4 pool (v6scan self-scan). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "pool_share.h"

static uint64_t child_now;

static uint64_t child_clock(void)
{
    return child_now;
}

static const char *result(int rc)
{
    return rc == 0 ? "ok" : strerrorname_np(errno);
}

static int lookup(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        struct in_addr a;
        struct pool_view v;
        if (inet_pton(AF_INET, argv[i], &a) != 1)
            return 1;
        if (pool_lookup(a, &v) != 0) {
            printf("%s ENOENT\n", argv[i]);
            continue;
        }
        printf("%s %s", argv[i], v.name[0] ? v.name : "-");
        for (size_t k = 0; k < v.ncand; k++) {
            char t[INET6_ADDRSTRLEN];
            inet_ntop(v.cand[k].family, &v.cand[k].addr, t, sizeof t);
            printf(" %s", t);
        }
        printf("\n");
    }
    return 0;
}

/* The parent's table and holds, through its /proc entries, as a hostile
 * child of the same user can reach them. */
static int hostile(void)
{
    const char *spec = getenv(POOL_SHARE_ENV);
    long pid, fd, hfd;
    unsigned long cap;
    if (!spec || sscanf(spec, "%ld:%ld:%ld:%*u:%lu:", &pid, &fd, &hfd, &cap) != 4)
        return 1;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd/%ld", pid, fd);
    size_t len = 4096;
    int rw = open(path, O_RDWR);
    printf("open_rw %s\n", rw >= 0 ? "ok" : strerrorname_np(errno));
    if (rw < 0)
        return 1;
    printf("write %s\n", result(write(rw, "garbage", 7) == 7 ? 0 : -1));
    printf("pwrite %s\n", result(pwrite(rw, "garbage", 7, 0) == 7 ? 0 : -1));
    printf("ftruncate %s\n", result(ftruncate(rw, 0)));
    printf("fallocate %s\n",
           result(fallocate(rw, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096)));
    printf("unseal %s\n", result(fcntl(rw, F_ADD_SEALS, F_SEAL_WRITE)));
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    printf("mmap_shared_write %s\n", m != MAP_FAILED ? "ok" : strerrorname_np(errno));
    m = mmap(NULL, len, PROT_READ, MAP_SHARED, rw, 0);
    if (m == MAP_FAILED)
        return 1;
    printf("mprotect_write %s\n", result(mprotect(m, len, PROT_READ | PROT_WRITE)));
    /* A private copy can be scribbled on: the parent's pages do not change. */
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, rw, 0);
    if (p == MAP_FAILED)
        return 1;
    memset(p, 0xff, len);
    printf("private_scribble ok\n");
    close(rw);

    snprintf(path, sizeof path, "/proc/%ld/fd/%ld", pid, hfd);
    int h = open(path, O_RDWR);
    if (h < 0)
        return 1;
    printf("holds_ftruncate %s\n", result(ftruncate(h, 0)));
    uint64_t *holds = mmap(NULL, cap * sizeof *holds, PROT_READ | PROT_WRITE, MAP_SHARED, h, 0);
    if (holds == MAP_FAILED)
        return 1;
    /* A value no use could have written: the far future. */
    for (unsigned long i = 0; i < cap; i++)
        holds[i] = UINT64_MAX;
    printf("holds_scribble ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 1;
    struct in_addr net;
    inet_pton(AF_INET, "198.18.0.0", &net);
    child_now = strtoull(argv[2], NULL, 10);
    pool_set_clock(child_clock);
    if (pool_setup(net, 15, strtoul(argv[1], NULL, 10)) != 0)
        return 1;
    char spec[POOL_SHARE_SPEC_MAX];
    unsigned skipped = 0;
    int n = pool_share_start(getenv(POOL_SHARE_ENV), spec, sizeof spec, &skipped);
    printf("ancestors %d skipped %u\n", n, skipped);
    const char *mode = argv[3];
    int rc = 1;
    if (strcmp(mode, "lookup") == 0) {
        rc = lookup(argc - 4, argv + 4);
    } else if (strcmp(mode, "map") == 0 && argc == 6) {
        struct pool_cand c = {.family = AF_INET6};
        struct in_addr a;
        char t[INET_ADDRSTRLEN];
        if (inet_pton(AF_INET6, argv[5], &c.addr.v6) == 1 &&
            pool_map_name(argv[4], &c, 1, 60, &a) == 0) {
            printf("%s %s\n", argv[4], inet_ntop(AF_INET, &a, t, sizeof t));
            rc = 0;
        }
    } else if (strcmp(mode, "unpin") == 0 && argc == 5) {
        struct in_addr a;
        if (inet_pton(AF_INET, argv[4], &a) == 1) {
            printf("unpin %d\n", pool_unpin(a));
            rc = 0;
        }
    } else if (strcmp(mode, "peer") == 0) {
        rc = 0;
        for (int i = 4; i < argc && rc == 0; i++) {
            struct in6_addr p6;
            struct in_addr a;
            char t[INET_ADDRSTRLEN];
            if (inet_pton(AF_INET6, argv[i], &p6) != 1 || pool_map_peer(&p6, 0, 60, true, &a) != 0)
                rc = 1;
            else
                printf("%s %s\n", argv[i], inet_ntop(AF_INET, &a, t, sizeof t));
        }
    } else if (strcmp(mode, "hostile") == 0) {
        rc = hostile();
    } else if (strcmp(mode, "spawn") == 0 && argc > 6) {
        struct pool_cand c = {.family = AF_INET6};
        struct in_addr a;
        char t[INET_ADDRSTRLEN];
        if (inet_pton(AF_INET6, argv[5], &c.addr.v6) != 1 ||
            pool_map_name(argv[4], &c, 1, 60, &a) != 0 || setenv(POOL_SHARE_ENV, spec, 1) != 0)
            return 1;
        printf("%s %s\n", argv[4], inet_ntop(AF_INET, &a, t, sizeof t));
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            argv[5] = argv[0]; /* pool_share_child ARGS... */
            execv(argv[0], argv + 5);
            _exit(126);
        }
        int st;
        rc = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
    } else if (strcmp(mode, "env") == 0) {
        int elements = spec[0] ? 1 : 0;
        for (const char *q = spec; *q; q++)
            elements += *q == ';';
        printf("elements %d\n", elements);
        rc = 0;
    }
    fflush(stdout);
    return rc;
}
/* NOLINTEND(v6-*) */
