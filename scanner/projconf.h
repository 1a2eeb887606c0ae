/* projconf — the project configuration file, `.v6scan`: what every CI
 * invocation would otherwise repeat on the command line.
 *
 * Found in the report root or the nearest directory above it (the first
 * regular file named .v6scan), or given with --config-file FILE (or
 * --config FILE); --no-config
 * reads none. Lines are `key = value`; blank lines and lines whose first
 * non-blank character is '#' are ignored; blanks around key and value are
 * dropped. Keys:
 *   checks   = GLOBS     as --checks
 *   exclude  = GLOB      as --exclude; may be repeated, each adds a glob
 *   fail-on  = LEVEL     as --fail-on (error, warning, note or none)
 *   baseline = FILE      as --baseline, relative to the file's directory
 *   format   = FMT       as --format (text, json, sarif, html or codeclimate)
 *   min-confidence = C   as --min-confidence (high, medium or low)
 *   severity GLOB = LEVEL  as --severity GLOB=LEVEL: the findings of the
 *                       checks GLOB (fnmatch, as in checks) are reported at
 *                       LEVEL (error, warning or note); may be repeated, a
 *                       later line wins over an earlier one for a check
 *   header-filter = REGEX  as --header-filter (a POSIX extended regular
 *                       expression, checked with regcomp here)
 * An option given on the command line replaces the file's value (for
 * exclude, the whole list; --write-baseline replaces baseline), except
 * --severity, whose overrides come after the file's (so they win). Any other
 * key, a line without '=', an empty value, a bad level or format, or a
 * scalar key given twice is an error naming the file and line.
 * scanconf.h puts the file and the command line together, and writes the
 * result back in this syntax (--dump-config).
 */
#ifndef V6SCAN_PROJCONF_H
#define V6SCAN_PROJCONF_H

#include <stddef.h>

#include "check.h"
#include "emit.h"

#define PROJCONF_NAME ".v6scan"

struct projconf {
	char *path;   /* the file read */
	char *checks; /* NULL: not set */
	char **excludes;
	size_t nexcludes;
	int has_fail_on, fail_never;
	enum v6scan_level fail_on;
	char *baseline; /* absolute; NULL: not set */
	int has_format;
	enum emit_format format;
	int has_min_confidence;
	enum v6scan_confidence min_confidence;
	char **severities; /* "GLOB=LEVEL", in the file's order */
	size_t nseverities;
	char *header_filter; /* NULL: not set */
};

void projconf_free(struct projconf *c);

/* The .v6scan in dir (absolute) or the nearest directory above it, as a
 * new string, or NULL when there is none. */
char *projconf_find(const char *dir);

/* Reads the file at path (at most 1 MiB) into c (zeroed first). Returns
 * 0; -EINVAL with "PATH:LINE: what is wrong" in err; -errno when it
 * cannot be read (err: "PATH: strerror"); -ENOMEM. */
int projconf_load(const char *path, struct projconf *c, char *err, size_t errlen);

#endif
