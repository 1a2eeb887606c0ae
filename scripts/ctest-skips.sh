#!/bin/sh
# ctest-skips.sh JUNIT — name every test that was skipped in a ctest run,
# from the file of `ctest --output-junit JUNIT`.
#
# Two kinds count: a test ctest itself skipped (exit 77 = SKIP_RETURN_CODE,
# e.g. tests/netns-run.sh without `unshare`), shown with the first line its
# output gave as the reason; and a cmocka case that called skip() inside a
# program that passed (cmocka's "[  SKIPPED ] case" line), shown as
# "program: case". One line per skipped test:
#
#   skipped: test_eyeballs (netns-run: cannot create a network namespace ...)
#   skipped: test_pool: test_range_check_sees_routes
#
# Exit status: 0 when nothing was skipped, 1 when something was, 2 when
# JUNIT cannot be read.
set -u
if [ "$#" -ne 1 ] || [ ! -r "$1" ]; then
  echo "usage: ctest-skips.sh JUNIT (a readable ctest --output-junit file)" >&2
  exit 2
fi
awk '
  function unxml(s) {
    gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s)
    gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s)
    return s
  }
  /<testcase / {
    name = $0; sub(/.*<testcase name="/, "", name); sub(/".*/, "", name)
    name = unxml(name); notrun = ($0 ~ /status="notrun"/); skipped = 0; reason = ""
    delete seen
  }
  /<skipped/ && notrun { skipped = 1 }
  /<system-out>/ { out = 1; sub(/.*<system-out>/, "") }
  out && skipped && reason == "" && $0 != "" { reason = $0; sub(/<\/system-out>.*/, "", reason) }
  out && /^\[  SKIPPED \] / && !/^\[  SKIPPED \] [0-9]+ test\(s\)/ {
    c = $0; sub(/^\[  SKIPPED \] /, "", c); sub(/<\/system-out>.*/, "", c); c = unxml(c)
    if (!(c in seen)) { seen[c] = 1; print "skipped: " name ": " c; n++ }
  }
  /<\/system-out>/ { out = 0 }
  /<\/testcase>/ {
    if (skipped) { print "skipped: " name (reason != "" ? " (" unxml(reason) ")" : ""); n++ }
    skipped = 0
  }
  END { exit n > 0 ? 1 : 0 }
' "$1"
