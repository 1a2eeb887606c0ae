/* emit_html — the HTML report: one self-contained page to plan a port with;
 * see emit.h for its contract. Everything written from a finding, a path or
 * a source line goes through html_text (escaped, and well-formed UTF-8). */
#include "emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "utf8.h"
#include "v6kit_version.h"

#define HTML_CONTEXT 2              /* source lines shown before and after */
#define HTML_MAX_SOURCE (16u << 20) /* a bigger file is shown without its lines */

/* Writes s escaped for text and attribute values (&<>"'), each byte that is
 * not part of well-formed UTF-8 as U+FFFD; at most n bytes of s. */
static void html_text_n(FILE *f, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end && *s) {
		size_t k;
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			s++;
			continue;
		case '<':
			fputs("&lt;", f);
			s++;
			continue;
		case '>':
			fputs("&gt;", f);
			s++;
			continue;
		case '"':
			fputs("&quot;", f);
			s++;
			continue;
		case '\'':
			fputs("&#39;", f);
			s++;
			continue;
		default: break;
		}
		k = utf8_seq_len(s);
		if (k == 0 || (size_t)(end - s) < k) {
			fputs(UTF8_REPLACEMENT, f);
			s++;
		} else if ((unsigned char)*s < 0x20 && *s != '\t') {
			fputs(UTF8_REPLACEMENT, f); /* C0 controls are not allowed in HTML text */
			s++;
		} else {
			fwrite(s, 1, k, f);
			s += k;
		}
	}
}

static void html_text(FILE *f, const char *s)
{
	html_text_n(f, s, strlen(s));
}

static int html_active(const struct finding *x)
{
	return !x->suppressed && !x->baselined;
}

/* A file's lines, read once for all its findings. */
struct html_source {
	char *buf;         /* NUL-terminated contents, or NULL when unreadable */
	const char **line; /* line[i] is 1-based line i+1; not NUL-terminated */
	size_t *len;       /* ... and its length without the newline */
	size_t nlines;
};

/* Reads root/path (path as is when absolute or root is NULL). Returns 0 or
 * -errno (the page then says the lines are unavailable). */
static int html_source_read(struct html_source *src, const char *root, const char *path)
{
	char *full = NULL;
	FILE *in;
	size_t cap = 0, n = 0, got;
	int rc = 0;

	memset(src, 0, sizeof(*src));
	if (root && path[0] != '/') {
		if (asprintf(&full, "%s/%s", root, path) < 0)
			return -ENOMEM;
	}
	in = fopen(full ? full : path, "rb");
	free(full);
	if (!in)
		return -errno;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			if (cap > HTML_MAX_SOURCE + 1) {
				rc = -EFBIG;
				break;
			}
			nb = realloc(src->buf, cap);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			src->buf = nb;
		}
		got = fread(src->buf + n, 1, cap - n - 1, in);
		n += got;
		if (got == 0) {
			if (ferror(in))
				rc = -EIO;
			break;
		}
	}
	fclose(in);
	if (rc == 0 && !src->buf)
		src->buf = calloc(1, 1);
	if (rc || !src->buf)
		goto fail;
	src->buf[n] = '\0';
	/* a NUL in the file ends what is shown: the escaper stops there */
	size_t cnt = 1;
	for (size_t i = 0; i < n; i++)
		cnt += src->buf[i] == '\n';
	src->line = malloc(cnt * sizeof(*src->line));
	src->len = malloc(cnt * sizeof(*src->len));
	if (!src->line || !src->len) {
		rc = -ENOMEM;
		goto fail;
	}
	const char *p = src->buf, *e = src->buf + n;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);
		if (l && p[l - 1] == '\r')
			l--;
		src->line[src->nlines] = p;
		src->len[src->nlines++] = l;
		p = nl ? nl + 1 : e;
	}
	return 0;
fail:
	free(src->buf);
	free(src->line);
	free(src->len);
	memset(src, 0, sizeof(*src));
	return rc ? rc : -ENOMEM;
}

static void html_source_free(struct html_source *src)
{
	free(src->buf);
	free(src->line);
	free(src->len);
}

/* The directory part of a repo-relative path ("." at the top). */
static size_t html_dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static void html_dir(FILE *f, const char *path)
{
	size_t l = html_dir_len(path);
	if (l)
		html_text_n(f, path, l);
	else
		fputs(".", f);
}

static const char html_style[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}"
	"h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0 1.5em}"
	"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}"
	"td.n{text-align:right}code,pre{font:13px/1.35 ui-monospace,monospace}"
	"pre{background:#f6f6f6;border:1px solid #ddd;padding:.4em 0;overflow-x:auto;margin:.3em 0}"
	"pre span{display:block;padding:0 .6em;white-space:pre}pre span.hit{background:#ffe9a8}"
	".finding{margin:1em 0 1.5em}.msg{margin:0}.fix{margin:.2em 0}"
	".error{color:#a00}.warning{color:#8a5a00}.note{color:#05a}";

static void html_finding(FILE *f, const struct finding *x, const struct html_source *src, int have_src)
{
	const char *lvl = check_level_name(x->level);

	fputs("<div class=\"finding\">\n<p class=\"msg\"><code>", f);
	html_text(f, x->path);
	fprintf(f, ":%u:%u</code> <strong class=\"%s\">%s</strong> ", x->line, x->column, lvl, lvl);
	html_text(f, x->message);
	fputs(" <code>[", f);
	html_text(f, x->check->id);
	fputs("]</code>", f);
	if (x->scope && *x->scope) {
		fputs(" in <code>", f);
		html_text(f, x->scope);
		fputs("</code>", f);
	}
	fputs("</p>\n", f);
	if (have_src && x->line >= 1 && x->line <= src->nlines) {
		size_t from = x->line > HTML_CONTEXT ? x->line - HTML_CONTEXT : 1;
		size_t to = x->line + HTML_CONTEXT <= src->nlines ? x->line + HTML_CONTEXT : src->nlines;
		fputs("<pre>", f);
		for (size_t l = from; l <= to; l++) {
			fprintf(f, "<span%s>%5zu  ", l == x->line ? " class=\"hit\"" : "", l);
			html_text_n(f, src->line[l - 1], src->len[l - 1]);
			fputs("</span>", f);
		}
		fputs("</pre>\n", f);
	} else {
		fputs("<p><em>(source line not available)</em></p>\n", f);
	}
	fputs("<p class=\"fix\">Instead: ", f);
	html_text(f, x->check->fix);
	fputs("</p>\n</div>\n", f);
}

/* Totals per check, in the order of the first finding of each (the findings
 * are sorted by path; the table is then sorted by count, descending). */
static int html_per_check(FILE *f, const struct findings *fs, const struct emit_info *info)
{
	const struct v6scan_check **ids = NULL;
	size_t *cnt = NULL, n = 0;

	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		size_t k;
		if (!html_active(x))
			continue;
		for (k = 0; k < n && ids[k] != x->check; k++)
			;
		if (k == n) {
			const struct v6scan_check **ni = realloc(ids, (n + 1) * sizeof(*ids));
			size_t *nc = ni ? realloc(cnt, (n + 1) * sizeof(*cnt)) : NULL;
			if (ni)
				ids = ni;
			if (!nc) {
				free(ids);
				free(cnt);
				return -ENOMEM;
			}
			cnt = nc;
			ids[n] = x->check;
			cnt[n++] = 0;
		}
		cnt[k]++;
	}
	/* insertion sort: count descending, then id (a handful of rows) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && (cnt[j] > cnt[j - 1] || (cnt[j] == cnt[j - 1] && strcmp(ids[j]->id, ids[j - 1]->id) < 0));
		     j--) {
			const struct v6scan_check *t = ids[j];
			size_t c = cnt[j];
			ids[j] = ids[j - 1];
			cnt[j] = cnt[j - 1];
			ids[j - 1] = t;
			cnt[j - 1] = c;
		}
	fputs("<h2 id=\"per-check\">Findings per check</h2>\n<table>\n"
	      "<tr><th>check</th><th>level</th><th>findings</th><th>what it finds</th></tr>\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td><code>", f);
		html_text(f, ids[i]->id);
		int k = registry_index(ids[i]);
		enum v6scan_level lvl = info->levels && k >= 0 && info->levels[k] >= 0
			? (enum v6scan_level)info->levels[k]
			: ids[i]->level;
		fprintf(f, "</code></td><td>%s</td><td class=\"n\">%zu</td><td>", check_level_name(lvl), cnt[i]);
		html_text(f, ids[i]->summary);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	free(ids);
	free(cnt);
	return 0;
}

/* Totals per directory and per file, in path order (directories as they
 * come: findings are sorted by path, so one directory's files may be split
 * by a subdirectory; counted once each). */
static int html_per_dir(FILE *f, const struct findings *fs)
{
	const char **dirs = NULL;
	size_t *cnt = NULL, *files = NULL, n = 0;
	const char *last_file = NULL;

	for (size_t i = 0; i < fs->count; i++) {
		const struct finding *x = &fs->items[i];
		size_t k, dl = html_dir_len(x->path);
		if (!html_active(x))
			continue;
		for (k = 0; k < n; k++)
			if (html_dir_len(dirs[k]) == dl && strncmp(dirs[k], x->path, dl) == 0)
				break;
		if (k == n) {
			const char **nd = realloc(dirs, (n + 1) * sizeof(*dirs));
			size_t *nc = nd ? realloc(cnt, (n + 1) * sizeof(*cnt)) : NULL;
			size_t *nf = nc ? realloc(files, (n + 1) * sizeof(*files)) : NULL;
			if (nd)
				dirs = nd;
			if (nc)
				cnt = nc;
			if (!nf) {
				free(dirs);
				free(cnt);
				free(files);
				return -ENOMEM;
			}
			files = nf;
			dirs[n] = x->path;
			cnt[n] = files[n] = 0;
			n++;
		}
		cnt[k]++;
		if (!last_file || strcmp(last_file, x->path) != 0)
			files[k]++;
		last_file = x->path;
	}
	fputs("<h2 id=\"per-directory\">Findings per directory</h2>\n<table>\n"
	      "<tr><th>directory</th><th>files</th><th>findings</th></tr>\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td><code>", f);
		html_dir(f, dirs[i]);
		fprintf(f, "</code></td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n", files[i], cnt[i]);
	}
	fputs("</table>\n", f);
	free(dirs);
	free(cnt);
	free(files);
	return 0;
}

int emit_html(FILE *f, const struct findings *fs, const struct emit_info *info)
{
	struct findings_counts c = findings_count(fs);
	size_t file_no = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>v6scan report</title>\n<style>",
	      f);
	fputs(html_style, f);
	fputs("</style>\n</head>\n<body>\n<h1>v6scan report</h1>\n", f);
	fprintf(f,
		"<p id=\"summary\">%zu finding%s (%zu error%s, %zu warning%s, %zu note%s), %zu suppressed, "
		"%zu baselined, %zu/%zu files parsed. v6scan %s.</p>\n",
		c.active, c.active == 1 ? "" : "s", c.errors, c.errors == 1 ? "" : "s", c.warnings,
		c.warnings == 1 ? "" : "s", c.notes, c.notes == 1 ? "" : "s", c.suppressed, c.baselined,
		fs->files_parsed, fs->files_total, V6KIT_VERSION);
	if (fs->failed_count) {
		fputs("<h2 id=\"failed\">Files that did not parse</h2>\n<p>Their findings may be incomplete.</p>\n<ul>\n",
		      f);
		for (size_t i = 0; i < fs->failed_count; i++) {
			fputs("<li><code>", f);
			html_text(f, fs->failed[i].path);
			fputs("</code>", f);
			if (fs->failed[i].why && *fs->failed[i].why) {
				fputs(": ", f);
				html_text(f, fs->failed[i].why);
			}
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	if (html_per_check(f, fs, info) || html_per_dir(f, fs))
		return -ENOMEM;

	fputs("<h2 id=\"files\">Findings per file</h2>\n", f);
	for (size_t i = 0; i < fs->count;) {
		const char *path = fs->items[i].path;
		size_t j = i, nact = 0;
		for (; j < fs->count && strcmp(fs->items[j].path, path) == 0; j++)
			nact += html_active(&fs->items[j]);
		if (nact) {
			struct html_source src;
			int have = html_source_read(&src, info->root, path) == 0;
			fprintf(f, "<section id=\"file-%zu\">\n<h3><code>", ++file_no);
			html_text(f, path);
			fprintf(f, "</code> (%zu finding%s)</h3>\n", nact, nact == 1 ? "" : "s");
			for (size_t k = i; k < j; k++)
				if (html_active(&fs->items[k]))
					html_finding(f, &fs->items[k], &src, have);
			fputs("</section>\n", f);
			if (have)
				html_source_free(&src);
		}
		i = j;
	}
	if (!file_no)
		fputs("<p>No findings.</p>\n", f);
	fputs("</body>\n</html>\n", f);
	return ferror(f) ? -EIO : 0;
}
