/* load — reading a v6scan report (JSON or SARIF, as emit.h writes them) back
 * into a findings store: `v6scan merge` of CI shards, and the -j workers'
 * results. The format is recognised from the document (a SARIF log has
 * "runs"). Findings keep their fingerprints, suppression and baseline state;
 * the file counters and failed files are added to the store's.
 */
#ifndef V6SCAN_LOAD_H
#define V6SCAN_LOAD_H

#include <stddef.h>

#include "findings.h"
#include "json.h"

/* Adds the report in `doc` to fs. *baseline_used is set to 1 when the report
 * says a baseline was applied. Returns 0, -EINVAL (not a v6scan report, or
 * an unknown check id; message in err), -ENOMEM. */
int load_report(const struct json_value *doc, struct findings *fs, int *baseline_used, char *err,
		size_t errlen);

/* Reads, parses and adds a report file; errors as above plus -errno. */
int load_report_file(const char *path, struct findings *fs, int *baseline_used, char *err, size_t errlen);

#endif
