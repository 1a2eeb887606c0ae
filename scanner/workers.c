/* workers — see workers.h. */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit.h"
#include "json.h"
#include "load.h"

/* Parses and walks one job into fs (counters and failed list included). */
static int workers_scan_one(CXIndex idx, const struct job *job, const struct workers_setup *s,
			    struct findings *fs)
{
	CXTranslationUnit tu = NULL;
	int clean = 0;
	int rc = parse_job(idx, job, s->parse, &tu, &clean);

	fs->files_total++;
	fs->default_flags |= job->defaults;
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0) {
		rc = walk_tu(tu, s->walk, fs);
		clang_disposeTranslationUnit(tu);
		if (rc)
			return rc;
	}
	if (rc == 0 && clean)
		fs->files_parsed++;
	else if (findings_add_failed(fs, job->relpath))
		return -ENOMEM;
	return 0;
}

static void workers_progress(const struct workers_setup *s, size_t done, size_t total, const char *what)
{
	if (!s->progress)
		return;
	if (done >= total)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r\033[Kv6scan: [%zu/%zu] %s", done, total, what ? what : "");
	fflush(stderr);
}

static int workers_inline(const struct joblist *jl, const struct workers_setup *s, struct findings *out)
{
	CXIndex idx = clang_createIndex(0, 0);
	int rc = 0;

	for (size_t i = 0; i < jl->count && rc == 0; i++) {
		workers_progress(s, i, jl->count, jl->items[i].relpath);
		rc = workers_scan_one(idx, &jl->items[i], s, out);
	}
	workers_progress(s, jl->count, jl->count, NULL);
	clang_disposeIndex(idx);
	return rc;
}

/* The body of worker w: never returns. */
static void workers_child(const struct joblist *jl, const struct workers_setup *s, unsigned w, FILE *res,
			  int progress_fd)
{
	CXIndex idx = clang_createIndex(0, 0);
	struct emit_info info = { .compact = 1 };

	for (size_t i = w; i < jl->count; i += s->njobs) {
		struct findings one;
		findings_init(&one);
		if (workers_scan_one(idx, &jl->items[i], s, &one)) {
			fprintf(stderr, "v6scan: worker %u: out of memory\n", w);
			_exit(1);
		}
		/* one line per file: what is flushed survives a later crash */
		emit_json(res, &one, &info);
		fflush(res);
		findings_free(&one);
		if (write(progress_fd, "", 1) < 0) {
			/* the parent is gone or not listening: keep scanning */
		}
	}
	clang_disposeIndex(idx);
	_exit(fflush(res) == 0 ? 0 : 1);
}

/* Reads a worker's result file (one JSON report per line) into out; marks
 * which jobs reported in seen[]. */
static int workers_collect(FILE *res, const struct joblist *jl, unsigned w, unsigned n, char *seen,
			   struct findings *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	size_t i = w;
	int rc = 0;

	rewind(res);
	while (rc == 0 && (len = getline(&line, &cap, res)) > 0 && i < jl->count) {
		struct json_value *doc = NULL;
		char err[256];
		int baseline_used = 0;
		if (json_parse(line, (size_t)len, &doc, err, sizeof(err)) != 0)
			break; /* a torn last line from a crashed worker */
		rc = load_report(doc, out, &baseline_used, err, sizeof(err));
		json_free(doc);
		if (rc)
			fprintf(stderr, "v6scan: worker %u result: %s\n", w, err);
		seen[i] = 1;
		i += n;
	}
	free(line);
	return rc;
}

int workers_run(const struct joblist *jl, const struct workers_setup *s, struct findings *out)
{
	unsigned n = s->njobs;
	pid_t *pids;
	FILE **res;
	char *seen;
	int pfd[2];
	int rc = 0;

	if (n > jl->count)
		n = jl->count ? (unsigned)jl->count : 1;
	if (n <= 1)
		return workers_inline(jl, s, out);
	struct workers_setup sn = *s;
	sn.njobs = n;
	pids = calloc(n, sizeof(*pids));
	res = calloc(n, sizeof(*res));
	seen = calloc(jl->count, 1);
	if (!pids || !res || !seen) {
		rc = -ENOMEM;
		goto out;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		rc = -errno;
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	for (unsigned w = 0; w < n; w++) {
		res[w] = tmpfile();
		if (!res[w]) {
			rc = -errno;
			break;
		}
		pids[w] = fork();
		if (pids[w] < 0) {
			rc = -errno;
			break;
		}
		if (pids[w] == 0) {
			close(pfd[0]);
			workers_child(jl, &sn, w, res[w], pfd[1]);
		}
	}
	close(pfd[1]);
	/* progress: one byte per finished file, EOF when every worker exited */
	size_t done = 0;
	char buf[64];
	ssize_t got;
	while ((got = read(pfd[0], buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += (size_t)got;
		workers_progress(s, done, jl->count, "");
	}
	workers_progress(s, jl->count, jl->count, NULL);
	close(pfd[0]);
	for (unsigned w = 0; w < n; w++) {
		int status;
		if (pids[w] <= 0)
			continue;
		while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status))
			fprintf(stderr, "v6scan: worker %u killed by signal %d; its unfinished files count as "
				"not parsed\n", w, WTERMSIG(status));
	}
	for (unsigned w = 0; w < n && rc == 0; w++)
		if (res[w])
			rc = workers_collect(res[w], jl, w, n, seen, out);
	/* files no worker reported on (crash, or a worker never started) */
	for (size_t i = 0; i < jl->count && rc == 0; i++) {
		if (seen[i])
			continue;
		out->files_total++;
		rc = findings_add_failed(out, jl->items[i].relpath);
	}
out:
	for (unsigned w = 0; res && w < n; w++)
		if (res[w])
			fclose(res[w]);
	free(pids);
	free(res);
	free(seen);
	return rc;
}
