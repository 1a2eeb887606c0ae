/* fixout — see fixout.h. */
#include "fixout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

#define FIXOUT_MAX_FILE (64u << 20) /* a source file larger than this is not rewritten */

static int fixout_active(const struct finding *f)
{
	return !f->suppressed && !f->baselined;
}

/* root + "/" + path (root "/": "/" + path), as a new string. */
static char *fixout_abs(const char *root, const char *path)
{
	char *s;

	if (asprintf(&s, "%s/%s", strcmp(root, "/") == 0 ? "" : root, path) < 0)
		return NULL;
	return s;
}

/* A YAML scalar: single-quoted (' doubled), or double-quoted with escapes
 * when it holds a control character (as LLVM's YAML writer does for "\n"). */
static void fixout_scalar(FILE *f, const char *s)
{
	int ctl = 0;

	for (const char *p = s; *p; p++)
		ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
	if (!ctl) {
		fputc('\'', f);
		for (const char *p = s; *p; p++)
			fputs(*p == '\'' ? "''" : (char[]){ *p, 0 }, f);
		fputc('\'', f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02X", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "key:" padded to the value column, as LLVM's YAML writer aligns them. */
static void fixout_key(FILE *f, const char *indent, const char *key)
{
	char k[32];

	snprintf(k, sizeof(k), "%s:", key);
	fprintf(f, "%s%-16s ", indent, k);
}

/* The byte offset of (line, column) in the file at abs, or the column - 1
 * of line 1 when unreadable. The file is cached between calls. */
struct fixout_text {
	char *path;
	char *buf;
	size_t len;
};

static void fixout_text_free(struct fixout_text *t)
{
	free(t->path);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* Reads a regular file of at most FIXOUT_MAX_FILE bytes; *mtime (when
 * not NULL) gets its modification time. 0 or -errno. */
static int fixout_read_at(const char *path, char **buf, size_t *len, struct timespec *mtime)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > FIXOUT_MAX_FILE) {
		close(fd);
		return -EINVAL;
	}
	if (mtime)
		*mtime = st.st_mtim;
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

static int fixout_read(const char *path, char **buf, size_t *len)
{
	return fixout_read_at(path, buf, len, NULL);
}

static unsigned fixout_offset(struct fixout_text *t, const char *abs, unsigned line, unsigned col)
{
	if (!t->path || strcmp(t->path, abs) != 0) {
		fixout_text_free(t);
		t->path = strdup(abs);
		if (fixout_read(abs, &t->buf, &t->len) != 0)
			t->buf = NULL;
	}
	size_t off = 0;
	for (unsigned l = 1; t->buf && l < line && off < t->len; off++)
		if (t->buf[off] == '\n')
			l++;
	return (unsigned)(off + col - 1);
}

int fixout_export(FILE *f, const struct findings *fs, const char *root)
{
	struct fixout_text text = { 0 };
	const char *main = NULL;

	for (size_t i = 0; i < fs->count && !main; i++)
		if (fixout_active(&fs->items[i]))
			main = fs->items[i].path;
	fputs("---\n", f);
	char *mabs = main ? fixout_abs(root, main) : NULL;
	fixout_key(f, "", "MainSourceFile");
	fixout_scalar(f, mabs ? mabs : "");
	fputs("\n", f);
	free(mabs);
	size_t n = 0;
	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		if (!fixout_active(x))
			continue;
		char *abs = fixout_abs(root, x->path);
		if (!abs)
			break;
		if (n++ == 0)
			fputs("Diagnostics:\n", f);
		fixout_key(f, "  - ", "DiagnosticName");
		fprintf(f, "%s\n    DiagnosticMessage:\n", x->check->id);
		fixout_key(f, "      ", "Message");
		fixout_scalar(f, x->message);
		fputc('\n', f);
		fixout_key(f, "      ", "FilePath");
		fixout_scalar(f, abs);
		fputc('\n', f);
		fixout_key(f, "      ", "FileOffset");
		fprintf(f, "%u\n", fixout_offset(&text, abs, x->line, x->column));
		if (x->nfix)
			fputs("      Replacements:\n", f);
		else {
			fixout_key(f, "      ", "Replacements");
			fputs("[]\n", f);
		}
		for (size_t k = 0; k < x->nfix; k++) {
			const struct finding_repl *r = &x->fix[k];
			char *rabs = fixout_abs(root, r->path);
			fixout_key(f, "        - ", "FilePath");
			fixout_scalar(f, rabs ? rabs : r->path);
			fputc('\n', f);
			fixout_key(f, "          ", "Offset");
			fprintf(f, "%u\n", r->offset);
			fixout_key(f, "          ", "Length");
			fprintf(f, "%u\n", r->length);
			fixout_key(f, "          ", "ReplacementText");
			fixout_scalar(f, r->text);
			fputc('\n', f);
			free(rabs);
		}
		fixout_key(f, "    ", "Level");
		fputs(x->level == V6SCAN_ERROR ? "Error\n" : x->level == V6SCAN_WARNING ? "Warning\n" : "Remark\n", f);
		fixout_key(f, "    ", "BuildDirectory");
		fixout_scalar(f, root);
		fputc('\n', f);
		free(abs);
	}
	if (n == 0)
		fputs("Diagnostics:     []\n", f);
	fputs("...\n", f);
	fixout_text_free(&text);
	return ferror(f) ? -EIO : 0;
}

int fixout_export_file(const char *path, const struct findings *fs, const char *root)
{
	struct outfile of;
	int rc = outfile_open(&of, path);

	if (rc)
		return rc;
	fixout_export(of.f, fs, root);
	return outfile_commit(&of);
}

/* One replacement to apply, with the finding it belongs to. */
struct fixout_edit {
	const struct finding_repl *r;
	size_t finding;
};

static int fixout_edit_cmp(const void *a, const void *b)
{
	const struct finding_repl *x = ((const struct fixout_edit *)a)->r, *y = ((const struct fixout_edit *)b)->r;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->length != y->length)
		return x->length < y->length ? -1 : 1;
	return strcmp(x->text, y->text);
}

static int fixout_same(const struct finding_repl *x, const struct finding_repl *y)
{
	return x->offset == y->offset && x->length == y->length && strcmp(x->text, y->text) == 0;
}

/* Rewrites one file with edits e[0..n) (sorted, one path). Returns 0,
 * 1 when the file is refused (message printed), -ENOMEM. */
static int fixout_file(const char *root, const struct timespec *since, const struct fixout_edit *e, size_t n)
{
	struct timespec mtime = { 0 };
	const char *path = e[0].r->path;
	char *abs = fixout_abs(root, path), *real = NULL, *buf = NULL, *why = NULL;
	size_t len = 0, rlen = strlen(root);
	int rc = 1;

	if (!abs)
		return -ENOMEM;
	for (size_t i = 1; i < n && !why; i++) {
		const struct finding_repl *p = e[i - 1].r, *q = e[i].r;
		if (fixout_same(p, q))
			continue;
		if (p->offset == q->offset || p->offset + p->length > q->offset)
			why = "overlapping replacements";
	}
	real = why ? NULL : realpath(abs, NULL);
	if (!why && !real)
		why = strerror(errno);
	/* below the report root, whatever a symbolic link says */
	if (!why && strcmp(root, "/") != 0 && (strncmp(real, root, rlen) != 0 || real[rlen] != '/'))
		why = "outside the report root";
	if (!why) {
		int r = fixout_read_at(real, &buf, &len, &mtime);
		if (r == -ENOMEM) {
			rc = -ENOMEM;
			goto out;
		}
		if (r)
			why = r == -EINVAL ? "not a regular file of at most 64 MiB" : strerror(-r);
	}
	if (!why && (mtime.tv_sec > since->tv_sec || (mtime.tv_sec == since->tv_sec && mtime.tv_nsec > since->tv_nsec)))
		why = "modified since the scan started";
	if (!why && e[n - 1].r->offset + e[n - 1].r->length > len)
		why = "the file is shorter than the scan saw";
	if (why) {
		fprintf(stderr, "v6scan: --fix: %s: %s; left unchanged\n", path, why);
		goto out;
	}
	struct outfile of;
	int orc = outfile_open(&of, real);
	if (orc == 0) {
		size_t at = 0;
		for (size_t i = 0; i < n; i++) {
			const struct finding_repl *r = e[i].r;
			if (i > 0 && fixout_same(e[i - 1].r, r))
				continue;
			fwrite(buf + at, 1, r->offset - at, of.f);
			fputs(r->text, of.f);
			at = r->offset + r->length;
		}
		fwrite(buf + at, 1, len - at, of.f);
		orc = outfile_commit(&of);
	}
	if (orc) {
		fprintf(stderr, "v6scan: --fix: %s: %s; left unchanged\n", path, strerror(-orc));
		goto out;
	}
	rc = 0;
out:
	free(abs);
	free(real);
	free(buf);
	return rc;
}

int fixout_apply(const struct findings *fs, const char *root, const struct timespec *since, struct fixout_result *res)
{
	size_t n = 0, k = 0;
	struct fixout_edit *e;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < fs->count; i++)
		if (fixout_active(&fs->items[i]))
			n += fs->items[i].nfix;
	if (n == 0)
		return 0;
	e = calloc(n, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < fs->count; i++)
		for (size_t j = 0; fixout_active(&fs->items[i]) && j < fs->items[i].nfix; j++)
			e[k++] = (struct fixout_edit){ .r = &fs->items[i].fix[j], .finding = i };
	qsort(e, n, sizeof(*e), fixout_edit_cmp);
	unsigned char *done = calloc(fs->count, 1);
	if (!done) {
		free(e);
		return -ENOMEM;
	}
	for (size_t a = 0, b; a < n && rc >= 0; a = b) {
		for (b = a + 1; b < n && strcmp(e[b].r->path, e[a].r->path) == 0; b++)
			;
		rc = fixout_file(root, since, e + a, b - a);
		if (rc == 1)
			res->refused++;
		if (rc == 0) {
			res->files++;
			for (size_t i = a; i < b; i++)
				done[e[i].finding] = 1;
		}
	}
	for (size_t i = 0; i < fs->count; i++)
		res->fixes += done[i];
	free(done);
	free(e);
	return rc < 0 ? rc : 0;
}
