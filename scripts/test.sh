#!/bin/sh
# test.sh — install what is missing, then build and run every v6kit test:
# the default build (warnings are errors), then the AddressSanitizer +
# UndefinedBehaviorSanitizer build, the ThreadSanitizer build, and every
# cmocka program under valgrind memcheck.
#
#   scripts/test.sh [--strict] [PRESET...]   default: default asan tsan valgrind
#
# Test-only tools are installed too (install-deps.sh --for-tests --with-npm).
# When npm or its registry is unavailable, the SARIF validation test is
# skipped and says so; a skipped test is a pass, except with --strict (what
# CI runs: .ci/run), where any skipped test fails the preset.
#
# Exit status: 0 when every preset built and passed, 1 otherwise, 2 on usage.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2

strict=0
if [ "${1:-}" = "--strict" ]; then
  strict=1
  shift
fi
presets=${*:-"default asan tsan valgrind"}
for p in $presets; do
  case "$p" in default|asan|tsan|valgrind) ;; *) echo "test.sh: unknown preset '$p' (default, asan, tsan, valgrind)" >&2; exit 2 ;; esac
done

scripts/install-deps.sh --for-tests --with-npm
case $? in
  0) ;;
  3) echo "test.sh: going on without the SARIF validator (its test will be skipped)" >&2 ;;
  *) exit 1 ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)

failed=""
for p in $presets; do
  echo "==> [$p] configure, build, test"
  start=$(date +%s)
  log="build/$p/test.sh.log"
  if cmake --preset "$p" >/dev/null &&
     cmake --build --preset "$p" -j "$jobs" &&
     { ctest --preset "$p" -j "$jobs"; echo $? > "$log.rc"; } 2>&1 | tee "$log" &&
     [ "$(cat "$log.rc")" -eq 0 ]; then
    skipped=$(grep -c '(Skipped)$' "$log")
    if [ "$skipped" -gt 0 ] && [ "$strict" -eq 1 ]; then
      echo "==> [$p] FAILED (--strict): $skipped test(s) skipped" >&2
      failed="$failed $p"
    else
      echo "==> [$p] passed in $(( $(date +%s) - start )) s ($skipped skipped)"
    fi
  else
    echo "==> [$p] FAILED" >&2
    failed="$failed $p"
  fi
done

if [ -n "$failed" ]; then
  echo "test.sh: failed presets:$failed" >&2
  exit 1
fi
echo "test.sh: every preset passed ($presets)"
