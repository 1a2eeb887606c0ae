/*
 * fuzz_pool — the address pool (shim/pool.h) as a state machine: the input
 * is a sequence of operations (map a name, map a peer, lookup, acquire,
 * pin, unpin, async unpin, clock steps) on a small pool, checked against a
 * model of the contract.
 *
 * The model keeps, per pool address, its owner, its pins and bounds on its
 * expiry ([lo, hi]; an async unpin's use is applied at the pool's next
 * locked call, so until an operation on that address settles it the upper
 * bound is open). Properties:
 *   - never misroutes: an address is handed to a new owner only when the
 *     model says it cannot be live (no pin, and past its guaranteed expiry);
 *   - a live address is found: a lookup within the TTL of the last use
 *     succeeds and gives the owner's name and answer; an expired one is
 *     never found;
 *   - a name or peer already mapped keeps its address; new owners take
 *     never-used addresses in order first;
 *   - -ENOSPC only when every entry may be live; pins and unpins balance
 *     (-EINVAL for an unpin without a pin, -ENOENT for an unmapped address).
 * When the input's first byte has its high bit set the pool is also shared
 * (pool_share.h) and the input may write any value into an entry's hold,
 * as a child (hostile or not) can: a hold after now keeps the entry live,
 * and a new key clears it; nothing else changes.
 */
/* NOLINTBEGIN(v6-*): the pool hands out synthetic IPv4 addresses by design. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "pool.h"
#include "pool_share.h"

#define NNAMES 8
#define NPEERS 4
#define NKEYS (NNAMES + NPEERS)
#define MAX_CAP 8
#define NEVER UINT64_MAX

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
    return fake_now;
}

struct slot {
    int owner; /* key index, -1 never used */
    unsigned pins;
    uint64_t lo, hi; /* the expiry lies in [lo, hi] */
    bool pending;    /* an async unpin's use may still be applied: hi is open */
    uint8_t tag;     /* the answer last mapped, to check what lookup copies */
    uint64_t hold;   /* the value written into its shared hold (0 none) */
};

/* The shared pool's holds, mapped writable as a child maps them; NULL when
 * the input does not share. */
static uint64_t *holds;
static size_t holds_len;

static struct slot slots[MAX_CAP];
static size_t cap, next_unused;
static int key_slot[NKEYS]; /* slot of each key, -1 none */

/* Each key has a fixed TTL, so an entry's TTL is its owner's. */
static uint64_t ttl_ms(int key)
{
    return 1000u * (1u + (unsigned)key % 3u);
}

static void key_name(int key, char *out, size_t len)
{
    snprintf(out, len, "host-%d.fuzz.example", key);
}

static struct in6_addr peer_addr(int key)
{
    struct in6_addr a;
    inet_pton(AF_INET6, "2001:db8::", &a);
    a.s6_addr[15] = (uint8_t)(key + 1);
    return a;
}

static struct in_addr slot_addr(size_t i)
{
    struct in_addr a = {htonl(0xc6120000u + 1u + (uint32_t)i)};
    return a;
}

static bool live_min(const struct slot *s)
{
    return s->owner >= 0 && (s->pins > 0 || fake_now < s->lo || fake_now < s->hold);
}

static bool live_max(const struct slot *s)
{
    return s->owner >= 0 && (s->pins > 0 || s->pending || fake_now < s->hi || fake_now < s->hold);
}

/* A use at the current time (map, lookup, last unpin): expiry >= now + TTL. */
static void touch(struct slot *s)
{
    uint64_t e = fake_now + ttl_ms(s->owner);
    if (s->lo < e)
        s->lo = e;
    if (s->hi < e)
        s->hi = e;
}

/* The pool ran pool_live on S now: a pending use was applied at some time
 * up to now. */
static void settle(struct slot *s)
{
    if (!s->pending)
        return;
    uint64_t e = fake_now + ttl_ms(s->owner);
    if (s->hi < e)
        s->hi = e;
    s->pending = false;
}

static void do_map(int key, bool pin, uint8_t tag)
{
    struct in_addr out = {0};
    int rc;
    struct pool_cand c = {.family = AF_INET6};
    if (key < NNAMES) {
        char name[64];
        key_name(key, name, sizeof name);
        inet_pton(AF_INET6, "2001:db8:1::", &c.addr.v6);
        c.addr.v6.s6_addr[15] = tag;
        rc = pool_map_name(name, &c, 1, (uint32_t)(ttl_ms(key) / 1000u), &out);
        pin = false;
    } else {
        struct in6_addr a = peer_addr(key - NNAMES);
        rc = pool_map_peer(&a, 0, (uint32_t)(ttl_ms(key) / 1000u), pin, &out);
        tag = 0;
    }
    if (key_slot[key] >= 0) { /* already mapped: same address, never -ENOSPC */
        struct slot *s = &slots[key_slot[key]];
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(out.s_addr == slot_addr((size_t)key_slot[key]).s_addr);
        touch(s);
        s->pins += pin;
        s->tag = tag;
        return;
    }
    if (rc == -ENOSPC) {
        FUZZ_CHECK(next_unused == cap);
        for (size_t i = 0; i < cap; i++)
            FUZZ_CHECK(live_max(&slots[i]));
        return;
    }
    FUZZ_CHECK(rc == 0);
    size_t i = ntohl(out.s_addr) - ntohl(slot_addr(0).s_addr);
    FUZZ_CHECK(i < cap);
    if (next_unused < cap) {
        FUZZ_CHECK(i == next_unused); /* never-used addresses first, in order */
        next_unused++;
    }
    struct slot *s = &slots[i];
    FUZZ_CHECK(!live_min(s)); /* the safety property: never a live address */
    if (s->owner >= 0)
        key_slot[s->owner] = -1;
    *s = (struct slot){.owner = key, .pins = pin, .lo = 0, .hi = 0, .tag = tag}; /* hold cleared */
    touch(s);
    key_slot[key] = (int)i;
}

/* The slot an address byte names: 0..cap-1, or one past (never mapped). */
static size_t pick_slot(uint8_t b)
{
    return b % (cap + 1);
}

static void do_lookup(size_t i, bool acquire)
{
    struct pool_view v;
    memset(&v, 0, sizeof v);
    int rc = acquire ? pool_acquire(slot_addr(i), &v) : pool_lookup(slot_addr(i), &v);
    if (i >= cap || slots[i].owner < 0) {
        FUZZ_CHECK(rc == -ENOENT);
        return;
    }
    struct slot *s = &slots[i];
    if (rc == -ENOENT) {
        FUZZ_CHECK(!live_min(s)); /* a live address is always found */
        if (s->hi > fake_now)
            s->hi = fake_now;
        if (s->lo > s->hi)
            s->lo = s->hi;
        s->pending = false;
        return;
    }
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(live_max(s)); /* an expired address is never found */
    FUZZ_CHECK(v.v4.s_addr == slot_addr(i).s_addr);
    FUZZ_CHECK(v.ncand == 1 && v.cand[0].family == AF_INET6);
    if (s->owner < NNAMES) {
        char name[64];
        key_name(s->owner, name, sizeof name);
        FUZZ_CHECK(strcmp(v.name, name) == 0);
        FUZZ_CHECK(v.cand[0].addr.v6.s6_addr[15] == s->tag);
    } else {
        struct in6_addr a = peer_addr(s->owner - NNAMES);
        FUZZ_CHECK(v.name[0] == '\0');
        FUZZ_CHECK(memcmp(&v.cand[0].addr.v6, &a, sizeof a) == 0);
    }
    settle(s);
    touch(s);
    s->pins += acquire;
}

static void do_pin(size_t i)
{
    int rc = pool_pin(slot_addr(i));
    if (i >= cap || slots[i].owner < 0) {
        FUZZ_CHECK(rc == -ENOENT);
        return;
    }
    FUZZ_CHECK(rc == 0);
    slots[i].pins++;
}

static void do_unpin(size_t i, bool async)
{
    if (async) {
        pool_unpin_async(slot_addr(i));
        if (i < cap && slots[i].owner >= 0 && slots[i].pins > 0) {
            struct slot *s = &slots[i];
            if (--s->pins == 0) {
                /* The use is applied later, at a time >= now. */
                uint64_t e = fake_now + ttl_ms(s->owner);
                if (s->lo < e)
                    s->lo = e;
                s->pending = true;
            }
        }
        return;
    }
    int rc = pool_unpin(slot_addr(i));
    if (i >= cap || slots[i].owner < 0) {
        FUZZ_CHECK(rc == -ENOENT);
        return;
    }
    struct slot *s = &slots[i];
    if (s->pins == 0) {
        FUZZ_CHECK(rc == -EINVAL);
        return;
    }
    FUZZ_CHECK(rc == 0);
    settle(s);
    if (--s->pins == 0)
        touch(s);
}

/* Write a hold as a child would: none, the far future, or a time around now. */
static void do_hold(size_t i, uint8_t kind)
{
    if (!holds || i >= cap)
        return;
    uint64_t v = kind == 0 ? 0 : kind == 1 ? UINT64_MAX : fake_now - 2000u + (uint64_t)kind * 40u;
    holds[i] = v;
    slots[i].hold = v;
}

/* Publish the pool as init does and map its holds the way a child does. */
static void share_on(void)
{
    char spec[POOL_SHARE_SPEC_MAX];
    unsigned skipped;
    FUZZ_CHECK(pool_share_start(NULL, spec, sizeof spec, &skipped) == 0);
    long pid, hfd;
    FUZZ_CHECK(sscanf(spec, "%ld:%*d:%ld:", &pid, &hfd) == 2);
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd/%ld", pid, hfd);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    holds_len = cap * sizeof *holds;
    holds = mmap(NULL, holds_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    FUZZ_CHECK(holds != MAP_FAILED);
    close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* No configuration file or V6SHIM_* variable of this machine applies. */
    setenv("V6SHIM_CONF", "/dev/null", 1);
    pool_set_clock(fake_clock);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    uint8_t first = fuzz_u8(&in);
    cap = 1u + (first & 0x7f) % MAX_CAP;
    struct in_addr net = {htonl(0xc6120000u)};
    FUZZ_CHECK(pool_setup(net, 15, cap) == 0);
    pool_set_clock(fake_clock);
    fake_now = 1000000;
    next_unused = 0;
    for (size_t i = 0; i < MAX_CAP; i++)
        slots[i] = (struct slot){.owner = -1};
    for (int k = 0; k < NKEYS; k++)
        key_slot[k] = -1;
    if (holds)
        munmap(holds, holds_len);
    holds = NULL;
    if (first & 0x80)
        share_on();
    for (unsigned steps = 0; in.n > 0 && steps < 4096; steps++) {
        uint8_t op = fuzz_u8(&in), arg = fuzz_u8(&in);
        switch (op % 9) {
        case 0: do_map(arg % NNAMES, false, fuzz_u8(&in)); break;
        case 1: do_map(NNAMES + arg % NPEERS, arg & 0x80, 0); break;
        case 2: do_lookup(pick_slot(arg), false); break;
        case 3: do_lookup(pick_slot(arg), true); break;
        case 4: do_pin(pick_slot(arg)); break;
        case 5: do_unpin(pick_slot(arg), false); break;
        case 6: do_unpin(pick_slot(arg), true); break;
        case 8: do_hold(pick_slot(arg), fuzz_u8(&in)); break;
        default:
            fake_now += (uint64_t)arg * 40u; /* up to ~10 s: several TTLs */
            break;
        }
    }
    return 0;
}
/* NOLINTEND(v6-*) */
