#!/bin/sh
# fixit-tests.sh V6SCAN HERE CC CLANG_APPLY_REPLACEMENTS
#
# Fix-its end to end, on fixits/src (a header included by two files, and
# per check the cases that get a fix-it and those that must not):
#   - --fix rewrites the files into exactly fixits/expected (suppressed
#     findings and unsafe cases untouched, the header's edit applied once),
#     keeping each file's mode;
#   - the fixed code compiles (CC -fsyntax-only -Wall -Werror);
#   - a rescan reports no fix-it and, of the three checks, only the
#     findings that had none;
#   - clang-apply-replacements on the --export-fixes YAML produces the same
#     bytes as --fix;
#   - JSON carries "fix", SARIF "fixes" (§3.55), and a merge of either
#     gives back the same report.
set -u
v6scan=$1 here=$2 cc=$3 car=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
die() { echo "FAIL: $*"; exit 1; }

for d in a b; do
  mkdir -p "$tmp/$d/.git"
  cp "$here"/fixits/src/* "$tmp/$d/"
done
chmod 0640 "$tmp/a/storage.c"
mkdir "$tmp/yaml"

# the text report names each fix-it under its finding
"$v6scan" --no-config "$tmp/b" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || die "scan: exit status: $(cat "$tmp/err")"
grep -qxF 'hints.c:20:20: fix-it: replace AF_INET with AF_UNSPEC. (--fix applies it)' "$tmp/out" ||
  die "no fix-it line: $(cat "$tmp/out")"
[ "$(grep -c ': fix-it: ' "$tmp/out")" -eq 8 ] || die "fix-it lines: $(grep ': fix-it: ' "$tmp/out")"

"$v6scan" --no-config --fix --export-fixes "$tmp/yaml/fixes.yaml" "$tmp/a" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || die "--fix: exit status (findings without a fix-it remain): $(cat "$tmp/err")"
grep -qxF 'v6scan: --fix: applied 8 fix-its in 4 files' "$tmp/err" || die "--fix summary: $(cat "$tmp/err")"
diff -ru -x .git "$here/fixits/expected" "$tmp/a" || die "--fix did not produce fixits/expected"
[ "$(stat -c %a "$tmp/a/storage.c")" = 640 ] || die "--fix changed the file mode"
for f in "$tmp"/a/*.c; do
  "$cc" -fsyntax-only -Wall -Werror "$f" || die "the fixed $f does not compile"
done

# rescan: no fix-it left, and of the three checks only what had none
"$v6scan" --no-config "$tmp/a" > "$tmp/out" 2> "$tmp/err"
grep -q ': fix-it: ' "$tmp/out" && die "a rescan still offers fix-its: $(cat "$tmp/out")"
grep -E '\[v6-(hints-family-inet|addr-string-buffer-small|sockaddr-generic-storage)\]$' "$tmp/out" |
  cut -d: -f1,2 > "$tmp/left"
printf '%s\n' buffers.c:49 hints.c:60 hints.c:75 storage.c:39 | diff -u - "$tmp/left" ||
  die "the rescan's findings of the fixed checks"

# clang-apply-replacements on the exported YAML: the same bytes as --fix
grep -q '^MainSourceFile:  ' "$tmp/yaml/fixes.yaml" && grep -q '^    Level:           Warning$' "$tmp/yaml/fixes.yaml" ||
  die "YAML layout: $(cat "$tmp/yaml/fixes.yaml")"
if [ -n "$car" ]; then
  sed "s#$tmp/a/#$tmp/b/#g; s#'$tmp/a'#'$tmp/b'#g" "$tmp/yaml/fixes.yaml" > "$tmp/yaml/b.yaml"
  rm "$tmp/yaml/fixes.yaml"
  "$car" "$tmp/yaml" || die "clang-apply-replacements failed"
  diff -ru -x .git "$tmp/a" "$tmp/b" || die "clang-apply-replacements and --fix differ"
else
  echo "clang-apply-replacements not found (Debian: clang-tools-14): YAML not applied"
  [ "${V6_STRICT:-0}" = 1 ] && exit 1
fi

# JSON "fix", SARIF "fixes"; a merge of either is the same report
rm -rf "$tmp/a"
mkdir -p "$tmp/a/.git"
cp "$here"/fixits/src/* "$tmp/a/"
"$v6scan" --no-config --format json -o "$tmp/r.json" "$tmp/a" 2> /dev/null
"$v6scan" --no-config --format sarif -o "$tmp/r.sarif" "$tmp/a" 2> /dev/null
python3 - "$tmp/r.json" "$tmp/r.sarif" <<'PY' || die "fix fields"
import json, sys
j = json.load(open(sys.argv[1]))
fx = [f for f in j["findings"] if f["path"] == "hints.c" and f["line"] == 20][0]["fix"]
assert fx == {"description": "replace AF_INET with AF_UNSPEC.", "replacements": [
    {"path": "hints.c", "offset": fx["replacements"][0]["offset"], "length": 7, "line": 20, "column": 20,
     "text": "AF_UNSPEC"}]}, fx
src = open(sys.argv[1].rsplit("/", 1)[0] + "/a/hints.c", "rb").read()
assert src[fx["replacements"][0]["offset"]:][:7] == b"AF_INET", "offset"
st = [f for f in j["findings"] if f["path"] == "storage.c" and f["line"] == 13][0]["fix"]["replacements"]
assert [r["text"] for r in st] == ["sockaddr_storage", "(struct sockaddr *)", "ss_family",
                                   "(struct sockaddr *)"], st
# the suppressed finding keeps its fix-it in the report, --fix leaves it
assert sum(1 for f in j["findings"] if "fix" in f and not f["suppressed"]) == 8
assert sum(1 for f in j["findings"] if "fix" in f) == 9
s = json.load(open(sys.argv[2]))
res = [r for r in s["runs"][0]["results"] if "fixes" in r and "suppressions" not in r]
assert len(res) == 8, len(res)
h = [r for r in res if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "hints.c"][0]
change = h["fixes"][0]["artifactChanges"][0]
assert h["fixes"][0]["description"]["text"] == "replace AF_INET with AF_UNSPEC."
assert change["artifactLocation"] == {"uri": "hints.c", "uriBaseId": "%SRCROOT%"}
rep = change["replacements"][0]
assert rep["deletedRegion"] == {"byteOffset": fx["replacements"][0]["offset"], "byteLength": 7}, rep
assert rep["insertedContent"] == {"text": "AF_UNSPEC"}, rep
PY
"$v6scan" merge --format json -o "$tmp/m.json" "$tmp/r.sarif" 2> /dev/null
cmp "$tmp/r.json" "$tmp/m.json" || die "JSON merged from SARIF lost the fix-its"
"$v6scan" merge --format sarif -o "$tmp/m.sarif" "$tmp/r.json" 2> /dev/null
cmp "$tmp/r.sarif" "$tmp/m.sarif" || die "SARIF merged from JSON lost the fix-its"
# merge has no sources to edit; an --export-fixes path that cannot be
# written is refused before the scan
expect_usage() {
  "$@" > "$tmp/out" 2> "$tmp/err"
  [ $? -eq 2 ] || die "exit status $?, wanted 2: $*"
}
expect_usage "$v6scan" merge --fix "$tmp/r.json"
grep -qxF 'v6scan: --fix and --export-fixes apply to a scan, not to merge' "$tmp/err" || die "merge --fix: $(cat "$tmp/err")"
expect_usage "$v6scan" --no-config --export-fixes "$tmp/none/f.yaml" "$tmp/a"
grep -q "^v6scan: --export-fixes $tmp/none/f.yaml: " "$tmp/err" || die "unwritable --export-fixes: $(cat "$tmp/err")"
exit 0
