#!/bin/sh
# scan-bench.sh — how much slower is v6scan than the parse it cannot avoid?
#
#   bench/scan-bench.sh [-r RUNS] [-b BUILD_DIR] [FILE|DIR ...]
#
# Times, in the same run and over the same files with the same flags:
#   1. clang -fsyntax-only, all files in one process (the baseline: a parse
#      and nothing else), and one process per file (what a naive CI job does);
#   2. v6scan -j 1 (one process, libclang parse + one AST walk per file);
#   3. v6scan -j 2.
# Each is run RUNS times (default 3) and the fastest run counts. Prints the
# times and the ratios v6scan/clang. Default corpus: scanner/ (v6scan's own
# sources, ~20 files with libclang headers) and the scanner test fixtures.
# Not a test: nothing is asserted.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
runs=3
build="$here/build/h-scan"
while getopts r:b: o; do
  case $o in
  r) runs=$OPTARG ;;
  b) build=$OPTARG ;;
  *) echo "usage: $0 [-r RUNS] [-b BUILD_DIR] [FILE|DIR ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
v6scan="$build/scanner/v6scan"
[ -x "$v6scan" ] || { echo "scan-bench: build v6scan first ($v6scan)" >&2; exit 2; }
clang=$(command -v clang || ls /usr/bin/clang-[0-9]* 2>/dev/null | sort -V | tail -1)
[ -n "$clang" ] || { echo "scan-bench: no clang found (apt-get install clang-14)" >&2; exit 2; }
llvm_inc=$(ls -d /usr/lib/llvm-*/include 2>/dev/null | sort -V | tail -1)

[ $# -gt 0 ] || set -- "$here/scanner" "$here/tests/scanner/fixtures"
files=$(find "$@" -name '*.c' | sort)
n=$(echo "$files" | wc -l)
flags="-std=gnu11 -D_GNU_SOURCE -I$llvm_inc -I$build/generated -I$here/scanner"
extra=""
for f in $flags; do extra="$extra --extra-arg=$f"; done

now() { date +%s.%N; }
best() { # best CMD...: fastest of $runs runs, in seconds
  b=""
  i=0
  while [ $i -lt "$runs" ]; do
    t0=$(now)
    "$@" > /dev/null 2>&1 || true
    t=$(echo "$(now) - $t0" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" -eq 1 ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}
clang_each() { for f in $files; do "$clang" -fsyntax-only $flags "$f"; done; }

# shellcheck disable=SC2086
t_clang=$(best "$clang" -fsyntax-only $flags $files)
t_each=$(best clang_each)
# shellcheck disable=SC2086
t_j1=$(best "$v6scan" -q -j 1 --fail-on none $extra $files)
# shellcheck disable=SC2086
t_j2=$(best "$v6scan" -q -j 2 --fail-on none $extra $files)

printf 'files: %d, runs: %d (fastest counts), clang: %s\n' "$n" "$runs" "$clang"
printf '%-32s %8.3f s\n' "clang -fsyntax-only (one run)" "$t_clang"
printf '%-32s %8.3f s   ratio %.2f\n' "clang -fsyntax-only (per file)" "$t_each" "$(echo "$t_each / $t_clang" | bc -l)"
printf '%-32s %8.3f s   ratio %.2f\n' "v6scan -j 1" "$t_j1" "$(echo "$t_j1 / $t_clang" | bc -l)"
printf '%-32s %8.3f s   ratio %.2f\n' "v6scan -j 2" "$t_j2" "$(echo "$t_j2 / $t_clang" | bc -l)"
