/* json_read — see json_read.h. */
#include "json_read.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *json_read_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* Reads all of fd (a regular file) into a new buffer, at most max bytes. */
static int json_read_all(int fd, off_t size_hint, size_t max, char **out, size_t *len, char *err, size_t errlen)
{
	size_t cap = (size_t)size_hint + 1, n = 0;
	char *buf;

	if (cap > max + 1)
		cap = max + 1;
	if (cap < 4096)
		cap = 4096;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			/* the file grew since fstat: read on, still within max */
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
			if (!nb) {
				free(buf);
				if (ncap > cap)
					return -ENOMEM;
				snprintf(err, errlen, "larger than %zu MiB, the limit for this file", max >> 20);
				return -EFBIG;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(buf);
			snprintf(err, errlen, "%s", strerror(e));
			return -e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > max) {
		free(buf);
		snprintf(err, errlen, "larger than %zu MiB, the limit for this file", max >> 20);
		return -EFBIG;
	}
	*out = buf;
	*len = n;
	return 0;
}

int json_read_buffer(const char *text, size_t len, json_t **out, char *err, size_t errlen)
{
	json_error_t je;

	/* a UTF-8 byte order mark is tolerated (some editors add one) */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (*out)
		return 0;
	if (json_error_code(&je) == json_error_out_of_memory)
		return -ENOMEM;
	snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column, je.text);
	/* jansson quotes the text near the error as it is: a newline or
	 * another control character there would break the one-line message */
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -EINVAL;
}

int json_read_file(const char *path, size_t max_bytes, json_t **out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s, not a regular file", json_read_kind(st.st_mode));
		rc = -EINVAL;
		goto out;
	}
	if ((uintmax_t)st.st_size > max_bytes) {
		snprintf(err, errlen, "larger than %zu MiB, the limit for this file", max_bytes >> 20);
		rc = -EFBIG;
		goto out;
	}
	/* a regular file never blocks; clear O_NONBLOCK all the same */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	rc = json_read_all(fd, st.st_size, max_bytes, &buf, &len, err, errlen);
	if (rc == 0)
		rc = json_read_buffer(buf, len, out, err, errlen);
	free(buf);
out:
	close(fd);
	return rc;
}

/* "a string", "an integer (-5)", ...: what v is, for messages. */
static void json_read_describe(const json_t *v, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: snprintf(buf, len, "an object"); break;
	case JSON_ARRAY: snprintf(buf, len, "an array"); break;
	case JSON_STRING: snprintf(buf, len, "a string"); break;
	case JSON_INTEGER: snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_REAL: snprintf(buf, len, "%g", json_real_value(v)); break;
	case JSON_TRUE: snprintf(buf, len, "true"); break;
	case JSON_FALSE: snprintf(buf, len, "false"); break;
	default: snprintf(buf, len, "null"); break;
	}
}

static void json_read_name(char *buf, size_t len, const char *where, const char *key)
{
	if (where[0])
		snprintf(buf, len, "%s.%s", where, key);
	else
		snprintf(buf, len, "%s", key);
}

int json_read_bad(const json_t *v, const char *where, const char *what, char *err, size_t errlen)
{
	char got[64];

	json_read_describe(v, got, sizeof(got));
	snprintf(err, errlen, "%s: must be %s (got %s)", where, what, got);
	return -EINVAL;
}

/* The member key of obj: 1 and *v when present, 0 when absent (an error
 * when required). */
static int json_read_member(const json_t *obj, const char *where, const char *key, int required, json_t **v, char *err,
			    size_t errlen)
{
	char name[256];

	*v = json_object_get(obj, key);
	if (*v)
		return 1;
	if (!required)
		return 0;
	json_read_name(name, sizeof(name), where, key);
	snprintf(err, errlen, "%s: missing", name);
	return -EINVAL;
}

/* Reads a member of type t; what describes t in the message. */
static int json_read_typed(const json_t *obj, const char *where, const char *key, int required, json_type t,
			   const char *what, json_t **out, char *err, size_t errlen)
{
	char name[256];
	json_t *v;
	int rc = json_read_member(obj, where, key, required, &v, err, errlen);

	if (rc <= 0)
		return rc;
	if (json_typeof(v) != t) {
		json_read_name(name, sizeof(name), where, key);
		return json_read_bad(v, name, what, err, errlen);
	}
	*out = v;
	return 1;
}

int json_read_str(const json_t *obj, const char *where, const char *key, int required, const char **out, char *err,
		  size_t errlen)
{
	json_t *v;
	int rc = json_read_typed(obj, where, key, required, JSON_STRING, "a string", &v, err, errlen);

	if (rc > 0)
		*out = json_string_value(v);
	return rc < 0 ? rc : 0;
}

int json_read_int(const json_t *obj, const char *where, const char *key, int required, json_int_t min, json_int_t max,
		  json_int_t *out, char *err, size_t errlen)
{
	char name[256], what[96];
	json_t *v;
	int rc;

	snprintf(what, sizeof(what), "an integer from %" JSON_INTEGER_FORMAT " to %" JSON_INTEGER_FORMAT, min, max);
	rc = json_read_typed(obj, where, key, required, JSON_INTEGER, what, &v, err, errlen);
	if (rc <= 0)
		return rc;
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		json_read_name(name, sizeof(name), where, key);
		return json_read_bad(v, name, what, err, errlen);
	}
	*out = json_integer_value(v);
	return 0;
}

int json_read_bool(const json_t *obj, const char *where, const char *key, int required, int *out, char *err,
		   size_t errlen)
{
	char name[256];
	json_t *v;
	int rc = json_read_member(obj, where, key, required, &v, err, errlen);

	if (rc <= 0)
		return rc;
	if (!json_is_boolean(v)) {
		json_read_name(name, sizeof(name), where, key);
		return json_read_bad(v, name, "true or false", err, errlen);
	}
	*out = json_is_true(v);
	return 0;
}

int json_read_array(const json_t *obj, const char *where, const char *key, int required, json_t **out, char *err,
		    size_t errlen)
{
	int rc = json_read_typed(obj, where, key, required, JSON_ARRAY, "an array", out, err, errlen);

	return rc < 0 ? rc : 0;
}

int json_read_object(const json_t *obj, const char *where, const char *key, int required, json_t **out, char *err,
		     size_t errlen)
{
	int rc = json_read_typed(obj, where, key, required, JSON_OBJECT, "an object", out, err, errlen);

	return rc < 0 ? rc : 0;
}

static int json_read_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int json_read_unescape(const char *s, char **out)
{
	char *buf = malloc(strlen(s) + 1), *o = buf;

	if (!buf)
		return -ENOMEM;
	while (*s) {
		if (*s != '%') {
			*o++ = *s++;
			continue;
		}
		int hi = json_read_hex(s[1]), lo = hi < 0 ? -1 : json_read_hex(s[2]);
		if (lo < 0 || (hi == 0 && lo == 0)) {
			free(buf);
			return -EINVAL;
		}
		*o++ = (char)(hi << 4 | lo);
		s += 3;
	}
	*o = '\0';
	*out = buf;
	return 0;
}
