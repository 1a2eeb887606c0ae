/*
 * gaiconf — glibc's gai.conf syntax, applied to a policy table.
 *
 * Lines (blank lines and everything after '#' are ignored):
 *   label      PREFIX[/BITS] VALUE    IPv6 prefix, BITS 0..128 (default 128)
 *   precedence PREFIX[/BITS] VALUE
 *   scopev4    ADDR[/BITS]  VALUE     a.b.c.d with BITS 0..32 (default 32),
 *                                     or ::ffff:a.b.c.d with BITS 96..128
 *   reload     yes|no                 accepted, no effect (tables are read
 *                                     once: docs/internals/policy.md)
 * VALUE is a decimal 0..2147483647. As in glibc, the first `label` line
 * replaces the whole default label column (likewise precedence and
 * scopev4), and a column without a catch-all row gets glibc's (label 1,
 * precedence 40, IPv4 scope 14). Unlike glibc, a line that does not parse
 * is an error, not silently skipped: "NAME:LINE: problem".
 *
 * Implements policy_table_load_gaiconf() of policy.h.
 */
#ifndef V6SHIM_GAICONF_H
#define V6SHIM_GAICONF_H

#include <stddef.h>

#include "policy.h"

/* Largest gai.conf read (bytes): a file of exactly this size is read, a
 * bigger one is -EFBIG "PATH: larger than 1048576 bytes". The file must be
 * a regular file (a FIFO, pipe or device is refused unread, -EINVAL or
 * -EISDIR "PATH: not a regular file (...)"); a leading UTF-8 byte order
 * mark is skipped (textfile.h). */
#define GAICONF_MAX_SIZE (1024 * 1024)

/*
 * Apply the gai.conf text TEXT[0..LEN) to T; NAME is the file name used in
 * messages. All or nothing: on error T is unchanged and ERR holds
 * "NAME:LINE: problem". 0, -EINVAL or -ENOMEM.
 */
int gaiconf_apply(struct policy_table *t, const char *name, const char *text, size_t len, char *err,
                  size_t errlen);

#endif
