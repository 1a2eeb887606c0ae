#!/bin/sh
# test.sh — install what is missing, then build and run every v6kit test:
# the default build (warnings are errors), then the AddressSanitizer +
# UndefinedBehaviorSanitizer build, the ThreadSanitizer build, and every
# cmocka program under valgrind memcheck.
#
#   scripts/test.sh [PRESET...]     default: default asan tsan valgrind
#
# Exit status: 0 when every preset built and passed, 1 otherwise, 2 on usage.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2

presets=${*:-"default asan tsan valgrind"}
for p in $presets; do
  case "$p" in default|asan|tsan|valgrind) ;; *) echo "test.sh: unknown preset '$p' (default, asan, tsan, valgrind)" >&2; exit 2 ;; esac
done

scripts/install-deps.sh || exit 1
jobs=$(nproc 2>/dev/null || echo 2)

failed=""
for p in $presets; do
  echo "==> [$p] configure, build, test"
  start=$(date +%s)
  if cmake --preset "$p" >/dev/null &&
     cmake --build --preset "$p" -j "$jobs" &&
     ctest --preset "$p" -j "$jobs"; then
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
echo "test.sh: every preset passed ($presets)"
