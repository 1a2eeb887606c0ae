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
	"-o",       "-MF",          "-MT",
	"-MQ",      "-include-pch", "-Xclang",
	"-Xlinker", "-Xassembler",  "-Xpreprocessor",
	"--param",  "-aux-info",    "-dumpbase",
	"-dumpdir", "-L",           "-l",
};

/* Flags dropped alone (exact). */
static const char *const compdb_drop[] = {
	"-c",
	"-S",
	"-E",
	"-M",
	"-MM",
	"-MD",
	"-MMD",
	"-MP",
	"-MG",
	"-Winvalid-pch",
	"-pipe",
	"-w",
	"-v",
	"-pedantic",
	"-pedantic-errors",
	"-fsyntax-only",
	"-shared",
	"-static",
	"-pthread",
	"-rdynamic",
};

/* Prefixes of dropped flags: dependency output, warnings, debug info,
 * optimisation, and GCC-only code generation flags libclang rejects. */
static const char *const compdb_drop_prefix[] = {
	"-MF",
	"-MT",
	"-MQ",
	"-W",
	"-g",
	"-O",
	"-o",
	"-pch",
	"-fpch",
	"-fconserve-stack",
	"-mindirect-branch",
	"-mfunction-return",
	"-mrecord-mcount",
	"-mpreferred-stack-boundary",
	"-fno-allow-store-data-races",
	"-fmin-function-alignment",
	"-fno-ipa-",
	"-fipa-",
	"-fsanitize",
	"-fno-sanitize",
	"-fprofile",
	"-fcf-protection",
	"-fstack-clash-protection",
	"-flto",
	"-fno-lto",
	"-fdiagnostics-",
	"-fcompare-debug",
	"-fdump-",
	"-fplugin",
	"-fno-var-tracking",
	"-fvar-tracking",
	"-fmerge-",
	"-fno-merge-",
	"-ftree-",
	"-fno-tree-",
	"-fgcse",
	"-fno-gcse",
	"-fconserve",
	"-Wl,",
	"-Wa,",
	"-Wp,",
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

/* Kept options whose value is the next argument: the value is kept with
 * them and is never taken for an input file ("-include cfg.h"). */
static const char *const compdb_keep_with_arg[] = {
	"-I",
	"-D",
	"-U",
	"-include",
	"-imacros",
	"-isystem",
	"-iquote",
	"-idirafter",
	"-iprefix",
	"-iwithprefix",
	"-iwithprefixbefore",
	"-isysroot",
	"--sysroot",
	"-x",
	"-target",
	"-arch",
	"-F",
	"-ivfsoverlay",
	"-A",
	"--include",
	"--include-directory",
	"--define-macro",
	"--undefine-macro",
};

int compdb_option_takes_value(const char *arg)
{
	return compdb_in(arg, compdb_keep_with_arg, N(compdb_keep_with_arg));
}

char *compdb_resolve(const char *dir, const char *path)
{
	char *joined = NULL, *real;

	if (path[0] == '/')
		joined = strdup(path);
	else if (asprintf(&joined, "%s/%s", dir, path) < 0)
		joined = NULL;
	if (!joined)
		return NULL;
	real = realpath(joined, NULL);
	if (real) {
		free(joined);
		return real;
	}
	/* no such file (yet): "." and ".." removed from the text */
	char *out = joined, *w = joined;
	for (const char *r = joined; *r;) {
		const char *end = strchrnul(r + 1, '/');
		size_t n = (size_t)(end - r); /* "/name" */
		if (n == 1 || (n == 2 && r[1] == '.')) {
			/* "//" or "/." */
		} else if (n == 3 && r[1] == '.' && r[2] == '.') {
			while (w > out && *--w != '/')
				;
		} else {
			memmove(w, r, n);
			w += n;
		}
		r = end;
	}
	if (w == out)
		*w++ = '/';
	*w = '\0';
	return out;
}

/* C-family source and header names: a second input libclang must not see. */
static int compdb_is_source_name(const char *a)
{
	static const char *const ext[] = { ".c", ".h", ".i", ".cc", ".cpp", ".cxx", ".c++", ".C", ".m", ".S", ".s" };
	const char *dot = strrchr(a, '.');

	return dot && compdb_in(dot, ext, N(ext));
}

int compdb_sanitise(char *const *argv, size_t argc, const char *directory, const char *file, char ***out, size_t *nout)
{
	char **kept = calloc(argc + 1, sizeof(*kept));
	char *file_abs = compdb_resolve(directory, file);
	size_t n = 0;

	if (!kept || !file_abs)
		goto nomem;
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		int with_value = 0;
		if (compdb_in(a, compdb_drop_with_arg, N(compdb_drop_with_arg))) {
			i++;
			continue;
		}
		if (compdb_in(a, compdb_drop, N(compdb_drop)) ||
		    compdb_prefixed(a, compdb_drop_prefix, N(compdb_drop_prefix)))
			continue;
		/* "--" ends options; nothing after it is ours to keep */
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-') {
			/* an input: the entry's file however it is spelled
			 * ("../../src/x.c", "./x.c", absolute), or another
			 * source; libclang is given the file on its own */
			char *abs = compdb_resolve(directory, a);
			int input;
			if (!abs)
				goto nomem;
			input = strcmp(abs, file_abs) == 0 || compdb_is_source_name(a);
			free(abs);
			if (input)
				continue;
		}
		with_value = compdb_option_takes_value(a) && i + 1 < argc;
		for (int k = 0; k <= with_value; k++) {
			kept[n] = strdup(argv[i + (size_t)k]);
			if (!kept[n])
				goto nomem;
			n++;
		}
		i += (size_t)with_value;
	}
	free(file_abs);
	*out = kept;
	*nout = n;
	return 0;
nomem:
	for (size_t i = 0; kept && i < n; i++)
		free(kept[i]);
	free(kept);
	free(file_abs);
	return -ENOMEM;
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
		return json_read_bad(e, where, "an object with directory, file and arguments or command", err, errlen);
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
	/* libclang refuses the whole database for any other member, saying
	 * only "Unknown key" on stderr: name it here */
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)e, key, v)
	{
		static const char *const known[] = { "directory", "file", "arguments", "command", "output" };
		if (!compdb_in(key, known, N(known))) {
			char shown[65];
			size_t k = 0;
			/* one line: a control character in the name shows as '?' */
			for (; key[k] && k < sizeof(shown) - 1; k++)
				shown[k] = (unsigned char)key[k] < 0x20 || key[k] == 0x7f ? '?' : key[k];
			shown[k] = '\0';
			snprintf(err, errlen,
				 "%s: unknown member \"%s\" (libclang reads directory, file, "
				 "arguments, command and output only)",
				 where, shown);
			return -EINVAL;
		}
	}
	if (!*dir || !*file) {
		snprintf(err, errlen, "%s.%s: must not be empty", where, *dir ? "file" : "directory");
		return -EINVAL;
	}
	if (dir[0] != '/') {
		/* relative to what? libclang would join it to the current
		 * directory, and the entry's file would not be absolute */
		snprintf(err, errlen, "%s.directory: must be an absolute path", where);
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
		char *abs = compdb_resolve(clang_getCString(dir), clang_getCString(fname));

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
			rc = compdb_sanitise(argv, argc, clang_getCString(dir), clang_getCString(fname), &kept, &nkept);
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
