/*
 * doctor — judge a binary for the shim from its ELF imports and inode
 * (see doctor.h). The tables below name libc's functions by the symbol a
 * binary imports; the check ids are v6scan's (scanner/checks/checks.def),
 * so a finding at run time, a symbol here and a line in the sources share
 * one name.
 */
#define _GNU_SOURCE
#include "doctor.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "elfcheck.h"

/* What the shim does with an IPv4-only function. */
enum doctor_shim {
    NOT,        /* nothing: the code behind it stays IPv4-only */
    TRANSLATED, /* made to work over IPv6 */
    WORKS,      /* libc's own, and its result still makes sense under the shim */
};

/* An IPv4-only function: its check, what the shim does, and how or why not. */
struct doctor_import {
    const char *name;
    const char *check;
    enum doctor_shim shim;
    const char *what;
};

/* Sorted by name (bsearch). */
static const struct doctor_import doctor_ipv4[] = {
    {"__res_mkquery", "v6-dns-a-only", NOT, "builds the query packet itself"},
    {"__res_query", "v6-dns-a-only", NOT, "the shim hooks res_query, not this older name"},
    {"__res_search", "v6-dns-a-only", NOT, "the shim hooks res_search, not this older name"},
    {"gethostbyaddr", "v6-gethostbyaddr", TRANSLATED, "a pool address answers for its IPv6 peer"},
    {"gethostbyaddr_r", "v6-gethostbyaddr", TRANSLATED, "a pool address answers for its IPv6 peer"},
    {"gethostbyname", "v6-gethostbyname", TRANSLATED, "IPv6 answers get pool addresses"},
    {"gethostbyname2", "v6-getipnode", TRANSLATED,
     "AF_INET requests: IPv6 answers get pool addresses"},
    {"gethostbyname2_r", "v6-getipnode", TRANSLATED,
     "AF_INET requests: IPv6 answers get pool addresses"},
    {"gethostbyname_r", "v6-gethostbyname", TRANSLATED, "IPv6 answers get pool addresses"},
    {"getipnodebyaddr", "v6-getipnode", NOT, "not hooked"},
    {"getipnodebyname", "v6-getipnode", NOT, "not hooked"},
    {"inet_addr", "v6-inet-addr", TRANSLATED, "IPv6 literals get pool addresses"},
    {"inet_aton", "v6-inet-addr", TRANSLATED, "IPv6 literals get pool addresses"},
    {"inet_lnaof", "v6-classful", NOT, "classful arithmetic has no IPv6 meaning"},
    {"inet_makeaddr", "v6-classful", NOT, "classful arithmetic has no IPv6 meaning"},
    {"inet_net_ntop", "v6-classful", NOT, "not hooked"},
    {"inet_net_pton", "v6-classful", NOT, "not hooked"},
    {"inet_netof", "v6-classful", NOT, "classful arithmetic has no IPv6 meaning"},
    {"inet_network", "v6-inet-addr", TRANSLATED, "IPv6 literals get pool addresses"},
    {"inet_ntoa", "v6-inet-ntoa", WORKS, "prints an IPv6 peer as its pool address"},
    {"rcmd", "v6-rcmd-family", NOT, "rcmd_af takes AF_INET6"},
    {"res_mkquery", "v6-dns-a-only", NOT, "builds the query packet itself"},
    {"res_nmkquery", "v6-dns-a-only", NOT, "builds the query packet itself"},
    {"res_nquery", "v6-dns-a-only", NOT, "not hooked"},
    {"res_nsearch", "v6-dns-a-only", NOT, "not hooked"},
    {"res_query", "v6-dns-a-only", TRANSLATED, "A answers synthesised from AAAA (DNS64)"},
    {"res_search", "v6-dns-a-only", TRANSLATED, "A answers synthesised from AAAA (DNS64)"},
    {"rexec", "v6-rcmd-family", NOT, "rexec_af takes AF_INET6"},
    {"rresvport", "v6-rcmd-family", NOT, "rresvport_af takes AF_INET6"},
    {"ruserok", "v6-rcmd-family", NOT, "ruserok_af takes AF_INET6"},
};

/* Socket calls the shim hooks, and functions that already serve both
 * families; each list sorted. */
static const char *const doctor_sockets[] = {
    "__recvfrom_chk", "accept",      "accept4", "bind",     "connect",
    "getpeername",    "getsockname", "listen",  "recvfrom", "recvmmsg",
    "recvmsg",        "sendmmsg",    "sendmsg", "sendto",   "socket",
};
static const char *const doctor_afind[] = {
    "getaddrinfo", "getaddrinfo_a", "getnameinfo",  "inet_ntop",  "inet_pton",
    "rcmd_af",     "rexec_af",      "rresvport_af", "ruserok_af",
};

#define DOCTOR_N(a) (sizeof(a) / sizeof((a)[0]))

static int doctor_cmp_import(const void *key, const void *elt)
{
    return strcmp(key, ((const struct doctor_import *)elt)->name);
}

static int doctor_cmp_str(const void *key, const void *elt)
{
    return strcmp(key, *(const char *const *)elt);
}

static bool doctor_in(const char *name, const char *const *list, size_t n)
{
    return bsearch(name, list, n, sizeof *list, doctor_cmp_str) != NULL;
}

/* capability(7) names by number (linux/capability.h), without "cap_". */
static const char *const doctor_cap_names[] = {
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
};

static uint32_t doctor_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int doctor_caps_text(const unsigned char *x, size_t n, char *out, size_t len)
{
    snprintf(out, len, "unreadable");
    if (n < 4)
        return -EINVAL;
    uint32_t magic = doctor_le32(x);
    unsigned words;
    switch (magic & 0xFF000000u) {
    case 0x01000000u: words = 1; break;
    case 0x02000000u: words = 2; break;
    case 0x03000000u: words = 2; break; /* revision 3 adds the namespace root uid */
    default: return -EINVAL;
    }
    if (n != 4 + 8 * words + ((magic & 0xFF000000u) == 0x03000000u ? 4 : 0))
        return -EINVAL;
    bool eff = magic & 1u; /* VFS_CAP_FLAGS_EFFECTIVE */
    /* flags of capability c: bit 0 inheritable, bit 1 permitted */
    unsigned flags[64] = {0};
    for (unsigned w = 0; w < words; w++) {
        uint32_t perm = doctor_le32(x + 4 + 8 * w), inh = doctor_le32(x + 8 + 8 * w);
        for (unsigned b = 0; b < 32; b++)
            flags[w * 32 + b] = ((perm >> b) & 1u) << 1 | ((inh >> b) & 1u);
    }
    size_t off = 0;
    out[0] = '\0';
    /* one group per flag combination: permitted, both, inheritable only */
    static const unsigned order[] = {2, 3, 1};
    for (size_t g = 0; g < DOCTOR_N(order); g++) {
        bool first = true;
        for (unsigned c = 0; c < 32 * words; c++) {
            if (flags[c] != order[g])
                continue;
            char name[32];
            if (c < DOCTOR_N(doctor_cap_names))
                snprintf(name, sizeof name, "cap_%s", doctor_cap_names[c]);
            else
                snprintf(name, sizeof name, "cap_%u", c);
            int k = snprintf(out + off, len > off ? len - off : 0, "%s%s",
                             first ? (off ? " " : "") : ",", name);
            off += k > 0 ? (size_t)k : 0;
            first = false;
        }
        if (!first) {
            const char *f = order[g] == 2 ? "p" : order[g] == 3 ? "ip" : "i";
            int k = snprintf(out + off, len > off ? len - off : 0, "=%s%s", eff ? "e" : "", f);
            off += k > 0 ? (size_t)k : 0;
        }
    }
    if (off >= len && len > 0)
        out[len - 1] = '\0';
    if (off == 0)
        snprintf(out, len, "none");
    return 0;
}

/* A C library among the NEEDED names: glibc's libc.so.6, musl's libc.so or
 * libc.musl-ARCH.so.1. */
static bool doctor_has_libc(const struct elfsyms *e)
{
    for (size_t i = 0; i < e->nneeded; i++)
        if (strncmp(e->needed[i], "libc.so", 7) == 0 ||
            strncmp(e->needed[i], "libc.musl-", 10) == 0)
            return true;
    return false;
}

static const char *doctor_kind(const struct elfsyms *e)
{
    if (e->type == ET_EXEC)
        return "executable";
    if (e->type == ET_DYN && e->interp)
        return "position-independent executable";
    if (e->type == ET_DYN && e->nneeded)
        return "shared object";
    if (e->type == ET_DYN)
        return "static-pie executable";
    if (e->type == ET_REL)
        return "relocatable object";
    if (e->type == ET_CORE)
        return "core file";
    return "unknown type";
}

/* Print the imports of E found in LIST as "KEY: a b c" (or "none"). */
static size_t doctor_list(FILE *out, const char *key, const struct elfsyms *e,
                          const char *const *list, size_t n)
{
    size_t found = 0;
    fprintf(out, "%s:", key);
    for (size_t i = 0; i < e->nimports; i++)
        if (doctor_in(e->imports[i], list, n)) {
            fprintf(out, " %s", e->imports[i]);
            found++;
        }
    fprintf(out, "%s\n", found ? "" : " none");
    return found;
}

int doctor_judge(FILE *out, const char *path, const struct elfsyms *e, const struct doctor_priv *p)
{
    const char *mach = elfsyms_machine(e->machine);
    bool shared = e->type == ET_DYN && !e->interp && e->nneeded;
    fprintf(out, "file: %s\n", path);
    fprintf(out, "elf: ELF%d %s-endian ", e->is64 ? 64 : 32, e->big ? "big" : "little");
    if (mach)
        fprintf(out, "%s", mach);
    else
        fprintf(out, "machine %u", e->machine);
    fprintf(out, ", %s\n", doctor_kind(e));
    fprintf(out, "interpreter: %s\n", e->interp ? e->interp : "none");
    fprintf(out, "needed:");
    for (size_t i = 0; i < e->nneeded; i++)
        fprintf(out, " %s", e->needed[i]);
    fprintf(out, "%s\n", e->nneeded ? "" : " none");

    bool setuid = p->mode & S_ISUID, setgid = (p->mode & S_ISGID) && (p->mode & S_IXGRP);
    char caps[512] = "";
    bool has_caps = p->caps && p->capslen;
    if (has_caps)
        doctor_caps_text(p->caps, p->capslen, caps, sizeof caps);
    if (setuid)
        fprintf(out, "privileges: set-uid (owner uid %u)\n", p->uid);
    if (setgid)
        fprintf(out, "privileges: set-gid (group gid %u)\n", p->gid);
    if (has_caps)
        fprintf(out, "privileges: file capabilities (%s)\n", caps);
    if (!setuid && !setgid && !has_caps)
        fprintf(out, "privileges: none\n");

    static const char *const shim_word[] = {"not translated", "translated", "works"};
    size_t nv4 = 0, nshim[3] = {0};
    for (size_t i = 0; i < e->nimports; i++) {
        const struct doctor_import *d = bsearch(e->imports[i], doctor_ipv4, DOCTOR_N(doctor_ipv4),
                                                sizeof *doctor_ipv4, doctor_cmp_import);
        if (!d)
            continue;
        fprintf(out, "ipv4-only: %s [%s] %s: %s\n", d->name, d->check, shim_word[d->shim], d->what);
        nv4++;
        nshim[d->shim]++;
    }
    size_t nsock = doctor_list(out, "sockets", e, doctor_sockets, DOCTOR_N(doctor_sockets));
    size_t nind = doctor_list(out, "af-independent", e, doctor_afind, DOCTOR_N(doctor_afind));

    /* Blockers, each with what to do instead (first one's advice wins). */
    static const char relay[] = "put a relay in front of it (socat, 6tunnel)";
    const char *advice = NULL;
    size_t nblock = 0;
    if (e->go) {
        fprintf(out, "blocker: a Go program: its runtime makes the socket system calls itself, "
                     "not through the C library\n");
        advice = "Go's net package serves both families: look in its sources for \"tcp4\"/"
                 "\"udp4\" networks and IPv4 literals; or put a relay in front of it "
                 "(socat, 6tunnel)";
        nblock++;
    }
    if (!e->interp && !shared) {
        fprintf(out, "blocker: statically linked (no PT_INTERP): no dynamic loader runs, so "
                     "LD_PRELOAD is never read\n");
        if (!advice)
            advice = "rebuild it dynamically linked, port its sources (v6scan), or put a relay "
                     "in front of it (socat, 6tunnel)";
        nblock++;
    } else if (e->interp && !e->go && !doctor_has_libc(e) && nv4 + nsock + nind == 0) {
        fprintf(out, "blocker: dynamically linked without the C library and no socket imports: "
                     "its system calls are its own\n");
        if (!advice)
            advice = relay;
        nblock++;
    }
    const char *secure = "the loader runs it in secure-execution mode, ignores an LD_PRELOAD "
                         "library given by path, and the shim ignores V6SHIM_* (ld.so(8))";
    if (setuid || setgid || has_caps) {
        if (setuid)
            fprintf(out, "blocker: set-uid: for every user but uid %u %s\n", p->uid, secure);
        if (setgid)
            fprintf(out, "blocker: set-gid: for every user outside gid %u %s\n", p->gid, secure);
        if (has_caps)
            fprintf(out, "blocker: file capabilities: for every user but root %s\n", secure);
        if (!advice)
            advice = "run a copy without the privilege bits under v6run, granting what it needs "
                     "another way (systemd AmbientCapabilities=), or put a relay in front of it "
                     "(socat, 6tunnel)";
        nblock++;
    }
    if (nblock) {
        fprintf(out, "verdict: cannot be preloaded; %zu IPv4-only import%s seen\n", nv4,
                nv4 == 1 ? "" : "s");
        fprintf(out, "advice: %s\n", advice);
        return DOCTOR_UNREACHABLE;
    }
    if (nv4) {
        fprintf(out,
                "verdict: needs the shim: %zu IPv4-only import%s: %zu translated, %zu "
                "working as they are, %zu not translated\n",
                nv4, nv4 == 1 ? "" : "s", nshim[TRANSLATED], nshim[WORKS], nshim[NOT]);
        if (shared)
            fprintf(out, "advice: run the programs that load it under v6run\n");
        else
            fprintf(out, "advice: run it as: v6run -- %s ARGS\n", path);
        if (nshim[NOT])
            fprintf(out,
                    "advice: the code behind the %zu untranslated import%s stays IPv4-only "
                    "under v6run: port it first\n",
                    nshim[NOT], nshim[NOT] == 1 ? "" : "s");
        fprintf(out, "advice: port its sources: v6scan reports each call under the check ids "
                     "above\n");
        return DOCTOR_NEEDS_SHIM;
    }
    if (nind) {
        fprintf(out, "verdict: nothing for the shim to translate: no IPv4-only imports; already "
                     "AF-independent where it resolves\n");
        fprintf(out, "advice: AF_INET sockets and sockaddr_in buffers do not show in imports: "
                     "v6run --report at run time, or v6scan on its sources\n");
    } else if (nsock) {
        fprintf(out, "verdict: nothing for the shim to translate: socket calls but no resolver "
                     "or address-text imports\n");
        fprintf(out, "advice: a hard-coded AF_INET address or wildcard bind does not show in "
                     "imports: v6run --report at run time, or v6scan on its sources\n");
    } else {
        fprintf(out, "verdict: nothing for the shim to translate: no socket or resolver "
                     "imports\n");
        if (e->nneeded > (doctor_has_libc(e) ? 1u : 0u))
            fprintf(out, "advice: a library it needs may do its networking: run v6run --doctor "
                         "on it\n");
    }
    return DOCTOR_NOTHING;
}

int doctor_run(const char *path, FILE *out, FILE *err)
{
    struct stat st;
    const char *why = NULL;
    if (stat(path, &st) < 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = strerror(EISDIR);
    else if (!S_ISREG(st.st_mode)) /* a FIFO would block in open(2) */
        why = "not a regular file";
    if (why) {
        fprintf(err, "v6run: --doctor: %s: %s\n", path, why);
        return DOCTOR_USAGE;
    }
    enum elfcheck_kind kind;
    int rc = elfcheck_file(path, &kind);
    if (rc == 0 && kind == ELFCHECK_SCRIPT) {
        char line[256] = "";
        FILE *f = fopen(path, "re");
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = '\0';
            fclose(f);
        }
        line[strcspn(line, "\n")] = '\0';
        fprintf(err,
                "v6run: --doctor: %s is a script (%s): the loader preloads its "
                "interpreter; run v6run --doctor on that\n",
                path, line);
        return DOCTOR_USAGE;
    }
    if (rc == 0 && kind == ELFCHECK_OTHER) {
        fprintf(err, "v6run: --doctor: %s: not an ELF file\n", path);
        return DOCTOR_USAGE;
    }
    struct elfsyms e = {0};
    if (rc == 0)
        rc = elfsyms_file(path, &e);
    if (rc < 0) {
        fprintf(err, "v6run: --doctor: %s: %s\n", path, strerror(-rc));
        elfsyms_free(&e);
        return DOCTOR_USAGE;
    }
    unsigned char caps[64];
    ssize_t n = getxattr(path, "security.capability", caps, sizeof caps);
    struct doctor_priv p = {
        .mode = st.st_mode,
        .uid = st.st_uid,
        .gid = st.st_gid,
        .caps = n > 0 ? caps : NULL,
        .capslen = n > 0 ? (size_t)n : 0,
    };
    rc = doctor_judge(out, path, &e, &p);
    elfsyms_free(&e);
    return rc;
}
