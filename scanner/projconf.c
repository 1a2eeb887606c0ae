/* projconf — see projconf.h. */
#include "projconf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROJCONF_MAX_BYTES (1 << 20)

void projconf_free(struct projconf *c)
{
	free(c->path);
	free(c->checks);
	for (size_t i = 0; i < c->nexcludes; i++)
		free(c->excludes[i]);
	free(c->excludes);
	free(c->baseline);
	for (size_t i = 0; i < c->nseverities; i++)
		free(c->severities[i]);
	free(c->severities);
	free(c->header_filter);
	memset(c, 0, sizeof(*c));
}

char *projconf_find(const char *dir)
{
	char d[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;

	if (strlen(dir) >= sizeof(d))
		return NULL;
	strcpy(d, dir);
	for (;;) {
		snprintf(path, sizeof(path), "%s/" PROJCONF_NAME, strcmp(d, "/") == 0 ? "" : d);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return strdup(path);
		char *slash = strrchr(d, '/');
		if (!slash || strcmp(d, "/") == 0)
			return NULL;
		slash[slash == d] = '\0'; /* "/x" -> "/" */
	}
}

/* Reads the whole regular file (O_NONBLOCK: a FIFO does not block). */
static int projconf_read(const char *path, char **out, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf;
	ssize_t got;
	size_t len = 0;

	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > PROJCONF_MAX_BYTES) {
		snprintf(err, errlen, "%s: %s", path,
			 !S_ISREG(st.st_mode) ? "not a regular file" : "larger than 1 MiB");
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < (size_t)st.st_size && (got = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)got;
	close(fd);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: holds a NUL byte", path);
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

static char *projconf_trim(char *s)
{
	char *end = s + strlen(s);

	while (*s && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

#define PROJCONF_KEYS                                                        \
	"keys: checks, exclude, fail-on, baseline, format, min-confidence, " \
	"severity GLOB, header-filter"

/* Appends s (copied) to *arr. 0 or -ENOMEM. */
static int projconf_push(char ***arr, size_t *n, const char *s)
{
	char **na = reallocarray(*arr, *n + 1, sizeof(*na));

	if (!na)
		return -ENOMEM;
	*arr = na;
	na[*n] = strdup(s);
	return na[*n] ? (++*n, 0) : -ENOMEM;
}

/* One `key = value` line. */
static int projconf_line(struct projconf *c, const char *dir, size_t no, char *line, size_t *seen, char *err,
			 size_t errlen)
{
	static const char *const keys[] = { "checks", "exclude",        "fail-on",  "baseline",
					    "format", "min-confidence", "severity", "header-filter" };
	char *eq = strchr(line, '=');
	size_t k;

#define BAD(...)                                         \
	(snprintf(err, errlen, "%s:%zu: ", c->path, no), \
	 snprintf(err + strlen(err), errlen - strlen(err), __VA_ARGS__), -EINVAL)
	if (!eq)
		return BAD("expected 'key = value' (" PROJCONF_KEYS ")");
	*eq = '\0';
	char *key = projconf_trim(line), *value = projconf_trim(eq + 1), *glob = NULL;
	/* "severity GLOB": the key's second word */
	size_t kl = strcspn(key, " \t");
	if (key[kl]) {
		key[kl] = '\0';
		glob = projconf_trim(key + kl + 1);
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strcmp(key, keys[k]) == 0)
			break;
	if (k == sizeof(keys) / sizeof(keys[0]))
		return BAD("unknown key '%s%s%s' (" PROJCONF_KEYS ")", key, glob ? " " : "", glob ? glob : "");
	if (k == 6 && (!glob || strpbrk(glob, " \t")))
		return BAD("severity needs one check glob: 'severity GLOB = LEVEL', e.g. "
			   "'severity v6-inet-ntoa = error'");
	if (k != 6 && glob)
		return BAD("unknown key '%s %s' (" PROJCONF_KEYS ")", key, glob);
	if (!*value)
		return BAD("%s needs a value", key);
	if (k != 1 && k != 6 && seen[k])
		return BAD("%s is given twice (first on line %zu)", key, seen[k]);
	seen[k] = no;
	switch (k) {
	case 0: c->checks = strdup(value); return c->checks ? 0 : -ENOMEM;
	case 1: return projconf_push(&c->excludes, &c->nexcludes, value);
	case 2:
		c->has_fail_on = 1;
		if (strcmp(value, "none") == 0)
			c->fail_never = 1;
		else if (check_level_parse(value, &c->fail_on))
			return BAD("fail-on must be error, warning, note or none (got '%s')", value);
		return 0;
	case 3:
		if (value[0] == '/')
			c->baseline = strdup(value);
		else if (asprintf(&c->baseline, "%s/%s", dir, value) < 0)
			c->baseline = NULL;
		return c->baseline ? 0 : -ENOMEM;
	case 6: {
		enum v6scan_level level;
		char *item;
		if (check_level_parse(value, &level))
			return BAD("severity %s: the level must be error, warning or note (got '%s')", glob, value);
		if (asprintf(&item, "%s=%s", glob, value) < 0)
			return -ENOMEM;
		int rc = projconf_push(&c->severities, &c->nseverities, item);
		free(item);
		return rc;
	}
	case 7: {
		regex_t re;
		char why[256];
		int rc = regcomp(&re, value, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			regerror(rc, &re, why, sizeof(why));
			return BAD("header-filter '%s' is not a regular expression: %s", value, why);
		}
		regfree(&re);
		c->header_filter = strdup(value);
		return c->header_filter ? 0 : -ENOMEM;
	}
	case 5:
		c->has_min_confidence = 1;
		if (check_confidence_parse(value, &c->min_confidence))
			return BAD("min-confidence must be high, medium or low (got '%s')", value);
		return 0;
	default:
		c->has_format = 1;
		if (emit_format_parse(value, &c->format))
			return BAD("format must be text, json, sarif, html or codeclimate (got '%s')", value);
		return 0;
	}
#undef BAD
}

int projconf_load(const char *path, struct projconf *c, char *err, size_t errlen)
{
	char *text = NULL, *dir;
	size_t seen[8] = { 0 }, no = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	dir = strdup(path);
	if (!c->path || !dir) {
		free(dir);
		return -ENOMEM;
	}
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	else
		strcpy(dir, ".");
	rc = projconf_read(path, &text, err, errlen);
	for (char *line = text, *next; rc == 0 && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		char *t = projconf_trim(line);
		if (*t && *t != '#')
			rc = projconf_line(c, dir, no, t, seen, err, errlen);
	}
	free(text);
	free(dir);
	return rc;
}
