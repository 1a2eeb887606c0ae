/*
 * doctor — `v6run --doctor FILE`: judge, from the file alone (elfsyms.h,
 * its mode bits and its security.capability attribute), whether a binary
 * needs the shim, whether a preload can reach it at all, and what to do
 * instead. Linked into v6run only, never into libv6shim.so.
 *
 * Output, one "key: value" line each, in this order (v6run(1) documents it):
 *   file: PATH
 *   elf: ELF64 little-endian x86-64, position-independent executable
 *   interpreter: PATH | none
 *   needed: NAME ... | none
 *   privileges: none | set-uid (owner uid N) | set-gid (group gid N)
 *               | file capabilities (TEXT)       (one line per fact)
 *   ipv4-only: NAME [v6-check] translated: WHAT | not translated: WHY
 *                                                (one line per import)
 *   sockets: NAME ... | none
 *   af-independent: NAME ... | none
 *   blocker: WHY                                 (one line per blocker)
 *   verdict: ...
 *   advice: ...                                  (one or more lines)
 */
#ifndef V6SHIM_DOCTOR_H
#define V6SHIM_DOCTOR_H

#include <stddef.h>
#include <stdio.h>

#include "elfsyms.h"

/* Exit statuses of --doctor. */
enum {
    DOCTOR_NEEDS_SHIM = 0,  /* preloadable, and it imports IPv4-only functions */
    DOCTOR_USAGE = 2,       /* not found, unreadable, not ELF, malformed */
    DOCTOR_NOTHING = 3,     /* preloadable, no IPv4-only import to translate */
    DOCTOR_UNREACHABLE = 4, /* no preload can reach it (static, Go, secure mode) */
};

/* What the file's inode says about privilege. */
struct doctor_priv {
    unsigned mode;             /* st_mode */
    unsigned uid, gid;         /* st_uid, st_gid */
    const unsigned char *caps; /* security.capability's bytes, or NULL */
    size_t capslen;
};

/*
 * The vfs_cap_data bytes X[0..N) (revisions 1 to 3, linux/capability.h) as
 * getcap(8) writes them: "cap_net_raw=ep", capabilities with the same flags
 * joined by ',' and groups by ' '. Returns 0 with OUT, or -EINVAL for a
 * size or revision it does not know (OUT = "unreadable").
 */
int doctor_caps_text(const unsigned char *x, size_t n, char *out, size_t len);

/*
 * Write the judgement of E (read from PATH, with privilege facts P) to OUT
 * in the format above. Returns DOCTOR_NEEDS_SHIM, DOCTOR_NOTHING or
 * DOCTOR_UNREACHABLE. Pure: reads nothing but its arguments.
 */
int doctor_judge(FILE *out, const char *path, const struct elfsyms *e, const struct doctor_priv *p);

/*
 * Read PATH (a path, not searched in PATH) and judge it to OUT. Problems
 * are one "v6run: --doctor: ..." line on ERR with DOCTOR_USAGE: a missing
 * or unreadable file, a script (its interpreter is what gets preloaded:
 * the line names it), a file that is not ELF or whose headers are damaged.
 */
int doctor_run(const char *path, FILE *out, FILE *err);

#endif
