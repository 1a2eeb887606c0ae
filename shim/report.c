/* report — report mode: the site table, site lines, the exit line and the
 * ways a process ends; see report.h. The lines are formatted by
 * report_format.c. */
#define _GNU_SOURCE
#include "report.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "symbols.h"

#define REPORT_MAX_OBJECTS 64
#define REPORT_SYMS_MAX (64 * 1024)
#define REPORT_SYM_MAX 1024 /* a longer symbol name is not kept (NULL) */

/* A site; every member but count is written once, before report_nsites
 * publishes it. */
struct report_site {
    enum report_what what;
    const char *call; /* a string literal */
    const void *caller;
    atomic_ulong count;
    int obj; /* index into report_objs; -1: not known */
    size_t address;
    int sym; /* offset into report_syms; -1: none */
    size_t symbol_offset;
};

static const char *const report_ids[REPORT_NWHAT] = {
    [REPORT_SOCKET_AF_INET] = "v6-socket-af-inet",
    [REPORT_INET_ADDR] = "v6-inet-addr",
    [REPORT_INET_NTOA] = "v6-inet-ntoa",
    [REPORT_WILDCARD_LISTEN] = "v6-inaddr-constant",
    [REPORT_IPV6_PEER] = "v6-ipv6-peer-as-ipv4",
    [REPORT_GETHOSTBYNAME] = "v6-gethostbyname",
    [REPORT_GETHOSTBYADDR] = "v6-gethostbyaddr",
    [REPORT_GETADDRINFO_INET] = "v6-getaddrinfo-af-inet",
    [REPORT_RES_QUERY_A] = "v6-res-query-a",
    [REPORT_OWN_DNS] = "v6-own-dns-client",
    [REPORT_LOOPBACK_FALLBACK] = "v6-ipv4-literal",
};

/* Written once under report_once (and in a forked child by the atfork
 * handler, single-threaded there). */
static pthread_once_t report_once = PTHREAD_ONCE_INIT;
static atomic_bool report_enabled;
static bool report_verbose;
static char report_path[PATH_MAX];
static char report_exe[PATH_MAX]; /* /proc/self/exe */
static pid_t report_pid;          /* whose table this is (not a vfork child's) */
static unsigned long long report_start;

/* report_lock serialises adding sites, objects and symbols, and the site
 * lines' buffer. Leaf lock. Readers take no lock (report.h). */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static struct report_site report_sites[REPORT_MAX_SITES];
static atomic_size_t report_nsites;
static atomic_ulong report_dropped;
static char report_objs[REPORT_MAX_OBJECTS][PATH_MAX];
static size_t report_nobjs;
static char report_syms[REPORT_SYMS_MAX];
static size_t report_syms_used;
static char report_site_line[REPORT_SITE_LINE_MAX];

static atomic_bool report_resolver_used; /* report_note_resolver */
static atomic_bool report_final_done;    /* the exit line was written (or tried) */
static atomic_bool report_error_said;    /* one message per process */

static unsigned long long report_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
        return 0;
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* Small async-signal-safe text building for the messages on stderr. */
static void report_cat(char *buf, size_t len, size_t *off, const char *s)
{
    while (*s && *off + 1 < len)
        buf[(*off)++] = *s++;
    buf[*off] = '\0';
}

static void report_cat_u(char *buf, size_t len, size_t *off, unsigned long v)
{
    char d[24];
    size_t i = sizeof d - 1;
    d[i] = '\0';
    do
        d[--i] = (char)('0' + v % 10);
    while (v /= 10);
    report_cat(buf, len, off, d + i);
}

static void report_say(const char *msg, size_t n)
{
    while (n > 0) {
        ssize_t w = write(2, msg, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        msg += w;
        n -= (size_t)w;
    }
}

/* "v6shim: report: writing FILE failed: reason", once per process. In a
 * signal handler the reason is the errno name (strerror reads the locale). */
static void report_say_failed(int err, bool in_signal)
{
    if (atomic_exchange(&report_error_said, true))
        return;
    char msg[PATH_MAX + 160];
    size_t off = 0;
    report_cat(msg, sizeof msg, &off, "v6shim: report: writing ");
    report_cat(msg, sizeof msg, &off, report_path);
    report_cat(msg, sizeof msg, &off, " failed: ");
    const char *why = in_signal ? strerrorname_np(err) : strerror(err);
    report_cat(msg, sizeof msg, &off, why ? why : "unknown error");
    report_cat(msg, sizeof msg, &off, "\n");
    report_say(msg, off);
}

/* Append LINE[0..N) to the report file in one write (O_APPEND: lines of
 * processes writing at once do not mix). 0 or -errno. */
static int report_append(const char *line, size_t n)
{
    int fd = open(report_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    int rc = 0;
    for (size_t done = 0; done < n && rc == 0;) {
        ssize_t w = write(fd, line + done, n - done);
        if (w < 0 && errno != EINTR)
            rc = -errno;
        else if (w > 0)
            done += (size_t)w;
    }
    if (close(fd) < 0 && rc == 0 && errno != EINTR)
        rc = -errno; /* e.g. NFS reports a failed write only here (close(2)) */
    return rc;
}

static struct report_proc report_self(const char *end, const char *note)
{
    return (struct report_proc){
        .pid = report_pid, .start = report_start, .program = report_exe, .end = end, .note = note};
}

/* Site I as the lines show it (no lock: published sites do not change). */
static void report_describe(size_t i, struct report_entry *e, void *ctx)
{
    (void)ctx;
    const struct report_site *s = &report_sites[i];
    *e = (struct report_entry){.check = report_check_id(s->what),
                               .call = s->call,
                               .count = atomic_load_explicit(&s->count, memory_order_relaxed)};
    if (s->obj >= 0) {
        e->object = report_objs[s->obj];
        e->address = s->address;
    }
    if (s->sym >= 0) {
        e->symbol = report_syms + s->sym;
        e->symbol_offset = s->symbol_offset;
    }
}

/* True when the process has a REPORT_OWN_DNS site and made no resolver call. */
static bool report_own_dns_only(size_t n)
{
    if (atomic_load(&report_resolver_used))
        return false;
    for (size_t i = 0; i < n; i++)
        if (report_sites[i].what == REPORT_OWN_DNS)
            return true;
    return false;
}

int report_write(int fd, const char *end)
{
    static char line[REPORT_LINE_MAX];
    size_t n = atomic_load_explicit(&report_nsites, memory_order_acquire);
    struct report_proc p = report_self(end, report_own_dns_only(n) ? "own-dns-client" : NULL);
    ssize_t k = report_format(line, sizeof line, &p, n, atomic_load(&report_dropped),
                              report_describe, NULL);
    if (k < 0)
        return (int)k;
    for (size_t done = 0; done < (size_t)k;) {
        ssize_t w = write(fd, line + done, (size_t)k - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)w;
    }
    return 0;
}

/* --report-verbose: one summary line on stderr. */
static void report_summary(void)
{
    size_t n = atomic_load_explicit(&report_nsites, memory_order_acquire);
    unsigned long total = 0, per[REPORT_NWHAT] = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned long c = atomic_load_explicit(&report_sites[i].count, memory_order_relaxed);
        total += c;
        per[report_sites[i].what] += c;
    }
    char msg[PATH_MAX + 1024];
    size_t off = 0, len = sizeof msg;
    report_cat(msg, len, &off, "v6shim: report: ");
    report_cat_u(msg, len, &off, total);
    report_cat(msg, len, &off, total == 1 ? " IPv4-only call at " : " IPv4-only calls at ");
    report_cat_u(msg, len, &off, n);
    report_cat(msg, len, &off, n == 1 ? " call site" : " call sites");
    const char *sep = " (";
    for (int w = 0; w < REPORT_NWHAT; w++)
        if (per[w]) {
            report_cat(msg, len, &off, sep);
            report_cat(msg, len, &off, report_ids[w]);
            report_cat(msg, len, &off, " ");
            report_cat_u(msg, len, &off, per[w]);
            sep = ", ";
        }
    if (*sep == ',')
        report_cat(msg, len, &off, ")");
    report_cat(msg, len, &off, " -> ");
    report_cat(msg, len, &off, report_path);
    report_cat(msg, len, &off, "\n");
    if (report_own_dns_only(n))
        report_cat(msg, len, &off,
                   "v6shim: report: the program sends DNS queries itself (UDP "
                   "port 53) and never asked the C library's resolver: no preload can "
                   "translate its lookups (docs/porting-guide.md)\n");
    report_say(msg, off);
}

/* Write the exit line once, ended by END. Async-signal-safe when IN_SIGNAL.
 * A vfork or clone child shares the parent's table but not its pid: it
 * writes nothing (the parent will). */
static void report_final(const char *end, bool in_signal)
{
    if (!atomic_load(&report_enabled) || getpid() != report_pid ||
        atomic_exchange(&report_final_done, true))
        return;
    int saved = errno;
    int fd = open(report_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int rc = fd < 0 ? -errno : report_write(fd, end);
    if (fd >= 0 && close(fd) < 0 && rc == 0 && errno != EINTR)
        rc = -errno;
    if (rc < 0)
        report_say_failed(-rc, in_signal); /* no summary: it would point at nothing */
    else if (report_verbose)
        report_summary();
    errno = saved;
}

static void report_at_exit(void)
{
    report_final("exit", false);
}

void report_at_exit_now(void)
{
    report_final("_exit", true);
}

static const int report_signals[] = {SIGTERM, SIGINT, SIGHUP};

/* A terminating signal whose disposition was the default: write the exit
 * line, restore the default and let the signal end the process as it
 * would have (same wait status for the parent). The signal is blocked
 * while this runs, so the raised one waits for the unblock. */
static void report_on_signal(int sig)
{
    int saved = errno;
    report_final(sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP", true);
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    errno = saved;
}

/* Handlers only where the disposition is the default: an ignored signal
 * (nohup) stays ignored, a handler set before us stays. */
static void report_catch_signals(void)
{
    struct sigaction sa = {.sa_handler = report_on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof report_signals / sizeof report_signals[0]; i++)
        sigaddset(&sa.sa_mask, report_signals[i]);
    for (size_t i = 0; i < sizeof report_signals / sizeof report_signals[0]; i++) {
        struct sigaction old;
        if (sigaction(report_signals[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
            old.sa_handler == SIG_DFL)
            sigaction(report_signals[i], &sa, NULL);
    }
}

static void report_atfork_prepare(void)
{
    pthread_mutex_lock(&report_lock);
}

static void report_atfork_release(void)
{
    pthread_mutex_unlock(&report_lock);
}

/* A forked child is a new process of the report: new (pid, start), no
 * sites yet, so the parent's are not counted twice. The objects and
 * symbols stay (same mappings). */
static void report_atfork_child(void)
{
    report_pid = getpid();
    report_start = report_now();
    atomic_store(&report_nsites, 0);
    atomic_store(&report_dropped, 0);
    atomic_store(&report_resolver_used, false);
    atomic_store(&report_final_done, false);
    atomic_store(&report_error_said, false);
    pthread_mutex_unlock(&report_lock);
}

static void report_init(void)
{
    const char *path = secure_getenv("V6SHIM_REPORT");
    if (!path || !*path || strlen(path) >= sizeof report_path)
        return;
    strcpy(report_path, path);
    const char *verbose = secure_getenv("V6SHIM_REPORT_VERBOSE");
    report_verbose = verbose && (!strcmp(verbose, "yes") || !strcmp(verbose, "1"));
    ssize_t el = readlink("/proc/self/exe", report_exe, sizeof report_exe - 1);
    report_exe[el > 0 ? el : 0] = '\0';
    report_pid = getpid();
    report_start = report_now();
    pthread_atfork(report_atfork_prepare, report_atfork_release, report_atfork_child);
    atexit(report_at_exit);
    report_catch_signals();
    symbols_bind(); /* the _exit hook must not bind in a signal handler */
    atomic_store(&report_enabled, true);
}

/* Set up at load time, so atexit runs in the program's order and a program
 * that never calls a hook still writes its (empty) exit line. */
__attribute__((constructor)) static void report_ctor(void)
{
    pthread_once(&report_once, report_init);
}

bool report_on(void)
{
    pthread_once(&report_once, report_init);
    return atomic_load_explicit(&report_enabled, memory_order_relaxed);
}

/* Where CALLER is: its object's full path into PATH (or "" when not
 * known), link-time address, nearest exported symbol. No lock held:
 * dladdr1 takes the loader's lock. */
struct report_loc {
    char path[PATH_MAX];
    size_t address;
    const char *symbol;
    size_t symbol_offset;
};

static void report_locate(const void *caller, struct report_loc *loc)
{
    Dl_info di;
    struct link_map *lm = NULL;
    loc->path[0] = '\0';
    loc->symbol = NULL;
    if (!dladdr1(caller, &di, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
        return;
    uintptr_t pc = (uintptr_t)caller;
    if (lm->l_name[0] == '\0') { /* the main program: dli_fname is only argv[0] */
        if (strlen(report_exe) < sizeof loc->path)
            strcpy(loc->path, report_exe);
    } else if (!realpath(lm->l_name, loc->path)) {
        if (strlen(lm->l_name) < sizeof loc->path)
            strcpy(loc->path, lm->l_name);
    }
    loc->address = (size_t)(pc - (uintptr_t)lm->l_addr);
    if (di.dli_sname && di.dli_saddr && strlen(di.dli_sname) < REPORT_SYM_MAX) {
        loc->symbol = di.dli_sname;
        loc->symbol_offset = (size_t)(pc - (uintptr_t)di.dli_saddr);
    }
}

/* Under report_lock: the object index of PATH (added when new), -1. */
static int report_intern_obj(const char *path)
{
    if (!*path)
        return -1;
    for (size_t i = 0; i < report_nobjs; i++)
        if (strcmp(report_objs[i], path) == 0)
            return (int)i;
    if (report_nobjs == REPORT_MAX_OBJECTS)
        return -1;
    strcpy(report_objs[report_nobjs], path);
    return (int)report_nobjs++;
}

/* Under report_lock: the offset of a copy of SYM in report_syms, -1. */
static int report_intern_sym(const char *sym)
{
    if (!sym)
        return -1;
    size_t n = strlen(sym) + 1;
    if (n > sizeof report_syms - report_syms_used)
        return -1;
    memcpy(report_syms + report_syms_used, sym, n);
    report_syms_used += n;
    return (int)(report_syms_used - n);
}

/* Under report_lock: the published site for (WHAT, CALL, CALLER), or NULL. */
static struct report_site *report_find(enum report_what what, const char *call, const void *caller)
{
    size_t n = atomic_load_explicit(&report_nsites, memory_order_relaxed);
    for (size_t i = 0; i < n; i++) {
        struct report_site *r = &report_sites[i];
        if (r->what == what && r->caller == caller && strcmp(r->call, call) == 0)
            return r;
    }
    return NULL;
}

void report_record(enum report_what what, const char *call, const void *caller)
{
    if (!report_on() || what >= REPORT_NWHAT)
        return;
    int saved = errno;
    pthread_mutex_lock(&report_lock);
    struct report_site *s = report_find(what, call, caller);
    if (s)
        atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
    pthread_mutex_unlock(&report_lock);
    if (s) {
        errno = saved;
        return;
    }
    struct report_loc loc; /* 4 kB of stack, once per call site (realpath takes more) */
    report_locate(caller, &loc);
    int rc = 0;
    pthread_mutex_lock(&report_lock);
    size_t n = atomic_load_explicit(&report_nsites, memory_order_relaxed);
    if ((s = report_find(what, call, caller))) { /* another thread added it meanwhile */
        atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
    } else if (n < REPORT_MAX_SITES) {
        s = &report_sites[n];
        s->what = what;
        s->call = call;
        s->caller = caller;
        atomic_store_explicit(&s->count, 1, memory_order_relaxed);
        s->obj = report_intern_obj(loc.path);
        s->address = loc.address;
        s->sym = report_intern_sym(loc.symbol);
        s->symbol_offset = loc.symbol_offset;
        atomic_store_explicit(&report_nsites, n + 1, memory_order_release);
        struct report_entry e;
        report_describe(n, &e, NULL);
        struct report_proc p = report_self(NULL, NULL);
        ssize_t k = report_format_site(report_site_line, sizeof report_site_line, &p, &e);
        rc = k < 0 ? (int)k : report_append(report_site_line, (size_t)k);
    } else {
        atomic_fetch_add(&report_dropped, 1);
    }
    pthread_mutex_unlock(&report_lock);
    if (rc < 0)
        report_say_failed(-rc, false);
    errno = saved;
}

void report_note_resolver(void)
{
    if (!atomic_load_explicit(&report_resolver_used, memory_order_relaxed))
        atomic_store(&report_resolver_used, true);
}

void report_note_dns(int fd, const void *sa, unsigned len, const char *call, const void *caller)
{
    if (!sa || !report_on())
        return;
    sa_family_t fam;
    if (len < sizeof fam)
        return;
    memcpy(&fam, sa, sizeof fam);
    in_port_t port;
    if (fam == AF_INET && len >= sizeof(struct sockaddr_in))
        memcpy(&port, (const char *)sa + offsetof(struct sockaddr_in, sin_port), sizeof port);
    else if (fam == AF_INET6 && len >= sizeof(struct sockaddr_in6))
        memcpy(&port, (const char *)sa + offsetof(struct sockaddr_in6, sin6_port), sizeof port);
    else
        return;
    if (ntohs(port) != 53)
        return;
    int saved = errno, type = 0;
    socklen_t tl = sizeof type;
    if (real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM)
        report_record(REPORT_OWN_DNS, call, caller);
    errno = saved;
}

const char *report_check_id(enum report_what what)
{
    return what < REPORT_NWHAT ? report_ids[what] : "?";
}
