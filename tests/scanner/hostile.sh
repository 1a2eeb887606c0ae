#!/bin/sh
# hostile.sh CASE V6SCAN
#
# v6scan on hostile input (issue 14), one CASE per CTest test: whatever it
# is given, v6scan prints a clear message, exits with the status its --help
# documents (0 clean, 1 findings, 2 configuration error, 3 analysis
# incomplete, 4 output not written), never dies of a signal, and never
# leaves a half-written report. cli-tests.sh already covers FIFOs and
# devices as inputs, oversized reports and baselines, bad JSON fields, a
# full file system, a file size limit and a closed stdout; this covers the
# rest. Everything is generated under a temporary directory, removed at
# the end.
set -u
case_=$1 v6scan=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

die() { echo "FAIL: $*"; fail=1; }

# expect_status WANT CMD...: runs CMD, compares its exit status (a death by
# signal is 128+N in the shell, never wanted here).
expect_status() {
  want=$1
  shift
  "$@" > "$tmp/out" 2> "$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    die "exit status $got, wanted $want: $*"
    sed 's/^/  stdout: /' "$tmp/out" | head -20
    sed 's/^/  stderr: /' "$tmp/err" | head -20
  fi
}

# valid_json FILE [PYTHON-EXPR [ARG]]: FILE is strict UTF-8 JSON (and EXPR,
# on the document d, is true; ARG is sys.argv[3]).
valid_json() {
  f_=$1 e_=${2:-True}
  shift
  [ $# -gt 0 ] && shift
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$f_" "$e_" "$@"
}

# finds FILE LINE COL SNIPPET: the JSON report FILE has exactly one finding,
# of v6-gethostbyname, at LINE:COL with that snippet.
finds() {
  valid_json "$1" "len(d['findings']) == 1 and d['findings'][0]['check'] == 'v6-gethostbyname'
and (d['findings'][0]['line'], d['findings'][0]['column']) == ($2, $3)
and d['findings'][0].get('snippet') == sys.argv[3]" "$4" ||
    die "$1: wanted one finding at $2:$3 with snippet '$4': $(head -c 2000 "$1")"
}

mkdir "$tmp/p"
call='struct hostent *g(const char *n) { return gethostbyname(n); }'

case $case_ in
sources)
  # empty: a clean, parsed file
  : > "$tmp/p/empty.c"
  expect_status 0 "$v6scan" --root "$tmp/p" "$tmp/p/empty.c"
  grep -q '^0 findings .*, 1/1 files parsed' "$tmp/err" || die "empty file: $(cat "$tmp/err")"
  # binary (an ELF executable named .c): not analysed, named, a whole report
  cp "$v6scan" "$tmp/p/binary.c"
  echo OLD > "$tmp/binary.json"
  expect_status 3 "$v6scan" --root "$tmp/p" --format json -o "$tmp/binary.json" "$tmp/p/binary.c"
  grep -qxF 'v6scan: not fully analysed: binary.c' "$tmp/err" || die "binary: not named: $(tail -3 "$tmp/err")"
  valid_json "$tmp/binary.json" "d['failedFiles'] == ['binary.c'] and d['summary']['filesParsed'] == 0" ||
    die "binary: report: $(head -c 500 "$tmp/binary.json")"
  # invalid UTF-8 in comments and strings: the finding at its line, the
  # report valid UTF-8 (U+FFFD), the text output keeps the bytes
  printf '#include <netdb.h>\n/* \377\376 bad \303 */\nconst char *s = "\351\377";\n%s\n' "$call" > "$tmp/p/utf8.c"
  expect_status 1 "$v6scan" --root "$tmp/p" --format json -o "$tmp/utf8.json" "$tmp/p/utf8.c"
  finds "$tmp/utf8.json" 4 43 "$call"
  expect_status 1 "$v6scan" --root "$tmp/p" "$tmp/p/utf8.c"
  grep -q '^utf8.c:4:43: error: ' "$tmp/out" || die "utf8: text output: $(cat "$tmp/out")"
  # an invalid UTF-8 identifier is a parse error: analysis incomplete
  printf '#include <netdb.h>\nint \377x;\n%s\n' "$call" > "$tmp/p/ident.c"
  expect_status 3 "$v6scan" --root "$tmp/p" --format json -o "$tmp/ident.json" "$tmp/p/ident.c"
  finds "$tmp/ident.json" 3 43 "$call"
  # lone CR line ends (found by tests/fuzz source): lines are clang's, for
  # the snippet and for the suppression comments
  printf '#include <netdb.h>\r/* a */\rstruct hostent *g(const char *n)\r{\r\treturn gethostbyname(n);\r}\r' > "$tmp/p/cr.c"
  expect_status 1 "$v6scan" --root "$tmp/p" --format json -o "$tmp/cr.json" "$tmp/p/cr.c"
  finds "$tmp/cr.json" 5 9 "	return gethostbyname(n);"
  printf '#include <netdb.h>\rstruct hostent *g(const char *n)\r{\r\t// NOLINTNEXTLINE(v6-gethostbyname)\r\treturn gethostbyname(n);\r}\r' > "$tmp/p/crnolint.c"
  expect_status 0 "$v6scan" --root "$tmp/p" "$tmp/p/crnolint.c"
  grep -q '^0 findings .*, 1 suppressed' "$tmp/err" || die "NOLINTNEXTLINE after lone CRs: $(cat "$tmp/err")"
  # a NUL byte: clang goes on, and so do the findings after it
  printf '#include <netdb.h>\nint a; /* \000 */\n%s\n' "$call" > "$tmp/p/nul.c"
  expect_status 1 "$v6scan" --root "$tmp/p" --format json -o "$tmp/nul.json" "$tmp/p/nul.c"
  valid_json "$tmp/nul.json" "[(x['line'], x['column']) for x in d['findings']] == [(3, 43)]" ||
    die "NUL byte: $(cat "$tmp/nul.json")"
  # a 1 MiB line: the finding at its column, the snippet cut at 4096 bytes
  python3 -c 'import sys
open(sys.argv[1], "w").write("#include <netdb.h>\n/* " + "x" * 1048570 + " */ " + sys.argv[2] + "\n")' \
    "$tmp/p/long.c" "$call"
  expect_status 1 "$v6scan" --root "$tmp/p" --format json -o "$tmp/long.json" "$tmp/p/long.c"
  valid_json "$tmp/long.json" "[(x['line'], x['column'], len(x['snippet'])) for x in d['findings']] == [(2, 1048620, 4096)]" ||
    die "long line: $(head -c 600 "$tmp/long.json")"
  ;;

huge)
  # 50 MB: 500,000 lines of comment, then one finding at its exact line; the
  # file is read whole for the suppression comments and the snippet
  python3 -c 'import sys
pad = "/* " + "x" * 94 + " */\n"
with open(sys.argv[1], "w") as f:
    f.write("#include <netdb.h>\n" + pad * 500000 + sys.argv[2] + "\n")' "$tmp/p/huge.c" "$call"
  [ "$(stat -c %s "$tmp/p/huge.c")" -gt 50000000 ] || die "the huge file is not huge"
  expect_status 1 "$v6scan" --root "$tmp/p" --format sarif -o "$tmp/huge.sarif" "$tmp/p/huge.c"
  valid_json "$tmp/huge.sarif" "[r['locations'][0]['physicalLocation']['region']['startLine'] for r in d['runs'][0]['results']] == [500002]" ||
    die "huge: $(grep -m1 startLine "$tmp/huge.sarif")"
  rm -f "$tmp/p/huge.c"
  ;;

nesting)
  # 10^5 nested parentheses, braces and #if: clang's limits (bracket depth
  # 256) make the first two parse errors; #if nests without limit
  python3 -c 'import sys
n = 100000
d = sys.argv[1]
open(d + "/paren.c", "w").write("int y = " + "(" * n + "1" + ")" * n + ";\n")
open(d + "/brace.c", "w").write("void f(void) " + "{" * n + "}" * n + "\n")
open(d + "/ifs.c", "w").write("#include <netdb.h>\n" + "#if 1\n" * n + sys.argv[2] + "\n" + "#endif\n" * n)
open(d + "/chain.c", "w").write("int x = " + "1+" * n + "1;\n")
open(d + "/chain20k.c", "w").write("#include <netdb.h>\nint x = " + "1+" * 20000 + "1;\n" + sys.argv[2] + "\n")
open(d + "/chain40k.c", "w").write("#include <netdb.h>\nint x = " + "1+" * 40000 + "1;\n" + sys.argv[2] + "\n")
open(d + "/minus.c", "w").write("int x = " + "- " * n + "1;\n")' \
    "$tmp/p" "$call"
  for f in paren brace; do
    expect_status 3 "$v6scan" --root "$tmp/p" "$tmp/p/$f.c"
    grep -q "error: bracket nesting level exceeded maximum of 256" "$tmp/err" || die "$f: $(head -3 "$tmp/err")"
    grep -qxF "v6scan: not fully analysed: $f.c" "$tmp/err" || die "$f: not named"
  done
  expect_status 1 "$v6scan" --root "$tmp/p" --format json -o "$tmp/ifs.json" "$tmp/p/ifs.c"
  valid_json "$tmp/ifs.json" "[x['line'] for x in d['findings']] == [100002]" || die "nested #if: $(cat "$tmp/ifs.json")"
  # a 10^5-term expression and 10^5 nested unary minus overflowed
  # libclang's 8 MiB parser stack (and v6scan itself in process); on the
  # 512 MiB stack of scanner/deepstack.h they are analysed, in workers and
  # in process (-j 1 --file-timeout 0)
  printf '#include <netdb.h>\n%s\n' "$call" > "$tmp/p/other.c"
  for mode in "" "-j 1 --file-timeout 0"; do
    # shellcheck disable=SC2086 # $mode is options, split on purpose
    expect_status 1 "$v6scan" $mode --root "$tmp/p" --format json -o "$tmp/chain.json" \
      "$tmp/p/chain.c" "$tmp/p/minus.c" "$tmp/p/other.c"
    valid_json "$tmp/chain.json" "d['summary']['filesParsed'] == 3 and d['failedFiles'] == [] and
[(x['path'], x['line']) for x in d['findings']] == [('other.c', 2)]" ||
      die "chain [$mode]: report: $(cat "$tmp/chain.json")"
    # 40,000 terms with a finding after them
    expect_status 1 "$v6scan" $mode --root "$tmp/p" --format json -o "$tmp/c40.json" "$tmp/p/chain40k.c"
    valid_json "$tmp/c40.json" "[(x['path'], x['line']) for x in d['findings']] == [('chain40k.c', 3)]" ||
      die "40k chain [$mode]: $(cat "$tmp/err")"
    # deeper than the stack (made 4 MiB by the test hook): "nesting too
    # deep", the file not analysed (3), the other file still scanned.
    # (libclang's crash recovery, which unwinds the parse, leaves 3 KiB of
    # it allocated, and allocates inside the signal handler: LeakSanitizer
    # and ThreadSanitizer are told to let libclang's own do here)
    printf 'leak:libclang\n' > "$tmp/lsan.supp"
    expect_status 3 env V6SCAN_STACK_SIZE=4194304 LSAN_OPTIONS="suppressions=$tmp/lsan.supp" \
      TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}report_signal_unsafe=0" "$v6scan" $mode --root "$tmp/p" --format json -o "$tmp/deep.json" \
      "$tmp/p/chain40k.c" "$tmp/p/other.c"
    grep -qxF 'v6scan: chain40k.c: nesting too deep: the parser ran out of its 4 MiB stack' "$tmp/err" &&
      grep -qxF 'v6scan: not fully analysed: chain40k.c' "$tmp/err" || die "too deep [$mode]: $(cat "$tmp/err")"
    valid_json "$tmp/deep.json" "d['failedFiles'] == ['chain40k.c'] and
d['failureReasons'] == ['nesting too deep: the parser ran out of its 4 MiB stack'] and
[(x['path'], x['line']) for x in d['findings']] == [('other.c', 2)]" ||
      die "too deep [$mode]: report: $(cat "$tmp/deep.json")"
  done
  # 20,000 terms: analysed (v6-ipv4-range-math evaluated the operands at
  # every operator, quadratic: found here, 10,000 terms took 14 s); the
  # time limit only turns a regression into a failure instead of a hang
  expect_status 1 "$v6scan" --file-timeout 60 --root "$tmp/p" --format json -o "$tmp/c20.json" "$tmp/p/chain20k.c"
  valid_json "$tmp/c20.json" "[x['line'] for x in d['findings']] == [3]" || die "20k chain: $(cat "$tmp/err")"
  # a file that includes itself: clang's include depth limit, not a hang
  printf '#include "self.c"\nint x;\n' > "$tmp/p/self.c"
  expect_status 3 "$v6scan" --root "$tmp/p" "$tmp/p/self.c"
  grep -q '#include nested too deeply' "$tmp/err" || die "self include: $(head -3 "$tmp/err")"
  ;;

databases)
  printf '#include <netdb.h>\n%s\n' "$call" > "$tmp/p/a.c"
  # db_refused NAME MESSAGE: -p $tmp/NAME is a configuration error saying so
  db_refused() {
    expect_status 2 "$v6scan" --root "$tmp/p" -p "$tmp/$1"
    grep -qxF "v6scan: -p $tmp/$1: $tmp/$1/compile_commands.json: not a valid compilation database: $2" "$tmp/err" ||
      die "database $1: wanted '$2', got: $(cat "$tmp/err")"
  }
  mkdir "$tmp/sparse" "$tmp/deep" "$tmp/bytes" "$tmp/nul" "$tmp/many" "$tmp/rel"
  truncate -s 1073741825 "$tmp/sparse/compile_commands.json"
  db_refused sparse 'larger than 1024 MiB, the limit for this file'
  python3 -c 'import sys; open(sys.argv[1], "w").write("[" * 100000 + "]" * 100000)' "$tmp/deep/compile_commands.json"
  db_refused deep "line 1, column 2049: maximum parsing depth reached near '['"
  printf '[{"directory": "%s", "file": "a\377.c", "command": "cc a.c"}]' "$tmp/p" > "$tmp/bytes/compile_commands.json"
  expect_status 2 "$v6scan" --root "$tmp/p" -p "$tmp/bytes"
  grep -q "not a valid compilation database: line 1, column [0-9]*: unable to decode byte 0xff near '\"a'\$" "$tmp/err" ||
    die "database not UTF-8: $(cat "$tmp/err")"
  printf '[{"directory": "%s", "file": "a\\u0000.c", "command": "cc a.c"}]' "$tmp/p" > "$tmp/nul/compile_commands.json"
  grep -q 'u0000' "$tmp/nul/compile_commands.json" || die "no \\u0000 written"
  expect_status 2 "$v6scan" --root "$tmp/p" -p "$tmp/nul"
  grep -q 'not a valid compilation database: .*\\u0000 is not allowed' "$tmp/err" || die "NUL: $(cat "$tmp/err")"
  # a newline near a syntax error: the message stays one line (found by
  # tests/fuzz compdb: jansson quotes the text near the error as it is)
  mkdir "$tmp/nl"
  printf '[{"directory": "/\\\n"}]' > "$tmp/nl/compile_commands.json"
  db_refused nl "line 2, column 0: invalid escape near '\"/\\?'"
  # a relative directory (found by tests/fuzz compdb: the jobs' files were
  # not absolute)
  printf '[{"directory": "p", "file": "a.c", "command": "cc -c a.c"}]' > "$tmp/rel/compile_commands.json"
  db_refused rel '[0].directory: must be an absolute path'
  # a member libclang does not know: named, before libclang refuses the file
  mkdir "$tmp/key"
  printf '[{"directory": "%s", "file": "a.c", "command": "cc -c a.c", "flags": "-O2"}]' "$tmp/p" > "$tmp/key/compile_commands.json"
  db_refused key '[0]: unknown member "flags" (libclang reads directory, file, arguments, command and output only)'
  grep -q 'LIBCLANG' "$tmp/err" && die "libclang's own message printed: $(cat "$tmp/err")"
  # 20,000 entries (one file, each with its own -D): read, de-duplicated,
  # one parse
  python3 -c 'import json, sys
json.dump([{"directory": sys.argv[2], "file": "a.c", "arguments": ["cc", "-DN=%d" % i, "-c", "a.c"]}
           for i in range(20000)], open(sys.argv[1], "w"))' "$tmp/many/compile_commands.json" "$tmp/p"
  expect_status 1 "$v6scan" --root "$tmp/p" -p "$tmp/many"
  grep -q '^1 finding .*, 1/1 files parsed$' "$tmp/err" || die "20,000 entries: $(tail -2 "$tmp/err")"
  ;;

baselines)
  printf '#include <netdb.h>\n%s\n' "$call" > "$tmp/p/a.c"
  # bad_baseline NAME MESSAGE: --baseline $tmp/NAME is refused saying so
  bad_baseline() {
    expect_status 2 "$v6scan" --root "$tmp/p" --baseline "$tmp/$1" "$tmp/p/a.c"
    grep -qxF "v6scan: --baseline $tmp/$1: $2" "$tmp/err" || die "baseline $1: wanted '$2', got: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && die "baseline $1: a report was written"
  }
  : > "$tmp/empty.json"
  bad_baseline empty.json "line 1, column 0: '[' or '{' expected near end of file"
  echo null > "$tmp/null.json"
  bad_baseline null.json "line 1, column 4: '[' or '{' expected near 'null'"
  echo '[]' > "$tmp/array.json"
  bad_baseline array.json 'not a v6scan baseline (the document is not a JSON object)'
  python3 -c 'import sys
open(sys.argv[1], "w").write("{\"version\": 1, \"tool\": \"v6scan\", \"findings\": " + "[" * 5000 + "]" * 5000 + "}")' "$tmp/deep.json"
  bad_baseline deep.json "line 1, column 2093: maximum parsing depth reached near '['"
  printf '{"version": 1, "tool": "v6\377scan", "findings": []}' > "$tmp/bytes.json"
  bad_baseline bytes.json "line 1, column 26: unable to decode byte 0xff near '\"v6'"
  printf '{"version": 1, "tool": "v6scan", "findings": [{"fingerprint": "0123456789abcdef"}, 5]}' > "$tmp/item.json"
  bad_baseline item.json 'findings[1]: must be an object (got 5)'
  # a byte order mark is accepted, and what was written reads back
  expect_status 0 "$v6scan" --root "$tmp/p" --write-baseline "$tmp/good.json" "$tmp/p/a.c"
  printf '\357\273\277' | cat - "$tmp/good.json" > "$tmp/bom.json"
  expect_status 0 "$v6scan" --root "$tmp/p" --baseline "$tmp/bom.json" "$tmp/p/a.c"
  grep -q '^0 findings .*, 1 baselined' "$tmp/err" || die "BOM baseline: $(cat "$tmp/err")"
  ;;

suppressions)
  # malformed suppression comments suppress nothing they do not name
  c() { printf 'struct hostent *g%s(const char *n) { return gethostbyname(n); }' "$1"; }
  cat > "$tmp/p/s.c" << EOF
#include <netdb.h>
$(c 2) // NOLINT(v6-gethostbyname
$(c 3) /* v6scan: ignore[v6-gethostbyname reason */
$(c 4) /* v6scan: ignore[] reason */
$(c 5) // NOLINT()
// NOLINTEND(v6-gethostbyname)
$(c 7)
$(c 8) // NOLINT(v6-gethostbyname NOLINT
/* v6scan: ignore[v6-gethostbyname] */ // NOLINT
$(c 10)
// NOLINTBEGIN(v6-gethostbyname)
$(c 12)
$(c 13)
EOF
  expect_status 1 "$v6scan" --root "$tmp/p" --format json -o "$tmp/s.json" "$tmp/p/s.c"
  valid_json "$tmp/s.json" "[(x['line'], x['suppressed']) for x in d['findings']] == [(2, False), (3, False), (4, False), (5, False), (7, False), (8, True), (10, True), (12, True), (13, True)]" ||
    die "suppressions: $(python3 -c 'import json,sys; print([(x["line"], x["suppressed"]) for x in json.load(open(sys.argv[1]))["findings"]])' "$tmp/s.json")"
  grep -qxF "v6scan: s.c:9: 'v6scan: ignore[...]' needs a reason after the closing bracket; suppression not applied" "$tmp/err" ||
    die "reasonless ignore not reported: $(cat "$tmp/err")"
  ;;

output)
  printf '#include <netdb.h>\n%s\n' "$call" > "$tmp/p/a.c"
  # an output directory that cannot be written: refused before the scan,
  # the old file kept, no temporary left
  mkdir "$tmp/ro"
  echo OLD > "$tmp/ro/r.json"
  # unwritable CMD...: runs CMD with $tmp/ro unwritable to it
  if [ "$(id -u)" -ne 0 ]; then
    chmod 555 "$tmp/ro"
    unwritable() { "$@"; }
    why="Permission denied"
  elif unshare -m true 2> /dev/null; then
    # root writes anywhere: a read-only bind mount in a private namespace
    unwritable() {
      unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" || exit 9
        shift; exec "$@"' sh "$tmp/ro" "$@"
    }
    why="Read-only file system"
  else
    echo "note: root without unshare -m: the unwritable directory case is left to other runs"
    why=""
  fi
  if [ -n "$why" ]; then
    for opt in -o --write-baseline; do
      for name in r.json new.json; do
        expect_status 2 unwritable "$v6scan" --root "$tmp/p" --format json $opt "$tmp/ro/$name" "$tmp/p/a.c"
        grep -qxF "v6scan: $opt $tmp/ro/$name: cannot write there: $why" "$tmp/err" ||
          die "$opt in an unwritable directory: $(cat "$tmp/err")"
      done
    done
    chmod 755 "$tmp/ro"
    [ "$(cat "$tmp/ro/r.json")" = OLD ] || die "the old report was touched"
    [ "$(ls -A "$tmp/ro")" = r.json ] || die "files left in the unwritable directory: $(ls -A "$tmp/ro")"
  fi
  # a reader that stops after 100 bytes of a long report (2000 findings) (SIGPIPE, then
  # EPIPE): exit 4, no message, no death by signal (141)
  python3 -c 'import sys
open(sys.argv[1], "w").write("#include <netdb.h>\nvoid f(const char *n) {\n" + "\t(void)gethostbyname(n);\n" * 2000 + "}\n")' \
    "$tmp/p/many.c"
  for fmt in text json sarif; do
    sh -c '"$1" --root "$2" --format "$3" "$2/many.c" 2> "$4/pipe.err"; echo $? > "$4/pipe.status"' sh \
      "$v6scan" "$tmp/p" "$fmt" "$tmp" | head -c 100 > /dev/null
    [ "$(cat "$tmp/pipe.status")" = 4 ] || die "$fmt to a closed pipe: status $(cat "$tmp/pipe.status")"
    grep -q 'writing\|Broken pipe' "$tmp/pipe.err" && die "$fmt to a closed pipe printed: $(cat "$tmp/pipe.err")"
  done
  ;;

*)
  echo "unknown case $case_"
  exit 2
  ;;
esac

[ $fail -eq 0 ] && echo "ok: $case_"
exit $fail
