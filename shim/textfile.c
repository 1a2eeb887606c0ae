/*
 * textfile — a small file read whole, refusing what is not a regular file
 * (see textfile.h).
 */
#include "textfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEXTFILE_BOM "\xef\xbb\xbf"

/* The null device: `V6SHIM_CONF=/dev/null` is the usual way to say "no
 * file" (as with ssh -F /dev/null), and it can neither block nor change. */
static bool textfile_is_null_device(const struct stat *st)
{
    struct stat nul;
    return S_ISCHR(st->st_mode) && stat("/dev/null", &nul) == 0 && S_ISCHR(nul.st_mode) &&
           st->st_rdev == nul.st_rdev;
}

/* The refusal for a file of type MODE, or NULL for a regular file. */
static const char *textfile_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return NULL;
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO or pipe";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "an unknown kind of file";
}

int textfile_read(const char *path, size_t max, char **text, size_t *len, char *problem,
                  size_t problemlen)
{
    char *buf = NULL;
    size_t n = 0;
    int rc = 0;
    const char *what = "cannot read";
    /* O_NONBLOCK: a FIFO's open does not wait for a writer; on a regular
     * file it changes nothing (open(2)), so the reads below are ordinary. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        what = "cannot open";
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        goto fail;
    }
    const char *kind = textfile_is_null_device(&st) ? NULL : textfile_kind(st.st_mode);
    if (kind != NULL) {
        rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        if (problemlen > 0)
            snprintf(problem, problemlen, "not a regular file (%s)", kind);
        goto out;
    }
    /* Room for the size fstat says plus one byte, to see the end (or growth)
     * in the same pass; files whose size is not known up front (st_size 0,
     * as in /proc) grow the buffer. Never more than MAX + 1. */
    size_t cap = (st.st_size >= 0 && (unsigned long long)st.st_size < max) ? (size_t)st.st_size + 1
                                                                           : max + 1;
    buf = malloc(cap + 1);
    if (buf == NULL)
        goto nomem;
    for (;;) {
        if (n == cap) {
            if (cap == max + 1)
                break;
            size_t more = cap < (max + 1) / 2 ? 2 * cap + 64 : max + 1;
            if (more > max + 1)
                more = max + 1;
            char *b = realloc(buf, more + 1);
            if (b == NULL)
                goto nomem;
            buf = b;
            cap = more;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = -errno;
            goto fail;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    if (n > max) {
        rc = -EFBIG;
        if (problemlen > 0)
            snprintf(problem, problemlen, "larger than %zu bytes", max);
        goto out;
    }
    /* A UTF-8 byte order mark means nothing in a configuration file. */
    if (n >= 3 && memcmp(buf, TEXTFILE_BOM, 3) == 0) {
        memmove(buf, buf + 3, n - 3);
        n -= 3;
    }
    buf[n] = '\0';
    close(fd);
    *text = buf;
    *len = n;
    return 0;
nomem:
    rc = -ENOMEM;
    if (problemlen > 0)
        snprintf(problem, problemlen, "out of memory");
    goto out;
fail:
    if (problemlen > 0)
        snprintf(problem, problemlen, "%s: %s", what, strerror(-rc));
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}
