/*
 * pool_share — the pool's shared table and holds (see pool_share.h).
 *
 * Layout of the table memfd: one struct share_header, then CAP struct
 * share_entry. Each entry is a seqlock: the owner makes seq odd, writes the
 * body, makes it even again (release); a reader copies the body between two
 * equal even reads of seq, then validates the copy field by field (a torn
 * or hostile copy is refused, never trusted). The holds memfd is CAP
 * 64-bit atomics, milliseconds of CLOCK_MONOTONIC (system-wide, so every
 * process of one boot and time namespace agrees).
 *
 * State: share_own (the writer) is written under the pool lock at publish
 * and only read by the writer calls, which run under that lock;
 * share_anc/share_nanc (the readers) are written by pool_share_attach at
 * start-up, before any concurrent pool call, and are read-only afterwards.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the pool hands out synthetic IPv4 addresses by design (v6scan self-scan). */
#define _GNU_SOURCE
#include "pool_share.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010 /* Linux 5.1 */
#endif

#define SHARE_MAGIC 0x53503676u /* "v6PS" */
#define SHARE_VERSION 1u
#define SHARE_TRIES 64     /* seqlock retries before -EAGAIN */
#define SHARE_FD_FLOOR 100 /* keep the descriptors out of the program's low numbers */
#define SHARE_TABLE_SEALS (F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define SHARE_HOLD_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define SHARE_TTL_MAX_MS (86400u * 1000u) /* config.def's pool_ttl bound */

struct share_header {
    uint32_t magic, version;
    uint32_t header_size, entry_size;
    uint64_t token[2];
    int32_t owner_pid;
    uint32_t net, prefix; /* the range, host order */
    uint32_t base, cap;   /* the owner's pool indices */
    uint32_t reserved;
};

struct share_cand {
    int32_t family;
    uint32_t scope_id;
    uint8_t addr[16]; /* the first 4 bytes for AF_INET */
};

struct share_body {
    uint32_t flags; /* POOL_SHARE_* */
    uint32_t ncand;
    uint64_t expires_ms;
    uint64_t ttl_ms;
    struct share_cand cand[POOL_MAX_CAND];
    char key[POOL_NAME_MAX + 1];
};

struct share_entry {
    _Atomic uint32_t seq;
    uint32_t reserved;
    struct share_body b;
};

struct share_map {
    struct share_header *hdr; /* the table (read-only for readers) */
    struct share_entry *ent;
    size_t table_len;
    _Atomic uint64_t *holds;
    size_t holds_len;
    size_t base, cap;
};

/* The writer; see the file comment for its lock. */
static struct share_map share_own;
static int share_own_fd = -1, share_own_hfd = -1;
static bool share_owning;

/* The ancestors, oldest first; immutable after attach. */
static struct share_map share_anc[POOL_SHARE_DEPTH];
static size_t share_nanc;

static size_t share_table_len(size_t cap)
{
    return sizeof(struct share_header) + cap * sizeof(struct share_entry);
}

/* FD moved to SHARE_FD_FLOOR or above, keeping FD_CLOEXEC; FD itself when
 * no such number is free. */
static int share_high_fd(int fd)
{
    int hi = fcntl(fd, F_DUPFD_CLOEXEC, SHARE_FD_FLOOR);
    if (hi < 0)
        return fd;
    close(fd);
    return hi;
}

static int share_memfd(const char *name, size_t len, unsigned seals_now)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return errno == EINVAL || errno == ENOSYS ? -ENOSYS : -errno;
    fd = share_high_fd(fd);
    if (ftruncate(fd, (off_t)len) != 0 || (seals_now && fcntl(fd, F_ADD_SEALS, seals_now) != 0)) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

void pool_share_reset(void)
{
    if (share_own.hdr)
        munmap(share_own.hdr, share_own.table_len);
    if (share_own.holds)
        munmap((void *)share_own.holds, share_own.holds_len);
    if (share_own_fd >= 0)
        close(share_own_fd);
    if (share_own_hfd >= 0)
        close(share_own_hfd);
    memset(&share_own, 0, sizeof share_own);
    share_own_fd = share_own_hfd = -1;
    share_owning = false;
    for (size_t i = 0; i < share_nanc; i++) {
        munmap(share_anc[i].hdr, share_anc[i].table_len);
        munmap((void *)share_anc[i].holds, share_anc[i].holds_len);
    }
    memset(share_anc, 0, sizeof share_anc);
    share_nanc = 0;
}

int pool_share_publish(uint32_t net, unsigned prefix, size_t base, size_t cap, char *spec,
                       size_t speclen)
{
    if (cap == 0 || cap > UINT32_MAX || base > UINT32_MAX)
        return -EINVAL;
    uint64_t token[2];
    if (getrandom(token, sizeof token, 0) != (ssize_t)sizeof token)
        return errno ? -errno : -EIO;
    size_t tlen = share_table_len(cap), hlen = cap * sizeof(uint64_t);
    int fd = share_memfd("v6shim-pool", tlen, 0);
    if (fd < 0)
        return fd;
    int hfd = share_memfd("v6shim-pool-holds", hlen, SHARE_HOLD_SEALS);
    if (hfd < 0) {
        close(fd);
        return hfd;
    }
    void *t = mmap(NULL, tlen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void *h = mmap(NULL, hlen, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
    int rc = 0;
    if (t == MAP_FAILED || h == MAP_FAILED)
        rc = -ENOMEM;
    /* Sealed after the owner's own writable mapping exists: it alone may
     * write, through that mapping (memfd_create(2), F_SEAL_FUTURE_WRITE). */
    else if (fcntl(fd, F_ADD_SEALS, SHARE_TABLE_SEALS) != 0)
        rc = errno == EINVAL ? -ENOSYS : -errno;
    char el[96];
    int n = snprintf(el, sizeof el, "%d:%d:%d:%zu:%zu:%016" PRIx64 "%016" PRIx64, (int)getpid(), fd,
                     hfd, base, cap, token[0], token[1]);
    size_t used = strlen(spec);
    if (rc == 0 && used + (used ? 1u : 0u) + (size_t)n + 1 > speclen)
        rc = -ENOSPC;
    if (rc < 0) {
        if (t != MAP_FAILED)
            munmap(t, tlen);
        if (h != MAP_FAILED)
            munmap(h, hlen);
        close(fd);
        close(hfd);
        return rc;
    }
    struct share_header *hdr = t;
    *hdr = (struct share_header){
        .magic = SHARE_MAGIC,
        .version = SHARE_VERSION,
        .header_size = sizeof *hdr,
        .entry_size = sizeof(struct share_entry),
        .token = {token[0], token[1]},
        .owner_pid = (int32_t)getpid(),
        .net = net,
        .prefix = prefix,
        .base = (uint32_t)base,
        .cap = (uint32_t)cap,
    };
    snprintf(spec + used, speclen - used, "%s%s", used ? ";" : "", el);
    share_own = (struct share_map){.hdr = hdr,
                                   .ent = (struct share_entry *)(hdr + 1),
                                   .table_len = tlen,
                                   .holds = h,
                                   .holds_len = hlen,
                                   .base = base,
                                   .cap = cap};
    share_own_fd = fd;
    share_own_hfd = hfd;
    share_owning = true;
    return 0;
}

bool pool_share_owner(void)
{
    return share_owning;
}

void pool_share_forked(void)
{
    if (!share_owning)
        return;
    /* The parent goes on owning the table; this process (the same program
     * until it execs) must not write it. The descriptors are FD_CLOEXEC. */
    munmap(share_own.hdr, share_own.table_len);
    munmap((void *)share_own.holds, share_own.holds_len);
    memset(&share_own, 0, sizeof share_own);
    share_owning = false;
}

static void share_begin(struct share_entry *e)
{
    uint32_t s = atomic_load_explicit(&e->seq, memory_order_relaxed);
    atomic_store_explicit(&e->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
}

static void share_end(struct share_entry *e)
{
    uint32_t s = atomic_load_explicit(&e->seq, memory_order_relaxed);
    atomic_store_explicit(&e->seq, s + 1, memory_order_release);
}

void pool_share_put(size_t i, unsigned flags, const char *key, const struct pool_cand *c, size_t n,
                    uint64_t expires_ms, uint64_t ttl_ms, bool new_key)
{
    if (!share_owning || i >= share_own.cap)
        return;
    struct share_entry *e = &share_own.ent[i];
    if (new_key) /* an old hold was for the key that had the slot before */
        atomic_store(&share_own.holds[i], 0);
    share_begin(e);
    e->b.flags = flags;
    e->b.ncand = (uint32_t)n;
    e->b.expires_ms = expires_ms;
    e->b.ttl_ms = ttl_ms;
    memset(e->b.cand, 0, sizeof e->b.cand);
    for (size_t k = 0; k < n && k < POOL_MAX_CAND; k++) {
        e->b.cand[k].family = c[k].family;
        e->b.cand[k].scope_id = c[k].scope_id;
        if (c[k].family == AF_INET6)
            memcpy(e->b.cand[k].addr, &c[k].addr.v6, 16);
        else
            memcpy(e->b.cand[k].addr, &c[k].addr.v4, 4);
    }
    snprintf(e->b.key, sizeof e->b.key, "%s", key);
    share_end(e);
}

void pool_share_state(size_t i, unsigned flags, uint64_t expires_ms)
{
    if (!share_owning || i >= share_own.cap)
        return;
    struct share_entry *e = &share_own.ent[i];
    if (e->b.flags == flags && e->b.expires_ms == expires_ms)
        return; /* nothing changed: no store on the lookup path */
    share_begin(e);
    e->b.flags = flags;
    e->b.expires_ms = expires_ms;
    share_end(e);
}

/* A hold H keeps its entry live at NOW when it lies after NOW. Any such
 * value counts, even one further than a TTL that no use could have
 * written: in doubt the entry stays live (a hostile child can deny the
 * owner new addresses, never make one name another key). */
static bool share_hold_counts(uint64_t h, uint64_t now)
{
    return h > now;
}

bool pool_share_held(size_t i, uint64_t now)
{
    if (!share_owning || i >= share_own.cap)
        return false;
    return share_hold_counts(atomic_load_explicit(&share_own.holds[i], memory_order_relaxed), now);
}

/* ---- readers ---- */

/* Parse one decimal field up to SEP; false when empty, too large or not digits. */
static bool share_num(const char **p, char sep, uint64_t max, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10u + (uint64_t)(*s - '0');
        if (v > max)
            return false;
    }
    if (*s != sep)
        return false;
    *p = s + 1;
    *out = v;
    return true;
}

static bool share_hex64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int k = 0; k < 16; k++) {
        int c = s[k], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}

struct share_elem {
    uint64_t pid, fd, hfd, base, cap, token[2];
};

/* One element "PID:FD:HFD:BASE:CAP:TOKEN" ending at ';' or NUL. */
static bool share_parse(const char **p, struct share_elem *el)
{
    const char *s = *p;
    if (!share_num(&s, ':', INT32_MAX, &el->pid) || !share_num(&s, ':', INT32_MAX, &el->fd) ||
        !share_num(&s, ':', INT32_MAX, &el->hfd) || !share_num(&s, ':', UINT32_MAX, &el->base) ||
        !share_num(&s, ':', UINT32_MAX, &el->cap) || el->pid == 0 || el->cap == 0)
        return false;
    if (strnlen(s, 32) < 32 || !share_hex64(s, &el->token[0]) ||
        !share_hex64(s + 16, &el->token[1]))
        return false;
    s += 32;
    if ((*s != ';' && *s != '\0') || (*s == ';' && s[1] == '\0'))
        return false;
    *p = *s ? s + 1 : s;
    return true;
}

/* Open the owner's descriptor FD read-only or read-write (proc(5)). */
static int share_open(uint64_t pid, uint64_t fd, int flags)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%" PRIu64 "/fd/%" PRIu64, pid, fd);
    return open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/* A descriptor that is a memfd of exactly LEN bytes carrying SEALS. */
static bool share_fd_ok(int fd, size_t len, int seals)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (uint64_t)st.st_size != (uint64_t)len)
        return false;
    int have = fcntl(fd, F_GET_SEALS);
    return have >= 0 && (have & seals) == seals;
}

/* Map element EL of range NET/PREFIX (USABLE indices) into *M. */
static bool share_map_elem(const struct share_elem *el, uint32_t net, unsigned prefix,
                           size_t usable, struct share_map *m)
{
    if (el->base >= usable || el->cap > usable - el->base)
        return false;
    size_t tlen = share_table_len((size_t)el->cap), hlen = (size_t)el->cap * sizeof(uint64_t);
    int fd = share_open(el->pid, el->fd, O_RDONLY);
    if (fd < 0)
        return false;
    void *t = MAP_FAILED;
    if (share_fd_ok(fd, tlen, SHARE_TABLE_SEALS))
        t = mmap(NULL, tlen, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (t == MAP_FAILED)
        return false;
    const struct share_header *h = t;
    bool ok = h->magic == SHARE_MAGIC && h->version == SHARE_VERSION &&
              h->header_size == sizeof *h && h->entry_size == sizeof(struct share_entry) &&
              h->token[0] == el->token[0] && h->token[1] == el->token[1] &&
              (uint64_t)h->owner_pid == el->pid && h->net == net && h->prefix == prefix &&
              h->base == el->base && h->cap == el->cap;
    void *hd = MAP_FAILED;
    if (ok) {
        int hfd = share_open(el->pid, el->hfd, O_RDWR);
        if (hfd >= 0) {
            if (share_fd_ok(hfd, hlen, SHARE_HOLD_SEALS))
                hd = mmap(NULL, hlen, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
            close(hfd);
        }
    }
    if (hd == MAP_FAILED) {
        munmap(t, tlen);
        return false;
    }
    *m = (struct share_map){.hdr = t,
                            .ent = (struct share_entry *)((char *)t + sizeof *h),
                            .table_len = tlen,
                            .holds = hd,
                            .holds_len = hlen,
                            .base = (size_t)el->base,
                            .cap = (size_t)el->cap};
    return true;
}

int pool_share_attach(const char *spec, uint32_t net, unsigned prefix, size_t *next_base,
                      char *kept, size_t keptlen, unsigned *skipped)
{
    *next_base = 0;
    *skipped = 0;
    if (keptlen)
        kept[0] = '\0';
    if (!spec || !*spec)
        return 0;
    if (strlen(spec) >= POOL_SHARE_SPEC_MAX)
        return -EINVAL;
    size_t usable = ((size_t)1 << (32 - prefix)) - 2;
    struct share_elem els[POOL_SHARE_DEPTH];
    size_t nel = 0, next = 0;
    const char *p = spec;
    while (*p) {
        struct share_elem el;
        if (!share_parse(&p, &el))
            return -EINVAL;
        if (el.base >= usable || el.cap > usable - el.base)
            return -EINVAL;
        if (el.base + el.cap > next)
            next = (size_t)(el.base + el.cap);
        if (nel < POOL_SHARE_DEPTH)
            els[nel++] = el;
        else
            (*skipped)++;
    }
    *next_base = next;
    size_t klen = 0;
    for (size_t i = 0; i < nel; i++) {
        /* Slices of the mapped ancestors must not overlap: each owner
         * allocated after its own ancestors. */
        bool overlap = false;
        for (size_t k = 0; k < share_nanc; k++)
            overlap |= els[i].base < share_anc[k].base + share_anc[k].cap &&
                       share_anc[k].base < els[i].base + els[i].cap;
        if (overlap || !share_map_elem(&els[i], net, prefix, usable, &share_anc[share_nanc])) {
            (*skipped)++;
            continue;
        }
        share_nanc++;
        int n = snprintf(kept + klen, keptlen > klen ? keptlen - klen : 0,
                         "%s%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%016" PRIx64
                         "%016" PRIx64,
                         klen ? ";" : "", els[i].pid, els[i].fd, els[i].hfd, els[i].base,
                         els[i].cap, els[i].token[0], els[i].token[1]);
        if (n > 0 && klen + (size_t)n < keptlen)
            klen += (size_t)n;
        else if (keptlen)
            kept[klen] = '\0';
    }
    return (int)share_nanc;
}

static const struct share_map *share_owner_of(size_t idx)
{
    for (size_t i = 0; i < share_nanc; i++)
        if (idx >= share_anc[i].base && idx - share_anc[i].base < share_anc[i].cap)
            return &share_anc[i];
    return NULL;
}

bool pool_share_ancestor_owns(size_t idx)
{
    return share_owner_of(idx) != NULL;
}

/* Raise hold H to UNTIL (never lower it). Lock-free. */
static void share_raise(_Atomic uint64_t *h, uint64_t until)
{
    uint64_t cur = atomic_load_explicit(h, memory_order_relaxed);
    while (cur < until && !atomic_compare_exchange_weak(h, &cur, until))
        ;
}

/* Check a copied body: everything an owner could not have written. */
static bool share_body_ok(const struct share_body *b)
{
    if (b->flags & ~(POOL_SHARE_USED | POOL_SHARE_PEER | POOL_SHARE_PINNED))
        return false;
    if (!(b->flags & POOL_SHARE_USED) || b->ncand == 0 || b->ncand > POOL_MAX_CAND ||
        b->ttl_ms > SHARE_TTL_MAX_MS)
        return false;
    if (!memchr(b->key, '\0', sizeof b->key) || !b->key[0])
        return false;
    for (uint32_t k = 0; k < b->ncand; k++)
        if (b->cand[k].family != AF_INET && b->cand[k].family != AF_INET6)
            return false;
    return true;
}

int pool_share_find(size_t idx, uint64_t now, bool use, struct pool_view *out)
{
    const struct share_map *m = share_owner_of(idx);
    if (!m)
        return -ENOENT;
    size_t i = idx - m->base;
    const struct share_entry *e = &m->ent[i];
    struct share_body b;
    int tries = 0;
    for (;; tries++) {
        if (tries == SHARE_TRIES)
            return -EAGAIN;
        uint32_t s1 = atomic_load_explicit(&e->seq, memory_order_acquire);
        if (s1 & 1u)
            continue;
        memcpy(&b, &e->b, sizeof b);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&e->seq, memory_order_relaxed) == s1)
            break;
    }
    if (!share_body_ok(&b))
        return -ENOENT;
    uint64_t h = atomic_load_explicit(&m->holds[i], memory_order_relaxed);
    bool live = (b.flags & POOL_SHARE_PINNED) || now < b.expires_ms || share_hold_counts(h, now);
    if (!live)
        return -ENOENT;
    if (use)
        share_raise(&m->holds[i], now + b.ttl_ms);
    if (b.flags & POOL_SHARE_PEER)
        out->name[0] = '\0';
    else
        memcpy(out->name, b.key, sizeof out->name);
    out->ncand = b.ncand;
    memset(out->cand, 0, sizeof out->cand);
    for (uint32_t k = 0; k < b.ncand; k++) {
        out->cand[k].family = b.cand[k].family;
        out->cand[k].scope_id = b.cand[k].scope_id;
        if (b.cand[k].family == AF_INET6)
            memcpy(&out->cand[k].addr.v6, b.cand[k].addr, 16);
        else
            memcpy(&out->cand[k].addr.v4, b.cand[k].addr, 4);
    }
    return 0;
}

int pool_share_find_peer(const struct in6_addr *a, uint32_t scope_id, uint64_t now, bool use,
                         size_t *idx)
{
    for (size_t k = 0; k < share_nanc; k++) {
        const struct share_map *m = &share_anc[k];
        for (size_t i = 0; i < m->cap; i++) {
            const struct share_entry *e = &m->ent[i];
            /* Only the fields that identify a peer, under the seqlock. */
            uint32_t flags, ncand;
            uint64_t expires, ttl;
            struct share_cand c0;
            uint32_t s1 = atomic_load_explicit(&e->seq, memory_order_acquire);
            if (s1 & 1u)
                continue; /* under update this instant: treated as another peer's */
            flags = e->b.flags;
            ncand = e->b.ncand;
            expires = e->b.expires_ms;
            ttl = e->b.ttl_ms;
            memcpy(&c0, &e->b.cand[0], sizeof c0);
            atomic_thread_fence(memory_order_acquire);
            if (atomic_load_explicit(&e->seq, memory_order_relaxed) != s1)
                continue;
            if ((flags & ~(POOL_SHARE_USED | POOL_SHARE_PEER | POOL_SHARE_PINNED)) ||
                !(flags & POOL_SHARE_USED) || !(flags & POOL_SHARE_PEER) || ncand != 1 ||
                c0.family != AF_INET6 || c0.scope_id != scope_id || memcmp(c0.addr, a, 16) != 0 ||
                ttl > SHARE_TTL_MAX_MS)
                continue;
            uint64_t h = atomic_load_explicit(&m->holds[i], memory_order_relaxed);
            if (!(flags & POOL_SHARE_PINNED) && now >= expires && !share_hold_counts(h, now))
                continue;
            if (use)
                share_raise(&m->holds[i], now + ttl);
            *idx = m->base + i;
            return 0;
        }
    }
    return -ENOENT;
}

bool pool_share_use(size_t idx, uint64_t now)
{
    const struct share_map *m = share_owner_of(idx);
    if (!m)
        return false;
    size_t i = idx - m->base;
    /* The TTL is the entry's, read without the seqlock: a torn value only
     * bounds a hold, which the owner clamps anyway. */
    uint64_t ttl = m->ent[i].b.ttl_ms;
    if (ttl <= SHARE_TTL_MAX_MS)
        share_raise(&m->holds[i], now + ttl);
    return true;
}
/* NOLINTEND(v6-sockaddr-in-decl) */
