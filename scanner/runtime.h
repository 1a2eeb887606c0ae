/* runtime — joining a report of v6run's report mode (docs/man/v6run.1,
 * REPORT FORMAT, version 2) to the scanner's findings, so a team fixes
 * first what its tests exercise (`v6scan --runtime REPORT`).
 *
 * A report is JSON Lines: "site" lines (a process's first call from a call
 * site: check, call, object, address, symbol, symbol_offset) and "exit"
 * lines (the process's sites with their call counts). Sites are merged by
 * (check, object, address) over every process; a site's hits are the sum
 * of its counts in exit lines, and a process whose exit line is missing
 * (killed by SIGKILL, crashed) adds 1 for each site it recorded, so a site
 * that ran always has hits >= 1.
 *
 * Each site is then placed in the source: the object's DWARF line table,
 * read by addr2line(1) at `address - 1` (a return address is one past the
 * call), gives file:line and the function; without line information the
 * site keeps its function (addr2line's, or the report's nearest exported
 * symbol) and is matched by function only. Which way a site was placed is
 * kept (RUNTIME_BY_LINE, RUNTIME_BY_FUNCTION, RUNTIME_UNPLACED).
 *
 * A site's check is report mode's id; most are v6scan's own, a few are
 * seen at another place than the finding (runtime_observable's table):
 * report mode's v6-getaddrinfo-af-inet is the getaddrinfo() call whose
 * hints v6-hints-family-inet finds, its v6-inaddr-constant the bind() of
 * a wildcard address, its v6-res-query-a v6scan's v6-dns-a-only. A finding
 * matches a site when the (mapped) check ids are equal and either the
 * site's file is the finding's file (compared as real paths) and the lines
 * are equal, or, for the checks seen elsewhere and for sites placed by
 * function only, the function is the finding's (and the file, when known).
 */
#ifndef V6SCAN_RUNTIME_H
#define V6SCAN_RUNTIME_H

#include <stddef.h>

enum runtime_how { RUNTIME_UNPLACED, RUNTIME_BY_FUNCTION, RUNTIME_BY_LINE };

struct runtime_site {
	char *check;                /* "v6-gethostbyname" */
	char *call;                 /* "gethostbyname" */
	char *object;               /* full path of the executable or library, or NULL */
	unsigned long long address; /* link-time return address in object */
	char *symbol;               /* nearest exported symbol from the report, or NULL */
	unsigned long long hits;
	enum runtime_how how;
	char *file;     /* real path of the source file (RUNTIME_BY_LINE) */
	unsigned line;  /* RUNTIME_BY_LINE */
	char *function; /* RUNTIME_BY_FUNCTION (and by line, when known) */
	int matched;    /* set by runtime_match */
};

struct runtime {
	struct runtime_site *sites;
	size_t count;
	size_t processes;  /* distinct (pid, start) seen */
	size_t calling;    /* ... of them with at least one site */
	size_t unfinished; /* processes with site lines but no exit line */
	size_t bad_lines;  /* lines that were not a version-2 report line */
};

/* Reads the report at path (a regular file of at most 256 MiB). Lines that
 * do not parse, or are not of version 2, are counted in bad_lines and
 * skipped (a process killed mid-write leaves a torn last line). Returns 0
 * and sets *out (runtime_free it), or -errno with a one-line message in
 * err: the file cannot be read, or holds no report line at all (-EINVAL). */
int runtime_load(const char *path, struct runtime **out, char *err, size_t errlen);

/* Places every site with its object's line table by running addr2line
 * (the program named by tool, found in PATH; NULL: "addr2line") once per
 * object. A missing object or a tool that cannot run leaves the sites of
 * that object placed by the report's symbol, or unplaced. Returns the
 * number of sites placed by line, or -errno (-ENOMEM). */
int runtime_symbolise(struct runtime *rt, const char *tool);

/* Hits of the sites matching a finding of check_id at line of the source
 * whose real path is real_file, in function (NULL or "": none). Sets each
 * matching site's matched flag. 0: nothing matched (the line did not run,
 * as far as the report knows). */
unsigned long long runtime_match(struct runtime *rt, const char *check_id, const char *real_file, unsigned line,
				 const char *function);

/* 1 when report mode records calls that v6scan's check_id finds (so a
 * finding of it that matched no site did not run, as far as the report
 * knows); 0 for checks that no report can show running (declarations,
 * literals, ...). */
int runtime_observable(const char *check_id);

void runtime_free(struct runtime *rt);

#endif
