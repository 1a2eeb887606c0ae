/* registry — the sorted table of every check v6scan knows, and selection by
 * clang-tidy style glob lists ("-*,v6-gethostbyname", "v6-inet-*"). */
#ifndef V6SCAN_REGISTRY_H
#define V6SCAN_REGISTRY_H

#include <stddef.h>

#include "../check.h"

/* All checks, sorted by id; *n receives the count. */
const struct v6scan_check *const *registry_all(size_t *n);

/* The check with this exact id, or NULL. */
const struct v6scan_check *registry_find(const char *id);

/* Index of the check in registry_all() order, or -1. */
int registry_index(const struct v6scan_check *check);

/* 1 when the check at index i of registry_all() runs when no list names
 * it; 0 for the checks checks.def marks V6SCAN_CHECK_OFF. */
int registry_default_on(size_t i);

/* Evaluates a comma-separated glob list against every check: items are
 * applied in order, a leading '-' removes the matches, otherwise adds them;
 * the selection starts with the checks that are on by default
 * (registry_default_on), so "-*,x" means only x, "*" every check, and
 * "v6-udp-payload-assume" the default set plus that one.
 * enabled[] has registry_all() entries. Returns 0, or -EINVAL when an item
 * is empty or matches no check (a typo must not silently select nothing);
 * *bad then points into `list` at the offending item. */
int registry_select(const char *list, int *enabled, const char **bad);

#endif
