/* parse — see parse.h. */
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deepstack.h"

#define PARSE_MAX_ERRORS_SHOWN 5
#define PARSE_TOO_DEEP "nesting too deep: the parser ran out of its %zu MiB stack"

static int parse_has_lang(const struct job *job)
{
	for (size_t i = 0; i < job->nargs; i++)
		if (strncmp(job->args[i], "-x", 2) == 0)
			return 1;
	return 0;
}

/* An "unknown argument" error: it has no source location. */
static int parse_is_argument_error(CXDiagnostic d)
{
	CXFile file = NULL;
	int yes = 0;

	clang_getSpellingLocation(clang_getDiagnosticLocation(d), &file, NULL, NULL, NULL);
	if (file)
		return 0;
	CXString s = clang_getDiagnosticSpelling(d);
	const char *t = clang_getCString(s);
	yes = strncmp(t, "unknown argument", 16) == 0 || strncmp(t, "unsupported option", 18) == 0;
	clang_disposeString(s);
	return yes;
}

/* The name of a CXErrorCode and what it means. */
static const char *parse_error_name(enum CXErrorCode e, const char **what)
{
	switch (e) {
	case CXError_Failure: *what = "libclang failed"; return "CXError_Failure";
	case CXError_Crashed: *what = "libclang crashed"; return "CXError_Crashed";
	case CXError_InvalidArguments:
		*what = "libclang was given invalid arguments";
		return "CXError_InvalidArguments";
	case CXError_ASTReadError:
		/* what libclang 14 returns when its driver refuses the command:
		 * a second input file, an unknown -Xclang option */
		*what = "libclang could not build a translation unit from the command (a second input file "
			"or an option clang does not accept)";
		return "CXError_ASTReadError";
	default: *what = "libclang could not parse the file"; return "an unknown CXErrorCode";
	}
}

/* Writes s to f as one shell word (quoted when it needs to be). */
static void parse_put_word(FILE *f, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+./,:@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

int parse_job(CXIndex idx, const struct job *job, const struct parse_opts *o, CXTranslationUnit *tu, int *clean)
{
	return parse_job_why(idx, job, o, tu, clean, NULL, 0);
}

int parse_job_why(CXIndex idx, const struct job *job, const struct parse_opts *o, CXTranslationUnit *tu, int *clean,
		  char *why, size_t whylen)
{
	size_t n = job->nargs + o->nextra + o->nextra_before + 8;
	const char **argv = calloc(n, sizeof(*argv));
	size_t argc = 0;
	struct stat st;
	int probe;

	if (!argv)
		return -ENOMEM;
	if (o->resource_dir) {
		argv[argc++] = "-resource-dir";
		argv[argc++] = o->resource_dir;
	}
	for (size_t i = 0; i < o->nextra_before; i++)
		argv[argc++] = o->extra_before[i];
	for (size_t i = 0; i < job->nargs; i++)
		argv[argc++] = job->args[i];
	size_t len = strlen(job->file);
	if (len > 2 && strcmp(job->file + len - 2, ".h") == 0 && !parse_has_lang(job)) {
		argv[argc++] = "-x";
		argv[argc++] = "c-header";
	}
	for (size_t i = 0; i < o->nextra; i++)
		argv[argc++] = o->extra[i];
	argv[argc++] = "-working-directory";
	argv[argc++] = job->directory;

	/* libclang reports a missing file only as a generic failure: say why;
	 * and it would block on a FIFO or read a device without end */
	probe = open(job->file, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	const char *unreadable = probe < 0 ? strerror(errno)
		: fstat(probe, &st) != 0   ? strerror(errno)
		: !S_ISREG(st.st_mode)     ? "not a regular file"
					   : NULL;
	if (probe >= 0)
		close(probe);
	if (unreadable) {
		fprintf(stderr, "v6scan: %s: cannot read: %s\n", job->relpath, unreadable);
		if (why)
			snprintf(why, whylen, "cannot read: %s", unreadable);
		free(argv);
		return -EIO;
	}

	/* on a deepstack thread (workers.c), libclang parses on it rather than
	 * on a thread of its own with an 8 MiB stack (deepstack.h) */
	if (deepstack_active() && !getenv("LIBCLANG_NOTHREADS"))
		setenv("LIBCLANG_NOTHREADS", "1", 1);
	deepstack_mark_library(1);
	enum CXErrorCode rc = clang_parseTranslationUnit2(
		idx, job->file, argv, (int)argc, NULL, 0,
		CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing, tu);
	deepstack_mark_library(0);
	if (rc != CXError_Success && deepstack_overflowed()) {
		/* libclang's crash recovery unwound the parse */
		if (*tu)
			clang_disposeTranslationUnit(*tu);
		*tu = NULL;
		fprintf(stderr, "v6scan: %s: " PARSE_TOO_DEEP "\n", job->relpath, deepstack_size() >> 20);
		if (why)
			snprintf(why, whylen, PARSE_TOO_DEEP, deepstack_size() >> 20);
		free(argv);
		return -EIO;
	}
	if (rc != CXError_Success || !*tu) {
		/* libclang says nothing more: show the command it refused, so
		 * that the user can see the argument at fault */
		const char *what, *name = parse_error_name(rc == CXError_Success ? CXError_Failure : rc, &what);
		fprintf(stderr, "v6scan: %s: %s (%s); the command was: clang", job->relpath, what, name);
		if (why)
			snprintf(why, whylen, "%s (%s)", what, name);
		for (size_t i = 0; i < argc; i++) {
			fputc(' ', stderr);
			parse_put_word(stderr, argv[i]);
		}
		fputc(' ', stderr);
		parse_put_word(stderr, job->file);
		fputc('\n', stderr);
		free(argv);
		return -EIO;
	}
	free(argv);

	unsigned nd = clang_getNumDiagnostics(*tu), shown = 0;
	*clean = 1;
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic d = clang_getDiagnostic(*tu, i);
		if (parse_is_argument_error(d)) {
			/* a compiler flag libclang does not know (GCC-only): the
			 * translation unit is still complete */
			if (!o->quiet) {
				CXString s = clang_getDiagnosticSpelling(d);
				fprintf(stderr, "v6scan: %s: argument ignored: %s\n", job->relpath,
					clang_getCString(s));
				clang_disposeString(s);
			}
		} else if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			if (*clean && why) {
				/* the first error is the reason the file counts as
				 * not fully analysed */
				CXString s = clang_formatDiagnostic(
					d, CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn);
				snprintf(why, whylen, "%s", clang_getCString(s));
				clang_disposeString(s);
			}
			*clean = 0;
			if (!o->quiet && shown++ < PARSE_MAX_ERRORS_SHOWN) {
				CXString s = clang_formatDiagnostic(
					d, CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn);
				fprintf(stderr, "v6scan: %s\n", clang_getCString(s));
				clang_disposeString(s);
			}
		}
		clang_disposeDiagnostic(d);
	}
	if (!o->quiet && shown > PARSE_MAX_ERRORS_SHOWN)
		fprintf(stderr, "v6scan: %s: %u more errors\n", job->relpath, shown - PARSE_MAX_ERRORS_SHOWN);
	return 0;
}
