#!/bin/sh
# The loopback fallback (v6run --loopback-fallback yes): a client that
# hard-codes 127.0.0.1 toward a service that now listens on [::1] only
# (IPV6_V6ONLY=1, v6peer), in a private network namespace.
#   loopback_fallback.sh V6PEER V6RUN EVLOOP
# Debian's nc.traditional (blocking connect) and legacy_evloop (non-blocking
# connect + poll + SO_ERROR) reach the server with the option, are refused
# without it (the default), and report mode counts the fallback at the
# program's connect. Exit 77 (skip) when nc.traditional is not installed.
set -u
v6peer=$1
v6run=$2
evloop=$3
NC=$(command -v nc.traditional) || { echo "nc.traditional not installed: skipping"; exit 77; }
dir=$(mktemp -d)
trap 'kill $spid 2>/dev/null; rm -rf "$dir"' EXIT
spid=
fail() { echo "FAIL: $*"; for f in "$dir"/*; do echo "--- $f"; cat "$f"; done; exit 1; }

# Start v6peer on [::1]; sets $port and $spid.
serve() {
  : > "$dir/server.out"
  "$v6peer" listen ::1 > "$dir/server.out" 2> "$dir/server.err" &
  spid=$!
  i=0
  while ! grep -q '^port ' "$dir/server.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "server did not start"; sleep 0.05
  done
  port=$(sed -n 's/^port //p' "$dir/server.out")
}

# Blocking: nc.traditional -n 127.0.0.1 PORT.
serve
printf 'hi from nc\n' | "$v6run" --loopback-fallback yes -- "$NC" -n -q 1 127.0.0.1 "$port" \
  > "$dir/nc.out" 2> "$dir/nc.err" || fail "nc with the fallback exited $?"
wait $spid || fail "server exited with an error"
[ "$(cat "$dir/nc.out")" = "hello from v6" ] || fail "nc did not get the [::1] server's greeting"
[ "$(sed -n 2p "$dir/server.out")" = "hi from nc" ] || fail "the server did not get nc's line"

# Off by default: the kernel's refusal, as without the shim.
serve
"$v6run" -- "$NC" -n -q 1 127.0.0.1 "$port" < /dev/null > "$dir/off.out" 2>&1 && fail "nc connected without the option"
grep -q 'Connection refused' "$dir/off.out" || fail "nc without the option failed otherwise"
"$NC" -n -q 1 127.0.0.1 "$port" < /dev/null > "$dir/plain.out" 2>&1
[ "$(cat "$dir/off.out")" = "$(cat "$dir/plain.out")" ] || fail "the shim without the option changed nc's answer"
"$v6peer" connect ::1 "$port" bye > /dev/null 2>&1 # let the server finish
wait $spid

# Non-blocking: the refusal comes through poll and SO_ERROR; the program
# sees a connect in progress, then none.
serve
"$v6run" --loopback-fallback yes -- "$evloop" 127.0.0.1 "$port" "hello from v6" \
  > "$dir/evloop.out" 2> "$dir/evloop.err" || fail "legacy_evloop exited $?"
wait $spid || fail "server exited with an error"
grep -q '^so_error: none$' "$dir/evloop.out" || fail "legacy_evloop saw an error"
grep -q '^reply: hello from v6' "$dir/evloop.out" || fail "legacy_evloop got no reply from [::1]"
grep -Eq '^connect: (in progress|at once)$' "$dir/evloop.out" || fail "legacy_evloop's connect"

# Report mode counts it, at the program's connect, as v6-ipv4-literal.
serve
"$v6run" --loopback-fallback yes --report "$dir/report.jsonl" -- "$NC" -n -q 1 127.0.0.1 "$port" \
  < /dev/null > /dev/null 2>&1 || fail "nc under report mode exited $?"
wait $spid
grep -q '"check":"v6-ipv4-literal","call":"connect"' "$dir/report.jsonl" || fail "no v6-ipv4-literal site at connect"
echo "ok: nc.traditional and legacy_evloop fall back to [::1]; off by default; reported"
exit 0
