#!/bin/sh
# run-fixture.sh V6SCAN ROOT TARGET...
#
# A fixture is its own test: every line that should produce a finding says so
# with a trailing `expect: v6-id[, v6-id...]` comment. This runner scans the
# TARGETs (files or directories, relative to ROOT) with every check enabled
# and the inactive #if branches scanned
# and compares the findings (path:line:check) with the marks of all .c/.h
# files under the TARGETs: a missing finding and an unexpected one both fail.
# It also fails when v6scan cannot parse a fixture cleanly (exit status 3),
# prints a finding without its source line and caret, or does not print the
# `note:` replacement line once per check and file.
set -u
v6scan=$1 root=$2
shift 2
cd "$root" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

find "$@" -name '*.[ch]' | sort | while read -r f; do
  awk -v f="$f" '{
    if (match($0, /expect: [-a-z0-9, ]+/)) {
      n = split(substr($0, RSTART + 8, RLENGTH - 8), ids, /[ ,]+/)
      for (i = 1; i <= n; i++) if (ids[i] != "") print f ":" FNR ":" ids[i]
    }
  }' "$f"
done | sort > "$tmp/expected"

"$v6scan" --checks='*' --inactive-branches --fail-on none --root . "$@" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: v6scan exited $rc (expected 0 with --fail-on none)"
  cat "$tmp/err"
  exit 1
fi
# a finding ends in its [v6-id] (a note-level check's findings too); the
# two lines after it show the source line and a caret under it (they start
# with a blank); the check's advice note follows its first finding in each
# file only
grep -v '^ ' "$tmp/out" | grep ' \[v6-[a-z0-9-]*\]$' > "$tmp/findings"
sed -n 's/^\([^:]*\):\([0-9]*\):[0-9]*: [a-z]*: .* \[\(v6-[a-z0-9-]*\)\]$/\1:\2:\3/p' "$tmp/findings" |
  sort > "$tmp/actual"
nfind=$(wc -l < "$tmp/findings")
nsrc=$(grep -c '^ *[0-9][0-9]* | ' "$tmp/out")
ncaret=$(grep -c '^  *| [[:space:]]*^~*$' "$tmp/out")
nnote=$(grep -v '^ ' "$tmp/out" | grep ': note: ' | grep -vc ' \[v6-[a-z0-9-]*\]$')
npairs=$(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: [a-z]*: .* \[\(v6-[a-z0-9-]*\)\]$/\1 \2/p' "$tmp/findings" | sort -u | wc -l)
if [ "$nfind" -ne "$(wc -l < "$tmp/actual")" ] || [ "$nsrc" -ne "$nfind" ] || [ "$ncaret" -ne "$nfind" ] ||
  [ "$nnote" -ne "$npairs" ]; then
  echo "FAIL: malformed output (each finding: one line, its source line and caret; one note per check and file):"
  cat "$tmp/out"
  exit 1
fi
if ! diff -u "$tmp/expected" "$tmp/actual" > "$tmp/diff"; then
  echo "FAIL: findings differ from the expect: marks (- expected only, + found only)"
  cat "$tmp/diff"
  exit 1
fi
echo "ok: $(wc -l < "$tmp/expected") expected findings, all found, nothing else"
cat "$tmp/err"
