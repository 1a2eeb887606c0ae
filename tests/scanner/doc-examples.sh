#!/bin/sh
# doc-examples.sh V6SCAN DOCS_DIR RUNNER
#
# The examples in docs/checks/*.md are tested code: each page's "Flagged
# example" block must carry `expect:` marks, its "Fixed example" block none;
# every block must compile (cc -fsyntax-only -Wall -Werror) and v6scan must
# report exactly the marked lines (checked by RUNNER, run-fixture.sh).
set -u
v6scan=$1 docs=$2 runner=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/examples"
fail=0
for page in "$docs"/v6-*.md; do
  id=$(basename "$page" .md)
  awk -v out="$tmp/examples/$id" '
    /^## / { section = $0 }
    /^```c$/ { n++; inblock = 1; file = out (section ~ /Flagged/ ? "-flagged" : "-fixed") ".c"; next }
    /^```$/ { inblock = 0; next }
    inblock { print > file }
  ' "$page"
  for kind in flagged fixed; do
    f="$tmp/examples/$id-$kind.c"
    if [ ! -s "$f" ]; then
      echo "FAIL: $id: no $kind example block"
      fail=1
      continue
    fi
    marks=$(grep -c 'expect: ' "$f")
    if [ "$kind" = flagged ] && ! grep -q "expect: .*$id" "$f"; then
      echo "FAIL: $id: the flagged example has no expect: mark for $id"
      fail=1
    fi
    if [ "$kind" = fixed ] && [ "$marks" -ne 0 ]; then
      echo "FAIL: $id: the fixed example must not be flagged"
      fail=1
    fi
    if ! ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsyntax-only "$f" 2> "$tmp/cc.err"; then
      echo "FAIL: $id $kind example does not compile:"
      cat "$tmp/cc.err"
      fail=1
    fi
  done
done
sh "$runner" "$v6scan" "$tmp" examples || fail=1
exit $fail
