#!/bin/sh
# waits.sh PROBE SHIM NSS_WRAPPER HOSTS DIR — signals during the wait hooks
# (fault_waits.c says what is asked): the lines of fault_waits without the
# shim on the IPv4 name, and under the shim on the IPv4 name (no fail-over)
# and on the dual name ([::1] then 127.0.0.1: a fail-over pending during
# every wait) must all be DIR/waits.expected. Run inside a private network
# namespace (netns-run.sh).
set -u
probe=$1 shim=$2 nss=$3 hosts=$4 dir=$5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
export NSS_WRAPPER_HOSTS="$hosts" NSS_WRAPPER_DISABLE_DEEPBIND=1
san=${V6_TEST_SANITIZER_RUNTIME:-}
with_shim=${san:+$san:}$shim

check() { # NAME FILE
  if ! diff -u "$dir/waits.expected" "$2" >"$tmp/diff"; then
    echo "waits.sh: $1 differs from $dir/waits.expected:" >&2
    cat "$tmp/diff" >&2
    fail=1
  else
    echo "waits.sh: $1: as expected ($(wc -l <"$2") lines)"
  fi
}

LD_PRELOAD=$nss "$probe" v4.stress.v6kit.test >"$tmp/plain" || fail=1
check "without the shim, IPv4 name" "$tmp/plain"
LD_PRELOAD=$with_shim:$nss "$probe" v4.stress.v6kit.test >"$tmp/v4" || fail=1
check "shim, IPv4 name" "$tmp/v4"
LD_PRELOAD=$with_shim:$nss V6SHIM_LOG_LEVEL=info "$probe" dual.stress.v6kit.test >"$tmp/dual" 2>"$tmp/dual.log" || fail=1
check "shim, dual name (a fail-over pending)" "$tmp/dual"
# The fail-over did happen: one per wait call and round.
grep 'signals handled' "$tmp/dual.log"
n=$(grep -c 'candidate 0 failed' "$tmp/dual.log")
if [ "$n" != 16 ]; then
  echo "waits.sh: the shim logged $n fail-overs on the dual name, not 16:" >&2
  cat "$tmp/dual.log" >&2
  fail=1
fi
exit $fail
