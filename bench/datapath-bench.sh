#!/bin/sh
# datapath-bench.sh [BUILD_DIR] [ROUNDS] [MIB] — the data path under the shim.
#
# In a private network namespace with the test hosts file, interleaved
# round by round, each fetch reading MIB MiB (default 256) to EOF over
# loopback:
#   server side: a native IPv6 client (getaddrinfo) fetching from
#     native:  the native dual-stack server ([::]:P, bench_bulk serve-native);
#     shim:    the legacy server (AF_INET, 0.0.0.0:P) under v6run, which
#              listens dual-stack, so the client reaches it over ::1;
#     6tunnel: the same legacy server without the shim, on 127.0.0.1, behind
#              `6tunnel -6 -l ::1` (the relay the shim replaces);
#   client side: fetching from the native server by an IPv6-only name,
#     ported:  the native client;
#     legacy:  the legacy client (gethostbyname, AF_INET) under v6run, through
#              a pool address.
# Prints the median MB/s of each and the ratios (shim / native: 1.00 = as
# fast; native... / 6tunnel: how many times the relay's throughput).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/default}
rounds=${2:-11}
mib=${3:-256}
bench=$build/bench/bench_bulk
v6run=$build/shim/v6run
for f in "$bench" "$v6run"; do
  [ -x "$f" ] || { echo "datapath-bench: $f missing: build first (cmake --build --preset default)" >&2; exit 2; }
done
command -v 6tunnel >/dev/null || { echo "datapath-bench: 6tunnel missing (apt-get install 6tunnel)" >&2; exit 2; }
nss=$(for d in /usr/lib/*-linux-gnu /usr/lib; do [ -e "$d/libnss_wrapper.so" ] && echo "$d/libnss_wrapper.so" && break; done)
[ -n "$nss" ] || { echo "datapath-bench: libnss_wrapper.so missing (apt-get install libnss-wrapper)" >&2; exit 2; }

exec "$here/tests/netns-run.sh" sh -s "$bench" "$v6run" "$nss" "$here/tests/data/hosts" "$rounds" "$mib" <<'INNER'
set -eu
bench=$1 v6run=$2 nss=$3 hosts=$4 rounds=$5 mib=$6
export NSS_WRAPPER_HOSTS=$hosts
pn=47921 ps=47922 p4=47923 pt=47924
"$bench" serve-native $pn "$mib" & a=$!
LD_PRELOAD=$nss "$v6run" -- "$bench" serve-legacy $ps "$mib" & b=$!
"$bench" serve-legacy $p4 "$mib" & c=$!
6tunnel -6 -d -l ::1 $pt 127.0.0.1 $p4 & d=$!
trap 'kill $a $b $c $d 2>/dev/null' EXIT
sleep 0.5
out=/tmp/datapath-bench.$$
: >"$out"
mbs() { LD_PRELOAD=$nss "$@" | awk '{print $4}'; }
for r in $(seq "$rounds"); do
  echo "native $(mbs "$bench" fetch-native ::1 $pn)" >>"$out"
  echo "shim $(mbs "$bench" fetch-native ::1 $ps)" >>"$out"
  echo "6tunnel $(mbs "$bench" fetch-native ::1 $pt)" >>"$out"
  echo "ported $(mbs "$bench" fetch-native v6only.v6kit.test $pn)" >>"$out"
  echo "legacy $(mbs "$v6run" -- "$bench" fetch-legacy v6only.v6kit.test $pn)" >>"$out"
done
med() { grep "^$1 " "$out" | awk '{print $2}' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
n=$(med native) s=$(med shim) t=$(med 6tunnel) po=$(med ported) l=$(med legacy)
rm -f "$out"
printf '%-58s %10s\n' "case ($rounds interleaved rounds of $mib MiB)" "MB/s"
printf '%-58s %10s\n' "native IPv6 server, native client over ::1" "$n"
printf '%-58s %10s\n' "legacy server under the shim, native client over ::1" "$s"
printf '%-58s %10s\n' "legacy server behind 6tunnel, native client over ::1" "$t"
printf '%-58s %10s\n' "native client to the native server, by IPv6-only name" "$po"
printf '%-58s %10s\n' "legacy client under the shim (pool address), same server" "$l"
awk -v n="$n" -v s="$s" -v t="$t" -v po="$po" -v l="$l" 'BEGIN {
  printf "server side: shim / native %.2f, shim / 6tunnel %.2f\n", s / n, s / t
  printf "client side: legacy+shim / ported %.2f\n", l / po
}'
INNER
