#!/bin/sh
# v6run --ipv6-only [--no-shim]: lo has ::1 only, localhost is ::1, a
# connect to 127.0.0.1 fails loudly, and a legacy server listening on
# 0.0.0.0 serves an IPv6 client on ::1 with the shim (and not without it).
# As root, and again as nobody (the user-namespace path), when possible;
# the refusal when no namespace can be made.
#   v6run_ipv6_only.sh V6RUN LEGACY_ECHO_SERVER LEGACY_ECHO_CLIENT PORTED_ECHO_CLIENT
set -u
. "$(dirname "$0")/../resolver/expect.sh"
V6RUN=$1 LSERVER=$2 LCLIENT=$3 PCLIENT=$4
host=$(hostname)
hostsline="::1             localhost ip6-localhost ip6-loopback${host:+ $host}"

if ! "$V6RUN" --ipv6-only --no-shim -- true 2>/dev/null; then
  echo "v6run --ipv6-only cannot make namespaces here: skipping"
  "$V6RUN" --ipv6-only --no-shim -- true
  exit 77
fi

# The legacy echo server in the background, the client once it listens
# (its "listening on" line; no timing involved), the server's own output.
serve() { # V6RUN-OPTIONS...: one --ipv6-only namespace, as $as (a prefix or "")
  $as "$V6RUN" "$@" -- sh -c '
    out=$(mktemp) && trap "rm -f $out" EXIT
    "$1" -p 7000 -n 1 > "$out" 2>&1 &
    i=0
    until grep -q "^listening on" "$out"; do
      i=$((i + 1)); [ "$i" -lt 2000 ] || { echo "server never listened"; cat "$out"; exit 1; }
      sleep 0.01
    done
    "$2" ::1 7000 "hello over ipv6"; rc=$?; echo
    [ "$rc" -eq 0 ] || kill "$!" 2>/dev/null
    wait; cat "$out"; exit "$rc"' sh "$LSERVER" "$PCLIENT"
}

run_all() { # PREFIX: a command prefix running v6run as another user, or ""
  p=$1 as=$1 who=${1:+-nobody}
  expect "lo-has-only-ipv6-loopback$who" 0 '^1: lo +inet6 ::1/128 scope host [^~]*~$' -- $p "$V6RUN" --ipv6-only --no-shim -- ip -o addr show
  expect "localhost-is-ipv6-loopback$who" 0 "^$hostsline~\$" -- $p "$V6RUN" --ipv6-only --no-shim -- getent hosts localhost
  expect "no-ipv4-localhost$who" 2 '^~$' -- $p "$V6RUN" --ipv6-only --no-shim -- getent ahostsv4 ip6-localhost
  expect "same-user$who" 0 "^$($p id -u)~\$" -- $p "$V6RUN" --ipv6-only --no-shim -- id -u
  # a legacy client with 127.0.0.1 hard-coded, without the shim: ENETUNREACH
  expect "connect-127-0-0-1-unreachable$who" 1 '^connect: Network is unreachable~$' -- $p "$V6RUN" --ipv6-only --no-shim -- "$LCLIENT" 127.0.0.1 7000 hi
  # by name: glibc hands an AF_INET lookup of localhost 127.0.0.1 for ::1
  expect "connect-localhost-v4-unreachable$who" 1 '^connect: Network is unreachable~$' -- $p "$V6RUN" --ipv6-only --no-shim -- "$LCLIENT" localhost 7000 hi
  # with the shim, localhost is ::1 through the pool: nothing listens there
  expect "connect-localhost-shim-refused$who" 1 '^connect: Connection refused~$' -- $p "$V6RUN" --ipv6-only -- "$LCLIENT" localhost 7000 hi
  expect "legacy-server-with-shim$who" 0 '^trying ::1 port 7000~connected to ::1 port 7000~hello over ipv6~listening on 0\.0\.0\.0 port 7000~client 198\.18\.0\.1 port [0-9]+~$' -- serve --ipv6-only
  expect "legacy-server-without-shim$who" 1 '^trying ::1 port 7000~::1 port 7000: Connection refused~ported_echo_client: cannot connect to ::1 port 7000: Connection refused~~listening on 0\.0\.0\.0 port 7000~$' -- serve --ipv6-only --no-shim
}
run_all ""
# nobody: the user-namespace path (skipped where unprivileged user
# namespaces are off, or nobody cannot reach the build tree)
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
  asnobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
  if $asnobody "$V6RUN" --ipv6-only --no-shim -- true 2>/dev/null; then
    run_all "$asnobody"
  else
    echo "skip nobody: $($asnobody "$V6RUN" --ipv6-only --no-shim -- true 2>&1)"
  fi
fi

# No namespace can be made: a user namespace allowing one more, used by an
# unmapped user (no capabilities after exec), so v6run's own is refused.
if unshare -Ur true 2>/dev/null; then
  expect refused 125 '^v6run: --ipv6-only: cannot create a private network namespace: No space left on device; needs root or unprivileged user namespaces' -- unshare -Ur sh -c 'echo 1 > /proc/sys/user/max_user_namespaces && exec unshare -U "$@"' sh "$V6RUN" --ipv6-only --no-shim -- true
fi
expect no-shim-alone 2 '^v6run: --no-shim: only with --ipv6-only~$' -- "$V6RUN" --no-shim true
finish
