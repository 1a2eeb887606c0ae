/* cli — see cli.h. */
#include "cli.h"

#include <bsd/stdlib.h>
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_CHECKS = 256,
	OPT_LIST,
	OPT_EXPLAIN,
	OPT_FORMAT,
	OPT_BASELINE,
	OPT_WRITE_BASELINE,
	OPT_FAIL_ON,
	OPT_SHARD,
	OPT_EXTRA,
	OPT_EXTRA_BEFORE,
	OPT_EXCLUDE,
	OPT_ROOT,
	OPT_VERSION,
	OPT_FILE_TIMEOUT,
	OPT_COLOR,
	OPT_HELP_URI_BASE,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_CONFIG_FILE,
	OPT_DUMP_CONFIG,
	OPT_MIN_CONFIDENCE,
	OPT_EXPORT_FIXES,
	OPT_FIX,
	OPT_RUNTIME,
	OPT_INACTIVE,
	OPT_SEVERITY,
	OPT_HEADER_FILTER,
};

static const struct option cli_long[] = {
	{ "checks", required_argument, NULL, OPT_CHECKS },
	{ "list-checks", no_argument, NULL, OPT_LIST },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "help-uri-base", required_argument, NULL, OPT_HELP_URI_BASE },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "config-file", required_argument, NULL, OPT_CONFIG_FILE },
	{ "dump-config", no_argument, NULL, OPT_DUMP_CONFIG },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "output", required_argument, NULL, 'o' },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "write-baseline", required_argument, NULL, OPT_WRITE_BASELINE },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "min-confidence", required_argument, NULL, OPT_MIN_CONFIDENCE },
	{ "severity", required_argument, NULL, OPT_SEVERITY },
	{ "header-filter", required_argument, NULL, OPT_HEADER_FILTER },
	{ "export-fixes", required_argument, NULL, OPT_EXPORT_FIXES },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "inactive-branches", no_argument, NULL, OPT_INACTIVE },
	{ "fix", no_argument, NULL, OPT_FIX },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "jobs", required_argument, NULL, 'j' },
	{ "file-timeout", required_argument, NULL, OPT_FILE_TIMEOUT },
	{ "extra-arg", required_argument, NULL, OPT_EXTRA },
	{ "extra-arg-before", required_argument, NULL, OPT_EXTRA_BEFORE },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *f)
{
	fputs("usage: v6scan [options] [FILE|DIR ...]\n"
	      "       v6scan merge [--format json|sarif|text] [-o FILE] [--fail-on LEVEL]\n"
	      "                    [--min-confidence C] REPORT...\n"
	      "\n"
	      "Finds IPv4-only C code with libclang. Directories are searched for .c and .h\n"
	      "files; a header is analysed through the files that include it and parsed on its\n"
	      "own only when no scanned file includes it.\n"
	      "\n"
	      "  --config-file FILE      read the project configuration from FILE (default: the\n"
	      "                          .v6scan in the root or the nearest directory above it;\n"
	      "                          keys checks, exclude, fail-on, min-confidence, baseline,\n"
	      "                          format, severity GLOB, header-filter; command-line\n"
	      "                          options override it)\n"
	      "  --config FILE           the same (v6scan's first name for it)\n"
	      "  --no-config             read no .v6scan\n"
	      "  --dump-config           print the configuration a scan would use (the .v6scan\n"
	      "                          read, then the command line) as a .v6scan (to -o FILE\n"
	      "                          if given) and exit without scanning; paths are optional\n"
	      "  -p BUILD_DIR            read BUILD_DIR/compile_commands.json (without -p: the\n"
	      "                          nearest compile_commands.json or build/compile_commands.json\n"
	      "                          above each file, named on stderr)\n"
	      "  --extra-arg=ARG         append ARG to every compile command (repeatable)\n"
	      "  --extra-arg-before=ARG  prepend ARG to every compile command (repeatable)\n"
	      "  --root DIR              project root: only files below it are scanned, paths are\n"
	      "                          relative to it (default: the top level of the repository\n"
	      "                          (.git) holding the paths given, or the database's files;\n"
	      "                          else their common directory)\n"
	      "  --exclude GLOB          skip files whose root-relative path matches (repeatable)\n"
	      "  --checks=LIST           comma-separated globs, '-' removes: '-*,v6-gethostbyname'\n"
	      "                          (a glob that names no check is a warning, as in\n"
	      "                          clang-tidy; enabling no check at all is an error)\n"
	      "  --severity GLOB=LEVEL   report the findings of the checks GLOB names at LEVEL\n"
	      "                          (error, warning or note) in every format and for\n"
	      "                          --fail-on (repeatable; a later one wins, and these win\n"
	      "                          over the .v6scan's severity lines)\n"
	      "  --header-filter REGEX   report a finding in a header only when the header's\n"
	      "                          root-relative or absolute path matches the POSIX\n"
	      "                          extended REGEX (unanchored, as clang-tidy's); findings\n"
	      "                          in the .c files scanned are always reported (default:\n"
	      "                          every project header below the root)\n"
	      "  --list-checks           print the enabled checks and exit\n"
	      "  --explain ID            print the documentation of check ID and exit\n"
	      "  --format FMT            text (default), json, sarif, html or codeclimate (GitLab's\n"
	      "                          code quality report)\n"
	      "  --color[=WHEN]          colour the text report: auto (default: on a terminal,\n"
	      "                          unless NO_COLOR is set), never, or always (what a bare\n"
	      "                          option means)\n"
	      "  --help-uri-base URI     SARIF rules link to URI<check id>.md (the published\n"
	      "                          docs/checks/ pages; default: none, the page text is in\n"
	      "                          the rule's help.markdown)\n"
	      "  -o, --output FILE       write the report to FILE instead of standard output\n"
	      "  --baseline FILE         findings listed in FILE do not count\n"
	      "  --write-baseline FILE   write every current finding to FILE and say so; no report\n"
	      "                          unless -o is given (exit 0 or 3)\n"
	      "  --fail-on LEVEL         error, warning (default), note or none\n"
	      "  --min-confidence C      only findings of checks whose confidence is C or higher\n"
	      "                          count for --fail-on: high, medium (default: high and\n"
	      "                          medium gate, low do not) or low (all); the report still\n"
	      "                          lists every finding\n"
	      "  --inactive-branches     also lex the inactive #if branches for IPv4-only API names\n"
	      "                          and report them as notes (off by default: in correct\n"
	      "                          dual-stack code they are mostly IPv4 fallbacks)\n"
	      "  --export-fixes FILE     write the fix-its of the active findings to FILE as\n"
	      "                          clang-apply-replacements YAML (clang-tidy's format)\n"
	      "  --fix                   apply the fix-its in place (each file rewritten whole or\n"
	      "                          not at all; overlapping edits leave a file unchanged;\n"
	      "                          only files below --root); exit 4 when a file was refused\n"
	      "  --runtime REPORT        join a `v6run --report` file: each finding says whether\n"
	      "                          its line ran and how many calls it made (text, JSON\n"
	      "                          hits, SARIF v6kit/hits); call sites are placed with\n"
	      "                          addr2line (V6SCAN_ADDR2LINE), so build with -g\n"
	      "  --shard K/N             scan only the K-th of N deterministic parts (CI matrix), then\n"
	      "                          join the reports with `v6scan merge` (same findings as one\n"
	      "                          run; a header whose includers all fell into other shards is\n"
	      "                          also parsed on its own, so file counters can be higher)\n"
	      "  -j, --jobs N            parse with N worker processes (default: the number of\n"
	      "                          online CPUs)\n"
	      "  --file-timeout SECONDS  stop a worker whose file takes longer (default 120); the\n"
	      "                          file counts as not analysed. 0: no limit, and -j 1 then\n"
	      "                          parses in the v6scan process itself\n"
	      "  -q, --quiet             do not print parse errors\n"
	      "  -V, --version           print the version and exit\n"
	      "\n"
	      "JSON inputs (--baseline, merge reports) must be regular files of at most 256 MiB,\n"
	      "compile_commands.json at most 1 GiB.\n"
	      "\n"
	      "Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,\n"
	      "2 usage or configuration error, 3 analysis incomplete (a file did not parse or\n"
	      "ran out of time), 4 the report, baseline or fix-its could not be written (the\n"
	      "old file is kept) or --fix left a file unchanged, or standard output was closed\n"
	      "by its reader (then without a message).\n",
	      f);
}

static int cli_push(char ***arr, size_t *n, const char *s)
{
	char **na = reallocarray(*arr, *n + 1, sizeof(*na));

	if (!na)
		return -ENOMEM;
	*arr = na;
	na[(*n)++] = (char *)s;
	return 0;
}

/* A decimal MIN..MAX (libbsd's strtonum). 0 or -EINVAL. */
static int cli_uint(const char *s, unsigned *out, unsigned min, unsigned max)
{
	const char *why = NULL;
	long long v = strtonum(s, min, max, &why);

	if (why)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

unsigned cli_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > CLI_JOBS_MAX ? CLI_JOBS_MAX : (unsigned)n;
}

static void cli_bad(struct cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void cli_bad(struct cli_opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "v6scan: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	o->action = CLI_USAGE;
}

void cli_parse(int argc, char **argv, struct cli_opts *o)
{
	int c;
	int merge = argc > 1 && strcmp(argv[1], "merge") == 0;

	memset(o, 0, sizeof(*o));
	o->action = merge ? CLI_MERGE : CLI_SCAN;
	o->format = EMIT_TEXT;
	o->fail_on = V6SCAN_WARNING;
	o->min_confidence = V6SCAN_CONF_MEDIUM;
	o->jobs = cli_default_jobs();
	o->file_timeout = CLI_FILE_TIMEOUT_DEFAULT;
	optind = merge ? 2 : 1;
	opterr = 0;
	while (o->action != CLI_USAGE && (c = getopt_long(argc, argv, ":p:o:j:qhV", cli_long, NULL)) != -1) {
		switch (c) {
		case 'p': o->build_dir = optarg; break;
		case 'o': o->output = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': o->action = CLI_HELP; return;
		case 'V':
		case OPT_VERSION: o->action = CLI_VERSION; return;
		case OPT_CHECKS: o->checks = optarg; break;
		case OPT_LIST: o->action = CLI_LIST; break;
		case OPT_EXPLAIN:
			o->action = CLI_EXPLAIN;
			o->explain = optarg;
			break;
		case OPT_BASELINE: o->baseline = optarg; break;
		case OPT_WRITE_BASELINE: o->write_baseline = optarg; break;
		case OPT_ROOT: o->root = optarg; break;
		case OPT_FORMAT:
			o->format_set = 1;
			if (emit_format_parse(optarg, &o->format))
				cli_bad(o, "--format must be text, json, sarif, html or codeclimate (got '%s')",
					optarg);
			break;
		case OPT_HELP_URI_BASE: o->help_uri_base = optarg; break;
		case OPT_CONFIG:
		case OPT_CONFIG_FILE:
			o->config = optarg;
			o->config_opt = c == OPT_CONFIG ? "--config" : "--config-file";
			break;
		case OPT_DUMP_CONFIG: o->dump_config = 1; break;
		case OPT_NO_CONFIG: o->no_config = 1; break;
		case OPT_COLOR:
			if (!optarg)
				o->color = EMIT_COLOR_ALWAYS;
			else if (emit_color_parse(optarg, &o->color))
				cli_bad(o, "--color must be auto, always or never (got '%s')", optarg);
			break;
		case OPT_FAIL_ON:
			o->fail_on_set = 1;
			if (strcmp(optarg, "none") == 0)
				o->fail_never = 1;
			else if (check_level_parse(optarg, &o->fail_on))
				cli_bad(o, "--fail-on must be error, warning, note or none (got '%s')", optarg);
			break;
		case OPT_SEVERITY: {
			enum v6scan_level level;
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || strpbrk(optarg, " \t"))
				cli_bad(o, "--severity needs GLOB=LEVEL, e.g. v6-inet-ntoa=error (got '%s')", optarg);
			else if (check_level_parse(eq + 1, &level))
				cli_bad(o, "--severity %s: the level must be error, warning or note (got '%s')", optarg,
					eq + 1);
			else if (cli_push(&o->severities, &o->nseverities, optarg))
				cli_bad(o, "%s", "out of memory");
			break;
		}
		case OPT_HEADER_FILTER: {
			regex_t re;
			char why[256];
			int rc = *optarg ? regcomp(&re, optarg, REG_EXTENDED | REG_NOSUB) : 0;
			o->header_filter = optarg;
			if (!*optarg) {
				cli_bad(o, "%s", "--header-filter needs a regular expression (.* for every header)");
			} else if (rc) {
				regerror(rc, &re, why, sizeof(why));
				cli_bad(o, "--header-filter '%s' is not a regular expression: %s", optarg, why);
			} else {
				regfree(&re);
			}
			break;
		}
		case OPT_EXPORT_FIXES: o->export_fixes = optarg; break;
		case OPT_RUNTIME: o->runtime = optarg; break;
		case OPT_INACTIVE: o->inactive = 1; break;
		case OPT_FIX: o->fix = 1; break;
		case OPT_MIN_CONFIDENCE:
			o->min_confidence_set = 1;
			if (check_confidence_parse(optarg, &o->min_confidence))
				cli_bad(o, "--min-confidence must be high, medium or low (got '%s')", optarg);
			break;
		case 'j':
			if (cli_uint(optarg, &o->jobs, 1, CLI_JOBS_MAX))
				cli_bad(o, "-j needs a number from 1 to %u (got '%s')", CLI_JOBS_MAX, optarg);
			break;
		case OPT_FILE_TIMEOUT:
			if (cli_uint(optarg, &o->file_timeout, 0, CLI_FILE_TIMEOUT_MAX))
				cli_bad(o, "--file-timeout needs a number of seconds from 0 to %u (got '%s')",
					CLI_FILE_TIMEOUT_MAX, optarg);
			break;
		case OPT_SHARD: {
			char k[32], *slash = strchr(optarg, '/');
			if (!slash || (size_t)(slash - optarg) >= sizeof(k)) {
				cli_bad(o, "--shard needs K/N, e.g. 2/4 (got '%s')", optarg);
				break;
			}
			memcpy(k, optarg, (size_t)(slash - optarg));
			k[slash - optarg] = '\0';
			if (cli_uint(slash + 1, &o->shard_n, 1, 100000) || cli_uint(k, &o->shard_k, 1, o->shard_n))
				cli_bad(o, "--shard needs 1 <= K <= N (got '%s')", optarg);
			break;
		}
		case OPT_EXTRA:
			if (cli_push(&o->extra, &o->nextra, optarg))
				cli_bad(o, "%s", "out of memory");
			break;
		case OPT_EXTRA_BEFORE:
			if (cli_push(&o->extra_before, &o->nextra_before, optarg))
				cli_bad(o, "%s", "out of memory");
			break;
		case OPT_EXCLUDE:
			if (cli_push(&o->excludes, &o->nexcludes, optarg))
				cli_bad(o, "%s", "out of memory");
			break;
		case ':': cli_bad(o, "option '%s' needs an argument", argv[optind - 1]); break;
		default: cli_bad(o, "unknown option '%s' (see v6scan --help)", argv[optind - 1]); break;
		}
	}
	if (o->action == CLI_USAGE)
		return;
	for (int i = optind; i < argc; i++)
		if (cli_push(&o->inputs, &o->ninputs, argv[i])) {
			cli_bad(o, "%s", "out of memory");
			return;
		}
	if (o->action == CLI_MERGE && o->dump_config)
		cli_bad(o, "%s", "--dump-config applies to a scan, not to merge");
	else if (o->action == CLI_SCAN && o->ninputs == 0 && !o->build_dir && !o->dump_config)
		cli_bad(o, "%s", "nothing to scan: give files or directories, or -p BUILD_DIR");
	else if (o->action == CLI_MERGE && o->ninputs == 0)
		cli_bad(o, "%s", "merge needs at least one report");
	else if (o->action == CLI_MERGE && (o->fix || o->export_fixes))
		cli_bad(o, "%s", "--fix and --export-fixes apply to a scan, not to merge");
	else if (o->action == CLI_MERGE && (o->nseverities || o->header_filter))
		cli_bad(o, "%s",
			"--severity and --header-filter apply to a scan, not to merge (the reports "
			"merged carry their levels)");
	else if (o->baseline && o->write_baseline)
		cli_bad(o, "%s", "--baseline and --write-baseline exclude each other");
	else if (o->config && o->no_config)
		cli_bad(o, "%s and --no-config exclude each other", o->config_opt);
}

int cli_absolute(const char *path, char **out)
{
	char *cwd;

	if (path[0] == '/') {
		*out = strdup(path);
		return *out ? 0 : -ENOMEM;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return -errno;
	if (asprintf(out, "%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", path) < 0) {
		*out = NULL;
		free(cwd);
		return -ENOMEM;
	}
	free(cwd);
	return 0;
}

void cli_free(struct cli_opts *o)
{
	free(o->extra);
	free(o->extra_before);
	free(o->excludes);
	free(o->severities);
	free(o->inputs);
}
