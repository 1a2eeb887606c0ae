/* runtime_join — `v6scan --runtime REPORT`: reads a report of v6run's
 * report mode (runtime.h), places its call sites with addr2line (the
 * program named by V6SCAN_ADDR2LINE, default addr2line), and sets each
 * finding's hits (findings.h) and fs->runtime_used, so every output format
 * says which findings ran and how often.
 *
 * On stderr: one line per call site that ran inside root (placed by line)
 * and matched no finding (at most 20: a miss of the scanner, or a line
 * outside what was scanned), then one summary line:
 *   v6scan: --runtime REPORT: N call sites in P processes (U without an
 *   exit line), L placed by line, F by function only, X not placed;
 *   R active findings ran, M sites matched no finding
 * path is the report's absolute path, shown the name the user gave, root
 * the scan's root (absolute, "/" allowed). Returns 0, -errno when the
 * report cannot be read (a message naming it is printed), -ENOMEM. */
#ifndef V6SCAN_RUNTIME_JOIN_H
#define V6SCAN_RUNTIME_JOIN_H

#include "findings.h"

int runtime_join(const char *path, const char *shown, struct findings *fs, const char *root);

#endif
