/* runtime — see runtime.h. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_read.h"


/* Open-addressing index from a 64-bit hash to entry numbers (+1; 0 is
 * empty). The caller compares the entries; grows at half load. */
struct runtime_index {
	size_t *slot;
	size_t cap;
	size_t used;
};

static uint64_t runtime_hash_str(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h * 0x9e3779b97f4a7c15ULL;
}

static int runtime_index_grow(struct runtime_index *ix, uint64_t (*hash)(const void *, size_t), const void *ctx)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64;
	size_t *slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < ix->cap; i++) {
		if (!ix->slot[i])
			continue;
		size_t j = hash(ctx, ix->slot[i] - 1) & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = ix->slot[i];
	}
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

/* Indexes entry (0-based) of ctx, growing the index first when it would
 * pass half load. 0 or -ENOMEM. */
static int runtime_index_add(struct runtime_index *ix, uint64_t (*hash)(const void *, size_t), const void *ctx,
			     size_t entry)
{
	if ((ix->used + 1) * 2 > ix->cap && runtime_index_grow(ix, hash, ctx))
		return -ENOMEM;
	size_t j = hash(ctx, entry) & (ix->cap - 1);
	while (ix->slot[j])
		j = (j + 1) & (ix->cap - 1);
	ix->slot[j] = entry + 1;
	ix->used++;
	return 0;
}

/* arr (count used of *cap elements of size each) with room for one more:
 * arr itself, or its reallocation (the first holds `first`); NULL when out
 * of memory (arr is left as it was). */
static void *runtime_reserve(void *arr, size_t count, size_t *cap, size_t size, size_t first)
{
	if (count < *cap)
		return arr;
	size_t n = *cap ? *cap * 2 : first;
	void *a = reallocarray(arr, n, size);
	if (a)
		*cap = n;
	return a;
}

struct runtime_proc {
	long long pid, start;
	int exited;
	int calls; /* recorded a site */
};

/* What loading needs besides the result. */
struct runtime_load {
	struct runtime *rt;
	size_t site_cap;
	struct runtime_index sites;
	struct runtime_proc *procs;
	size_t nprocs, proc_cap;
	struct runtime_index procix;
	struct {
		size_t proc, site;
	} * seen; /* sites recorded by "site" lines */
	size_t nseen, seen_cap;
};

static uint64_t runtime_site_hash(const void *ctx, size_t i)
{
	const struct runtime_site *s = &((const struct runtime *)ctx)->sites[i];
	return runtime_hash_str(runtime_hash_str(s->address * 0x9e3779b97f4a7c15ULL, s->check), s->object);
}

static uint64_t runtime_proc_hash(const void *ctx, size_t i)
{
	const struct runtime_proc *p = &((const struct runtime_proc *)ctx)[i];
	return ((uint64_t)p->pid * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)p->start * 0xc2b2ae3d27d4eb4fULL);
}

static int runtime_streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int runtime_dup(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* The site (check, object, address), made when new. Index or -ENOMEM. */
static long runtime_site_get(struct runtime_load *ld, const char *check, const char *call, const char *object,
			     unsigned long long address, const char *symbol)
{
	struct runtime *rt = ld->rt;
	struct runtime_site key = { .check = (char *)check, .object = (char *)object, .address = address };
	struct runtime tmp = { .sites = &key };
	if (ld->sites.cap) {
		size_t j = runtime_site_hash(&tmp, 0) & (ld->sites.cap - 1);
		for (; ld->sites.slot[j]; j = (j + 1) & (ld->sites.cap - 1)) {
			struct runtime_site *s = &rt->sites[ld->sites.slot[j] - 1];
			if (s->address == address && runtime_streq(s->check, check) && runtime_streq(s->object, object))
				return (long)(ld->sites.slot[j] - 1);
		}
	}
	struct runtime_site *sites = runtime_reserve(rt->sites, rt->count, &ld->site_cap, sizeof(*sites), 32);
	if (!sites)
		return -ENOMEM;
	rt->sites = sites;
	struct runtime_site *s = &rt->sites[rt->count];
	memset(s, 0, sizeof(*s));
	s->address = address;
	if (runtime_dup(check, &s->check) || runtime_dup(call, &s->call) || runtime_dup(object, &s->object) ||
	    runtime_dup(symbol, &s->symbol))
		return -ENOMEM;
	rt->count++;
	if (runtime_index_add(&ld->sites, runtime_site_hash, rt, rt->count - 1))
		return -ENOMEM;
	return (long)(rt->count - 1);
}

/* The process (pid, start), made when new. Index or -ENOMEM. */
static long runtime_proc_get(struct runtime_load *ld, long long pid, long long start)
{
	struct runtime_proc key = { .pid = pid, .start = start };
	if (ld->procix.cap) {
		size_t j = runtime_proc_hash(&key, 0) & (ld->procix.cap - 1);
		for (; ld->procix.slot[j]; j = (j + 1) & (ld->procix.cap - 1)) {
			struct runtime_proc *p = &ld->procs[ld->procix.slot[j] - 1];
			if (p->pid == pid && p->start == start)
				return (long)(ld->procix.slot[j] - 1);
		}
	}
	struct runtime_proc *procs = runtime_reserve(ld->procs, ld->nprocs, &ld->proc_cap, sizeof(*procs), 16);
	if (!procs)
		return -ENOMEM;
	ld->procs = procs;
	ld->procs[ld->nprocs++] = key;
	if (runtime_index_add(&ld->procix, runtime_proc_hash, ld->procs, ld->nprocs - 1))
		return -ENOMEM;
	return (long)(ld->nprocs - 1);
}

/* A site object of a report line: its fields, or -EINVAL when one is
 * missing or of the wrong kind (the line is then skipped as bad). */
static int runtime_read_site(const json_t *o, const char **check, const char **call, const char **object,
			     unsigned long long *address, const char **symbol)
{
	char err[160];
	const char *addr = NULL;
	*object = *symbol = *call = NULL;
	if (json_read_str(o, "", "check", 1, check, err, sizeof(err)) ||
	    json_read_str(o, "", "call", 0, call, err, sizeof(err)) ||
	    json_read_str(o, "", "address", 1, &addr, err, sizeof(err)))
		return -EINVAL;
	json_t *v = json_object_get(o, "object");
	if (json_is_string(v))
		*object = json_string_value(v);
	v = json_object_get(o, "symbol");
	if (json_is_string(v))
		*symbol = json_string_value(v);
	char *end;
	errno = 0;
	*address = strtoull(addr, &end, 16);
	if (strncmp(addr, "0x", 2) != 0 || *end || errno)
		return -EINVAL;
	return 0;
}

static int runtime_seen_add(struct runtime_load *ld, size_t proc, size_t site)
{
	void *seen = runtime_reserve(ld->seen, ld->nseen, &ld->seen_cap, sizeof(*ld->seen), 64);
	if (!seen)
		return -ENOMEM;
	ld->seen = seen;
	ld->seen[ld->nseen].proc = proc;
	ld->seen[ld->nseen++].site = site;
	return 0;
}

/* One line of the report: 0 (read, or counted as bad), -ENOMEM. */
static int runtime_line(struct runtime_load *ld, const char *text, size_t len)
{
	char err[160];
	json_t *doc = NULL;
	json_int_t version = 0, pid = 0, start = 0;
	const char *kind = NULL;
	int rc = 0;
	if (json_read_buffer(text, len, &doc, err, sizeof(err)) || !json_is_object(doc) ||
	    json_read_int(doc, "", "v6shim_report", 1, 2, 2, &version, err, sizeof(err)) ||
	    json_read_str(doc, "", "kind", 1, &kind, err, sizeof(err)) ||
	    json_read_int(doc, "", "pid", 1, 0, INT64_MAX, &pid, err, sizeof(err)) ||
	    json_read_int(doc, "", "start", 1, 0, INT64_MAX, &start, err, sizeof(err)))
		goto bad;
	const char *check, *call, *object, *symbol;
	unsigned long long address;
	if (strcmp(kind, "site") == 0) {
		if (runtime_read_site(doc, &check, &call, &object, &address, &symbol))
			goto bad;
		long p = runtime_proc_get(ld, pid, start);
		long s = p < 0 ? p : runtime_site_get(ld, check, call, object, address, symbol);
		rc = s < 0 ? (int)s : runtime_seen_add(ld, (size_t)p, (size_t)s);
		if (rc == 0)
			ld->procs[p].calls = 1;
	} else if (strcmp(kind, "exit") == 0) {
		json_t *sites = NULL;
		if (json_read_array(doc, "", "sites", 1, &sites, err, sizeof(err)))
			goto bad;
		long p = runtime_proc_get(ld, pid, start);
		if (p < 0) {
			rc = (int)p;
			goto out;
		}
		ld->procs[p].exited = 1;
		size_t i;
		json_t *e;
		json_array_foreach(sites, i, e)
		{
			json_int_t count = 0;
			if (!json_is_object(e) || runtime_read_site(e, &check, &call, &object, &address, &symbol) ||
			    json_read_int(e, "", "count", 1, 0, INT64_MAX, &count, err, sizeof(err)))
				continue;
			long s = runtime_site_get(ld, check, call, object, address, symbol);
			if (s < 0) {
				rc = (int)s;
				goto out;
			}
			ld->rt->sites[s].hits += (unsigned long long)count;
			ld->procs[p].calls = 1;
		}
	} else {
		goto bad;
	}
	goto out;
bad:
	ld->rt->bad_lines++;
out:
	json_decref(doc);
	return rc;
}

/* Reads the regular file at path (at most max bytes) into *buf. */
static int runtime_slurp(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s", strerror(e));
		return -e;
	}
	struct stat st;
	int rc = 0;
	*buf = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		rc = -EINVAL;
	} else if ((unsigned long long)st.st_size > max) {
		snprintf(err, errlen, "larger than %zu MiB", max >> 20);
		rc = -EFBIG;
	} else if (!(*buf = malloc((size_t)st.st_size + 1))) {
		rc = -ENOMEM;
	}
	size_t got = 0;
	while (rc == 0) {
		ssize_t r = read(fd, *buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s", strerror(errno));
		}
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == (size_t)st.st_size)
			break;
	}
	close(fd);
	if (rc) {
		free(*buf);
		*buf = NULL;
		return rc;
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

int runtime_load(const char *path, struct runtime **out, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc = runtime_slurp(path, JSON_READ_MAX_REPORT, &text, &len, err, errlen);
	if (rc)
		return rc;
	struct runtime_load ld = { .rt = calloc(1, sizeof(struct runtime)) };
	size_t lines = 0;
	if (!ld.rt)
		rc = -ENOMEM;
	for (size_t at = 0; rc == 0 && at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end > at) {
			lines++;
			rc = runtime_line(&ld, text + at, end - at);
		}
		at = end + 1;
	}
	free(text);
	if (rc == 0) {
		ld.rt->processes = ld.nprocs;
		for (size_t i = 0; i < ld.nprocs; i++) {
			ld.rt->unfinished += !ld.procs[i].exited;
			ld.rt->calling += ld.procs[i].calls;
		}
		/* A process that never wrote its exit line ran each site it
		 * recorded at least once. */
		for (size_t i = 0; i < ld.nseen; i++)
			if (!ld.procs[ld.seen[i].proc].exited)
				ld.rt->sites[ld.seen[i].site].hits++;
		for (size_t i = 0; i < ld.rt->count; i++) {
			struct runtime_site *s = &ld.rt->sites[i];
			if (s->symbol && !s->function && !(s->function = strdup(s->symbol)))
				rc = -ENOMEM;
			s->how = s->function ? RUNTIME_BY_FUNCTION : RUNTIME_UNPLACED;
		}
		if (rc == 0 && ld.nprocs == 0) {
			snprintf(err, errlen, "no report line (format 2) among its %zu line(s)", lines);
			rc = -EINVAL;
		}
	}
	free(ld.sites.slot);
	free(ld.procix.slot);
	free(ld.procs);
	free(ld.seen);
	if (rc) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "%s", strerror(ENOMEM));
		runtime_free(ld.rt);
		return rc;
	}
	*out = ld.rt;
	return 0;
}

/* Report mode's ids (shim/report.c) and the v6scan check each stands for;
 * by_function: the call is in the finding's function, not on its line.
 * NULL: no check of v6scan finds it. */
static const struct runtime_alias {
	const char *report_id, *check_id;
	int by_function;
	int observable; /* every run of check_id's line is recorded */
} runtime_aliases[] = {
	{ "v6-socket-af-inet", "v6-socket-af-inet", 0, 1 },
	{ "v6-inet-addr", "v6-inet-addr", 0, 1 },
	{ "v6-inet-ntoa", "v6-inet-ntoa", 0, 1 },
	{ "v6-gethostbyname", "v6-gethostbyname", 0, 1 },
	{ "v6-gethostbyaddr", "v6-gethostbyaddr", 0, 1 },
	{ "v6-res-query-a", "v6-dns-a-only", 0, 1 },
	{ "v6-getaddrinfo-af-inet", "v6-hints-family-inet", 1, 1 },
	{ "v6-inaddr-constant", "v6-inaddr-constant", 1, 1 },
	/* an IPv6 peer handed over as IPv4 (accept, recvfrom, getpeername):
	 * recorded only when the peer was IPv6, so its absence proves nothing */
	{ "v6-ipv6-peer-as-ipv4", "v6-sockaddr-in-as-storage", 0, 0 },
	{ "v6-own-dns-client", NULL, 0, 0 },
};

static const struct runtime_alias *runtime_alias_of(const char *report_id)
{
	for (size_t i = 0; i < sizeof(runtime_aliases) / sizeof(runtime_aliases[0]); i++)
		if (strcmp(runtime_aliases[i].report_id, report_id) == 0)
			return &runtime_aliases[i];
	return NULL;
}

int runtime_observable(const char *check_id)
{
	for (size_t i = 0; i < sizeof(runtime_aliases) / sizeof(runtime_aliases[0]); i++)
		if (runtime_aliases[i].observable && strcmp(runtime_aliases[i].check_id, check_id) == 0)
			return 1;
	return 0;
}

unsigned long long runtime_match(struct runtime *rt, const char *check_id, const char *real_file, unsigned line,
				 const char *function)
{
	unsigned long long hits = 0;
	int have_function = function && function[0];
	for (size_t i = 0; i < rt->count; i++) {
		struct runtime_site *s = &rt->sites[i];
		const struct runtime_alias *al = s->check ? runtime_alias_of(s->check) : NULL;
		/* an id this table does not know yet is taken as v6scan's own */
		const char *id = al ? al->check_id : s->check;
		if (!id || strcmp(id, check_id) != 0)
			continue;
		int m = 0;
		if (s->how == RUNTIME_BY_LINE && al && al->by_function)
			m = have_function && s->function && strcmp(s->function, function) == 0 && real_file &&
				strcmp(s->file, real_file) == 0;
		else if (s->how == RUNTIME_BY_LINE)
			m = s->line == line && real_file && strcmp(s->file, real_file) == 0;
		else if (s->how == RUNTIME_BY_FUNCTION)
			m = have_function && strcmp(s->function, function) == 0;
		if (m) {
			s->matched = 1;
			hits += s->hits;
		}
	}
	return hits;
}

void runtime_free(struct runtime *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->count; i++) {
		free(rt->sites[i].check);
		free(rt->sites[i].call);
		free(rt->sites[i].object);
		free(rt->sites[i].symbol);
		free(rt->sites[i].file);
		free(rt->sites[i].function);
	}
	free(rt->sites);
	free(rt);
}
