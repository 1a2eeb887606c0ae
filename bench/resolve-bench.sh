#!/bin/sh
# resolve-bench.sh [BUILD_DIR] [ROUNDS] — what a lookup costs under the shim.
#
# Two cases, each against the call a program makes without the shim:
#   v4only  gethostbyname(v4only.v6kit.test) under the shim
#           vs glibc's gethostbyname of the same name (no shim)
#   dual    gethostbyname(dual.v6kit.test) under the shim (RFC 6724 order,
#           pool address) vs glibc's getaddrinfo(AF_UNSPEC) of the same name
#           (no shim): what a ported program asks instead
# Inside a private network namespace (loopback only), names from the test
# hosts file, twice:
#   nss_wrapper   through libnss_wrapper.so, preloaded in both runs (its own
#                 getaddrinfo: no RFC 3484 sort, no probe: the cheapest
#                 baseline, where the shim's own work shows most)
#   glibc files   glibc's own resolver on that file, bind-mounted over
#                 /etc/hosts in a private mount namespace (needs root; its
#                 getaddrinfo sorts with probes, as on a real host)
# ROUNDS (default 11)
# interleaved rounds, each running every case's baseline and shim once
# (bench_resolve, N lookups each); prints the median ns per lookup of each
# and the ratio of the medians, then the system calls per lookup of each
# (strace -c, 200 minus 100 lookups, divided by 100) when strace is there.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/default}
rounds=${2:-11}
bench=$build/bench/bench_resolve
shim=$build/shim/libv6shim.so
for f in "$bench" "$shim"; do
  [ -e "$f" ] || { echo "resolve-bench: $f missing: build first (cmake --build --preset default)" >&2; exit 2; }
done
nss=$(for d in /usr/lib/*-linux-gnu /usr/lib; do [ -e "$d/libnss_wrapper.so" ] && echo "$d/libnss_wrapper.so" && break; done)
[ -n "$nss" ] || { echo "resolve-bench: libnss_wrapper.so missing (apt-get install libnss-wrapper)" >&2; exit 2; }

inner=$(cat <<'INNER'
set -eu
bench=$1 shim=$2 nss=$3 hosts=$4 rounds=$5 mode=$6
if [ "$mode" = glibc ]; then
  mount --bind "$hosts" /etc/hosts
  nss= # "$nss" below: nothing extra preloaded
  pre=$shim
  echo "== glibc files backend (/etc/hosts = $hosts)"
else
  export NSS_WRAPPER_HOSTS=$hosts
  pre=$shim:$nss
  echo "== nss_wrapper ($nss, NSS_WRAPPER_HOSTS=$hosts)"
fi
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
# case: name, baseline call, shim call, name looked up, lookups per run
cases="v4only:gethostbyname:gethostbyname:v4only.v6kit.test:20000 dual:getaddrinfo:gethostbyname:dual.v6kit.test:20000"
r=0
while [ "$r" -lt "$rounds" ]; do
  for c in $cases; do
    IFS=: read -r id bcall scall name n <<EOF2
$c
EOF2
    LD_PRELOAD=$nss "$bench" "$bcall" "$name" "$n" | awk '{print $4}' >> "$tmp/$id.base"
    LD_PRELOAD=$pre "$bench" "$scall" "$name" "$n" | awk '{print $4}' >> "$tmp/$id.shim"
  done
  r=$((r + 1))
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
printf '%-8s %-34s %12s %12s %7s\n' case "baseline (no shim)" "base ns/op" "shim ns/op" ratio
for c in $cases; do
  IFS=: read -r id bcall scall name n <<EOF2
$c
EOF2
  b=$(median "$tmp/$id.base") s=$(median "$tmp/$id.shim")
  printf '%-8s %-34s %12s %12s %7.2f\n' "$id" "$bcall $name" "$b" "$s" "$(echo "$s $b" | awk '{print $1/$2}')"
done
command -v strace >/dev/null || exit 0
calls() { # calls PRELOAD CALL NAME: system calls per lookup
  for k in 100 200; do
    LD_PRELOAD=$1 strace -f -c -o "$tmp/sc.$k" "$bench" "$2" "$3" "$k" > /dev/null
  done
  echo $(( ($(awk '/total/{print $4}' "$tmp/sc.200") - $(awk '/total/{print $4}' "$tmp/sc.100")) / 100 ))
}
printf '%-8s %18s %18s\n' case "base syscalls/op" "shim syscalls/op"
for c in $cases; do
  IFS=: read -r id bcall scall name n <<EOF2
$c
EOF2
  printf '%-8s %18s %18s\n' "$id" "$(calls "$nss" "$bcall" "$name")" "$(calls "$pre" "$scall" "$name")"
done
INNER
)
hosts=$here/tests/data/hosts
"$here/tests/netns-run.sh" sh -c "$inner" inner "$bench" "$shim" "$nss" "$hosts" "$rounds" nss
if [ "$(id -u)" -eq 0 ]; then
  "$here/tests/netns-run.sh" unshare -m sh -c "$inner" inner "$bench" "$shim" "$nss" "$hosts" "$rounds" glibc
else
  echo "== glibc files backend: skipped (needs root for a private mount namespace)"
fi
