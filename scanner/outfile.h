/* outfile — writing a report or a baseline so that the file at its path is
 * either the old one or the whole new one, never a truncated mix.
 *
 * The new content goes to a temporary file in the directory of the final
 * path (mkstemp, ".<name>.XXXXXX"), which rename(2) puts in place once every
 * write and the close succeeded; on a failure the temporary is removed and
 * the old file is left as it was. No fsync: this protects against a full
 * disk or a file size limit, not against a power cut.
 *
 * A symbolic link at the path is followed (the file it names is replaced,
 * the link stays). A path that names something other than a regular file
 * (/dev/null, a FIFO), or any path under /dev/ or /proc/ (/dev/stdout
 * redirected to a file must write that file, not replace it), is written
 * in place, appending (for /dev/stdout that is what the shell's > or >>
 * asked for).
 * The new file gets the mode of the file it replaces, or 0666 & ~umask.
 */
#ifndef V6SCAN_OUTFILE_H
#define V6SCAN_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct outfile {
	FILE *f;      /* write the content here */
	char *target; /* the file replaced (path with symbolic links resolved) */
	char *tmp;    /* the temporary; NULL when writing in place */
};

/* Checks, before any work, that path can be written: its directory exists
 * and path is not a directory. Returns 0, or -errno with a one-line
 * message in err. */
int outfile_check(const char *path, char *err, size_t errlen);

/* Opens the temporary (or the file itself, see above). Returns 0 or -errno;
 * errno is also cleared, so that outfile_commit can report the first write
 * error. */
int outfile_open(struct outfile *o, const char *path);

/* Flushes and closes o->f and renames the temporary over the target.
 * Returns 0, or -errno of the first failure (a write, the close, the
 * rename), after removing the temporary. o is released either way. */
int outfile_commit(struct outfile *o);

/* Discards what was written: closes and removes the temporary. */
void outfile_abort(struct outfile *o);

#endif
