#!/bin/sh
# share-bench.sh [BUILD_DIR] [PROCESSES] — what sharing the pool costs.
#
# In a private network namespace, PROCESSES short-lived shimmed processes
# (bench_legacy socket 1: one socket + close, so the shim starts up),
# started by v6run one after the other, with pool_share = no and = yes,
# interleaved in 7 rounds. Sharing adds to each process's start-up two
# memfds, their mappings and seals, 16 random bytes and one setenv.
# Prints the median wall and CPU microseconds per process of each and the
# ratios yes/no (1.00 = no cost).
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
# launcher's own start is paid once, not per process. The shell's `times`
# gives its children's CPU time (user + system), which a busy machine
# disturbs less than the wall clock.
round() { # round yes|no: "WALL_US CPU_US" per process
  t0=$(date +%s%N)
  cpu=$(V6SHIM_POOL_SHARE=$1 "$v6run" -- sh -c '
    i=0
    while [ $i -lt "$2" ]; do "$1" socket 1 >/dev/null; i=$((i + 1)); done
    times' sh "$bench" "$procs" | sed -n 2p |
    awk '{ n = 0; for (f = 1; f <= 2; f++) { split($f, p, "m"); sub("s", "", p[2]); n += p[1] * 60 + p[2] } printf "%d", n * 1e6 }')
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000 / procs )) $(( cpu / procs ))"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in 1 2 3 4 5 6 7; do
  round no >> "$tmp/no"
  round yes >> "$tmp/yes"
done
med() { awk -v c="$2" '{print $c}' "$1" | sort -n | sed -n 4p; }
nw=$(med "$tmp/no" 1) nc=$(med "$tmp/no" 2)
yw=$(med "$tmp/yes" 1) yc=$(med "$tmp/yes" 2)
printf '%-34s %8s %8s %7s\n' "per process ($procs, median of 7)" "no us" "yes us" ratio
printf '%-34s %8s %8s %7.2f\n' "wall" "$nw" "$yw" "$(echo "$yw $nw" | awk '{print $1/$2}')"
printf '%-34s %8s %8s %7.2f\n' "CPU (user + system)" "$nc" "$yc" "$(echo "$yc $nc" | awk '{print $1/$2}')"
INNER
