/* fixit — see fixit.h. */
#include "fixit.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fixit_init(struct fixit *fx)
{
	memset(fx, 0, sizeof(*fx));
}

static int fixit_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Places a replacement of strlen(old) bytes (length 0 when insert) at loc,
 * after checking that the text there reads old. */
static void fixit_place(struct walk_ctx *ctx, struct fixit *fx, CXSourceLocation loc, const char *old, const char *text,
			int insert)
{
	const char *relpath, *buf;
	unsigned off, line, col;
	size_t size, n = strlen(old);
	CXFile file;

	if (fx->bad)
		return;
	if (fx->n == FINDING_FIX_MAX || !walk_project_offset(ctx, loc, &relpath, &off, &line, &col)) {
		fx->bad = 1;
		return;
	}
	clang_getExpansionLocation(loc, &file, NULL, NULL, NULL);
	buf = file ? clang_getFileContents(walk_tu_of(ctx), file, &size) : NULL;
	/* the token, whole: an identifier or number is not part of a longer one */
	if (!buf || n == 0 || off + n > size || memcmp(buf + off, old, n) != 0 || memchr(old, '\n', n) ||
	    (fixit_ident(old[0]) && off > 0 && fixit_ident(buf[off - 1])) ||
	    (fixit_ident(old[n - 1]) && off + n < size && fixit_ident(buf[off + n]))) {
		fx->bad = 1;
		return;
	}
	unsigned len = insert ? 0 : (unsigned)n;
	for (size_t i = 0; i < fx->n; i++) {
		const struct finding_repl *o = &fx->r[i];
		if (strcmp(o->path, relpath) != 0)
			continue;
		/* [off, off+len) against [o->offset, o->offset+o->length);
		 * two edits at one offset are ambiguous unless identical */
		int same = o->offset == off && o->length == len && strcmp(o->text, text) == 0;
		if (!same && (o->offset == off || (off < o->offset + o->length && o->offset < off + len))) {
			fx->bad = 1;
			return;
		}
		if (same)
			return;
	}
	fx->r[fx->n++] = (struct finding_repl){
		.path = (char *)relpath, .offset = off, .length = len, .line = line, .column = col, .text = (char *)text
	};
}

void fixit_replace(struct walk_ctx *ctx, struct fixit *fx, CXSourceLocation loc, const char *old, const char *text)
{
	fixit_place(ctx, fx, loc, old, text, 0);
}

void fixit_insert(struct walk_ctx *ctx, struct fixit *fx, CXSourceLocation loc, const char *old, const char *text)
{
	fixit_place(ctx, fx, loc, old, text, 1);
}

int fixit_attach(struct walk_ctx *ctx, const struct fixit *fx, const char *desc)
{
	struct finding *f = walk_last_finding(ctx);

	if (!f || fx->bad || fx->n == 0 || f->fix)
		return 0;
	struct finding_repl *r = calloc(fx->n, sizeof(*r));
	char *d = strdup(desc);
	if (!r || !d)
		goto nomem;
	for (size_t i = 0; i < fx->n; i++) {
		r[i] = fx->r[i];
		r[i].path = strdup(fx->r[i].path);
		r[i].text = strdup(fx->r[i].text);
		if (!r[i].path || !r[i].text) {
			for (size_t k = 0; k <= i; k++) {
				free(r[k].path);
				free(r[k].text);
			}
			goto nomem;
		}
	}
	f->fix = r;
	f->nfix = fx->n;
	f->fix_desc = d;
	return 0;
nomem:
	free(r);
	free(d);
	return -ENOMEM;
}
