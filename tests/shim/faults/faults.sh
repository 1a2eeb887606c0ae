#!/bin/sh
# faults.sh PROBE SHIM NSS_WRAPPER HOSTS DIR — the faults of issue 14 through
# the preloaded shim, each compared with the same program without the shim
# in the same run (run inside a private network namespace: netns-run.sh).
#
# sockets: fault_probe's lines without the shim (IPv4 name) must be
#   DIR/sockets.expected, and so must the shim's for the IPv4 name; for the
#   IPv6-only and dual names the shim's lines must be
#   DIR/sockets-v6only.expected and DIR/sockets-dual.expected, which differ
#   from it only where docs/reliability.md says why.
# resolver: a name the hosts file lacks (nss_wrapper), then, in a private
#   mount namespace, real DNS to a nameserver on 127.0.0.1:53 that never
#   answers (timeout:1 attempts:1): the shim's lines must equal glibc's.
set -u
probe=$1 shim=$2 nss=$3 hosts=$4 dir=$5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
export NSS_WRAPPER_HOSTS="$hosts" NSS_WRAPPER_DISABLE_DEEPBIND=1
san=${V6_TEST_SANITIZER_RUNTIME:-}
with_shim=${san:+$san:}$shim

check() { # NAME FILE EXPECTED
  if ! diff -u "$3" "$2" >"$tmp/diff"; then
    echo "faults.sh: $1 differs from $3:" >&2
    cat "$tmp/diff" >&2
    fail=1
  else
    echo "faults.sh: $1: as expected ($(wc -l <"$2") lines)"
  fi
}

LD_PRELOAD=$nss "$probe" sockets v4.stress.v6kit.test >"$tmp/plain" || fail=1
check "without the shim, IPv4 name" "$tmp/plain" "$dir/sockets.expected"
for n in v4:sockets v6:sockets-v6only dual:sockets-dual; do
  LD_PRELOAD=$with_shim:$nss "$probe" sockets "${n%%:*}.stress.v6kit.test" >"$tmp/$n" || fail=1
  check "shim, ${n%%:*} name" "$tmp/$n" "$dir/${n#*:}.expected"
done

LD_PRELOAD=$nss "$probe" resolver missing.stress.v6kit.test >"$tmp/r-plain" || fail=1
LD_PRELOAD=$with_shim:$nss "$probe" resolver missing.stress.v6kit.test >"$tmp/r-shim" || fail=1
# nss_wrapper alone answers a missing name with NETDB_INTERNAL (errno
# ENOENT) where glibc's files backend says HOST_NOT_FOUND: the shim must give
# glibc's answers, which the unanswered-DNS case below compares directly.
printf '%s\n' 'gethostbyname: HOST_NOT_FOUND' 'gethostbyname2 AF_INET: HOST_NOT_FOUND' \
  'gethostbyname_r: 0, h_errno HOST_NOT_FOUND' 'getaddrinfo AF_UNSPEC: EAI_NONAME' \
  'getaddrinfo AF_INET: EAI_NONAME' >"$tmp/r-want"
sed -n 's/^\(getaddrinfo .*\)/\1/p' "$tmp/r-plain" >"$tmp/r-plain-gai"
head -n 5 "$tmp/r-shim" >"$tmp/r-shim5"
check "shim, name missing from the hosts file" "$tmp/r-shim5" "$tmp/r-want"
sed -n 's/^\(getaddrinfo .*\)/\1/p' "$tmp/r-shim" >"$tmp/r-shim-gai"
check "shim, missing name, getaddrinfo as without it" "$tmp/r-shim-gai" "$tmp/r-plain-gai"

# DNS that never answers: glibc's own resolver, no nss_wrapper.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$tmp/resolv.conf"
unshare -m -- sh -c '
  mount --bind "$1" /etc/resolv.conf || exit 1
  unset NSS_WRAPPER_HOSTS
  "$2" dns-sink 127.0.0.1 &
  sink=$!
  sleep 0.2
  "$2" resolver nowhere.v6kit.test >"$3/d-plain"
  LD_PRELOAD=$4 "$2" resolver nowhere.v6kit.test >"$3/d-shim"
  kill $sink' sh "$tmp/resolv.conf" "$probe" "$tmp" "$with_shim" || fail=1
grep -q '^getaddrinfo AF_UNSPEC: EAI_AGAIN$' "$tmp/d-plain" || { echo "faults.sh: unanswered DNS: not EAI_AGAIN without the shim" >&2; cat "$tmp/d-plain" >&2; fail=1; }
check "shim, DNS that never answers" "$tmp/d-shim" "$tmp/d-plain"
exit $fail
