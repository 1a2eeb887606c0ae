/*
 * report — report mode: which IPv4-only constructs a program actually
 * executes, and from where.
 *
 * On when V6SHIM_REPORT names a file (read once, with secure_getenv).
 * Recording changes no behaviour: translation stays as configured
 * (`enabled`), so `V6SHIM_ENABLED=no V6SHIM_REPORT=f` only observes.
 *
 * Each (construct, hooked call, call site) is kept once with a count. A call
 * site is the return address in the program's code, located when first
 * seen with dladdr1 (cheap, in process): the object's full path (the main
 * program's from /proc/self/exe, others through realpath), the address as
 * the object's link-time address (what `addr2line -e OBJECT ADDRESS-1` and
 * DWARF line tables take; the address minus the load bias), and the nearest
 * exported symbol if any. Source lines are found later, out of process
 * (v6scan --runtime, with libdw), never here.
 *
 * The file is JSON Lines, format 2 (docs/man/v6run.1, REPORT FORMAT). Each
 * process appends:
 *   - one "site" line per call site, when the site is first seen (one
 *     write(2) to the file opened O_APPEND), so a process that dies later,
 *     however it dies, has its sites on file:
 *       {"v6shim_report":2,"kind":"site","pid":N,"start":T,"check":"…",
 *        "call":"…","object":"…","address":"0x…","symbol":…,
 *        "symbol_offset":…}
 *   - one "exit" line with every site and its count, when it ends through
 *     exit (atexit), _exit/_Exit (hooked) or SIGTERM/SIGINT/SIGHUP while
 *     their disposition is the default one (report mode installs a handler
 *     then, flushes, restores the default and re-raises the signal):
 *       {"v6shim_report":2,"kind":"exit","pid":N,"start":T,"program":"…",
 *        "end":"exit|_exit|SIGTERM|SIGINT|SIGHUP","sites":[{"check":…,
 *        "call":…,"count":N,"object":…,"address":…,"symbol":…,
 *        "symbol_offset":…}…],"dropped":N[,"notes":["own-dns-client"]]}
 * (pid, start) names one process: start is CLOCK_BOOTTIME in nanoseconds
 * when the process image started or forked. A program that installs its
 * own handler for those signals keeps it: when that handler ends the
 * process through exit or _exit, the exit line is written. Lost: the counts
 * (not the sites) of a process killed by SIGKILL, by a crash, or by a
 * handler of its own that re-raises the signal.
 *
 * Strings are JSON-escaped; a byte of a path or symbol name that is not
 * well-formed UTF-8 is written as \ufffd (U+FFFD), since JSON text must
 * be UTF-8 (RFC 8259 §8.1). A site is written whole or counted as dropped.
 *
 * Quiet: nothing is printed on the program's stderr unless
 * V6SHIM_REPORT_VERBOSE=yes (v6run --report-verbose), which adds a
 * one-line summary per process at its end; errors writing the file are
 * always said, once per process.
 *
 * Check ids are v6scan's where the two meet (docs/checks/), so runtime and
 * static findings can be joined; "v6-ipv6-peer-as-ipv4" is runtime-only.
 * Lock: report_lock serialises adding sites (and their site lines); a leaf.
 * Readers of the table (the flush, also from a signal handler) take no
 * lock: a site is complete before the count of sites that publishes it,
 * and counts are atomic. report_on() is one atomic load, so hooks pay
 * nothing when the mode is off.
 */
#ifndef V6SHIM_REPORT_H
#define V6SHIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum report_what {
    REPORT_SOCKET_AF_INET,    /* socket(AF_INET)                  v6-socket-af-inet */
    REPORT_INET_ADDR,         /* inet_addr, inet_aton             v6-inet-addr */
    REPORT_INET_NTOA,         /* inet_ntoa                        v6-inet-ntoa */
    REPORT_WILDCARD_LISTEN,   /* bind(AF_INET, INADDR_ANY)        v6-inaddr-constant */
    REPORT_IPV6_PEER,         /* an IPv6 peer shown as IPv4       v6-ipv6-peer-as-ipv4 */
    REPORT_GETHOSTBYNAME,     /* gethostbyname family             v6-gethostbyname */
    REPORT_GETHOSTBYADDR,     /* gethostbyaddr family             v6-gethostbyaddr */
    REPORT_GETADDRINFO_INET,  /* getaddrinfo(_a) with AF_INET     v6-getaddrinfo-af-inet */
    REPORT_RES_QUERY_A,       /* res_query/res_search for IN A    v6-res-query-a */
    REPORT_OWN_DNS,           /* UDP to port 53 from the program  v6-own-dns-client */
    REPORT_LOOPBACK_FALLBACK, /* 127.x refused, [::1] tried      v6-ipv4-literal */
    REPORT_NWHAT
};

#define REPORT_FORMAT_VERSION 2
#define REPORT_MAX_SITES 512
/* The exit line's buffer (report_write), and a site line's bound. */
#define REPORT_LINE_MAX (REPORT_MAX_SITES * 512 + 4 * 4096)
#define REPORT_SITE_LINE_MAX (8 * 4096)

/* Is report mode on? (Sets itself up on first call.) */
bool report_on(void);

/* Count construct WHAT made through hooked function CALL (a string
 * literal) from return address CALLER; a site seen for the first time
 * gets its site line. No-op when report mode is off; sites beyond
 * REPORT_MAX_SITES are counted as dropped. errno is preserved. */
void report_record(enum report_what what, const char *call, const void *caller);

/* The program called one of libc's resolver functions (any hooked one). */
void report_note_resolver(void);

/*
 * For the socket layer's connect, sendto and sendmsg hooks, before anything
 * else (tracked fd or not): the program sends to or connects FD to SA. A
 * UDP socket (SO_TYPE SOCK_DGRAM) and an AF_INET or AF_INET6 SA with port
 * 53 is recorded as REPORT_OWN_DNS at CALLER with CALL: the program has a
 * DNS client of its own (djb-style tools, c-ares, ldns), whose lookups no
 * preload can translate (glibc's own resolver sends through internal calls
 * that never reach a hook, so it is never counted). When the process then
 * made no resolver call at all, its exit line carries
 * "notes":["own-dns-client"] (and the verbose summary says so). No-op when
 * report mode is off; errno is preserved.
 */
void report_note_dns(int fd, const void *sa, unsigned len, const char *call, const void *caller);

/* The check id of WHAT ("v6-socket-af-inet", …). */
const char *report_check_id(enum report_what what);

/* The process a line is about. */
struct report_proc {
    int pid;
    unsigned long long start; /* CLOCK_BOOTTIME ns at exec or fork */
    const char *program;      /* exit line: the executable's path */
    const char *end;          /* exit line: "exit", "_exit", "SIGTERM", … */
    const char *note;         /* exit line: NULL, or one note ("own-dns-client") */
};

/* One call site as the lines show it. */
struct report_entry {
    const char *check; /* the check id */
    const char *call;  /* the hooked function */
    unsigned long count;
    const char *object;   /* the object's full path; NULL: not known (no address) */
    size_t address;       /* the return address, as the object's link-time address */
    const char *symbol;   /* the nearest exported symbol; NULL: none */
    size_t symbol_offset; /* the return address minus the symbol's */
};

/* Fill *E for site I (0..N) of report_format's caller. */
typedef void report_describe_fn(size_t i, struct report_entry *e, void *ctx);

/* Write the exit line (with its newline) of process P, with N sites
 * described by DESCRIBE and DROPPED more, into LINE[0..LEN). Never writes
 * past LEN. Returns the line's length (< LEN; LINE is then NUL-terminated),
 * or -ENOBUFS when LEN cannot hold the line without any site. A site is
 * written whole or not at all: the sites from the first one that does not
 * fit on are counted as dropped. Async-signal-safe (no stdio, no locale,
 * no allocation), as is DESCRIBE in report_write. (Exposed for tests and the
 * fuzz target.) */
ssize_t report_format(char *line, size_t len, const struct report_proc *p, size_t n,
                      unsigned long dropped, report_describe_fn *describe, void *ctx);

/* Write the site line of E (its count is not written) for process P into
 * LINE[0..LEN), as report_format does: its length, or -ENOBUFS when it does
 * not fit. Async-signal-safe. */
ssize_t report_format_site(char *line, size_t len, const struct report_proc *p,
                           const struct report_entry *e);

/* Append this process's exit line, with END as its "end", to FD. Returns 0
 * or -errno. Not reentrant (one static buffer). (At exit this runs by
 * itself; tests call it directly.) */
int report_write(int fd, const char *end);

/* The process ends now through _exit or _Exit (the hooks): write the exit
 * line unless one was written. Async-signal-safe. */
void report_at_exit_now(void);

#endif
