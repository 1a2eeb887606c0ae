#!/bin/sh
# pre-commit.sh SRCDIR V6SCAN — the hook of .pre-commit-hooks.yaml, run the
# way pre-commit runs it (entry, args, then the file names) with v6scan first
# on PATH: a legacy file fails the commit (exit 1, findings on stdout), a
# ported one passes (exit 0).
set -u
src=$1 v6scan=$2
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" && ln -s "$v6scan" "$tmp/bin/v6scan"
cmd=$(python3 -c 'import sys, yaml, shlex
h = [x for x in yaml.safe_load(open(sys.argv[1])) if x["id"] == "v6scan"][0]
assert h["language"] == "system" and "c" in h.get("types_or", h.get("types", [])), h
print(" ".join([h["entry"]] + [shlex.quote(a) for a in h.get("args", [])]))' "$src/.pre-commit-hooks.yaml") ||
  { echo "FAIL: cannot read the v6scan hook"; exit 1; }
fails=0
cd "$src" || exit 1
PATH=$tmp/bin:$PATH sh -c "$cmd samples/legacy/echo_client.c" > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^samples/legacy/echo_client\.c:[0-9]*:[0-9]*: error: .*\[v6-gethostbyname\]$' "$tmp/out" &&
  echo "ok   legacy file: commit refused with the findings" || { echo "FAIL: legacy: exit $rc"; cat "$tmp/out"; fails=1; }
PATH=$tmp/bin:$PATH sh -c "$cmd samples/ported/echo_client.c samples/ported/echo_server.c" > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && echo "ok   ported files: commit passes" || { echo "FAIL: ported: exit $rc"; cat "$tmp/out"; fails=1; }
exit $fails
