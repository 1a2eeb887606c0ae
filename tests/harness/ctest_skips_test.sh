#!/bin/sh
# ctest_skips_test.sh SCRIPT DATADIR — scripts/ctest-skips.sh names exactly
# the skipped tests of a ctest JUnit file (both kinds), exits 1 for them,
# 0 for a clean run and 2 for a missing file.
set -u
script=$1 data=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$(sh "$script" "$data/skips-junit.xml"); rc=$?
[ "$rc" -eq 1 ] || fail "skips: exit $rc, expected 1"
want="skipped: test_pool: test_range_check_sees_routes
skipped: test_eyeballs (netns-run: cannot create a network namespace (unshare -n refused): skipping)"
[ "$out" = "$want" ] || fail "skips: got
$out
expected
$want"

out=$(sh "$script" "$data/clean-junit.xml"); rc=$?
[ "$rc" -eq 0 ] && [ -z "$out" ] || fail "clean: exit $rc, output '$out'"

sh "$script" "$data/no-such-file.xml" 2>/dev/null; rc=$?
[ "$rc" -eq 2 ] || fail "missing file: exit $rc, expected 2"
echo "ctest-skips: 3 passed, 0 failed"
