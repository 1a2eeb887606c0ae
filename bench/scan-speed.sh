#!/bin/sh
# scan-speed.sh — v6scan against the parse it cannot avoid and against
# clang-tidy, on a real compile database, side by side in one run.
#
#   bench/scan-speed.sh -p DB_DIR -r SRC_ROOT [-n ROUNDS] [-b BUILD_DIR] [-c TIDY_CHECK]
#
# Per round, in this order (interleaved, so drift in the machine's load hits
# every contender alike), each over every translation unit of DB_DIR's
# compile_commands.json:
#   floor    scan_floor: the same units parsed in one process with v6scan's
#            own flags and options (DetailedPreprocessingRecord), parse only
#   j1       v6scan -j 1 (parse + walk + every check + report)
#   j2       v6scan -j 2
#   tidy     clang-tidy -checks=-*,TIDY_CHECK -p DB_DIR <every file>: one
#            AST-matcher check (default bugprone-posix-return, a cheap one)
# ROUNDS (default 5) rounds; the median of each counts. Then one
# `scan_floor --per-check` run splits the in-process time into parse, the
# walk alone, and walk + all checks, with the cost of each check.
# Prints the medians and the ratios the project tracks (docs/benchmarks.md).
# Not a test: nothing is asserted.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=5 build="$here/build/default" db="" root="" tidy_check=bugprone-posix-return
usage() { echo "usage: $0 -p DB_DIR -r SRC_ROOT [-n ROUNDS] [-b BUILD_DIR] [-c TIDY_CHECK]" >&2; exit 2; }
while getopts p:r:n:b:c: o; do
  case $o in
  p) db=$(cd "$OPTARG" && pwd) ;;
  r) root=$(cd "$OPTARG" && pwd) ;;
  n) rounds=$OPTARG ;;
  b) build=$(cd "$OPTARG" && pwd) ;;
  c) tidy_check=$OPTARG ;;
  *) usage ;;
  esac
done
[ -n "$db" ] && [ -n "$root" ] || usage
v6scan="$build/scanner/v6scan" floor="$build/bench/scan_floor"
for x in "$v6scan" "$floor"; do
  [ -x "$x" ] || { echo "scan-speed: build $x first (cmake --build --preset default)" >&2; exit 2; }
done
tidy=$(command -v clang-tidy || ls /usr/bin/clang-tidy-[0-9]* 2>/dev/null | sort -V | tail -1)
[ -n "$tidy" ] || { echo "scan-speed: no clang-tidy found (apt-get install clang-tidy-14)" >&2; exit 2; }
files=$(python3 -c 'import json,sys; print("\n".join(e["file"] for e in json.load(open(sys.argv[1]))))' \
  "$db/compile_commands.json")
nfiles=$(echo "$files" | sort -u | wc -l)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

timed() { # timed NAME CMD...: appends CMD's wall time to $tmp/NAME, its CPU time (user + sys) to $tmp/NAME.cpu
  name=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$tmp/last.time" "$@" > /dev/null 2> "$tmp/last.err" || true
  awk '{ print $1 }' "$tmp/last.time" >> "$tmp/$name"
  awk '{ print $2 + $3 }' "$tmp/last.time" >> "$tmp/$name.cpu"
}
median() { sort -n "$tmp/$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

i=0
while [ $i -lt "$rounds" ]; do
  timed floor "$floor" -p "$db" --root "$root"
  timed j1 "$v6scan" -q -j 1 --fail-on none -p "$db" --root "$root"
  timed j2 "$v6scan" -q -j 2 --fail-on none -p "$db" --root "$root"
  # shellcheck disable=SC2086
  timed tidy "$tidy" --quiet "-checks=-*,$tidy_check" -p "$db" $files
  i=$((i + 1))
done
"$floor" -p "$db" --root "$root" --per-check > "$tmp/split"
"$v6scan" -q -j 1 --fail-on none -p "$db" --root "$root" 2> "$tmp/summary" > /dev/null || true

f=$(median floor) j1=$(median j1) j2=$(median j2) t=$(median tidy)
fc=$(median floor.cpu) j1c=$(median j1.cpu) tc=$(median tidy.cpu)
val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/split"; }
parse=$(val parse) wnone=$(val walk_none) wall=$(val walk_all)
ratio() { echo "scale=3; $1 / $2" | bc; }

printf 'database: %s (%d translation units), root: %s\n' "$db" "$nfiles" "$root"
printf 'rounds: %d (interleaved; medians), %s\n' "$rounds" "$(nproc) CPUs online"
printf 'v6scan: %s\n' "$(grep -E '^[0-9]+ findings?' "$tmp/summary" || echo '?')"
printf '%-44s %8s %8s\n' "" "wall" "CPU"
printf '%-44s %8.2f %8.2f s\n' "parse floor (scan_floor, in-process)" "$f" "$fc"
printf '%-44s %8.2f %8.2f s\n' "v6scan -j 1" "$j1" "$j1c"
printf '%-44s %8.2f %8s s\n' "v6scan -j 2" "$j2" "-"
printf '%-44s %8.2f %8.2f s\n' "clang-tidy -checks=-*,$tidy_check" "$t" "$tc"
printf '%-44s %8s %8s   (target <= 1.2)\n' "v6scan -j 1 / parse floor" "$(ratio "$j1" "$f")" "$(ratio "$j1c" "$fc")"
printf '%-44s %8s %8s   (target <= 1.3)\n' "v6scan -j 1 / clang-tidy" "$(ratio "$j1" "$t")" "$(ratio "$j1c" "$tc")"
printf '%-44s %8s %8s   (target >= 1.8)\n' "speed-up -j 2 over -j 1 (wall)" "$(ratio "$j1" "$j2")" "-"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'in-process split (one run, CPU time): parse %.2f s, walk alone %.2f s, walk + all checks %.2f s = %s of the parse (target <= 0.20)\n' \
  "$parse" "$wnone" "$wall" "$(ratio "$wall" "$parse")"
printf 'cost of each check alone (its walk minus the bare walk, s):\n'
sed -n 's/^check:\([^ ]*\) \(.*\)/  \1 \2/p' "$tmp/split"
