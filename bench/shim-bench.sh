#!/bin/sh
# shim-bench.sh [BUILD_DIR] — what the shim costs a legacy program.
#
# Runs bench_legacy without and with libv6shim.so (through v6run) in the same
# run, inside a private network namespace with the test hosts file, and
# prints the median ns/op of 5 runs of each and the ratio shim/baseline.
# Cases: socket+close (the pass-through path every program pays), IPv4
# connect on loopback (transparency path), UDP sendto to a loopback IPv4
# address (the per-datagram path of a plain IPv4 socket), gethostbyname of an IPv4-only name
# (resolver path through nss_wrapper's hosts file), and of a dual-stack name
# (the shim sorts it by RFC 6724: one source probe per answer).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/default}
bench=$build/bench/bench_legacy
v6run=$build/shim/v6run
for f in "$bench" "$v6run"; do
  [ -x "$f" ] || { echo "shim-bench: $f missing: build first (cmake --build --preset default)" >&2; exit 2; }
done
nss=$(for d in /usr/lib/*-linux-gnu /usr/lib; do [ -e "$d/libnss_wrapper.so" ] && echo "$d/libnss_wrapper.so" && break; done)
[ -n "$nss" ] || { echo "shim-bench: libnss_wrapper.so missing (apt-get install libnss-wrapper)" >&2; exit 2; }

exec "$here/tests/netns-run.sh" sh -s "$bench" "$v6run" "$nss" "$here/tests/data/hosts" <<'INNER'
set -eu
bench=$1 v6run=$2 nss=$3 hosts=$4
export NSS_WRAPPER_HOSTS=$hosts
# A loopback IPv4 listener for the connect case, unshimmed, killed at exit.
port=47913
"$bench" serve $port &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
sleep 0.2
median() { sort -n | sed -n 3p; }
run() { # run CMD...: median ns/op of 5 runs
  for i in 1 2 3 4 5; do "$@" | awk '{print $4}'; done | median
}
printf '%-34s %12s %12s %7s\n' case "base ns/op" "shim ns/op" ratio
for c in "socket 20000" "connect 127.0.0.1 $port 2000" "sendto 127.0.0.1 $port 20000" "resolve v4only.v6kit.test 2000" "resolve dual.v6kit.test 500"; do
  # shellcheck disable=SC2086
  b=$(LD_PRELOAD=$nss run "$bench" $c)
  # shellcheck disable=SC2086
  s=$(LD_PRELOAD=$nss run "$v6run" -- "$bench" $c)
  printf '%-34s %12s %12s %7.2f\n' "$c" "$b" "$s" "$(echo "$s $b" | awk '{print $1/$2}')"
done
INNER
