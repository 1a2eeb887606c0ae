/* runtime_sym — placing report-mode call sites in the source with
 * addr2line(1): runtime_symbolise of runtime.h. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Runs TOOL -f -e OBJECT ADDR... (addresses already minus one), and
 * returns its standard output in *outbuf (NUL-terminated), or NULL when it
 * cannot run or fails. */
static int runtime_addr2line(const char *tool, const char *object, char **addrs, size_t n, char **outbuf)
{
	*outbuf = NULL;
	char **argv = calloc(n + 5, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	argv[0] = (char *)tool;
	argv[1] = "-f";
	argv[2] = "-e";
	argv[3] = (char *)object;
	memcpy(argv + 4, addrs, n * sizeof(*argv));
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		free(argv);
		return 0;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int sp = posix_spawnp(&pid, tool, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	close(pfd[1]);
	if (sp != 0) {
		close(pfd[0]);
		return 0;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int rc = buf ? 0 : -ENOMEM;
	for (;;) {
		if (buf && len + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = -ENOMEM;
				free(buf);
				buf = NULL;
			} else {
				buf = nb;
				cap *= 2;
			}
		}
		char sink[4096];
		ssize_t r = buf ? read(pfd[0], buf + len, cap - 1 - len) : read(pfd[0], sink, sizeof(sink));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (buf)
			len += (size_t)r;
	}
	close(pfd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		buf[len] = '\0';
		*outbuf = buf;
	} else {
		free(buf);
	}
	return rc;
}

/* Places site S from addr2line's two lines: function, then file:line
 * (maybe followed by " (discriminator N)"). */
static int runtime_place(struct runtime_site *s, const char *func, char *where)
{
	char *disc = strstr(where, " (discriminator");
	if (disc)
		*disc = '\0';
	char *colon = strrchr(where, ':');
	if (func[0] && strcmp(func, "??") != 0) {
		free(s->function);
		if (!(s->function = strdup(func)))
			return -ENOMEM;
		s->how = RUNTIME_BY_FUNCTION;
	}
	if (!colon || colon == where)
		return 0;
	*colon = '\0';
	char *end;
	unsigned long line = strtoul(colon + 1, &end, 10);
	if (*end || line == 0 || line > UINT_MAX || strcmp(where, "??") == 0)
		return 0;
	char real[PATH_MAX];
	s->file = strdup(realpath(where, real) ? real : where);
	if (!s->file)
		return -ENOMEM;
	s->line = (unsigned)line;
	s->how = RUNTIME_BY_LINE;
	return 1;
}

/* addr2line for the sites of one object, given as indices. */
static int runtime_symbolise_object(struct runtime *rt, const char *tool, const size_t *idx, size_t n)
{
	char **addrs = calloc(n, sizeof(*addrs));
	int placed = 0, rc = 0;
	if (!addrs)
		return -ENOMEM;
	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned long long a = rt->sites[idx[i]].address;
		if (asprintf(&addrs[i], "0x%llx", a ? a - 1 : a) < 0) {
			addrs[i] = NULL;
			rc = -ENOMEM;
		}
	}
	char *out = NULL;
	if (rc == 0)
		rc = runtime_addr2line(tool, rt->sites[idx[0]].object, addrs, n, &out);
	/* Two lines per address, in order. */
	char *p = out;
	for (size_t i = 0; rc >= 0 && p && i < n; i++) {
		char *func = p, *nl = strchr(func, '\n');
		if (!nl)
			break;
		*nl = '\0';
		char *where = nl + 1;
		nl = strchr(where, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
		int r = runtime_place(&rt->sites[idx[i]], func, where);
		if (r < 0)
			rc = r;
		placed += r > 0;
	}
	free(out);
	for (size_t i = 0; i < n; i++)
		free(addrs[i]);
	free(addrs);
	return rc < 0 ? rc : placed;
}

int runtime_symbolise(struct runtime *rt, const char *tool)
{
	if (!tool)
		tool = "addr2line";
	size_t *idx = calloc(rt->count ? rt->count : 1, sizeof(*idx));
	char *done = calloc(rt->count ? rt->count : 1, 1);
	int placed = 0, rc = 0;
	if (!idx || !done)
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < rt->count; i++) {
		if (done[i] || !rt->sites[i].object)
			continue;
		size_t n = 0;
		for (size_t j = i; j < rt->count; j++) {
			if (!done[j] && rt->sites[j].object && strcmp(rt->sites[j].object, rt->sites[i].object) == 0) {
				done[j] = 1;
				idx[n++] = j;
			}
		}
		/* In batches, so the command line stays well inside ARG_MAX. */
		for (size_t k = 0; rc == 0 && k < n; k += 256) {
			int r = runtime_symbolise_object(rt, tool, idx + k, n - k < 256 ? n - k : 256);
			if (r < 0)
				rc = r;
			else
				placed += r;
		}
	}
	free(idx);
	free(done);
	return rc < 0 ? rc : placed;
}
