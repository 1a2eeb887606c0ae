/* v6scan — entry point: dispatches the actions of the command line (cli.h)
 * and runs a scan or a merge through the modules:
 *   jobs/compdb -> scanconf (.v6scan under the command line; --dump-config
 *   stops here) -> workers (parse + walk per file) -> scanconf_apply
 *   (--severity, --header-filter) -> findings_normalise ->
 *   suppress -> baseline -> emit, then the summary line and the exit status.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "checks/registry.h"
#include "cli.h"
#include "compdb.h"
#include "discover.h"
#include "emit.h"
#include "findings.h"
#include "fixout.h"
#include "jobs.h"
#include "load.h"
#include "outfile.h"
#include "pages.h"
#include "resdir.h"
#include "runtime_join.h"
#include "scanconf.h"
#include "selection.h"
#include "source.h"
#include "suppress.h"
#include "v6kit_version.h"
#include "walk.h"
#include "workers.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_INCOMPLETE = 3, EXIT_IO = 4 };

/* The paths used after the parse, made absolute at start-up (cli_absolute);
 * messages name them as the user wrote them. */
struct main_paths {
	char *output, *baseline, *write_baseline, *export_fixes, *runtime;
};

static void main_paths_free(struct main_paths *p)
{
	free(p->output);
	free(p->baseline);
	free(p->write_baseline);
	free(p->export_fixes);
	free(p->runtime);
}

/* Resolves and checks the output paths before any work: a report that
 * cannot be written must not cost a whole scan first. EXIT_USAGE or 0. */
static int main_paths_resolve(const struct cli_opts *o, struct main_paths *p)
{
	const char *const args[] = { o->output, o->baseline, o->write_baseline, o->export_fixes, o->runtime };
	const char *const names[] = { "-o", "--baseline", "--write-baseline", "--export-fixes", "--runtime" };
	char **const abs[] = { &p->output, &p->baseline, &p->write_baseline, &p->export_fixes, &p->runtime };
	char err[256];

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < 5; i++) {
		int rc;
		if (!args[i])
			continue;
		rc = cli_absolute(args[i], abs[i]);
		if (rc) {
			fprintf(stderr, "v6scan: %s %s: %s\n", names[i], args[i], strerror(-rc));
			return EXIT_USAGE;
		}
		if (i != 1 && i != 4 && outfile_check(*abs[i], err, sizeof(err))) {
			fprintf(stderr, "v6scan: %s %s: %s\n", names[i], args[i], err);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* --list-checks: the checks --checks, or the configuration found from
 * --root or the current directory, enables. */
static int main_list(const struct cli_opts *cli)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);
	int enabled[64], status = EXIT_USAGE;
	struct scanconf sc;
	char *root = realpath(cli->root ? cli->root : ".", NULL);

	if (!root) {
		fprintf(stderr, "v6scan: --root %s: %s\n", cli->root ? cli->root : ".", strerror(errno));
		return EXIT_USAGE;
	}
	if (scanconf_load(cli, root, &sc) == 0 && selection_apply(sc.eff.checks, sc.checks_what, enabled) == 0) {
		for (size_t i = 0; i < n; i++)
			if (enabled[i])
				printf("%-28s %-8s %-7s %s\n", all[i]->id,
				       check_level_name(sc.eff.check_levels && sc.eff.check_levels[i] >= 0
								? (enum v6scan_level)sc.eff.check_levels[i]
								: all[i]->level),
				       check_confidence_name(all[i]->confidence), all[i]->summary);
		/* name the off-by-default checks this list leaves out (stderr:
		 * stdout stays one check per line) */
		size_t off = 0;
		for (size_t i = 0; i < n; i++)
			if (!enabled[i] && !registry_default_on(i))
				fprintf(stderr, "%s%s",
					off++ ? ", " : "v6scan: off by default (--checks names them): ", all[i]->id);
		if (off)
			fputc('\n', stderr);
		status = EXIT_CLEAN;
	}
	scanconf_free(&sc);
	free(root);
	return status;
}

static int main_explain(const char *id)
{
	FILE *f;
	char buf[4096];
	size_t got;

	if (!registry_find(id)) {
		fprintf(stderr, "v6scan: --explain: no check '%s' (see --list-checks)\n", id);
		return EXIT_USAGE;
	}
	f = pages_open(id);
	if (!f) {
		fprintf(stderr,
			"v6scan: --explain: the page docs/checks/%s.md is not installed and the source "
			"tree is not reachable (set V6SCAN_DOCS_DIR)\n",
			id);
		return EXIT_USAGE;
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, stdout);
	fclose(f);
	return EXIT_CLEAN;
}

static int main_write(FILE *out, const struct cli_opts *o, const struct findings *fs, int baseline_used, int color)
{
	struct emit_info info = {
		.baseline_used = baseline_used, .root = fs->root, .color = color, .levels = o->check_levels
	};
	int rc;

	if (o->format == EMIT_JSON)
		return emit_json(out, fs, &info);
	if (o->format == EMIT_CODECLIMATE)
		return emit_codeclimate(out, fs, &info);
	if (o->format == EMIT_HTML)
		return emit_html(out, fs, &info);
	if (o->format != EMIT_SARIF)
		return emit_text(out, fs, &info);
	info.help_uri_base = o->help_uri_base ? o->help_uri_base : EMIT_HELP_URI_BASE;
	char **docs = pages_load_all();
	info.docs = docs;
	rc = emit_sarif(out, fs, &info);
	pages_free_all(docs);
	return rc;
}

/* After writing to standard output (errno cleared before, e what the
 * writes left in it): 0 when all of it got out, else EXIT_IO with
 * "v6scan: writing standard output: <reason>" on stderr; nothing is printed
 * when the reader went away (EPIPE: SIGPIPE is ignored). */
static int main_stdout_done(int e)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	e = errno ? errno : e ? e : EIO;
	if (e != EPIPE)
		fprintf(stderr, "v6scan: writing standard output: %s\n", strerror(e));
	return EXIT_IO;
}

/* Writes the report in the chosen format to -o (replaced whole or not at
 * all, outfile.h) or to standard output. Returns 0 or EXIT_IO, with
 * "v6scan: writing PATH: <reason>" on stderr; nothing is printed when the
 * reader of standard output went away (EPIPE: SIGPIPE is ignored). */
static int main_emit(const struct cli_opts *o, const struct main_paths *p, const struct findings *fs, int baseline_used)
{
	struct outfile of;
	int rc;

	if (!p->output) {
		errno = 0;
		main_write(stdout, o, fs, baseline_used, emit_color_wanted(o->color, STDOUT_FILENO));
		return main_stdout_done(errno);
	}
	rc = outfile_open(&of, p->output);
	if (rc == 0) {
		main_write(of.f, o, fs, baseline_used, o->color == EMIT_COLOR_ALWAYS);
		rc = outfile_commit(&of);
	}
	if (rc) {
		fprintf(stderr, "v6scan: writing %s: %s\n", o->output, strerror(-rc));
		return EXIT_IO;
	}
	return 0;
}

static int main_status(const struct cli_opts *o, const struct findings *fs)
{
	if (fs->failed_count)
		return EXIT_INCOMPLETE;
	if (o->fail_never)
		return EXIT_CLEAN;
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *f = &fs->items[i];
		if (!f->suppressed && !f->baselined && f->level >= o->fail_on &&
		    findings_confidence(f) >= o->min_confidence)
			return EXIT_FINDINGS;
	}
	return EXIT_CLEAN;
}

/* --export-fixes and --fix, after the report: 0, EXIT_IO (a file could
 * not be written or was refused) or EXIT_USAGE (out of memory). */
static int main_fixes(const struct cli_opts *o, const struct main_paths *p, const struct findings *fs, const char *root,
		      const struct timespec *since)
{
	int rc;

	if (o->export_fixes) {
		rc = fixout_export_file(p->export_fixes, fs, root);
		if (rc) {
			fprintf(stderr, "v6scan: writing %s: %s\n", o->export_fixes, strerror(-rc));
			return EXIT_IO;
		}
	}
	if (!o->fix)
		return 0;
	struct fixout_result res;
	rc = fixout_apply(fs, root, since, &res);
	if (rc) {
		fprintf(stderr, "v6scan: --fix: %s\n", strerror(-rc));
		return EXIT_USAGE;
	}
	fprintf(stderr, "v6scan: --fix: applied %zu fix-it%s in %zu file%s%s\n", res.fixes, res.fixes == 1 ? "" : "s",
		res.files, res.files == 1 ? "" : "s", res.refused ? "; some files were left unchanged" : "");
	return res.refused ? EXIT_IO : 0;
}

/* Normalise, suppress, fingerprint, baseline: shared by scan and merge. */
static int main_finish(const struct cli_opts *o, const struct main_paths *p, struct findings *fs, const char *root,
		       int apply_suppressions, const char *baseline_what)
{
	char err[256];
	int rc;

	findings_normalise(fs);
	if (apply_suppressions && suppress_apply(fs, root) < 0)
		return -ENOMEM;
	/* a merge carries the snippets of its reports */
	if (apply_suppressions && source_annotate(fs, root) < 0)
		return -ENOMEM;
	rc = baseline_fingerprint_all(fs);
	if (rc)
		return rc;
	if (o->baseline) {
		rc = baseline_apply(p->baseline, fs, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "v6scan: %s %s: %s\n", baseline_what, o->baseline, err);
			return rc;
		}
	}
	return o->runtime ? runtime_join(p->runtime, o->runtime, fs, root) : 0;
}

/* The root when --root is not given (jobs_default_root): of the paths given
 * on the command line, else of the files of the compilation database.
 * Returns 0 or -ENOMEM. */
static int main_default_root(const struct cli_opts *o, const struct joblist *jobs, char **root)
{
	size_t n = o->ninputs ? o->ninputs : jobs->count;
	char **sources = calloc(n + 1, sizeof(*sources));
	int rc = 0;

	if (!sources)
		return -ENOMEM;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sources[i] = o->ninputs ? realpath(o->inputs[i], NULL) : strdup(jobs->items[i].file);
		if (!sources[i])
			rc = -ENOMEM; /* the inputs exist: jobs_collect resolved them */
	}
	if (rc == 0)
		rc = jobs_default_root(sources, n, root);
	for (size_t i = 0; i < n; i++)
		free(sources[i]);
	free(sources);
	return rc == -EINVAL ? -ENOMEM : rc;
}

/* What a scan is of: the root (--root, else main_default_root), the
 * compilation database (-p) and the files to parse, each found the way
 * the scan does (jobs.h, discover.h). Returns 0, EXIT_USAGE (a message on
 * stderr) or -ENOMEM. */
static int main_locate(const struct cli_opts *o, struct joblist *db, struct joblist *jobs, char **root)
{
	const char *bad = NULL;
	int rc;

	if (o->root) {
		*root = realpath(o->root, NULL);
		if (!*root) {
			fprintf(stderr, "v6scan: --root %s: %s\n", o->root, strerror(errno));
			return EXIT_USAGE;
		}
	}
	/* an input outside the root would be parsed and never reported on:
	 * refuse it rather than print a clean result */
	for (size_t i = 0; *root && i < o->ninputs; i++) {
		char *real = realpath(o->inputs[i], NULL);
		int inside = real && (strcmp(real, *root) == 0 || strcmp(*root, "/") == 0 || jobs_below(real, *root));
		free(real);
		if (real && !inside) {
			fprintf(stderr,
				"v6scan: %s is outside the project root %s: nothing in it would be "
				"reported (set --root)\n",
				o->inputs[i], *root);
			return EXIT_USAGE;
		}
	}
	if (o->build_dir) {
		char err[320];
		rc = compdb_load(o->build_dir, db, err, sizeof(err));
		if (rc == -ENOENT) {
			fprintf(stderr,
				"v6scan: -p %s: no readable compile_commands.json there (CMake writes it "
				"with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)\n",
				o->build_dir);
			return EXIT_USAGE;
		}
		if (rc == -ENOMEM)
			return rc;
		if (rc) {
			fprintf(stderr,
				"v6scan: -p %s: %s/compile_commands.json: not a valid compilation database: "
				"%s\n",
				o->build_dir, o->build_dir, err);
			return EXIT_USAGE;
		}
	}
	rc = jobs_collect(jobs, db, o->inputs, o->ninputs, &bad);
	if (rc == -ENOENT) {
		fprintf(stderr, "v6scan: %s: no such file or directory\n", bad);
		return EXIT_USAGE;
	}
	if (rc)
		return -ENOMEM;
	if (!o->build_dir) {
		char err[PATH_MAX + 400];
		struct discover_result found;
		rc = discover_apply(jobs, &found, err, sizeof(err));
		if (rc == -EINVAL) {
			fprintf(stderr, "v6scan: %s (found above the sources; give -p BUILD_DIR to use another)\n",
				err);
			return EXIT_USAGE;
		}
		if (rc)
			return -ENOMEM;
		for (size_t i = 0; i < found.count; i++)
			fprintf(stderr,
				"v6scan: using the compilation database %s/compile_commands.json for %zu "
				"file%s\n",
				strcmp(found.used[i].dir, "/") == 0 ? "" : found.used[i].dir, found.used[i].files,
				found.used[i].files == 1 ? "" : "s");
		discover_free(&found);
	}
	if (jobs->count == 0) {
		fprintf(stderr, "v6scan: nothing to scan: %s\n",
			o->build_dir && o->ninputs
				? "no entry of the compilation database and no .c or .h file is below the given paths"
				: "no .c or .h file in the given paths");
		return EXIT_USAGE;
	}
	return *root ? 0 : main_default_root(o, jobs, root);
}

/* --dump-config: the configuration sc on standard output, or in the file of
 * the command line's -o (replaced whole or not at all, outfile.h).
 * EXIT_CLEAN; EXIT_USAGE when it cannot be written as a .v6scan
 * (scanconf_dump); EXIT_IO when it cannot be written at all. */
static int main_dump(const struct scanconf *sc, const struct cli_opts *cli, const char *root, const int *enabled)
{
	struct outfile of;
	FILE *out = stdout;
	int rc;

	if (cli->output) {
		rc = outfile_open(&of, cli->output);
		if (rc) {
			fprintf(stderr, "v6scan: writing %s: %s\n", cli->output, strerror(-rc));
			return EXIT_IO;
		}
		out = of.f;
	}
	errno = 0;
	rc = scanconf_dump(out, sc, cli, root, enabled);
	if (rc) {
		if (cli->output)
			outfile_abort(&of);
		if (rc == -ENOMEM)
			fprintf(stderr, "v6scan: out of memory\n");
		return EXIT_USAGE;
	}
	if (cli->output) {
		rc = outfile_commit(&of);
		if (rc)
			fprintf(stderr, "v6scan: writing %s: %s\n", cli->output, strerror(-rc));
		return rc ? EXIT_IO : EXIT_CLEAN;
	}
	return main_stdout_done(errno);
}

static int main_scan(const struct cli_opts *cli)
{
	const struct cli_opts *o = cli;
	struct scanconf sc;
	size_t nall;
	const struct v6scan_check *const *all = registry_all(&nall);
	const struct v6scan_check *enabled_checks[64];
	int enabled[64];
	size_t nenabled = 0;
	struct joblist db = { 0 }, jobs = { 0 };
	struct findings fs;
	struct main_paths paths;
	char resdir[PATH_MAX];
	char *root = NULL;
	int status = EXIT_USAGE, rc;

	findings_init(&fs);
	memset(&paths, 0, sizeof(paths));
	memset(&sc, 0, sizeof(sc)); /* scanconf_free at out: before scanconf_load too */
	/* --dump-config without paths: the configuration found from --root or
	 * the current directory, as --list-checks finds it */
	if (o->dump_config && !o->ninputs && !o->build_dir) {
		root = realpath(o->root ? o->root : ".", NULL);
		rc = root ? 0 : EXIT_USAGE;
		if (!root)
			fprintf(stderr, "v6scan: --root %s: %s\n", o->root ? o->root : ".", strerror(errno));
	} else {
		rc = main_locate(o, &db, &jobs, &root);
	}
	if (rc == -ENOMEM)
		goto nomem;
	if (rc)
		goto out;
	if (scanconf_load(cli, root, &sc))
		goto out;
	o = &sc.eff;
	if (selection_apply(o->checks, sc.checks_what, enabled))
		goto out;
	if (o->dump_config) {
		status = main_dump(&sc, cli, root, enabled);
		goto out;
	}
	if (main_paths_resolve(o, &paths))
		goto out;
	for (size_t i = 0; i < nall; i++)
		if (enabled[i])
			enabled_checks[nenabled++] = all[i];
	/* the walker and the job list take "/" as "" (a root without its
	 * trailing '/'): every absolute path is below it */
	const char *iroot = strcmp(root, "/") == 0 ? "" : root;
	size_t found = jobs.count;
	rc = jobs_finish(&jobs, iroot, o->excludes, o->nexcludes, o->shard_k, o->shard_n);
	if (rc)
		goto nomem;
	if (jobs.dropped.outside)
		fprintf(stderr, "v6scan: %zu file%s outside --root %s not scanned\n", jobs.dropped.outside,
			jobs.dropped.outside == 1 ? "" : "s", root);
	if (jobs.count == 0 && jobs.dropped.sharded == 0) {
		/* never a silent zero: a CI job must not go green having
		 * scanned nothing */
		fprintf(stderr,
			"v6scan: nothing to scan: of %zu file%s, %zu %s outside --root %s and %zu "
			"matched --exclude\n",
			found, found == 1 ? "" : "s", jobs.dropped.outside, jobs.dropped.outside == 1 ? "is" : "are",
			root, jobs.dropped.excluded);
		goto out;
	}

	struct parse_opts popts = {
		.resource_dir = resdir_detect(resdir, sizeof(resdir)),
		.extra_before = o->extra_before,
		.nextra_before = o->nextra_before,
		.extra = o->extra,
		.nextra = o->nextra,
		.quiet = o->quiet,
	};
	struct walk_config wcfg = {
		.root = iroot, .checks = enabled_checks, .nchecks = nenabled, .inactive = o->inactive
	};
	struct workers_setup ws = { .parse = &popts,
				    .walk = &wcfg,
				    .njobs = o->jobs,
				    .file_timeout = o->file_timeout,
				    .progress = isatty(STDERR_FILENO) };
	/* --fix refuses a file modified after this: its offsets are stale */
	struct timespec started;
	clock_gettime(CLOCK_REALTIME_COARSE, &started);
	rc = workers_run(&jobs, &ws, &fs);
	if (rc) {
		fprintf(stderr, "v6scan: running the scan failed: %s\n", strerror(-rc));
		goto out;
	}
	fs.root = strdup(root);
	if (!fs.root || scanconf_apply(&sc, &jobs, &fs))
		goto nomem;
	rc = main_finish(o, &paths, &fs, iroot, 1, sc.baseline_what);
	if (rc == -ENOMEM)
		goto nomem;
	if (rc)
		goto out;
	if (o->write_baseline) {
		size_t written = 0;
		rc = baseline_write(paths.write_baseline, &fs);
		if (rc) {
			fprintf(stderr, "v6scan: writing %s: %s\n", o->write_baseline, strerror(-rc));
			status = EXIT_IO;
			goto out;
		}
		for (size_t i = 0; i < fs.count; i++)
			written += !fs.items[i].suppressed;
		fprintf(stderr, "v6scan: wrote %zu finding%s to %s\n", written, written == 1 ? "" : "s",
			o->write_baseline);
	}
	/* writing a baseline is the task: a report only when -o asks for one */
	status = o->write_baseline && !o->output ? 0 : main_emit(o, &paths, &fs, o->baseline != NULL);
	if (status)
		goto out;
	emit_summary(stderr, &fs);
	for (size_t i = 0; i < fs.failed_count; i++)
		fprintf(stderr, "v6scan: not fully analysed: %s\n", fs.failed[i].path);
	status = main_fixes(o, &paths, &fs, root, &started);
	if (status)
		goto out;
	status = main_status(o, &fs);
	if (o->write_baseline && status == EXIT_FINDINGS)
		status = EXIT_CLEAN;
	goto out;
nomem:
	fprintf(stderr, "v6scan: out of memory\n");
	status = EXIT_USAGE;
out:
	findings_free(&fs);
	jobs_free(&db);
	jobs_free(&jobs);
	main_paths_free(&paths);
	scanconf_free(&sc);
	free(root);
	return status;
}

static int main_merge(const struct cli_opts *o)
{
	struct findings fs;
	struct main_paths paths;
	int baseline_used = 0, status = EXIT_USAGE;
	char err[256];

	findings_init(&fs);
	if (main_paths_resolve(o, &paths))
		goto out;
	for (size_t i = 0; i < o->ninputs; i++) {
		int rc = load_report_file(o->inputs[i], &fs, &baseline_used, err, sizeof(err));
		if (rc == -ENOMEM)
			snprintf(err, sizeof(err), "%s", strerror(ENOMEM));
		if (rc) {
			fprintf(stderr, "v6scan: merge: %s: %s\n", o->inputs[i], err);
			goto out;
		}
	}
	/* shards were suppressed and baselined already; only re-normalise and
	 * re-fingerprint (a header seen by two shards is one finding) */
	findings_normalise(&fs);
	if (baseline_fingerprint_all(&fs))
		goto out;
	status = main_emit(o, &paths, &fs, baseline_used);
	if (status)
		goto out;
	emit_summary(stderr, &fs);
	status = main_status(o, &fs);
out:
	findings_free(&fs);
	main_paths_free(&paths);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	int status;

	/* a reader that went away, or a file size limit, is an error to report
	 * (EPIPE, EFBIG), not a signal that kills the scan half-way */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	cli_parse(argc, argv, &o);
	switch (o.action) {
	case CLI_HELP:
		cli_usage(stdout);
		status = EXIT_CLEAN;
		break;
	case CLI_VERSION:
		printf("v6scan %s\n", V6KIT_VERSION);
		status = EXIT_CLEAN;
		break;
	case CLI_LIST: status = main_list(&o); break;
	case CLI_EXPLAIN: status = main_explain(o.explain); break;
	case CLI_MERGE: status = main_merge(&o); break;
	case CLI_SCAN: status = main_scan(&o); break;
	default: status = EXIT_USAGE;
	}
	/* --help, --list-checks, --explain, --version print to stdout too */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE && status != EXIT_IO)
			fprintf(stderr, "v6scan: writing standard output: %s\n", strerror(errno ? errno : EIO));
		status = EXIT_IO;
	}
	cli_free(&o);
	return status;
}
