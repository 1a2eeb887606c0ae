/* workers — running the jobs of a scan: in forked worker processes, each
 * with its own CXIndex (a libclang index is not shared between threads or
 * processes, and a crash in libclang only loses the file its worker was
 * parsing), or in this process for one job slot without a time limit.
 *
 * Two phases: first every source file (.c), then only the headers (.h) that
 * no parsed source file included. A header is thus analysed through the
 * files that include it, with their flags, and parsed on its own only when
 * nothing includes it (a header that is not self-contained does not fail the
 * scan when its includers are scanned).
 *
 * In a phase, each worker takes the next job index from a counter in shared
 * memory (so a slow file does not hold up a fixed share of the others). A
 * worker writes, per finished file, one line {"job": i, "covered": [project
 * headers it included], "report": <compact emit_json report>} on its result
 * file (strings in json_write_lossless form, so every byte of a path
 * survives), and tells the parent on its own event pipe when it starts and
 * finishes a job. The parent merges all results into one store; since the
 * store is normalised (sorted, de-duplicated) afterwards, -j N gives exactly
 * the findings of -j 1.
 *
 * Time limit (file_timeout seconds, 0: none): a worker whose current file
 * has been parsed and walked for longer is stopped with SIGKILL (libclang
 * cannot be interrupted safely inside a process, so a limit always runs
 * through a worker, for -j 1 too); the file is counted as not analysed,
 * with "v6scan: <path>: not analysed: parsing took longer than N s
 * (--file-timeout); its worker was stopped" on stderr. A worker that dies
 * of a signal loses its file likewise ("... its worker was killed by
 * signal N"). While files are left, a new worker takes the dead one's
 * place.
 *
 * In this process (one job slot, no limit) the working directory is
 * restored after each file: libclang's driver applies -working-directory
 * with chdir(2).
 */
#ifndef V6SCAN_WORKERS_H
#define V6SCAN_WORKERS_H

#include "findings.h"
#include "jobs.h"
#include "parse.h"
#include "walk.h"

struct workers_setup {
	const struct parse_opts *parse;
	const struct walk_config *walk; /* walk->root also bounds "project header" */
	unsigned njobs;                 /* >= 1 */
	unsigned file_timeout;          /* seconds per file, 0: no limit */
	int progress;                   /* 1: draw a progress line on stderr */
};

/* Scans every job into out (files_total/files_parsed/failed updated; a
 * header skipped because an includer covered it counts in neither).
 * Returns 0, or -errno for a system failure (fork, pipe, temporary file,
 * memory) — a file that fails to parse, runs out of time or crashes its
 * worker is not an error here. */
int workers_run(const struct joblist *jl, const struct workers_setup *s, struct findings *out);

#endif
