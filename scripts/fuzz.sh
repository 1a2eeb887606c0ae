#!/bin/sh
# fuzz.sh — build the libFuzzer targets (preset `fuzz`, clang with ASan +
# UBSan) and run each for a bounded time, one after the other.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target (default 30);
#                                           TARGETs: config, pool, ... (default all)
#
# Each target starts from its seed corpus tests/fuzz/<target>/ (read only)
# and keeps what it learns in build/fuzz/corpus/<target>/ (not committed:
# copy an input into tests/fuzz/<target>/ to keep it as a regression test).
# A crash, leak, timeout or out-of-memory stops that target; its input is
# saved as build/fuzz/artifacts/<target>/<kind>-<sha1>, and the line
# "fuzz.sh: <target>: FOUND <kind>: <path>" says how to replay it.
# Env: V6_FUZZ_NO_BUILD=1 uses the binaries already built.
#
# Exit status: 0 when no target found anything, 1 when one did (or a build
# or run failed), 2 on usage.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2

secs=30
case "${1:-}" in
  ''|*[!0-9]*) ;;
  *) secs=$1; shift ;;
esac
if [ "$secs" -lt 1 ]; then
  echo "fuzz.sh: SECONDS must be at least 1" >&2
  exit 2
fi

bin=build/fuzz/fuzz
if [ "${V6_FUZZ_NO_BUILD:-0}" != 1 ]; then
  echo "==> [fuzz] configure, build"
  if ! cmake --preset fuzz >/dev/null || ! cmake --build --preset fuzz -j 2 >/dev/null; then
    echo "fuzz.sh: building the fuzz preset failed (clang and libclang-rt-dev installed?)" >&2
    exit 1
  fi
fi

targets=$*
if [ -z "$targets" ]; then
  for b in "$bin"/fuzz_*; do
    [ -x "$b" ] && targets="$targets ${b##*/fuzz_}"
  done
fi
if [ -z "$targets" ]; then
  echo "fuzz.sh: no fuzz targets in $bin" >&2
  exit 1
fi

passed=0
failed=0
for t in $targets; do
  exe=$bin/fuzz_$t
  seeds=tests/fuzz/$t
  if [ ! -x "$exe" ] || [ ! -d "$seeds" ]; then
    echo "fuzz.sh: unknown target '$t' (no $exe or no $seeds)" >&2
    exit 2
  fi
  work=build/fuzz/corpus/$t
  art=build/fuzz/artifacts/$t
  log=build/fuzz/logs/$t.log
  mkdir -p "$work" "$art" build/fuzz/logs
  dict=""
  [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
  # tests/fuzz/<target>.options: more libFuzzer flags, one line (they come
  # last, so they override the defaults: a smaller -max_len, ...)
  opts=""
  [ -f "tests/fuzz/$t.options" ] && opts=$(cat "tests/fuzz/$t.options")
  # Leak detection stays on (ASan's default): a leak is a finding too.
  # shellcheck disable=SC2086
  "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$art/" $dict $opts "$work" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
    echo "fuzz.sh: $t: ${runs:-?} runs in ${secs} s, corpus $(ls "$work" | wc -l) inputs, nothing found"
    passed=$((passed + 1))
  else
    kind=${found##*/}
    kind=${kind%%-*}
    sed -n '/^==[0-9]*==ERROR\|^fuzz check failed\|^SUMMARY/p' "$log" | head -n 5 >&2
    echo "fuzz.sh: $t: FOUND ${kind:-failure (exit $rc)}: ${found:-see $log}" >&2
    [ -n "$found" ] && echo "fuzz.sh: $t: replay with: $exe $found" >&2
    failed=$((failed + 1))
  fi
done
echo "fuzz.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
