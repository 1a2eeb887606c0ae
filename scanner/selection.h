/* selection — the checks a scan runs: --checks (or the configuration's
 * checks) applied as clang-tidy applies its Checks string.
 */
#ifndef V6SCAN_SELECTION_H
#define V6SCAN_SELECTION_H

/* Sets enabled[] (registry_all() entries) from list, NULL meaning the
 * default set, every check but those off by default (registry_default_on;
 * else registry_select's globs, in order, '-' removing). An item that
 * names no check is a warning on stderr ("v6scan: warning: --checks: 'x'
 * names no check (see --list-checks)") and is left out, so that one
 * string serves several versions; an empty item is an error, and so is a
 * list that enables no check (a scan that could find nothing). Messages
 * name `what` ("--checks", or "FILE:LINE: checks"). Returns 0, -EINVAL
 * (message on stderr), -ENOMEM. */
int selection_apply(const char *list, const char *what, int *enabled);

#endif
