#!/bin/sh
# IPv6 literals handed to an IPv4-only parser, on Debian's netcat-traditional:
# `nc -n ADDR PORT` parses ADDR with inet_addr, `nc ADDR PORT` tries
# inet_addr then gethostbyname. Under v6run every IPv6 literal form reaches
# the IPv6 server through its pool address, and `v6run --resolve` names the
# same address nc shows. Runs in a private network namespace (NETNS), which
# gets 2001:db8::1 and fe80::1 on lo for the test.
#   nc_literal.sh V6PEER V6RUN
# Exit 77 (skip) when nc.traditional is not installed.
set -u
v6peer=$1 v6run=$2
NC=$(command -v nc.traditional) || { echo "nc.traditional not installed: skipping"; exit 77; }
. "$(dirname "$0")/expect.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ip addr add 2001:db8::1/128 dev lo 2>/dev/null
ip addr add fe80::1/64 dev lo 2>/dev/null
lo=$(cat /sys/class/net/lo/ifindex)

# serve ADDR: start `v6peer listen ADDR` (one connection), sets $port and $spid.
serve() {
  rm -f "$dir/server.out"
  "$v6peer" listen "$1" > "$dir/server.out" 2> "$dir/server.err" &
  spid=$!
  i=0
  while ! grep -q '^port ' "$dir/server.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "FAIL: server did not start"; exit 1; }; sleep 0.05
  done
  port=$(sed -n 's/^port //p' "$dir/server.out")
}

# one NAME SERVERADDR NC-ARGS...: nc under v6run reaches the server, the
# server reads nc's line, and nc -v showed the first pool address.
one() {
  name=$1 srv=$2
  shift 2
  serve "$srv"
  expect "$name" 0 '198\.18\.0\.1\] [0-9]+ \(\?\) open~hello from v6~?$' -- \
    sh -c 'printf "hi from nc\n" | "$@"' sh "$v6run" -- "$NC" -v -q 1 "$@" "$port"
  wait $spid
  expect "$name-server-got-line" 0 '^port [0-9]+~hi from nc~?$' -- cat "$dir/server.out"
}

one nc-n-loopback ::1 -n ::1
one nc-n-bracketed ::1 -n '[::1]'
one nc-n-long-form ::1 -n 0:0:0:0:0:0:0:1
one nc-n-documentation-address 2001:db8::1 -n 2001:db8::1
one nc-n-scoped-by-name :: -n 'fe80::1%lo'
one nc-n-scoped-by-index :: -n "[fe80::1%$lo]"
# without -n: inet_addr first, then gethostbyname (both now agree)
one nc-literal-by-name ::1 ::1

# The explanation agrees with the runtime: the same pool address, first given.
expect resolve-literal 0 '^name: ::1~canonical: ::1~policy: rfc6724~1\. ::1 -> pool 198\.18\.0\.1~legacy view: 198\.18\.0\.1~$' -- "$v6run" --resolve ::1
expect resolve-bracketed 0 '^name: \[::1\]~canonical: ::1~.*legacy view: 198\.18\.0\.1~$' -- "$v6run" --resolve '[::1]'
expect resolve-scoped 0 "canonical: fe80::1%$lo~.*1\. fe80::1%$lo -> pool 198\.18\.0\.1~" -- "$v6run" --resolve 'fe80::1%lo'
# an IPv4-mapped literal is the IPv4 host itself
expect resolve-mapped 0 'legacy view: 127\.0\.0\.1~$' -- "$v6run" --resolve '::ffff:127.0.0.1'

# Without the shim nc refuses every form, as before; IPv4 is untouched, and
# so is errno (nc prints it: the shim's start-up must not leave ENOENT there).
expect plain-nc-n-refuses 1 "^Can't parse ::1 as an IP address~?$" -- "$NC" -n -q 1 ::1 9
expect plain-nc-refuses 1 '^::1: forward host lookup failed: Unknown host~?$' -- "$NC" -q 1 ::1 9
expect shim-not-a-literal 1 "^Can't parse ::1::2 as an IP address~?$" -- "$v6run" -- "$NC" -n -q 1 ::1::2 9
expect shim-ipv4-refused 1 '^\(UNKNOWN\) \[127\.0\.0\.1\] 9 \([a-z?]+\) : Connection refused~?$' -- "$v6run" -- "$NC" -v -n -q 1 127.0.0.1 9
finish
