/* outfile — see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file a write to path lands in: path, or what its symbolic link
 * names. A dangling link is written through in place, as fopen would. */
static char *outfile_target(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		if (real)
			return real;
	}
	return strdup(path);
}

/* The directory part of path (a new string). */
static char *outfile_dir(const char *path)
{
	char *copy = strdup(path), *dir;

	if (!copy)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

int outfile_check(const char *path, char *err, size_t errlen)
{
	char *target = outfile_target(path), *dir = NULL;
	struct stat st;
	int rc = 0;

	if (!target || !(dir = outfile_dir(target))) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s", strerror(ENOMEM));
	} else if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		snprintf(err, errlen, "%s", strerror(EISDIR));
	} else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = errno == ENOENT || errno == ENOTDIR ? -errno : -ENOTDIR;
		snprintf(err, errlen, "cannot write there: %s", strerror(-rc));
	} else if (access(dir, W_OK) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot write there: %s", strerror(errno));
	}
	free(target);
	free(dir);
	return rc;
}

int outfile_open(struct outfile *o, const char *path)
{
	struct stat st;
	char *dir = NULL, *copy = NULL;
	mode_t mode;
	int fd = -1, rc;

	memset(o, 0, sizeof(*o));
	o->target = outfile_target(path);
	if (!o->target)
		return -ENOMEM;
	/* a device, FIFO or socket, or a name under /dev or /proc (/dev/stdout
	 * may name the file the shell redirected to): write in place */
	if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0 ||
	    (stat(o->target, &st) == 0 && !S_ISREG(st.st_mode))) {
		/* append: the same as truncating for a device or FIFO, and the
		 * right thing for /dev/stdout sent to a file with >> */
		o->f = fopen(o->target, "a");
		if (!o->f) {
			rc = -errno;
			goto fail;
		}
		errno = 0;
		return 0;
	}
	if (stat(o->target, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	dir = outfile_dir(o->target);
	copy = strdup(o->target);
	if (!dir || !copy || asprintf(&o->tmp, "%s/.%s.XXXXXX", dir, basename(copy)) < 0) {
		o->tmp = NULL;
		rc = -ENOMEM;
		goto fail;
	}
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	free(dir);
	free(copy);
	errno = 0;
	return 0;
fail:
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	free(dir);
	free(copy);
	memset(o, 0, sizeof(*o));
	return rc;
}

static void outfile_release(struct outfile *o)
{
	free(o->tmp);
	free(o->target);
	memset(o, 0, sizeof(*o));
}

int outfile_commit(struct outfile *o)
{
	/* a failed write left its errno; fflush retries what is buffered */
	int e = errno;
	int rc = 0;

	if (fflush(o->f) != 0)
		rc = -errno;
	else if (ferror(o->f))
		rc = e ? -e : -EIO;
	if (fclose(o->f) != 0 && rc == 0)
		rc = -errno;
	o->f = NULL;
	if (rc == 0 && o->tmp && rename(o->tmp, o->target) != 0)
		rc = -errno;
	if (rc && o->tmp)
		unlink(o->tmp);
	outfile_release(o);
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	outfile_release(o);
}
