/* compdb — see compdb.h. */
#include "compdb.h"

#include <clang-c/CXCompilationDatabase.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

/* Flags dropped together with the argument that follows them. */
static const char *const compdb_drop_with_arg[] = {
	"-o", "-MF", "-MT", "-MQ", "-include-pch", "-Xclang", "-Xlinker", "-Xassembler",
	"-Xpreprocessor", "--param", "-aux-info", "-dumpbase", "-dumpdir", "-L", "-l",
};

/* Flags dropped alone (exact). */
static const char *const compdb_drop[] = {
	"-c", "-S", "-E", "-M", "-MM", "-MD", "-MMD", "-MP", "-MG", "-Winvalid-pch", "-pipe",
	"-w", "-v", "-pedantic", "-pedantic-errors", "-fsyntax-only", "-shared", "-static",
	"-pthread", "-rdynamic",
};

/* Prefixes of dropped flags: dependency output, warnings, debug info,
 * optimisation, and GCC-only code generation flags libclang rejects. */
static const char *const compdb_drop_prefix[] = {
	"-MF", "-MT", "-MQ", "-W", "-g", "-O", "-o", "-pch", "-fpch", "-fconserve-stack",
	"-mindirect-branch", "-mfunction-return", "-mrecord-mcount", "-mpreferred-stack-boundary",
	"-fno-allow-store-data-races", "-fmin-function-alignment", "-fno-ipa-", "-fipa-",
	"-fsanitize", "-fno-sanitize", "-fprofile", "-fcf-protection", "-fstack-clash-protection",
	"-flto", "-fno-lto", "-fdiagnostics-", "-fcompare-debug", "-fdump-", "-fplugin",
	"-fno-var-tracking", "-fvar-tracking", "-fmerge-", "-fno-merge-", "-ftree-", "-fno-tree-",
	"-fgcse", "-fno-gcse", "-fconserve", "-Wl,", "-Wa,", "-Wp,",
};

static int compdb_in(const char *a, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a, list[i]) == 0)
			return 1;
	return 0;
}

static int compdb_prefixed(const char *a, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(a, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int compdb_is_input(const char *a, const char *file)
{
	if (strcmp(a, file) == 0)
		return 1;
	const char *base = strrchr(file, '/');
	size_t la = strlen(a);
	/* the entry may name the file relative to its directory */
	return base && la <= strlen(file) && la > 0 && a[0] != '-' &&
	       strcmp(file + strlen(file) - la, a) == 0 && (la == strlen(file) || file[strlen(file) - la - 1] == '/');
}

int compdb_sanitise(char *const *argv, size_t argc, const char *file, char ***out, size_t *nout)
{
	char **kept = calloc(argc + 1, sizeof(*kept));
	size_t n = 0;

	if (!kept)
		return -ENOMEM;
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (compdb_in(a, compdb_drop_with_arg, N(compdb_drop_with_arg))) {
			i++;
			continue;
		}
		if (compdb_in(a, compdb_drop, N(compdb_drop)) ||
		    compdb_prefixed(a, compdb_drop_prefix, N(compdb_drop_prefix)))
			continue;
		if (a[0] != '-' && compdb_is_input(a, file))
			continue;
		/* "--" ends options; nothing after it is ours to keep */
		if (strcmp(a, "--") == 0)
			break;
		kept[n] = strdup(a);
		if (!kept[n])
			goto nomem;
		n++;
	}
	*out = kept;
	*nout = n;
	return 0;
nomem:
	for (size_t i = 0; i < n; i++)
		free(kept[i]);
	free(kept);
	return -ENOMEM;
}

static char *compdb_absolute(const char *dir, const char *file)
{
	char *joined = NULL;
	char *real;

	if (file[0] == '/')
		joined = strdup(file);
	else if (asprintf(&joined, "%s/%s", dir, file) < 0)
		joined = NULL;
	if (!joined)
		return NULL;
	real = realpath(joined, NULL);
	if (real) {
		free(joined);
		return real;
	}
	return joined;
}

/* One entry of the database at index i: the members libclang reads. */
static int compdb_check_entry(const json_t *e, size_t i, char *err, size_t errlen)
{
	const char *dir = NULL, *file = NULL, *command = NULL, *output = NULL;
	json_t *args = NULL;
	char where[64];
	int rc;

	snprintf(where, sizeof(where), "[%zu]", i);
	if (!json_is_object(e))
		return json_read_bad(e, where, "an object with directory, file and arguments or command", err,
				     errlen);
	rc = json_read_str(e, where, "directory", 1, &dir, err, errlen);
	if (rc == 0)
		rc = json_read_str(e, where, "file", 1, &file, err, errlen);
	if (rc == 0)
		rc = json_read_array(e, where, "arguments", 0, &args, err, errlen);
	if (rc == 0)
		rc = json_read_str(e, where, "command", 0, &command, err, errlen);
	if (rc == 0)
		rc = json_read_str(e, where, "output", 0, &output, err, errlen);
	if (rc)
		return rc;
	if (!*dir || !*file) {
		snprintf(err, errlen, "%s.%s: must not be empty", where, *dir ? "file" : "directory");
		return -EINVAL;
	}
	if (!args && !command) {
		snprintf(err, errlen, "%s: has neither \"arguments\" nor \"command\"", where);
		return -EINVAL;
	}
	if (args && json_array_size(args) == 0) {
		snprintf(err, errlen, "%s.arguments: must not be empty", where);
		return -EINVAL;
	}
	for (size_t k = 0; k < json_array_size(args); k++) {
		if (!json_is_string(json_array_get(args, k))) {
			snprintf(where, sizeof(where), "[%zu].arguments[%zu]", i, k);
			return json_read_bad(json_array_get(args, k), where, "a string", err, errlen);
		}
	}
	return 0;
}

int compdb_check(const char *path, char *err, size_t errlen)
{
	json_t *doc = NULL;
	int rc = json_read_file(path, JSON_READ_MAX_COMPDB, &doc, err, errlen);

	if (rc)
		return rc;
	if (!json_is_array(doc))
		rc = json_read_bad(doc, "the document", "an array of compile commands", err, errlen);
	else if (json_array_size(doc) == 0) {
		snprintf(err, errlen, "lists no compile command");
		rc = -EINVAL;
	}
	for (size_t i = 0; rc == 0 && i < json_array_size(doc); i++)
		rc = compdb_check_entry(json_array_get(doc, i), i, err, errlen);
	json_decref(doc);
	return rc;
}

int compdb_load(const char *build_dir, struct joblist *db, char *errbuf, size_t errlen)
{
	char path[PATH_MAX];
	CXCompilationDatabase_Error err;
	CXCompilationDatabase cdb;
	CXCompileCommands cmds;
	int rc = 0;

	if (snprintf(path, sizeof(path), "%s/compile_commands.json", build_dir) >= (int)sizeof(path)) {
		snprintf(errbuf, errlen, "%s", strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	rc = compdb_check(path, errbuf, errlen);
	if (rc)
		return rc;
	cdb = clang_CompilationDatabase_fromDirectory(build_dir, &err);
	if (err != CXCompilationDatabase_NoError || !cdb) {
		snprintf(errbuf, errlen, "libclang could not load it");
		return -EINVAL;
	}
	cmds = clang_CompilationDatabase_getAllCompileCommands(cdb);
	unsigned ncmd = cmds ? clang_CompileCommands_getSize(cmds) : 0;
	if (ncmd == 0) {
		snprintf(errbuf, errlen, "libclang found no compile command in it");
		rc = -EINVAL;
		goto out;
	}
	for (unsigned i = 0; i < ncmd && rc == 0; i++) {
		CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
		CXString dir = clang_CompileCommand_getDirectory(cmd);
		CXString fname = clang_CompileCommand_getFilename(cmd);
		unsigned argc = clang_CompileCommand_getNumArgs(cmd);
		char **argv = calloc(argc + 1, sizeof(*argv));
		char **kept = NULL;
		size_t nkept = 0;
		char *abs = compdb_absolute(clang_getCString(dir), clang_getCString(fname));

		if (!argv || !abs)
			rc = -ENOMEM;
		for (unsigned j = 0; j < argc && rc == 0; j++) {
			CXString a = clang_CompileCommand_getArg(cmd, j);
			argv[j] = strdup(clang_getCString(a));
			clang_disposeString(a);
			if (!argv[j])
				rc = -ENOMEM;
		}
		if (rc == 0)
			rc = compdb_sanitise(argv, argc, clang_getCString(fname), &kept, &nkept);
		if (rc == 0)
			rc = jobs_add(db, abs, clang_getCString(dir), kept, nkept, 1, 0);
		for (size_t j = 0; j < nkept; j++)
			free(kept[j]);
		free(kept);
		for (unsigned j = 0; argv && j < argc; j++)
			free(argv[j]);
		free(argv);
		free(abs);
		clang_disposeString(dir);
		clang_disposeString(fname);
	}
out:
	if (cmds)
		clang_CompileCommands_dispose(cmds);
	clang_CompilationDatabase_dispose(cdb);
	return rc;
}
