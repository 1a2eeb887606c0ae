/* cli — the command line of v6scan.
 *
 *   v6scan [options] [FILE|DIR ...]
 *   v6scan merge [--format F] [-o FILE] [--fail-on L] REPORT...
 *
 * Parsing only: no file is opened here. Errors print a message and yield
 * CLI_USAGE, the caller exits 2. --dump-config is a scan that stops once
 * its configuration is known (scanconf.h), so it needs no path.
 */
#ifndef V6SCAN_CLI_H
#define V6SCAN_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "check.h"
#include "emit.h"

#define CLI_FILE_TIMEOUT_DEFAULT 120 /* seconds */
#define CLI_FILE_TIMEOUT_MAX 86400
#define CLI_JOBS_MAX 256

enum cli_action { CLI_SCAN, CLI_MERGE, CLI_LIST, CLI_EXPLAIN, CLI_HELP, CLI_VERSION, CLI_USAGE };

struct cli_opts {
	enum cli_action action;
	const char *build_dir;                           /* -p */
	const char *root;                                /* --root (NULL: jobs_default_root) */
	const char *checks;                              /* --checks */
	const char *explain;                             /* --explain ID */
	enum emit_format format;                         /* --format */
	enum emit_color color;                           /* --color (default auto) */
	const char *output;                              /* -o */
	const char *help_uri_base;                       /* --help-uri-base (NULL: the build's default) */
	const char *baseline;                            /* --baseline */
	const char *write_baseline;                      /* --write-baseline */
	const char *export_fixes;                        /* --export-fixes FILE */
	const char *runtime;                             /* --runtime REPORT (runtime_join.h) */
	int inactive;                                    /* --inactive-branches */
	int fix;                                         /* --fix */
	enum v6scan_level fail_on;                       /* --fail-on */
	int fail_never;                                  /* --fail-on=none */
	enum v6scan_confidence min_confidence;           /* --min-confidence (default medium) */
	int fail_on_set, format_set, min_confidence_set; /* given on the command line (over .v6scan) */
	char **severities;                               /* --severity GLOB=LEVEL, in order (checked here) */
	size_t nseverities;
	const char *header_filter; /* --header-filter REGEX (checked with regcomp here) */
	/* set by scanconf_load in its effective options: the level of each
	 * check's findings (registry_all() order), -1 for the check's own */
	const signed char *check_levels;
	const char *config;        /* --config-file FILE (or --config FILE) */
	const char *config_opt;    /* the spelling given, for messages */
	int no_config;             /* --no-config */
	int dump_config;           /* --dump-config: print the configuration, scan nothing */
	unsigned shard_k, shard_n; /* --shard K/N (0/0: no sharding) */
	unsigned jobs;             /* -j (default cli_default_jobs) */
	unsigned file_timeout;     /* --file-timeout seconds (0: none) */
	int quiet;                 /* -q: no parse diagnostics */
	char **extra, **extra_before, **excludes;
	size_t nextra, nextra_before, nexcludes;
	char **inputs; /* paths, or reports for merge */
	size_t ninputs;
};

/* path made absolute against the current directory, textually (no link is
 * resolved, the file need not exist), as a new string. main resolves every
 * path that is used after the parse this way at start-up: the scan's
 * results must not depend on the process's working directory, which
 * libclang changes (its driver applies -working-directory with chdir(2)).
 * Returns 0, -errno from getcwd, -ENOMEM. */
int cli_absolute(const char *path, char **out);

/* The number of online CPUs, from 1 to CLI_JOBS_MAX: the default -j. */
unsigned cli_default_jobs(void);

/* Fills o from argv; allocations are released by cli_free. */
void cli_parse(int argc, char **argv, struct cli_opts *o);
void cli_free(struct cli_opts *o);
void cli_usage(FILE *f);

#endif
