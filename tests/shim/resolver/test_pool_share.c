/* Tests of shim/pool_share: the pool across fork and exec. The parent is
 * this test (the pool module linked in); each exec'd child is
 * pool_share_child, a fresh process that reads V6SHIM_POOL_SHM as a
 * preloaded child does. Clocks are fake and passed to the child, so TTLs
 * and holds are exact. The validation cases map crafted copies of a real
 * table (this process's own /proc entries stand for a parent's). */
/* NOLINTBEGIN(v6-*): tests of the IPv4 pool (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "pool_share.h"

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
    return fake_now;
}

static struct in_addr ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static const char *ntoa(struct in_addr a, char *buf)
{
    return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static struct pool_cand cand(int family, const char *s)
{
    struct pool_cand c = {.family = family};
    assert_int_equal(inet_pton(family, s, &c.addr), 1);
    return c;
}

/* A fresh 198.18.0.0/15 pool of CAP entries at fake time NOW, published
 * (no ancestor) and named in the environment as init does. */
static void parent_setup(size_t cap, uint64_t now)
{
    fake_now = now;
    pool_set_clock(fake_clock);
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 15, cap), 0);
    char spec[POOL_SHARE_SPEC_MAX];
    unsigned skipped = 9;
    assert_int_equal(pool_share_start(NULL, spec, sizeof spec, &skipped), 0);
    assert_int_equal(skipped, 0);
    assert_true(pool_share_owner());
    assert_int_equal(setenv(POOL_SHARE_ENV, spec, 1), 0);
}

static int teardown(void **state)
{
    (void)state;
    unsetenv(POOL_SHARE_ENV);
    pool_set_clock(NULL);
    return pool_setup(ip4("198.18.0.0"), 15, POOL_DEFAULT_CAPACITY);
}

static void exec_child(const char *const *args)
{
    const char *child = getenv("V6_POOL_SHARE_CHILD");
    char *argv[16];
    size_t n = 0;
    argv[n++] = (char *)child;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    execv(child, argv);
    _exit(126);
}

/* Run pool_share_child with ARGS (NULL-terminated) and return its stdout
 * (static buffer); its exit status must be 0. */
static const char *run_child(const char *const *args)
{
    static char out[8192];
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        exec_child(args);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(p[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)r;
    close(p[0]);
    out[len] = '\0';
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("pool_share_child exited with status %d, output:\n%s", st, out);
    return out;
}

#define CHILD(...) run_child((const char *const[]){__VA_ARGS__, NULL})

/* Parent: db.example (IPv6 and IPv4 answers) at 198.18.0.1, an accepted
 * IPv6 client pinned at 198.18.0.2, at fake time 1000 with TTL 60 s. */
static void parent_two_entries(size_t cap)
{
    parent_setup(cap, 1000);
    struct pool_cand c[2] = {cand(AF_INET6, "2001:db8::1"), cand(AF_INET, "192.0.2.1")};
    struct in_addr a, b;
    struct in6_addr peer6;
    char t[INET_ADDRSTRLEN];
    assert_int_equal(pool_map_name("db.example", c, 2, 60, &a), 0);
    assert_string_equal(ntoa(a, t), "198.18.0.1");
    assert_int_equal(inet_pton(AF_INET6, "2001:db8::7", &peer6), 1);
    assert_int_equal(pool_map_peer(&peer6, 0, 60, true, &b), 0);
    assert_string_equal(ntoa(b, t), "198.18.0.2");
}

static void test_exec_child_reaches_the_parents_names_and_peers(void **state)
{
    (void)state;
    parent_two_entries(4);
    assert_string_equal(
        CHILD("8", "2000", "lookup", "198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.5"),
        "ancestors 1 skipped 0\n"
        "198.18.0.1 db.example 2001:db8::1 192.0.2.1\n"
        "198.18.0.2 - 2001:db8::7\n"
        "198.18.0.3 ENOENT\n"   /* the parent's slice, never mapped */
        "198.18.0.5 ENOENT\n"); /* the child's own slice, empty */
}

static void test_exec_child_allocates_after_the_parents_slice(void **state)
{
    (void)state;
    parent_two_entries(4);
    /* The parent owns 198.18.0.1-4: the child's first address is .5. */
    assert_string_equal(CHILD("8", "2000", "map", "child.example", "2001:db8::99"),
                        "ancestors 1 skipped 0\nchild.example 198.18.0.5\n");
    /* It passes on its parent's element and its own. */
    assert_string_equal(CHILD("8", "2000", "env"), "ancestors 1 skipped 0\nelements 2\n");
    /* The parent is unaffected by the child's own entry. */
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4("198.18.0.5"), &v), -ENOENT);
}

static void test_exec_child_shows_a_peer_its_parent_accepted_at_the_parents_address(void **state)
{
    (void)state;
    parent_two_entries(4);
    /* 2001:db8::7 is the parent's accepted client (198.18.0.2): an
     * inherited socket's peer keeps that address in the child; another
     * peer gets the child's own first address. Both twice: the same. */
    assert_string_equal(
        CHILD("8", "2000", "peer", "2001:db8::7", "2001:db8::8", "2001:db8::7", "2001:db8::8"),
        "ancestors 1 skipped 0\n"
        "2001:db8::7 198.18.0.2\n2001:db8::8 198.18.0.5\n"
        "2001:db8::7 198.18.0.2\n2001:db8::8 198.18.0.5\n");
    /* db.example's answer 2001:db8::1 is a name's, not a peer's entry. */
    assert_string_equal(CHILD("8", "2000", "peer", "2001:db8::1"),
                        "ancestors 1 skipped 0\n2001:db8::1 198.18.0.5\n");
}

static void test_grandchild_reads_its_parent_and_grandparent(void **state)
{
    (void)state;
    parent_two_entries(4);
    /* The child (slice 198.18.0.5-12) maps child.example and runs a
     * grandchild, which reads both tables and allocates after both. */
    assert_string_equal(CHILD("8", "2000", "spawn", "child.example", "2001:db8::99", "8", "3000",
                              "lookup", "198.18.0.1", "198.18.0.2", "198.18.0.5", "198.18.0.6"),
                        "ancestors 1 skipped 0\n"
                        "child.example 198.18.0.5\n"
                        "ancestors 2 skipped 0\n"
                        "198.18.0.1 db.example 2001:db8::1 192.0.2.1\n"
                        "198.18.0.2 - 2001:db8::7\n"
                        "198.18.0.5 child.example 2001:db8::99\n"
                        "198.18.0.6 ENOENT\n");
    assert_string_equal(CHILD("8", "2000", "spawn", "child.example", "2001:db8::99", "8", "3000",
                              "map", "grandchild.example", "2001:db8::98"),
                        "ancestors 1 skipped 0\n"
                        "child.example 198.18.0.5\n"
                        "ancestors 2 skipped 0\n"
                        "grandchild.example 198.18.0.13\n");
}

static void test_exec_child_does_not_find_an_expired_entry(void **state)
{
    (void)state;
    parent_two_entries(4);
    /* db.example expired at 61000 in the parent's view; the accepted
     * client is still pinned. */
    assert_string_equal(CHILD("8", "61000", "lookup", "198.18.0.1", "198.18.0.2"),
                        "ancestors 1 skipped 0\n198.18.0.1 ENOENT\n198.18.0.2 - 2001:db8::7\n");
    assert_string_equal(CHILD("8", "60999", "lookup", "198.18.0.1"),
                        "ancestors 1 skipped 0\n198.18.0.1 db.example 2001:db8::1 192.0.2.1\n");
}

static void test_child_use_keeps_the_parents_entry_one_ttl(void **state)
{
    (void)state;
    parent_setup(1, 1000);
    struct pool_cand c = cand(AF_INET6, "2001:db8::a");
    struct in_addr a;
    char t[INET_ADDRSTRLEN];
    assert_int_equal(pool_map_name("a.example", &c, 1, 10, &a), 0); /* expires 11000 */
    assert_string_equal(CHILD("1", "5000", "lookup", "198.18.0.1"),
                        "ancestors 1 skipped 0\n198.18.0.1 a.example 2001:db8::a\n");
    /* The child's use at 5000 holds it until 15000: no other name gets it. */
    struct pool_cand cb = cand(AF_INET6, "2001:db8::b");
    fake_now = 12000;
    assert_int_equal(pool_map_name("b.example", &cb, 1, 10, &a), -ENOSPC);
    fake_now = 15000;
    assert_int_equal(pool_map_name("b.example", &cb, 1, 10, &a), 0);
    assert_string_equal(ntoa(a, t), "198.18.0.1");
    /* The new owner is what a child sees now, never a.example. */
    assert_string_equal(CHILD("1", "15001", "lookup", "198.18.0.1"),
                        "ancestors 1 skipped 0\n198.18.0.1 b.example 2001:db8::b\n");
    /* A child's unpin (its socket closed) is a use too: b.example (expiry
     * 25000) is held until 30000. */
    assert_string_equal(CHILD("1", "20000", "unpin", "198.18.0.1"),
                        "ancestors 1 skipped 0\nunpin 0\n");
    struct pool_cand cc = cand(AF_INET6, "2001:db8::c");
    fake_now = 29999;
    assert_int_equal(pool_map_name("c.example", &cc, 1, 10, &a), -ENOSPC);
    fake_now = 30000;
    assert_int_equal(pool_map_name("c.example", &cc, 1, 10, &a), 0);
}

static void test_hostile_child_cannot_change_the_parents_table(void **state)
{
    (void)state;
    parent_setup(1, 1000);
    struct pool_cand c = cand(AF_INET6, "2001:db8::a");
    struct in_addr a;
    char t[INET_ADDRSTRLEN];
    assert_int_equal(pool_map_name("a.example", &c, 1, 10, &a), 0);
    assert_string_equal(CHILD("1", "2000", "hostile"), "ancestors 1 skipped 0\n"
                                                       "open_rw ok\n"
                                                       "write EPERM\n"
                                                       "pwrite EPERM\n"
                                                       "ftruncate EPERM\n"
                                                       "fallocate EPERM\n"
                                                       "unseal EPERM\n"
                                                       "mmap_shared_write EPERM\n"
                                                       "mprotect_write EACCES\n"
                                                       "private_scribble ok\n"
                                                       "holds_ftruncate EPERM\n"
                                                       "holds_scribble ok\n");
    /* The parent routes as before, and another child reads the same. */
    struct pool_view v;
    assert_int_equal(pool_lookup(a, &v), 0);
    assert_string_equal(v.name, "a.example");
    assert_string_equal(CHILD("1", "2000", "lookup", "198.18.0.1"),
                        "ancestors 1 skipped 0\n198.18.0.1 a.example 2001:db8::a\n");
    /* The far-future hold keeps a.example live past its own expiry: the
     * parent is denied a new address, never given a.example's to another
     * name. */
    struct pool_cand cb = cand(AF_INET6, "2001:db8::b");
    fake_now = 1000000;
    assert_int_equal(pool_map_name("b.example", &cb, 1, 10, &a), -ENOSPC);
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0);
    assert_string_equal(v.name, "a.example");
    assert_string_equal(CHILD("1", "1000000", "lookup", "198.18.0.1"),
                        "ancestors 1 skipped 0\n198.18.0.1 a.example 2001:db8::a\n");
    (void)t;
}

/* Fork, and in the child do MAP (a new name, or only a lookup), check the
 * variable, then exec pool_share_child lookup 198.18.0.1; its output. */
static const char *fork_then_exec(bool map)
{
    static char out[4096];
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        struct pool_view v;
        if (pool_share_owner() || pool_lookup(ip4("198.18.0.1"), &v) != 0)
            _exit(3);
        const char *env = getenv(POOL_SHARE_ENV);
        if (!env || !*env)
            _exit(4);
        if (map) {
            struct pool_cand c = cand(AF_INET6, "2001:db8::f");
            struct in_addr a;
            if (pool_map_name("fork.example", &c, 1, 60, &a) != 0)
                _exit(5);
            env = getenv(POOL_SHARE_ENV);
            if (!env || *env)
                _exit(6); /* must be withdrawn */
        }
        exec_child((const char *const[]){"8", "2000", "lookup", "198.18.0.1", "198.18.0.3", NULL});
    }
    close(p[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(p[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)r;
    close(p[0]);
    out[len] = '\0';
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    return out;
}

static void test_fork_child_passes_the_parents_table_on(void **state)
{
    (void)state;
    parent_two_entries(4);
    assert_string_equal(fork_then_exec(false),
                        "ancestors 1 skipped 0\n"
                        "198.18.0.1 db.example 2001:db8::1 192.0.2.1\n198.18.0.3 ENOENT\n");
    assert_true(pool_share_owner()); /* the parent still owns it */
}

static void test_fork_child_with_an_address_of_its_own_withdraws_the_table(void **state)
{
    (void)state;
    parent_two_entries(4);
    /* The fork child's fork.example took 198.18.0.3 in its private copy;
     * the parent's table may give .3 to another name, so the exec'd child
     * must not read it: it starts empty, as without sharing. */
    assert_string_equal(fork_then_exec(true),
                        "ancestors 0 skipped 0\n198.18.0.1 ENOENT\n198.18.0.3 ENOENT\n");
}

static void test_malformed_variable_is_refused(void **state)
{
    (void)state;
    fake_now = 1000;
    pool_set_clock(fake_clock);
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 15, 4), 0);
    const char *bad[] = {
        "garbage",
        "1:2:3",
        "1:2:3:0:4:",
        "1:2:3:0:4:0123456789abcdef0123456789abcdeX",
        "1:2:3:0:0:0123456789abcdef0123456789abcdef",           /* no entries */
        "0:2:3:0:4:0123456789abcdef0123456789abcdef",           /* pid 0 */
        "1:2:3:131066:5:0123456789abcdef0123456789abcdef",      /* past the range */
        "1:2:3:0:4:0123456789abcdef0123456789abcdef;",          /* empty element */
        "99999999999:2:3:0:4:0123456789abcdef0123456789abcdef", /* pid too large */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char spec[POOL_SHARE_SPEC_MAX] = "x";
        unsigned skipped = 9;
        int rc = pool_share_start(bad[i], spec, sizeof spec, &skipped);
        if (rc != -EINVAL)
            fail_msg("'%s': %d", bad[i], rc);
        assert_string_equal(spec, "");
        assert_false(pool_share_owner());
    }
    char longspec[POOL_SHARE_SPEC_MAX + 8];
    memset(longspec, '1', sizeof longspec - 1);
    longspec[sizeof longspec - 1] = '\0';
    char spec[POOL_SHARE_SPEC_MAX];
    unsigned skipped;
    assert_int_equal(pool_share_start(longspec, spec, sizeof spec, &skipped), -EINVAL);
    /* A well-formed element whose owner is gone: skipped, and the
     * process's own addresses still start after its slice. */
    assert_int_equal(pool_share_start("999999:5:6:0:4:0123456789abcdef0123456789abcdef", spec,
                                      sizeof spec, &skipped),
                     0);
    assert_int_equal(skipped, 1);
    struct pool_cand c = cand(AF_INET6, "2001:db8::1");
    struct in_addr a;
    char t[INET_ADDRSTRLEN];
    assert_int_equal(pool_map_name("own.example", &c, 1, 60, &a), 0);
    assert_string_equal(ntoa(a, t), "198.18.0.5");
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &(struct pool_view){0}), -ENOENT);
}

/* ---- crafted tables ---- */

/* Offsets in the table, as struct share_header/share_entry of
 * pool_share.c lay it out (the unmodified copy's case proves them). */
#define HDR_MAGIC 0
#define HDR_VERSION 4
#define HDR_HSIZE 8
#define HDR_ESIZE 12
#define HDR_TOKEN 16
#define HDR_PID 32
#define HDR_NET 36
#define HDR_CAP 48
#define ENT_SEQ 0
#define ENT_FLAGS 8
#define ENT_NCAND 12
#define ENT_CAND 32
#define ENT_KEY 416
#define CRAFT_CAP 4

static unsigned char *real_table;
static size_t real_len;

/* A real table of CRAFT_CAP entries holding db.example at index 0,
 * copied out of this process's own published memfd. */
static int craft_setup(void **state)
{
    (void)state;
    parent_setup(CRAFT_CAP, 1000);
    struct pool_cand c = cand(AF_INET6, "2001:db8::1");
    struct in_addr a;
    assert_int_equal(pool_map_name("db.example", &c, 1, 60, &a), 0);
    long pid, fd;
    assert_int_equal(sscanf(getenv(POOL_SHARE_ENV), "%ld:%ld:", &pid, &fd), 2);
    struct stat st;
    assert_int_equal(fstat((int)fd, &st), 0);
    real_len = (size_t)st.st_size;
    real_table = malloc(real_len);
    assert_int_equal(pread((int)fd, real_table, real_len, 0), (ssize_t)real_len);
    unsetenv(POOL_SHARE_ENV);
    assert_int_equal(pool_setup(ip4("198.18.0.0"), 15, 8), 0); /* unpublished */
    return 0;
}

static int craft_teardown(void **state)
{
    free(real_table);
    return teardown(state);
}

static uint32_t get32(const unsigned char *b, size_t off)
{
    uint32_t v;
    memcpy(&v, b + off, 4);
    return v;
}

static void put32(unsigned char *b, size_t off, uint32_t v)
{
    memcpy(b + off, &v, 4);
}

enum craft_seal { SEALED, UNSEALED, SHORT };

/* Attach to a copy of the real table changed by MUTATE (offsets into the
 * copy; ENTRY0 is where entry 0 starts); returns pool_share_start's value
 * and *SKIPPED. SPEC_TOKEN_FLIP changes the token in the variable only. */
static int craft_attach(void (*mutate)(unsigned char *t, size_t entry0), enum craft_seal seal,
                        bool spec_token_flip, unsigned *skipped)
{
    unsigned char *t = malloc(real_len);
    memcpy(t, real_table, real_len);
    size_t entry0 = get32(real_table, HDR_HSIZE);
    if (mutate)
        mutate(t, entry0);
    size_t len = seal == SHORT ? real_len - 8 : real_len;
    int fd = memfd_create("crafted", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, t, len, 0), (ssize_t)len);
    if (seal != UNSEALED)
        assert_int_equal(
            fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
            0);
    int hfd = memfd_create("crafted-holds", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    assert_int_equal(ftruncate(hfd, CRAFT_CAP * 8), 0);
    assert_int_equal(fcntl(hfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), 0);
    uint64_t tok[2];
    memcpy(tok, real_table + HDR_TOKEN, sizeof tok);
    if (spec_token_flip)
        tok[1] ^= 1;
    char spec[160], out[POOL_SHARE_SPEC_MAX];
    snprintf(spec, sizeof spec, "%d:%d:%d:0:%d:%016" PRIx64 "%016" PRIx64, (int)getpid(), fd, hfd,
             CRAFT_CAP, tok[0], tok[1]);
    /* The header names the copy's owner: this process (the real one did too). */
    int rc = pool_share_start(spec, out, sizeof out, skipped);
    close(fd);
    close(hfd);
    free(t);
    return rc;
}

static void m_magic(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_MAGIC, 0x41414141u);
}
static void m_version(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_VERSION, 2);
}
static void m_hsize(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_HSIZE, 48);
}
static void m_esize(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_ESIZE, 16);
}
static void m_pid(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_PID, 1);
}
static void m_net(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_NET, 0x0a000000u);
}
static void m_cap(unsigned char *t, size_t e)
{
    (void)e;
    put32(t, HDR_CAP, 100000);
}

static void test_crafted_header_is_refused(void **state)
{
    (void)state;
    unsigned skipped;
    /* The unmodified copy maps (and so the offsets above are right). */
    assert_int_equal(craft_attach(NULL, SEALED, false, &skipped), 1);
    assert_int_equal(skipped, 0);
    fake_now = 2000;
    struct pool_view v;
    assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), 0);
    assert_string_equal(v.name, "db.example");
    struct {
        const char *what;
        void (*mutate)(unsigned char *, size_t);
        enum craft_seal seal;
        bool flip;
    } cases[] = {
        {"bad magic", m_magic, SEALED, false},
        {"other version", m_version, SEALED, false},
        {"header size", m_hsize, SEALED, false},
        {"entry size", m_esize, SEALED, false},
        {"owner pid", m_pid, SEALED, false},
        {"other range", m_net, SEALED, false},
        {"count not the variable's", m_cap, SEALED, false},
        {"token", NULL, SEALED, true},
        {"not sealed (writable by anyone)", NULL, UNSEALED, false},
        {"file shorter than the count", NULL, SHORT, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = craft_attach(cases[i].mutate, cases[i].seal, cases[i].flip, &skipped);
        if (rc != 0 || skipped != 1)
            fail_msg("%s: attached (%d ancestors, %u skipped)", cases[i].what, rc, skipped);
        assert_int_equal(pool_lookup(ip4("198.18.0.1"), &v), -ENOENT);
    }
}

static void m_flags(unsigned char *t, size_t e)
{
    put32(t, e + ENT_FLAGS, 0x81);
}
static void m_unused(unsigned char *t, size_t e)
{
    put32(t, e + ENT_FLAGS, 0);
}
static void m_ncand0(unsigned char *t, size_t e)
{
    put32(t, e + ENT_NCAND, 0);
}
static void m_ncand17(unsigned char *t, size_t e)
{
    put32(t, e + ENT_NCAND, 17);
}
static void m_ncandhuge(unsigned char *t, size_t e)
{
    put32(t, e + ENT_NCAND, 0xffffffffu);
}
static void m_family(unsigned char *t, size_t e)
{
    put32(t, e + ENT_CAND, 99);
}
static void m_key(unsigned char *t, size_t e)
{
    memset(t + e + ENT_KEY, 'A', POOL_NAME_MAX + 1);
}
static void m_keyempty(unsigned char *t, size_t e)
{
    t[e + ENT_KEY] = '\0';
}
static void m_seq(unsigned char *t, size_t e)
{
    put32(t, e + ENT_SEQ, 7);
} /* stuck mid-update */

static void test_crafted_entry_is_never_used(void **state)
{
    (void)state;
    struct {
        const char *what;
        void (*mutate)(unsigned char *, size_t);
    } cases[] = {
        {"unknown flag", m_flags},          {"unused", m_unused},
        {"no candidate", m_ncand0},         {"17 candidates", m_ncand17},
        {"2^32-1 candidates", m_ncandhuge}, {"family 99", m_family},
        {"unterminated key", m_key},        {"empty key", m_keyempty},
        {"always under update", m_seq},
    };
    fake_now = 2000;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned skipped;
        assert_int_equal(craft_attach(cases[i].mutate, SEALED, false, &skipped), 1);
        struct pool_view v;
        int rc = pool_lookup(ip4("198.18.0.1"), &v);
        if (rc != -ENOENT)
            fail_msg("%s: lookup gave %d", cases[i].what, rc);
        /* The other indices of the ancestor's slice are just unused. */
        assert_int_equal(pool_lookup(ip4("198.18.0.4"), &v), -ENOENT);
    }
}

int main(void)
{
    if (!getenv("V6_POOL_SHARE_CHILD")) {
        fprintf(stderr, "V6_POOL_SHARE_CHILD not set\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_exec_child_reaches_the_parents_names_and_peers, teardown),
        cmocka_unit_test_teardown(test_exec_child_allocates_after_the_parents_slice, teardown),
        cmocka_unit_test_teardown(
            test_exec_child_shows_a_peer_its_parent_accepted_at_the_parents_address, teardown),
        cmocka_unit_test_teardown(test_grandchild_reads_its_parent_and_grandparent, teardown),
        cmocka_unit_test_teardown(test_exec_child_does_not_find_an_expired_entry, teardown),
        cmocka_unit_test_teardown(test_child_use_keeps_the_parents_entry_one_ttl, teardown),
        cmocka_unit_test_teardown(test_hostile_child_cannot_change_the_parents_table, teardown),
        cmocka_unit_test_teardown(test_fork_child_passes_the_parents_table_on, teardown),
        cmocka_unit_test_teardown(test_fork_child_with_an_address_of_its_own_withdraws_the_table,
                                  teardown),
        cmocka_unit_test_teardown(test_malformed_variable_is_refused, teardown),
        cmocka_unit_test_setup_teardown(test_crafted_header_is_refused, craft_setup,
                                        craft_teardown),
        cmocka_unit_test_setup_teardown(test_crafted_entry_is_never_used, craft_setup,
                                        craft_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
