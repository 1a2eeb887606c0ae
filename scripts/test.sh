#!/bin/sh
# test.sh — install what is missing, then build and run every v6kit test:
# the default build (warnings are errors), the AddressSanitizer +
# UndefinedBehaviorSanitizer build, the ThreadSanitizer build, every cmocka
# program under valgrind memcheck, a plain Release build (no debug info),
# and a bounded run of every fuzz target (scripts/fuzz.sh).
#
#   scripts/test.sh [--strict] [PRESET...]
#       PRESET: default asan tsan valgrind release-tests fuzz (default: all)
#       --strict (or V6_STRICT=1, as .ci/run sets): a skipped test fails its
#       preset. Skips are named either way (scripts/ctest-skips.sh): tests
#       that exit 77 (no `unshare`, no IPv6) and cmocka cases that skip().
#   V6_FUZZ_SECONDS: seconds per fuzz target (default 20).
#
# Exit status: 0 when every preset built and passed, 1 otherwise, 2 on usage.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2

strict=0
case "${V6_STRICT:-0}" in 1|yes|true|on) strict=1 ;; esac
if [ "${1:-}" = "--strict" ]; then
  strict=1
  shift
fi
all="default asan tsan valgrind release-tests fuzz"
presets=${*:-$all}
for p in $presets; do
  case " $all " in *" $p "*) ;; *) echo "test.sh: unknown preset '$p' ($all)" >&2; exit 2 ;; esac
done
fuzz_secs=${V6_FUZZ_SECONDS:-20}
case "$fuzz_secs" in ''|*[!0-9]*) echo "test.sh: V6_FUZZ_SECONDS must be a number" >&2; exit 2 ;; esac

scripts/install-deps.sh --for-tests --with-npm
case $? in
  0) ;;
  3) echo "test.sh: going on without the SARIF validator (its test will be skipped)" >&2 ;;
  *) exit 1 ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)

# Run ctest for preset $1, recording results as JUnit; name what was
# skipped, and fail on it in strict mode.
run_ctest() {
  junit=$here/build/$1/ctest-junit.xml
  rm -f "$junit"
  ctest --preset "$1" -j "$jobs" --output-junit "$junit"
  rc=$?
  if [ ! -r "$junit" ]; then
    echo "==> [$1] ctest wrote no results ($junit)" >&2
    return 1
  fi
  skips=$(scripts/ctest-skips.sh "$junit")
  if [ -n "$skips" ]; then
    echo "$skips" | sed "s/^/==> [$1] /"
    if [ "$strict" -eq 1 ]; then
      echo "==> [$1] strict mode: $(echo "$skips" | wc -l) skipped test(s) count as failures" >&2
      return 1
    fi
  fi
  return "$rc"
}

failed=""
for p in $presets; do
  echo "==> [$p] configure, build, test"
  start=$(date +%s)
  if [ "$p" = fuzz ]; then
    scripts/fuzz.sh "$fuzz_secs"
  else
    cmake --preset "$p" >/dev/null &&
    cmake --build --preset "$p" -j "$jobs" &&
    run_ctest "$p"
  fi
  if [ $? -eq 0 ]; then
    echo "==> [$p] passed in $(( $(date +%s) - start )) s"
  else
    echo "==> [$p] FAILED" >&2
    failed="$failed $p"
  fi
done

if [ -n "$failed" ]; then
  echo "test.sh: failed presets:$failed" >&2
  exit 1
fi
echo "test.sh: every preset passed ($presets)$([ "$strict" -eq 1 ] && echo ', strict: nothing skipped')"
