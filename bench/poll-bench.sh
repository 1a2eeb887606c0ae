#!/bin/sh
# poll-bench.sh [BUILD_DIR] [ROUNDS] — what a wait call costs under the shim.
#
# In a private network namespace with the test hosts file, interleaved round
# by round, N polls of one readable pipe (bench_poll):
#   idle:    without the shim, and under v6run with no fail-over pending (the
#            common case: the hook's one atomic load, then libc's poll);
#   pending: under v6run while one non-blocking connect to dual.v6kit.test
#            waits for its ::1 attempt (the slow path: lock, identity check
#            of the record, the events looked at).
# Prints the median wall and CPU ns per poll and the rate ratios (baseline /
# shim: 1.00 = as fast as without the shim).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/default}
rounds=${2:-7}
bench=$build/bench/bench_poll
v6run=$build/shim/v6run
for f in "$bench" "$v6run"; do
  [ -x "$f" ] || { echo "poll-bench: $f missing: build first (cmake --build --preset default)" >&2; exit 2; }
done
nss=$(for d in /usr/lib/*-linux-gnu /usr/lib; do [ -e "$d/libnss_wrapper.so" ] && echo "$d/libnss_wrapper.so" && break; done)
[ -n "$nss" ] || { echo "poll-bench: libnss_wrapper.so missing (apt-get install libnss-wrapper)" >&2; exit 2; }

exec "$here/tests/netns-run.sh" sh -s "$bench" "$v6run" "$nss" "$here/tests/data/hosts" "$rounds" <<'INNER'
set -eu
bench=$1 v6run=$2 nss=$3 hosts=$4 rounds=$5
export NSS_WRAPPER_HOSTS=$hosts
n=1000000
one() { LD_PRELOAD=$nss "$@" | awk '{print $4, $5}'; }
out=/tmp/poll-bench.$$
: >"$out"
for r in $(seq "$rounds"); do
  echo "plain $(one "$bench" idle $n)" >>"$out"
  echo "idle $(one "$v6run" -- "$bench" idle $n)" >>"$out"
  echo "pending $(one "$v6run" -- "$bench" pending dual.v6kit.test $n)" >>"$out"
done
med() { # med LABEL FIELD: median of field FIELD (2 wall, 3 CPU) over the rounds
  awk -v k="$1" -v f="$2" '$1 == k {print $f}' "$out" | sort -n |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
printf '%-48s %8s %8s %6s %8s %8s %6s\n' "case ($rounds interleaved rounds of $n polls)" \
  "base ns" "shim ns" "rate" "base cpu" "shim cpu" "rate"
row() { # row TEXT BASE SHIM
  bw=$(med "$2" 2) sw=$(med "$3" 2) bc=$(med "$2" 3) sc=$(med "$3" 3)
  printf '%-48s %8s %8s %6.2f %8s %8s %6.2f\n' "$1" "$bw" "$sw" \
    "$(echo "$bw $sw" | awk '{print $1/$2}')" "$bc" "$sc" "$(echo "$bc $sc" | awk '{print $1/$2}')"
}
row "no fail-over pending: shim vs no shim" plain idle
row "a fail-over pending: shim vs no shim" plain pending
rm -f "$out"
INNER
