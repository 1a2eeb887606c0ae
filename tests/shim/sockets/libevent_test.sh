#!/bin/sh
# A libevent client (legacy/libevent_client.c: gethostbyname, then
# bufferevent_socket_connect) under v6run, on each libevent backend (epoll,
# poll, select: EVENT_NOEPOLL / EVENT_NOPOLL), to dual.v6kit.test (::1 first,
# 127.0.0.1 second) where only an IPv4-only server (legacy_server without
# the shim, 0.0.0.0) listens: the refused ::1 attempt fails over inside the
# shim and the loop sees one connect, to 127.0.0.1. Nothing listening: the
# loop's error is ECONNREFUSED.
#   libevent_test.sh CLIENT LEGACY_SERVER V6RUN NSS V6PEER
set -u
client=$1
server=$2
v6run=$3
nss=$4
v6peer=$5
dir=$(mktemp -d)
spid=
trap 'kill $spid 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*; do echo "--- $f"; cat "$f"; done; exit 1; }

for backend in epoll poll select; do
  case $backend in
    epoll) env="" ;;
    poll) env="EVENT_NOEPOLL=1" ;;
    select) env="EVENT_NOEPOLL=1 EVENT_NOPOLL=1" ;;
  esac
  out=$dir/server.$backend # a fresh file: never an earlier server's port line
  "$server" 1 > "$out" 2> "$dir/server.err" &
  spid=$!
  i=0
  while ! grep -q '^port ' "$out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "server did not start"; sleep 0.05
  done
  port=$(sed -n 's/^port //p' "$out")
  env $env LD_PRELOAD="$nss" timeout 30 "$v6run" --log info -- "$client" dual.v6kit.test "$port" \
    > "$dir/client.out" 2> "$dir/client.err" || fail "$backend: client exited $?"
  wait $spid || fail "$backend: server exited with an error"
  printf 'backend: %s\nconnected\nserver said: hello 127.0.0.1\n' "$backend" > "$dir/want"
  cmp -s "$dir/want" "$dir/client.out" || fail "$backend: client output"
  # (the shim's log: the ::1 attempt failed in the loop's wait, not at connect)
  grep -q 'candidate 0 failed (Connection refused), candidate 1 (IPv4) started' "$dir/client.err" \
    || fail "$backend: no fail-over in the log"
  [ "$(sed -n 2p "$out")" = "peer 127.0.0.1" ] || fail "$backend: server's peer"

  port=$("$v6peer" freeport) || fail "no free port"
  env $env LD_PRELOAD="$nss" timeout 30 "$v6run" -- "$client" dual.v6kit.test "$port" \
    > "$dir/refused.out" 2> "$dir/refused.err" && fail "$backend: connected to nothing"
  printf 'backend: %s\nerror: Connection refused\n' "$backend" > "$dir/want"
  cmp -s "$dir/want" "$dir/refused.out" || fail "$backend: refused output"
done
echo "ok: libevent on epoll, poll and select fails over to 127.0.0.1; ECONNREFUSED when nothing serves"
exit 0
