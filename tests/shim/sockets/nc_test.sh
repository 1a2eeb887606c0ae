#!/bin/sh
# Debian's netcat-traditional (IPv4-only) under v6run, in a private network
# namespace with the test hosts file (NSS_WRAPPER_HOSTS): nc runs with
# LD_PRELOAD=NSS (libnss_wrapper), and v6run puts the shim before it.
#   nc_test.sh client V6PEER V6RUN NSS   nc connects BY NAME to an IPv6-only server
#   nc_test.sh server V6PEER V6RUN NSS   nc -l -p PORT accepts an IPv6 client
# Exit 77 (skip) when nc.traditional is not installed.
set -u
mode=$1
v6peer=$2
v6run=$3
nss=$4
NC=$(command -v nc.traditional) || { echo "nc.traditional not installed: skipping"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*; do echo "--- $f"; cat "$f"; done; exit 1; }

case $mode in
client)
  # The server is plain IPv6 (no preload needed, but harmless).
  "$v6peer" listen ::1 > "$dir/server.out" 2> "$dir/server.err" &
  spid=$!
  i=0
  while ! grep -q '^port ' "$dir/server.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "server did not start"; sleep 0.05
  done
  port=$(sed -n 's/^port //p' "$dir/server.out")
  printf 'hi from nc\n' | LD_PRELOAD=$nss "$v6run" -- "$NC" -q 1 v6only.v6kit.test "$port" > "$dir/nc.out" 2> "$dir/nc.err"
  rc=$?
  wait $spid || fail "server exited with an error"
  [ $rc -eq 0 ] || fail "nc exited $rc"
  [ "$(cat "$dir/nc.out")" = "hello from v6" ] || fail "nc did not get the server's greeting"
  [ "$(sed -n 2p "$dir/server.out")" = "hi from nc" ] || fail "server did not get nc's line"
  # Without the shim the same name does not resolve for nc.
  LD_PRELOAD=$nss "$NC" -q 1 v6only.v6kit.test "$port" < /dev/null > "$dir/plain.out" 2>&1 && fail "nc without the shim connected"
  grep -q 'v6only.v6kit.test: forward host lookup failed' "$dir/plain.out" || fail "nc without the shim failed otherwise"
  ;;
server)
  port=$("$v6peer" freeport) || fail "no free port"
  LD_PRELOAD=$nss "$v6run" -- "$NC" -v -n -l -p "$port" > "$dir/nc.out" 2> "$dir/nc.err" < /dev/null &
  npid=$!
  i=0
  while ! grep -q 'listening' "$dir/nc.err" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "nc did not start listening"; sleep 0.05
  done
  "$v6peer" connect ::1 "$port" "hello nc" > "$dir/client.out" 2> "$dir/client.err" || fail "IPv6 client could not connect"
  wait $npid
  [ "$(cat "$dir/nc.out")" = "hello nc" ] || fail "nc -l did not print the IPv6 client's line"
  # nc reports the peer through inet_ntoa: a pool address (198.18.0.0/15).
  grep -Eq 'connect to \[[0-9.]+\] from \(UNKNOWN\) \[198\.1[89]\.[0-9]+\.[0-9]+\] [0-9]+' "$dir/nc.err" \
    || fail "nc did not show the IPv6 peer as a pool address"
  ;;
*)
  echo "usage: nc_test.sh client|server V6PEER V6RUN NSS"; exit 2 ;;
esac
echo "ok: $mode"
exit 0
