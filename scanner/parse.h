/* parse — one libclang parse of one job, and its per-file outcome.
 *
 * Arguments given to libclang, in order: -resource-dir <detected> (first, so
 * a user's own -resource-dir wins), --extra-arg-before values, the job's
 * sanitised arguments, "-x c-header" for a .h file without an -x, the
 * --extra-arg values, -working-directory <job directory>. Options:
 * DetailedPreprocessingRecord | KeepGoing.
 */
#ifndef V6SCAN_PARSE_H
#define V6SCAN_PARSE_H

#include <clang-c/Index.h>
#include <stddef.h>

#include "jobs.h"

struct parse_opts {
	const char *resource_dir; /* may be NULL */
	char *const *extra_before;
	size_t nextra_before;
	char *const *extra;
	size_t nextra;
	int quiet; /* 1: do not print diagnostics */
};

/* Parses job. Returns 0 and sets *tu (dispose with
 * clang_disposeTranslationUnit) and *clean (1 when no diagnostic of error
 * severity or worse was produced; "unknown argument" errors about compiler
 * flags are printed but do not count: the unit is still complete); the first
 * errors are printed to stderr
 * as "v6scan: <path>:<line>:<col>: error: ...". Returns -EIO with a message
 * on stderr when libclang could not build a translation unit at all (missing
 * or unreadable file, a file that is not a regular file: a FIFO would block
 * the parse; unusable arguments: then the message names the CXErrorCode and
 * prints the whole command as shell words, "v6scan: <path>: <what>
 * (CXError_ASTReadError); the command was: clang <args> <file>"), -ENOMEM
 * when out of memory, and -EIO with "v6scan: <path>: nesting too deep: the
 * parser ran out of its <n> MiB stack" when, on a deepstack thread, the
 * parse ran out of stack (libclang's crash recovery unwound it;
 * deepstack.h). On such a thread libclang parses on it (LIBCLANG_NOTHREADS
 * is set). A header the
 * file includes is libclang's to read: an #include of a FIFO blocks until
 * the workers' time limit (workers.h) stops the parse. */
int parse_job(CXIndex idx, const struct job *job, const struct parse_opts *o, CXTranslationUnit *tu, int *clean);

/* parse_job, also writing into why (when not NULL) the one-line reason a
 * file is not fully analysed: "cannot read: <strerror>", "<what>
 * (CXError_...)", or the first error diagnostic ("<file>:<line>:<col>:
 * error: <message>"). why is left as it was for a clean parse. */
int parse_job_why(CXIndex idx, const struct job *job, const struct parse_opts *o, CXTranslationUnit *tu, int *clean,
		  char *why, size_t whylen);

#endif
