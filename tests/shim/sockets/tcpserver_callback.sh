#!/bin/sh
# A super-server's exec'd child calls its IPv6 client back on a new socket
# (issue 13): Debian's ucspi-tcp, IPv4-only, under v6run, in a private
# network namespace. tcpserver listens on 0.0.0.0 (the shim makes it
# [::]:P dual-stack) and accepts an IPv6 client from ::1, which it sees as
# a pool address in $TCPREMOTEIP; for each client it forks and execs
# a shell script that execs tcpclient to $TCPREMOTEIP:Q, where the IPv6
# client's side listens. tcpclient is a new process: it reaches ::1 only
# through tcpserver's shared pool (V6SHIM_POOL_SHM).
#   tcpserver_callback.sh V6PEER V6RUN
# Exit 77 (skip) when ucspi-tcp is not installed.
set -u
v6peer=$1
v6run=$2
TCPSERVER=$(command -v tcpserver) || { echo "ucspi-tcp not installed: skipping"; exit 77; }
TCPCLIENT=$(command -v tcpclient) || { echo "ucspi-tcp not installed: skipping"; exit 77; }
dir=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*; do echo "--- $f"; cat "$f"; done; exit 1; }
wait_for() { # FILE REGEX
  i=0
  while ! grep -Eq "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "no '$2' in $1"; sleep 0.05
  done
}

# The child tcpserver runs for each client: it reads the client's line,
# calls back with it on its own connection (fd 7), and relays the callback's greeting
# (fd 6) to the client on the accepted connection (stdout).
cat > "$dir/child.sh" <<EOF
#!/bin/sh
exec "$TCPCLIENT" -RHl0 "\$TCPREMOTEIP" "\$CALLBACK_PORT" sh -c '
  IFS= read -r said
  echo "callback to \$TCPREMOTEIP from the child of: \$said" >&7
  exec 7>&-
  IFS= read -r line <&6
  echo "child: called back \$TCPREMOTEIP, it said: \$line"'
EOF
chmod +x "$dir/child.sh"

# run NAME SHARE: one IPv6 client with V6SHIM_POOL_SHARE=SHARE; leaves
# $dir/NAME.{callback,client,server}.
run() {
  name=$1 share=$2
  "$v6peer" listen ::1 > "$dir/$name.callback" 2> "$dir/$name.callback.err" &
  cpid=$!
  pids="$pids $cpid"
  wait_for "$dir/$name.callback" '^port '
  cport=$(sed -n 's/^port //p' "$dir/$name.callback")
  port=$("$v6peer" freeport) || fail "no free port"
  CALLBACK_PORT=$cport V6SHIM_POOL_SHARE=$share \
    "$v6run" -- "$TCPSERVER" -v -RHl0 -c 1 0.0.0.0 "$port" "$dir/child.sh" \
    > "$dir/$name.server" 2>&1 &
  spid=$!
  pids="$pids $spid"
  wait_for "$dir/$name.server" "status: 0/1"
  # Without sharing the child exits unread: the client may see a reset.
  "$v6peer" connect ::1 "$port" "hello from the IPv6 client" > "$dir/$name.client" \
    2> "$dir/$name.client.err" || [ "$share" = no ] || fail "$name: the IPv6 client failed"
  wait_for "$dir/$name.server" "end [0-9]+ status"
}

run shared yes
wait $cpid || fail "the callback listener exited with an error"
# tcpserver saw the IPv6 client as the first pool address (its local ::1
# too: one host, one address)...
grep -Eq '^tcpserver: ok [0-9]+ 0:198\.18\.0\.1:[0-9]+ :198\.18\.0\.1::[0-9]+$' "$dir/shared.server" \
  || fail "tcpserver did not see the client as 198.18.0.1"
# ...the exec'd child reached the IPv6 client's listener at that address...
[ "$(sed -n 2p "$dir/shared.callback")" = \
  "callback to 198.18.0.1 from the child of: hello from the IPv6 client" ] \
  || fail "the callback did not reach the IPv6 client"
# ...and the client got the callback's greeting back through the child.
[ "$(cat "$dir/shared.client")" = "child: called back 198.18.0.1, it said: hello from v6" ] \
  || fail "the client did not get the child's report"

# Without sharing, the child's pool is its own and empty: EHOSTUNREACH.
run private no
grep -q "tcpclient: unable to connect to 198.18.0.1 port $cport: host unreachable" \
  "$dir/private.server" || fail "without sharing the child failed otherwise"
[ "$(sed -n 2p "$dir/private.callback")" = "" ] || fail "without sharing a callback arrived"
[ ! -s "$dir/private.client" ] || fail "without sharing the client got a report"
echo "ok: callback through the shared pool"
exit 0
