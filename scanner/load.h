/* load — reading a v6scan report (JSON or SARIF, as emit.h writes them) back
 * into a findings store: `v6scan merge` of CI shards, and the -j workers'
 * results. The format is recognised from the document (a SARIF log has
 * "runs"). Findings keep their fingerprints, suppression and baseline state;
 * the file counters and failed files are added to the store's.
 *
 * Every field read is checked (json_read.h): its type; line and column from
 * 1 to 4294967295; file counters from 0 to LOAD_MAX_FILES with filesParsed
 * <= filesTotal; a known check id and level; the members v6scan always
 * writes are required. The first bad field stops the load with a message
 * naming it, e.g. "findings[2].line: must be an integer from 1 to
 * 4294967295 (got 0)". Members v6scan does not read are ignored.
 */
#ifndef V6SCAN_LOAD_H
#define V6SCAN_LOAD_H

#include <jansson.h>
#include <stddef.h>

#include "findings.h"

/* The largest file counter a report may carry. */
#define LOAD_MAX_FILES 1000000000

/* The report's strings were written by json_write_lossless (the workers'
 * results), not json_write_string: decode them. */
#define LOAD_LOSSLESS 1u

/* Adds the report in `doc` to fs. *baseline_used is set to 1 when the report
 * says a baseline was applied. Returns 0, -EINVAL (not a v6scan report, or a
 * bad field; message in err), -ENOMEM. On an error fs may hold part of the
 * report. */
int load_report(const json_t *doc, struct findings *fs, int *baseline_used, unsigned flags, char *err, size_t errlen);

/* Reads (json_read_file, at most JSON_READ_MAX_REPORT bytes), parses and
 * adds a report file; errors as above plus json_read_file's. */
int load_report_file(const char *path, struct findings *fs, int *baseline_used, char *err, size_t errlen);

#endif
