/*
 * textfile — read a small configuration file (v6shim.conf, gai.conf) whole,
 * without ever blocking on it.
 *
 * This runs inside every preloaded process, where a read that blocks hangs
 * the program, and in v6run, which must judge the file the program will
 * read. So the file is opened O_RDONLY|O_NONBLOCK|O_CLOEXEC (open(2): a
 * FIFO opened that way for reading returns at once, even with no writer)
 * and must then be a regular file (fstat): a FIFO or pipe (including the
 * /dev/fd/N of a shell's <(...)), a device, a directory or a socket is
 * refused before one byte is read. The one exception is the null device
 * (same st_rdev as /dev/null), which reads as an empty file: it is the
 * usual way to say "no configuration file", and it cannot block. A pipe could not be honoured anyway:
 * every process of a command reads its configuration again, by name, and a
 * pipe can be drained only once.
 *
 * No stdio (it may call hooked functions): open, fstat, read, close.
 */
#ifndef V6SHIM_TEXTFILE_H
#define V6SHIM_TEXTFILE_H

#include <stddef.h>

/*
 * Read the regular file PATH, at most MAX bytes (a file of exactly MAX bytes
 * is read; one of MAX + 1 is refused). A leading UTF-8 byte order mark
 * (EF BB BF), which some editors write, is dropped: line numbers do not
 * change.
 *
 * Returns 0 with *TEXT a malloc'd copy (NUL-terminated; the caller frees it)
 * of *LEN bytes, or -errno with PROBLEM = one line without the path, the
 * caller adds where:
 *   -errno of open(2)/fstat(2)/read(2)  "cannot open: <strerror>" or
 *                                       "cannot read: <strerror>"
 *   -EISDIR                             "not a regular file (a directory)"
 *   -EINVAL                             "not a regular file (a FIFO or pipe)",
 *                                       "(a character device)", "(a block
 *                                       device)", "(a socket)"
 *   -EFBIG                              "larger than MAX bytes"
 *   -ENOMEM                             "out of memory"
 * PROBLEM may be NULL when PROBLEMLEN is 0.
 */
int textfile_read(const char *path, size_t max, char **text, size_t *len, char *problem,
                  size_t problemlen);

#endif
