/* workers — see workers.h. */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit.h"
#include "json_read.h"
#include "json_write.h"
#include "load.h"

/* The shared job counter must work across processes without a lock. */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "atomic_size_t must be lock-free to live in shared memory");

/* Absolute real paths of project headers included by parsed files. */
struct workers_covered {
	char **paths;
	size_t count;
	const char *root;
	int err;
};

static int workers_covered_has(const struct workers_covered *c, const char *path)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->paths[i], path) == 0)
			return 1;
	return 0;
}

static int workers_covered_add(struct workers_covered *c, const char *path)
{
	if (workers_covered_has(c, path))
		return 0;
	char **np = reallocarray(c->paths, c->count + 1, sizeof(*np));
	if (!np)
		return -ENOMEM;
	c->paths = np;
	np[c->count] = strdup(path);
	if (!np[c->count])
		return -ENOMEM;
	c->count++;
	return 0;
}

static void workers_covered_free(struct workers_covered *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->paths[i]);
	free(c->paths);
	c->paths = NULL;
	c->count = 0;
}

static void workers_inclusion(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
	struct workers_covered *c = data;

	if (depth == 0 || c->err)
		return; /* depth 0 is the main file itself */
	CXString name = clang_getFileName(included);
	char *real = realpath(clang_getCString(name), NULL);
	clang_disposeString(name);
	if (!real)
		return;
	size_t rl = strlen(c->root);
	if (strncmp(real, c->root, rl) == 0 && real[rl] == '/')
		c->err = workers_covered_add(c, real);
	free(real);
}

/* Parses and walks one job into fs (counters and failed list included) and
 * adds the project headers it included to cov. */
static int workers_scan_one(CXIndex idx, const struct job *job, const struct workers_setup *s,
			    struct findings *fs, struct workers_covered *cov)
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
		if (rc == 0) {
			clang_getInclusions(tu, workers_inclusion, cov);
			rc = cov->err;
		}
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

static int workers_inline(const struct job *const *jobs, size_t n, const struct workers_setup *s,
			  struct findings *out, struct workers_covered *cov)
{
	/* libclang's driver applies -working-directory with chdir(2) and leaves
	 * the process there: come back after each file, so that nothing after
	 * a parse depends on the directory of the last job */
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CXIndex idx;
	int rc = 0;

	if (cwd < 0)
		return -errno;
	idx = clang_createIndex(0, 0);
	for (size_t i = 0; i < n && rc == 0; i++) {
		workers_progress(s, i, n, jobs[i]->relpath);
		rc = workers_scan_one(idx, jobs[i], s, out, cov);
		if (rc == 0 && fchdir(cwd) != 0)
			rc = -errno;
	}
	workers_progress(s, n, n, NULL);
	clang_disposeIndex(idx);
	close(cwd);
	return rc;
}

/* The body of worker w: takes the next job index from the shared counter
 * until none is left; never returns. */
static void workers_child(const struct job *const *jobs, size_t n, const struct workers_setup *s, unsigned w,
			  atomic_size_t *next, FILE *res, int progress_fd)
{
	CXIndex idx = clang_createIndex(0, 0);
	struct emit_info info = { .compact = 1, .lossless = 1 };
	size_t i;

	while ((i = atomic_fetch_add(next, 1)) < n) {
		struct findings one;
		struct workers_covered cov = { .root = s->walk->root };
		findings_init(&one);
		if (workers_scan_one(idx, jobs[i], s, &one, &cov)) {
			fprintf(stderr, "v6scan: worker %u: out of memory\n", w);
			_exit(1);
		}
		/* one line per file: what is flushed survives a later crash */
		fprintf(res, "{\"job\": %zu, \"covered\": [", i);
		for (size_t c = 0; c < cov.count; c++) {
			if (c)
				fputs(", ", res);
			json_write_lossless(res, cov.paths[c]);
		}
		fputs("], \"report\": ", res);
		emit_json(res, &one, &info);
		fputs("}\n", res);
		fflush(res);
		findings_free(&one);
		workers_covered_free(&cov);
		if (write(progress_fd, "", 1) < 0) {
			/* the parent is gone or not listening: keep scanning */
		}
	}
	clang_disposeIndex(idx);
	_exit(fflush(res) == 0 ? 0 : 1);
}

/* Reads a worker's result file into out and cov; marks which jobs reported
 * in seen[]. */
static int workers_collect(FILE *res, size_t n, unsigned w, char *seen, struct findings *out,
			   struct workers_covered *cov)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	rewind(res);
	while (rc == 0 && (len = getline(&line, &cap, res)) > 0) {
		json_t *doc = NULL, *covered = NULL, *report = NULL;
		json_int_t job = -1;
		char err[256];
		int baseline_used = 0;
		if (json_read_buffer(line, (size_t)len, &doc, err, sizeof(err)) != 0)
			break; /* a torn last line from a crashed worker */
		rc = json_read_int(doc, "", "job", 1, 0, (json_int_t)n - 1, &job, err, sizeof(err));
		if (rc == 0 && seen[job]) {
			snprintf(err, sizeof(err), "job %lld reported twice", (long long)job);
			rc = -EINVAL;
		}
		if (rc == 0)
			rc = json_read_array(doc, "", "covered", 1, &covered, err, sizeof(err));
		if (rc == 0)
			rc = json_read_object(doc, "", "report", 1, &report, err, sizeof(err));
		if (rc == 0)
			rc = load_report(report, out, &baseline_used, LOAD_LOSSLESS, err, sizeof(err));
		for (size_t k = 0; rc == 0 && k < json_array_size(covered); k++) {
			const char *p = json_string_value(json_array_get(covered, k));
			char *dec = NULL;
			rc = p ? json_read_unescape(p, &dec) : -EINVAL;
			if (rc == 0)
				rc = workers_covered_add(cov, dec);
			else
				snprintf(err, sizeof(err), "covered[%zu]: not an encoded path", k);
			free(dec);
		}
		if (rc && rc != -ENOMEM)
			fprintf(stderr, "v6scan: worker %u result: %s\n", w, err);
		if (rc == 0)
			seen[job] = 1;
		json_decref(doc);
	}
	free(line);
	return rc;
}

static int workers_forked(const struct job *const *jobs, size_t n, const struct workers_setup *s,
			  unsigned nw, struct findings *out, struct workers_covered *cov)
{
	pid_t *pids = calloc(nw, sizeof(*pids));
	FILE **res = calloc(nw, sizeof(*res));
	char *seen = calloc(n, 1);
	/* the next job index, shared by the workers (dynamic balancing) */
	atomic_size_t *next = mmap(NULL, sizeof(*next), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pfd[2];
	int rc = 0;

	if (next == MAP_FAILED) {
		next = NULL;
		rc = -errno;
		goto out;
	}
	atomic_init(next, 0);
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
	for (unsigned w = 0; w < nw; w++) {
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
			workers_child(jobs, n, s, w, next, res[w], pfd[1]);
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
		workers_progress(s, done, n, "");
	}
	workers_progress(s, n, n, NULL);
	close(pfd[0]);
	for (unsigned w = 0; w < nw; w++) {
		int status;
		if (pids[w] <= 0)
			continue;
		while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status))
			fprintf(stderr, "v6scan: worker %u killed by signal %d; its unfinished files count as "
				"not parsed\n", w, WTERMSIG(status));
	}
	for (unsigned w = 0; w < nw && rc == 0; w++)
		if (res[w])
			rc = workers_collect(res[w], n, w, seen, out, cov);
	/* files no worker reported on (crash, or a worker never started) */
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (seen[i])
			continue;
		out->files_total++;
		rc = findings_add_failed(out, jobs[i]->relpath);
	}
out:
	for (unsigned w = 0; res && w < nw; w++)
		if (res[w])
			fclose(res[w]);
	if (next)
		munmap(next, sizeof(*next));
	free(pids);
	free(res);
	free(seen);
	return rc;
}

static int workers_phase(const struct job *const *jobs, size_t n, const struct workers_setup *s,
			 struct findings *out, struct workers_covered *cov)
{
	unsigned nw = s->njobs;

	if (n == 0)
		return 0;
	if (nw > n)
		nw = (unsigned)n;
	if (nw <= 1)
		return workers_inline(jobs, n, s, out, cov);
	return workers_forked(jobs, n, s, nw, out, cov);
}

static int workers_is_header(const struct job *j)
{
	size_t l = strlen(j->file);

	return l > 2 && strcmp(j->file + l - 2, ".h") == 0;
}

int workers_run(const struct joblist *jl, const struct workers_setup *s, struct findings *out)
{
	const struct job **sources = calloc(jl->count + 1, sizeof(*sources));
	const struct job **headers = calloc(jl->count + 1, sizeof(*headers));
	struct workers_covered cov = { .root = s->walk->root };
	size_t ns = 0, nh = 0;
	int rc;

	if (!sources || !headers) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < jl->count; i++) {
		if (workers_is_header(&jl->items[i]))
			continue;
		sources[ns++] = &jl->items[i];
	}
	rc = workers_phase(sources, ns, s, out, &cov);
	if (rc)
		goto out;
	for (size_t i = 0; i < jl->count; i++)
		if (workers_is_header(&jl->items[i]) && !workers_covered_has(&cov, jl->items[i].file))
			headers[nh++] = &jl->items[i];
	rc = workers_phase(headers, nh, s, out, &cov);
out:
	workers_covered_free(&cov);
	free(sources);
	free(headers);
	return rc;
}
