#!/bin/sh
# check-consistency.sh V6SCAN TOP
#
# The one list of checks (scanner/checks/checks.def) against everything that
# must agree with it; TOP is the source tree. For every row
# V6SCAN_CHECK(stem, "id", LEVEL, CONFIDENCE, ...):
#   - stem is the id without "v6-", '-' written '_';
#   - `v6scan --list-checks --checks='*'` lists exactly the ids of the list, in its order,
#     with its level and confidence;
#   - scanner/checks/<stem>.c exists, and no other check source does;
#   - docs/checks/<id>.md exists, starts with "# <id>" and has the fixed
#     sections; `v6scan --explain <id>` prints exactly that page;
#   - docs/checks/README.md has the row "| [<id>](<id>.md) | level | confidence | ...";
#   - tests/scanner/fixtures/<stem>.c has an `expect:` mark for the id.
# And nothing is left over: no page, README row or check source without a row.
set -u
v6scan=$1 top=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
die() { echo "FAIL: $*"; fail=1; }

def="$top/scanner/checks/checks.def"
docs="$top/docs/checks"
fixtures="$top/tests/scanner/fixtures"
[ -r "$def" ] || { echo "FAIL: cannot read $def"; exit 1; }

# stem id level confidence, one row per line
sed -n 's/^V6SCAN_CHECK(\([a-z0-9_]*\), *"\([a-z0-9-]*\)", *\([A-Z]*\), *\([A-Z]*\),.*/\1 \2 \3 \4/p' "$def" \
  > "$tmp/rows"
nrows=$(wc -l < "$tmp/rows")
[ "$(grep -c '^V6SCAN_CHECK(' "$def")" -eq "$nrows" ] || die "checks.def has rows this test cannot read"
[ "$nrows" -gt 0 ] || die "checks.def lists no check"

lower() { echo "$1" | tr 'A-Z' 'a-z'; }

"$v6scan" --list-checks --checks='*' > "$tmp/list" 2> "$tmp/err" || die "--list-checks failed: $(cat "$tmp/err")"
awk '{ print $1, $2, $3 }' "$tmp/list" > "$tmp/listed"
while read -r stem id level conf; do
  echo "$id $(lower "$level") $(lower "$conf")"
done < "$tmp/rows" > "$tmp/want-list"
diff -u "$tmp/want-list" "$tmp/listed" > "$tmp/diff" ||
  { die "--list-checks (id level confidence) differs from checks.def (- list, + v6scan)"; cat "$tmp/diff"; }

while read -r stem id level conf; do
  want_stem=$(echo "${id#v6-}" | tr '-' '_')
  [ "$stem" = "$want_stem" ] || die "$id: its stem must be $want_stem, not $stem"
  [ -f "$top/scanner/checks/$stem.c" ] || die "$id: no source scanner/checks/$stem.c"
  page="$docs/$id.md"
  if [ ! -f "$page" ]; then
    die "$id: no page docs/checks/$id.md"
  else
    [ "$(head -1 "$page")" = "# $id" ] || die "$id: its page does not start with '# $id'"
    for sec in '## What it finds' '## Why' '## Flagged example' '## Fixed example' '## Limits'; do
      grep -qx "$sec" "$page" || die "$id: its page lacks the section '$sec'"
    done
    if V6SCAN_DOCS_DIR="$docs" "$v6scan" --explain "$id" > "$tmp/explain" 2> "$tmp/err"; then
      cmp -s "$page" "$tmp/explain" || die "$id: --explain does not print docs/checks/$id.md"
    else
      die "$id: --explain failed: $(cat "$tmp/err")"
    fi
  fi
  row="| [$id]($id.md) | $(lower "$level") | $(lower "$conf") |"
  grep -qF "$row" "$docs/README.md" || die "$id: docs/checks/README.md has no row starting '$row'"
  fx="$fixtures/$stem.c"
  if [ ! -f "$fx" ]; then
    die "$id: no fixture tests/scanner/fixtures/$stem.c"
  elif ! grep -Eq "expect: ([-a-z0-9]+, *)*$id([ ,]|\$)" "$fx"; then
    die "$id: its fixture tests/scanner/fixtures/$stem.c has no 'expect: $id' line"
  fi
done < "$tmp/rows"

# leftovers
cut -d' ' -f2 "$tmp/rows" | sort > "$tmp/ids"
for page in "$docs"/v6-*.md; do
  [ -e "$page" ] || continue
  id=$(basename "$page" .md)
  grep -qx "$id" "$tmp/ids" || die "docs/checks/$id.md documents no registered check"
done
sed -n 's/^| \[\(v6-[a-z0-9-]*\)\](.*/\1/p' "$docs/README.md" | while read -r id; do
  grep -qx "$id" "$tmp/ids" || echo "$id"
done > "$tmp/stray-rows"
[ -s "$tmp/stray-rows" ] && die "docs/checks/README.md has rows for unregistered checks: $(tr '\n' ' ' < "$tmp/stray-rows")"
cut -d' ' -f1 "$tmp/rows" | sort > "$tmp/stems"
for src in "$top"/scanner/checks/*.c; do
  stem=$(basename "$src" .c)
  [ "$stem" = registry ] && continue
  grep -qx "$stem" "$tmp/stems" || die "scanner/checks/$stem.c is not in checks.def"
done

[ $fail -eq 0 ] && echo "ok: $nrows checks, each with its source, page, README row, --explain and fixture"
exit $fail
