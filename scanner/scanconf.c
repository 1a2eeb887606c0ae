/* scanconf — see scanconf.h. */
#include "scanconf.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"

/* One override "GLOB=LEVEL" (checked by cli_parse or projconf_load) into
 * levels[]; a glob that names no check is a warning, as in --checks. */
static void scanconf_severity(signed char *levels, const char *item, const char *what)
{
	size_t n;
	const struct v6scan_check *const *all = registry_all(&n);
	const char *eq = strrchr(item, '=');
	char glob[128];
	enum v6scan_level level;
	int hits = 0;

	if (!eq || (size_t)(eq - item) >= sizeof(glob) || check_level_parse(eq + 1, &level))
		return; /* not reached: both parsers checked it */
	memcpy(glob, item, (size_t)(eq - item));
	glob[eq - item] = '\0';
	for (size_t i = 0; i < n && i < 64; i++)
		if (fnmatch(glob, all[i]->id, 0) == 0) {
			levels[i] = (signed char)level;
			hits = 1;
		}
	if (!hits)
		fprintf(stderr, "v6scan: warning: %s: '%s' names no check (see --list-checks)\n", what, glob);
}

/* The severities and the header filter of sc->eff into levels and
 * header_re. 0 or -EINVAL (message on stderr). */
static int scanconf_derive(struct scanconf *sc, const struct cli_opts *cli)
{
	char what[PATH_MAX + 24];
	int any = 0;

	snprintf(what, sizeof(what), "%s: severity", sc->file.path ? sc->file.path : "");
	for (size_t i = 0; i < sc->file.nseverities; i++)
		scanconf_severity(sc->levels, sc->file.severities[i], what);
	for (size_t i = 0; i < cli->nseverities; i++)
		scanconf_severity(sc->levels, cli->severities[i], "--severity");
	for (size_t i = 0; i < sizeof(sc->levels); i++)
		any |= sc->levels[i] >= 0;
	sc->eff.check_levels = any ? sc->levels : NULL;
	if (!sc->eff.header_filter)
		return 0;
	int rc = regcomp(&sc->header_re, sc->eff.header_filter, REG_EXTENDED | REG_NOSUB);
	if (rc) { /* not reached: both parsers compiled it */
		fprintf(stderr, "v6scan: %s '%s' is not a regular expression\n", sc->header_what,
			sc->eff.header_filter);
		return -EINVAL;
	}
	sc->has_header_re = 1;
	return 0;
}

int scanconf_load(const struct cli_opts *cli, const char *root, struct scanconf *sc)
{
	char err[PATH_MAX + 256];
	char *path = NULL;
	int rc;

	memset(&sc->file, 0, sizeof(sc->file));
	memset(sc->levels, -1, sizeof(sc->levels));
	sc->has_header_re = 0;
	sc->eff = *cli;
	snprintf(sc->checks_what, sizeof(sc->checks_what), "--checks");
	snprintf(sc->baseline_what, sizeof(sc->baseline_what), "--baseline");
	snprintf(sc->header_what, sizeof(sc->header_what), "--header-filter");
	if (cli->no_config)
		return scanconf_derive(sc, cli);
	if (cli->config) {
		rc = cli_absolute(cli->config, &path);
		if (rc) {
			fprintf(stderr, "v6scan: %s %s: %s\n", cli->config_opt, cli->config, strerror(-rc));
			return -EINVAL;
		}
	} else {
		path = projconf_find(root);
		if (!path)
			return scanconf_derive(sc, cli);
	}
	rc = projconf_load(path, &sc->file, err, sizeof(err));
	free(path);
	if (rc) {
		fprintf(stderr, "v6scan: %s%s%s\n", cli->config ? cli->config_opt : "", cli->config ? " " : "", err);
		return -EINVAL;
	}
	fprintf(stderr, "v6scan: using the configuration %s\n", sc->file.path);
	const struct projconf *conf = &sc->file;
	struct cli_opts *eff = &sc->eff;
	if (!cli->checks && conf->checks) {
		eff->checks = conf->checks;
		snprintf(sc->checks_what, sizeof(sc->checks_what), "%s: checks", conf->path);
	}
	if (!cli->nexcludes && conf->nexcludes) {
		eff->excludes = conf->excludes;
		eff->nexcludes = conf->nexcludes;
	}
	if (!cli->fail_on_set && conf->has_fail_on) {
		eff->fail_on = conf->fail_on;
		eff->fail_never = conf->fail_never;
	}
	if (!cli->baseline && !cli->write_baseline && conf->baseline) {
		eff->baseline = conf->baseline;
		snprintf(sc->baseline_what, sizeof(sc->baseline_what), "%s: baseline", conf->path);
	}
	if (!cli->format_set && conf->has_format)
		eff->format = conf->format;
	if (!cli->min_confidence_set && conf->has_min_confidence)
		eff->min_confidence = conf->min_confidence;
	if (!cli->header_filter && conf->header_filter) {
		eff->header_filter = conf->header_filter;
		snprintf(sc->header_what, sizeof(sc->header_what), "%s: header-filter", conf->path);
	}
	return scanconf_derive(sc, cli);
}

void scanconf_free(struct scanconf *sc)
{
	projconf_free(&sc->file);
	if (sc->has_header_re)
		regfree(&sc->header_re);
	sc->has_header_re = 0;
}

struct scanconf_hdr {
	const struct scanconf *sc;
	const struct joblist *jobs;
	const char *root;
	char *abs; /* a buffer for root/path */
	size_t abslen;
	int nomem;
};

/* 1 when neither the root-relative path nor root/path matches. */
static int scanconf_hdr_nomatch(struct scanconf_hdr *h, const char *path, size_t pl, size_t rl)
{
	if (regexec(&h->sc->header_re, path, 0, NULL, 0) == 0)
		return 0;
	if (rl + pl + 2 > h->abslen) {
		char *nb = realloc(h->abs, rl + pl + 2);
		if (!nb) {
			h->nomem = 1;
			return 0;
		}
		h->abs = nb;
		h->abslen = rl + pl + 2;
	}
	snprintf(h->abs, h->abslen, "%s/%s", strcmp(h->root, "/") == 0 ? "" : h->root, path);
	return regexec(&h->sc->header_re, h->abs, 0, NULL, 0) != 0;
}

/* findings_remove_if's test: 1 to drop f (a header the filter does not
 * match). */
static int scanconf_hdr_drop(const struct finding *f, void *arg)
{
	struct scanconf_hdr *h = arg;
	size_t pl = strlen(f->path), rl = strlen(h->root);

	/* a main file is always reported; jobs_finish sorted the jobs by
	 * relpath (strcmp) */
	size_t lo = 0, hi = h->jobs->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(h->jobs->items[mid].relpath, f->path);
		if (c == 0)
			return !(pl > 2 && strcmp(f->path + pl - 2, ".c") == 0) &&
				scanconf_hdr_nomatch(h, f->path, pl, rl);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return scanconf_hdr_nomatch(h, f->path, pl, rl);
}

int scanconf_apply(const struct scanconf *sc, const struct joblist *jobs, struct findings *fs)
{
	findings_set_levels(fs, sc->eff.check_levels);
	if (!sc->has_header_re)
		return 0;
	struct scanconf_hdr h = { .sc = sc, .jobs = jobs, .root = fs->root ? fs->root : "" };
	size_t dropped = findings_remove_if(fs, scanconf_hdr_drop, &h);
	free(h.abs);
	if (h.nomem)
		return -ENOMEM;
	if (dropped)
		fprintf(stderr, "v6scan: %zu finding%s in headers left out by %s\n", dropped, dropped == 1 ? "" : "s",
			sc->header_what);
	return 0;
}

/* Whether projconf_load would read value back unchanged: not empty, no
 * blank at either end (trimmed), no line break (ends the line). */
static int scanconf_writable(const char *value)
{
	size_t n = strlen(value);

	return n > 0 && !isspace((unsigned char)value[0]) && !isspace((unsigned char)value[n - 1]) &&
		!strpbrk(value, "\n\r");
}

/* "key = value\n", or -EINVAL with a message naming what. */
static int scanconf_key(FILE *out, const char *key, const char *value, const char *what)
{
	if (!scanconf_writable(value)) {
		fprintf(stderr,
			"v6scan: --dump-config: %s '%s' cannot be written in a .v6scan (its values are "
			"not empty and have no blank at either end and no line break)\n",
			what, value);
		return -EINVAL;
	}
	fprintf(out, "%s = %s\n", key, value);
	return 0;
}

/* The options of the command line that are configuration, as typed. */
static void scanconf_cli_names(const struct cli_opts *cli, char *buf, size_t len)
{
	const char *const names[] = { "--checks",   "--exclude",  "--header-filter",
				      "--severity", "--fail-on",  "--min-confidence",
				      "--format",   "--baseline", "--write-baseline" };
	const int given[] = { cli->checks != NULL,  cli->nexcludes > 0,    cli->header_filter != NULL,
			      cli->nseverities > 0, cli->fail_on_set,      cli->min_confidence_set,
			      cli->format_set,      cli->baseline != NULL, cli->write_baseline != NULL };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (given[i] && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", names[i]);
}

/* "# N checks enabled: a, b, ..." wrapped below 80 columns. */
static void scanconf_enabled(FILE *out, const int *enabled)
{
	size_t n, count = 0, col;
	const struct v6scan_check *const *all = registry_all(&n);

	for (size_t i = 0; i < n; i++)
		count += enabled[i] != 0;
	col = (size_t)fprintf(out, "# %zu check%s enabled:", count, count == 1 ? "" : "s");
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!enabled[i])
			continue;
		size_t w = strlen(all[i]->id) + 2;
		if (col + w > 78) {
			fputs("\n#  ", out);
			col = 3;
		}
		col += (size_t)fprintf(out, " %s%s", all[i]->id, ++k < count ? "," : "");
	}
	fputc('\n', out);
}

static int scanconf_write(FILE *out, const struct scanconf *sc, const struct cli_opts *cli, const char *root,
			  const int *enabled)
{
	static const char *const formats[] = { "text", "json", "sarif", "html", "codeclimate" };
	const struct cli_opts *o = &sc->eff;
	char given[160];
	int rc = 0;

	scanconf_cli_names(cli, given, sizeof(given));
	fprintf(out, "# v6scan --dump-config: the configuration of a scan of %s\n", root);
	if (sc->file.path)
		fprintf(out, "# from %s%s%s\n", sc->file.path, *given ? ", then the command line: " : "", given);
	else
		fprintf(out, "# from %s%s%s, and the defaults\n",
			cli->no_config ? "no .v6scan (--no-config)" : "no .v6scan (none in the root or above)",
			*given ? ", the command line: " : "", given);
	if (o->checks)
		rc = scanconf_key(out, "checks", o->checks, "--checks");
	else
		fputs("# checks: not set, the default set (every check not off by default)\n", out);
	if (rc)
		return rc;
	scanconf_enabled(out, enabled);
	for (size_t i = 0; rc == 0 && i < o->nexcludes; i++)
		rc = scanconf_key(out, "exclude", o->excludes[i], "--exclude");
	if (rc)
		return rc;
	if (o->header_filter)
		rc = scanconf_key(out, "header-filter", o->header_filter, sc->header_what);
	else
		fputs("# header-filter: not set (findings in every project header are reported)\n", out);
	for (size_t i = 0; rc == 0 && i < sc->file.nseverities + cli->nseverities; i++) {
		const char *item =
			i < sc->file.nseverities ? sc->file.severities[i] : cli->severities[i - sc->file.nseverities];
		const char *eq = strrchr(item, '=');
		fprintf(out, "severity %.*s = %s\n", (int)(eq - item), item, eq + 1);
	}
	if (rc)
		return rc;
	if (!sc->file.nseverities && !cli->nseverities)
		fputs("# severity: none set (each check at its own level)\n", out);
	fprintf(out, "fail-on = %s\n", o->fail_never ? "none" : check_level_name(o->fail_on));
	fprintf(out, "min-confidence = %s\n", check_confidence_name(o->min_confidence));
	fprintf(out, "format = %s\n", formats[o->format]);
	if (o->baseline) {
		char *abs;
		rc = cli_absolute(o->baseline, &abs);
		if (rc == -ENOMEM)
			return rc;
		if (rc) {
			fprintf(stderr, "v6scan: --dump-config: --baseline %s: %s\n", o->baseline, strerror(-rc));
			return -EINVAL;
		}
		rc = scanconf_key(out, "baseline", abs, "--baseline");
		free(abs);
	} else {
		fprintf(out, "# baseline: none%s\n", cli->write_baseline ? " (--write-baseline replaces it)" : "");
	}
	return rc;
}

int scanconf_dump(FILE *out, const struct scanconf *sc, const struct cli_opts *cli, const char *root,
		  const int *enabled)
{
	/* all or nothing: a value found unwritable half-way leaves no half
	 * configuration on out */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;

	if (!mem)
		return -ENOMEM;
	rc = scanconf_write(mem, sc, cli, root, enabled);
	if (fclose(mem) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc == 0)
		fwrite(text, 1, len, out);
	free(text);
	return rc;
}
