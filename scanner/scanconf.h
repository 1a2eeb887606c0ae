/* scanconf — the configuration of one scan: the command line (cli.h) over
 * the project configuration file (projconf.h), and --dump-config, which
 * writes that configuration back in the .v6scan syntax.
 *
 * The keys a .v6scan holds are the whole of it: checks, exclude, fail-on,
 * min-confidence, format, baseline, severity, header-filter. Other options (-j, --root, -p, ...)
 * are not configuration and are not dumped.
 */
#ifndef V6SCAN_SCANCONF_H
#define V6SCAN_SCANCONF_H

#include <limits.h>
#include <regex.h>
#include <stdio.h>

#include "cli.h"
#include "findings.h"
#include "jobs.h"
#include "projconf.h"

struct scanconf {
	/* the command line completed by the file; its strings point into
	 * the cli_opts given to scanconf_load and into file */
	struct cli_opts eff;
	struct projconf file; /* the file read; file.path NULL: none */
	/* where checks and baseline came from, for messages: "--checks" or
	 * "FILE: checks", "--baseline" or "FILE: baseline" */
	char checks_what[PATH_MAX + 16];
	char baseline_what[PATH_MAX + 16];
	/* --severity over the file's severity lines: the level of each
	 * check's findings (registry_all() order, -1: its own); eff.check_levels
	 * points here when some check's level is overridden */
	signed char levels[64];
	/* the header filter in use (eff.header_filter), compiled */
	int has_header_re;
	regex_t header_re;
	char header_what[PATH_MAX + 24]; /* "--header-filter" or "FILE: header-filter" */
};

/* Fills sc from cli and, unless --no-config, the file --config-file names
 * or the .v6scan found from root (absolute) upward (projconf_find). An
 * option given on the command line wins over the file's key (projconf.h).
 * Says "v6scan: using the configuration FILE" on stderr when it reads one.
 * Returns 0, or -EINVAL with the message on stderr (the file cannot be
 * read or is not valid: "v6scan: [--config-file ]FILE:LINE: ..."). sc is
 * to be released with scanconf_free either way. */
int scanconf_load(const struct cli_opts *cli, const char *root, struct scanconf *sc);
void scanconf_free(struct scanconf *sc);

/* After the walk, before suppressions and the baseline: sets the levels
 * of --severity (findings_set_levels), then drops each finding in a header
 * whose path does not match the header filter. A header is any file that
 * is not a .c file of jobs (the translation units of the scan): a header
 * reached through an includer, one parsed on its own because nothing
 * includes it, or a file included by a .c file (*.inc, a .c not scanned).
 * The filter is searched (regexec, unanchored, as clang-tidy's
 * HeaderFilterRegex) in the root-relative path, then in the absolute path
 * (root/path); either match keeps the finding. Says "v6scan: N
 * finding(s) in headers left out by WHAT" (--header-filter, or "FILE:
 * header-filter") on stderr when it dropped some. fs->root is the root. Returns 0 or -ENOMEM. */
int scanconf_apply(const struct scanconf *sc, const struct joblist *jobs, struct findings *fs);

/* --dump-config: writes sc's configuration to out as a .v6scan that, read
 * back, gives the same configuration: a comment naming where it came from
 * (the file read, or none and why, then the options of the command line
 * that took part), then every key, the defaults written out; `checks`
 * only when it is set (else a comment: the default set), each exclude on
 * its own line, header-filter when set, each severity line (the file's,
 * then --severity's, in order), the baseline as an absolute path; and a comment listing
 * the checks enabled (enabled[]: registry_all() entries, as
 * selection_apply set them). root is the scan's root, named in the first
 * comment. Returns 0; -EINVAL when a value cannot be written in the
 * syntax (empty, blanks at either end, a line break: message on stderr);
 * -ENOMEM. Write errors are the caller's to find (ferror). */
int scanconf_dump(FILE *out, const struct scanconf *sc, const struct cli_opts *cli, const char *root,
		  const int *enabled);

#endif
