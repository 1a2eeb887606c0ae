#!/bin/sh
# A super-server's exec'd child calls its IPv6 client back on a new socket
# (issue 13): Debian's ucspi-tcp, IPv4-only, under v6run, in a private
# network namespace. tcpserver listens on 0.0.0.0 (the shim makes it
# [::]:P dual-stack) and accepts IPv6 clients, which it sees as pool
# addresses in $TCPREMOTEIP; for each client it forks and execs a shell
# script that execs tcpclient to $TCPREMOTEIP, where that client's own
# listener waits. tcpclient is a new process: it reaches the client only
# through tcpserver's shared pool (V6SHIM_POOL_SHM). Two clients, from ::1
# and from 2001:db8:1::2 (made local on lo): each callback must reach its
# own client, never the other one.
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
wait_for() { # FILE REGEX [COUNT]: until FILE has COUNT (1) lines matching REGEX
  i=0
  while :; do
    n=$(grep -Ec "$2" "$1" 2>/dev/null) # nothing while FILE does not exist yet
    [ "${n:-0}" -ge "${3:-1}" ] && break
    i=$((i + 1)); [ $i -gt 200 ] && fail "no '$2' in $1"; sleep 0.05
  done
}
ip -6 addr add 2001:db8:1::2/128 dev lo nodad || fail "cannot add 2001:db8:1::2 to lo"

# The child tcpserver runs for each client: it reads the client's line,
# calls back with it on its own connection (fd 7) to the port the test
# wrote for that pool address, and relays the callback's greeting (fd 6)
# to the client on the accepted connection (stdout).
cat > "$dir/child.sh" <<EOF
#!/bin/sh
port=\$(cat "$dir/port.\$TCPREMOTEIP") || exit 1
exec "$TCPCLIENT" -RHl0 "\$TCPREMOTEIP" "\$port" sh -c '
  IFS= read -r said
  echo "callback to \$TCPREMOTEIP from the child of: \$said" >&7
  exec 7>&-
  IFS= read -r line <&6
  echo "child: called back \$TCPREMOTEIP, it said: \$line"'
EOF
chmod +x "$dir/child.sh"

# listener NAME ADDR POOL: the callback listener of the client at ADDR,
# whose pool address will be POOL; its output in $dir/NAME.callback.
listener() {
  "$v6peer" listen "$2" > "$dir/$1.callback" 2> "$dir/$1.callback.err" &
  pids="$pids $!"
  wait_for "$dir/$1.callback" '^port '
  sed -n 's/^port //p' "$dir/$1.callback" > "$dir/port.$3"
}

# server NAME SHARE: tcpserver under v6run with V6SHIM_POOL_SHARE=SHARE.
server() {
  port=$("$v6peer" freeport) || fail "no free port"
  V6SHIM_POOL_SHARE=$2 "$v6run" -- "$TCPSERVER" -v -RHl0 -c 1 0.0.0.0 "$port" "$dir/child.sh" \
    > "$dir/$1.server" 2>&1 &
  pids="$pids $!"
  wait_for "$dir/$1.server" "status: 0/1"
}

# client NAME ADDR N: the IPv6 client from ADDR (to tcpserver on ADDR, so
# that is its source); waits until tcpserver's N-th child ended.
client() {
  "$v6peer" connect "$2" "$port" "hello from $1" > "$dir/$1.client" 2> "$dir/$1.client.err" \
    || [ "$1" = private ] || fail "$1: the IPv6 client failed"
  wait_for "$dir/$srv.server" "end [0-9]+ status" "$3"
}

listener one ::1 198.18.0.1
listener two 2001:db8:1::2 198.18.0.2
srv=shared
server shared yes
client one ::1 1
client two 2001:db8:1::2 2
# tcpserver saw the clients as the first two pool addresses (each one's
# local address too: the same host, the same address)...
grep -Eq '^tcpserver: ok [0-9]+ 0:198\.18\.0\.1:[0-9]+ :198\.18\.0\.1::[0-9]+$' "$dir/shared.server" \
  || fail "tcpserver did not see the first client as 198.18.0.1"
grep -Eq '^tcpserver: ok [0-9]+ 0:198\.18\.0\.2:[0-9]+ :198\.18\.0\.2::[0-9]+$' "$dir/shared.server" \
  || fail "tcpserver did not see the second client as 198.18.0.2"
# ...each exec'd child reached its own client's listener at that address...
[ "$(sed -n 2p "$dir/one.callback")" = "callback to 198.18.0.1 from the child of: hello from one" ] \
  || fail "the first callback did not reach the first client"
[ "$(sed -n 2p "$dir/two.callback")" = "callback to 198.18.0.2 from the child of: hello from two" ] \
  || fail "the second callback did not reach the second client"
[ "$(wc -l < "$dir/one.callback")" -eq 2 ] && [ "$(wc -l < "$dir/two.callback")" -eq 2 ] \
  || fail "a listener got more than its own callback"
# ...and each client got its callback's greeting back through its child.
for c in one:198.18.0.1 two:198.18.0.2; do
  [ "$(cat "$dir/${c%%:*}.client")" = "child: called back ${c#*:}, it said: hello from v6" ] \
    || fail "client ${c%%:*} did not get its child's report"
done

# Without sharing, the child's pool is its own and empty: EHOSTUNREACH.
listener private ::1 198.18.0.1
srv=private
server private no
client private ::1 1
cport=$(cat "$dir/port.198.18.0.1")
grep -q "tcpclient: unable to connect to 198.18.0.1 port $cport: host unreachable" \
  "$dir/private.server" || fail "without sharing the child failed otherwise"
[ "$(sed -n 2p "$dir/private.callback")" = "" ] || fail "without sharing a callback arrived"
[ ! -s "$dir/private.client" ] || fail "without sharing the client got a report"
echo "ok: each callback through the shared pool reached its own client"
exit 0
