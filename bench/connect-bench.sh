#!/bin/sh
# connect-bench.sh [BUILD_DIR] [ROUNDS] [OTHER_BUILD_DIR] — what a connect
# costs under the shim.
#
# In a private network namespace with the test hosts file, one dual-stack
# server ([::]:P, unshimmed) and, interleaved round by round:
#   pool path: the legacy client (gethostbyname + AF_INET socket) to the
#              IPv6-only name under v6run, against the ported client
#              (getaddrinfo + socket(ai_family)) to the same name, no shim;
#   IPv4 path: the legacy client to the IPv4-only name with and without
#              the shim;
#   mixed:     each client alternating between the IPv6-only and the
#              IPv4-only name (the adaptive model's worst case: every IPv4
#              connect settles an early socket), shim vs ported.
# Prints the median wall and CPU ns per connect of each and the connect-rate
# ratios (baseline / shim: 1.00 = as fast as the baseline; the CPU-time ratio
# is the one a busy machine disturbs least), and strace -c syscall counts per
# connect. With OTHER_BUILD_DIR, that build's shim (v6run) runs the same
# legacy cases in the same rounds (rows marked "other"), for a before/after
# on a machine too noisy for two separate runs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/default}
rounds=${2:-7}
bench=$build/bench/bench_connect
v6run=$build/shim/v6run
other=${3:+$3/shim/v6run}
for f in "$bench" "$v6run" ${other:+"$other"}; do
  [ -x "$f" ] || { echo "connect-bench: $f missing: build first (cmake --build --preset default)" >&2; exit 2; }
done
nss=$(for d in /usr/lib/*-linux-gnu /usr/lib; do [ -e "$d/libnss_wrapper.so" ] && echo "$d/libnss_wrapper.so" && break; done)
[ -n "$nss" ] || { echo "connect-bench: libnss_wrapper.so missing (apt-get install libnss-wrapper)" >&2; exit 2; }

exec "$here/tests/netns-run.sh" sh -s "$bench" "$v6run" "$nss" "$here/tests/data/hosts" "$rounds" "${other:-}" <<'INNER'
set -eu
bench=$1 v6run=$2 nss=$3 hosts=$4 rounds=$5 other=$6
export NSS_WRAPPER_HOSTS=$hosts
# Many short connections from one client: no TIME_WAIT at all in this
# namespace (tcp_max_tw_buckets 0). With it, the client's ephemeral ports
# fill up within a second and every connect searches for a reusable one,
# a cost that swings by 3x with the timing and swamps what is measured.
sysctl -qw net.ipv4.tcp_max_tw_buckets=0 2>/dev/null || true
sysctl -qw net.ipv4.tcp_tw_reuse=1 2>/dev/null || true
port=47914
"$bench" serve $port &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
sleep 0.3
n=2000
one() { LD_PRELOAD=$nss "$@" | awk '{print $4, $5}'; }
: >/tmp/connect-bench.$$
for r in $(seq "$rounds"); do
  echo "native6 $(one "$bench" native v6only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  echo "pool $(one "$v6run" -- "$bench" legacy v6only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  echo "v4plain $(one "$bench" legacy v4only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  echo "v4shim $(one "$v6run" -- "$bench" legacy v4only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  echo "mixnative $(one "$bench" native v6only.v6kit.test,v4only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  echo "mixpool $(one "$v6run" -- "$bench" legacy v6only.v6kit.test,v4only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  if [ -n "$other" ]; then
    echo "pool_o $(one "$other" -- "$bench" legacy v6only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
    echo "v4shim_o $(one "$other" -- "$bench" legacy v4only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
    echo "mixpool_o $(one "$other" -- "$bench" legacy v6only.v6kit.test,v4only.v6kit.test $port $n)" >>/tmp/connect-bench.$$
  fi
done
med() { # med LABEL FIELD: median of field FIELD (2 wall, 3 CPU) over the rounds
  awk -v k="$1" -v f="$2" '$1 == k {print $f}' /tmp/connect-bench.$$ | sort -n |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
printf '%-44s %10s %10s %6s %10s %10s %6s\n' "case ($rounds interleaved rounds of $n)" \
  "base ns" "shim ns" "rate" "base cpu" "shim cpu" "rate"
row() { # row TEXT BASE SHIM
  bw=$(med "$2" 2) sw=$(med "$3" 2) bc=$(med "$2" 3) sc=$(med "$3" 3)
  printf '%-44s %10s %10s %6.2f %10s %10s %6.2f\n' "$1" "$bw" "$sw" \
    "$(echo "$bw $sw" | awk '{print $1/$2}')" "$bc" "$sc" "$(echo "$bc $sc" | awk '{print $1/$2}')"
}
row "pool path: legacy+shim vs ported, IPv6 name" native6 pool
row "IPv4 path: legacy+shim vs legacy, IPv4 name" v4plain v4shim
row "mixed: legacy+shim vs ported, both names" mixnative mixpool
if [ -n "$other" ]; then
  row "other: pool path" native6 pool_o
  row "other: IPv4 path" v4plain v4shim_o
  row "other: mixed" mixnative mixpool_o
fi
rm -f /tmp/connect-bench.$$
# Syscalls per connect (strace -c over 200 connects, minus the start-up).
count() { # label CMD...
  f=/tmp/connect-bench-strace.$$
  LD_PRELOAD=$nss strace -f -c -o "$f" "$@" >/dev/null 2>&1 || true
  awk 'NR > 2 && $NF != "total" && $1 ~ /^[0-9.]+$/ {calls = ($4 ~ /^[0-9]+$/) ? $4 : $3; s += calls} END {print s}' "$f"
  rm -f "$f"
}
if command -v strace >/dev/null 2>&1; then
  for c in "native6:$bench native v6only.v6kit.test" "pool:$v6run -- $bench legacy v6only.v6kit.test" \
           "v4plain:$bench legacy v4only.v6kit.test" "v4shim:$v6run -- $bench legacy v4only.v6kit.test" \
           "mixnative:$bench native v6only.v6kit.test,v4only.v6kit.test" \
           "mixpool:$v6run -- $bench legacy v6only.v6kit.test,v4only.v6kit.test"; do
    label=${c%%:*} cmd=${c#*:}
    # shellcheck disable=SC2086
    a=$(count $cmd $port 1) b=$(count $cmd $port 201)
    printf 'syscalls per connect, %-9s %6.1f\n' "$label" "$(echo "$a $b" | awk '{print ($2-$1)/200}')"
  done
fi
INNER
