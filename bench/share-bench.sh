#!/bin/sh
# share-bench.sh [BUILD_DIR] [PROCESSES] — what sharing the pool costs.
#
# In a private network namespace, PROCESSES short-lived shimmed processes
# (bench_legacy socket 1: one socket + close, so the shim starts up),
# started by v6run one after the other, with pool_share = no and = yes,
# interleaved in 5 rounds. Sharing adds to each process's start-up two
# memfds, their mappings and seals, 16 random bytes and one setenv.
# Prints the median wall microseconds per process of each and the ratio
# yes/no (1.00 = no cost).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/default}
procs=${2:-300}
bench=$build/bench/bench_legacy
v6run=$build/shim/v6run
for f in "$bench" "$v6run"; do
  [ -x "$f" ] || { echo "share-bench: $f missing: build first (cmake --build --preset default)" >&2; exit 2; }
done

exec "$here/tests/netns-run.sh" sh -s "$bench" "$v6run" "$procs" <<'INNER'
set -eu
bench=$1 v6run=$2 procs=$3
# One v6run starts a shell that starts PROCS shimmed processes: the
# launcher's own start is paid once, not per process.
round() { # round yes|no: microseconds per process
  t0=$(date +%s%N)
  V6SHIM_POOL_SHARE=$1 "$v6run" -- sh -c '
    i=0
    while [ $i -lt "$2" ]; do "$1" socket 1 >/dev/null; i=$((i + 1)); done' sh "$bench" "$procs"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 / procs ))
}
: > /tmp/share-bench.no.$$
: > /tmp/share-bench.yes.$$
trap 'rm -f /tmp/share-bench.no.$$ /tmp/share-bench.yes.$$' EXIT
for r in 1 2 3 4 5; do
  round no >> /tmp/share-bench.no.$$
  round yes >> /tmp/share-bench.yes.$$
done
no=$(sort -n /tmp/share-bench.no.$$ | sed -n 3p)
yes=$(sort -n /tmp/share-bench.yes.$$ | sed -n 3p)
printf '%-40s %8s %8s %7s\n' case "no us" "yes us" ratio
printf '%-40s %8s %8s %7.2f\n' "process start-up (socket+close), $procs" "$no" "$yes" \
  "$(echo "$yes $no" | awk '{print $1/$2}')"
INNER
