/* workers — see workers.h. */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emit.h"
#include "json_read.h"
#include "json_write.h"
#include "load.h"
#include "scanfile.h"

/* The shared job counter must work across processes without a lock. */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "atomic_size_t must be lock-free to live in shared memory");

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

static int workers_inline(const struct job *const *jobs, size_t n, const struct workers_setup *s, struct findings *out,
			  struct scanfile_covered *cov)
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
		rc = scanfile_scan(idx, jobs[i], s->parse, s->walk, out, cov);
		if (rc == 0 && fchdir(cwd) != 0)
			rc = -errno;
	}
	workers_progress(s, n, n, NULL);
	clang_disposeIndex(idx);
	close(cwd);
	return rc;
}

/* A worker's message to the parent on its event pipe: 'S' it starts job,
 * 'D' it finished it (its result line is flushed). One write(2) of a few
 * bytes: atomic on a pipe. */
struct workers_event {
	char kind;
	size_t job;
};

static void workers_send(int fd, char kind, size_t job)
{
	struct workers_event ev;

	memset(&ev, 0, sizeof(ev)); /* the padding after kind too: all of it is written */
	ev.kind = kind;
	ev.job = job;
	if (write(fd, &ev, sizeof(ev)) < 0) {
		/* the parent is gone or stopped listening: keep scanning */
	}
}

/* The body of worker w: takes the next job index from the shared counter
 * until none is left; never returns. */
static void workers_child(const struct job *const *jobs, size_t n, const struct workers_setup *s, unsigned w,
			  atomic_size_t *next, FILE *res, int evfd)
{
	CXIndex idx = clang_createIndex(0, 0);
	struct emit_info info = { .compact = 1, .lossless = 1 };
	size_t i;

	while ((i = atomic_fetch_add(next, 1)) < n) {
		struct findings one;
		struct scanfile_covered cov = { .root = s->walk->root };
		findings_init(&one);
		workers_send(evfd, 'S', i);
		if (scanfile_scan(idx, jobs[i], s->parse, s->walk, &one, &cov)) {
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
		scanfile_covered_free(&cov);
		workers_send(evfd, 'D', i);
	}
	clang_disposeIndex(idx);
	_exit(fflush(res) == 0 ? 0 : 1);
}

/* Reads a worker's result file into out and cov; marks which jobs reported
 * in seen[]. */
static int workers_collect(FILE *res, size_t n, unsigned w, char *seen, struct findings *out,
			   struct scanfile_covered *cov)
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
				rc = scanfile_covered_add(cov, dec);
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

/* Why a job has no result: the worker holding it was stopped for the time
 * limit, or died of a signal (libclang crashed). */
enum { WORKERS_LOST_NONE, WORKERS_LOST_TIMEOUT, WORKERS_LOST_SIGNAL };

#define WORKERS_IDLE SIZE_MAX

/* One worker slot: the process in it, its event pipe, the job in hand. */
struct workers_slot {
	pid_t pid;               /* 0: empty */
	int evfd;                /* read end of its event pipe, -1: closed */
	size_t job;              /* WORKERS_IDLE or the job it started */
	struct timespec started; /* when the parent heard of that start */
	int killed;              /* 1: stopped by the parent for the time limit */
};

/* The state of one forked phase, shared by its helpers. */
struct workers_pool {
	const struct job *const *jobs;
	size_t n;
	const struct workers_setup *s;
	atomic_size_t *next; /* shared with the workers (MAP_SHARED) */
	struct workers_slot *slots;
	unsigned nslots;
	FILE **res; /* one result file per worker ever started */
	unsigned nres;
	char *lost;       /* per job: WORKERS_LOST_* */
	int *lost_signal; /* per job: the signal, for WORKERS_LOST_SIGNAL */
	size_t done;
};

static double workers_elapsed(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* Starts a worker in slot w with a new result file and event pipe. */
static int workers_spawn(struct workers_pool *p, unsigned w)
{
	struct workers_slot *sl = &p->slots[w];
	FILE **nres = reallocarray(p->res, p->nres + 1, sizeof(*nres));
	int efd[2];

	if (!nres)
		return -ENOMEM;
	p->res = nres;
	nres[p->nres] = tmpfile();
	if (!nres[p->nres])
		return -errno;
	p->nres++;
	if (pipe2(efd, O_CLOEXEC) != 0)
		return -errno;
	fflush(stdout);
	fflush(stderr);
	sl->pid = fork();
	if (sl->pid < 0) {
		int e = errno;
		sl->pid = 0;
		close(efd[0]);
		close(efd[1]);
		return -e;
	}
	if (sl->pid == 0) {
		close(efd[0]);
		workers_child(p->jobs, p->n, p->s, w, p->next, p->res[p->nres - 1], efd[1]);
	}
	close(efd[1]);
	sl->evfd = efd[0];
	sl->job = WORKERS_IDLE;
	sl->killed = 0;
	return 0;
}

/* Reads the events of slot w; at EOF (the worker exited or was killed)
 * reaps it, notes the job it lost and starts a successor while jobs are
 * left. */
static int workers_events(struct workers_pool *p, unsigned w)
{
	struct workers_slot *sl = &p->slots[w];
	struct workers_event ev[32];
	ssize_t got = read(sl->evfd, ev, sizeof(ev));
	int status;

	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	for (size_t k = 0; k < (size_t)got / sizeof(ev[0]); k++) {
		if (ev[k].job >= p->n)
			continue;
		if (ev[k].kind == 'S') {
			sl->job = ev[k].job;
			clock_gettime(CLOCK_MONOTONIC, &sl->started);
			workers_progress(p->s, p->done, p->n, p->jobs[sl->job]->relpath);
		} else {
			sl->job = WORKERS_IDLE;
			p->done++;
			workers_progress(p->s, p->done, p->n, "");
		}
	}
	if (got > 0)
		return 0;
	close(sl->evfd);
	sl->evfd = -1;
	while (waitpid(sl->pid, &status, 0) < 0 && errno == EINTR)
		;
	sl->pid = 0;
	if (sl->job != WORKERS_IDLE) {
		if (sl->killed) {
			p->lost[sl->job] = WORKERS_LOST_TIMEOUT;
		} else if (WIFSIGNALED(status)) {
			p->lost[sl->job] = WORKERS_LOST_SIGNAL;
			p->lost_signal[sl->job] = WTERMSIG(status);
		}
		p->done++;
	}
	if (atomic_load(p->next) < p->n)
		return workers_spawn(p, w);
	return 0;
}

/* Runs the workers until all exited: waits for events, and stops (SIGKILL)
 * a worker whose job has run for longer than the time limit. */
static int workers_supervise(struct workers_pool *p)
{
	unsigned limit = p->s->file_timeout;
	struct pollfd *fds = calloc(p->nslots, sizeof(*fds));
	unsigned *slot_of = calloc(p->nslots, sizeof(*slot_of));
	int rc = 0;

	if (!fds || !slot_of) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		nfds_t nfds = 0;
		int timeout_ms = -1;
		for (unsigned w = 0; w < p->nslots; w++) {
			struct workers_slot *sl = &p->slots[w];
			if (sl->evfd < 0)
				continue;
			if (limit && sl->job != WORKERS_IDLE && !sl->killed) {
				double left = (double)limit - workers_elapsed(&sl->started);
				int ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
				if (timeout_ms < 0 || ms < timeout_ms)
					timeout_ms = ms;
			}
			fds[nfds].fd = sl->evfd;
			fds[nfds].events = POLLIN;
			slot_of[nfds++] = w;
		}
		if (nfds == 0)
			break;
		int ready = poll(fds, nfds, timeout_ms);
		if (ready < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (nfds_t k = 0; ready > 0 && k < nfds && rc == 0; k++)
			if (fds[k].revents)
				rc = workers_events(p, slot_of[k]);
		if (rc)
			break;
		for (unsigned w = 0; limit && w < p->nslots; w++) {
			struct workers_slot *sl = &p->slots[w];
			if (sl->pid > 0 && sl->job != WORKERS_IDLE && !sl->killed &&
			    workers_elapsed(&sl->started) >= (double)limit) {
				/* its pipe reaches EOF once it is dead: reaped there */
				kill(sl->pid, SIGKILL);
				sl->killed = 1;
			}
		}
	}
out:
	/* on an error, stop what still runs */
	for (unsigned w = 0; w < p->nslots; w++) {
		struct workers_slot *sl = &p->slots[w];
		if (sl->pid > 0) {
			kill(sl->pid, SIGKILL);
			while (waitpid(sl->pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
		if (sl->evfd >= 0)
			close(sl->evfd);
		sl->pid = 0;
		sl->evfd = -1;
	}
	workers_progress(p->s, p->n, p->n, NULL);
	free(fds);
	free(slot_of);
	return rc;
}

/* Counts and names a job no worker reported on. */
static int workers_lost(const struct workers_pool *p, size_t i, struct findings *out)
{
	const struct job *j = p->jobs[i];
	char why[160] = "";

	if (p->lost[i] == WORKERS_LOST_TIMEOUT)
		snprintf(why, sizeof(why), "parsing took longer than %u s (--file-timeout); its worker was stopped",
			 p->s->file_timeout);
	else if (p->lost[i] == WORKERS_LOST_SIGNAL)
		snprintf(why, sizeof(why), "its worker was killed by signal %d", p->lost_signal[i]);
	if (why[0])
		fprintf(stderr, "v6scan: %s: not analysed: %s\n", j->relpath, why);
	out->files_total++;
	return findings_add_failed_why(out, j->relpath, why);
}

static int workers_forked(const struct job *const *jobs, size_t n, const struct workers_setup *s, unsigned nw,
			  struct findings *out, struct scanfile_covered *cov)
{
	struct workers_pool p = {
		.jobs = jobs,
		.n = n,
		.s = s,
		.nslots = nw,
		.slots = calloc(nw, sizeof(*p.slots)),
		.lost = calloc(n, 1),
		.lost_signal = calloc(n, sizeof(int)),
		/* the next job index, shared by the workers (dynamic balancing) */
		.next = mmap(NULL, sizeof(*p.next), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
	};
	char *seen = calloc(n, 1);
	int rc = 0;

	if (p.next == MAP_FAILED) {
		p.next = NULL;
		rc = -errno;
		goto out;
	}
	atomic_init(p.next, 0);
	if (!p.slots || !p.lost || !p.lost_signal || !seen) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned w = 0; w < nw; w++)
		p.slots[w].evfd = -1;
	for (unsigned w = 0; w < nw && rc == 0; w++)
		rc = workers_spawn(&p, w);
	/* even after a failed spawn: reap (and wait for) the ones started */
	int src = workers_supervise(&p);
	if (rc == 0)
		rc = src;
	for (unsigned r = 0; r < p.nres && rc == 0; r++)
		rc = workers_collect(p.res[r], n, r, seen, out, cov);
	/* files no worker reported on: stopped, crashed, or never started */
	for (size_t i = 0; i < n && rc == 0; i++)
		if (!seen[i])
			rc = workers_lost(&p, i, out);
out:
	for (unsigned r = 0; r < p.nres; r++)
		fclose(p.res[r]);
	if (p.next)
		munmap(p.next, sizeof(*p.next));
	free(p.res);
	free(p.slots);
	free(p.lost);
	free(p.lost_signal);
	free(seen);
	return rc;
}

static int workers_phase(const struct job *const *jobs, size_t n, const struct workers_setup *s, struct findings *out,
			 struct scanfile_covered *cov)
{
	unsigned nw = s->njobs;

	if (n == 0)
		return 0;
	if (nw > n)
		nw = (unsigned)n;
	/* in this process only without a time limit: libclang cannot be
	 * interrupted safely, so a limit needs a worker to stop */
	if (nw <= 1 && s->file_timeout == 0)
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
	struct scanfile_covered cov = { .root = s->walk->root };
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
		if (workers_is_header(&jl->items[i]) && !scanfile_covered_has(&cov, jl->items[i].file))
			headers[nh++] = &jl->items[i];
	rc = workers_phase(headers, nh, s, out, &cov);
out:
	scanfile_covered_free(&cov);
	free(sources);
	free(headers);
	return rc;
}
