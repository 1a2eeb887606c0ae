#!/bin/sh
# new-check-test.sh V6SCAN TOP LLVM_INCLUDE_DIR CC
#
# scripts/new-check in a copy of the source tree (TOP): it writes the check,
# its page, its fixture and both list rows in id order; the check and the
# registry compile warning-free with the new row; the page's examples
# compile; the new fixture fails against the built v6scan (failing first:
# the matcher reports nothing yet); malformed and taken ids are refused
# without touching a file.
set -u
v6scan=$1 top=$2 llvm_inc=$3 cc=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
die() { echo "FAIL: $*"; fail=1; }

t="$tmp/tree"
mkdir -p "$t/docs" "$t/tests/scanner" "$t/scripts"
cp -r "$top/scanner" "$t/scanner"
cp -r "$top/docs/checks" "$t/docs/checks"
cp -r "$top/tests/scanner/fixtures" "$t/tests/scanner/fixtures"
cp "$top/scripts/new-check" "$t/scripts/new-check"
nf() { V6KIT_TOP="$t" sh "$t/scripts/new-check" "$@"; }

nf -l error -c high -s "A call of frob()." v6-inet-frob > "$tmp/out" 2>&1 || die "new-check failed: $(cat "$tmp/out")"
for f in scanner/checks/inet_frob.c docs/checks/v6-inet-frob.md tests/scanner/fixtures/inet_frob.c; do
  [ -f "$t/$f" ] || die "new-check did not write $f"
done
grep -q '^V6SCAN_CHECK(inet_frob, "v6-inet-frob", ERROR, HIGH,$' "$t/scanner/checks/checks.def" ||
  die "no checks.def row for v6-inet-frob"
sed -n 's/^V6SCAN_CHECK([a-z0-9_]*, "\(v6-[a-z0-9-]*\)".*/\1/p' "$t/scanner/checks/checks.def" > "$tmp/ids"
sort -c "$tmp/ids" 2> /dev/null || die "checks.def is no longer sorted: $(tr '\n' ' ' < "$tmp/ids")"
grep -qF '| [v6-inet-frob](v6-inet-frob.md) | error | high |' "$t/docs/checks/README.md" ||
  die "no README row for v6-inet-frob"
sed -n 's/^| \[\(v6-[a-z0-9-]*\)\].*/\1/p' "$t/docs/checks/README.md" | sort -c 2> /dev/null ||
  die "the README table is no longer sorted"

# it builds: the registry with the new row and the new check, as CMake
# compiles them (the project's warning flags, warnings as errors)
for src in scanner/checks/registry.c scanner/checks/inet_frob.c; do
  "$cc" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
    -Wno-unused-parameter -Werror -fsyntax-only -I"$llvm_inc" -I"$t/scanner" "$t/$src" 2> "$tmp/cc.err" ||
    { die "$src does not compile:"; cat "$tmp/cc.err"; }
done
# the page's examples compile
awk -v out="$tmp/ex" '/^```c$/ { n++; f = out n ".c"; next } /^```$/ { f = ""; next } f { print > f }' \
  "$t/docs/checks/v6-inet-frob.md"
for ex in "$tmp"/ex*.c; do
  "$cc" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsyntax-only "$ex" 2> "$tmp/cc.err" ||
    { die "an example of the new page does not compile:"; cat "$tmp/cc.err"; }
done
[ -f "$tmp/ex2.c" ] || die "the new page has fewer than two examples"
# failing first: the fixture expects a finding nobody reports yet
if sh "$top/tests/scanner/run-fixture.sh" "$v6scan" "$t/tests/scanner" fixtures/inet_frob.c > "$tmp/out" 2>&1; then
  die "the new fixture passes before the check is written"
fi
grep -qx -- '-fixtures/inet_frob.c:10:v6-inet-frob' "$tmp/out" || die "the new fixture should miss line 10 only: $(cat "$tmp/out")"
[ "$(grep -c '^-fixtures/' "$tmp/out")" -eq 1 ] || die "the new fixture has more than one mark: $(cat "$tmp/out")"

# refusals: exit 2, nothing changed
cp "$t/scanner/checks/checks.def" "$tmp/def.before"
for bad in v6-inet-frob v6-Bad v6- gethostbyname v6-a--b; do
  nf "$bad" > "$tmp/out" 2>&1
  rc=$?
  [ "$rc" -eq 2 ] || die "new-check $bad: exit $rc, wanted 2"
  [ "$(wc -l < "$tmp/out")" -eq 1 ] || die "new-check $bad: wanted one line of message: $(cat "$tmp/out")"
done
nf -l fatal v6-other > /dev/null 2>&1 && die "new-check accepted level 'fatal'"
cmp -s "$tmp/def.before" "$t/scanner/checks/checks.def" || die "a refused new-check changed checks.def"
[ -e "$t/scanner/checks/other.c" ] && die "a refused new-check wrote a file"

[ $fail -eq 0 ] && echo "ok: new-check scaffolds a building, failing-first check"
exit $fail
